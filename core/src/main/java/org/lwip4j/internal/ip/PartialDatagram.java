package org.lwip4j.internal.ip;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PoolStats;

/**
 * One datagram under reassembly: its identity, deadline, and the fragments held, sorted by
 * offset and never overlapping. The gaps between consecutive fragments, and the space
 * before the end the last fragment set, are RFC 815's holes; since nothing overlaps, there
 * is no hole left exactly when the end is known and the data held equals it.
 *
 * <p>Records are recycled by the {@link Reassembler} (at most {@code MEMP_NUM_REASSDATA}
 * exist), so a datagram allocates nothing once the pool has warmed up; the arrays grow
 * only for a datagram of more fragments than any before.
 */
final class PartialDatagram {
    final FragmentKey key = new FragmentKey();
    long deadline;
    PartialDatagram prev;
    PartialDatagram next;
    /** Discarded for an overlap or a contradiction (RFC 5722): holds nothing, drops whatever still comes. */
    boolean discarded;
    /** End of the data as set by the last fragment (more-fragments clear), or -1. */
    int lastEnd;
    /** Data bytes held. */
    int received;
    /** Pbuf nodes held. */
    int nodes;
    /** Header bytes in front of fragment 0's data, or -1 while fragment 0 is not held. */
    int firstHeaderLen;
    /** Fragment 0's {@link FragmentInfo#lengthOverhead}, or -1 while it is not held. */
    int firstOverhead;
    /** Fragments held. */
    int n;
    Pbuf[] frags = new Pbuf[8];
    int[] start = new int[8];
    int[] end = new int[8];

    void reset(FragmentKey k, long deadline) {
        key.copyFrom(k);
        this.deadline = deadline;
        discarded = false;
        lastEnd = -1;
        received = 0;
        nodes = 0;
        firstHeaderLen = -1;
        firstOverhead = -1;
        n = 0;
    }

    /** True when fragment 0 is held. */
    boolean hasFirst() {
        return n > 0 && start[0] == 0;
    }

    /** True when every byte up to the end set by the last fragment is held. */
    boolean complete() {
        return lastEnd >= 0 && received == lastEnd;
    }

    /** Index of the first fragment starting at or after {@code off}. */
    int insertionPoint(int off) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (start[mid] < off) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Inserts a fragment holding data {@code [s, e)} in {@code pbufs} nodes at index {@code at}. */
    void insert(int at, Pbuf p, int s, int e, int pbufs) {
        if (n == frags.length) {
            int cap = n * 2;
            frags = Arrays.copyOf(frags, cap);
            start = Arrays.copyOf(start, cap);
            end = Arrays.copyOf(end, cap);
        }
        System.arraycopy(frags, at, frags, at + 1, n - at);
        System.arraycopy(start, at, start, at + 1, n - at);
        System.arraycopy(end, at, end, at + 1, n - at);
        frags[at] = p;
        start[at] = s;
        end[at] = e;
        n++;
        nodes += pbufs;
        received += e - s;
    }

    /**
     * Joins the fragments into one chain, fragment 0's header first, and forgets them:
     * the caller owns the chain. Only for a complete datagram.
     */
    Pbuf join() {
        Pbuf tail = frags[n - 1];
        for (int i = n - 2; i >= 0; i--) {
            frags[i].concat(tail);
            tail = frags[i];
        }
        forget();
        return tail;
    }

    /**
     * Takes fragment 0 out of the record (the caller owns it) and gives its nodes back to
     * {@code pool}; the other fragments stay.
     */
    Pbuf takeFirst(PoolStats pool) {
        Pbuf first = frags[0];
        frags[0] = null;
        int c = first.chainLength();
        pool.give(c);
        nodes -= c;
        return first;
    }

    /** Frees every fragment still held and gives their nodes back to {@code pool}. */
    void freeFragments(PoolStats pool) {
        for (int i = 0; i < n; i++) {
            if (frags[i] != null) {
                frags[i].free();
            }
        }
        pool.give(nodes);
        forget();
    }

    /** Drops the references to fragments that now belong to someone else, or were freed. */
    private void forget() {
        Arrays.fill(frags, 0, n, null);
        n = 0;
        nodes = 0;
        received = 0;
        firstHeaderLen = -1;
        firstOverhead = -1;
    }

    /**
     * True when the fragment held at {@code at} carries exactly the {@code len} data bytes
     * {@code fragment} carries after its first {@code skip} bytes.
     */
    boolean sameData(int at, Pbuf fragment, int skip, int len) {
        int heldSkip = start[at] == 0 ? firstHeaderLen : 0;
        return sameBytes(frags[at], heldSkip, fragment, skip, len);
    }

    /** True when {@code n} bytes of {@code a} from {@code aOff} equal those of {@code b} from {@code bOff}. */
    private static boolean sameBytes(Pbuf a, int aOff, Pbuf b, int bOff, int n) {
        while (aOff >= a.length()) {
            aOff -= a.length();
            a = a.next();
        }
        while (bOff >= b.length()) {
            bOff -= b.length();
            b = b.next();
        }
        while (n > 0) {
            int c = Math.min(n, Math.min(a.length() - aOff, b.length() - bOff));
            long as = a.offset() + aOff;
            long bs = b.offset() + bOff;
            if (MemorySegment.mismatch(a.segment(), as, as + c, b.segment(), bs, bs + c) >= 0) {
                return false;
            }
            n -= c;
            aOff += c;
            bOff += c;
            if (n > 0 && aOff == a.length()) {
                a = a.next();
                aOff = 0;
            }
            if (n > 0 && bOff == b.length()) {
                b = b.next();
                bOff = 0;
            }
        }
        return true;
    }
}
