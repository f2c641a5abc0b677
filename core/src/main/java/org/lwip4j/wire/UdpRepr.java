package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Checksum;

/**
 * What a UDP header says (RFC 768), as a value: the {@link UdpPacket} view's high-level
 * counterpart. The checksum is not a field: it is verified by the parse that takes the
 * pseudo-header addresses and computed by the emit that does. UDP-Lite is {@link UdpLiteRepr}.
 *
 * @param srcPort source port (0 when unused)
 * @param dstPort destination port
 * @param payloadLen bytes after the 8-byte header
 */
public record UdpRepr(int srcPort, int dstPort, int payloadLen) {
    /**
     * Checks the fields fit their wire widths.
     *
     * @throws IllegalArgumentException when a port is not 16 bits or the datagram would not
     *                                  fit the 16-bit length field
     */
    public UdpRepr {
        if ((srcPort & ~0xffff) != 0 || (dstPort & ~0xffff) != 0) {
            throw new IllegalArgumentException("UDP ports are 16 bits");
        }
        if (payloadLen < 0 || payloadLen > 0xffff - UdpPacket.HEADER_LEN) {
            throw new IllegalArgumentException("UDP payload length out of range: " + payloadLen);
        }
    }

    /**
     * Parses a UDP datagram carried in {@code len} bytes (the IP payload) at {@code off},
     * without looking at the checksum: {@code TRUNCATED} below 8 bytes, {@code BAD_LENGTH}
     * when the length field is below 8 or above {@code len}. Bytes past the length field's
     * count are padding. Never throws for any bytes within {@code [off, off+len)}.
     */
    public static ParseResult<UdpRepr> parse(MemorySegment s, long off, int len) {
        int udpLen = UdpPacket.check(s, off, len);
        if (udpLen < 0) {
            return ParseResult.error(Drop.ofCode(udpLen));
        }
        return ParseResult.ok(new UdpRepr(UdpPacket.srcPort(s, off), UdpPacket.dstPort(s, off),
                udpLen - UdpPacket.HEADER_LEN));
    }

    /**
     * As {@link #parse(MemorySegment, long, int)}, then verifies the checksum over the IPv4
     * pseudo-header of {@code srcIp}, {@code dstIp} (RFC 768) and the datagram up to its
     * length field: {@code BAD_CHECKSUM} when it fails. A zero checksum field means the
     * sender computed none and is accepted (RFC 768; RFC 1122 §4.1.3.4).
     */
    public static ParseResult<UdpRepr> parse(MemorySegment s, long off, int len, int srcIp, int dstIp) {
        int udpLen = UdpPacket.check(s, off, len);
        if (udpLen < 0) {
            return ParseResult.error(Drop.ofCode(udpLen));
        }
        if (UdpPacket.checksum(s, off) != 0 && !UdpPacket.checksumOk(s, off, udpLen,
                Checksum.pseudoHeaderV4(srcIp, dstIp, Ipv4Packet.PROTO_UDP, udpLen))) {
            return ParseResult.error(Drop.BAD_CHECKSUM);
        }
        return ParseResult.ok(new UdpRepr(UdpPacket.srcPort(s, off), UdpPacket.dstPort(s, off),
                udpLen - UdpPacket.HEADER_LEN));
    }

    /** Header bytes {@link #emit} writes: always 8. */
    public int bufferLen() {
        return UdpPacket.HEADER_LEN;
    }

    /** The length field: header plus payload. */
    public int totalLen() {
        return UdpPacket.HEADER_LEN + payloadLen;
    }

    /** Writes exactly {@link #bufferLen()} header bytes at {@code off} with a zero checksum (none, or offloaded). */
    public void emit(MemorySegment s, long off) {
        UdpPacket.emit(s, off, srcPort, dstPort, totalLen());
    }

    /**
     * Writes the header and the checksum over the IPv4 pseudo-header of {@code srcIp},
     * {@code dstIp} (RFC 768), the header and the {@link #payloadLen()} bytes after it,
     * which must already be in place; a computed 0 goes on the wire as 0xffff.
     */
    public void emit(MemorySegment s, long off, int srcIp, int dstIp) {
        emit(s, off, Checksum.pseudoHeaderV4(srcIp, dstIp, Ipv4Packet.PROTO_UDP, totalLen()));
    }

    /**
     * Writes the header and the checksum over a pseudo-header whose sum is
     * {@code pseudoSum} (of any IP version, its length field being {@link #totalLen()}),
     * the header and the payload, which must already be in place; 0 goes out as 0xffff.
     */
    public void emit(MemorySegment s, long off, long pseudoSum) {
        emit(s, off);
        UdpPacket.fillChecksum(s, off, totalLen(), pseudoSum);
    }
}
