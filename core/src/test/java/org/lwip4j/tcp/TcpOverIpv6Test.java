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
}
