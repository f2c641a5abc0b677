package org.lwip4j.netif.tap;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.lwip4j.stack.EventLoop;
import org.lwip4j.stack.LoopWaiter;

/**
 * A {@link LoopWaiter} that sleeps in {@code epoll_wait} over the registered device
 * descriptors and an {@code eventfd}: the loop thread wakes when a frame arrives, when
 * another thread calls {@link #wakeup()} (which writes the eventfd), or at the next timer.
 * A frame is then read, processed and answered on the loop thread with no hand-off.
 *
 * <p>{@link #wakeup()} makes a system call only while the loop sleeps (or is about to);
 * a wakeup while the loop is busy just makes its next {@link #await(long)} return at once.
 * One waiter serves all TAP/TUN drivers of a loop; they {@link #register(int)} their
 * descriptors with it.
 */
public final class EpollWaiter implements LoopWaiter {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.netif.tap");
    private static final int MAX_EVENTS = 16;
    private static final int AWAKE = 0;
    private static final int SLEEPING = 1;
    private static final int WOKEN = 2;

    private final Arena arena = Arena.ofAuto();
    private final int epfd;
    private final int efd;
    private final MemorySegment waitState;
    private final MemorySegment events;
    private final MemorySegment timespec;
    private final MemorySegment drain;
    /** The constant 1 that {@link #wakeup()} writes; only ever read, so any thread may use it. */
    private final MemorySegment one;
    private final AtomicInteger state = new AtomicInteger(AWAKE);
    /** Wakeups between their check of {@link #closed} and their eventfd write. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;
    /** Volatile so other threads can watch the loop go to sleep (tests, diagnostics). */
    private volatile long awaits;
    private long fdWakeups;
    private long eventWakeups;

    private EpollWaiter(int epfd, int efd) {
        this.epfd = epfd;
        this.efd = efd;
        this.waitState = Native.newState(arena);
        this.events = arena.allocate((long) MAX_EVENTS * Native.EPOLL_EVENT_SIZE, 8);
        this.timespec = arena.allocate(16, 8);
        this.drain = arena.allocate(8, 8);
        this.one = arena.allocate(8, 8);
        this.one.set(JAVA_LONG, 0, 1L);
    }

    /** A new waiter with its epoll instance and eventfd. */
    public static EpollWaiter create() throws TuntapException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.newState(a);
            int ep = Native.epollCreate1(st, Native.EPOLL_CLOEXEC);
            if (ep < 0) {
                throw TuntapException.of("epoll_create1", Native.errno(st));
            }
            int ev = Native.eventfd(st, 0, Native.EFD_NONBLOCK | Native.EFD_CLOEXEC);
            if (ev < 0) {
                int e = Native.errno(st);
                Native.close(st, ep);
                throw TuntapException.of("eventfd", e);
            }
            EpollWaiter w = new EpollWaiter(ep, ev);
            try {
                w.register(ev);
            } catch (TuntapException e) {
                w.close();
                throw e;
            }
            return w;
        }
    }

    /**
     * The loop's waiter if it is already an {@code EpollWaiter}, else a new one installed on
     * {@code loop}; or {@code null} when called off the loop while the loop's own thread
     * runs (the waiter of a running loop is replaced only on the loop).
     */
    public static EpollWaiter install(EventLoop loop) throws TuntapException {
        if (loop.waiter() instanceof EpollWaiter w && !w.closed) {
            return w;
        }
        if (loop.isRunning() && !loop.inEventLoop()) {
            return null;
        }
        EpollWaiter w = create();
        try {
            loop.setWaiter(w);
        } catch (IllegalStateException e) {
            w.close();
            return null;
        }
        return w;
    }

    /** Adds {@code fd} to the descriptors whose readability wakes the loop; any thread. */
    public void register(int fd) throws TuntapException {
        ctl(Native.EPOLL_CTL_ADD, fd, Native.EPOLLIN);
    }

    /** Removes {@code fd} (before the descriptor is closed); any thread. */
    public void unregister(int fd) throws TuntapException {
        ctl(Native.EPOLL_CTL_DEL, fd, 0);
    }

    private void ctl(int op, int fd, int mask) throws TuntapException {
        if (closed) {
            throw new IllegalStateException("waiter closed");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.newState(a);
            MemorySegment ev = a.allocate(16, 8);
            ev.set(JAVA_INT_UNALIGNED, 0, mask);
            ev.set(JAVA_LONG_UNALIGNED, Native.EPOLL_DATA_OFFSET, fd);
            if (Native.epollCtl(st, epfd, op, fd, ev) < 0) {
                throw TuntapException.of("epoll_ctl(" + op + ", fd " + fd + ")", Native.errno(st));
            }
        }
    }

    /**
     * Sleeps until a registered descriptor is readable, {@link #wakeup()} is called, or
     * {@code timeoutNanos} pass (negative: no limit). Loop thread only.
     */
    @Override
    public void await(long timeoutNanos) {
        if (closed) {
            // Without an epoll instance, park: never spin.
            if (timeoutNanos < 0) {
                LockSupport.parkNanos(this, 1_000_000L);
            } else if (timeoutNanos > 0) {
                LockSupport.parkNanos(this, timeoutNanos);
            }
            return;
        }
        if (!state.compareAndSet(AWAKE, SLEEPING)) {
            // Woken while busy: return at once.
            state.set(AWAKE);
            return;
        }
        awaits = awaits + 1;
        int n = waitOnce(timeoutNanos);
        state.set(AWAKE);
        boolean sawEvent = false;
        for (int i = 0; i < n; i++) {
            long data = events.get(JAVA_LONG_UNALIGNED, (long) i * Native.EPOLL_EVENT_SIZE + Native.EPOLL_DATA_OFFSET);
            if (data == efd) {
                sawEvent = true;
            } else {
                fdWakeups++;
            }
        }
        if (sawEvent) {
            eventWakeups++;
            Native.read(waitState, efd, drain, 8);
        }
    }

    private int waitOnce(long timeoutNanos) {
        int n;
        if (Native.hasEpollPwait2()) {
            MemorySegment ts = MemorySegment.NULL;
            if (timeoutNanos >= 0) {
                timespec.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
                timespec.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
                ts = timespec;
            }
            n = Native.epollPwait2(waitState, epfd, events, MAX_EVENTS, ts);
        } else {
            int ms = timeoutNanos < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (timeoutNanos + 999_999L) / 1_000_000L);
            n = Native.epollWait(waitState, epfd, events, MAX_EVENTS, ms);
        }
        if (n < 0) {
            int e = Native.errno(waitState);
            if (e != Native.EINTR) {
                LOG.log(System.Logger.Level.WARNING, "epoll_wait failed: " + Native.strerror(e));
            }
            return 0;
        }
        return n;
    }

    /** Wakes the loop from {@link #await(long)}, or makes its next call return at once; any thread. */
    @Override
    public void wakeup() {
        if (state.getAndSet(WOKEN) == SLEEPING) {
            inFlight.incrementAndGet();
            try {
                if (!closed) {
                    // Adding 1 to an eventfd cannot fail short of 2^64-2 pending wakeups.
                    Native.signal(efd, one);
                }
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    /** How many times the loop slept in {@code epoll_wait}. */
    public long awaits() {
        return awaits;
    }

    /** How many device readiness events woke the loop. */
    public long fdWakeups() {
        return fdWakeups;
    }

    /** How many eventfd wakeups (from {@link #wakeup()}) woke the loop. */
    public long eventWakeups() {
        return eventWakeups;
    }

    /** True once closed. */
    public boolean isClosed() {
        return closed;
    }

    /** Closes the epoll instance and the eventfd; later waits just park. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        while (inFlight.get() != 0) {
            Thread.onSpinWait();
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.newState(a);
            Native.close(st, efd);
            Native.close(st, epfd);
        }
    }
}
