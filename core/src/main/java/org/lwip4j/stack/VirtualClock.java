package org.lwip4j.stack;

import java.time.Duration;

/**
 * A clock that moves only when told to, for deterministic tests and simulations. Starts at
 * the given instant (which may be near the wrap of a {@code long} to test wrap safety).
 * Not thread-safe: owned by the thread that drives the simulation.
 */
public final class VirtualClock implements Clock {
    private long now;

    /** A clock starting at 0. */
    public VirtualClock() {
        this(0);
    }

    /** A clock starting at {@code startNanos}. */
    public VirtualClock(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** Moves time forward by {@code nanos} (must not be negative). */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time cannot go backwards: " + nanos);
        }
        now += nanos;
    }

    /** Moves time forward by {@code d}. */
    public void advance(Duration d) {
        advance(d.toNanos());
    }

    /** Sets the time to {@code nanos}, which must not be earlier than now (wrap-safe comparison). */
    public void set(long nanos) {
        if (nanos - now < 0) {
            throw new IllegalArgumentException("time cannot go backwards");
        }
        now = nanos;
    }

    @Override
    public String toString() {
        return "VirtualClock[" + now + "ns]";
    }
}
