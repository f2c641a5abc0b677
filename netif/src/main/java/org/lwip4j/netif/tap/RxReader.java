package org.lwip4j.netif.tap;

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
    /** Where the reader sleeps: readability of the device, or a wakeup from {@link #stop()}. */
    private final EpollWaiter wait;
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
        this.wait = EpollWaiter.create();
        try {
            wait.register(dev.fd());
        } catch (TuntapException e) {
            wait.close();
            throw e;
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
                    wait.await(-1);
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
            wait.wakeup();
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
            wait.close();
        }
    }
}
