package org.lwip4j.tcp;

import org.lwip4j.wire.TcpOptions;

/**
 * What the peer's SACK blocks said (RFC 2018 §4, RFC 6675 §3's scoreboard): the ranges of
 * {@code (SND.UNA, SND.MAX]} the receiver holds, sorted, merged, at most {@link #CAPACITY}
 * of them (a full board forgets its highest range: forgetting only costs a needless
 * retransmission, and SACK is advisory, so data leaves the send queue only when
 * cumulatively acknowledged). A first block below the cumulative ACK or inside the second
 * is a D-SACK (RFC 2883 §4) and is counted, not kept. Answers RFC 6675's questions:
 * {@link #lostEdge} (IsLost), {@link #unsacked} (for pipe), {@link #firstUnsacked} and
 * {@link #nextSacked} (for NextSeg). Two int arrays; nothing allocated per ACK.
 */
final class SackScoreboard {
    /** Ranges kept at most. */
    static final int CAPACITY = 16;
    /** RFC 6675 §2 DupThresh. */
    static final int DUP_THRESH = 3;

    private final int[] left = new int[CAPACITY];
    private final int[] right = new int[CAPACITY];
    private int count;
    private int sackedBytes;
    /** D-SACK blocks received (RFC 2883), counted for TCP_INFO. */
    int dsacks;

    /** Ranges held. */
    int count() {
        return count;
    }

    /** Bytes SACKed above SND.UNA. */
    int sackedBytes() {
        return sackedBytes;
    }

    /** Range {@code i}, lowest first (tests). */
    int left(int i) {
        return left[i];
    }

    int right(int i) {
        return right[i];
    }

    /** Highest SACKed sequence number plus one, or {@code una} when nothing is SACKed. */
    int highestSacked(int una) {
        return count == 0 ? una : right[count - 1];
    }

    /** One past the highest unSACKed sequence number below {@code sndMax}; {@code una} when all is SACKed. */
    int highestUnsacked(int una, int sndMax) {
        int top = sndMax;
        for (int i = count - 1; i >= 0 && Seq.ge(right[i], top); i--) {
            top = Seq.min(top, left[i]);
        }
        return Seq.max(top, una);
    }

    /** Forgets everything (RFC 2018 §8: after a retransmission timeout). */
    void clear() {
        count = 0;
        sackedBytes = 0;
    }

    /**
     * Takes the cumulative ACK {@code una} (ranges below it go) and the SACK blocks of
     * {@code o}, each clipped to {@code (una, sndMax]}. Returns the bytes newly SACKed.
     */
    int update(int una, int sndMax, TcpOptions o) {
        trim(una);
        int before = sackedBytes;
        int n = o.sackCount();
        for (int i = 0; i < n; i++) {
            int l = o.sackLeft(i);
            int r = o.sackRight(i);
            if (i == 0 && (Seq.le(r, una) || n > 1 && Seq.ge(l, o.sackLeft(1)) && Seq.le(r, o.sackRight(1)))) {
                dsacks++; // RFC 2883 §4: a duplicate reported, not data held
                continue;
            }
            if (Seq.lt(l, una)) {
                l = una;
            }
            if (Seq.gt(r, sndMax)) {
                r = sndMax;
            }
            if (Seq.lt(l, r)) {
                add(l, r);
            }
        }
        return sackedBytes - before;
    }

    /** Drops what lies below the cumulative ACK {@code una}. */
    void trim(int una) {
        int drop = 0;
        while (drop < count && Seq.le(right[drop], una)) {
            sackedBytes -= right[drop] - left[drop];
            drop++;
        }
        if (drop > 0) {
            System.arraycopy(left, drop, left, 0, count - drop);
            System.arraycopy(right, drop, right, 0, count - drop);
            count -= drop;
        }
        if (count > 0 && Seq.lt(left[0], una)) {
            sackedBytes -= una - left[0];
            left[0] = una;
        }
    }

    private void add(int l, int r) {
        // The first range that ends at or after l (it may touch or overlap).
        int i = 0;
        while (i < count && Seq.lt(right[i], l)) {
            i++;
        }
        // Merge every range that touches [l, r).
        int j = i;
        while (j < count && Seq.le(left[j], r)) {
            if (Seq.lt(left[j], l)) {
                l = left[j];
            }
            if (Seq.gt(right[j], r)) {
                r = right[j];
            }
            sackedBytes -= right[j] - left[j];
            j++;
        }
        int removed = j - i;
        if (removed == 0 && count == CAPACITY) {
            if (i == CAPACITY) {
                return; // above everything on a full board: forgotten
            }
            sackedBytes -= right[count - 1] - left[count - 1];
            count--; // the highest range gives way
        }
        if (removed != 1) {
            System.arraycopy(left, j, left, i + 1, count - j);
            System.arraycopy(right, j, right, i + 1, count - j);
            count += 1 - removed;
        }
        left[i] = l;
        right[i] = r;
        sackedBytes += r - l;
    }

    /** True when {@code seq} lies in a SACKed range. */
    boolean isSacked(int seq) {
        for (int i = 0; i < count; i++) {
            if (Seq.lt(seq, left[i])) {
                return false;
            }
            if (Seq.lt(seq, right[i])) {
                return true;
            }
        }
        return false;
    }

    /**
     * RFC 6675 §4 IsLost as an edge: an unSACKed sequence number below the returned one is
     * lost (DupThresh discontiguous ranges or more than (DupThresh - 1) SMSS SACKed above
     * it); {@code una} when none is.
     */
    int lostEdge(int una, int mss) {
        int bytes = 0;
        for (int i = count - 1, n = 1; i >= 0; i--, n++) {
            bytes += right[i] - left[i];
            if (n >= DUP_THRESH || bytes > (DUP_THRESH - 1) * mss) {
                return left[i];
            }
        }
        return una;
    }

    /** UnSACKed bytes in {@code [from, to)}. */
    int unsacked(int from, int to) {
        if (!Seq.lt(from, to)) {
            return 0;
        }
        int n = to - from;
        for (int i = 0; i < count; i++) {
            int l = Seq.max(left[i], from);
            int r = Seq.lt(right[i], to) ? right[i] : to;
            if (Seq.lt(l, r)) {
                n -= r - l;
            }
        }
        return n;
    }

    /** The first unSACKed sequence number at or after {@code from}. */
    int firstUnsacked(int from) {
        for (int i = 0; i < count; i++) {
            if (Seq.lt(from, left[i])) {
                return from;
            }
            if (Seq.lt(from, right[i])) {
                from = right[i];
            }
        }
        return from;
    }

    /** The left edge of the first SACKed range above {@code seq}, or {@code limit} when none is below it. */
    int nextSacked(int seq, int limit) {
        for (int i = 0; i < count; i++) {
            if (Seq.gt(left[i], seq)) {
                return Seq.lt(left[i], limit) ? left[i] : limit;
            }
        }
        return limit;
    }
}
