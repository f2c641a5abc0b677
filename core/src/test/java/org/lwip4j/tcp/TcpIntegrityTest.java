package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackConfig.TcpOptions.Congestion;
import org.lwip4j.testing.SimNet;

/**
 * Data integrity under loss recovery: two stacks on a seeded virtual link with 1 %, 5 % and
 * 10 % loss plus reordering, duplication and corruption, each way at once, SACK on and off,
 * CUBIC and NewReno; every byte checked where it arrives; a transfer that makes no progress
 * for two virtual minutes fails the test. By default each case moves
 * {@value #DEFAULT_KIB} KiB each way with two seeds; {@code -Dlwip4j.tcp.integrity.mib=64}
 * and {@code -Dlwip4j.tcp.integrity.seeds=20} make it the long run (docs/TESTING.md).
 */
class TcpIntegrityTest {
    static final int DEFAULT_KIB = 1024;
    static final long BYTES = Long.getLong("lwip4j.tcp.integrity.mib", 0) > 0
            ? Long.getLong("lwip4j.tcp.integrity.mib") << 20 : (long) DEFAULT_KIB << 10;
    static final int SEEDS = Integer.getInteger("lwip4j.tcp.integrity.seeds", 2);
    /** No byte delivered either way for this long (virtual) is a stall. */
    static final Duration STALL = Duration.ofMinutes(2);

    static Stream<Arguments> cases() {
        double[][] links = {
            // loss, reorder, duplicate, corrupt
            {0.01, 0.02, 0.01, 0.01},
            {0.05, 0.05, 0.02, 0.01},
            {0.10, 0.05, 0.02, 0.02},
        };
        List<Arguments> all = new ArrayList<>();
        for (int seed = 1; seed <= SEEDS; seed++) {
            for (double[] l : links) {
                boolean sack = seed % 2 == 1 || l[0] >= 0.05;
                Congestion cc = (seed + (int) (l[0] * 100)) % 2 == 0 ? Congestion.CUBIC : Congestion.NEW_RENO;
                all.add(Arguments.of(seed * 7919L, l[0], l[1], l[2], l[3], sack, cc));
            }
            // The same worst link with SACK off: NewReno's partial ACKs and the RTO carry it.
            all.add(Arguments.of(seed * 104729L, 0.05, 0.05, 0.02, 0.01, false, Congestion.CUBIC));
        }
        return all.stream();
    }

    @AfterAll
    static void letTheLeakDetectorForgetTheseStacks() {
        TcpTransferTest.letTheLeakDetectorForgetTheseStacks();
    }

    @ParameterizedTest(name = "seed {0}: loss {1}, reorder {2}, dup {3}, corrupt {4}, SACK {5}, {6}")
    @MethodSource("cases")
    void everyByteArrivesIntactEachWay(long seed, double loss, double reorder, double dup, double corrupt,
            boolean sack, Congestion cc) {
        SimNet net = new SimNet(seed);
        StackConfig cfg = StackConfig.builder().loopbackNetif(false)
                .tcp(t -> t.minRto(Duration.ofMillis(200)).msl(Duration.ofSeconds(1)).sack(sack).congestion(cc)
                        .maxRtx(30))
                .build();
        Stack a = net.stack(cfg);
        Stack b = net.stack(cfg);
        Impairments imp = Impairments.builder().delay(Duration.ofMillis(5)).loss(loss).reorder(reorder)
                .duplicate(dup).corrupt(corrupt).rate(1_000_000_000L).build();
        VirtualLink link = net.link(imp);
        SimNet.attach(a, link.endpointA(), "eth0", "10.2.0.1/24");
        SimNet.attach(b, link.endpointB(), "eth0", "10.2.0.2/24");
        TcpTransferTest.Flow ab = new TcpTransferTest.Flow(0, BYTES);
        TcpTransferTest.Flow ba = new TcpTransferTest.Flow(1, BYTES);
        TcpPcb[] server = new TcpPcb[1];
        List<Err> errors = new ArrayList<>();
        TcpPcb listener = b.newTcpPcb();
        listener.bind(Ip4Address.ANY, 5001);
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
        assertEquals(Err.OK, client.connect(SimNet.ip("10.2.0.2"), 5001, ab::pump));
        long start = net.sim.now();
        long progress = -1;
        while (ab.received < BYTES || ba.received < BYTES) {
            long before = ab.received + ba.received;
            net.runUntil(() -> ab.received + ba.received > before || !errors.isEmpty(), STALL);
            if (!errors.isEmpty()) {
                fail("connection failed " + errors + " after a->b " + ab.received + ", b->a " + ba.received);
            }
            if (ab.received + ba.received == before) {
                fail("stalled " + STALL + ": a->b " + ab.received + " of " + BYTES + ", b->a " + ba.received
                        + "; client " + client.info() + "; server " + (server[0] == null ? null : server[0].info()));
            }
            progress = ab.received + ba.received;
        }
        assertEquals(2 * BYTES, progress);
        assertEquals(-1, ab.badAt, "a->b corrupted");
        assertEquals(-1, ba.badAt, "b->a corrupted");
        TcpInfo ci = client.info();
        System.out.printf("integrity seed %d loss %.2f sack %s %s: %.1f s virtual, retrans %d, recoveries %d, "
                + "reordering %d, dsacks %d/%d%n", seed, loss, sack, cc, (net.sim.now() - start) / 1e9,
                ci.totalRetrans(), ci.recoveries(), ci.reordering(), ci.dsacksReceived(), ci.dsacksSent());
        assertTrue(ci.totalRetrans() > 0, "the loss was repaired by retransmissions");
        client.shutdown(false, true);
        assertTrue(net.runUntil(() -> ab.fin, Duration.ofMinutes(2)), "the server saw the client's FIN");
        server[0].close();
        assertTrue(net.runUntil(() -> ba.fin, Duration.ofMinutes(2)), "the client saw the server's FIN");
        client.close();
        listener.close();
        net.runUntil(() -> a.tcp().pcbs().isEmpty() && b.tcp().pcbs().isEmpty(), Duration.ofMinutes(5));
        a.close();
        b.close();
        assertEquals(List.of(), SimNet.leakedPbufs(a));
        assertEquals(List.of(), SimNet.leakedPbufs(b));
    }
}
