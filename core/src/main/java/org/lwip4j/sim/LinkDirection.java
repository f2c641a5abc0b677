package org.lwip4j.sim;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One direction of a virtual cable (A to B of a {@link VirtualLink}, or a switch port's
 * way in or out): its {@link Impairments}, its seeded random source, its rate limiter and
 * its {@link LinkCounters}. Frames are scheduled on the {@link Simulator}; the direction
 * keeps no frame itself. Used on the simulator's thread.
 */
public final class LinkDirection {
    private final Simulator sim;
    private final String name;
    private final SplittableRandom random;
    private final LinkCounters counters = new LinkCounters();
    private final FrameSink sink;

    private Impairments impairments;
    private boolean none;
    private double loss;
    private double corrupt;
    private double reorder;
    private double duplicate;
    private long delayNanos;
    private long jitterNanos;
    private long reorderNanos;
    private long rate;
    private int queueLimit;

    private boolean connected = true;
    /** When the wire is free again (rate limiting). */
    private long busyUntil;
    /** Finish times of the frames queued in the rate limiter, oldest first (a ring). */
    private long[] queue = new long[16];
    private int queueHead;
    private int queueCount;
    /** Arrival time of the last in-order frame: later frames never arrive before it. */
    private long lastArrival;
    private boolean hasLast;

    LinkDirection(Simulator sim, String name, Impairments impairments, FrameSink sink) {
        this.sim = sim;
        this.name = name;
        this.random = sim.newRandom();
        this.sink = sink;
        setImpairments(impairments);
    }

    /** A name for messages, such as {@code link1 A>B}. */
    public String name() {
        return name;
    }

    /** The impairments in force. */
    public Impairments impairments() {
        return impairments;
    }

    /**
     * Changes the impairments from now on; frames already in flight keep their arrival
     * times, and frames still in the rate limiter keep their places.
     */
    public void setImpairments(Impairments imp) {
        Objects.requireNonNull(imp, "impairments");
        this.impairments = imp;
        this.none = imp.isNone();
        this.loss = imp.loss();
        this.corrupt = imp.corrupt();
        this.reorder = imp.reorder();
        this.duplicate = imp.duplicate();
        this.delayNanos = imp.delay().toNanos();
        this.jitterNanos = imp.jitter().toNanos();
        this.reorderNanos = imp.reorderDelay().toNanos();
        this.rate = imp.rateBitsPerSecond();
        this.queueLimit = imp.queueLimit();
    }

    /** The counters of this direction. */
    public LinkCounters counters() {
        return counters;
    }

    /** False while the cable is unplugged: every frame sent is lost. */
    public boolean isConnected() {
        return connected;
    }

    void setConnected(boolean c) {
        connected = c;
    }

    /** Frames waiting in (or being serialised by) the rate limiter at the current time. */
    public int queued() {
        retire(sim.now());
        return queueCount;
    }

    /** Time a frame of {@code len} bytes holds the wire, in nanoseconds (rounded up). */
    private long serialisation(int len) {
        long bits = len * 8L * 1_000_000_000L;
        return (bits + rate - 1) / rate;
    }

    private void retire(long now) {
        while (queueCount > 0 && queue[queueHead] - now <= 0) {
            queueHead = (queueHead + 1) & (queue.length - 1);
            queueCount--;
        }
    }

    private void enqueue(long finish) {
        if (queueCount == queue.length) {
            long[] q = new long[queue.length * 2];
            for (int i = 0; i < queueCount; i++) {
                q[i] = queue[(queueHead + i) & (queue.length - 1)];
            }
            queue = q;
            queueHead = 0;
        }
        queue[(queueHead + queueCount) & (queue.length - 1)] = finish;
        queueCount++;
    }

    /** Counts a frame the sender could not put on this cable (too long). */
    void countOversize() {
        counters.oversize++;
    }

    /**
     * Carries {@code f} (its bytes and length set): applies the impairments and schedules
     * its arrival at this direction's sink. Takes ownership of {@code f}.
     */
    void send(Frame f) {
        long now = sim.now();
        counters.sent++;
        counters.bytesSent += f.len;
        if (!connected) {
            counters.lost++;
            sim.recycle(f);
            return;
        }
        f.sink = sink;
        f.dir = this;
        if (none) {
            f.time = inOrder(now);
            sim.schedule(f);
            return;
        }
        long depart = now;
        if (rate > 0) {
            retire(now);
            if (queueCount >= queueLimit) {
                counters.queueDrops++;
                sim.recycle(f);
                return;
            }
            long start = busyUntil - now > 0 ? busyUntil : now;
            depart = start + serialisation(f.len);
            busyUntil = depart;
            enqueue(depart);
        }
        if (loss > 0 && random.nextDouble() < loss) {
            counters.lost++;
            sim.recycle(f);
            return;
        }
        if (corrupt > 0 && f.len > 0 && random.nextDouble() < corrupt) {
            int at = random.nextInt(f.len);
            f.data[at] ^= (byte) (1 << random.nextInt(8));
            counters.corrupted++;
        }
        long t = depart + delayNanos;
        if (jitterNanos > 0) {
            t += random.nextLong(jitterNanos + 1);
        }
        if (reorder > 0 && random.nextDouble() < reorder) {
            // Held back without moving the in-order horizon, so later frames overtake it.
            t += reorderNanos;
            counters.reordered++;
        } else {
            t = inOrder(t);
        }
        f.time = t;
        Frame copy = null;
        if (duplicate > 0 && random.nextDouble() < duplicate) {
            copy = sim.obtain(f.len);
            System.arraycopy(f.data, 0, copy.data, 0, f.len);
            copy.sink = sink;
            copy.dir = this;
            copy.time = t;
            counters.duplicated++;
        }
        sim.schedule(f);
        if (copy != null) {
            sim.schedule(copy);
        }
    }

    /** {@code t}, or later if an earlier in-order frame arrives after {@code t}; moves the horizon. */
    private long inOrder(long t) {
        if (hasLast && lastArrival - t > 0) {
            t = lastArrival;
        }
        lastArrival = t;
        hasLast = true;
        return t;
    }

    @Override
    public String toString() {
        return name + " " + impairments + " " + counters;
    }

    /** Counts a frame its receiver has taken. */
    void countDelivered(int len) {
        counters.delivered++;
        counters.bytesDelivered += len;
    }

    /** Counts a frame its receiver could not take. */
    void countRxDrop() {
        counters.rxDrops++;
    }
}
