package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip6Address;

/**
 * Router discovery's edges (RFC 4861 §6.2.1, §6.3.4, §6.3.7, §8.1): the largest Reachable
 * Time taken and one beyond it ignored, MTU options at both ends of the allowed range,
 * on-link prefixes of any length, the number of solicitations, invalid redirects counted, and
 * a closing stack forgetting every list.
 */
class RouterDiscoveryRulesTest {
    private static final Ip6Address FAR = Ip6Address.parse("2001:db8:99::1");
    private Nd6Fixture f;

    @AfterEach
    void close() {
        f.close();
    }

    private void host() {
        f = new Nd6Fixture(b -> b.ip6LinkLocal(false).lwipIpv6DupDetectAttempts(0).maxRtrSolicitations(0));
        f.netif.ip6().add(Ip6Address.parse("2001:db8:1::5"), 64);
        f.run();
    }

    @Test
    void reachableTimeUpToAnHourIsTakenAndLongerIsIgnored() {
        host();
        RouterDiscovery.Link l = f.rd().link(f.netif);
        f.ra(raMsg(ROUTER, 0, 0, 1800, 3_600_000, 0));
        assertEquals(3_600_000_000_000L, l.baseReachableNanos(), "MAX_REACHABLE_TIME, 3,600,000 ms (§6.2.1)");
        f.ra(raMsg(ROUTER, 0, 0, 1800, 3_600_001, 0));
        assertEquals(3_600_000_000_000L, l.baseReachableNanos(), "beyond it: ignored");
        f.ra(raMsg(ROUTER, 0, 0, 1800, 20_000, 0));
        assertEquals(20_000_000_000L, l.baseReachableNanos());
        long r = l.reachableNanos();
        assertTrue(r >= 10_000_000_000L && r <= 30_000_000_000L, "re-randomized in 0.5..1.5 x: " + r);
        f.ra(raMsg(ROUTER, 0, 0, 1800, 20_000, 0));
        assertEquals(r, l.reachableNanos(), "the same value does not draw again");
    }

    @Test
    void mtuOptionsFrom1280ToTheNetifsMtuAreTaken() {
        host();
        RouterDiscovery.Link l = f.rd().link(f.netif);
        f.ra(raMsg(ROUTER, 0, 0, 1800, 0, 0, mtu(1280)));
        assertEquals(1280, l.mtu());
        f.ra(raMsg(ROUTER, 0, 0, 1800, 0, 0, mtu(1500)));
        assertEquals(1500, l.mtu(), "the netif's own MTU");
        f.ra(raMsg(ROUTER, 0, 0, 1800, 0, 0, mtu(1279)));
        assertEquals(1500, l.mtu());
        f.ra(raMsg(ROUTER, 0, 0, 1800, 0, 0, mtu(1501)));
        assertEquals(1500, l.mtu());
    }

    @Test
    void onLinkPrefixesOfAnyLengthMatchTheirBitsOnly() {
        host();
        f.ra(raMsg(1800, pio("2001:db8:5:0:ab00::", 72, 0x80, 600, 600), pio("2001:db8:6::", 48, 0x80, 600, 600)));
        PrefixList pl = f.rd().prefixes();
        assertEquals(72, pl.onLink(f.netif, Ip6Address.parse("2001:db8:5:0:abff::1").hi(), Ip6Address.parse("2001:db8:5:0:abff::1").lo()));
        assertEquals(-1, pl.onLink(f.netif, Ip6Address.parse("2001:db8:5:0:ac00::1").hi(), Ip6Address.parse("2001:db8:5:0:ac00::1").lo()),
                "the 72nd bit differs");
        Ip6Address in48 = Ip6Address.parse("2001:db8:6:ffff::1");
        assertEquals(48, pl.onLink(f.netif, in48.hi(), in48.lo()));
        Ip6Address out48 = Ip6Address.parse("2001:db8:7::1");
        assertEquals(-1, pl.onLink(f.netif, out48.hi(), out48.lo()));
        assertEquals(in48, f.stack.ip().route(in48, null, null).nextHop(), "on-link: straight to it");
        // Lifetime 0 removes it at once.
        f.ra(raMsg(1800, pio("2001:db8:6::", 48, 0x80, 0, 0)));
        assertEquals(-1, pl.onLink(f.netif, in48.hi(), in48.lo()));
        assertEquals(1, pl.all().size());
    }

    @Test
    void exactlyMaxRtrSolicitationsAreSent() {
        f = new Nd6Fixture(b -> b.maxRtrSolicitations(1));
        f.advance(Duration.ofSeconds(20));
        assertEquals(1, f.sent(133).size());
    }

    private void redirect(String src, String target, String dst) {
        byte[] body = cat(Ip6Address.parse(target).toBytes(), Ip6Address.parse(dst).toBytes());
        f.inject(0x0200_00aa_bbccL, Nd6Fixture.ROUTER_MAC, ipv6(58, src, "2001:db8:1::5", 255,
                icmpv6(137, 0, 0, body, src, "2001:db8:1::5")));
    }

    @Test
    void invalidRedirectsAndAdvertisementsAreCountedAsProtocolErrors() {
        host();
        f.ra(raMsg(1800));
        var nd = f.stack.stats().nd6;
        long proterr = nd.proterr;
        long drop = nd.drop;
        redirect("2001:db8:1::1", "fe80::3", FAR.toString());   // not from a link-local address
        redirect(ROUTER, "2001:db8:55::3", FAR.toString());      // target neither link-local nor the destination
        redirect("fe80::2", "fe80::3", FAR.toString());          // not our first hop for it
        assertEquals(proterr + 3, nd.proterr);
        assertEquals(drop + 3, nd.drop);
        f.ra("2001:db8:1::1", 255, raMsg("2001:db8:1::1", 0, 0, 1800, 0, 0));
        assertEquals(proterr + 4, nd.proterr, "an RA from a global address");
        assertEquals(drop + 4, nd.drop);
    }

    @Test
    void aClosingStackForgetsEveryList() {
        host();
        f.netif.ip6().setAutoconfig(true);
        f.ra(raMsg(ROUTER, 0, 0, 1800, 0, 0, sllao(Nd6Fixture.ROUTER_MAC), pio("2001:db8:7::", 64, 0xc0, 600, 600)));
        f.rd().destinations().tooBig(FAR.hi(), FAR.lo(), 1400, 1500);
        assertEquals(1, f.rd().routers().all().size());
        assertEquals(1, f.rd().prefixes().all().size());
        assertEquals(1, f.rd().destinations().size());
        assertNotNull(f.slaac("2001:db8:7::"));
        assertFalse(f.stack.ipv6().nd().cache().all().isEmpty());
        f.stack.close();
        assertTrue(f.rd().routers().all().isEmpty());
        assertTrue(f.rd().prefixes().all().isEmpty());
        assertEquals(0, f.rd().destinations().size());
        assertTrue(f.stack.ipv6().nd().cache().all().isEmpty());
    }
}
