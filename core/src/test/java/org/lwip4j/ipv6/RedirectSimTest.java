package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.raw.RawPcb;
import org.lwip4j.sim.VirtualSwitch;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.SimNet;

/**
 * A forwarding stack sends redirects (RFC 4861 §8.2): host A (2001:db8:a::2/128, so nothing
 * is on-link for it, default router R's link-local address), router R (2001:db8:a::1/64) and
 * host C (2001:db8:a::3/64) share one switch. A's packets for C go to R, which forwards them
 * back out of the same link and tells A that C is on-link.
 */
class RedirectSimTest {
    private static final Ip6Address A = Ip6Address.parse("2001:db8:a::2");
    private static final Ip6Address R = Ip6Address.parse("2001:db8:a::1");
    private static final Ip6Address C = Ip6Address.parse("2001:db8:a::3");

    private final SimNet net = new SimNet(17);
    private Stack a;
    private Stack r;
    private Stack c;
    private Netif na;
    private Netif nr;
    private Netif nc;
    private final List<byte[]> redirectsAtA = new ArrayList<>();
    private final List<byte[]> echoesAtC = new ArrayList<>();

    private void setUp(StackConfig routerCfg, int aPrefix) {
        StackConfig host = StackConfig.builder().lwipIpv6DupDetectAttempts(0).maxRtrSolicitations(0).build();
        a = net.stack(host);
        c = net.stack(host);
        r = net.stack(routerCfg);
        VirtualSwitch sw = new VirtualSwitch(net.sim);
        na = up(a, sw.newPort(), A, aPrefix);
        nr = up(r, sw.newPort(), R, 64);
        nc = up(c, sw.newPort(), C, 64);
        na.ip6().setGateway(nr.ip6().linkLocal().address().withZone(na.index()));
        RawPcb raw = a.newRawPcb(58);
        raw.bind(Ip6Address.ANY);
        raw.onReceive((pc, p, src) -> {
            byte[] all = p.toByteArray();
            if ((all[40] & 0xff) == 137) {
                redirectsAtA.add(all);
            }
            return false; // ND goes on to take it
        });
        RawPcb rc = c.newRawPcb(58);
        rc.bind(Ip6Address.ANY);
        rc.onReceive((pc, p, src) -> {
            byte[] all = p.toByteArray();
            if ((all[40] & 0xff) == 128) {
                echoesAtC.add(all);
            }
            return false;
        });
        net.runFor(Duration.ofMillis(100));
    }

    private static StackConfig router() {
        return StackConfig.builder().lwipIpv6DupDetectAttempts(0).maxRtrSolicitations(0).lwipIpv6Forward(true).build();
    }

    private static Netif up(Stack s, org.lwip4j.netif.NetifDriver d, Ip6Address addr, int len) {
        Netif n = s.addNetif(d, "eth0");
        n.setUp(true);
        n.ip6().add(addr, len);
        s.netifs().setDefault(n);
        return n;
    }

    @AfterEach
    void close() {
        for (Stack s : net.stacks()) {
            s.close();
        }
    }

    /** The echo request A sends to {@code dst} ({@code dataLen} data bytes, hop limit 64) as a whole packet. */
    private byte[] ping(Ip6Address dst, int dataLen) {
        byte[] packet = send(dst, dataLen);
        net.runFor(Duration.ofMillis(200));
        return packet;
    }

    /** As {@link #ping} without running the simulation. */
    private byte[] send(Ip6Address dst, int dataLen) {
        byte[] icmp = Packets6.icmpv6(128, 0, 0x4242 << 16 | 1, new byte[dataLen], A.toString(), dst.toString());
        byte[] packet = Packets6.ipv6(58, A.toString(), dst.toString(), 64, icmp);
        Pbuf p = a.pbuf(packet);
        assertEquals(Err.OK, a.ip().outputPacket(p, na));
        p.free();
        return packet;
    }

    @Test
    void aPacketSentBackOutOfItsLinkGetsItsSenderARedirectToTheDestinationAndIsStillForwarded() {
        setUp(router(), 128);
        byte[] sent = ping(C, 8);
        assertEquals(1, echoesAtC.size(), "R forwarded the packet to C");
        assertEquals(63, echoesAtC.get(0)[7] & 0xff);
        assertEquals(1, r.stats().ip6.fw);
        assertEquals(1, redirectsAtA.size());
        byte[] m = redirectsAtA.get(0);
        assertEquals(255, m[7] & 0xff, "hop limit 255 (RFC 4861 §8.2)");
        assertEquals(nr.ip6().linkLocal().address().withZone(0), Ip6Address.of(Arrays.copyOfRange(m, 8, 24), 0),
                "from R's link-local address");
        assertEquals(A, Ip6Address.of(Arrays.copyOfRange(m, 24, 40), 0), "to the packet's source");
        assertEquals(0, m[41], "code 0");
        assertArrayEquals(new byte[4], Arrays.copyOfRange(m, 44, 48), "reserved");
        assertEquals(C, Ip6Address.of(Arrays.copyOfRange(m, 48, 64), 0), "target: the destination itself, on-link");
        assertEquals(C, Ip6Address.of(Arrays.copyOfRange(m, 64, 80), 0), "destination");
        // R had not resolved C when it redirected: no target link-layer option, the redirected header at once.
        assertEquals(4, m[80], "redirected header option");
        int units = m[81] & 0xff;
        assertEquals((8 + sent.length + 7) / 8, units);
        assertArrayEquals(new byte[6], Arrays.copyOfRange(m, 82, 88));
        assertArrayEquals(sent, Arrays.copyOfRange(m, 88, 88 + sent.length), "the packet as it arrived, hop limit 64");
        assertEquals(40 + 40 + units * 8, m.length, "nothing after the option");
        assertEquals(m.length - 40, ((m[4] & 0xff) << 8) | (m[5] & 0xff), "payload length");

        // A takes it (§8.3): the next packet for C goes straight to C, R forwards nothing more.
        ping(C, 8);
        assertEquals(2, echoesAtC.size());
        assertEquals(64, echoesAtC.get(1)[7] & 0xff, "straight from A");
        assertEquals(1, r.stats().ip6.fw);
        assertEquals(1, redirectsAtA.size());
    }

    @Test
    void aKnownTargetGetsItsLinkLayerAddressAndALargePacketIsQuotedUpTo1280Bytes() {
        setUp(router(), 128);
        // R resolves C first (its own ping), so the redirect can carry C's MAC.
        Pbuf p = r.pbuf(Packets6.ipv6(58, R.toString(), C.toString(), 64,
                Packets6.icmpv6(128, 0, 7, new byte[8], R.toString(), C.toString())));
        assertEquals(Err.OK, r.ip().outputPacket(p, nr));
        p.free();
        net.runFor(Duration.ofMillis(200));
        echoesAtC.clear();
        byte[] sent = ping(C, 1400);
        assertEquals(1, echoesAtC.size());
        assertEquals(1, redirectsAtA.size());
        byte[] m = redirectsAtA.get(0);
        assertEquals(2, m[80], "target link-layer address option");
        assertEquals(1, m[81]);
        assertEquals(nc.mac().bits(), java.nio.ByteBuffer.wrap(Arrays.copyOfRange(m, 80, 88)).getLong() & 0xffff_ffff_ffffL,
                "C's MAC");
        assertEquals(4, m[88], "redirected header option");
        assertEquals(1280, m.length, "the redirect fills the minimum MTU and no more");
        int quoted = (m[89] & 0xff) * 8 - 8;
        assertEquals(1280 - 40 - 40 - 8 - 8, quoted);
        assertArrayEquals(Arrays.copyOf(sent, quoted), Arrays.copyOfRange(m, 96, 96 + quoted));
    }

    @Test
    void redirectsAreRateLimited() {
        setUp(router().toBuilder().icmpErrorRate(2).icmpErrorBurst(3).build(), 128);
        // Five destinations on A's side of R at once: each goes back out, only three redirects.
        for (int i = 0; i < 5; i++) {
            send(Ip6Address.parse("2001:db8:a::" + (0x10 + i)), 8);
        }
        net.runFor(Duration.ofMillis(100));
        assertEquals(5, r.stats().ip6.fw);
        assertEquals(3, redirectsAtA.size(), "the bucket's burst");
        assertEquals(2, r.stats().nd6.drop, "the two held back are counted");
        net.runFor(Duration.ofMillis(500)); // a token per 500 ms
        ping(Ip6Address.parse("2001:db8:a::20"), 8);
        assertEquals(4, redirectsAtA.size());
        assertEquals(Ip6Address.parse("2001:db8:a::20"), Ip6Address.of(Arrays.copyOfRange(redirectsAtA.get(3), 64, 80), 0));
    }

    @Test
    void aSourceThatIsNoNeighbourGetsNoRedirect() {
        setUp(router(), 128);
        // A sends from an address outside R's on-link prefix: R forwards it back out, but may not redirect.
        na.ip6().add(Ip6Address.parse("2001:db8:f::2"), 128);
        net.runFor(Duration.ofMillis(100));
        byte[] icmp = Packets6.icmpv6(128, 0, 1, new byte[8], "2001:db8:f::2", C.toString());
        Pbuf p = a.pbuf(Packets6.ipv6(58, "2001:db8:f::2", C.toString(), 64, icmp));
        assertEquals(Err.OK, a.ip().outputPacket(p, na));
        p.free();
        net.runFor(Duration.ofMillis(200));
        assertEquals(1, r.stats().ip6.fw);
        assertEquals(1, echoesAtC.size());
        assertTrue(redirectsAtA.isEmpty());
    }

    @Test
    void aBetterRouterIsNamedByItsLinkLocalAddressAndNeverByAGlobalOneNorTheSenderItself() {
        setUp(router(), 128);
        Ip6Address better = Ip6Address.parse("fe80::77");
        r.ipv6().routes().add(new org.lwip4j.ip.StaticRoute(org.lwip4j.addr.IpPrefix.parse("2001:db8:d::/64"),
                better.withZone(nr.index()), nr));
        r.ipv6().routes().add(new org.lwip4j.ip.StaticRoute(org.lwip4j.addr.IpPrefix.parse("2001:db8:e::/64"),
                Ip6Address.parse("2001:db8:a::77"), nr));
        r.ipv6().routes().add(new org.lwip4j.ip.StaticRoute(org.lwip4j.addr.IpPrefix.parse("2001:db8:f::/64"), A, nr));
        Ip6Address d = Ip6Address.parse("2001:db8:d::5");
        ping(d, 8);
        assertEquals(1, redirectsAtA.size());
        byte[] m = redirectsAtA.get(0);
        assertEquals(better, Ip6Address.of(Arrays.copyOfRange(m, 48, 64), 0), "target: the better router's link-local address");
        assertEquals(d, Ip6Address.of(Arrays.copyOfRange(m, 64, 80), 0), "destination");
        assertEquals(better.withZone(na.index()), a.ipv6().nextHop(na, d), "A sends to the better router from now on");
        ping(Ip6Address.parse("2001:db8:e::5"), 8);
        ping(Ip6Address.parse("2001:db8:f::5"), 8);
        assertEquals(1, redirectsAtA.size(), "a global next hop, or the sender itself: no redirect");
        assertEquals(3, r.stats().ip6.fw, "each was forwarded all the same");
    }

    @Test
    void withoutAnIcmpErrorLimitRedirectsStillHaveOneOfTenPerSecond() {
        setUp(router().toBuilder().icmpErrorRate(0).icmpErrorBurst(2).build(), 128);
        long xmit = r.stats().nd6.xmit;
        for (int i = 0; i < 4; i++) {
            send(Ip6Address.parse("2001:db8:a::" + (0x30 + i)), 8);
        }
        net.runFor(Duration.ofMillis(50));
        assertEquals(2, redirectsAtA.size(), "a burst of two, then the bucket is empty (RFC 4861 §8.2 MUST limit)");
        net.runFor(Duration.ofMillis(100)); // 100 ms: one token at 10 per second
        send(Ip6Address.parse("2001:db8:a::40"), 8);
        net.runFor(Duration.ofMillis(50));
        assertEquals(3, redirectsAtA.size());
        assertTrue(r.stats().nd6.xmit >= xmit + 3, "redirects are counted as ND messages sent");
    }
}
