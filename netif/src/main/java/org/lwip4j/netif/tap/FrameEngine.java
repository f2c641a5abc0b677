package org.lwip4j.netif.tap;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PbufPool;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.EventLoop;
import org.lwip4j.stack.IoSource;
import org.lwip4j.stack.StackContext;

/**
 * What TAP and TUN drivers share: receiving into pooled pbufs (on the loop, or through a
 * {@link RxReader} thread) and transmitting straight from pbuf memory, with the virtio-net
 * header mapped to and from the pbuf's offload fields.
 *
 * <p>Loop receive path, per frame: one {@code readv} into the virtio-net header scratch and
 * spare pool buffers kept ready (with their iovecs) across reads; the buffers that hold the
 * frame are chained, trimmed and handed to {@link Netif#input(Pbuf)} on the spot; new spares
 * replace them. Nothing is allocated but pool buffers, which are recycled.
 */
final class FrameEngine implements IoSource {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.netif.tap");
    /** Largest frame we ever write: a 64 KiB IP packet plus an Ethernet header with one VLAN tag. */
    private static final int MAX_TX_FRAME = 65535 + 18;

    private final Tuntap dev;
    private final TuntapOptions options;
    private final LinkType linkType;
    private final int hdr;
    /** Longest frame (without virtio-net header) we must be able to receive. */
    private final int maxFrame;
    /** Bytes left free in front of a received frame: aligns the IP header, leaves room to forward. */
    private final int rxHeadroom;
    private final DriverStats stats = new DriverStats();
    private final Arena arena = Arena.ofShared();

    private final MemorySegment txHdr;
    private final MemorySegment txIov;
    private final MemorySegment txScratch;

    private Netif netif;
    private StackContext ctx;
    private PbufPool pool;
    private EventLoop loop;

    // Loop receive path.
    private MemorySegment rxHdr;
    private MemorySegment rxIov;
    private MemorySegment discard;
    private Pbuf[] spare;
    private int spareCount;
    private int nodesPerFrame;
    private int nodeCap;
    private int iovBase;

    private EpollWaiter waiter;
    private RxReader reader;
    private String receivePath = "detached";
    private volatile boolean closed;
    private boolean finished;
    private boolean failed;
    private int lastTxErrno;
    /** The last poll ended with a read that found nothing. */
    private boolean lastEmpty;
    /** The waiter's {@code awaits()} at that read. */
    private long awaitsAtEmptyRead;
    /** The previous poll was skipped. */
    private boolean skipped;

    FrameEngine(Tuntap dev, TuntapOptions options, LinkType linkType) throws TuntapException {
        this.dev = dev;
        this.options = options;
        this.linkType = linkType;
        this.hdr = dev.vnetHeaderSize();
        int link = linkType == LinkType.ETHERNET ? 18 : 0;
        this.maxFrame = Offload.allowsSuperFrames(options.offloads()) ? 65535 + link : options.mtu() + link;
        this.rxHeadroom = linkType == LinkType.ETHERNET ? 2 : Layer.LINK.headroom();
        this.txHdr = arena.allocate(Math.max(hdr, 16), 8);
        this.txIov = arena.allocate((long) Native.IOV_MAX * Native.IOVEC_SIZE, 8);
        this.txScratch = arena.allocate(hdr + MAX_TX_FRAME, 64);
        dev.setNonBlocking(true);
    }

    Tuntap device() {
        return dev;
    }

    TuntapOptions options() {
        return options;
    }

    LinkType linkType() {
        return linkType;
    }

    int mtu() {
        return options.mtu();
    }

    DriverStats stats() {
        return stats;
    }

    String receivePath() {
        return receivePath;
    }

    int maxFrame() {
        return maxFrame;
    }

    int rxHeadroom() {
        return rxHeadroom;
    }

    int vnetHeaderSize() {
        return hdr;
    }

    Netif netif() {
        return netif;
    }

    boolean isClosed() {
        return closed;
    }

    /** Starts receiving for {@code n}; on the loop. */
    void attach(Netif n) {
        if (netif != null) {
            throw new IllegalStateException(dev.name() + " is already attached to netif " + netif.name());
        }
        if (closed) {
            throw new IllegalStateException(dev.name() + " is closed");
        }
        netif = n;
        ctx = n.context();
        pool = ctx.pbufs();
        loop = ctx.loop();
        nodeCap = pool.bufferSize() - rxHeadroom;
        discard = arena.allocate(hdr + maxFrame + 64, 64);
        try {
            if (options.receiveMode() == ReceiveMode.THREAD) {
                reader = new RxReader(this, loop, arena);
                loop.addSource(reader);
                reader.start();
                receivePath = "reader-thread";
            } else {
                nodesPerFrame = (maxFrame + nodeCap - 1) / nodeCap;
                if (nodesPerFrame + 1 > Native.IOV_MAX) {
                    throw new IllegalStateException("pbuf pool buffers of " + pool.bufferSize() + " bytes are too small for "
                            + maxFrame + "-byte frames");
                }
                spare = new Pbuf[nodesPerFrame];
                rxIov = arena.allocate((long) (nodesPerFrame + 1) * Native.IOVEC_SIZE, 8);
                iovBase = 0;
                if (hdr > 0) {
                    rxHdr = arena.allocate(16, 8);
                    setIov(rxIov, 0, rxHdr.address(), hdr);
                    iovBase = 1;
                }
                waiter = EpollWaiter.install(loop);
                if (waiter == null) {
                    throw new IllegalStateException("attach " + dev.name() + " on the stack's event loop");
                }
                waiter.register(dev.fd());
                receivePath = "loop-epoll";
                loop.addSource(this);
            }
        } catch (TuntapException e) {
            throw new UncheckedIOException("cannot start receiving on " + dev.name(), e);
        }
        LOG.log(System.Logger.Level.DEBUG, () -> dev + " attached to " + n.name() + " (" + receivePath + ", max frame " + maxFrame + ")");
    }

    private static void setIov(MemorySegment iov, int i, long base, long len) {
        iov.set(JAVA_LONG, (long) i * Native.IOVEC_SIZE, base);
        iov.set(JAVA_LONG, (long) i * Native.IOVEC_SIZE + 8, len);
    }

    /** Tops the spare buffers up to a whole frame's worth; false when the pool ran dry. */
    private boolean fillSpare() {
        while (spareCount < nodesPerFrame) {
            Pbuf p = pool.allocPool(Layer.RAW, pool.bufferSize());
            if (p == null) {
                return false;
            }
            p.removeHeader(rxHeadroom);
            spare[spareCount] = p;
            setIov(rxIov, iovBase + spareCount, p.segment().address() + p.offset(), p.length());
            spareCount++;
        }
        return true;
    }

    /** Reads up to a batch of frames and hands them to the netif; on the loop. */
    @Override
    public int poll() {
        if (closed || failed) {
            return 0;
        }
        if (lastEmpty && nothingNewSinceEmptyRead()) {
            // The device was read empty and nothing has signalled it since: save the read.
            return 0;
        }
        int n = 0;
        int batch = options.rxBatch();
        boolean empty = false;
        while (n < batch && !closed) {
            long r;
            if (spareCount == nodesPerFrame || fillSpare()) {
                r = dev.readvRaw(rxIov, iovBase + spareCount);
                if (r > 0) {
                    deliver((int) r);
                    n++;
                    continue;
                }
            } else {
                // No buffers: read the frame anyway, else the device stays readable and the
                // loop spins; count it as the pool's drop (lwIP: pbuf_alloc fails in the driver).
                r = dev.readRaw(discard, discard.byteSize());
                if (r > 0) {
                    stats.rxMemDrops++;
                    ctx.stats().link.memerr++;
                    ctx.stats().link.drop++;
                    n++;
                    continue;
                }
            }
            if (r == -Native.EAGAIN || r == 0) {
                stats.rxEmptyReads++;
                empty = true;
            } else {
                fail((int) -r);
            }
            break;
        }
        if (n > 0) {
            stats.rxBatches++;
        }
        lastEmpty = empty;
        skipped = false;
        if (waiter != null) {
            awaitsAtEmptyRead = waiter.awaits();
        }
        return n;
    }

    /**
     * After a read found the device empty, a new frame shows itself through the waiter
     * (the loop slept in epoll since). At most one turn in a row is skipped, so a loop kept busy by other sources (and never
     * sleeping) still reads the device every other turn.
     */
    private boolean nothingNewSinceEmptyRead() {
        if (waiter != null && !skipped && waiter.awaits() == awaitsAtEmptyRead) {
            skipped = true;
            return true;
        }
        return false;
    }

    private void deliver(int r) {
        int len = r - hdr;
        int capacity = spareCount * nodeCap;
        if (len <= 0 || len > capacity) {
            // Shorter than its header, or cut short by our buffer (the kernel reports the full length).
            stats.rxLengthErrors++;
            ctx.stats().link.lenerr++;
            ctx.stats().link.drop++;
            return;
        }
        int k = (len + nodeCap - 1) / nodeCap;
        for (int i = k - 1; i >= 1; i--) {
            spare[i - 1].concat(spare[i]);
        }
        Pbuf head = spare[0];
        head.truncate(len);
        if (hdr > 0) {
            VirtioNetHeader.decode(rxHdr, 0, head);
            if (head.gsoType() != VirtioNetHeader.GSO_NONE) {
                stats.rxGsoFrames++;
            }
        }
        int left = spareCount - k;
        System.arraycopy(spare, k, spare, 0, left);
        Arrays.fill(spare, left, spareCount, null);
        if (left > 0) {
            MemorySegment.copy(rxIov, (long) (iovBase + k) * Native.IOVEC_SIZE, rxIov, (long) iovBase * Native.IOVEC_SIZE,
                    (long) left * Native.IOVEC_SIZE);
        }
        spareCount = left;
        stats.rxFrames++;
        stats.rxBytes += len;
        netif.input(head);
    }

    /** Called by the reader thread's loop side for one frame copied out of its ring. */
    void deliverCopied(MemorySegment slot, int r) {
        int len = r - hdr;
        if (len <= 0 || len > maxFrame + 64) {
            stats.rxLengthErrors++;
            ctx.stats().link.lenerr++;
            ctx.stats().link.drop++;
            return;
        }
        Pbuf p = pool.allocPool(Layer.RAW, len + rxHeadroom);
        if (p == null) {
            stats.rxMemDrops++;
            ctx.stats().link.memerr++;
            ctx.stats().link.drop++;
            return;
        }
        p.removeHeader(rxHeadroom);
        p.copyFrom(0, slot, hdr, len);
        if (hdr > 0) {
            VirtioNetHeader.decode(slot, 0, p);
            if (p.gsoType() != VirtioNetHeader.GSO_NONE) {
                stats.rxGsoFrames++;
            }
        }
        stats.rxFrames++;
        stats.rxBytes += len;
        netif.input(p);
    }

    /** The loop side of a reader thread that stopped on an error. */
    void readerFailed(int errno) {
        fail(errno);
    }

    /** True when frames go out with a virtio-net header, which carries partial checksums to the kernel. */
    boolean completesChecksums() {
        return hdr > 0;
    }

    /** Writes one frame; on the loop. */
    Err transmit(Pbuf frame) {
        if (closed || failed) {
            return Err.IF;
        }
        int total = frame.totalLength();
        if (total == 0) {
            return Err.VAL;
        }
        if (hdr > 0) {
            if (!VirtioNetHeader.encodable(frame)) {
                // A partial checksum the kernel cannot complete (see encodable): drop, do not throw or lie.
                stats.txErrors++;
                return Err.VAL;
            }
            VirtioNetHeader.encode(frame, txHdr, 0);
        }
        long expect = (long) hdr + total;
        long r;
        int native_ = 0;
        int nodes = 0;
        for (Pbuf q = frame; q != null; q = q.next()) {
            nodes++;
            if (q.segment().isNative()) {
                native_++;
            }
        }
        if (native_ == nodes && nodes + 1 <= Native.IOV_MAX) {
            int i = 0;
            if (hdr > 0) {
                setIov(txIov, i++, txHdr.address(), hdr);
            }
            for (Pbuf q = frame; q != null; q = q.next()) {
                if (q.length() > 0) {
                    setIov(txIov, i++, q.segment().address() + q.offset(), q.length());
                }
            }
            r = dev.writevRaw(txIov, i);
        } else if (nodes == 1 && hdr == 0) {
            // One heap array: handed to write() in place by a critical call, no copy.
            stats.txHeapDirect++;
            r = dev.writeHeapRaw(frame.segment().asSlice(frame.offset(), total), total);
        } else {
            if (expect > txScratch.byteSize()) {
                stats.txErrors++;
                return Err.BUF;
            }
            stats.txCopies++;
            if (hdr > 0) {
                MemorySegment.copy(txHdr, 0, txScratch, 0, hdr);
            }
            frame.copyTo(0, txScratch, hdr, total);
            r = dev.writeRaw(txScratch, expect);
        }
        if (r == expect) {
            stats.txFrames++;
            stats.txBytes += total;
            lastTxErrno = 0;
            return Err.OK;
        }
        if (r == -Native.EAGAIN || r == -Native.ENOBUFS || r == -Native.ENOMEM) {
            stats.txBusy++;
            return Err.MEM;
        }
        stats.txErrors++;
        int errno = r < 0 ? (int) -r : 0;
        if (errno != lastTxErrno) {
            lastTxErrno = errno;
            LOG.log(System.Logger.Level.WARNING, () -> "write of a " + total + "-byte frame to " + dev.name() + " failed: "
                    + (errno != 0 ? Native.strerror(errno) + (errno == Native.EIO ? " (is the host side up?)" : "")
                            : "short write " + r + " of " + expect));
        }
        return errno == Native.EINVAL || errno == 0 ? Err.VAL : Err.IF;
    }

    /** Stops receiving after a device error; the netif's link goes down. On the loop. */
    private void fail(int errno) {
        if (failed || closed) {
            return;
        }
        failed = true;
        LOG.log(System.Logger.Level.WARNING, () -> "reading " + dev.name() + " failed: " + Native.strerror(errno) + " (errno " + errno
                + "); the device is gone or broken, link of netif " + netif.name() + " set down");
        stopReceiving();
        if (netif != null) {
            netif.setLinkUp(false);
        }
    }

    private void stopReceiving() {
        if (loop != null) {
            loop.removeSource(this);
            if (reader != null) {
                loop.removeSource(reader);
            }
        }
        if (waiter != null && !waiter.isClosed()) {
            try {
                waiter.unregister(dev.fd());
            } catch (TuntapException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "epoll_ctl DEL of " + dev.name() + " failed", e);
            }
            waiter = null;
        }
        if (reader != null) {
            reader.stop();
        }
    }

    /**
     * Stops receiving and closes the device. On the loop (or before attach, or once the loop
     * has stopped) it completes at once; from another thread the rest runs on the loop's next
     * turn, and the driver refuses frames from now on.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (loop == null || loop.inEventLoop()) {
            finishClose();
        } else {
            if (reader != null) {
                reader.stop();
            }
            loop.execute(this::finishClose);
        }
    }

    private void finishClose() {
        if (finished) {
            return;
        }
        finished = true;
        stopReceiving();
        if (reader != null) {
            reader.close();
        }
        if (spare != null) {
            for (int i = 0; i < spareCount; i++) {
                spare[i].free();
                spare[i] = null;
            }
            spareCount = 0;
        }
        dev.close();
        arena.close();
        receivePath = "closed";
        LOG.log(System.Logger.Level.DEBUG, () -> dev.name() + " closed: " + stats);
    }
}
