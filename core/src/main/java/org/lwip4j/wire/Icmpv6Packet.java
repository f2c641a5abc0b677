package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Checksum;

/**
 * ICMPv6 message view (RFC 4443 §2.1): type, code, checksum, and the 4-byte word after
 * them that every message defined by RFC 4443, RFC 4861 (see {@link NdPacket}) and
 * RFC 2710/3810 (see {@link MldPacket}) has. The checksum covers the IPv6 pseudo-header
 * (RFC 4443 §2.3, RFC 8200 §8.1), so verifying and filling it takes the addresses.
 */
public final class Icmpv6Packet {
    /** Field offsets. */
    public static final class Field {
        /** Type. */
        public static final int TYPE = 0;
        /** Code. */
        public static final int CODE = 1;
        /** Checksum over the pseudo-header and the whole message. */
        public static final int CHECKSUM = 2;
        /** The 32-bit word: MTU (packet too big), pointer (parameter problem), identifier and sequence (echo). */
        public static final int REST = 4;
        /** Echo identifier. */
        public static final int IDENT = 4;
        /** Echo sequence number. */
        public static final int SEQ = 6;
        /** Data: echo payload, quoted packet of an error, or the body of ND and MLD messages. */
        public static final int DATA = 8;

        private Field() {
        }
    }

    /** Bytes of the header (type, code, checksum and the 32-bit word). */
    public static final int HEADER_LEN = 8;

    /** Destination unreachable (RFC 4443 §3.1). */
    public static final int TYPE_DEST_UNREACH = 1;
    /** Packet too big (RFC 4443 §3.2). */
    public static final int TYPE_PACKET_TOO_BIG = 2;
    /** Time exceeded (RFC 4443 §3.3). */
    public static final int TYPE_TIME_EXCEEDED = 3;
    /** Parameter problem (RFC 4443 §3.4). */
    public static final int TYPE_PARAM_PROBLEM = 4;
    /** Echo request (RFC 4443 §4.1). */
    public static final int TYPE_ECHO_REQUEST = 128;
    /** Echo reply (RFC 4443 §4.2). */
    public static final int TYPE_ECHO_REPLY = 129;
    /** Multicast listener query (RFC 2710 §3, RFC 3810 §5.1). */
    public static final int TYPE_MLD_QUERY = 130;
    /** MLDv1 multicast listener report (RFC 2710 §3). */
    public static final int TYPE_MLD_REPORT = 131;
    /** MLDv1 multicast listener done (RFC 2710 §3). */
    public static final int TYPE_MLD_DONE = 132;
    /** Router solicitation (RFC 4861 §4.1). */
    public static final int TYPE_ROUTER_SOLICIT = 133;
    /** Router advertisement (RFC 4861 §4.2). */
    public static final int TYPE_ROUTER_ADVERT = 134;
    /** Neighbor solicitation (RFC 4861 §4.3). */
    public static final int TYPE_NEIGHBOR_SOLICIT = 135;
    /** Neighbor advertisement (RFC 4861 §4.4). */
    public static final int TYPE_NEIGHBOR_ADVERT = 136;
    /** Redirect (RFC 4861 §4.5). */
    public static final int TYPE_REDIRECT = 137;
    /** MLDv2 multicast listener report (RFC 3810 §5.2). */
    public static final int TYPE_MLDV2_REPORT = 143;

    /** Unreachable code: no route to destination. */
    public static final int UNREACH_NO_ROUTE = 0;
    /** Unreachable code: communication administratively prohibited. */
    public static final int UNREACH_PROHIBITED = 1;
    /** Unreachable code: beyond scope of source address. */
    public static final int UNREACH_BEYOND_SCOPE = 2;
    /** Unreachable code: address unreachable. */
    public static final int UNREACH_ADDRESS = 3;
    /** Unreachable code: port unreachable. */
    public static final int UNREACH_PORT = 4;
    /** Unreachable code: source address failed ingress/egress policy. */
    public static final int UNREACH_POLICY = 5;
    /** Unreachable code: reject route to destination. */
    public static final int UNREACH_REJECT_ROUTE = 6;
    /** Time exceeded code: hop limit exceeded in transit. */
    public static final int TIME_EXCEEDED_HOP_LIMIT = 0;
    /** Time exceeded code: fragment reassembly time exceeded. */
    public static final int TIME_EXCEEDED_REASSEMBLY = 1;

    private Icmpv6Packet() {
    }

    /**
     * Checks {@code avail} bytes: 0 when at least the 8-byte header is present, else
     * {@code -TRUNCATED}. Type-specific lengths are {@link NdPacket#check}'s and
     * {@link MldPacket}'s.
     */
    public static int check(MemorySegment s, long off, int avail) {
        return avail < HEADER_LEN ? -Drop.TRUNCATED.code() : 0;
    }

    /** True for error messages (RFC 4443 §2.1: types 0..127), which quote the invoking packet. */
    public static boolean isError(int type) {
        return type < 128;
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

    /** The 32-bit word after the checksum. */
    public static int rest(MemorySegment s, long off) {
        return Bytes.i32(s, off + Field.REST);
    }

    /** MTU of a packet too big (RFC 4443 §3.2), unsigned 32 bits. */
    public static long mtu(MemorySegment s, long off) {
        return Integer.toUnsignedLong(rest(s, off));
    }

    /** Pointer of a parameter problem (RFC 4443 §3.4), unsigned 32 bits. */
    public static long pointer(MemorySegment s, long off) {
        return Integer.toUnsignedLong(rest(s, off));
    }

    /** Echo identifier (RFC 4443 §4.1). */
    public static int ident(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.IDENT);
    }

    /** Echo sequence number (RFC 4443 §4.1). */
    public static int seq(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.SEQ);
    }

    /**
     * True when the checksum of a message of {@code len} bytes between the given addresses
     * verifies (RFC 4443 §2.3: pseudo-header with next header 58, then the message).
     */
    public static boolean checksumOk(MemorySegment s, long off, int len, long srcHi, long srcLo, long dstHi, long dstLo) {
        long ph = Checksum.pseudoHeaderV6(srcHi, srcLo, dstHi, dstLo, Ipv6Packet.NH_ICMPV6, len);
        return Checksum.verifies(Checksum.partial(s, off, len, ph));
    }

    /** Computes and stores the checksum of a message of {@code len} bytes between the given addresses. */
    public static void fillChecksum(MemorySegment s, long off, int len, long srcHi, long srcLo, long dstHi, long dstLo) {
        long ph = Checksum.pseudoHeaderV6(srcHi, srcLo, dstHi, dstLo, Ipv6Packet.NH_ICMPV6, len);
        Bytes.put16(s, off + Field.CHECKSUM, 0);
        Bytes.put16(s, off + Field.CHECKSUM, Checksum.finish(Checksum.partial(s, off, len, ph)));
    }

    /** Writes the 8-byte header: type, code, zero checksum, and the 32-bit word. */
    public static void emit(MemorySegment s, long off, int type, int code, int rest) {
        Bytes.put16(s, off + Field.TYPE, (type & 0xff) << 8 | (code & 0xff));
        Bytes.put16(s, off + Field.CHECKSUM, 0);
        Bytes.put32(s, off + Field.REST, rest);
    }
}
