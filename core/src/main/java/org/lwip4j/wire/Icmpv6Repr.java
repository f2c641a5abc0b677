package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;

/**
 * What an ICMPv6 message header says (RFC 4443 §2.1), as a value: the {@link Icmpv6Packet}
 * view's high-level counterpart. The 32-bit word after the checksum is kept whole, with
 * typed accessors for the messages of RFC 4443 that give it meaning; the body (echo data,
 * quoted packet, ND or MLD fields) stays in the packet and only its length is recorded.
 *
 * @param type    message type
 * @param code    message code
 * @param rest    the 32-bit word (bytes 4..7)
 * @param dataLen bytes after the 8-byte header
 */
public record Icmpv6Repr(int type, int code, int rest, int dataLen) {
    /**
     * Checks the fields fit their wire widths.
     *
     * @throws IllegalArgumentException when type or code is not a byte, or the length is
     *                                  negative or more than an IPv6 payload can carry
     */
    public Icmpv6Repr {
        if ((type & ~0xff) != 0 || (code & ~0xff) != 0) {
            throw new IllegalArgumentException("ICMPv6 type and code are bytes");
        }
        if (dataLen < 0 || dataLen > 0xffff - Icmpv6Packet.HEADER_LEN) {
            throw new IllegalArgumentException("ICMPv6 data length out of range: " + dataLen);
        }
    }

    /** An echo request (RFC 4443 §4.1). */
    public static Icmpv6Repr echoRequest(int ident, int seq, int dataLen) {
        return new Icmpv6Repr(Icmpv6Packet.TYPE_ECHO_REQUEST, 0, identSeq(ident, seq), dataLen);
    }

    /** An echo reply (RFC 4443 §4.2): identifier, sequence number and data are the request's. */
    public static Icmpv6Repr echoReply(int ident, int seq, int dataLen) {
        return new Icmpv6Repr(Icmpv6Packet.TYPE_ECHO_REPLY, 0, identSeq(ident, seq), dataLen);
    }

    /** A destination unreachable (RFC 4443 §3.1) quoting {@code dataLen} bytes of the invoking packet. */
    public static Icmpv6Repr destUnreachable(int code, int dataLen) {
        return new Icmpv6Repr(Icmpv6Packet.TYPE_DEST_UNREACH, code, 0, dataLen);
    }

    /** A packet too big (RFC 4443 §3.2) with the next-hop {@code mtu}. */
    public static Icmpv6Repr packetTooBig(int mtu, int dataLen) {
        return new Icmpv6Repr(Icmpv6Packet.TYPE_PACKET_TOO_BIG, 0, mtu, dataLen);
    }

    /** A time exceeded (RFC 4443 §3.3; code 0 hop limit, 1 reassembly). */
    public static Icmpv6Repr timeExceeded(int code, int dataLen) {
        return new Icmpv6Repr(Icmpv6Packet.TYPE_TIME_EXCEEDED, code, 0, dataLen);
    }

    /** A parameter problem (RFC 4443 §3.4) whose pointer is the offset of the offending byte in the invoking packet. */
    public static Icmpv6Repr paramProblem(int code, int pointer, int dataLen) {
        return new Icmpv6Repr(Icmpv6Packet.TYPE_PARAM_PROBLEM, code, pointer, dataLen);
    }

    private static int identSeq(int ident, int seq) {
        if ((ident & ~0xffff) != 0 || (seq & ~0xffff) != 0) {
            throw new IllegalArgumentException("echo identifier and sequence number are 16 bits");
        }
        return ident << 16 | seq;
    }

    /**
     * Parses an ICMPv6 message of {@code len} bytes (the upper-layer payload) without looking
     * at its checksum. {@code TRUNCATED} below 8 bytes. Never throws for any bytes within
     * {@code [off, off+len)}.
     */
    public static ParseResult<Icmpv6Repr> parse(MemorySegment s, long off, int len) {
        int r = Icmpv6Packet.check(s, off, len);
        if (r < 0) {
            return ParseResult.error(Drop.ofCode(r));
        }
        return ParseResult.ok(new Icmpv6Repr(Icmpv6Packet.type(s, off), Icmpv6Packet.code(s, off),
                Icmpv6Packet.rest(s, off), len - Icmpv6Packet.HEADER_LEN));
    }

    /** As {@link #parse(MemorySegment, long, int)}, then {@code BAD_CHECKSUM} when the checksum between the given addresses fails. */
    public static ParseResult<Icmpv6Repr> parse(MemorySegment s, long off, int len, long srcHi, long srcLo,
            long dstHi, long dstLo) {
        ParseResult<Icmpv6Repr> r = parse(s, off, len);
        if (r.isOk() && !Icmpv6Packet.checksumOk(s, off, len, srcHi, srcLo, dstHi, dstLo)) {
            return ParseResult.error(Drop.BAD_CHECKSUM);
        }
        return r;
    }

    /** True for error messages (types below 128). */
    public boolean isError() {
        return Icmpv6Packet.isError(type);
    }

    /** Echo identifier (high 16 bits of the word). */
    public int ident() {
        return rest >>> 16;
    }

    /** Echo sequence number (low 16 bits of the word). */
    public int seq() {
        return rest & 0xffff;
    }

    /** MTU of a packet too big: the whole word, unsigned. */
    public long mtu() {
        return Integer.toUnsignedLong(rest);
    }

    /** Pointer of a parameter problem: the whole word, unsigned. */
    public long pointer() {
        return Integer.toUnsignedLong(rest);
    }

    /** Header bytes {@link #emit} writes: always 8. */
    public int bufferLen() {
        return Icmpv6Packet.HEADER_LEN;
    }

    /** Message bytes: header plus data. */
    public int totalLen() {
        return Icmpv6Packet.HEADER_LEN + dataLen;
    }

    /** Writes exactly {@link #bufferLen()} header bytes at {@code off}, the checksum left zero (offloaded). */
    public void emit(MemorySegment s, long off) {
        Icmpv6Packet.emit(s, off, type, code, rest);
    }

    /**
     * Writes the header, then computes the checksum over the pseudo-header of the given
     * addresses, the header and the {@link #dataLen()} bytes after it, which must be in place.
     */
    public void emit(MemorySegment s, long off, long srcHi, long srcLo, long dstHi, long dstLo) {
        emit(s, off);
        Icmpv6Packet.fillChecksum(s, off, totalLen(), srcHi, srcLo, dstHi, dstLo);
    }
}
