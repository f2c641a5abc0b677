package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.IcmpError;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.raw.RawPcb;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.SimNet;
import org.lwip4j.udp.UdpPcb;

/**
 * IPv6 forwarding between two simulated links (A — R — B, R forwarding) and path MTU
 * discovery (RFC 8201) over R's smaller-MTU link to B, in virtual time.
 */
class Ipv6ForwardingSimTest {
    private static final Ip6Address A = Ip6Address.parse("2001:db8:a::2");
    private static final Ip6Address RA = Ip6Address.parse("2001:db8:a::1");
    private static final Ip6Address RB = Ip6Address.parse("2001:db8:b::1");
    private static final Ip6Address B = Ip6Address.parse("2001:db8:b::2");

    private final SimNet net = new SimNet(8);
    private Stack a;
    private Stack r;
    private Stack b;
    private Netif na;
    private List<byte[]> icmpAtA;

    @BeforeEach
    void setUp() {
        StackConfig host = StackConfig.builder().lwipIpv6DupDetectAttempts(0).maxRtrSolicitations(0).build();
        a = net.stack(host);
        b = net.stack(host);
        r = net.stack(host.toBuilder().lwipIpv6Forward(true).build());
        VirtualLink l1 = net.link(Impairments.NONE);
        VirtualLink l2 = new VirtualLink(net.sim, LinkType.ETHERNET, 1280, Impairments.NONE, Impairments.NONE);
        na = up(a, l1.endpointA(), A, RA);
        up(r, l1.endpointB(), RA, null);
        up(r, l2.endpointA(), RB, null).setMtu(1280);
        up(b, l2.endpointB(), B, RB).setMtu(1280);
        icmpAtA = new ArrayList<>();
        RawPcb raw = a.newRawPcb(58);
        raw.bind(Ip6Address.ANY);
        raw.onReceive((pc, p, src) -> {
            byte[] all = p.toByteArray();
            int type = all[40] & 0xff;
            if (type >= 128 && type != 129) {
                return false;
            }
            icmpAtA.add(all);
            if (type < 128) {
                return false; // errors go on to ICMPv6 (and the transports)
            }
            p.free();
            return true;
        });
        net.runFor(Duration.ofMillis(100));
    }

    private static Netif up(Stack s, org.lwip4j.netif.NetifDriver d, Ip6Address addr, Ip6Address gw) {
        Netif n = s.addNetif(d, "eth" + s.netifs().view().size());
        n.setUp(true);
        n.ip6().add(addr, 64);
        if (gw != null) {
            n.ip6().setGateway(gw);
            s.netifs().setDefault(n);
        }
        return n;
    }

    @AfterEach
    void close() {
        for (Stack s : net.stacks()) {
            s.close();
        }
    }

    /** An echo request from {@code src} to {@code dst} with {@code hops}, sent by A as a whole packet. */
    private void ping(Ip6Address src, Ip6Address dst, int hops, int dataLen) {
        String s = src.withZone(0).toString();
        String d = dst.toString();
        byte[] icmp = Packets6.icmpv6(128, 0, 0x4242 << 16 | 1, new byte[dataLen], s, d);
        Pbuf p = a.pbuf(Packets6.ipv6(58, s, d, hops, icmp));
        assertEquals(Err.OK, a.ip().outputPacket(p, na));
        p.free();
        net.runFor(Duration.ofMillis(200));
    }

    private byte[] only() {
        assertEquals(1, icmpAtA.size(), "one ICMPv6 message back at A");
        return icmpAtA.remove(0);
    }

    @Test
    void anEchoCrossesTheRouterWithTheHopLimitDecrementedEachWay() {
        ping(A, B, 64, 8);
        byte[] reply = only();
        assertEquals(129, reply[40] & 0xff);
        assertEquals(63, reply[7] & 0xff, "B sent 64, R took one");
        assertEquals(2, r.stats().ip6.fw);
    }

    @Test
    void hopLimitOneGetsTimeExceededFromTheRouter() {
        ping(A, B, 1, 8);
        byte[] e = only();
        assertEquals(3, e[40] & 0xff);
        assertEquals(0, e[41]);
        assertEquals(RA, Ip6Address.of(java.util.Arrays.copyOfRange(e, 8, 24), 0), "from R's address on A's link");
        assertEquals(0, r.stats().ip6.fw);
    }

    @Test
    void noRouteGetsDestinationUnreachableCodeZero() {
        ping(A, Ip6Address.parse("2001:db8:c::1"), 64, 8);
        byte[] e = only();
        assertEquals(1, e[40] & 0xff);
        assertEquals(0, e[41]);
    }

    @Test
    void linkLocalScopeIsNeverForwarded() {
        Ip6Address ll = na.ip6().linkLocal().address();
        ping(ll, B, 64, 8);
        byte[] e = only();
        assertEquals(1, e[40] & 0xff);
        assertEquals(2, e[41], "beyond scope of source address");
        assertEquals(0, r.stats().ip6.fw);
    }

    @Test
    void packetTooBigInsteadOfFragmentingThenTheSourceFragmentsToThePathMtu() {
        List<IcmpError> errors = new ArrayList<>();
        List<byte[]> atB = new ArrayList<>();
        UdpPcb sink = b.newUdpPcb();
        sink.bind(Ip6Address.ANY, 9);
        sink.onReceive((pcb, p, src, port, netif) -> {
            atB.add(p.toByteArray());
            p.free();
        });
        UdpPcb client = a.newUdpPcb();
        client.bind(Ip6Address.ANY, 0);
        client.onError(errors::add);
        byte[] data = new byte[1400];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        assertEquals(1500, a.ipv6().pathMtu(na, B));
        Pbuf p = a.pbuf(data);
        assertEquals(Err.OK, client.sendTo(p, B, 9));
        net.runFor(Duration.ofMillis(200));
        assertEquals(List.of(), atB, "a router never fragments");
        byte[] ptb = only();
        assertEquals(2, ptb[40] & 0xff, "Packet Too Big");
        assertEquals(1280, ((ptb[44] & 0xff) << 24) | ((ptb[45] & 0xff) << 16) | ((ptb[46] & 0xff) << 8) | (ptb[47] & 0xff));
        assertEquals(1280, a.ipv6().pathMtu(na, B), "RFC 8201 §4: the estimate for B");
        assertEquals(1500, a.ipv6().pathMtu(na, RA), "only for B");
        assertEquals(1, errors.size(), "the transport heard it");
        assertEquals(1280, errors.get(0).nextHopMtu());
        assertEquals(1280, a.ip().route(B, null, null).mtu(), "routes carry the path MTU");
        assertEquals(Err.OK, client.sendTo(p, B, 9));
        p.free();
        net.runFor(Duration.ofMillis(200));
        assertEquals(1, atB.size(), "fragmented at the source to 1280, reassembled at B");
        assertArrayEquals(data, atB.get(0));
        net.runFor(Duration.ofMinutes(10));
        assertEquals(1500, a.ipv6().pathMtu(na, B), "the estimate ages out after 10 minutes");
        client.close();
        sink.close();
    }

    /** R's IPv6 counters fw, xmit, drop, rterr, err. */
    private long[] routerCounters() {
        var st = r.stats().ip6;
        return new long[] {st.fw, st.xmit, st.drop, st.rterr, st.err};
    }

    private void assertRouterMoved(long[] before, int fw, int xmit, int drop, int rterr) {
        long[] now = routerCounters();
        assertArrayEquals(new long[] {fw, xmit, drop, rterr, 0},
                new long[] {now[0] - before[0], now[1] - before[1], now[2] - before[2], now[3] - before[3], now[4] - before[4]},
                "fw xmit drop rterr err at R");
    }

    @Test
    void everyForwardingDecisionIsCountedAtTheRouter() {
        net.runFor(Duration.ofSeconds(3)); // the MLD reports of link-up (RFC 3810 §6.1) are over
        ping(A, B, 64, 8); // resolves every neighbour on the way; NUD probes come only 5 s later
        only();
        // Forwarded both ways: two forwarded, two sent, nothing dropped.
        long[] c = routerCounters();
        ping(A, B, 2, 8);
        assertEquals(129, only()[40] & 0xff);
        assertRouterMoved(c, 2, 2, 0, 0);
        // Hop limit 1: dropped, Time Exceeded sent (one packet out of R).
        c = routerCounters();
        ping(A, B, 1, 8);
        assertEquals(3, only()[40] & 0xff);
        assertRouterMoved(c, 0, 1, 1, 0);
        // No route: a routing error and a drop, Destination Unreachable sent.
        c = routerCounters();
        ping(A, Ip6Address.parse("2001:db8:c::1"), 64, 8);
        assertEquals(1, only()[40] & 0xff);
        assertRouterMoved(c, 0, 1, 1, 1);
        // Too big for B's link: dropped, Packet Too Big sent.
        c = routerCounters();
        ping(A, B, 64, 1300);
        assertEquals(2, only()[40] & 0xff);
        assertRouterMoved(c, 0, 1, 1, 0);
        // A link-local source: dropped, Destination Unreachable code 2 sent.
        c = routerCounters();
        ping(na.ip6().linkLocal().address(), B, 64, 8);
        assertEquals(2, only()[41]);
        assertRouterMoved(c, 0, 2, 1, 0); // the error, and the NS that resolves A's link-local address first
        // The unspecified source: dropped silently.
        c = routerCounters();
        ping(Ip6Address.ANY, B, 64, 8);
        assertEquals(0, icmpAtA.size());
        assertRouterMoved(c, 0, 0, 1, 0);
    }
}
