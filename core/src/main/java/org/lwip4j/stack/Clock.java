package org.lwip4j.stack;

/**
 * The time source of a stack: every timer and timestamp reads it, so tests can run with
 * {@link VirtualClock} and never sleep (lwIP's {@code sys_now}).
 */
public interface Clock {
    /** Monotonic time in nanoseconds; only differences mean anything, and they are wrap-safe. */
    long nanoTime();

    /** The JVM's monotonic clock. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }

    /** Milliseconds from {@link #nanoTime()}, for lwIP-style tick counters. */
    default long millis() {
        return nanoTime() / 1_000_000L;
    }
}
