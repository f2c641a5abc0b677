package org.lwip4j.stack;

import java.util.Arrays;

/**
 * The timers of one stack, on its {@link Clock}: a binary heap ordered by due time with
 * wrap-safe comparisons ({@code a - b < 0}), so time may cross the end of the {@code long}
 * range (lwIP's {@code timeouts.c}).
 *
 * <p>A periodic timer re-arms from its due time, so it keeps its cadence when handled a
 * little late; when it is more than one period late it re-arms from now instead of firing
 * a burst to catch up. Used on the owning stack's event loop only.
 *
 * <p>A callback that throws a {@link RuntimeException} or an {@link AssertionError} is
 * counted ({@link #failed()}), logged at most once per burst, and does not stop the timers
 * due after it; a periodic timer that threw stays armed with its period (a dead retransmit
 * timer would kill TCP). Other {@link Error}s propagate, as {@link EventLoop} explains.
 */
public final class Timers {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.stack");

    private final Clock clock;
    private final FailureLog failures = new FailureLog(LOG, "timer");
    private long failed;
    private Timer[] heap = new Timer[16];
    private int size;

    /** Timers reading {@code clock}. */
    public Timers(Clock clock) {
        this.clock = clock;
    }

    long now() {
        return clock.nanoTime();
    }

    /** A new, unarmed timer that runs {@code task} when it fires. */
    public Timer create(Runnable task) {
        return new Timer(this, task);
    }

    /** A one-shot timer that runs {@code task} once, {@code delayNanos} from now. */
    public Timer once(long delayNanos, Runnable task) {
        Timer t = create(task);
        t.schedule(delayNanos);
        return t;
    }

    /** A periodic timer that runs {@code task} every {@code periodNanos}. */
    public Timer periodic(long periodNanos, Runnable task) {
        Timer t = create(task);
        t.schedulePeriodic(periodNanos);
        return t;
    }

    /** Number of armed timers. */
    public int pending() {
        return size;
    }

    /** True when at least one timer is armed. */
    public boolean hasPending() {
        return size > 0;
    }

    /** Due time of the earliest armed timer; meaningful only when {@link #hasPending()}. */
    public long nextDue() {
        return heap[0].due;
    }

    /**
     * Runs every timer due at or before {@code now}, earliest first (timers armed while
     * running that are already due run in the same call). Returns how many ran.
     */
    public int runDue(long now) {
        int ran = 0;
        while (size > 0 && heap[0].due - now <= 0) {
            Timer t = heap[0];
            removeAt(0);
            if (t.period > 0) {
                arm(t, now - t.due > t.period ? now + t.period : t.due + t.period);
            }
            ran++;
            try {
                t.task.run();
            } catch (RuntimeException | AssertionError e) {
                failed++;
                failures.failed(now, t.task, e);
            }
        }
        return ran;
    }

    /** Timer callbacks that threw (counted, logged per burst; the timers went on). */
    public long failed() {
        return failed;
    }

    void arm(Timer t, long due) {
        if (t.index >= 0) {
            removeAt(t.index);
        }
        t.due = due;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = t;
        t.index = size;
        size++;
        siftUp(t.index);
    }

    void disarm(Timer t) {
        if (t.index >= 0) {
            removeAt(t.index);
        }
    }

    private void removeAt(int i) {
        Timer t = heap[i];
        size--;
        Timer last = heap[size];
        heap[size] = null;
        t.index = -1;
        if (i < size) {
            heap[i] = last;
            last.index = i;
            siftDown(i);
            siftUp(last.index);
        }
    }

    private void siftUp(int i) {
        Timer t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Timer p = heap[parent];
            if (t.due - p.due >= 0) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = t;
        t.index = i;
    }

    private void siftDown(int i) {
        Timer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            int r = c + 1;
            if (r < size && heap[r].due - heap[c].due < 0) {
                c = r;
            }
            if (heap[c].due - t.due >= 0) {
                break;
            }
            heap[i] = heap[c];
            heap[i].index = i;
            i = c;
        }
        heap[i] = t;
        t.index = i;
    }
}
