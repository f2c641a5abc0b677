package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Pbuf;

/**
 * The TCP options of one segment in a reusable mutable holder: {@link #parse} fills it from
 * the option area of a received header without allocating (the input path keeps one and
 * calls it per segment), {@link #emit} writes the options set on it. {@link TcpOptionsRepr}
 * is the same content as an immutable value.
 *
 * <p>Understood: End of Option List and No-Operation (RFC 9293 §3.2), Maximum Segment Size
 * (RFC 9293 §3.2, §3.7.1), Window Scale (RFC 7323 §2), SACK-Permitted and SACK (RFC 2018
 * §2, §3) and Timestamps (RFC 7323 §3). Other kinds are skipped by their length byte (RFC
 * 9293 §3.1: an implementation must be prepared to meet options it does not know).
 *
 * <p>Walk rules. The walk never reads past the option area. A length byte below 2, a missing
 * length byte, or a length that runs past the area makes the options malformed: the rest of
 * the area cannot be walked (RFC 9293 §3.2, MUST-7: be prepared for an illegal length; what
 * to do with the segment is the caller's choice). A known kind with a length other than its
 * own (MSS not 4, Window Scale not 3, SACK-Permitted not 2, Timestamps not 10, SACK not
 * 2+8n with n ≥ 1) is skipped as if unknown, as Linux does. An option that appears twice
 * keeps its last value.
 *
 * <p>Emit order is Linux's, so our SYNs look like the ones middleboxes are used to: MSS,
 * SACK-Permitted and Timestamps (or NOP NOP Timestamps, or NOP NOP SACK-Permitted), NOP
 * Window Scale, NOP NOP SACK blocks. Every piece is a multiple of 4 bytes, so the area
 * needs no padding.
 */
public final class TcpOptions {
    /** End of Option List. */
    public static final int KIND_EOL = 0;
    /** No-Operation. */
    public static final int KIND_NOP = 1;
    /** Maximum Segment Size. */
    public static final int KIND_MSS = 2;
    /** Window Scale. */
    public static final int KIND_WINDOW_SCALE = 3;
    /** SACK-Permitted. */
    public static final int KIND_SACK_PERMITTED = 4;
    /** SACK blocks. */
    public static final int KIND_SACK = 5;
    /** Timestamps. */
    public static final int KIND_TIMESTAMPS = 8;

    /** Length of the MSS option. */
    public static final int LEN_MSS = 4;
    /** Length of the Window Scale option. */
    public static final int LEN_WINDOW_SCALE = 3;
    /** Length of the SACK-Permitted option. */
    public static final int LEN_SACK_PERMITTED = 2;
    /** Length of the Timestamps option. */
    public static final int LEN_TIMESTAMPS = 10;
    /** Bytes of one SACK block (two sequence numbers). */
    public static final int SACK_BLOCK_LEN = 8;
    /** Most SACK blocks one option can carry (RFC 2018 §3: 40 bytes of option space). */
    public static final int MAX_SACK_BLOCKS = 4;
    /** Largest shift a Window Scale option may give (RFC 7323 §2.3). */
    public static final int MAX_WINDOW_SCALE = 14;
    /** Value of {@link #mss()} and {@link #windowScale()} when the option is absent. */
    public static final int ABSENT = -1;

    private int mss;
    private int windowScale;
    private boolean sackPermitted;
    private boolean timestamps;
    private int tsVal;
    private int tsEcr;
    private int sackCount;
    private final int[] sackLeft = new int[MAX_SACK_BLOCKS];
    private final int[] sackRight = new int[MAX_SACK_BLOCKS];
    /** Where a non-contiguous option area is gathered before the walk. */
    private final MemorySegment scratch = MemorySegment.ofArray(new byte[TcpPacket.MAX_OPTIONS_LEN]);

    /** An empty holder: no options. */
    public TcpOptions() {
        clear();
    }

    /** Forgets every option. */
    public void clear() {
        mss = ABSENT;
        windowScale = ABSENT;
        sackPermitted = false;
        timestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackCount = 0;
    }

    /**
     * Replaces the content with the option area {@code [off, off+len)} of {@code s} (the
     * bytes from 20 to the data offset of a checked header). Allocates nothing.
     *
     * @return 0, or {@code -Drop.BAD_OPTION.code()} when the area is malformed (see the class
     *         comment); the options met before the bad one are kept
     * @throws IllegalArgumentException when {@code len} is not 0..40 (a header that passed
     *                                  {@link TcpPacket#check} never gives that)
     */
    public int parse(MemorySegment s, long off, int len) {
        checkAreaLen(len);
        clear();
        long end = off + len;
        long i = off;
        while (i < end) {
            int kind = Bytes.u8(s, i);
            if (kind == KIND_EOL) {
                break;
            }
            if (kind == KIND_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return -Drop.BAD_OPTION.code();
            }
            int olen = Bytes.u8(s, i + 1);
            if (olen < 2 || olen > end - i) {
                return -Drop.BAD_OPTION.code();
            }
            option(s, i, kind, olen);
            i += olen;
        }
        return 0;
    }

    /**
     * As {@link #parse(MemorySegment, long, int)} for an option area at chain offset
     * {@code off} of {@code p}, which may be spread over several nodes: it is gathered into a
     * holder-owned buffer first. Allocates nothing.
     *
     * @throws IllegalArgumentException when {@code len} is not 0..40
     * @throws IndexOutOfBoundsException when the area is not inside the chain
     */
    public int parse(Pbuf p, int off, int len) {
        checkAreaLen(len);
        p.copyTo(off, scratch, 0, len);
        return parse(scratch, 0, len);
    }

    private static void checkAreaLen(int len) {
        if (len < 0 || len > TcpPacket.MAX_OPTIONS_LEN) {
            throw new IllegalArgumentException("TCP option area must be 0..40 bytes: " + len);
        }
    }

    /** One option of a known or unknown kind whose length byte fits the area. */
    private void option(MemorySegment s, long at, int kind, int olen) {
        switch (kind) {
            case KIND_MSS -> {
                if (olen == LEN_MSS) {
                    mss = Bytes.u16(s, at + 2);
                }
            }
            case KIND_WINDOW_SCALE -> {
                if (olen == LEN_WINDOW_SCALE) {
                    // RFC 7323 §2.3: a shift above 14 is used as 14.
                    windowScale = Math.min(Bytes.u8(s, at + 2), MAX_WINDOW_SCALE);
                }
            }
            case KIND_SACK_PERMITTED -> {
                if (olen == LEN_SACK_PERMITTED) {
                    sackPermitted = true;
                }
            }
            case KIND_TIMESTAMPS -> {
                if (olen == LEN_TIMESTAMPS) {
                    timestamps = true;
                    tsVal = Bytes.i32(s, at + 2);
                    tsEcr = Bytes.i32(s, at + 6);
                }
            }
            case KIND_SACK -> {
                if (olen > 2 && (olen - 2) % SACK_BLOCK_LEN == 0) {
                    sackCount = olen / SACK_BLOCK_LEN; // 2 + 8n bytes: n blocks
                    for (int b = 0; b < sackCount; b++) {
                        sackLeft[b] = Bytes.i32(s, at + 2 + b * SACK_BLOCK_LEN);
                        sackRight[b] = Bytes.i32(s, at + 6 + b * SACK_BLOCK_LEN);
                    }
                }
            }
            default -> {
                // Unknown kind: skipped by its length.
            }
        }
    }

    /** The MSS option's value, or {@link #ABSENT}. */
    public int mss() {
        return mss;
    }

    /** The window shift (0..14), or {@link #ABSENT}. */
    public int windowScale() {
        return windowScale;
    }

    /** True when SACK-Permitted is present. */
    public boolean sackPermitted() {
        return sackPermitted;
    }

    /** True when the Timestamps option is present. */
    public boolean hasTimestamps() {
        return timestamps;
    }

    /** TSval (0 without timestamps). */
    public int tsVal() {
        return tsVal;
    }

    /** TSecr (0 without timestamps). */
    public int tsEcr() {
        return tsEcr;
    }

    /** Number of SACK blocks (0..4). */
    public int sackCount() {
        return sackCount;
    }

    /** Left edge of SACK block {@code i}. @throws IndexOutOfBoundsException unless {@code i < sackCount()} */
    public int sackLeft(int i) {
        return sackLeft[Objects.checkIndex(i, sackCount)];
    }

    /** Right edge (first sequence number after the block) of SACK block {@code i}. */
    public int sackRight(int i) {
        return sackRight[Objects.checkIndex(i, sackCount)];
    }

    /**
     * Sets or removes (with {@link #ABSENT}) the MSS option.
     *
     * @throws IllegalArgumentException unless {@code mss} is 16 bits or {@link #ABSENT}
     */
    public TcpOptions setMss(int mss) {
        if (mss != ABSENT && (mss & ~0xffff) != 0) {
            throw new IllegalArgumentException("MSS is 16 bits: " + mss);
        }
        this.mss = mss;
        return this;
    }

    /**
     * Sets or removes (with {@link #ABSENT}) the Window Scale option.
     *
     * @throws IllegalArgumentException unless the shift is 0..14 or {@link #ABSENT}
     */
    public TcpOptions setWindowScale(int shift) {
        if (shift != ABSENT && (shift < 0 || shift > MAX_WINDOW_SCALE)) {
            throw new IllegalArgumentException("window scale must be 0..14: " + shift);
        }
        this.windowScale = shift;
        return this;
    }

    /** Sets or removes SACK-Permitted. */
    public TcpOptions setSackPermitted(boolean on) {
        this.sackPermitted = on;
        return this;
    }

    /** Adds the Timestamps option with these values. */
    public TcpOptions setTimestamps(int tsVal, int tsEcr) {
        this.timestamps = true;
        this.tsVal = tsVal;
        this.tsEcr = tsEcr;
        return this;
    }

    /** Removes the Timestamps option. */
    public TcpOptions clearTimestamps() {
        this.timestamps = false;
        this.tsVal = 0;
        this.tsEcr = 0;
        return this;
    }

    /** Removes every SACK block. */
    public TcpOptions clearSackBlocks() {
        sackCount = 0;
        return this;
    }

    /**
     * Appends a SACK block {@code [left, right)}.
     *
     * @throws IllegalStateException when four blocks are already set
     */
    public TcpOptions addSackBlock(int left, int right) {
        if (sackCount == MAX_SACK_BLOCKS) {
            throw new IllegalStateException("at most 4 SACK blocks");
        }
        sackLeft[sackCount] = left;
        sackRight[sackCount] = right;
        sackCount++;
        return this;
    }

    /** Bytes {@link #emit} writes for the options set: a multiple of 4, possibly above 40. */
    public int emitLen() {
        int n = 0;
        if (mss != ABSENT) {
            n += LEN_MSS;
        }
        if (timestamps) {
            n += 2 + LEN_TIMESTAMPS; // SACK-Permitted or NOP NOP, then TS
        } else if (sackPermitted) {
            n += 2 + LEN_SACK_PERMITTED;
        }
        if (windowScale != ABSENT) {
            n += 1 + LEN_WINDOW_SCALE;
        }
        if (sackCount > 0) {
            n += 2 + 2 + sackCount * SACK_BLOCK_LEN;
        }
        return n;
    }

    /**
     * Writes the options set, in Linux's order (see the class comment), at {@code off}.
     *
     * @return the bytes written, {@link #emitLen()}
     * @throws IllegalStateException when they do not fit the 40 bytes of option space (too
     *                               many SACK blocks beside the others)
     */
    public int emit(MemorySegment s, long off) {
        int n = emitLen();
        if (n > TcpPacket.MAX_OPTIONS_LEN) {
            throw new IllegalStateException("TCP options need " + n + " bytes, 40 fit");
        }
        long i = off;
        if (mss != ABSENT) {
            Bytes.put8(s, i, KIND_MSS);
            Bytes.put8(s, i + 1, LEN_MSS);
            Bytes.put16(s, i + 2, mss);
            i += LEN_MSS;
        }
        if (timestamps) {
            if (sackPermitted) {
                Bytes.put8(s, i, KIND_SACK_PERMITTED);
                Bytes.put8(s, i + 1, LEN_SACK_PERMITTED);
            } else {
                Bytes.put16(s, i, KIND_NOP << 8 | KIND_NOP);
            }
            Bytes.put8(s, i + 2, KIND_TIMESTAMPS);
            Bytes.put8(s, i + 3, LEN_TIMESTAMPS);
            Bytes.put32(s, i + 4, tsVal);
            Bytes.put32(s, i + 8, tsEcr);
            i += 2 + LEN_TIMESTAMPS;
        } else if (sackPermitted) {
            Bytes.put16(s, i, KIND_NOP << 8 | KIND_NOP);
            Bytes.put8(s, i + 2, KIND_SACK_PERMITTED);
            Bytes.put8(s, i + 3, LEN_SACK_PERMITTED);
            i += 2 + LEN_SACK_PERMITTED;
        }
        if (windowScale != ABSENT) {
            Bytes.put8(s, i, KIND_NOP);
            Bytes.put8(s, i + 1, KIND_WINDOW_SCALE);
            Bytes.put8(s, i + 2, LEN_WINDOW_SCALE);
            Bytes.put8(s, i + 3, windowScale);
            i += 1 + LEN_WINDOW_SCALE;
        }
        if (sackCount > 0) {
            Bytes.put16(s, i, KIND_NOP << 8 | KIND_NOP);
            Bytes.put8(s, i + 2, KIND_SACK);
            Bytes.put8(s, i + 3, 2 + sackCount * SACK_BLOCK_LEN);
            i += 4;
            for (int b = 0; b < sackCount; b++) {
                Bytes.put32(s, i, sackLeft[b]);
                Bytes.put32(s, i + 4, sackRight[b]);
                i += SACK_BLOCK_LEN;
            }
        }
        return n;
    }

    /** The content as an immutable value (allocates: not for the per-segment path). */
    public TcpOptionsRepr toRepr() {
        List<TcpOptionsRepr.SackBlock> blocks = new ArrayList<>(sackCount);
        for (int b = 0; b < sackCount; b++) {
            blocks.add(new TcpOptionsRepr.SackBlock(sackLeft[b], sackRight[b]));
        }
        return new TcpOptionsRepr(mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, blocks);
    }

    /** Replaces the content with that of {@code r}. */
    public TcpOptions set(TcpOptionsRepr r) {
        clear();
        setMss(r.mss());
        setWindowScale(r.windowScale());
        setSackPermitted(r.sackPermitted());
        if (r.timestamps()) {
            setTimestamps(r.tsVal(), r.tsEcr());
        }
        for (TcpOptionsRepr.SackBlock b : r.sackBlocks()) {
            addSackBlock(b.left(), b.right());
        }
        return this;
    }
}
