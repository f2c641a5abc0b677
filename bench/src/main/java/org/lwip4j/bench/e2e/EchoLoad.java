package org.lwip4j.bench.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;

/**
 * UDP echo round trips per second with a fixed number of requests in flight: the client
 * keeps {@code window} datagrams outstanding, sending a new one for every echo it gets. A
 * window that stalls for 200 ms (lost datagrams) is refilled and the loss counted.
 */
final class EchoLoad {
    /** What one measurement gave. */
    record Result(double roundTripsPerSecond, long roundTrips, long refills, long errors) {
    }

    private static final long STALL_MS = 200;

    private EchoLoad() {
    }

    /**
     * Runs {@code warmup} then measures for {@code measure}, from {@code client} (a socket in
     * the client's namespace) to {@code server}, with {@code size}-byte datagrams.
     */
    static Result run(DatagramChannel client, InetSocketAddress server, int size, int window, Duration warmup, Duration measure)
            throws IOException {
        client.connect(server);
        client.configureBlocking(false);
        try (Selector sel = Selector.open()) {
            client.register(sel, SelectionKey.OP_READ);
            ByteBuffer out = ByteBuffer.allocateDirect(size);
            for (int i = 0; i < size; i++) {
                out.put((byte) i);
            }
            ByteBuffer in = ByteBuffer.allocateDirect(65536);
            long[] counters = new long[3]; // round trips, refills, errors
            long start = System.nanoTime();
            long warmEnd = start + warmup.toNanos();
            long end = warmEnd + measure.toNanos();
            long measured = 0;
            boolean measuring = false;
            int outstanding = 0;
            for (int i = 0; i < window; i++) {
                outstanding += send(client, out, counters);
            }
            while (true) {
                long now = System.nanoTime();
                if (!measuring && now >= warmEnd) {
                    measuring = true;
                    measured = counters[0];
                }
                if (now >= end) {
                    break;
                }
                int ready = sel.select(STALL_MS);
                sel.selectedKeys().clear();
                if (ready == 0) {
                    // Nothing for 200 ms: what was in flight is lost; start the window afresh.
                    counters[1]++;
                    outstanding = 0;
                    for (int i = 0; i < window; i++) {
                        outstanding += send(client, out, counters);
                    }
                    continue;
                }
                while (true) {
                    in.clear();
                    int r;
                    try {
                        r = client.read(in);
                    } catch (PortUnreachableException e) {
                        counters[2]++;
                        outstanding = Math.max(0, outstanding - 1);
                        continue;
                    }
                    if (r <= 0) {
                        break;
                    }
                    counters[0]++;
                    outstanding = Math.max(0, outstanding - 1);
                    if (outstanding < window) {
                        outstanding += send(client, out, counters);
                    }
                }
            }
            long trips = counters[0] - measured;
            return new Result(trips / (measure.toNanos() / 1e9), trips, counters[1], counters[2]);
        } finally {
            client.disconnect();
            client.configureBlocking(true);
        }
    }

    private static int send(DatagramChannel ch, ByteBuffer out, long[] counters) throws IOException {
        out.rewind();
        try {
            return ch.write(out) > 0 ? 1 : 0;
        } catch (PortUnreachableException e) {
            counters[2]++;
            return 0;
        }
    }
}
