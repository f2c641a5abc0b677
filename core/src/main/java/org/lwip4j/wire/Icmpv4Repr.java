package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;

/**
 * What an ICMPv4 message header says (RFC 792), as a value: the {@link Icmpv4Packet}
 * view's high-level counterpart. The 32-bit rest-of-header word is kept whole, with typed
 * accessors for the messages that give it meaning; the data (echo payload, or the quoted
 * original datagram of an error) stays in the packet and only its length is recorded.
 *
 * @param type    message type
 * @param code    message code
 * @param rest    the rest-of-header word (bytes 4..7)
 * @param dataLen bytes after the 8-byte header
 */
public record Icmpv4Repr(int type, int code, int rest, int dataLen) {
    /**
     * Checks the fields fit their wire widths.
     *
     * @throws IllegalArgumentException when type or code is not a byte, or the length is
     *                                  negative or more than an IPv4 datagram can carry
     */
    public Icmpv4Repr {
        if ((type & ~0xff) != 0 || (code & ~0xff) != 0) {
            throw new IllegalArgumentException("ICMP type and code are bytes");
        }
        if (dataLen < 0 || dataLen > 0xffff - Ipv4Packet.MIN_HEADER_LEN - Icmpv4Packet.HEADER_LEN) {
            throw new IllegalArgumentException("ICMP data length out of range: " + dataLen);
        }
    }

    /** An echo request (RFC 792 "Echo or Echo Reply Message"). */
    public static Icmpv4Repr echoRequest(int ident, int seq, int dataLen) {
        return new Icmpv4Repr(Icmpv4Packet.TYPE_ECHO, 0, identSeq(ident, seq), dataLen);
    }

    /** An echo reply (RFC 792): identifier, sequence number and data are the request's. */
    public static Icmpv4Repr echoReply(int ident, int seq, int dataLen) {
        return new Icmpv4Repr(Icmpv4Packet.TYPE_ECHO_REPLY, 0, identSeq(ident, seq), dataLen);
    }

    /**
     * A destination unreachable quoting {@code dataLen} bytes of the original datagram;
     * {@code nextHopMtu} goes in the low 16 bits for code 4 (RFC 1191 §4), else pass 0.
     */
    public static Icmpv4Repr destUnreachable(int code, int nextHopMtu, int dataLen) {
        return new Icmpv4Repr(Icmpv4Packet.TYPE_DEST_UNREACH, code, nextHopMtu & 0xffff, dataLen);
    }

    /** A time exceeded (RFC 792; code 0 TTL, 1 reassembly) quoting {@code dataLen} bytes. */
    public static Icmpv4Repr timeExceeded(int code, int dataLen) {
        return new Icmpv4Repr(Icmpv4Packet.TYPE_TIME_EXCEEDED, code, 0, dataLen);
    }

    /** A parameter problem (RFC 792) whose pointer names the offending octet. */
    public static Icmpv4Repr paramProblem(int pointer, int dataLen) {
        return new Icmpv4Repr(Icmpv4Packet.TYPE_PARAM_PROBLEM, 0, (pointer & 0xff) << 24, dataLen);
    }

    private static int identSeq(int ident, int seq) {
        if ((ident & ~0xffff) != 0 || (seq & ~0xffff) != 0) {
            throw new IllegalArgumentException("echo identifier and sequence number are 16 bits");
        }
        return ident << 16 | seq;
    }

    /**
     * Parses an ICMP message of {@code len} bytes (the IPv4 payload) at {@code off} and
     * verifies its checksum over all {@code len} bytes (RFC 792). {@code TRUNCATED} below 8
     * bytes, {@code BAD_CHECKSUM}. Never throws for any bytes within {@code [off, off+len)}.
     */
    public static ParseResult<Icmpv4Repr> parse(MemorySegment s, long off, int len) {
        return parse(s, off, len, true);
    }

    /** As {@link #parse(MemorySegment, long, int)}; with {@code verifyChecksum} false the checksum is not looked at. */
    public static ParseResult<Icmpv4Repr> parse(MemorySegment s, long off, int len, boolean verifyChecksum) {
        int r = Icmpv4Packet.check(s, off, len);
        if (r < 0) {
            return ParseResult.error(Drop.ofCode(r));
        }
        if (verifyChecksum && !Icmpv4Packet.checksumOk(s, off, len)) {
            return ParseResult.error(Drop.BAD_CHECKSUM);
        }
        return ParseResult.ok(new Icmpv4Repr(Icmpv4Packet.type(s, off), Icmpv4Packet.code(s, off),
                Icmpv4Packet.rest(s, off), len - Icmpv4Packet.HEADER_LEN));
    }

    /** True for the error messages that quote an original datagram (RFC 1122 §3.2.2). */
    public boolean isError() {
        return Icmpv4Packet.isError(type);
    }

    /** Echo identifier (high 16 bits of the rest word). */
    public int ident() {
        return rest >>> 16;
    }

    /** Echo sequence number (low 16 bits of the rest word). */
    public int seq() {
        return rest & 0xffff;
    }

    /** Next-hop MTU of a "fragmentation needed" (RFC 1191 §4: low 16 bits). */
    public int nextHopMtu() {
        return rest & 0xffff;
    }

    /** Pointer of a parameter problem (RFC 792: the high byte). */
    public int pointer() {
        return rest >>> 24;
    }

    /** Gateway address of a redirect (RFC 792: the whole word). */
    public int gateway() {
        return rest;
    }

    /** Header bytes {@link #emit} writes: always 8. */
    public int bufferLen() {
        return Icmpv4Packet.HEADER_LEN;
    }

    /** Message bytes: header plus data. */
    public int totalLen() {
        return Icmpv4Packet.HEADER_LEN + dataLen;
    }

    /**
     * Writes exactly {@link #bufferLen()} header bytes at {@code off}. With {@code checksum}
     * true it then computes the checksum over the header and the {@link #dataLen()} bytes
     * that follow it, which must already be in place; false leaves the field zero.
     */
    public void emit(MemorySegment s, long off, boolean checksum) {
        Icmpv4Packet.emit(s, off, type, code, rest);
        if (checksum) {
            Icmpv4Packet.fillChecksum(s, off, totalLen());
        }
    }
}
