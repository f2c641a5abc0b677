package org.lwip4j.bench;

import java.util.concurrent.TimeUnit;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PbufPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cost of taking a 1500-byte pbuf from a stack's pool and giving it back
 * ({@code pbuf_alloc(PBUF_TRANSPORT, 1500, PBUF_POOL)} + {@code pbuf_free}).
 *
 * <p>Run with {@code -prof gc}: {@code gc.alloc.rate.norm} must be about 0 B/op, because the
 * pool reuses its off-heap buffers and its {@link Pbuf} objects (the JVM runs without
 * {@code -ea} here; with assertions on, the pool is strict and allocates a node per free).
 * {@code bufSize} 2048 is the JVM-host default ({@code StackConfig}: one buffer per frame);
 * 592 is lwIP's {@code opt.h} default, where a frame is a chain of three buffers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PbufBench {
    /** {@code PBUF_POOL_BUFSIZE}. */
    @Param({"2048", "592"})
    public int bufSize;

    private PbufPool pool;

    /** A pool of 4096 buffers, as the default {@code StackConfig}. */
    @Setup(Level.Trial)
    public void setup() {
        pool = new PbufPool(4096, bufSize, 64L << 20);
    }

    /** Checks that every buffer went back. */
    @TearDown(Level.Trial)
    public void check() {
        if (pool.poolStats().used != 0 || pool.poolStats().err != 0) {
            throw new AssertionError(pool.poolStats().toString());
        }
    }

    /** Allocates a 1500-byte pool pbuf with transport header room and frees it. */
    @Benchmark
    public int allocFree() {
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 1500);
        return p.free();
    }

    /** As {@link #allocFree}, with the header pushed and popped on the way, as a send path does. */
    @Benchmark
    public int allocHeaderFree() {
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 1500);
        p.addHeader(20);
        p.setByte(0, 0x45);
        p.removeHeader(20);
        return p.free();
    }
}
