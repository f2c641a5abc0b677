package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Checksum;

/**
 * What a UDP-Lite header says (RFC 3828 §3), as a value. Its length field is the checksum
 * coverage; the datagram length comes from the IP layer. The checksum is mandatory
 * (§3.1), so the parse that verifies rejects a zero field.
 *
 * @param srcPort    source port
 * @param dstPort    destination port
 * @param coverage   the checksum coverage field: 0 for the whole datagram, else 8 (header
 *                   only) up to the datagram length
 * @param payloadLen bytes after the 8-byte header
 */
public record UdpLiteRepr(int srcPort, int dstPort, int coverage, int payloadLen) {
    /**
     * Checks the fields fit their wire widths and the coverage is legal (RFC 3828 §3.1).
     *
     * @throws IllegalArgumentException when a field does not fit, or the coverage is 1..7 or
     *                                  beyond the datagram
     */
    public UdpLiteRepr {
        if ((srcPort & ~0xffff) != 0 || (dstPort & ~0xffff) != 0) {
            throw new IllegalArgumentException("UDP-Lite ports are 16 bits");
        }
        if (payloadLen < 0 || payloadLen > 0xffff - Ipv4Packet.MIN_HEADER_LEN - UdpPacket.HEADER_LEN) {
            throw new IllegalArgumentException("UDP-Lite payload length out of range: " + payloadLen);
        }
        if (coverage != 0 && (coverage < UdpPacket.HEADER_LEN || coverage > UdpPacket.HEADER_LEN + payloadLen)) {
            throw new IllegalArgumentException("illegal UDP-Lite checksum coverage: " + coverage);
        }
    }

    /**
     * Parses a UDP-Lite datagram of {@code len} bytes (the whole IP payload) at
     * {@code off} without looking at the checksum: {@code TRUNCATED} below 8 bytes,
     * {@code BAD_LENGTH} for a coverage of 1..7 or beyond {@code len} (§3.1: such a datagram
     * MUST be discarded). Never throws for any bytes within {@code [off, off+len)}.
     */
    public static ParseResult<UdpLiteRepr> parse(MemorySegment s, long off, int len) {
        int cov = UdpPacket.checkLite(s, off, len);
        if (cov < 0) {
            return ParseResult.error(Drop.ofCode(cov));
        }
        return ParseResult.ok(new UdpLiteRepr(UdpPacket.srcPort(s, off), UdpPacket.dstPort(s, off),
                UdpPacket.length(s, off), len - UdpPacket.HEADER_LEN));
    }

    /**
     * As {@link #parse(MemorySegment, long, int)}, then verifies the checksum over the IPv4
     * pseudo-header of {@code srcIp}, {@code dstIp} (its length being {@code len}, the IP
     * payload length, RFC 3828 §3.1) and the covered bytes: {@code BAD_CHECKSUM} when it
     * fails or the field is zero, since the checksum is not optional (§3.1).
     */
    public static ParseResult<UdpLiteRepr> parse(MemorySegment s, long off, int len, int srcIp, int dstIp) {
        int cov = UdpPacket.checkLite(s, off, len);
        if (cov < 0) {
            return ParseResult.error(Drop.ofCode(cov));
        }
        if (UdpPacket.checksum(s, off) == 0 || !UdpPacket.checksumOk(s, off, cov,
                Checksum.pseudoHeaderV4(srcIp, dstIp, Ipv4Packet.PROTO_UDPLITE, len))) {
            return ParseResult.error(Drop.BAD_CHECKSUM);
        }
        return ParseResult.ok(new UdpLiteRepr(UdpPacket.srcPort(s, off), UdpPacket.dstPort(s, off),
                UdpPacket.length(s, off), len - UdpPacket.HEADER_LEN));
    }

    /** Bytes the checksum covers: the coverage, or the whole datagram when it is 0. */
    public int coveredLen() {
        return coverage == 0 ? totalLen() : coverage;
    }

    /** Header bytes {@link #emit} writes: always 8. */
    public int bufferLen() {
        return UdpPacket.HEADER_LEN;
    }

    /** Datagram bytes: header plus payload (the IP payload length). */
    public int totalLen() {
        return UdpPacket.HEADER_LEN + payloadLen;
    }

    /**
     * Writes exactly {@link #bufferLen()} header bytes at {@code off} and the checksum over
     * the IPv4 pseudo-header of {@code srcIp}, {@code dstIp} and the first
     * {@link #coveredLen()} bytes, which must already be in place (RFC 3828 §3.1); a
     * computed 0 goes on the wire as 0xffff.
     */
    public void emit(MemorySegment s, long off, int srcIp, int dstIp) {
        emit(s, off, Checksum.pseudoHeaderV4(srcIp, dstIp, Ipv4Packet.PROTO_UDPLITE, totalLen()));
    }

    /**
     * As {@link #emit(MemorySegment, long, int, int)} with the sum of a pseudo-header of
     * any IP version whose length field is {@link #totalLen()}.
     */
    public void emit(MemorySegment s, long off, long pseudoSum) {
        UdpPacket.emit(s, off, srcPort, dstPort, coverage);
        UdpPacket.fillChecksum(s, off, coveredLen(), pseudoSum);
    }
}
