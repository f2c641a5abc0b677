package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.SimNet;

/**
 * TCP written once on the family-neutral seam runs over IPv6 with no change: the same
 * 4 MiB each way as {@link TcpTransferTest}, through loss, reordering and duplication,
 * between global IPv6 addresses after DAD.
 */
class TcpOverIpv6Test {
    @AfterAll
    static void letTheLeakDetectorForgetTheseStacks() {
        TcpTransferTest.letTheLeakDetectorForgetTheseStacks();
    }

    private static boolean preferred(Netif n, Ip6Address a) {
        Ip6Addresses.Entry e = n.ip6().find(a);
        return e != null && e.state() == Ip6Addresses.State.PREFERRED;
    }

    @Test
    void fourMebibytesEachWayOverIpv6ThroughLoss() {
        transferOverIpv6(61, new TcpTransferTest.Flow(0), new TcpTransferTest.Flow(1));
    }

    @Test
    void copiedAndZeroCopyWritesMixedOverIpv6ThroughLoss() {
        transferOverIpv6(62, new TcpNoCopyWriteTest.MixedFlow(0, 1 << 20), new TcpNoCopyWriteTest.MixedFlow(1, 1 << 20));
    }

    /** {@code ab} from A to B and {@code ba} back at once over IPv6 on a lossy link; every byte checked, both closes complete. */
    private static void transferOverIpv6(long seed, TcpTransferTest.Flow ab, TcpTransferTest.Flow ba) {
        SimNet net = new SimNet(seed);
        StackConfig cfg = StackConfig.builder().loopbackNetif(false)
                .tcp(t -> t.minRto(Duration.ofMillis(200)).msl(Duration.ofSeconds(1))).build();
        Stack a = net.stack(cfg);
        Stack b = net.stack(cfg);
        VirtualLink link = net.link(Impairments.builder().delay(Duration.ofMillis(5)).loss(0.01).reorder(0.02)
                .duplicate(0.01).rate(1_000_000_000L).build());
        Netif na = SimNet.attach(a, link.endpointA(), "eth0", "10.1.0.1/24");
        Netif nb = SimNet.attach(b, link.endpointB(), "eth0", "10.1.0.2/24");
        Ip6Address ga = Ip6Address.parse("fd00:77::1");
        Ip6Address gb = Ip6Address.parse("fd00:77::2");
        na.ip6().add(ga, 64);
        nb.ip6().add(gb, 64);
        assertTrue(net.runUntil(() -> preferred(na, ga) && preferred(nb, gb), Duration.ofSeconds(10)), "DAD done");

        List<Err> errors = new ArrayList<>();
        TcpPcb[] server = new TcpPcb[1];
        TcpPcb listener = b.newTcpPcb();
        assertEquals(Err.OK, listener.bind(Ip6Address.ANY, 5001));
        listener.listen(4);
        listener.onAccept((l, c) -> {
            server[0] = c;
            c.onRecv(ab::receive);
            c.onSent((pcb, n) -> ba.pump(pcb));
            c.onErr(errors::add);
            ba.pump(c);
        });
        TcpPcb client = a.newTcpPcb();
        client.onRecv(ba::receive);
        client.onSent((pcb, n) -> ab.pump(pcb));
        client.onErr(errors::add);
        assertEquals(Err.OK, client.connect(gb, 5001, ab::pump));

        assertTrue(net.runUntil(() -> ab.received == ab.total && ba.received == ba.total
                || !errors.isEmpty(), Duration.ofMinutes(5)), "transfer stalled: " + ab.received + ", " + ba.received);
        assertEquals(List.of(), errors);
        assertEquals(-1, ab.badAt, "a->b corrupted");
        assertEquals(-1, ba.badAt, "b->a corrupted");
        assertEquals(6, client.localAddr().version(), "an IPv6 connection");

        client.close();
        server[0].close();
        listener.close();
        assertTrue(net.runUntil(() -> a.tcp().pcbs().isEmpty() && b.tcp().pcbs().isEmpty(), Duration.ofMinutes(2)));
        a.close();
        b.close();
        assertEquals(List.of(), SimNet.leakedPbufs(a));
        assertEquals(List.of(), SimNet.leakedPbufs(b));
    }

    /** MUST-48 and MUST-49 over IPv6: the connection's TOS is the traffic class, its TTL the hop limit. */
    @Test
    void theTrafficClassAndHopLimitAreTheConnectionsOverIpv6() {
        org.lwip4j.stack.VirtualClock clock = new org.lwip4j.stack.VirtualClock();
        Stack s = Stack.create(StackConfig.builder().ip6LinkLocal(false).lwipIpv6DupDetectAttempts(0).maxRtrSolicitations(0)
                .loopbackNetif(false).build(), clock);
        org.lwip4j.sim.CaptureDriver wire = new org.lwip4j.sim.CaptureDriver(org.lwip4j.netif.LinkType.IP, 1500);
        Netif n = s.addNetif(wire, "tun0");
        n.setUp(true);
        s.netifs().setDefault(n);
        n.ip6().add(Ip6Address.parse("fd00:48::1"), 64);
        TcpPcb plain = s.newTcpPcb();
        assertEquals(Err.OK, plain.connect(Ip6Address.parse("fd00:48::2"), 80, p -> { }));
        TcpPcb marked = s.newTcpPcb();
        marked.setTos(0xb8);
        marked.setTtl(9);
        assertEquals(Err.OK, marked.connect(Ip6Address.parse("fd00:48::2"), 81, p -> { }));
        s.poll(clock.nanoTime());
        List<byte[]> syns = new ArrayList<>();
        for (org.lwip4j.sim.CapturedFrame f : wire.drain()) {
            byte[] d = f.data();
            if ((d[0] >> 4 & 0xf) == 6 && d[6] == 6) {
                syns.add(d);
            }
        }
        assertEquals(2, syns.size());
        byte[] a = syns.get(0);
        byte[] b = syns.get(1);
        assertEquals(0, (a[0] & 0xf) << 4 | (a[1] & 0xff) >> 4, "traffic class of a connection that set none");
        assertEquals(64, a[7] & 0xff, "the link's hop limit (RFC 4861 §6.3.2 default)");
        assertEquals(0xb8, (b[0] & 0xf) << 4 | (b[1] & 0xff) >> 4, "the traffic class set");
        assertEquals(9, b[7] & 0xff, "the hop limit set");
        plain.abort();
        marked.abort();
        wire.drain();
        s.close();
    }
}
