package org.lwip4j.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.lwip4j.stack.Clock;
import org.lwip4j.stack.EventLoop;
import org.lwip4j.stack.IoSource;
import org.lwip4j.stack.Timers;
import org.lwip4j.stack.VirtualClock;

/**
 * Drives many stacks on the calling thread in virtual time, deterministically: one
 * {@link VirtualClock} shared by every stack, one queue of frames in flight, and the
 * event loops of the stacks, which it polls itself (their loops must not run threads of
 * their own).
 *
 * <p>Frames in flight are kept in a {@link FrameQueue}, ordered by arrival time, first
 * scheduled first among equal times. {@link #step()} moves the clock to the earliest of the next
 * arrival and the next timer of any loop, then settles that instant: it hands the frames
 * due to their receivers and polls every loop, in the order the loops were added, round
 * after round until nothing more happens at that instant (frames sent with no delay arrive
 * in the next round of the same instant). A frame for a netif is handed to it inside a poll
 * of the netif's own loop (through an {@link IoSource} the simulator registers on that
 * loop), copied into that stack's pbuf pool; a full pool is counted
 * ({@link LinkCounters#rxDrops()}, the stack's {@code link.memerr}), never thrown.
 *
 * <p>Randomness: every cable direction draws from its own {@link SplittableRandom}, split
 * from the simulator's seed when the direction is made, so a run is a function of the seed
 * and of the order in which links and ports are made.
 *
 * <p>Frames in flight, with their byte arrays, are pooled and reused: a simulation in
 * steady state allocates nothing per frame. The simulator and everything attached to it is
 * confined to the thread that drives it.
 */
public final class Simulator {
    /** Default of {@link #setLivelockLimit(long)}. */
    public static final long DEFAULT_LIVELOCK_LIMIT = 1_000_000;
    private static final int FREE_FRAMES_MAX = 8192;

    private final VirtualClock clock;
    private final long seed;
    private final SplittableRandom random;
    /** Seeds for stacks, apart from {@link #random} so adding a stack leaves links' draws alone. */
    private final SplittableRandom stackSeeds;
    private final Map<EventLoop, LoopState> byLoop = new IdentityHashMap<>();
    private final List<LoopState> loopList = new ArrayList<>();
    private LoopState[] loops = new LoopState[0];

    private final FrameQueue inFlight = new FrameQueue();
    private Frame[] free = new Frame[256];
    private int freeCount;

    private long livelockLimit = DEFAULT_LIVELOCK_LIMIT;
    private long roundsThisInstant;
    private long nextAt;

    /** A simulator with its own clock, starting at 0, and {@code seed} for every random draw. */
    public Simulator(long seed) {
        this(new VirtualClock(), seed);
    }

    /** A simulator driving {@code clock} (for instance one started near the wrap of a {@code long}). */
    public Simulator(VirtualClock clock, long seed) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.stackSeeds = new SplittableRandom(seed ^ 0x73746163_6b736565L);
    }

    /**
     * A seed for the next stack on this simulator ({@code StackConfig.randomSeed}): derived
     * from the simulator's seed, different on each call and never 0, so a run repeats and its
     * stacks still differ (ephemeral ports, IP ids, default MACs).
     */
    public long nextStackSeed() {
        long s;
        do {
            s = stackSeeds.nextLong();
        } while (s == 0);
        return s;
    }

    /** The clock every simulated stack must read: pass it to their {@code StackContext}. */
    public VirtualClock clock() {
        return clock;
    }

    /** The current virtual time, clock nanoseconds. */
    public long now() {
        return clock.nanoTime();
    }

    /** The seed this run is reproducible from. */
    public long seed() {
        return seed;
    }

    /**
     * Rounds one instant may take before {@link #step()} gives up with an
     * {@link IllegalStateException} (a livelock: stacks answering each other with no time
     * passing). Raise it for huge zero-delay transfers.
     */
    public void setLivelockLimit(long rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("livelock limit must be positive: " + rounds);
        }
        livelockLimit = rounds;
    }

    /**
     * Adds a stack's loop, to be polled from now on; idempotent. Netifs over simulated
     * drivers add their loop themselves when attached. The loop must read this simulator's
     * clock and must not run a thread of its own.
     */
    public void add(EventLoop loop) {
        stateOf(loop);
    }

    /** The loops driven, in the order they were added. */
    public List<EventLoop> loops() {
        List<EventLoop> l = new ArrayList<>(loops.length);
        for (LoopState s : loops) {
            l.add(s.loop);
        }
        return l;
    }

    /** Frames scheduled but not yet handed to their receiver. */
    public int framesInFlight() {
        int n = inFlight.size();
        for (LoopState s : loops) {
            n += s.count;
        }
        return n;
    }

    /**
     * Runs the next instant at which anything happens: moves the clock to the earliest of
     * the next frame arrival and the next timer of any loop (or stays, when work is pending
     * now), delivers and polls until that instant is quiescent. Returns false, doing
     * nothing, when nothing at all is pending.
     *
     * @throws IllegalStateException when the instant does not settle within the
     *     {@linkplain #setLivelockLimit(long) livelock limit}
     */
    public boolean step() {
        if (!findNext()) {
            return false;
        }
        runAt(nextAt);
        return true;
    }

    /** Runs everything due in the next {@code d}, then leaves the clock exactly {@code d} later. */
    public void runFor(Duration d) {
        long end = clock.nanoTime() + nonNegative(d);
        while (findNext() && nextAt - end <= 0) {
            runAt(nextAt);
        }
        runAt(end);
    }

    /**
     * Runs until {@code cond} is true (checked before the first step and after every
     * instant) or {@code limit} has passed. Returns whether {@code cond} became true; the
     * clock stops at the instant it did, or at the limit.
     */
    public boolean runUntil(BooleanSupplier cond, Duration limit) {
        long end = clock.nanoTime() + nonNegative(limit);
        if (cond.getAsBoolean()) {
            return true;
        }
        while (findNext() && nextAt - end <= 0) {
            runAt(nextAt);
            if (cond.getAsBoolean()) {
                return true;
            }
        }
        runAt(end);
        return cond.getAsBoolean();
    }

    /**
     * Runs until the network is idle: no frame in flight and no loop with queued work
     * (armed timers may remain; those due before the network falls idle do fire). Returns
     * true when that happened within {@code limit}; otherwise the clock stops at the limit.
     */
    public boolean runUntilIdle(Duration limit) {
        long end = clock.nanoTime() + nonNegative(limit);
        while (!isIdle()) {
            if (!findNext() || nextAt - end > 0) {
                runAt(end);
                return isIdle();
            }
            runAt(nextAt);
        }
        return true;
    }

    private boolean isIdle() {
        if (!inFlight.isEmpty()) {
            return false;
        }
        for (LoopState s : loops) {
            if (s.count > 0 || s.loop.hasTasks()) {
                return false;
            }
        }
        return true;
    }

    private static long nonNegative(Duration d) {
        long n = d.toNanos();
        if (n < 0) {
            throw new IllegalArgumentException("negative duration " + d);
        }
        return n;
    }

    /** Sets {@link #nextAt} to when something happens next (never before now); false when nothing is pending. */
    private boolean findNext() {
        long now = clock.nanoTime();
        boolean found = false;
        long best = 0;
        if (!inFlight.isEmpty()) {
            best = inFlight.firstTime();
            found = true;
        }
        for (LoopState s : loops) {
            if (s.count > 0 || s.loop.hasTasks()) {
                nextAt = now;
                return true;
            }
            Timers t = s.loop.timers();
            if (t.hasPending()) {
                long due = t.nextDue();
                if (!found || due - best < 0) {
                    best = due;
                    found = true;
                }
            }
        }
        nextAt = found && best - now > 0 ? best : now;
        return found;
    }

    /** Moves the clock to {@code t} (not backwards) and settles that instant. */
    private void runAt(long t) {
        long now = clock.nanoTime();
        if (t - now > 0) {
            clock.set(t);
            now = t;
            roundsThisInstant = 0;
        }
        while (true) {
            int work = deliverDue(now);
            for (LoopState s : loops) {
                work += s.loop.poll(now);
            }
            if (work == 0 && !inFlight.hasDue(now)) {
                return;
            }
            if (++roundsThisInstant > livelockLimit) {
                throw new IllegalStateException("no quiescence after " + livelockLimit + " rounds at t=" + now
                        + "ns: the stacks keep exchanging frames with no time passing (livelock?)");
            }
        }
    }

    /** Hands every frame due at or before {@code now} to its sink; returns how many. */
    private int deliverDue(long now) {
        int n = 0;
        Frame f;
        while ((f = inFlight.pollDue(now)) != null) {
            n++;
            f.sink.arrive(f);
        }
        return n;
    }

    // ---- package-private services for links, switches and receivers ----

    /** A random source for a new cable direction, split from the seed. */
    SplittableRandom newRandom() {
        return random.split();
    }

    /** A pooled frame with room for {@code len} bytes. */
    Frame obtain(int len) {
        Frame f = freeCount > 0 ? free[--freeCount] : new Frame();
        free[freeCount] = null;
        f.reset(len);
        return f;
    }

    /** Returns a frame to the pool. */
    void recycle(Frame f) {
        f.sink = null;
        f.dir = null;
        if (freeCount < FREE_FRAMES_MAX) {
            if (freeCount == free.length) {
                free = Arrays.copyOf(free, free.length * 2);
            }
            free[freeCount++] = f;
        }
    }

    /** Queues {@code f} for arrival at {@code f.time} (after frames already queued for that time). */
    void schedule(Frame f) {
        inFlight.add(f);
    }

    /** The state of {@code loop}, added on first use. */
    LoopState stateOf(EventLoop loop) {
        LoopState s = byLoop.get(loop);
        if (s != null) {
            return s;
        }
        Clock c = loop.clock();
        if (c != clock) {
            throw new IllegalArgumentException("the loop reads another clock than the simulator's: build its StackContext with simulator.clock()");
        }
        if (loop.isRunning()) {
            throw new IllegalStateException("the loop runs a thread of its own; the simulator must drive it");
        }
        s = new LoopState(loop);
        byLoop.put(loop, s);
        loopList.add(s);
        loops = loopList.toArray(new LoopState[0]);
        loop.addSource(s);
        return s;
    }

    /**
     * One driven loop and its inbox: frames that have arrived for netifs of that stack,
     * handed to them when the loop polls this source.
     */
    static final class LoopState implements IoSource {
        final EventLoop loop;
        private Frame[] inbox = new Frame[64];
        private int head;
        int count;

        LoopState(EventLoop loop) {
            this.loop = loop;
        }

        void enqueue(Frame f) {
            if (count == inbox.length) {
                Frame[] a = new Frame[inbox.length * 2];
                for (int i = 0; i < count; i++) {
                    a[i] = inbox[(head + i) & (inbox.length - 1)];
                }
                inbox = a;
                head = 0;
            }
            inbox[(head + count) & (inbox.length - 1)] = f;
            count++;
        }

        @Override
        public int poll() {
            int n = 0;
            while (count > 0) {
                Frame f = inbox[head];
                inbox[head] = null;
                head = (head + 1) & (inbox.length - 1);
                count--;
                n++;
                ((Receiver) f.sink).inputOnLoop(f);
            }
            return n;
        }
    }
}
