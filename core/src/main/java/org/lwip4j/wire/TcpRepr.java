package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * What a TCP header says (RFC 9293 §3.1), as a value: the {@link TcpPacket} view's
 * high-level counterpart, options included as a {@link TcpOptionsRepr}. The data offset is
 * not a field (it follows from the options emitted), nor are the reserved bits (sent as
 * zero) or the checksum (verified by the parse that takes a pseudo-header sum, computed by
 * the emit that does). The pseudo-header is passed as its partial sum so that either IP
 * family can supply it ({@code Checksum.pseudoHeaderV4(src, dst, 6, tcpLength)} for IPv4).
 *
 * <p>Allocates: for tests, tools and the slow paths. The per-segment input path uses
 * {@link TcpPacket} and a reused {@link TcpOptions}.
 *
 * @param srcPort source port
 * @param dstPort destination port
 * @param seq sequence number
 * @param ack acknowledgment number (as on the wire, whether or not ACK is set)
 * @param flags control bits ({@link TcpPacket#FIN} ... {@link TcpPacket#CWR})
 * @param window window field, unscaled
 * @param urgent urgent pointer
 * @param options the options
 * @param payloadLen data bytes after the header
 */
public record TcpRepr(int srcPort, int dstPort, int seq, int ack, int flags, int window, int urgent,
        TcpOptionsRepr options, int payloadLen) {
    /**
     * Checks the fields fit their wire widths.
     *
     * @throws IllegalArgumentException when a port, the window or the urgent pointer is not
     *                                  16 bits, the flags not 8 bits, or the payload length
     *                                  negative
     * @throws NullPointerException without options (use {@link TcpOptionsRepr#NONE})
     */
    public TcpRepr {
        if (((srcPort | dstPort | window | urgent) & ~0xffff) != 0) {
            throw new IllegalArgumentException("TCP ports, window and urgent pointer are 16 bits");
        }
        if ((flags & ~0xff) != 0) {
            throw new IllegalArgumentException("TCP flags are 8 bits: " + flags);
        }
        if (payloadLen < 0) {
            throw new IllegalArgumentException("negative payload length: " + payloadLen);
        }
        Objects.requireNonNull(options, "options");
    }

    /**
     * Parses a TCP segment carried in {@code len} bytes (the IP payload) at {@code off},
     * without looking at the checksum: the refusals of {@link TcpPacket#check}, and
     * {@code BAD_OPTION} for a malformed option area ({@link TcpOptions}). Never throws for
     * any bytes within {@code [off, off+len)}.
     */
    public static ParseResult<TcpRepr> parse(MemorySegment s, long off, int len) {
        int hl = TcpPacket.check(s, off, len);
        if (hl < 0) {
            return ParseResult.error(Drop.ofCode(hl));
        }
        TcpOptions o = new TcpOptions();
        if (o.parse(s, off + TcpPacket.HEADER_LEN, hl - TcpPacket.HEADER_LEN) < 0) {
            return ParseResult.error(Drop.BAD_OPTION);
        }
        return ParseResult.ok(new TcpRepr(TcpPacket.srcPort(s, off), TcpPacket.dstPort(s, off),
                TcpPacket.seq(s, off), TcpPacket.ack(s, off), TcpPacket.flags(s, off),
                TcpPacket.window(s, off), TcpPacket.urgent(s, off), o.toRepr(), len - hl));
    }

    /**
     * As {@link #parse(MemorySegment, long, int)}, first verifying the checksum over the
     * {@code len} bytes and the pseudo-header whose sum is {@code pseudoSum} (its length
     * field being {@code len}): {@code BAD_CHECKSUM} when it fails (RFC 9293 §3.1; TCP has no
     * "no checksum" value). A header too short to hold a checksum is {@code TRUNCATED}.
     */
    public static ParseResult<TcpRepr> parse(MemorySegment s, long off, int len, long pseudoSum) {
        if (len >= TcpPacket.HEADER_LEN && !TcpPacket.checksumOk(s, off, len, pseudoSum)) {
            return ParseResult.error(Drop.BAD_CHECKSUM);
        }
        return parse(s, off, len);
    }

    /** Header bytes {@link #emit} writes: 20 plus the options (may exceed 60 if they do not fit). */
    public int bufferLen() {
        return TcpPacket.HEADER_LEN + options.bufferLen();
    }

    /** The TCP length the pseudo-header counts: header plus payload. */
    public int totalLen() {
        return bufferLen() + payloadLen;
    }

    /**
     * Writes exactly {@link #bufferLen()} header bytes at {@code off}, options included, with
     * a zero checksum (to be filled, or offloaded).
     *
     * @throws IllegalStateException when the options do not fit 40 bytes
     */
    public void emit(MemorySegment s, long off) {
        TcpOptions o = new TcpOptions().set(options);
        int optLen = o.emitLen();
        if (optLen > TcpPacket.MAX_OPTIONS_LEN) {
            throw new IllegalStateException("TCP options need " + optLen + " bytes, 40 fit");
        }
        TcpPacket.emit(s, off, srcPort, dstPort, seq, ack, TcpPacket.HEADER_LEN + optLen, flags, window, urgent);
        o.emit(s, off + TcpPacket.HEADER_LEN);
    }

    /**
     * Writes the header and the checksum over the pseudo-header whose sum is
     * {@code pseudoSum} (of any IP version, its length being {@link #totalLen()}), the header
     * and the {@link #payloadLen()} bytes after it, which must already be in place.
     */
    public void emit(MemorySegment s, long off, long pseudoSum) {
        emit(s, off);
        TcpPacket.fillChecksum(s, off, totalLen(), pseudoSum);
    }
}
