package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.SimNet;

/**
 * End to end: two stacks on a seeded virtual link that loses, reorders and duplicates
 * frames; 4 MiB each way at once, every byte checked where it arrives, both closes complete.
 * A stalled transfer fails the test at a bound of virtual time (it never hangs).
 */
class TcpTransferTest {
    static final int TOTAL = 4 << 20;

    /** The byte at stream offset {@code i} of direction {@code dir}. */
    static byte pattern(int dir, long i) {
        return (byte) (i * 131 + (i >>> 11) + dir * 17);
    }

    /** One direction's sender (copied writes of a reused array; {@link #pump} may be overridden) and the other end's receiver check. */
    static class Flow {
        final int dir;
        final long total;
        long sent;
        long received;
        boolean fin;
        long badAt = -1;
        final byte[] chunk = new byte[16384];

        Flow(int dir) {
            this(dir, TOTAL);
        }

        Flow(int dir, long total) {
            this.dir = dir;
            this.total = total;
        }

        void pump(TcpPcb pcb) {
            while (sent < total) {
                int n = (int) Math.min(Math.min(pcb.sndbuf(), chunk.length), total - sent);
                if (n <= 0) {
                    return;
                }
                for (int k = 0; k < n; k++) {
                    chunk[k] = pattern(dir, sent + k);
                }
                if (pcb.write(chunk, 0, n, TcpPcb.WRITE_COPY) != Err.OK) {
                    return;
                }
                sent += n;
            }
        }

        void receive(TcpPcb pcb, org.lwip4j.buffer.Pbuf p) {
            if (p == null) {
                fin = true;
                return;
            }
            int n = p.totalLength();
            byte[] b = p.toByteArray();
            for (int k = 0; k < n; k++) {
                if (b[k] != pattern(dir, received + k) && badAt < 0) {
                    badAt = received + k;
                }
            }
            received += n;
            p.free();
            pcb.recved(n);
        }
    }

    /**
     * The leak detector keeps the history of every pbuf in a {@code WeakHashMap}, whose dead
     * entries (megabytes after these transfers) go only when the map is next touched: collect
     * and touch it now, so later heap measurements in this JVM (StackFootprintTest) do not see
     * them vanish under their feet.
     */
    @AfterAll
    static void letTheLeakDetectorForgetTheseStacks() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        org.lwip4j.testing.LeakDetector.installed().history(org.lwip4j.buffer.Pbuf.wrap(new byte[1]));
    }

    @ParameterizedTest(name = "seed {0}: loss {1}, reorder {2}, duplicate {3}")
    @CsvSource({"1, 0.0, 0.0, 0.0", "2, 0.01, 0.02, 0.01", "3, 0.03, 0.05, 0.02"})
    void fourMebibytesEachWayIntactThroughLossReorderingAndDuplication(long seed, double loss, double reorder,
            double dup) {
        transfer(seed, loss, reorder, dup, new Flow(0), new Flow(1), client -> { });
    }

    /**
     * Two stacks on a seeded virtual link with these impairments; {@code ab} sends from the
     * client (A) to the server (B) and {@code ba} back, at once; every byte is checked where
     * it arrives; {@code done} looks at the client once all arrived; then both closes complete
     * and neither stack holds a pbuf.
     */
    static void transfer(long seed, double loss, double reorder, double dup, Flow ab, Flow ba,
            java.util.function.Consumer<TcpPcb> done) {
        SimNet net = new SimNet(seed);
        StackConfig cfg = StackConfig.builder().loopbackNetif(false)
                .tcp(t -> t.minRto(Duration.ofMillis(200)).msl(Duration.ofSeconds(1))).build();
        Stack a = net.stack(cfg);
        Stack b = net.stack(cfg);
        Impairments imp = Impairments.builder().delay(Duration.ofMillis(5)).loss(loss).reorder(reorder)
                .duplicate(dup).rate(1_000_000_000L).build();
        VirtualLink link = net.link(imp);
        SimNet.attach(a, link.endpointA(), "eth0", "10.1.0.1/24");
        SimNet.attach(b, link.endpointB(), "eth0", "10.1.0.2/24");
        TcpPcb[] server = new TcpPcb[1];
        List<Err> errors = new java.util.ArrayList<>();

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
        long wall = System.nanoTime();
        long start = net.sim.now();
        assertEquals(Err.OK, client.connect(SimNet.ip("10.1.0.2"), 5001, ab::pump));

        boolean arrived = net.runUntil(() -> ab.received == ab.total && ba.received == ba.total || !errors.isEmpty(),
                Duration.ofMinutes(5));
        long virtual = net.sim.now() - start;
        wall = System.nanoTime() - wall;
        if (!arrived) {
            fail("transfer stalled: a->b " + ab.received + " of " + ab.total + ", b->a " + ba.received + "; client "
                    + client.info() + "; server " + (server[0] == null ? null : server[0].info()));
        }
        assertEquals(List.of(), errors);
        assertEquals(-1, ab.badAt, "a->b corrupted");
        assertEquals(-1, ba.badAt, "b->a corrupted");
        System.out.printf("TCP 2x%d KiB seed %d loss %.2f: %.1f ms virtual (%.1f MB/s each way), %.1f ms wall (%.1f MB/s)%n",
                ab.total >> 10, seed, loss, virtual / 1e6, ab.total / (virtual / 1e9) / 1e6, wall / 1e6,
                2.0 * ab.total / (wall / 1e9) / 1e6);
        assertTrue(net.runUntil(() -> client.sendQueue.length() == 0, Duration.ofSeconds(30)), "all acknowledged");
        done.accept(client);

        // The client half-closes first: the server reads the end of the stream, then closes too.
        client.shutdown(false, true);
        assertTrue(net.runUntil(() -> ab.fin, Duration.ofSeconds(30)), "the server saw the client's FIN");
        server[0].close();
        assertTrue(net.runUntil(() -> ba.fin, Duration.ofSeconds(30)), "the client saw the server's FIN");
        client.close();
        listener.close();
        assertTrue(net.runUntil(() -> a.tcp().pcbs().isEmpty() && b.tcp().pcbs().isEmpty(),
                Duration.ofMinutes(2)), "both closes completed and TIME_WAIT ended: " + a.tcp().pcbs() + b.tcp().pcbs());
        a.close();
        b.close();
        assertEquals(List.of(), SimNet.leakedPbufs(a));
        assertEquals(List.of(), SimNet.leakedPbufs(b));
    }
}
