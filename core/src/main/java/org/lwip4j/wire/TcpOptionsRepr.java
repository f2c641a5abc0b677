package org.lwip4j.wire;

import java.util.List;

/**
 * The TCP options of a segment as a value: what {@link TcpOptions} holds, immutable, for
 * {@link TcpRepr} and tests. Absent MSS and Window Scale are {@link TcpOptions#ABSENT}.
 *
 * @param mss Maximum Segment Size (RFC 9293 §3.7.1), 0..65535, or absent
 * @param windowScale window shift 0..14 (RFC 7323 §2.3), or absent
 * @param sackPermitted SACK-Permitted present (RFC 2018 §2)
 * @param timestamps Timestamps option present (RFC 7323 §3)
 * @param tsVal TSval, 0 without timestamps
 * @param tsEcr TSecr, 0 without timestamps
 * @param sackBlocks up to four SACK blocks (RFC 2018 §3), copied
 */
public record TcpOptionsRepr(int mss, int windowScale, boolean sackPermitted, boolean timestamps,
        int tsVal, int tsEcr, List<SackBlock> sackBlocks) {
    /** No options at all. */
    public static final TcpOptionsRepr NONE =
            new TcpOptionsRepr(TcpOptions.ABSENT, TcpOptions.ABSENT, false, false, 0, 0, List.of());

    /**
     * One SACK block: the bytes {@code [left, right)} in sequence space (RFC 2018 §3).
     *
     * @param left first sequence number of the block
     * @param right sequence number just after the block
     */
    public record SackBlock(int left, int right) {
    }

    /**
     * Checks each field is in its range.
     *
     * @throws IllegalArgumentException for an MSS not 16 bits, a shift above 14, timestamp
     *                                  values without timestamps, or more than 4 SACK blocks
     */
    public TcpOptionsRepr {
        if (mss != TcpOptions.ABSENT && (mss & ~0xffff) != 0) {
            throw new IllegalArgumentException("MSS is 16 bits: " + mss);
        }
        if (windowScale != TcpOptions.ABSENT && (windowScale < 0 || windowScale > TcpOptions.MAX_WINDOW_SCALE)) {
            throw new IllegalArgumentException("window scale must be 0..14: " + windowScale);
        }
        if (!timestamps && (tsVal != 0 || tsEcr != 0)) {
            throw new IllegalArgumentException("timestamp values without the Timestamps option");
        }
        if (sackBlocks.size() > TcpOptions.MAX_SACK_BLOCKS) {
            throw new IllegalArgumentException("at most 4 SACK blocks: " + sackBlocks.size());
        }
        sackBlocks = List.copyOf(sackBlocks);
    }

    /** Bytes the options take on the wire, as {@link TcpOptions#emitLen()} lays them out. */
    public int bufferLen() {
        return new TcpOptions().set(this).emitLen();
    }
}
