package org.lwip4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Checksum;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Throughput of the Internet checksum ({@link Checksum#partial}, RFC 1071) over an
 * Ethernet-MTU frame and a 64 KB TSO/GRO super-frame, on heap ({@code MemorySegment.ofArray})
 * and off-heap ({@code Arena.ofAuto().allocate}) memory.
 *
 * <p>Read the {@code bytes} line of the result: bytes checksummed per second (divide by
 * 10^9 for GB/s). The primary line counts calls per second.
 *
 * <p>Before measuring, the setup runs the checksum over both kinds of memory and odd
 * offsets, as a real stack does (pool buffers are off-heap, RAM and wrapped pbufs are on the
 * heap), so the JIT compiles it with that mixed profile rather than a flattering one.
 * {@link #baseline} is the big-endian 64-bit loop this replaced, for comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChecksumBench {
    /** Bytes summed, reported by JMH per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counter {
        /** Bytes checksummed so far in this iteration. */
        public long bytes;

        /** Zeroes the count at the start of each iteration. */
        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    /** Buffer size: an Ethernet MTU frame, or a 64 KB super-frame. */
    @Param({"1500", "65536"})
    public int size;

    /** Where the bytes live: {@code heap} (a byte[]) or {@code offheap} (native memory). */
    @Param({"heap", "offheap"})
    public String memory;

    private MemorySegment seg;

    /** Fills the buffer with fixed pseudo-random bytes and warms the checksum on both memory kinds. */
    @Setup(Level.Trial)
    public void setup() {
        byte[] data = new byte[size];
        new Random(1071).nextBytes(data);
        MemorySegment heap = MemorySegment.ofArray(data);
        MemorySegment offHeap = Arena.ofAuto().allocate(size, 64).copyFrom(heap);
        seg = memory.equals("heap") ? heap : offHeap;
        if (Checksum.fold(Checksum.partial(heap, 0, size, 0)) != Checksum.fold(baseline(heap, 0, size, 0))) {
            throw new AssertionError("checksum and baseline disagree");
        }
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += Checksum.partial(heap, i & 1, size - 1, 0) + Checksum.partial(offHeap, i & 1, size - 1, 0);
        }
        if (sink == 42) {
            throw new AssertionError();
        }
    }

    /** {@link Checksum#partial} over the whole buffer. */
    @Benchmark
    public long partial(Counter c) {
        c.bytes += size;
        return Checksum.partial(seg, 0, size, 0);
    }

    /** The previous implementation (big-endian 64-bit loads, one accumulator), for comparison. */
    @Benchmark
    public long baseline(Counter c) {
        c.bytes += size;
        return baseline(seg, 0, size, 0);
    }

    static long baseline(MemorySegment s, long off, int len, long acc) {
        long sum = acc;
        long i = off;
        long end = off + len;
        while (end - i >= 8) {
            long w = s.get(Bytes.BE_LONG, i);
            sum += (w >>> 32) + (w & 0xffffffffL);
            i += 8;
        }
        if (end - i >= 4) {
            sum += s.get(Bytes.BE_INT, i) & 0xffffffffL;
            i += 4;
        }
        if (end - i >= 2) {
            sum += s.get(Bytes.BE_SHORT, i) & 0xffff;
            i += 2;
        }
        if (i < end) {
            sum += (s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) & 0xff) << 8;
        }
        return sum;
    }
}
