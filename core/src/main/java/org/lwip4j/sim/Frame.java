package org.lwip4j.sim;

import java.lang.foreign.MemorySegment;

/**
 * A frame in flight: its bytes, when and where it arrives, and the direction that carries
 * it. Pooled by the {@link Simulator} (bytes included), so a simulation in steady state
 * allocates nothing per frame.
 */
final class Frame {
    private static final int MIN_CAPACITY = 1536;

    byte[] data = new byte[MIN_CAPACITY];
    /** {@link #data} as a segment, kept so copies from and to pbufs allocate nothing. */
    MemorySegment seg = MemorySegment.ofArray(data);
    int len;
    /** Arrival time, clock nanoseconds. */
    long time;
    /** Tie-break among equal times: order of scheduling. */
    long seq;
    FrameSink sink;
    LinkDirection dir;

    /** Makes room for {@code n} bytes (contents are not kept) and sets the length. */
    void reset(int n) {
        if (data.length < n) {
            data = new byte[Math.max(n, data.length * 2)];
            seg = MemorySegment.ofArray(data);
        }
        len = n;
        sink = null;
        dir = null;
    }
}
