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

    private final int capacity;
    private final int maxRefNodes;
    private byte[] ring = new byte[0];
    private int head;
    /** Bytes in the ring (copied writes). */
    private int copied;
    /** Bytes held in all: copied plus referenced. */
    private int length;

    // Runs, in stream order, only while a referenced run is queued (refRuns > 0): a circular
    // list; a run with a null ref is ring bytes, else runOff is where in ref its bytes begin.
    private int[] runLen = new int[0];
    private int[] runOff = new int[0];
    private Pbuf[] runRef = new Pbuf[0];
    private int[] runNodes = new int[0];
    private int runHead;
    private int runCount;
    private int refRuns;
    /** Pbuf nodes the referenced runs hold ({@code pbuf_clen} of each), bounded by {@link #maxRefNodes}. */
    private int refNodes;

    /**
     * The array of the last zero-copy {@code byte[]} write, wrapped whole once: each write of
     * it is a view of this wrap, so writing slices of one array allocates nothing. Held until
     * another array is written or nothing referenced is left queued.
     */
    private Pbuf wrapped;

    // Where the last lookup ended: run index (from runHead), the stream and ring offsets of its start.
    private int curRun;
    private int curStart;
    private int curRing;

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
        return refNodes + nodes <= maxRefNodes;
    }

    /** Pbuf nodes the referenced runs hold now. */
    int refNodes() {
        return refNodes;
    }

    /** True while the wrap of a zero-copy {@code byte[]} write's array is held. */
    boolean holdsArrayWrap() {
        return wrapped != null;
    }

    /** True when some of the queued bytes are referenced, not copied. */
    boolean hasRefs() {
        return refRuns > 0;
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
        if (refRuns == 0) {
            runCount = 0;
            runHead = 0;
            resetCursor();
            if (copied > 0) {
                addRun(copied, null, 0);
            }
        }
        int nodes = p.chainLength();
        addRun(n, p, nodes);
        refRuns++;
        refNodes += nodes;
        length += n;
    }

    /**
     * Appends {@code data[off, off+n)} without copying (a view of the array, which the caller
     * does not change until acknowledged); the caller checked {@link #space()} and
     * {@link #refFits}(1), and {@code n > 0}.
     */
    void writeRef(byte[] data, int off, int n, PbufPool pool) {
        if (wrapped == null || wrapped.array() != data) {
            releaseWrapped();
            wrapped = pool.wrap(data, 0, data.length);
        }
        writeRef(pool.view(wrapped, off, n));
    }

    private int reserve(int n) {
        ensure(copied + n);
        return (head + copied) % Math.max(1, ring.length);
    }

    private void appended(int n) {
        copied += n;
        length += n;
        if (refRuns > 0 && n > 0) {
            int last = (runHead + runCount - 1) % runLen.length;
            if (runRef[last] == null) {
                runLen[last] += n;
            } else {
                addRun(n, null, 0);
            }
        }
    }

    private void addRun(int n, Pbuf ref, int nodes) {
        if (runCount == runLen.length) {
            int old = runLen.length;
            int size = Math.max(INITIAL_RUNS, old * 2);
            runLen = unwrapped(runLen, new int[size], old);
            runOff = unwrapped(runOff, new int[size], old);
            runRef = unwrapped(runRef, new Pbuf[size], old);
            runNodes = unwrapped(runNodes, new int[size], old);
            runHead = 0;
        }
        int k = (runHead + runCount) % runLen.length;
        runLen[k] = n;
        runOff[k] = 0;
        runRef[k] = ref;
        runNodes[k] = nodes;
        runCount++;
    }

    /** {@code to} holding the runs of the circular array {@code from} (of {@code length}) in order from index 0. */
    private <A> A unwrapped(A from, A to, int length) {
        int first = Math.min(runCount, length - runHead);
        System.arraycopy(from, runHead, to, 0, first);
        System.arraycopy(from, 0, to, first, runCount - first);
        return to;
    }

    /** Drops the first {@code n} bytes (acknowledged); a referenced pbuf whose last byte goes is freed. */
    void consume(int n) {
        if (n < 0 || n > length) {
            throw new IllegalArgumentException("consume " + n + " of " + length);
        }
        if (refRuns == 0) {
            consumeRing(n);
            length -= n;
            return;
        }
        int left = n;
        while (left > 0) {
            int k = runHead;
            int take = Math.min(left, runLen[k]);
            if (runRef[k] == null) {
                consumeRing(take);
            } else {
                runOff[k] += take;
            }
            runLen[k] -= take;
            left -= take;
            if (runLen[k] == 0) {
                dropFirstRun();
            }
        }
        length -= n;
        if (refRuns == 0) {
            runCount = 0; // what is left is ring bytes alone
            runHead = 0;
            releaseWrapped();
        }
        resetCursor();
    }

    private void dropFirstRun() {
        Pbuf ref = runRef[runHead];
        if (ref != null) {
            runRef[runHead] = null;
            refRuns--;
            refNodes -= runNodes[runHead];
            ref.free();
        }
        runHead = (runHead + 1) % runLen.length;
        runCount--;
    }

    private void consumeRing(int n) {
        copied -= n;
        head = copied == 0 ? 0 : (head + n) % ring.length;
    }

    /** Frees every referenced pbuf and forgets all bytes (the connection is gone). */
    void clear() {
        while (runCount > 0) {
            dropFirstRun();
        }
        runHead = 0;
        copied = 0;
        head = 0;
        length = 0;
        resetCursor();
        releaseWrapped();
    }

    private void releaseWrapped() {
        if (wrapped != null) {
            wrapped.free();
            wrapped = null;
        }
    }

    /**
     * How many of the {@code n} bytes from {@code at} lie in the ring one after another from
     * {@code at}: all of them while nothing is referenced. What a segment can copy straight
     * behind its header before {@link #chainTo} adds the rest.
     */
    int copiedPrefix(int at, int n) {
        if (refRuns == 0) {
            return n;
        }
        locate(at);
        int k = (runHead + curRun) % runLen.length;
        return runRef[k] != null ? 0 : Math.min(n, curStart + runLen[k] - at);
    }

    /**
     * Copies {@code n} bytes starting {@code at} bytes into the queue to {@code dst} at chain
     * offset {@code dstOff}; they must be ring bytes ({@link #copiedPrefix}).
     */
    void copyTo(int at, Pbuf dst, int dstOff, int n) {
        int ringAt = at;
        if (refRuns > 0) {
            locate(at);
            ringAt = curRing + (at - curStart);
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
            int k = (runHead + curRun) % runLen.length;
            int inRun = at - curStart;
            int take = Math.min(n, runLen[k] - inRun);
            Pbuf ref = runRef[k];
            if (ref == null) {
                Pbuf c = pool.allocPool(Layer.RAW, take);
                if (c == null) {
                    return false;
                }
                copyRing(curRing + inRun, c, 0, take);
                seg.concat(c);
            } else if (!chainViews(ref, runOff[k] + inRun, take, seg, pool)) {
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
        if (at < curStart) {
            resetCursor();
        }
        while (true) {
            int k = (runHead + curRun) % runLen.length;
            if (at < curStart + runLen[k] || curRun == runCount - 1) {
                return;
            }
            curStart += runLen[k];
            if (runRef[k] == null) {
                curRing += runLen[k];
            }
            curRun++;
        }
    }

    private void resetCursor() {
        curRun = 0;
        curStart = 0;
        curRing = 0;
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
}
