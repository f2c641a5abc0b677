package org.lwip4j.tcp;

import org.lwip4j.buffer.Pbuf;

/**
 * The bytes a connection has accepted from the application and the peer has not yet
 * acknowledged (lwIP's {@code unsent} and {@code unacked} queues as one byte ring, its
 * {@code TCP_SND_BUF}): segments are cut from it when sent and cut again when resent, so
 * resegmentation after a window change or a loss costs nothing. The first byte is the one at
 * {@code SND.UNA} (after the SYN); bytes leave from the front when acknowledged. The ring
 * grows by doubling up to its capacity, so an idle connection holds little memory.
 */
final class SendQueue {
    /** Smallest ring: a connection that writes a request of 1 KiB holds 1 KiB, not more. */
    private static final int INITIAL = 1024;

    private final int capacity;
    private byte[] ring = new byte[0];
    private int head;
    private int length;

    SendQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Bytes held (sent and unacknowledged, plus unsent). */
    int length() {
        return length;
    }

    /** Bytes the ring holds now (grows on demand up to the capacity). */
    int ringCapacity() {
        return ring.length;
    }

    /** Room left for the application ({@code tcp_sndbuf}). */
    int space() {
        return capacity - length;
    }

    /** Appends {@code n} bytes of {@code src}; the caller checked {@link #space()}. */
    void write(byte[] src, int off, int n) {
        ensure(length + n);
        int tail = (head + length) % ring.length;
        int first = Math.min(n, ring.length - tail);
        System.arraycopy(src, off, ring, tail, first);
        System.arraycopy(src, off + first, ring, 0, n - first);
        length += n;
    }

    /** Appends {@code n} bytes of {@code p} from chain offset {@code off}; the caller checked {@link #space()}. */
    void write(Pbuf p, int off, int n) {
        ensure(length + n);
        int tail = (head + length) % ring.length;
        int first = Math.min(n, ring.length - tail);
        p.copyTo(off, ring, tail, first);
        p.copyTo(off + first, ring, 0, n - first);
        length += n;
    }

    /** Drops the first {@code n} bytes (acknowledged). */
    void consume(int n) {
        if (n < 0 || n > length) {
            throw new IllegalArgumentException("consume " + n + " of " + length);
        }
        length -= n;
        head = length == 0 ? 0 : (head + n) % ring.length;
    }

    /** Copies {@code n} bytes starting {@code at} bytes into the queue to {@code dst} at chain offset {@code dstOff}. */
    void copyTo(int at, Pbuf dst, int dstOff, int n) {
        int from = (head + at) % ring.length;
        int first = Math.min(n, ring.length - from);
        dst.copyFrom(dstOff, ring, from, first);
        if (n > first) {
            dst.copyFrom(dstOff + first, ring, 0, n - first);
        }
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
        int first = Math.min(length, ring.length - head);
        if (length > 0) {
            System.arraycopy(ring, head, grown, 0, first);
            System.arraycopy(ring, 0, grown, first, length - first);
        }
        ring = grown;
        head = 0;
    }
}
