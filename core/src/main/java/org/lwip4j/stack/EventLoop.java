package org.lwip4j.stack;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that owns a stack (lwIP's tcpip thread). All protocol state is touched
 * only here; other threads hand work in with {@link #execute(Runnable)}
 * ({@code tcpip_callback}).
 *
 * <p>Two ways to drive it: {@link #start(String)} gives it a thread of its own that runs
 * until {@link #stop()}; or the caller (a test, the {@code Simulator}) calls
 * {@link #poll(long)} itself, which makes the caller's thread the owner for that call.
 * Each turn runs queued tasks, polls the registered {@link IoSource}s, then runs due
 * timers.
 */
public final class EventLoop {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.stack");

    private final Clock clock;
    private final Timers timers;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<IoSource> sources = new ArrayList<>();
    private IoSource[] sourceArray = new IoSource[0];
    private volatile Thread owner;
    private volatile Thread thread;
    private volatile boolean running;
    private LoopWaiter waiter = new ParkingWaiter();
    private long failedTasks;

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

    /** True on the thread that currently owns the loop ({@code LWIP_ASSERT_CORE_LOCKED}). */
    public boolean inEventLoop() {
        Thread o = owner;
        return o == null || o == Thread.currentThread();
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
     * Replaces how the loop thread waits (see {@link LoopWaiter}); only before
     * {@link #start(String)}.
     */
    public void setWaiter(LoopWaiter w) {
        if (thread != null) {
            throw new IllegalStateException("the loop thread is running; set the waiter before start()");
        }
        this.waiter = w;
    }

    /** The current waiter. */
    public LoopWaiter waiter() {
        return waiter;
    }

    /** Tasks that threw (each is logged and counted; the loop goes on). */
    public long failedTasks() {
        return failedTasks;
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
        try {
            int work = runTasks();
            for (IoSource s : sourceArray) {
                work += s.poll();
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

    private int runTasks() {
        int n = 0;
        Runnable r;
        while (n < 4096 && (r = tasks.poll()) != null) {
            n++;
            try {
                r.run();
            } catch (RuntimeException | AssertionError e) {
                failedTasks++;
                LOG.log(System.Logger.Level.WARNING, "task on the event loop failed", e);
            }
        }
        return n;
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
        thread = th;
        th.start();
    }

    private void run() {
        owner = Thread.currentThread();
        while (running) {
            int work;
            try {
                work = poll(clock.nanoTime());
            } catch (RuntimeException | AssertionError e) {
                LOG.log(System.Logger.Level.ERROR, "event loop turn failed", e);
                work = 1;
            }
            if (work > 0 || !tasks.isEmpty()) {
                continue;
            }
            long timeout = -1;
            if (timers.hasPending()) {
                timeout = Math.max(0, timers.nextDue() - clock.nanoTime());
            }
            if (timeout != 0) {
                waiter.await(timeout);
            }
        }
    }

    /** Stops the loop's own thread and waits for it to end; idempotent. */
    public void stop() {
        Thread th;
        synchronized (this) {
            th = thread;
            running = false;
        }
        if (th == null) {
            return;
        }
        waiter.wakeup();
        if (th != Thread.currentThread()) {
            try {
                th.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            thread = null;
            owner = null;
        }
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
