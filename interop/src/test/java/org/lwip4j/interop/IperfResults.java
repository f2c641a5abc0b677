package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.lwip4j.apps.iperf.IperfResult;

/**
 * The stack's iperf results as its loop reports them ({@link #add}, the server's report
 * callback), for a test thread that waits for them: {@link #await} wakes on each result
 * rather than polling.
 */
final class IperfResults implements Consumer<IperfResult> {
    private final List<IperfResult> results = new ArrayList<>();

    @Override
    public synchronized void accept(IperfResult r) {
        results.add(r);
        notifyAll();
    }

    /** Forgets the results so far. */
    synchronized void clear() {
        results.clear();
    }

    /** The results once {@code n} have come, 30 s at most; fails when fewer came. */
    synchronized List<IperfResult> await(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (long left; results.size() < n && (left = deadline - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        assertEquals(n, results.size(), "results: " + results);
        return List.copyOf(results);
    }
}
