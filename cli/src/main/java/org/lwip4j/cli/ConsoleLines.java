package org.lwip4j.cli;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The lines the stack's loop has to say (address events, iperf reports), written by a
 * thread of their own, so that the loop never waits for the terminal: a {@code stdout}
 * piped to a reader that stopped reading (a paused pager, a full pipe) would otherwise stop
 * the stack in the middle of a {@code println}, and even a terminal that keeps up costs the
 * loop a {@code write(2)} and a flush per line while packets wait. {@link #print(String)}
 * never blocks: at most {@value #CAPACITY} lines wait; beyond that a line is dropped and
 * counted, and a line saying how many were dropped comes once the writer catches up. Lines
 * keep their order. Any thread may print; {@link #close()} writes what is queued (waiting
 * a bounded time for a stuck terminal) and ends the writer.
 */
final class ConsoleLines implements AutoCloseable {
    /** Lines that may wait for the terminal before new ones are dropped. */
    static final int CAPACITY = 1024;
    /** How long {@link #close()} waits for the queued lines to be written. */
    private static final long CLOSE_WAIT_MILLIS = 2000;

    private final PrintWriter out;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final Thread writer;
    private long dropped;
    private long droppedTotal;
    private boolean closed;
    /** True while the writer thread holds lines taken from the queue and not yet written. */
    private boolean writing;

    /** A console over {@code out}, whose writer thread starts at once. */
    ConsoleLines(PrintWriter out) {
        this.out = Objects.requireNonNull(out, "out");
        this.writer = Thread.ofPlatform().daemon().name("lwip4j-console").start(this::drain);
    }

    /**
     * Queues {@code line} to be written (with a line end); never blocks. Returns false when it
     * was dropped: too many lines wait, or the console is closed.
     */
    synchronized boolean print(String line) {
        Objects.requireNonNull(line, "line");
        if (closed) {
            return false; // the run is stopping: its teardown is not news
        }
        if (queue.size() >= CAPACITY) {
            dropped++;
            droppedTotal++;
            return false;
        }
        queue.addLast(line);
        notifyAll();
        return true;
    }

    /** Lines dropped so far because the terminal did not keep up. */
    synchronized long dropped() {
        return droppedTotal;
    }

    private void drain() {
        String[] batch = new String[64];
        while (true) {
            int n;
            long lost;
            synchronized (this) {
                while (queue.isEmpty() && dropped == 0 && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (queue.isEmpty() && dropped == 0) {
                    return; // closed and all written
                }
                n = 0;
                while (n < batch.length && !queue.isEmpty()) {
                    batch[n++] = queue.pollFirst();
                }
                lost = queue.isEmpty() ? dropped : 0;
                if (lost > 0) {
                    dropped = 0;
                }
                writing = true;
            }
            synchronized (out) {
                for (int i = 0; i < n; i++) {
                    out.println(batch[i]);
                    batch[i] = null;
                }
                if (lost > 0) {
                    out.println("lwip4j: " + lost + " line" + (lost == 1 ? "" : "s")
                            + " dropped (the output was not read fast enough)");
                }
                out.flush();
            }
            synchronized (this) {
                writing = false;
                notifyAll();
            }
        }
    }

    /**
     * Writes what is queued and ends the writer thread; waits at most two seconds (a terminal
     * nobody reads keeps the rest). Idempotent.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + CLOSE_WAIT_MILLIS * 1_000_000;
        synchronized (this) {
            closed = true;
            notifyAll();
            while ((!queue.isEmpty() || writing) && writer.isAlive()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        try {
            writer.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
