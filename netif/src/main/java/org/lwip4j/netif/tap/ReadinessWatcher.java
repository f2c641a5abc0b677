package org.lwip4j.netif.tap;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.lwip4j.stack.EventLoop;

/**
 * The fallback of the loop receive path when the loop already runs with a waiter that is
 * not an {@link EpollWaiter}: a thread that only waits for the device to become readable
 * ({@code EPOLLONESHOT}) and wakes the loop; the loop still reads the frames itself, and
 * re-arms the watch once it has read the device empty. One wakeup per burst, no copies.
 */
final class ReadinessWatcher implements Runnable {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.netif.tap");

    private final Tuntap dev;
    private final EventLoop loop;
    private final DriverStats stats;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment threadState;
    private final MemorySegment loopState;
    private final MemorySegment events;
    private final MemorySegment armEvent;
    private final MemorySegment one;
    private final int epfd;
    private final int stopFd;
    private final Thread thread;
    private volatile boolean armed = true;
    private volatile boolean stopping;

    ReadinessWatcher(Tuntap dev, EventLoop loop, DriverStats stats) throws TuntapException {
        this.dev = dev;
        this.loop = loop;
        this.stats = stats;
        this.threadState = Native.newState(arena);
        this.loopState = Native.newState(arena);
        this.events = arena.allocate(4L * Native.EPOLL_EVENT_SIZE, 8);
        this.armEvent = arena.allocate(16, 8);
        this.one = arena.allocate(8, 8);
        one.set(JAVA_LONG, 0, 1L);
        MemorySegment st = loopState;
        int ep = Native.epollCreate1(st, Native.EPOLL_CLOEXEC);
        if (ep < 0) {
            arena.close();
            throw TuntapException.of("epoll_create1", Native.errno(st));
        }
        int ev = Native.eventfd(st, 0, Native.EFD_NONBLOCK | Native.EFD_CLOEXEC);
        if (ev < 0) {
            int e = Native.errno(st);
            Native.close(st, ep);
            arena.close();
            throw TuntapException.of("eventfd", e);
        }
        epfd = ep;
        stopFd = ev;
        if (ctl(Native.EPOLL_CTL_ADD, ev, Native.EPOLLIN) < 0 || ctl(Native.EPOLL_CTL_ADD, dev.fd(), Native.EPOLLIN | Native.EPOLLONESHOT) < 0) {
            int e = Native.errno(st);
            Native.close(st, ev);
            Native.close(st, ep);
            arena.close();
            throw TuntapException.of("epoll_ctl", e);
        }
        thread = Thread.ofPlatform().name("lwip4j-watch-" + dev.name()).daemon(true).unstarted(this);
    }

    private int ctl(int op, int fd, int mask) {
        armEvent.set(JAVA_INT_UNALIGNED, 0, mask);
        armEvent.set(JAVA_LONG_UNALIGNED, Native.EPOLL_DATA_OFFSET, fd);
        return Native.epollCtl(loopState, epfd, op, fd, armEvent);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        while (!stopping) {
            int n = Native.epollWait(threadState, epfd, events, 4, -1);
            if (n < 0) {
                int e = Native.errno(threadState);
                if (e == Native.EINTR) {
                    continue;
                }
                LOG.log(System.Logger.Level.WARNING, "watcher of " + dev.name() + " stopped: " + Native.strerror(e));
                return;
            }
            for (int i = 0; i < n; i++) {
                long fd = events.get(JAVA_LONG_UNALIGNED, (long) i * Native.EPOLL_EVENT_SIZE + Native.EPOLL_DATA_OFFSET);
                if (fd == dev.fd()) {
                    armed = false;
                    stats.loopWakeups.incrementAndGet();
                    loop.waiter().wakeup();
                }
            }
        }
    }

    /** After the loop read the device empty: watch it again (a readable device fires at once). On the loop. */
    void rearm() {
        if (!armed && !stopping) {
            armed = true;
            ctl(Native.EPOLL_CTL_MOD, dev.fd(), Native.EPOLLIN | Native.EPOLLONESHOT);
        }
    }

    /** True while watching: a frame arriving now will wake the loop. */
    boolean isArmed() {
        return armed;
    }

    /** Ends the thread and closes its descriptors. */
    void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        Native.signal(stopFd, one);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Native.close(loopState, stopFd);
        Native.close(loopState, epfd);
        arena.close();
    }
}
