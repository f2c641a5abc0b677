package org.lwip4j.netif.tap;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import org.lwip4j.stack.EventLoop;
import org.lwip4j.stack.IoSource;

/**
 * The reader-thread receive path ({@link ReceiveMode#THREAD}): a platform thread waits on the
 * device with {@code epoll}, reads frames into a single-producer single-consumer ring of
 * off-heap slots, and wakes the loop once per batch; on the loop, this source copies each
 * frame into a pooled pbuf and hands it to the netif. A full ring drops the frame (counted):
 * the loop is not keeping up.
 */
final class RxReader implements IoSource, Runnable {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.netif.tap");

    private final FrameEngine engine;
    private final Tuntap dev;
    private final EventLoop loop;
    private final DriverStats stats;
    private final int capacity;
    private final int mask;
    private final int slotSize;
    private final MemorySegment[] slots;
    private final int[] lengths;
    private final MemorySegment discard;
    /** Next slot the loop consumes; written by the loop. */
    private final AtomicLong head = new AtomicLong();
    /** Next slot the reader fills; written by the reader. */
    private final AtomicLong tail = new AtomicLong();
    private final MemorySegment state;
    private final MemorySegment events;
    private final MemorySegment one;
    private final int epfd;
    private final int stopFd;
    private final Thread thread;
    private volatile boolean stopping;
    /** Errno that ended the reader (read on the loop), 0 while healthy. */
    private volatile int fatal;
    private boolean closed;

    RxReader(FrameEngine engine, EventLoop loop, Arena arena) throws TuntapException {
        this.engine = engine;
        this.dev = engine.device();
        this.loop = loop;
        this.stats = engine.stats();
        this.capacity = Integer.highestOneBit(Math.max(1, engine.options().queueCapacity() - 1)) << 1;
        this.mask = capacity - 1;
        this.slotSize = (engine.vnetHeaderSize() + engine.maxFrame() + 64 + 63) & ~63;
        MemorySegment slab = arena.allocate((long) capacity * slotSize, 64);
        this.slots = new MemorySegment[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = slab.asSlice((long) i * slotSize, slotSize);
        }
        this.lengths = new int[capacity];
        this.discard = arena.allocate(slotSize, 64);
        this.state = Native.newState(arena);
        this.events = arena.allocate(4L * Native.EPOLL_EVENT_SIZE, 8);
        this.one = arena.allocate(8, 8);
        one.set(JAVA_LONG, 0, 1L);
        MemorySegment st = state;
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
        this.epfd = ep;
        this.stopFd = ev;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = a.allocate(16, 8);
            for (int fd : new int[] {dev.fd(), ev}) {
                e.set(JAVA_INT_UNALIGNED, 0, Native.EPOLLIN);
                e.set(JAVA_LONG_UNALIGNED, Native.EPOLL_DATA_OFFSET, fd);
                if (Native.epollCtl(st, ep, Native.EPOLL_CTL_ADD, fd, e) < 0) {
                    int err = Native.errno(st);
                    Native.close(st, ev);
                    Native.close(st, ep);
                    throw TuntapException.of("epoll_ctl ADD fd " + fd, err);
                }
            }
        }
        this.thread = Thread.ofPlatform().name("lwip4j-rx-" + dev.name()).daemon(true).unstarted(this);
    }

    void start() {
        thread.start();
    }

    /** The reader thread: wait, read a batch into the ring, publish, wake the loop. */
    @Override
    public void run() {
        int batch = engine.options().rxBatch();
        try {
            while (!stopping) {
                int published = 0;
                boolean empty = false;
                while (published < batch && !stopping) {
                    long t = tail.getPlain();
                    long r;
                    if (t - head.getAcquire() >= capacity) {
                        r = dev.readRaw(discard, slotSize);
                        if (r > 0) {
                            stats.rxThreadReads.incrementAndGet();
                            stats.rxQueueDrops.incrementAndGet();
                            engine.netif().counters().queueDrops.incrementAndGet();
                            continue;
                        }
                    } else {
                        int idx = (int) (t & mask);
                        r = dev.readRaw(slots[idx], slotSize);
                        if (r > 0) {
                            stats.rxThreadReads.incrementAndGet();
                            lengths[idx] = (int) r;
                            tail.setRelease(t + 1);
                            published++;
                            continue;
                        }
                    }
                    if (r == -Native.EAGAIN || r == 0) {
                        stats.rxThreadReads.incrementAndGet();
                        empty = true;
                        break;
                    }
                    fatal = (int) -r;
                    stats.loopWakeups.incrementAndGet();
                    loop.waiter().wakeup();
                    return;
                }
                if (published > 0) {
                    stats.loopWakeups.incrementAndGet();
                    loop.waiter().wakeup();
                }
                if (empty && !stopping) {
                    int n = Native.epollWait(state, epfd, events, 4, -1);
                    if (n < 0 && Native.errno(state) != Native.EINTR) {
                        fatal = Native.errno(state);
                        loop.waiter().wakeup();
                        return;
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "reader thread of " + dev.name() + " failed", e);
            fatal = Native.EIO;
            loop.waiter().wakeup();
        }
    }

    /** The loop side: copy a batch of frames out of the ring into pbufs. */
    @Override
    public int poll() {
        int f = fatal;
        long h = head.getPlain();
        long t = tail.getAcquire();
        int n = 0;
        int batch = engine.options().rxBatch();
        while (h < t && n < batch && !engine.isClosed()) {
            int idx = (int) (h & mask);
            engine.deliverCopied(slots[idx], lengths[idx]);
            h++;
            head.setRelease(h);
            n++;
        }
        if (n > 0) {
            stats.rxBatches++;
        }
        if (f != 0 && h == t) {
            engine.readerFailed(f);
        }
        return n;
    }

    /** Asks the thread to end and waits for it; any thread. Idempotent. */
    void stop() {
        if (!stopping) {
            stopping = true;
            Native.signal(stopFd, one);
        }
        if (Thread.currentThread() != thread) {
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
        }
    }

    /** Stops the thread and closes its descriptors; on the loop, before the device closes. */
    void close() {
        stop();
        if (!closed) {
            closed = true;
            Native.close(state, stopFd);
            Native.close(state, epfd);
        }
    }
}
