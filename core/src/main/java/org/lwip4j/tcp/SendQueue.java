package org.lwip4j.tcp;

import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PbufPool;

/**
 * The bytes a connection has accepted from the application and the peer has not yet
 * acknowledged (lwIP's {@code unsent} and {@code unacked} queues, its {@code TCP_SND_BUF}
 * and {@code TCP_SND_QUEUELEN}): segments are cut from it when sent and cut again when
 * resent, so resegmentation after a window change or a loss costs nothing. The first byte
 * is the one at {@code SND.UNA} (after the SYN); bytes leave from the front when
 * acknowledged.
 *
 * <p>Copied writes go into a byte ring that grows by doubling up to the capacity, so an
 * idle connection holds little memory. Writes without copy ({@code TCP_WRITE_FLAG_COPY}
 * off) are kept as a reference to the application's pbuf, in stream order with the copied
 * bytes as a list of runs; a segment over them carries views of that pbuf's memory
 * ({@link PbufPool#view}) chained after its header. While no referenced run is queued the
 * runs are not kept at all and a segment is one copy out of the ring, as before.
 */
final class SendQueue {
    /** Smallest ring: a connection that writes a request of 1 KiB holds 1 KiB, not more. */
    private static final int INITIAL = 1024;
    /** Runs at first (grows by doubling; bounded by the referenced-node limit plus the copy runs between them). */
    private static final int INITIAL_RUNS = 8;

    /** The ring until first used, shared by every idle queue (heap per idle connection: {@code TcpFootprint}). */
    private static final byte[] NO_BYTES = new byte[0];

    private final int capacity;
    private final int maxRefNodes;

    private byte[] ring = NO_BYTES;
    private int head;
    /** Bytes in the ring (copied writes). */
    private int copied;
    /** Bytes held in all: copied plus referenced. */
    private int length;

    /** The runs of referenced and copied bytes; made at the first write without copy (an idle connection holds none). */
    private Runs runs;

    SendQueue(int capacity, int maxRefNodes) {
        this.capacity = capacity;
        this.maxRefNodes = maxRefNodes;
    }

    /** Bytes held (sent and unacknowledged, plus unsent), copied and referenced. */
    int length() {
        return length;
    }

    /** Bytes the ring holds now (grows on demand up to the capacity). */
    int ringCapacity() {
        return ring.length;
    }

    /** Room left for the application ({@code tcp_sndbuf}): referenced bytes count as copied ones do. */
    int space() {
        return capacity - length;
    }

    /** True when a write of {@code nodes} more referenced pbuf nodes stays within the queue-length bound. */
    boolean refFits(int nodes) {
        return refNodes() + nodes <= maxRefNodes;
    }

    /** Pbuf nodes the referenced runs hold now. */
    int refNodes() {
        return runs == null ? 0 : runs.refNodes;
    }

    /** True while the wrap of a zero-copy {@code byte[]} write's array is held. */
    boolean holdsArrayWrap() {
        return runs != null && runs.wrapped != null;
    }

    /** True when some of the queued bytes are referenced, not copied. */
    boolean hasRefs() {
        return runs != null && runs.refRuns > 0;
    }

    /** Appends {@code n} bytes of {@code src}; the caller checked {@link #space()}. */
    void write(byte[] src, int off, int n) {
        int tail = reserve(n);
        int first = Math.min(n, ring.length - tail);
        System.arraycopy(src, off, ring, tail, first);
        System.arraycopy(src, off + first, ring, 0, n - first);
        appended(n);
    }

    /** Appends {@code n} bytes of {@code p} from chain offset {@code off}; the caller checked {@link #space()}. */
    void write(Pbuf p, int off, int n) {
        int tail = reserve(n);
        int first = Math.min(n, ring.length - tail);
        p.copyTo(off, ring, tail, first);
        p.copyTo(off + first, ring, 0, n - first);
        appended(n);
    }

    /**
     * Appends all of {@code p} without copying, taking over the caller's reference to it: it
     * is freed once its last byte is consumed, or by {@link #clear()}. The caller checked
     * {@link #space()} and {@link #refFits}; an empty {@code p} is freed at once.
     */
    void writeRef(Pbuf p) {
        int n = p.totalLength();
        if (n == 0) {
            p.free();
            return;
        }
        if (runs == null) {
            runs = new Runs();
        }
        if (runs.refRuns == 0) {
            runs.runCount = 0;
            runs.runHead = 0;
            resetCursor();
            if (copied > 0) {
                addRun(copied, null, 0);
            }
        }
        int nodes = p.chainLength();
        addRun(n, p, nodes);
        runs.refRuns++;
        runs.refNodes += nodes;
        length += n;
    }

    /**
     * Appends {@code data[off, off+n)} without copying (a view of the array, which the caller
     * does not change until acknowledged); the caller checked {@link #space()} and
     * {@link #refFits}(1), and {@code n > 0}.
     */
    void writeRef(byte[] data, int off, int n, PbufPool pool) {
        if (runs == null) {
            runs = new Runs();
        }
        if (runs.wrapped == null || runs.wrapped.array() != data) {
            releaseWrapped();
            runs.wrapped = pool.wrap(data, 0, data.length);
        }
        writeRef(pool.view(runs.wrapped, off, n));
    }

    private int reserve(int n) {
        ensure(copied + n);
        return (head + copied) % Math.max(1, ring.length);
    }

    private void appended(int n) {
        copied += n;
        length += n;
        if (n > 0 && hasRefs()) {
            int last = (runs.runHead + runs.runCount - 1) % runs.runLen.length;
            if (runs.runRef[last] == null) {
                runs.runLen[last] += n;
            } else {
                addRun(n, null, 0);
            }
        }
    }

    private void addRun(int n, Pbuf ref, int nodes) {
        if (runs.runCount == runs.runLen.length) {
            int old = runs.runLen.length;
            int size = Math.max(INITIAL_RUNS, old * 2);
            runs.runLen = unwrapped(runs.runLen, new int[size], old);
            runs.runOff = unwrapped(runs.runOff, new int[size], old);
            runs.runRef = unwrapped(runs.runRef, new Pbuf[size], old);
            runs.runNodes = unwrapped(runs.runNodes, new int[size], old);
            runs.runHead = 0;
        }
        int k = (runs.runHead + runs.runCount) % runs.runLen.length;
        runs.runLen[k] = n;
        runs.runOff[k] = 0;
        runs.runRef[k] = ref;
        runs.runNodes[k] = nodes;
        runs.runCount++;
    }

    /** {@code to} holding the runs of the circular array {@code from} (of {@code length}) in order from index 0. */
    private <A> A unwrapped(A from, A to, int length) {
        int first = Math.min(runs.runCount, length - runs.runHead);
        System.arraycopy(from, runs.runHead, to, 0, first);
        System.arraycopy(from, 0, to, first, runs.runCount - first);
        return to;
    }

    /** Drops the first {@code n} bytes (acknowledged); a referenced pbuf whose last byte goes is freed. */
    void consume(int n) {
        if (n < 0 || n > length) {
            throw new IllegalArgumentException("consume " + n + " of " + length);
        }
        if (!hasRefs()) {
            consumeRing(n);
            length -= n;
            return;
        }
        int left = n;
        while (left > 0) {
            int k = runs.runHead;
            int take = Math.min(left, runs.runLen[k]);
            if (runs.runRef[k] == null) {
                consumeRing(take);
            } else {
                runs.runOff[k] += take;
            }
            runs.runLen[k] -= take;
            left -= take;
            if (runs.runLen[k] == 0) {
                dropFirstRun();
            }
        }
        length -= n;
        if (runs.refRuns == 0) {
            runs.runCount = 0; // what is left is ring bytes alone
            runs.runHead = 0;
            releaseWrapped();
        }
        resetCursor();
    }

    private void dropFirstRun() {
        Pbuf ref = runs.runRef[runs.runHead];
        if (ref != null) {
            runs.runRef[runs.runHead] = null;
            runs.refRuns--;
            runs.refNodes -= runs.runNodes[runs.runHead];
            ref.free();
        }
        runs.runHead = (runs.runHead + 1) % runs.runLen.length;
        runs.runCount--;
    }

    private void consumeRing(int n) {
        copied -= n;
        head = copied == 0 ? 0 : (head + n) % ring.length;
    }

    /** Frees every referenced pbuf and forgets all bytes (the connection is gone). */
    void clear() {
        copied = 0;
        head = 0;
        length = 0;
        if (runs != null) {
            while (runs.runCount > 0) {
                dropFirstRun();
            }
            runs.runHead = 0;
            resetCursor();
            releaseWrapped();
        }
    }

    private void releaseWrapped() {
        if (runs != null && runs.wrapped != null) {
            runs.wrapped.free();
            runs.wrapped = null;
        }
    }

    /**
     * How many of the {@code n} bytes from {@code at} lie in the ring one after another from
     * {@code at}: all of them while nothing is referenced. What a segment can copy straight
     * behind its header before {@link #chainTo} adds the rest.
     */
    int copiedPrefix(int at, int n) {
        if (!hasRefs()) {
            return n;
        }
        locate(at);
        int k = (runs.runHead + runs.curRun) % runs.runLen.length;
        return runs.runRef[k] != null ? 0 : Math.min(n, runs.curStart + runs.runLen[k] - at);
    }

    /**
     * Copies {@code n} bytes starting {@code at} bytes into the queue to {@code dst} at chain
     * offset {@code dstOff}; they must be ring bytes ({@link #copiedPrefix}).
     */
    void copyTo(int at, Pbuf dst, int dstOff, int n) {
        int ringAt = at;
        if (hasRefs()) {
            locate(at);
            ringAt = runs.curRing + (at - runs.curStart);
        }
        copyRing(ringAt, dst, dstOff, n);
    }

    private void copyRing(int ringAt, Pbuf dst, int dstOff, int n) {
        if (n == 0) {
            return;
        }
        int from = (head + ringAt) % ring.length;
        int first = Math.min(n, ring.length - from);
        dst.copyFrom(dstOff, ring, from, first);
        if (n > first) {
            dst.copyFrom(dstOff + first, ring, 0, n - first);
        }
    }

    /**
     * Appends {@code n} bytes from {@code at} to the chain {@code seg}: ring bytes as a copy
     * in a pool pbuf, referenced bytes as views of the application's pbuf nodes (no copy).
     * Returns false when a pbuf could not be had; {@code seg} then holds part of them and the
     * caller frees it.
     */
    boolean chainTo(int at, int n, Pbuf seg, PbufPool pool) {
        while (n > 0) {
            locate(at);
            int k = (runs.runHead + runs.curRun) % runs.runLen.length;
            int inRun = at - runs.curStart;
            int take = Math.min(n, runs.runLen[k] - inRun);
            Pbuf ref = runs.runRef[k];
            if (ref == null) {
                Pbuf c = pool.allocPool(Layer.RAW, take);
                if (c == null) {
                    return false;
                }
                copyRing(runs.curRing + inRun, c, 0, take);
                seg.concat(c);
            } else if (!chainViews(ref, runs.runOff[k] + inRun, take, seg, pool)) {
                return false;
            }
            at += take;
            n -= take;
        }
        return true;
    }

    private static boolean chainViews(Pbuf p, int off, int n, Pbuf seg, PbufPool pool) {
        Pbuf q = p;
        while (off >= q.length()) {
            off -= q.length();
            q = q.next();
        }
        while (n > 0) {
            int take = Math.min(n, q.length() - off);
            if (take > 0) {
                seg.concat(pool.view(q, off, take));
                n -= take;
            }
            off = 0;
            q = q.next();
        }
        return true;
    }

    /** Moves the cursor to the run holding stream offset {@code at} (from the front); runs are kept. */
    private void locate(int at) {
        if (at < runs.curStart) {
            resetCursor();
        }
        while (true) {
            int k = (runs.runHead + runs.curRun) % runs.runLen.length;
            if (at < runs.curStart + runs.runLen[k] || runs.curRun == runs.runCount - 1) {
                return;
            }
            runs.curStart += runs.runLen[k];
            if (runs.runRef[k] == null) {
                runs.curRing += runs.runLen[k];
            }
            runs.curRun++;
        }
    }

    private void resetCursor() {
        runs.curRun = 0;
        runs.curStart = 0;
        runs.curRing = 0;
    }

    private void ensure(int need) {
        if (need <= ring.length) {
            return;
        }
        int size = Math.max(ring.length, INITIAL);
        while (size < need) {
            size *= 2;
        }
        size = Math.min(size, Math.max(capacity, need));
        byte[] grown = new byte[size];
        if (copied > 0) {
            int first = Math.min(copied, ring.length - head);
            System.arraycopy(ring, head, grown, 0, first);
            System.arraycopy(ring, 0, grown, first, copied - first);
        }
        ring = grown;
        head = 0;
    }

    /**
     * The runs, in stream order, while a referenced run is queued (refRuns &gt; 0): a circular
     * list; a run with a null ref is ring bytes, else runOff is where in ref its bytes begin.
     * Plus the lookup cursor and the wrap of the last zero-copy array.
     */
    private static final class Runs {
        private static final int[] NO_INTS = new int[0];
        private static final Pbuf[] NO_PBUFS = new Pbuf[0];

        int[] runLen = NO_INTS;
        int[] runOff = NO_INTS;
        Pbuf[] runRef = NO_PBUFS;
        int[] runNodes = NO_INTS;
        int runHead;
        int runCount;
        int refRuns;
        /** Pbuf nodes the referenced runs hold ({@code pbuf_clen} of each), bounded by {@link SendQueue#maxRefNodes}. */
        int refNodes;
        /**
         * The array of the last zero-copy {@code byte[]} write, wrapped whole once: each write
         * of it is a view of this wrap, so writing slices of one array allocates nothing. Held
         * until another array is written or nothing referenced is left queued.
         */
        Pbuf wrapped;
        // Where the last lookup ended: run index (from runHead), the stream and ring offsets of its start.
        int curRun;
        int curStart;
        int curRing;
    }
}
