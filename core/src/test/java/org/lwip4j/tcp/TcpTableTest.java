package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.fin;
import static org.lwip4j.tcp.Seg.rstAck;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.Seg.synAck;
import static org.lwip4j.tcp.TcpScript.ISS;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.SimNet;

/**
 * The pcb table: ephemeral ports (RFC 6056), SO_REUSEADDR, listeners of both families
 * ({@link IpAddress#ANY_TYPE}), the stack-wide out-of-order bound, data after close.
 */
class TcpTableTest {
    static final Ip4Address PEER = Ip4Address.parse(TcpScript.PEER);

    @Test
    void ephemeralPortsFollowAKeyedOffsetPerDestinationAndNeverCollide() {
        try (TcpScript t = new TcpScript()) {
            List<Integer> same = new ArrayList<>();
            Set<Integer> all = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                TcpPcb c = t.stack.newTcpPcb();
                assertEquals(Err.OK, c.connect(PEER, 4000, p -> { }));
                same.add(c.localPort());
                assertTrue(all.add(c.localPort()), "port " + c.localPort() + " handed out twice");
                assertTrue(c.localPort() >= 0xc000 && c.localPort() <= 0xffff);
            }
            for (int i = 1; i < same.size(); i++) {
                assertEquals(1, Math.floorMod(same.get(i) - same.get(i - 1), 0x4000),
                        "RFC 6056 Algorithm 3: one destination walks its sequence " + same);
            }
            TcpPcb other = t.stack.newTcpPcb();
            assertEquals(Err.OK, other.connect(PEER, 4001, p -> { }));
            assertTrue(all.add(other.localPort()));
            assertNotEquals(same.get(same.size() - 1) + 1, other.localPort(),
                    "another destination starts elsewhere");
            t.drain();
        }
    }

    @Test
    void whenEveryEphemeralPortIsTakenConnectAndBindSayUse() {
        try (TcpScript t = new TcpScript(b -> b.localPortRange(50000, 50003))) {
            Set<Integer> ports = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                TcpPcb c = t.stack.newTcpPcb();
                assertEquals(Err.OK, c.connect(PEER, 4000 + i, p -> { }));
                ports.add(c.localPort());
            }
            assertEquals(Set.of(50000, 50001, 50002, 50003), ports);
            TcpPcb c = t.stack.newTcpPcb();
            assertEquals(Err.USE, c.connect(PEER, 4000, p -> { }));
            assertEquals(Err.USE, t.stack.newTcpPcb().bind(Ip4Address.ANY, 0));
            t.drain();
        }
    }

    /** A connection from our port 80 to the peer, closed actively into TIME_WAIT. */
    private static TcpPcb timeWait(TcpScript t) {
        TcpPcb c = t.stack.newTcpPcb();
        assertEquals(Err.OK, c.bind(Ip4Address.ANY, TcpScript.PORT));
        assertEquals(Err.OK, c.connect(PEER, TcpScript.PEER_PORT, p -> { }));
        t.expect(syn().seq(ISS));
        t.send(synAck().seq(5000).ack(ISS + 1));
        t.expect(ack());
        c.close();
        t.expect(fin());
        t.send(fin().seq(5001).ack(ISS + 2));
        t.expect(ack());
        assertEquals(TcpState.TIME_WAIT, c.state());
        return c;
    }

    @Test
    void soReuseAddrBindsOverTimeWaitOnly() {
        try (TcpScript t = new TcpScript()) {
            timeWait(t);
            TcpPcb plain = t.stack.newTcpPcb();
            assertEquals(Err.USE, plain.bind(Ip4Address.ANY, TcpScript.PORT));
            TcpPcb reuse = t.stack.newTcpPcb();
            reuse.setReuseAddr(true);
            assertEquals(Err.OK, reuse.bind(Ip4Address.ANY, TcpScript.PORT));
            assertEquals(Err.OK, reuse.listen(4));
            TcpPcb second = t.stack.newTcpPcb();
            second.setReuseAddr(true);
            assertEquals(Err.USE, second.bind(Ip4Address.ANY, TcpScript.PORT), "never beside a listener");
        }
    }

    @Test
    void soReuseAddrSharesAPortButNeverAFourTuple() {
        try (TcpScript t = new TcpScript()) {
            TcpPcb a = t.stack.newTcpPcb();
            TcpPcb b = t.stack.newTcpPcb();
            a.setReuseAddr(true);
            b.setReuseAddr(true);
            assertEquals(Err.OK, a.bind(Ip4Address.ANY, 7000));
            assertEquals(Err.OK, b.bind(Ip4Address.ANY, 7000));
            assertEquals(Err.OK, a.connect(PEER, 4000, p -> { }));
            assertEquals(Err.USE, b.connect(PEER, 4000, p -> { }));
            assertEquals(TcpState.CLOSED, b.state());
            assertEquals(Err.OK, b.connect(PEER, 4001, p -> { }));
            t.drain();
        }
    }

    @Test
    void outOfOrderDataIsBoundedStackWide() {
        try (TcpScript t = new TcpScript(b -> b.ooseqStackMaxBytes(100).timestamps(false))) {
            t.listen();
            for (int port : new int[] {4001, 4002}) {
                t.send(syn().seq(1000).ports(port, TcpScript.PORT));
                t.expect(synAck());
                t.send(ack().seq(1001).ack(ISS + 1).ports(port, TcpScript.PORT));
            }
            t.send(ack().seq(1011).ack(ISS + 1).ports(4001, TcpScript.PORT).payload(new byte[60]));
            t.expect(ack().ack(1001));
            assertEquals(60, t.tcp.counters().ooseqBytes());
            t.send(ack().seq(1011).ack(ISS + 1).ports(4002, TcpScript.PORT).payload(new byte[60]));
            t.expect(ack().ack(1001));
            assertEquals(60, t.tcp.counters().ooseqBytes(), "the second hole found no room");
            assertEquals(1, t.tcp.counters().ooseqStackDrops());
            t.send(ack().seq(1001).ack(ISS + 1).ports(4001, TcpScript.PORT).payload(new byte[10]));
            assertEquals(0, t.tcp.counters().ooseqBytes(), "the hole filled: the queue went up");
            assertEquals(70, t.receivedBytes().length);
            t.assertNoLeaks();
        }
    }

    @Test
    void dataAfterTheReceiveSideIsShutGetsARst() {
        try (TcpScript t = new TcpScript(b -> b.timestamps(false))) {
            t.established(1000, syn());
            t.conn.shutdown(true, false);
            t.send(ack().seq(1001).ack(ISS + 1).payload("late"));
            t.expect(rstAck().seq(ISS + 1));
            assertEquals(TcpState.CLOSED, t.conn.state());
            assertEquals(1, t.tcp.counters().rstAfterClose());
            assertEquals(List.of(Err.RST), t.errors);
        }
    }

    @Test
    void dataAfterCloseGetsARst() {
        try (TcpScript t = new TcpScript(b -> b.timestamps(false))) {
            t.established(1000, syn());
            t.conn.close();
            t.expect(fin().seq(ISS + 1));
            t.send(ack().seq(1001).ack(ISS + 2).payload("late"));
            t.expect(rstAck().seq(ISS + 2));
            assertEquals(1, t.tcp.counters().rstAfterClose());
            assertEquals(1, t.tcp.pcbs().size());
        }
    }

    private static boolean preferred(Netif n, Ip6Address a) {
        Ip6Addresses.Entry e = n.ip6().find(a);
        return e != null && e.state() == Ip6Addresses.State.PREFERRED;
    }

    @Test
    void aListenerOnTheWildcardOfBothFamiliesAcceptsIpv4AndIpv6() {
        SimNet net = new SimNet(5);
        StackConfig cfg = StackConfig.builder().loopbackNetif(false).build();
        Stack a = net.stack(cfg);
        Stack b = net.stack(cfg);
        VirtualLink link = net.link(Impairments.builder().delay(Duration.ofMillis(1)).build());
        Netif na = SimNet.attach(a, link.endpointA(), "eth0", "10.1.0.1/24");
        Netif nb = SimNet.attach(b, link.endpointB(), "eth0", "10.1.0.2/24");
        Ip6Address ga = Ip6Address.parse("fd00:78::1");
        Ip6Address gb = Ip6Address.parse("fd00:78::2");
        na.ip6().add(ga, 64);
        nb.ip6().add(gb, 64);
        assertTrue(net.runUntil(() -> preferred(na, ga) && preferred(nb, gb), Duration.ofSeconds(10)), "DAD done");
        TcpPcb listener = b.newTcpPcb();
        assertEquals(Err.OK, listener.bind(IpAddress.ANY_TYPE, 5001));
        assertEquals(Err.OK, listener.listen(4));
        assertEquals(Err.USE, b.newTcpPcb().bind(Ip4Address.ANY, 5001), "the IPv4 wildcard is part of it");
        List<TcpPcb> accepted = new ArrayList<>();
        listener.onAccept((l, c) -> accepted.add(c));
        TcpPcb c4 = a.newTcpPcb();
        TcpPcb c6 = a.newTcpPcb();
        assertEquals(Err.OK, c4.connect(Ip4Address.parse("10.1.0.2"), 5001, p -> { }));
        assertEquals(Err.OK, c6.connect(gb, 5001, p -> { }));
        assertTrue(net.runUntil(() -> accepted.size() == 2, Duration.ofSeconds(10)), "both accepted");
        Set<Integer> versions = new HashSet<>();
        for (TcpPcb c : accepted) {
            versions.add(c.localAddr().version());
            assertEquals(TcpState.ESTABLISHED, c.state());
        }
        assertEquals(Set.of(4, 6), versions);
        assertEquals(TcpState.ESTABLISHED, c4.state());
        assertEquals(TcpState.ESTABLISHED, c6.state());
        a.close();
        b.close();
        assertEquals(List.of(), SimNet.leakedPbufs(a));
        assertEquals(List.of(), SimNet.leakedPbufs(b));
    }

    @Test
    void aV6OnlyListenerOnTheWildcardTakesIpv6AloneAndLeavesThePortToAnIpv4Listener() {
        SimNet net = new SimNet(6);
        StackConfig cfg = StackConfig.builder().loopbackNetif(false).build();
        Stack a = net.stack(cfg);
        Stack b = net.stack(cfg);
        VirtualLink link = net.link(Impairments.builder().delay(Duration.ofMillis(1)).build());
        Netif na = SimNet.attach(a, link.endpointA(), "eth0", "10.1.0.1/24");
        Netif nb = SimNet.attach(b, link.endpointB(), "eth0", "10.1.0.2/24");
        Ip6Address ga = Ip6Address.parse("fd00:79::1");
        Ip6Address gb = Ip6Address.parse("fd00:79::2");
        na.ip6().add(ga, 64);
        nb.ip6().add(gb, 64);
        assertTrue(net.runUntil(() -> preferred(na, ga) && preferred(nb, gb), Duration.ofSeconds(10)), "DAD done");
        Ip4Address b4 = Ip4Address.parse("10.1.0.2");
        TcpPcb only6 = b.newTcpPcb();
        only6.setV6Only(true);
        assertTrue(only6.v6Only());
        assertEquals(Err.OK, only6.bind(IpAddress.ANY_TYPE, 5001));
        assertThrows(IllegalStateException.class, () -> only6.setV6Only(false), "after bind");
        assertEquals(Err.OK, only6.listen(4));
        List<TcpPcb> accepted6 = new ArrayList<>();
        only6.onAccept((l, c) -> accepted6.add(c));
        // Alone on the port, it refuses IPv4: the SYN gets a RST.
        List<Err> refused = new ArrayList<>();
        TcpPcb early = a.newTcpPcb();
        early.onErr(refused::add);
        assertEquals(Err.OK, early.connect(b4, 5001, p -> { }));
        assertTrue(net.runUntil(() -> !refused.isEmpty(), Duration.ofSeconds(10)), "refused");
        assertEquals(List.of(Err.RST), refused);
        // An IPv4 listener may share the port now; each family finds its own.
        TcpPcb only4 = b.newTcpPcb();
        assertEquals(Err.OK, only4.bind(Ip4Address.ANY, 5001));
        assertEquals(Err.OK, only4.listen(4));
        List<TcpPcb> accepted4 = new ArrayList<>();
        only4.onAccept((l, c) -> accepted4.add(c));
        TcpPcb c4 = a.newTcpPcb();
        TcpPcb c6 = a.newTcpPcb();
        assertEquals(Err.OK, c4.connect(b4, 5001, p -> { }));
        assertEquals(Err.OK, c6.connect(gb, 5001, p -> { }));
        assertTrue(net.runUntil(() -> accepted4.size() == 1 && accepted6.size() == 1, Duration.ofSeconds(10)));
        assertEquals(4, accepted4.get(0).localAddr().version());
        assertEquals(6, accepted6.get(0).localAddr().version());
        // A v6-only pcb does not open to IPv4; a second v6-only wildcard on the port is taken.
        TcpPcb out = a.newTcpPcb();
        out.setV6Only(true);
        assertEquals(Err.VAL, out.connect(Ip4Address.parse("10.1.0.2"), 5001, p -> { }));
        TcpPcb twin = b.newTcpPcb();
        twin.setV6Only(true);
        assertEquals(Err.USE, twin.bind(IpAddress.ANY_TYPE, 5001));
        a.close();
        b.close();
        assertEquals(List.of(), SimNet.leakedPbufs(a));
        assertEquals(List.of(), SimNet.leakedPbufs(b));
    }

    /**
     * Found by the 4 MiB transfer: after a timeout rewound SND.NXT, our bare ACKs carried it,
     * below the peer's RCV.NXT, so a peer also retransmitting found them unacceptable and
     * dropped them, and both stalled for good. An ACK goes at SND.MAX.
     */
    @Test
    void aBareAckAfterARetransmissionTimeoutCarriesSndMax() {
        try (TcpScript t = new TcpScript(b -> b.timestamps(false))) {
            t.established(1000, syn().mss(1000));
            t.conn.write(new byte[3000]);
            t.expect(ack().seq(ISS + 1).len(1000));
            t.expect(ack().seq(ISS + 1001).len(1000));
            t.expect(Seg.psh().seq(ISS + 2001).len(1000));
            t.after(TcpScript.ms(1000)).expect(ack().seq(ISS + 1).len(1000));
            t.send(ack().seq(1001).ack(ISS + 1).payload("x"));
            t.after(TcpScript.ms(100)).expect(ack().seq(ISS + 3001).ack(1002).len(0));
        }
    }

    @Test
    void must46_noOpenToAGroupOrABroadcastAddress() {
        try (TcpScript t = new TcpScript()) {
            assertEquals(Err.VAL, t.stack.newTcpPcb().connect(Ip4Address.parse("224.0.0.9"), 80, p -> { }));
            assertEquals(Err.VAL, t.stack.newTcpPcb().connect(Ip4Address.BROADCAST, 80, p -> { }));
            assertEquals(Err.VAL, t.stack.newTcpPcb().connect(Ip4Address.ANY, 80, p -> { }));
            t.expectNothing();
        }
    }

    @Test
    void must63_aSynFromNobodyIsNotAConnection() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            t.sendFrom("0.0.0.0", syn().seq(5));
            t.expectNothing();
            assertEquals(1, t.tcp.pcbs().size());
        }
    }

    @Test
    void aListenerResetsAnAckAndDropsWhatIsNotAPlainSynCountingEach() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            long proterr = t.stack.stats().tcp.proterr;
            long drop = t.stack.stats().tcp.drop;
            t.send(ack().seq(5).ack(777));
            t.expect(Seg.rst().seq(777)); // RFC 9293 §3.10.7.2: <SEQ=SEG.ACK><CTL=RST>
            assertEquals(proterr + 1, t.stack.stats().tcp.proterr);
            t.send(Seg.flags(org.lwip4j.wire.TcpPacket.SYN | org.lwip4j.wire.TcpPacket.FIN).seq(5));
            t.send(Seg.flags(0).seq(5));
            t.expectNothing();
            assertEquals(drop + 2, t.stack.stats().tcp.drop, "SYN+FIN and a segment without flags");
            t.send(Seg.rst().seq(5));
            t.expectNothing();
            assertEquals(1, t.tcp.pcbs().size(), "only the listener");
        }
    }
}
