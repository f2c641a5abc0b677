package org.lwip4j.tcp;

import org.lwip4j.wire.TcpOptions;

/**
 * The SACK blocks a connection sends (RFC 2018 §4): the out-of-order ranges it holds, the
 * one holding the most recently received segment first, then the others most recent first;
 * and a D-SACK block (RFC 2883 §4) first, once, for a duplicate segment received (below
 * RCV.NXT, or already queued). Blocks are checked against the out-of-order queue when sent,
 * so data the queue gave up is never reported. Fixed arrays; nothing allocated per ACK.
 */
final class SackReceiver {
    /** Blocks remembered: as many as an option can carry. */
    static final int MAX = TcpOptions.MAX_SACK_BLOCKS;

    private final int[] left = new int[MAX];
    private final int[] right = new int[MAX];
    private int count;
    private boolean dsack;
    private int dsackLeft;
    private int dsackRight;
    /** D-SACK blocks sent (TCP_INFO). */
    int dsacksSent;

    /** A segment {@code [seq, end)} went into (or was already in) the out-of-order queue {@code q}. */
    void outOfOrder(int seq, int end, ReceiveQueue q) {
        int l = q.rangeStart(seq);
        int r = q.rangeEnd(seq);
        if (!Seq.lt(l, r)) {
            return; // the queue did not keep it
        }
        // Drop remembered blocks the new range covers or touches, then put it first.
        int k = 0;
        for (int i = 0; i < count; i++) {
            if (Seq.gt(left[i], r) || Seq.lt(right[i], l)) {
                left[k] = left[i];
                right[k] = right[i];
                k++;
            }
        }
        count = Math.min(k, MAX - 1);
        System.arraycopy(left, 0, left, 1, count);
        System.arraycopy(right, 0, right, 1, count);
        left[0] = l;
        right[0] = r;
        count++;
    }

    /** A duplicate {@code [seq, end)} arrived: the next ACK reports it first (RFC 2883 §4 (1)). */
    void duplicate(int seq, int end) {
        if (Seq.lt(seq, end)) {
            dsack = true;
            dsackLeft = seq;
            dsackRight = end;
        }
    }

    /** True when a D-SACK waits to be sent. */
    boolean dsackPending() {
        return dsack;
    }

    /**
     * Adds at most {@code max} blocks to {@code o}: the D-SACK first (then forgotten), then
     * the remembered ranges still held above {@code rcvNxt}, refreshed from {@code q}.
     */
    void fill(TcpOptions o, int rcvNxt, ReceiveQueue q, int max) {
        if (max <= 0) {
            return;
        }
        int n = 0;
        if (dsack) {
            o.addSackBlock(dsackLeft, dsackRight);
            dsack = false;
            dsacksSent++;
            n++;
        }
        int k = 0;
        for (int i = 0; i < count; i++) {
            int l = left[i];
            if (!Seq.gt(l, rcvNxt) || q.isEmpty()) {
                continue; // delivered, or given up
            }
            l = q.rangeStart(l);
            int r = q.rangeEnd(l);
            if (!Seq.lt(l, r) || !Seq.gt(l, rcvNxt)) {
                continue;
            }
            left[k] = l;
            right[k] = r;
            k++;
        }
        count = k;
        for (int i = 0; i < count && n < max; i++, n++) {
            o.addSackBlock(left[i], right[i]);
        }
    }

    /** Blocks remembered (tests). */
    int count() {
        return count;
    }
}
