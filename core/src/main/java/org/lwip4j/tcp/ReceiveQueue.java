package org.lwip4j.tcp;

import java.util.ArrayList;
import org.lwip4j.buffer.Pbuf;

/**
 * Segments received out of order, kept until the hole before them fills (RFC 9293 §3.10.7.4
 * "seventh, process the segment text"; lwIP's {@code ooseq}): sorted by sequence number,
 * trimmed against each other so no byte is held twice, segments contained in others
 * dropped, bounded in bytes and in pbufs (lwIP's {@code TCP_OOSEQ_MAX_BYTES} and
 * {@code TCP_OOSEQ_MAX_PBUFS}: the highest segments give way first) and by a {@link Budget}
 * of bytes all connections share, so many connections cannot hold the pool hostage with
 * holes together. A FIN that arrives out of order is remembered with the segment that
 * carries it.
 */
final class ReceiveQueue {
    /** One queued segment: data {@code [seq, seq + len)}, then a FIN when {@code fin}. */
    static final class Segment {
        int seq;
        Pbuf p;
        int len;
        boolean fin;

        int end() {
            return seq + len;
        }
    }

    /** Out-of-order bytes of every queue of a stack together, bounded. */
    static final class Budget {
        final long max;
        long used;
        /** Segments refused because the budget was spent. */
        long refused;

        Budget(long max) {
            this.max = max;
        }
    }

    private final ArrayList<Segment> segments = new ArrayList<>();
    private final Budget budget;
    private final int maxBytes;
    private final int maxPbufs;
    private int bytes;
    private int pbufs;
    /** Set by {@link #takeContiguous}: the segments taken ended with a FIN. */
    private boolean tookFin;

    ReceiveQueue(int maxBytes, int maxPbufs) {
        this(maxBytes, maxPbufs, new Budget(Long.MAX_VALUE));
    }

    ReceiveQueue(int maxBytes, int maxPbufs, Budget budget) {
        this.maxBytes = maxBytes;
        this.maxPbufs = maxPbufs;
        this.budget = budget;
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    int bytes() {
        return bytes;
    }

    int pbufs() {
        return pbufs;
    }

    int size() {
        return segments.size();
    }

    /** The queued ranges, lowest first, as {start, end, fin} (tests). */
    int[][] ranges() {
        int[][] r = new int[segments.size()][];
        for (int i = 0; i < r.length; i++) {
            Segment s = segments.get(i);
            r[i] = new int[] {s.seq, s.end(), s.fin ? 1 : 0};
        }
        return r;
    }

    /** The index of the queued segment holding {@code seq}, or -1. */
    private int holding(int seq) {
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (Seq.lt(seq, s.seq)) {
                return -1;
            }
            if (Seq.lt(seq, s.end())) {
                return i;
            }
        }
        return -1;
    }

    /** The start of the contiguous queued data holding {@code seq} (SACK blocks, RFC 2018), or {@code seq} when none holds it. */
    int rangeStart(int seq) {
        int i = holding(seq);
        if (i < 0) {
            return seq;
        }
        while (i > 0 && segments.get(i - 1).end() == segments.get(i).seq) {
            i--;
        }
        return segments.get(i).seq;
    }

    /** The end of the contiguous queued data holding {@code seq}, or {@code seq} when none holds it. */
    int rangeEnd(int seq) {
        int i = holding(seq);
        if (i < 0) {
            return seq;
        }
        while (i + 1 < segments.size() && segments.get(i).end() == segments.get(i + 1).seq) {
            i++;
        }
        return segments.get(i).end();
    }

    /** True when every byte of {@code [seq, end)} is queued already (a duplicate, RFC 2883). */
    boolean covers(int seq, int end) {
        return Seq.lt(seq, end) && holding(seq) >= 0 && Seq.ge(rangeEnd(seq), end);
    }

    /**
     * Queues data {@code [seq, seq + p.totalLength())} (and a FIN after it when {@code fin}),
     * all of which lies after {@code rcvNxt} and inside the window; takes {@code p} (frees
     * it when nothing new remains). Returns false when the segment was dropped whole.
     */
    boolean insert(int seq, Pbuf p, boolean fin) {
        int len = p == null ? 0 : p.totalLength();
        int end = seq + len;
        int i = 0;
        // The first queued segment that ends after our start.
        while (i < segments.size() && Seq.le(segments.get(i).end(), seq)) {
            i++;
        }
        if (i > 0) {
            Segment prev = segments.get(i - 1);
            if (prev.fin && Seq.le(prev.end(), seq)) {
                free(p);
                return false; // nothing after a FIN is data
            }
        }
        // Drop queued segments our segment covers whole.
        while (i < segments.size()) {
            Segment s = segments.get(i);
            if (Seq.ge(s.seq, seq) && Seq.le(s.end(), end) && (fin || !s.fin)) {
                remove(i);
            } else {
                break;
            }
        }
        if (i < segments.size()) {
            Segment next = segments.get(i);
            if (Seq.le(next.seq, seq) && Seq.ge(next.end(), end)) {
                free(p);
                return false; // contained in what we have
            }
            if (Seq.lt(next.seq, seq)) {
                // Overlaps our front: trim ours.
                int cut = next.end() - seq;
                p = p.dropHeader(cut);
                seq += cut;
                len -= cut;
                i++;
            }
        }
        if (i < segments.size()) {
            Segment next = segments.get(i);
            if (Seq.lt(next.seq, end)) {
                len = next.seq - seq;
                fin = false;
                if (len == 0) {
                    free(p);
                    return false;
                }
                p.truncate(len);
            }
        }
        if (len == 0 && !fin) {
            free(p);
            return false;
        }
        int chain = p == null ? 0 : p.chainLength();
        // Make room by dropping the highest segments, never lower ones for higher data.
        while ((bytes + len > maxBytes || pbufs + chain > maxPbufs || budget.used + len > budget.max)
                && !segments.isEmpty() && Seq.gt(segments.get(segments.size() - 1).seq, seq)) {
            remove(segments.size() - 1);
        }
        if (bytes + len > maxBytes || pbufs + chain > maxPbufs) {
            free(p);
            return false;
        }
        if (budget.used + len > budget.max) {
            budget.refused++;
            free(p);
            return false;
        }
        Segment s = new Segment();
        s.seq = seq;
        s.p = p;
        s.len = len;
        s.fin = fin;
        segments.add(Math.min(i, segments.size()), s);
        bytes += len;
        budget.used += len;
        pbufs += chain;
        return true;
    }

    /**
     * Takes every queued segment that now continues the stream at {@code rcvNxt}, trimmed,
     * as one chain (or {@code null} when none or no data); {@link #tookFin()} tells whether
     * the last carried a FIN.
     */
    Pbuf takeContiguous(int rcvNxt) {
        tookFin = false;
        Pbuf out = null;
        while (!segments.isEmpty()) {
            Segment s = segments.get(0);
            if (Seq.gt(s.seq, rcvNxt)) {
                break;
            }
            segments.remove(0);
            bytes -= s.len;
            budget.used -= s.len;
            pbufs -= s.p == null ? 0 : s.p.chainLength();
            Pbuf p = s.p;
            int cut = rcvNxt - s.seq;
            if (cut > 0) {
                if (cut >= s.len) {
                    free(p);
                    p = null;
                } else {
                    p = p.dropHeader(cut);
                }
            }
            if (p != null) {
                out = out == null ? p : concat(out, p);
                rcvNxt += p.totalLength();
            }
            if (s.fin && Seq.ge(rcvNxt, s.end())) {
                tookFin = true;
                free(drainAll());
                break;
            }
        }
        return out;
    }

    /** True when the last {@link #takeContiguous} ended at a FIN. */
    boolean tookFin() {
        return tookFin;
    }

    /** Frees every queued segment (memory pressure, or the connection ends). */
    void clear() {
        free(drainAll());
    }

    private Pbuf drainAll() {
        Pbuf all = null;
        for (Segment s : segments) {
            if (s.p != null) {
                all = all == null ? s.p : concat(all, s.p);
            }
        }
        segments.clear();
        budget.used -= bytes;
        bytes = 0;
        pbufs = 0;
        return all;
    }

    private void remove(int i) {
        Segment s = segments.remove(i);
        bytes -= s.len;
        budget.used -= s.len;
        pbufs -= s.p == null ? 0 : s.p.chainLength();
        free(s.p);
    }

    private static Pbuf concat(Pbuf a, Pbuf b) {
        a.concat(b);
        return a;
    }

    private static void free(Pbuf p) {
        if (p != null) {
            p.free();
        }
    }
}
