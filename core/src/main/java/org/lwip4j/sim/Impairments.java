package org.lwip4j.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * What one direction of a virtual cable does to the frames it carries, in the order they
 * are applied (as Linux {@code netem} and {@code tbf} do):
 *
 * <ol>
 *   <li><b>Rate</b>: with {@code rateBitsPerSecond > 0} a frame of {@code n} bytes holds the
 *       wire for {@code ceil(n * 8 / rate)} seconds; frames wait in a FIFO queue of at most
 *       {@code queueLimit} frames (the one being serialised included) and a frame that finds
 *       the queue full is dropped (tail drop).</li>
 *   <li><b>Loss</b>: with probability {@code loss} the frame is lost on the wire (it has
 *       used its share of the rate).</li>
 *   <li><b>Corruption</b>: with probability {@code corrupt} one random bit of one random byte
 *       of the frame is flipped.</li>
 *   <li><b>Delay and jitter</b>: the frame arrives {@code delay} plus a uniform random extra
 *       in {@code [0, jitter]} after it left. Jitter alone never reorders: a frame never
 *       arrives before one sent earlier in the same direction (reordering is its own
 *       impairment).</li>
 *   <li><b>Reordering</b>: with probability {@code reorder} the frame is held a further
 *       {@code reorderDelay}, so frames sent after it may overtake it.</li>
 *   <li><b>Duplication</b>: with probability {@code duplicate} a second copy arrives right
 *       after the first.</li>
 * </ol>
 *
 * <p>Random draws come from the direction's own {@code SplittableRandom}, split from the
 * {@link Simulator}'s seed, so a run is reproducible from that seed. A draw is made only
 * for impairments that are enabled.
 *
 * @param loss              probability in [0, 1] that a frame is lost
 * @param delay             fixed one-way delay (propagation), not negative
 * @param jitter            largest random extra delay, not negative
 * @param reorder           probability in [0, 1] that a frame is held back by {@code reorderDelay}
 * @param reorderDelay      how long a reordered frame is held back, positive
 * @param duplicate         probability in [0, 1] that a frame arrives twice
 * @param corrupt           probability in [0, 1] that one bit of a frame is flipped
 * @param rateBitsPerSecond wire speed in bits per second; 0 for no limit
 * @param queueLimit        frames the rate limiter queues at most (tail drop beyond), at least 1
 */
public record Impairments(
        double loss,
        Duration delay,
        Duration jitter,
        double reorder,
        Duration reorderDelay,
        double duplicate,
        double corrupt,
        long rateBitsPerSecond,
        int queueLimit) {

    /** Default {@link #reorderDelay()}: 1 ms. */
    public static final Duration DEFAULT_REORDER_DELAY = Duration.ofMillis(1);
    /** Default {@link #queueLimit()}: 1000 frames, as Linux's default {@code txqueuelen}. */
    public static final int DEFAULT_QUEUE_LIMIT = 1000;

    /** A perfect cable: no loss, no delay, no limit; frames arrive the instant they are sent. */
    public static final Impairments NONE = builder().build();

    /** Checks every value. */
    public Impairments {
        probability("loss", loss);
        probability("reorder", reorder);
        probability("duplicate", duplicate);
        probability("corrupt", corrupt);
        nonNegative("delay", delay);
        nonNegative("jitter", jitter);
        nonNegative("reorderDelay", reorderDelay);
        if (reorder > 0 && reorderDelay.isZero()) {
            throw new IllegalArgumentException("reordering needs a positive reorderDelay");
        }
        if (rateBitsPerSecond < 0) {
            throw new IllegalArgumentException("rate must not be negative: " + rateBitsPerSecond);
        }
        if (queueLimit < 1) {
            throw new IllegalArgumentException("queueLimit must be at least 1: " + queueLimit);
        }
    }

    private static void probability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " probability must be in [0, 1]: " + p);
        }
    }

    private static void nonNegative(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
    }

    /** True when this changes nothing: frames arrive intact, once, in order, at once. */
    public boolean isNone() {
        return loss == 0 && delay.isZero() && jitter.isZero() && reorder == 0 && duplicate == 0 && corrupt == 0
                && rateBitsPerSecond == 0;
    }

    /** A builder starting from {@link #NONE}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.loss = loss;
        b.delay = delay;
        b.jitter = jitter;
        b.reorder = reorder;
        b.reorderDelay = reorderDelay;
        b.duplicate = duplicate;
        b.corrupt = corrupt;
        b.rate = rateBitsPerSecond;
        b.queueLimit = queueLimit;
        return b;
    }

    /** Builds {@link Impairments}; everything starts off. */
    public static final class Builder {
        private double loss;
        private Duration delay = Duration.ZERO;
        private Duration jitter = Duration.ZERO;
        private double reorder;
        private Duration reorderDelay = DEFAULT_REORDER_DELAY;
        private double duplicate;
        private double corrupt;
        private long rate;
        private int queueLimit = DEFAULT_QUEUE_LIMIT;

        private Builder() {
        }

        /** Probability that a frame is lost. */
        public Builder loss(double p) {
            loss = p;
            return this;
        }

        /** Fixed one-way delay. */
        public Builder delay(Duration d) {
            delay = d;
            return this;
        }

        /** Fixed one-way delay plus a uniform random extra in {@code [0, jitter]}. */
        public Builder delay(Duration d, Duration jitter) {
            this.delay = d;
            this.jitter = jitter;
            return this;
        }

        /** Largest random extra delay. */
        public Builder jitter(Duration d) {
            jitter = d;
            return this;
        }

        /** Probability that a frame is held back by the reorder delay (default 1 ms). */
        public Builder reorder(double p) {
            reorder = p;
            return this;
        }

        /** Probability that a frame is held back by {@code holdBack}, letting later frames overtake it. */
        public Builder reorder(double p, Duration holdBack) {
            reorder = p;
            reorderDelay = holdBack;
            return this;
        }

        /** Probability that a frame arrives twice. */
        public Builder duplicate(double p) {
            duplicate = p;
            return this;
        }

        /** Probability that one bit of a frame is flipped. */
        public Builder corrupt(double p) {
            corrupt = p;
            return this;
        }

        /** Wire speed in bits per second (0: unlimited), with the current queue limit. */
        public Builder rate(long bitsPerSecond) {
            rate = bitsPerSecond;
            return this;
        }

        /** Wire speed in bits per second and the frames its queue holds at most. */
        public Builder rate(long bitsPerSecond, int queueLimit) {
            rate = bitsPerSecond;
            this.queueLimit = queueLimit;
            return this;
        }

        /** Frames the rate limiter queues at most. */
        public Builder queueLimit(int frames) {
            queueLimit = frames;
            return this;
        }

        /** The impairments; throws {@link IllegalArgumentException} for values out of range. */
        public Impairments build() {
            return new Impairments(loss, delay, jitter, reorder, reorderDelay, duplicate, corrupt, rate, queueLimit);
        }
    }
}
