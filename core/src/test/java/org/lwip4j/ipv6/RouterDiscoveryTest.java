package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.ipv6.Nd6Fixture.ROUTER;
import static org.lwip4j.ipv6.Nd6Fixture.mtu;
import static org.lwip4j.ipv6.Nd6Fixture.pio;
import static org.lwip4j.ipv6.Nd6Fixture.raMsg;
import static org.lwip4j.ipv6.Nd6Fixture.sllao;
import static org.lwip4j.ipv6.Packets6.cat;
import static org.lwip4j.ipv6.Packets6.icmpv6;
import static org.lwip4j.ipv6.Packets6.ipv6;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.ip.Route;
import org.lwip4j.netif.Ip6Addresses;

/** Router discovery (RFC 4861 §6.3), on-link determination (§5.2) and redirects (§8) seen from one host. */
class RouterDiscoveryTest {
    private static final Ip6Address FAR = Ip6Address.parse("2001:db8:99::1");
    private Nd6Fixture f;

    @AfterEach
    void close() {
        f.close();
    }

    /** A host with a preferred global address (no DAD, no link-local: no RS). */
    private void host() {
        f = new Nd6Fixture(b -> b.ip6LinkLocal(false).lwipIpv6DupDetectAttempts(0));
        f.netif.ip6().add(Ip6Address.parse("2001:db8:1::5"), 64);
    }

    private static String h(byte[] b, int from, int to) {
        return HexFormat.of().formatHex(b, from, to);
    }

    @Test
    void routerSolicitationsFollowDadOfTheLinkLocalAddressThreeFourSecondsApart() {
        f = new Nd6Fixture(b -> { });
        Ip6Addresses.Entry ll = f.netif.ip6().linkLocal();
        f.advance(Duration.ofSeconds(2));
        assertEquals(Ip6Addresses.State.PREFERRED, ll.state());
        f.sent(135); // the DAD NS
        f.advance(Duration.ofSeconds(1));
        List<byte[]> rs = f.sent(133);
        assertEquals(1, rs.size(), "first RS within MAX_RTR_SOLICITATION_DELAY of DAD done");
        byte[] p = rs.get(0);
        assertEquals("333300000002", h(p, 0, 6), "to all-routers");
        assertEquals(255, p[14 + 7] & 0xff, "hop limit 255");
        assertEquals(h(ll.address().toBytes(), 0, 16), h(p, 14 + 8, 14 + 24), "from the link-local address");
        assertEquals("ff020000000000000000000000000002", h(p, 14 + 24, 14 + 40));
        assertEquals(14 + 40 + 8 + 8, p.length, "RS with one SLLAO");
        assertEquals("8500", h(p, 14 + 40, 14 + 42), "type 133, code 0");
        assertEquals("00000000", h(p, 14 + 44, 14 + 48), "reserved");
        assertEquals("0101020000aabbcc", h(p, 14 + 48, 14 + 56), "SLLAO");
        f.advance(Duration.ofSeconds(4));
        assertEquals(1, f.sent(133).size(), "second");
        f.advance(Duration.ofSeconds(4));
        assertEquals(1, f.sent(133).size(), "third");
        f.advance(Duration.ofSeconds(20));
        assertEquals(0, f.sent(133).size(), "MAX_RTR_SOLICITATIONS = 3");
        assertEquals(3, f.rd().link(f.netif).solicitations());
    }

    @Test
    void anAdvertisementEndsSoliciting() {
        f = new Nd6Fixture(b -> { });
        f.advance(Duration.ofSeconds(3));
        assertEquals(1, f.sent(133).size());
        f.ra(raMsg(1800));
        f.advance(Duration.ofSeconds(20));
        assertEquals(0, f.sent(133).size());
        assertEquals(1, f.rd().link(f.netif).solicitations());
    }

    @Test
    void theRouterLifetimeMakesADefaultRouterAndEndsIt() {
        host();
        assertNull(f.stack.ip().route(FAR, null, null), "no router: no route");
        f.ra(raMsg(ROUTER, 0, 0, 30, 0, 0, sllao(Nd6Fixture.ROUTER_MAC)));
        Route r = f.stack.ip().route(FAR, null, null);
        assertNotNull(r);
        assertEquals(Ip6Address.parse("fe80::1").withZone(f.netif.index()), r.nextHop());
        assertTrue(f.stack.ipv6().nd().cache().find(f.netif, Ip6Address.parse("fe80::1")).isRouter(), "SLLAO: a router neighbour");
        f.advance(Duration.ofSeconds(29));
        assertNotNull(f.stack.ip().route(FAR, null, null));
        f.advance(Duration.ofSeconds(1));
        assertNull(f.stack.ip().route(FAR, null, null), "lifetime over");
        assertEquals(0, f.rd().routers().all().size());
        f.ra(raMsg(600));
        assertEquals(1, f.rd().routers().all().size());
        f.ra(raMsg(0));
        assertEquals(0, f.rd().routers().all().size(), "lifetime 0: not a default router");
    }

    @Test
    void advertisementsThatAreNotValidAreIgnored() {
        host();
        long before = f.stack.stats().nd6.drop;
        f.ra(ROUTER, 254, raMsg(1800));                                   // hop limit below 255: forwarded
        f.ra("2001:db8:1::1", 255, raMsg("2001:db8:1::1", 0, 0, 1800, 0, 0)); // not link-local
        assertEquals(0, f.rd().routers().all().size());
        assertEquals(before + 2, f.stack.stats().nd6.drop);
    }

    @Test
    void linkParametersComeFromTheAdvertisement() {
        host();
        RouterDiscovery.Link l = f.rd().link(f.netif);
        assertEquals(64, l.curHopLimit());
        assertEquals(1_000_000_000L, l.retransNanos());
        f.ra(raMsg(ROUTER, 32, 0, 1800, 10_000, 250, mtu(1400)));
        assertEquals(32, l.curHopLimit());
        assertEquals(250_000_000L, l.retransNanos());
        assertEquals(10_000_000_000L, l.baseReachableNanos());
        assertTrue(l.reachableNanos() >= 5_000_000_000L && l.reachableNanos() <= 15_000_000_000L, "0.5..1.5 x base");
        assertEquals(1400, l.mtu());
        assertEquals(1400, f.stack.ip().route(FAR, null, null).mtu(), "the link MTU reaches routes");
        // Unspecified (0) fields leave the values; an MTU above the netif's, or below 1280, is ignored.
        f.ra(raMsg(ROUTER, 0, 0, 1800, 0, 0, mtu(9000)));
        f.ra(raMsg(ROUTER, 0, 0, 1800, 0, 0, mtu(1000)));
        assertEquals(32, l.curHopLimit());
        assertEquals(250_000_000L, l.retransNanos());
        assertEquals(1400, l.mtu());
    }

    /** Sends from a fresh pcb (TTL chosen when {@code ttl} is not 0) to {@code dst}:9; the hop limit of the frame on the wire. */
    private int udpHopLimit(String dst, int ttl) {
        org.lwip4j.udp.UdpPcb pcb = f.stack.newUdpPcb();
        if (ttl != 0) {
            pcb.setTtl(ttl);
        }
        f.wire.clear();
        org.lwip4j.buffer.Pbuf p = f.stack.pbuf(new byte[] {1, 2, 3});
        assertEquals(org.lwip4j.stack.Err.OK, pcb.sendTo(p, Ip6Address.parse(dst), 9));
        p.free();
        f.run();
        pcb.close();
        if (dst.startsWith("2001:db8:1::")) {
            // An on-link destination is resolved first (NS): the datagram waits for the NA.
            f.inject(0x0200_00aa_bbccL, 0x0200_0000_0099L, ipv6(58, dst, "2001:db8:1::5", 255, icmpv6(136, 0, 0x6000_0000,
                cat(Ip6Address.parse(dst).toBytes(), new byte[] {2, 1, 2, 0, 0, 0, 0, (byte) 0x99}), dst, "2001:db8:1::5")));
        }
        for (org.lwip4j.sim.CapturedFrame fr : f.wire.drain()) {
            byte[] frame = fr.data();
            if (frame[14 + 6] == 17) {
                return frame[14 + 7] & 0xff;
            }
        }
        throw new AssertionError("no UDP datagram sent");
    }

    @Test
    void theAdvertisedCurHopLimitIsTheHopLimitOfUnicastWeOriginate() {
        host();
        // Before any RA: the configured hop limit (64), not the transport's IPv4-style TTL.
        f.ra(raMsg(ROUTER, 0, 0, 1800, 0, 0, sllao(Nd6Fixture.ROUTER_MAC)));
        assertEquals(64, udpHopLimit("2001:db8:99::1", 0));
        f.ra(raMsg(ROUTER, 32, 0, 1800, 0, 0, sllao(Nd6Fixture.ROUTER_MAC)));
        assertEquals(32, udpHopLimit("2001:db8:99::1", 0), "UDP through the router");
        assertEquals(32, udpHopLimit("2001:db8:1::9", 0), "UDP on-link");
        assertEquals(100, udpHopLimit("2001:db8:99::1", 100), "a TTL the user chose stays");
        assertEquals(1, udpHopLimit("ff02::1:2", 0), "multicast keeps its own hop limit (1)");

        // TCP's SYN, and ICMPv6 echo replies, take it too.
        f.wire.clear();
        org.lwip4j.tcp.TcpPcb c = f.stack.newTcpPcb();
        assertEquals(org.lwip4j.stack.Err.OK, c.connect(FAR, 80, pcb -> { }));
        f.run();
        byte[] syn = f.wire.poll().data();
        assertEquals(6, syn[14 + 6]);
        assertEquals(32, syn[14 + 7] & 0xff, "the SYN");
        c.abort();
        f.wire.clear();
        byte[] echo = icmpv6(128, 0, 0x0101_0001, new byte[4], FAR.toString(), "2001:db8:1::5");
        f.inject(0x0200_00aa_bbccL, Nd6Fixture.ROUTER_MAC, ipv6(58, FAR.toString(), "2001:db8:1::5", 60, echo));
        byte[] reply = f.wire.poll().data();
        assertEquals(129, reply[14 + 40] & 0xff);
        assertEquals(32, reply[14 + 7] & 0xff, "the echo reply");

        // A later RA without a Cur Hop Limit (0) leaves it.
        f.ra(raMsg(ROUTER, 0, 0, 1800, 0, 0));
        assertEquals(32, udpHopLimit("2001:db8:99::1", 0));
    }

    /** The neighbour solicitations for {@code target} on the wire since the last clear, as (virtual) send times. */
    private List<Long> solicitations(List<Long> into, String target) {
        for (org.lwip4j.sim.CapturedFrame fr : f.wire.drain()) {
            byte[] b = fr.data();
            if (b[14 + 6] == 58 && (b[14 + 40] & 0xff) == 135
                    && Ip6Address.of(java.util.Arrays.copyOfRange(b, 14 + 48, 14 + 64), 0).equals(Ip6Address.parse(target))) {
                into.add(f.clock.nanoTime());
            }
        }
        return into;
    }

    @Test
    void theAdvertisedRetransTimerSpacesSolicitationsAndReachableTimeEndsReachability() {
        host();
        f.ra(raMsg(ROUTER, 0, 0, 1800, 10_000, 250));
        long reachable = f.rd().link(f.netif).reachableNanos();
        f.wire.clear();
        org.lwip4j.udp.UdpPcb pcb = f.stack.newUdpPcb();
        org.lwip4j.buffer.Pbuf p = f.stack.pbuf(new byte[] {1});
        long t0 = f.clock.nanoTime();
        pcb.sendTo(p, Ip6Address.parse("2001:db8:1::9"), 9);
        p.free();
        f.run();
        List<Long> ns = solicitations(new java.util.ArrayList<>(), "2001:db8:1::9");
        for (int i = 0; i < 10; i++) {
            f.clock.advance(Duration.ofMillis(50));
            f.run();
            solicitations(ns, "2001:db8:1::9");
        }
        // RetransTimer 250 ms (RFC 4861 §6.3.4, §7.2.2): three multicast solicitations 250 ms apart, not 1 s.
        assertEquals(List.of(t0, t0 + 250_000_000L, t0 + 500_000_000L), ns);
        // A solicited NA: REACHABLE for ReachableTime (0.5..1.5 x the advertised 10 s), then STALE.
        f.run();
        f.wire.clear();
        pcb.sendTo(p = f.stack.pbuf(new byte[] {2}), Ip6Address.parse("2001:db8:1::9"), 9);
        p.free();
        f.inject(0x0200_00aa_bbccL, 0x0200_0000_0099L, ipv6(58, "2001:db8:1::9", "2001:db8:1::5", 255, icmpv6(136, 0, 0x6000_0000,
                cat(Ip6Address.parse("2001:db8:1::9").toBytes(), new byte[] {2, 1, 2, 0, 0, 0, 0, (byte) 0x99}),
                "2001:db8:1::9", "2001:db8:1::5")));
        assertTrue(reachable >= 5_000_000_000L && reachable <= 15_000_000_000L, "0.5..1.5 x 10 s: " + reachable);
        Neighbor n = f.stack.ipv6().nd().cache().find(f.netif, Ip6Address.parse("2001:db8:1::9"));
        assertEquals(NeighborState.REACHABLE, n.state());
        f.clock.advance(Duration.ofNanos(reachable - 1_000_000L));
        f.run();
        assertEquals(NeighborState.REACHABLE, n.state());
        f.clock.advance(Duration.ofMillis(2));
        f.run();
        assertEquals(NeighborState.STALE, n.state());
        pcb.close();
    }

    @Test
    void onLinkPrefixesAreReachedDirectlyUntilTheirLifetimeEnds() {
        host();
        f.ra(raMsg(1800, pio("2001:db8:7::", 64, 0x80, 60, 60)));
        Ip6Address onLink = Ip6Address.parse("2001:db8:7::9");
        assertEquals(onLink, f.stack.ip().route(onLink, null, null).nextHop(), "on-link: no router");
        assertEquals(Ip6Address.parse("fe80::1").withZone(f.netif.index()), f.stack.ip().route(FAR, null, null).nextHop());
        f.advance(Duration.ofSeconds(60));
        assertEquals(Ip6Address.parse("fe80::1").withZone(f.netif.index()), f.stack.ip().route(onLink, null, null).nextHop(),
                "prefix gone: through the router");
        f.ra(raMsg(1800, pio("2001:db8:7::", 64, 0x80, 0xffff_ffffL, 0xffff_ffffL)));
        f.advance(Duration.ofDays(100));
        assertEquals(onLink, f.stack.ip().route(onLink, null, null).nextHop(), "infinite");
        f.ra(raMsg(1800, pio("2001:db8:7::", 64, 0x80, 0, 0)));
        assertEquals(0, f.rd().prefixes().all().size(), "valid lifetime 0 removes it");
        f.ra(raMsg(1800, pio("fe80::", 64, 0x80, 600, 600)));
        assertEquals(0, f.rd().prefixes().all().size(), "the link-local prefix is ignored");
    }

    @Test
    void floodsOfAdvertisementsCannotGrowTheLists() {
        f = new Nd6Fixture(b -> b.ip6LinkLocal(false).lwipIpv6DupDetectAttempts(0).lwipNd6NumRouters(4)
                .lwipNd6NumPrefixes(5).lwipIpv6NumAddresses(6));
        f.netif.ip6().setAutoconfig(true);
        for (int i = 0; i < 200; i++) {
            String src = "fe80::" + Integer.toHexString(i + 16);
            String prefix = "2001:db8:" + Integer.toHexString(i) + "::";
            f.ra(src, 255, raMsg(src, 0, 0, 1800, 0, 0, pio(prefix, 64, 0xc0, 7200, 3600)));
        }
        assertEquals(4, f.rd().routers().all().size());
        assertEquals(5, f.rd().prefixes().all().size());
        assertEquals(6, f.netif.ip6().count(), "LWIP_IPV6_NUM_ADDRESSES");
        assertTrue(f.stack.stats().nd6.memerr >= 196 + 195);
        assertTrue(f.stack.ipv6().nd().cache().size() <= f.stack.config().ip6().numNeighbors());
    }

    @Test
    void aNeighborAdvertisementWithoutTheRouterFlagRemovesTheRouter() {
        host();
        f.ra(raMsg(ROUTER, 0, 0, 1800, 0, 0, sllao(Nd6Fixture.ROUTER_MAC)));
        assertEquals(1, f.rd().routers().all().size());
        f.inject(Nd6Fixture.ALL_NODES_MAC, Nd6Fixture.ROUTER_MAC, ipv6(58, ROUTER, "ff02::1", 255,
                icmpv6(136, 0, 0x20 << 24, cat(Ip6Address.parse(ROUTER).toBytes(), sllao(Nd6Fixture.ROUTER_MAC)), ROUTER,
                        "ff02::1")));
        assertEquals(0, f.rd().routers().all().size(), "RFC 4861 §7.2.5");
    }

    /** A redirect from {@code src}: {@code dst} is better reached through {@code target}. */
    private void redirect(String src, String target, String dst, int hops) {
        byte[] body = cat(Ip6Address.parse(target).toBytes(), Ip6Address.parse(dst).toBytes(),
                sllao(0x0200_0000_0077L));
        body[32] = 2; // target link-layer address option
        f.inject(0x0200_00aa_bbccL, Nd6Fixture.ROUTER_MAC, ipv6(58, src, "2001:db8:1::5", hops,
                icmpv6(137, 0, 0, body, src, "2001:db8:1::5")));
    }

    @Test
    void redirectsAreTakenFromTheCurrentFirstHopOnly() {
        host();
        f.netif.setUp(true);
        f.ra(raMsg(1800));
        f.ra("fe80::2", 255, raMsg("fe80::2", 0, 0, 1800, 0, 0));
        Ip6Address r1 = Ip6Address.parse("fe80::1").withZone(f.netif.index());
        assertEquals(r1, f.stack.ip().route(FAR, null, null).nextHop());
        redirect("fe80::2", "fe80::3", FAR.toString(), 255);
        assertEquals(r1, f.stack.ip().route(FAR, null, null).nextHop(), "not our first hop for it");
        redirect(ROUTER, "2001:db8:55::3", FAR.toString(), 255);
        assertEquals(r1, f.stack.ip().route(FAR, null, null).nextHop(), "target neither link-local nor the destination");
        redirect(ROUTER, "fe80::3", FAR.toString(), 254);
        assertEquals(r1, f.stack.ip().route(FAR, null, null).nextHop(), "hop limit below 255");
        long gen = f.stack.ip().generation();
        redirect(ROUTER, "fe80::3", FAR.toString(), 255);
        assertTrue(f.stack.ip().generation() > gen, "routes are stale");
        assertEquals(Ip6Address.parse("fe80::3").withZone(f.netif.index()), f.stack.ip().route(FAR, null, null).nextHop());
        var n = f.stack.ipv6().nd().cache().find(f.netif, Ip6Address.parse("fe80::3"));
        assertEquals(0x0200_0000_0077L, n.mac(), "target link-layer address learned");
        assertEquals(NeighborState.STALE, n.state());
        assertTrue(n.isRouter());
        assertEquals(Ip6Address.parse("fe80::1").withZone(f.netif.index()),
                f.stack.ip().route(Ip6Address.parse("2001:db8:98::1"), null, null).nextHop(), "only that destination");
        // The destination itself as target: it is on-link.
        Ip6Address other = Ip6Address.parse("2001:db8:97::1");
        redirect(ROUTER, other.toString(), other.toString(), 255);
        assertEquals(other, f.stack.ip().route(other, null, null).nextHop());
    }

    @Test
    void aRouterNeitherSolicitsNorTakesAdvertisements() {
        f = new Nd6Fixture(b -> b.lwipIpv6Forward(true));
        f.advance(Duration.ofSeconds(20));
        assertEquals(0, f.sent(133).size());
        f.ra(raMsg(1800));
        assertEquals(0, f.rd().routers().all().size());
        assertFalse(f.rd().routers().has(f.netif));
    }

    @Test
    void linkDownForgetsRoutersPrefixesAndRedirectsAndLinkUpSolicitsAgain() {
        f = new Nd6Fixture(b -> { });
        f.advance(Duration.ofSeconds(15));
        assertEquals(3, f.sent(133).size());
        f.netif.ip6().add(Ip6Address.parse("2001:db8:1::5"), 64);
        f.advance(Duration.ofSeconds(3));
        f.ra(raMsg(1800, pio("2001:db8:7::", 64, 0x80, 600, 600), mtu(1400)));
        redirect(ROUTER, "fe80::3", FAR.toString(), 255);
        assertEquals(1, f.rd().routers().all().size());
        assertEquals(1, f.rd().prefixes().all().size());
        assertEquals(1, f.rd().destinations().size());
        f.wire.setLinkUp(false);
        f.run();
        assertEquals(0, f.rd().routers().all().size());
        assertEquals(0, f.rd().prefixes().all().size());
        assertEquals(0, f.rd().destinations().size());
        assertEquals(0, f.rd().link(f.netif).mtu(), "link parameters forgotten");
        f.wire.drain();
        f.wire.setLinkUp(true);
        f.advance(Duration.ofSeconds(1));
        assertEquals(1, f.sent(133).size(), "soliciting again");
    }

    @Test
    void turningAutoconfigurationOnSolicitsAgain() {
        f = new Nd6Fixture(b -> { });
        f.advance(Duration.ofSeconds(15));
        assertEquals(3, f.sent(133).size());
        f.advance(Duration.ofSeconds(15));
        assertEquals(0, f.sent(133).size());
        f.netif.ip6().setAutoconfig(true);
        f.advance(Duration.ofSeconds(1));
        assertEquals(1, f.sent(133).size());
        f.netif.ip6().setAutoconfig(false);
        f.advance(Duration.ofSeconds(1));
        f.netif.ip6().setAutoconfig(false);
        assertFalse(f.netif.ip6().autoconfig());
    }

    @Test
    void aRouterWhoseLinkLayerAddressIsKnownIsChosenFirst() {
        host();
        f.ra(raMsg(1800));
        f.ra("fe80::2", 255, raMsg("fe80::2", 0, 0, 1800, 0, 0, sllao(0x0200_0000_0002L)));
        assertEquals(Ip6Address.parse("fe80::2").withZone(f.netif.index()), f.rd().routers().select(f.netif),
                "RFC 4861 §6.3.6: reachable (or probably so) first");
        assertEquals(2, f.rd().routers().all().size());
        assertTrue(f.rd().routers().find(f.netif, Ip6Address.parse("fe80::1")).expiresAt() > 0);
        assertNull(f.rd().routers().select(f.stack.netifs().loopbackNetif()));
    }

    @Test
    void prefixesAreKeptMaskedToTheirLength() {
        host();
        f.ra(raMsg(1800, pio("2001:db8:1:ffff:1::", 48, 0x80, 600, 600), pio("2001:db8:2::1:2:3:4", 96, 0x80, 600, 600)));
        var all = f.rd().prefixes().all();
        assertEquals(Ip6Address.parse("2001:db8:1::"), all.get(0).prefix());
        assertEquals(48, all.get(0).length());
        assertEquals(Ip6Address.parse("2001:db8:2:0:1:2::"), all.get(1).prefix());
        assertEquals(f.rd().prefixes().onLink(f.netif, Ip6Address.parse("2001:db8:1:ab::1").hi(),
                Ip6Address.parse("2001:db8:1:ab::1").lo()), 48);
        assertEquals(-1, f.rd().prefixes().onLink(f.netif, Ip6Address.parse("2001:db8:2:0:1:3::").hi(),
                Ip6Address.parse("2001:db8:2:0:1:3::").lo()), "outside the /96");
        assertEquals(96, f.rd().prefixes().onLink(f.netif, Ip6Address.parse("2001:db8:2:0:1:2:ff:1").hi(),
                Ip6Address.parse("2001:db8:2:0:1:2:ff:1").lo()));
        assertTrue(all.get(0).expiresAt() > 0);
    }

    private int echoRepliesToAllRouters() {
        f.netif.ip6().add(Ip6Address.parse("2001:db8:1::5"), 64);
        f.advance(Duration.ofSeconds(3));
        String sn = Ip6Address.parse("2001:db8:1::5").solicitedNode().toString();
        f.inject(Ip6Address.parse("2001:db8:1::5").solicitedNode().multicastMac().bits(), 0x0200_0000_0009L,
                ipv6(58, "2001:db8:1::9", sn, 255, icmpv6(135, 0, 0, cat(Ip6Address.parse("2001:db8:1::5").toBytes(),
                        sllao(0x0200_0000_0009L)), "2001:db8:1::9", sn)));
        f.wire.drain();
        f.inject(0x3333_0000_0002L, 0x0200_0000_0009L, ipv6(58, "2001:db8:1::9", "ff02::2", 64,
                icmpv6(128, 0, 0x0001_0001, new byte[4], "2001:db8:1::9", "ff02::2")));
        return f.wire.drain().stream().map(x -> x.data()).filter(d -> d.length > 54 && (d[14 + 40] & 0xff) == 129)
                .toList().size();
    }

    @Test
    void aRouterListensToAllRoutersAHostDoesNot() {
        f = new Nd6Fixture(b -> b.lwipIpv6Forward(true).ip6LinkLocal(false));
        assertEquals(1, echoRepliesToAllRouters());
        f.close();
        f = new Nd6Fixture(b -> b.ip6LinkLocal(false));
        assertEquals(0, echoRepliesToAllRouters());
    }

    @Test
    void aRemovedListenerHearsNothingAndAThrowingOneHarmsNoOther() {
        host();
        java.util.List<String> heard = new java.util.ArrayList<>();
        Ip6Addresses.Listener l = (n, e, ev) -> heard.add(ev.name());
        f.netif.ip6().addListener((n, e, ev) -> {
            throw new IllegalStateException("a careless listener");
        });
        f.netif.ip6().addListener(l);
        f.netif.ip6().add(Ip6Address.parse("2001:db8:1::6"), 64);
        assertEquals(java.util.List.of("ADDED"), heard);
        f.netif.ip6().removeListener(l);
        f.netif.ip6().remove(Ip6Address.parse("2001:db8:1::6"));
        assertEquals(java.util.List.of("ADDED"), heard);
        assertTrue(f.events.contains("REMOVED MANUAL 2001:db8:1::6"), "the fixture's listener still hears");
    }

    @Test
    void aRedirectToANeighborFoundUnreachableIsForgotten() {
        host();
        f.ra(raMsg(1800));
        redirect(ROUTER, "fe80::3", FAR.toString(), 255);
        Ip6Address r3 = Ip6Address.parse("fe80::3").withZone(f.netif.index());
        assertEquals(r3, f.stack.ip().route(FAR, null, null).nextHop());
        // fe80::3 is STALE (from the TLLAO); traffic makes it DELAY, then PROBE, and no one answers.
        var pcb = f.stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 0);
        var p = f.stack.pbuf(new byte[8]);
        pcb.sendTo(p, FAR, 9);
        p.free();
        f.advance(Duration.ofSeconds(5 + 3 + 1));
        assertNull(f.stack.ipv6().nd().cache().find(f.netif, Ip6Address.parse("fe80::3")), "NUD failed");
        assertEquals(Ip6Address.parse("fe80::1").withZone(f.netif.index()), f.stack.ip().route(FAR, null, null).nextHop(),
                "RFC 4861 §7.3.3: next-hop determination again");
        assertEquals(0, f.rd().destinations().size());
        pcb.close();
    }
}
