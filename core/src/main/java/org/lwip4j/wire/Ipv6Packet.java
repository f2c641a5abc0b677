package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;

/**
 * IPv6 fixed header view (RFC 8200 §3). {@link #check} validates untrusted bytes once
 * (length, version, payload length against the bytes present); after it the accessors
 * cannot read outside the packet. Addresses are read as two 64-bit halves in network order,
 * as {@link org.lwip4j.addr.Ip6Address} holds them, so nothing is allocated. Extension
 * headers are walked by {@link Ipv6ExtHeaders}.
 */
public final class Ipv6Packet {
    /** Field offsets. */
    public static final class Field {
        /** Version (4 bits), traffic class (8 bits), flow label (20 bits). */
        public static final int VER_TC_FLOW = 0;
        /** Payload length: bytes after this 40-byte header, extension headers included. */
        public static final int PAYLOAD_LEN = 4;
        /** Next header: the type of the header that follows. */
        public static final int NEXT_HEADER = 6;
        /** Hop limit. */
        public static final int HOP_LIMIT = 7;
        /** Source address (16 bytes). */
        public static final int SRC = 8;
        /** Destination address (16 bytes). */
        public static final int DST = 24;
        /** First byte after the fixed header. */
        public static final int PAYLOAD = 40;

        private Field() {
        }
    }

    /** Bytes of the fixed header. */
    public static final int HEADER_LEN = 40;
    /** The minimum link MTU of IPv6 (RFC 8200 §5). */
    public static final int MIN_MTU = 1280;

    /** Next header: hop-by-hop options (RFC 8200 §4.3). */
    public static final int NH_HOP_BY_HOP = 0;
    /** Next header: TCP. */
    public static final int NH_TCP = 6;
    /** Next header: UDP. */
    public static final int NH_UDP = 17;
    /** Next header: routing (RFC 8200 §4.4). */
    public static final int NH_ROUTING = 43;
    /** Next header: fragment (RFC 8200 §4.5). */
    public static final int NH_FRAGMENT = 44;
    /** Next header: encapsulating security payload (RFC 4303). */
    public static final int NH_ESP = 50;
    /** Next header: authentication header (RFC 4302). */
    public static final int NH_AH = 51;
    /** Next header: ICMPv6 (RFC 4443). */
    public static final int NH_ICMPV6 = 58;
    /** Next header: no next header (RFC 8200 §4.7). */
    public static final int NH_NONE = 59;
    /** Next header: destination options (RFC 8200 §4.6). */
    public static final int NH_DEST_OPTS = 60;
    /** Next header: UDP-Lite (RFC 3828). */
    public static final int NH_UDPLITE = 136;

    private Ipv6Packet() {
    }

    /**
     * Checks {@code avail} bytes at {@code off} as an IPv6 packet. Returns the packet length
     * (40 plus the payload length, at most {@code avail}) or a negative {@link Drop} code:
     * fewer than 40 bytes ({@code TRUNCATED}), version not 6 ({@code UNSUPPORTED}), a
     * payload length beyond the bytes present ({@code BAD_LENGTH}). Bytes past the payload
     * length (link padding) are allowed; the caller trims them. A payload length of zero is
     * taken as it is: jumbograms (RFC 2675) are not supported.
     */
    public static int check(MemorySegment s, long off, int avail) {
        if (avail < HEADER_LEN) {
            return -Drop.TRUNCATED.code();
        }
        if (version(s, off) != 6) {
            return -Drop.UNSUPPORTED.code();
        }
        int total = HEADER_LEN + payloadLen(s, off);
        if (total > avail) {
            return -Drop.BAD_LENGTH.code();
        }
        return total;
    }

    /** Version nibble. */
    public static int version(MemorySegment s, long off) {
        return Bytes.u8(s, off) >>> 4;
    }

    /** Traffic class (DSCP and ECN, RFC 8200 §7). */
    public static int trafficClass(MemorySegment s, long off) {
        return (Bytes.u16(s, off) >>> 4) & 0xff;
    }

    /** Flow label (RFC 6437), 20 bits. */
    public static int flowLabel(MemorySegment s, long off) {
        return Bytes.i32(s, off) & 0xf_ffff;
    }

    /** Payload length. */
    public static int payloadLen(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.PAYLOAD_LEN);
    }

    /** Next header. */
    public static int nextHeader(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.NEXT_HEADER);
    }

    /** Hop limit. */
    public static int hopLimit(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.HOP_LIMIT);
    }

    /** First 64 bits of the source address. */
    public static long srcHi(MemorySegment s, long off) {
        return s.get(Bytes.BE_LONG, off + Field.SRC);
    }

    /** Last 64 bits of the source address. */
    public static long srcLo(MemorySegment s, long off) {
        return s.get(Bytes.BE_LONG, off + Field.SRC + 8);
    }

    /** First 64 bits of the destination address. */
    public static long dstHi(MemorySegment s, long off) {
        return s.get(Bytes.BE_LONG, off + Field.DST);
    }

    /** Last 64 bits of the destination address. */
    public static long dstLo(MemorySegment s, long off) {
        return s.get(Bytes.BE_LONG, off + Field.DST + 8);
    }

    /** Sets the payload length. */
    public static void setPayloadLen(MemorySegment s, long off, int len) {
        Bytes.put16(s, off + Field.PAYLOAD_LEN, len);
    }

    /** Sets the next header. */
    public static void setNextHeader(MemorySegment s, long off, int nh) {
        Bytes.put8(s, off + Field.NEXT_HEADER, nh);
    }

    /** Sets the hop limit (forwarding decrements it, RFC 8200 §3). */
    public static void setHopLimit(MemorySegment s, long off, int hopLimit) {
        Bytes.put8(s, off + Field.HOP_LIMIT, hopLimit);
    }

    /** Sets the source address. */
    public static void setSrc(MemorySegment s, long off, long hi, long lo) {
        s.set(Bytes.BE_LONG, off + Field.SRC, hi);
        s.set(Bytes.BE_LONG, off + Field.SRC + 8, lo);
    }

    /** Sets the destination address. */
    public static void setDst(MemorySegment s, long off, long hi, long lo) {
        s.set(Bytes.BE_LONG, off + Field.DST, hi);
        s.set(Bytes.BE_LONG, off + Field.DST + 8, lo);
    }

    /**
     * Writes the 40-byte fixed header at {@code off} (RFC 8200 §3). Fields take the low bits
     * of their arguments (8 for traffic class, next header and hop limit, 20 for the flow
     * label, 16 for the payload length).
     */
    public static void emit(MemorySegment s, long off, int trafficClass, int flowLabel, int payloadLen,
            int nextHeader, int hopLimit, long srcHi, long srcLo, long dstHi, long dstLo) {
        Bytes.put32(s, off + Field.VER_TC_FLOW, 6 << 28 | (trafficClass & 0xff) << 20 | (flowLabel & 0xf_ffff));
        Bytes.put32(s, off + Field.PAYLOAD_LEN, (payloadLen & 0xffff) << 16 | (nextHeader & 0xff) << 8 | (hopLimit & 0xff));
        setSrc(s, off, srcHi, srcLo);
        setDst(s, off, dstHi, dstLo);
    }
}
