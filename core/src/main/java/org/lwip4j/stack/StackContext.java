package org.lwip4j.stack;

import java.util.SplittableRandom;
import org.lwip4j.buffer.PbufPool;

/**
 * What every layer of one stack shares: configuration, clock, timers, event loop, counters,
 * packet memory and the seeded random source. One per stack; nothing here is static.
 */
public final class StackContext {
    private final StackConfig config;
    private final Clock clock;
    private final Timers timers;
    private final EventLoop loop;
    private final Stats stats = new Stats();
    private final PbufPool pbufs;
    private final SplittableRandom random;

    /** A context for a new stack with {@code config}, reading {@code clock}. */
    public StackContext(StackConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.timers = new Timers(clock);
        this.loop = new EventLoop(clock, timers);
        this.pbufs = new PbufPool(config.pbufs().poolSize(), config.pbufs().poolBufSize(), config.pbufs().memSize());
        this.random = config.randomSeed() != 0
                ? new SplittableRandom(config.randomSeed())
                : new SplittableRandom(new java.security.SecureRandom().nextLong());
        stats.addPool(pbufs.poolStats());
        stats.addPool(pbufs.ramStats());
    }

    /** The stack's configuration. */
    public StackConfig config() {
        return config;
    }

    /** The stack's clock. */
    public Clock clock() {
        return clock;
    }

    /** Now, in clock nanoseconds. */
    public long now() {
        return clock.nanoTime();
    }

    /** The stack's timers. */
    public Timers timers() {
        return timers;
    }

    /** The stack's event loop. */
    public EventLoop loop() {
        return loop;
    }

    /** The stack's counters. */
    public Stats stats() {
        return stats;
    }

    /** The stack's packet memory. */
    public PbufPool pbufs() {
        return pbufs;
    }

    /** The stack's random source ({@code LWIP_RAND}), seeded from the configuration. */
    public SplittableRandom random() {
        return random;
    }
}
