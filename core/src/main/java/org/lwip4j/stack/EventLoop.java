package org.lwip4j.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that owns a stack (lwIP's tcpip thread). All protocol state is touched
 * only here; other threads hand work in with {@link #execute(Runnable)}
 * ({@code tcpip_callback}).
 *
 * <p>Two ways to drive it: {@link #start(String)} gives it a thread of its own that runs
 * until {@link #stop()}; or the caller (a test, the {@code Simulator}) calls
 * {@link #poll(long)} itself. Each turn runs queued tasks, polls the registered
 * {@link IoSource}s, then runs due timers.
 *
 * <p>Failures are isolated: a task, a source or a timer that throws a
 * {@link RuntimeException} or an {@link AssertionError} (a bug in that piece of code, or a
 * failed {@code assert}) is counted ({@link #failedTasks()}, {@link #failedSources()},
 * {@link #failedTimers()}), logged as a warning at most once per burst (so a source that
 * throws on every turn cannot flood the log), and the turn goes on with the next one: the
 * other sources are still polled and the other timers still fire, and a periodic timer that
 * threw keeps its period. Every other {@link Error} ({@link OutOfMemoryError},
 * {@link StackOverflowError}, other {@link VirtualMachineError}s, {@link LinkageError}s) is
 * not caught: it leaves {@link #poll(long)} and ends the loop's own thread, because the JVM
 * (or the deployment) is then in no state to be trusted, and carrying on quietly would hide
 * it.
 *
 * <p>Which thread is "on the loop" ({@link #inEventLoop()}): the loop's own thread once
 * {@link #start(String)} was called; otherwise the thread inside {@link #poll(long)}, and
 * between polls the thread that polled last (the driving thread). Before the first poll
 * or start the loop has no owner and the creating thread may set the stack up.
 */
public final class EventLoop {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.stack");

    private final Clock clock;
    private final Timers timers;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<IoSource> sources = new ArrayList<>();
    private IoSource[] sourceArray = new IoSource[0];
    private volatile Thread owner;
    /** The thread that polled last, when no thread of our own runs: it owns the loop between polls. */
    private volatile Thread driver;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile LoopWaiter waiter = new ParkingWaiter();
    private long failedTasks;
    private long failedSources;
    private final FailureLog taskFailures = new FailureLog(LOG, "task");
    private final FailureLog sourceFailures = new FailureLog(LOG, "source");
    private volatile long maxSleepNanos = -1;

    /** A loop over {@code clock} with its {@code timers}. */
    public EventLoop(Clock clock, Timers timers) {
        this.clock = clock;
        this.timers = timers;
    }

    /** The loop's clock. */
    public Clock clock() {
        return clock;
    }

    /** The loop's timers. */
    public Timers timers() {
        return timers;
    }

    /**
     * Runs {@code task} on the loop ({@code tcpip_callback}): queued and run on the next
     * turn, from any thread. Never runs it inline, so ordering with other queued tasks holds.
     */
    public void execute(Runnable task) {
        tasks.add(task);
        if (owner != Thread.currentThread()) {
            waiter.wakeup();
        }
    }

    /**
     * True on the thread that owns the loop ({@code LWIP_ASSERT_CORE_LOCKED}): the loop's
     * own thread, the thread in {@link #poll(long)}, or between polls the thread that polled
     * last; before the loop was ever polled or started, any thread (set-up).
     */
    public boolean inEventLoop() {
        Thread me = Thread.currentThread();
        Thread o = owner;
        if (o != null) {
            return o == me;
        }
        if (thread != null) {
            return false;
        }
        Thread d = driver;
        return d == null || d == me;
    }

    /**
     * Throws {@link IllegalStateException} unless called on the loop: {@code what} (for
     * example "UDP pcb used") is said to have happened off the loop, and the message points
     * to {@code execute()}. The guard of every public call that touches protocol state.
     */
    public void checkInEventLoop(String what) {
        if (!inEventLoop()) {
            throw new IllegalStateException(what + " off the stack's event loop (thread " + Thread.currentThread().getName()
                    + "); use stack.execute() or stack.call()");
        }
    }

    /** Registers a source polled on every turn; on the loop. */
    public void addSource(IoSource s) {
        sources.add(s);
        sourceArray = sources.toArray(new IoSource[0]);
    }

    /** Unregisters a source; on the loop. */
    public void removeSource(IoSource s) {
        sources.remove(s);
        sourceArray = sources.toArray(new IoSource[0]);
    }

    /**
     * Replaces how the loop thread waits (see {@link LoopWaiter}), for example by one that
     * waits on a device's file descriptor. Before {@link #start(String)}, from any thread;
     * afterwards on the loop, taking effect at its next wait. The replaced waiter is woken
     * once, so a thread blocked in it returns.
     */
    public void setWaiter(LoopWaiter w) {
        Objects.requireNonNull(w, "waiter");
        if (thread != null && !inEventLoop()) {
            throw new IllegalStateException("the loop thread is running; set the waiter on the loop (execute())");
        }
        LoopWaiter old = this.waiter;
        this.waiter = w;
        if (old != w) {
            old.wakeup();
        }
    }

    /**
     * Caps how long the loop's own thread sleeps when idle ({@code null} or zero: no cap,
     * the default). An idle virtual CPU falls into deep idle states, and waking it for the
     * next frame costs tens of microseconds; a loop that wakes every 100–200 µs keeps it
     * ready and answers the first packet after a pause up to twice as fast, for a few
     * thousand cheap wakeups a second (the same trade as Linux's {@code busy_poll}, far
     * milder). Any thread.
     */
    public void setMaxSleep(Duration max) {
        long n = max == null ? 0 : max.toNanos();
        if (n < 0) {
            throw new IllegalArgumentException("negative max sleep " + max);
        }
        maxSleepNanos = n == 0 ? -1 : n;
        waiter.wakeup();
    }

    /** The current waiter. */
    public LoopWaiter waiter() {
        return waiter;
    }

    /** Tasks that threw (each is counted, bursts are logged; the loop goes on). */
    public long failedTasks() {
        return failedTasks;
    }

    /** Source polls that threw (each is counted, bursts are logged; the other sources are still polled). */
    public long failedSources() {
        return failedSources;
    }

    /** Timer callbacks that threw (each is counted, bursts are logged; the other timers still fire). */
    public long failedTimers() {
        return timers.failed();
    }

    /**
     * One turn of the loop at time {@code now}: queued tasks, sources, due timers. Returns
     * how much work was done (0 when idle). When the loop has its own thread, only that
     * thread may call this.
     */
    public int poll(long now) {
        Thread me = Thread.currentThread();
        Thread t = thread;
        if (t != null && t != me) {
            throw new IllegalStateException("this stack runs on its own thread " + t.getName() + "; use execute()");
        }
        Thread prev = owner;
        owner = me;
        if (t == null) {
            driver = me;
        }
        try {
            int work = runTasks(now);
            for (IoSource s : sourceArray) {
                work += pollSource(s, now);
            }
            work += timers.runDue(now);
            return work;
        } finally {
            owner = prev;
        }
    }

    /** As {@link #poll(long)} at the clock's current time. */
    public int poll() {
        return poll(clock.nanoTime());
    }

    private int runTasks(long now) {
        int n = 0;
        Runnable r;
        while (n < 4096 && (r = tasks.poll()) != null) {
            n++;
            try {
                r.run();
            } catch (RuntimeException | AssertionError e) {
                failedTasks++;
                taskFailures.failed(now, r, e);
            }
        }
        return n;
    }

    /**
     * Polls one source. One that throws did no work we can count: the loop does not spin on
     * it (a device still readable wakes the waiter again).
     */
    private int pollSource(IoSource s, long now) {
        try {
            return s.poll();
        } catch (RuntimeException | AssertionError e) {
            failedSources++;
            sourceFailures.failed(now, s, e);
            return 0;
        }
    }

    /** True when tasks are queued. */
    public boolean hasTasks() {
        return !tasks.isEmpty();
    }

    /** Starts the loop's own thread (a platform thread with the given name). */
    public synchronized void start(String name) {
        if (thread != null) {
            throw new IllegalStateException("event loop already started");
        }
        running = true;
        Thread th = new Thread(this::run, name);
        th.setDaemon(true);
        // Owner before the thread runs, so no other thread is ever taken for the loop.
        owner = th;
        thread = th;
        th.start();
    }

    private void run() {
        try {
            runTurns();
        } catch (Error e) {
            // Only what the turn does not isolate reaches here (see the class comment).
            running = false;
            LOG.log(System.Logger.Level.ERROR, "event loop thread " + Thread.currentThread().getName() + " ends on a fatal error", e);
            throw e;
        }
    }

    private void runTurns() {
        while (running) {
            turn();
        }
    }

    /**
     * One turn of the loop's own thread: a poll, then, when it found nothing to do, a wait for
     * the next event or timer. A method of its own so that the JIT compiles it like any other
     * (and the warm-up's loops get it compiled before the run's first packets): the loop
     * around it never returns, so its body would otherwise run in the interpreter until an
     * on-stack replacement, which at one ping every 20 ms takes minutes.
     */
    private void turn() {
        int work = poll(clock.nanoTime());
        if (work > 0 || !tasks.isEmpty()) {
            return;
        }
        long timeout = maxSleepNanos;
        if (timers.hasPending()) {
            long due = Math.max(0, timers.nextDue() - clock.nanoTime());
            timeout = timeout < 0 ? due : Math.min(timeout, due);
        }
        if (timeout != 0) {
            waiter.await(timeout);
        }
    }

    /**
     * Stops the loop's own thread, if it has one, and waits for it to end; then closes the
     * waiter (a waiter holding file descriptors releases them) and goes back to the default
     * one. Idempotent.
     */
    public void stop() {
        Thread th;
        synchronized (this) {
            th = thread;
            running = false;
        }
        if (th != null) {
            waiter.wakeup();
        }
        if (th != null && th != Thread.currentThread()) {
            try {
                th.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            thread = null;
            owner = null;
            driver = null;
        }
        LoopWaiter w = waiter;
        waiter = new ParkingWaiter();
        w.close();
    }

    /** True while the loop's own thread runs. */
    public boolean isRunning() {
        return thread != null && running;
    }

    /** The default waiter: park until the deadline or an unpark. */
    private final class ParkingWaiter implements LoopWaiter {
        private volatile boolean woken;

        @Override
        public void await(long timeoutNanos) {
            if (woken) {
                woken = false;
                return;
            }
            if (timeoutNanos < 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, timeoutNanos);
            }
            woken = false;
        }

        @Override
        public void wakeup() {
            woken = true;
            Thread th = thread;
            if (th != null) {
                LockSupport.unpark(th);
            }
        }
    }
}
