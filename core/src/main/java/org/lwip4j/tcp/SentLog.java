package org.lwip4j.tcp;

/**
 * The segments of one connection in flight, in sequence order, with when each was last
 * sent (RFC 8985 §6.1's per-segment {@code xmit_ts}, {@code retransmitted} and SACKed
 * state, and whether a retransmission was found lost again): what RACK needs to find the most recently sent segment delivered and the ones
 * sent long enough before it to be lost. A ring of parallel primitive arrays that grows by
 * doubling up to a bound; a full log stops recording ({@link #complete()} turns false until
 * it drains) and RACK then leaves the window to RFC 6675's rule. Nothing allocated per segment.
 */
final class SentLog {
    static final byte SACKED = 1;
    static final byte RETRANSMITTED = 2;
    /** A retransmission RACK found lost again (RFC 8985 §6.2 step 5), not yet sent once more. */
    static final byte LOST = 4;

    private final int max;
    private int[] start = new int[16];
    private int[] end = new int[16];
    private long[] ts = new long[16];
    private byte[] flags = new byte[16];
    private int head;
    private int count;
    private boolean overflow;
    /** Segments flagged {@link #LOST}. */
    private int lost;

    SentLog(int max) {
        this.max = Math.max(max, 16);
    }

    int count() {
        return count;
    }

    /** False when segments in flight were not recorded (the log was full). */
    boolean complete() {
        return !overflow;
    }

    private int at(int i) {
        return (head + i) & (start.length - 1);
    }

    int start(int i) {
        return start[at(i)];
    }

    int end(int i) {
        return end[at(i)];
    }

    long ts(int i) {
        return ts[at(i)];
    }

    boolean has(int i, byte flag) {
        return (flags[at(i)] & flag) != 0;
    }

    /** Marks segment {@code i} SACKed (a lost one is lost no more: it arrived). */
    void markSacked(int i) {
        int k = at(i);
        if ((flags[k] & LOST) != 0) {
            lost--;
        }
        flags[k] = (byte) ((flags[k] | SACKED) & ~LOST);
    }

    /** Marks segment {@code i}, a retransmission, lost again: it waits to be sent once more. */
    void markLost(int i) {
        int k = at(i);
        if ((flags[k] & LOST) == 0) {
            flags[k] |= LOST;
            lost++;
        }
    }

    /** Segments marked lost and not sent again since. */
    int lost() {
        return lost;
    }

    /** The index of the first segment marked lost, -1 when none is. */
    int firstLost() {
        for (int i = 0; lost > 0 && i < count; i++) {
            if ((flags[at(i)] & LOST) != 0) {
                return i;
            }
        }
        return -1;
    }

    /** Forgets every lost mark (a retransmission timeout resends from SND.UNA anyway). */
    void clearLost() {
        for (int i = 0; lost > 0 && i < count; i++) {
            int k = at(i);
            if ((flags[k] & LOST) != 0) {
                flags[k] &= ~LOST;
                lost--;
            }
        }
    }

    /** A new segment {@code [s, e)} was sent at {@code now}. */
    void sent(int s, int e, long now) {
        if (count == start.length && !grow()) {
            overflow = true;
            return;
        }
        int k = at(count);
        start[k] = s;
        end[k] = e;
        ts[k] = now;
        flags[k] = 0;
        count++;
    }

    /** {@code [s, e)} was sent again at {@code now}: every segment it overlaps is retransmitted then. */
    void resent(int s, int e, long now) {
        for (int i = 0; i < count; i++) {
            int k = at(i);
            if (Seq.ge(start[k], e)) {
                break;
            }
            if (Seq.gt(end[k], s)) {
                ts[k] = now;
                if ((flags[k] & LOST) != 0) {
                    lost--;
                }
                flags[k] = (byte) ((flags[k] | RETRANSMITTED) & ~LOST);
            }
        }
    }

    /** Segments wholly below {@code una} were acknowledged: they leave; the first one, returned, may need a look. */
    void removeBelow(int una) {
        while (count > 0 && Seq.le(end[head], una)) {
            if ((flags[head] & LOST) != 0) {
                lost--;
            }
            head = (head + 1) & (start.length - 1);
            count--;
        }
        if (count == 0) {
            overflow = false;
            head = 0;
            lost = 0;
        }
    }

    /** Forgets everything (the send queue was reset, or the stack gave up on the log). */
    void clear() {
        head = 0;
        count = 0;
        overflow = false;
        lost = 0;
    }

    private boolean grow() {
        if (start.length >= max) {
            return false;
        }
        int n = start.length * 2;
        int[] s2 = new int[n];
        int[] e2 = new int[n];
        long[] t2 = new long[n];
        byte[] f2 = new byte[n];
        for (int i = 0; i < count; i++) {
            int k = at(i);
            s2[i] = start[k];
            e2[i] = end[k];
            t2[i] = ts[k];
            f2[i] = flags[k];
        }
        start = s2;
        end = e2;
        ts = t2;
        flags = f2;
        head = 0;
        return true;
    }
}
