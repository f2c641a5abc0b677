package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Checksum;

/** ICMPv4 message view (RFC 792): type, code, checksum, and the 4-byte rest-of-header. */
public final class Icmpv4Packet {
    /** Field offsets. */
    public static final class Field {
        /** Type. */
        public static final int TYPE = 0;
        /** Code. */
        public static final int CODE = 1;
        /** Checksum over the whole message. */
        public static final int CHECKSUM = 2;
        /** Echo identifier / unused / pointer (parameter problem). */
        public static final int IDENT = 4;
        /** Echo sequence number / next-hop MTU (fragmentation needed, RFC 1191). */
        public static final int SEQ = 6;
        /** Data: echo payload, or the quoted original header. */
        public static final int DATA = 8;

        private Field() {
        }
    }

    /** Header bytes. */
    public static final int HEADER_LEN = 8;
    /** Echo reply. */
    public static final int TYPE_ECHO_REPLY = 0;
    /** Destination unreachable. */
    public static final int TYPE_DEST_UNREACH = 3;
    /** Source quench (deprecated, RFC 6633). */
    public static final int TYPE_SOURCE_QUENCH = 4;
    /** Redirect. */
    public static final int TYPE_REDIRECT = 5;
    /** Echo request. */
    public static final int TYPE_ECHO = 8;
    /** Time exceeded. */
    public static final int TYPE_TIME_EXCEEDED = 11;
    /** Parameter problem. */
    public static final int TYPE_PARAM_PROBLEM = 12;
    /** Timestamp request. */
    public static final int TYPE_TIMESTAMP = 13;
    /** Timestamp reply. */
    public static final int TYPE_TIMESTAMP_REPLY = 14;

    /** Unreachable code: network. */
    public static final int UNREACH_NET = 0;
    /** Unreachable code: host. */
    public static final int UNREACH_HOST = 1;
    /** Unreachable code: protocol. */
    public static final int UNREACH_PROTOCOL = 2;
    /** Unreachable code: port. */
    public static final int UNREACH_PORT = 3;
    /** Unreachable code: fragmentation needed and DF set. */
    public static final int UNREACH_FRAG_NEEDED = 4;
    /** Time exceeded code: TTL exceeded in transit. */
    public static final int TIME_EXCEEDED_TTL = 0;
    /** Time exceeded code: fragment reassembly time exceeded. */
    public static final int TIME_EXCEEDED_REASSEMBLY = 1;

    private Icmpv4Packet() {
    }

    /** Checks {@code avail} bytes: 0 when at least the 8-byte header is present, else a negative {@link Drop} code. */
    public static int check(MemorySegment s, long off, int avail) {
        return avail < HEADER_LEN ? -Drop.TRUNCATED.code() : 0;
    }

    /** True for the error messages that quote an original datagram (RFC 1122 §3.2.2). */
    public static boolean isError(int type) {
        return type == TYPE_DEST_UNREACH || type == TYPE_SOURCE_QUENCH || type == TYPE_REDIRECT
                || type == TYPE_TIME_EXCEEDED || type == TYPE_PARAM_PROBLEM;
    }

    /** Type. */
    public static int type(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.TYPE);
    }

    /** Code. */
    public static int code(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.CODE);
    }

    /** Checksum field. */
    public static int checksum(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.CHECKSUM);
    }

    /** Echo identifier. */
    public static int ident(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.IDENT);
    }

    /** Echo sequence number. */
    public static int seq(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.SEQ);
    }

    /**
     * The 32-bit rest-of-header word (RFC 792): identifier and sequence number of an echo,
     * the gateway of a redirect, the pointer of a parameter problem in its high byte, the
     * next-hop MTU of "fragmentation needed" in its low 16 bits (RFC 1191 §4).
     */
    public static int rest(MemorySegment s, long off) {
        return Bytes.i32(s, off + Field.IDENT);
    }

    /** True when the checksum of a message of {@code len} bytes verifies (RFC 792: over the whole message). */
    public static boolean checksumOk(MemorySegment s, long off, int len) {
        return Checksum.verifies(Checksum.partial(s, off, len, 0));
    }

    /** Computes and stores the checksum of a message of {@code len} bytes. */
    public static void fillChecksum(MemorySegment s, long off, int len) {
        Bytes.put16(s, off + Field.CHECKSUM, 0);
        Bytes.put16(s, off + Field.CHECKSUM, Checksum.of(s, off, len));
    }

    /** Sets type and code. */
    public static void setTypeCode(MemorySegment s, long off, int type, int code) {
        Bytes.put8(s, off + Field.TYPE, type);
        Bytes.put8(s, off + Field.CODE, code);
    }

    /** Sets the checksum field. */
    public static void setChecksum(MemorySegment s, long off, int sum) {
        Bytes.put16(s, off + Field.CHECKSUM, sum);
    }

    /** Writes the 8-byte header: type, code, zero checksum, and the 32-bit rest-of-header. */
    public static void emit(MemorySegment s, long off, int type, int code, int rest) {
        Bytes.put8(s, off + Field.TYPE, type);
        Bytes.put8(s, off + Field.CODE, code);
        Bytes.put16(s, off + Field.CHECKSUM, 0);
        Bytes.put32(s, off + Field.IDENT, rest);
    }
}
