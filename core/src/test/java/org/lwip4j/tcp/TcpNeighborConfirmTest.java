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
import org.lwip4j.ipv6.Neighbor;
import org.lwip4j.ipv6.NeighborState;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.SimNet;
import org.lwip4j.testing.TappedDriver;

/**
 * RFC 4861 §7.3.1: TCP's forward progress (an ACK of new data) confirms the next hop, so
 * the neighbour entry of a peer stays REACHABLE through a long transfer and Neighbor
 * Unreachability Detection sends it no unicast probe.
 */
class TcpNeighborConfirmTest {
    @AfterAll
    static void letTheLeakDetectorForgetTheseStacks() {
        TcpTransferTest.letTheLeakDetectorForgetTheseStacks();
    }

    /** Counts the frames a stack sends and the unicast Neighbor Solicitations (NUD probes) among them. */
    static final class ProbeCounter implements java.util.function.Consumer<byte[]> {
        int unicastNs;
        int frames;

        @Override
        public void accept(byte[] f) {
            frames++;
            // Ethernet type 0x86dd, next header 58 (ICMPv6), type 135 (NS), destination not multicast.
            if (f.length >= 14 + 40 + 1 && (f[12] & 0xff) == 0x86 && (f[13] & 0xff) == 0xdd && f[14 + 6] == 58
                    && (f[14 + 40] & 0xff) == 135 && (f[14 + 24] & 0xff) != 0xff) {
                unicastNs++;
            }
        }
    }

    private static boolean preferred(Netif n, Ip6Address a) {
        Ip6Addresses.Entry e = n.ip6().find(a);
        return e != null && e.state() == Ip6Addresses.State.PREFERRED;
    }

    @Test
    void aTransferLongerThanTheReachableTimeSendsNoUnicastProbe() {
        SimNet net = new SimNet(71);
        StackConfig cfg = StackConfig.builder().loopbackNetif(false)
                .tcp(t -> t.minRto(Duration.ofMillis(200)).msl(Duration.ofSeconds(1))).build();
        Stack a = net.stack(cfg);
        Stack b = net.stack(cfg);
        // 250 kbit/s each way: 2 MiB takes about 70 s, longer than ReachableTime (30 s, at most 45 s).
        VirtualLink link = net.link(Impairments.builder().delay(Duration.ofMillis(5)).rate(250_000L).build());
        ProbeCounter pa = new ProbeCounter();
        ProbeCounter pb = new ProbeCounter();
        Netif na = SimNet.attach(a, new TappedDriver(link.endpointA(), pa), "eth0", "10.1.0.1/24");
        Netif nb = SimNet.attach(b, new TappedDriver(link.endpointB(), pb), "eth0", "10.1.0.2/24");
        Ip6Address ga = Ip6Address.parse("fd00:7a::1");
        Ip6Address gb = Ip6Address.parse("fd00:7a::2");
        na.ip6().add(ga, 64);
        nb.ip6().add(gb, 64);
        assertTrue(net.runUntil(() -> preferred(na, ga) && preferred(nb, gb), Duration.ofSeconds(10)), "DAD done");

        long total = 2 << 20;
        TcpTransferTest.Flow ab = new TcpTransferTest.Flow(0, total);
        TcpTransferTest.Flow ba = new TcpTransferTest.Flow(1, total);
        List<Err> errors = new ArrayList<>();
        TcpPcb listener = b.newTcpPcb();
        assertEquals(Err.OK, listener.bind(Ip6Address.ANY, 5001));
        listener.listen(4);
        listener.onAccept((l, c) -> {
            c.onRecv(ab::receive);
            c.onSent((pcb, n) -> ba.pump(pcb));
            c.onErr(errors::add);
            ba.pump(c);
        });
        TcpPcb client = a.newTcpPcb();
        client.onRecv(ba::receive);
        client.onSent((pcb, n) -> ab.pump(pcb));
        client.onErr(errors::add);
        long start = net.sim.now();
        assertEquals(Err.OK, client.connect(gb, 5001, ab::pump));
        int probesA = pa.unicastNs;
        int probesB = pb.unicastNs;
        long reachable = Math.max(a.ipv6().nd().cache().reachableTimeNanos(), b.ipv6().nd().cache().reachableTimeNanos());
        assertTrue(net.runUntil(() -> ab.received == total && ba.received == total || !errors.isEmpty(),
                Duration.ofMinutes(5)), "transfer stalled: " + ab.received + ", " + ba.received);
        assertEquals(List.of(), errors);
        assertEquals(-1, ab.badAt);
        assertEquals(-1, ba.badAt);
        long took = net.sim.now() - start;
        assertTrue(took > reachable + 5_000_000_000L, "the transfer outlasts ReachableTime and DELAY: " + took);
        assertEquals(probesA, pa.unicastNs, "no NUD probe from a");
        assertEquals(probesB, pb.unicastNs, "no NUD probe from b");
        Neighbor toB = a.ipv6().nd().cache().find(na, gb);
        assertEquals(NeighborState.REACHABLE, toB.state());
        a.close();
        b.close();
        assertEquals(List.of(), SimNet.leakedPbufs(a));
        assertEquals(List.of(), SimNet.leakedPbufs(b));
    }
}
