package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;

/**
 * Neighbor Discovery message views (RFC 4861 §4.1-§4.5) over an ICMPv6 message: router
 * solicitation and advertisement, neighbor solicitation and advertisement, redirect. Each
 * message has a fixed part after the ICMPv6 header and then options, walked by
 * {@link NdOption}. {@link #check} applies the validation of RFC 4861 §6.1.1, §6.1.2,
 * §7.1.1, §7.1.2 and §8.1 that needs only the message; the hop limit of 255, the source
 * address conditions and the checksum (see {@link Icmpv6Packet#checksumOk}) are the
 * caller's, which has the IPv6 header.
 */
public final class NdPacket {
    /** Field offsets from the start of the ICMPv6 message. */
    public static final class Field {
        /** RA: current hop limit. */
        public static final int CUR_HOP_LIMIT = 4;
        /** RA: flags (M, O, ...). */
        public static final int RA_FLAGS = 5;
        /** RA: router lifetime in seconds. */
        public static final int ROUTER_LIFETIME = 6;
        /** RA: reachable time in milliseconds. */
        public static final int REACHABLE_TIME = 8;
        /** RA: retransmission timer in milliseconds. */
        public static final int RETRANS_TIMER = 12;
        /** NA: flags (R, S, O) in the high bits of the byte. */
        public static final int NA_FLAGS = 4;
        /** NS, NA, redirect: target address. */
        public static final int TARGET = 8;
        /** Redirect: destination address. */
        public static final int DESTINATION = 24;

        private Field() {
        }
    }

    /** Bytes before the options of a router solicitation. */
    public static final int RS_LEN = 8;
    /** Bytes before the options of a router advertisement. */
    public static final int RA_LEN = 16;
    /** Bytes before the options of a neighbor solicitation. */
    public static final int NS_LEN = 24;
    /** Bytes before the options of a neighbor advertisement. */
    public static final int NA_LEN = 24;
    /** Bytes before the options of a redirect. */
    public static final int REDIRECT_LEN = 40;

    /** RA flag: managed address configuration (RFC 4861 §4.2). */
    public static final int RA_MANAGED = 0x80;
    /** RA flag: other configuration (RFC 4861 §4.2). */
    public static final int RA_OTHER = 0x40;
    /** NA flag: router (RFC 4861 §4.4). */
    public static final int NA_ROUTER = 0x80;
    /** NA flag: solicited. */
    public static final int NA_SOLICITED = 0x40;
    /** NA flag: override. */
    public static final int NA_OVERRIDE = 0x20;

    private NdPacket() {
    }

    /**
     * Bytes before the options of ND message {@code type}, or -1 when the type is not one of
     * RFC 4861 §4.
     */
    public static int fixedLen(int type) {
        return switch (type) {
            case Icmpv6Packet.TYPE_ROUTER_SOLICIT -> RS_LEN;
            case Icmpv6Packet.TYPE_ROUTER_ADVERT -> RA_LEN;
            case Icmpv6Packet.TYPE_NEIGHBOR_SOLICIT -> NS_LEN;
            case Icmpv6Packet.TYPE_NEIGHBOR_ADVERT -> NA_LEN;
            case Icmpv6Packet.TYPE_REDIRECT -> REDIRECT_LEN;
            default -> -1;
        };
    }

    /**
     * Checks an ND message of {@code len} bytes at {@code off}. Returns the offset of its
     * options (the fixed length of its type) or a negative {@link Drop} code: a type that
     * is not ND ({@code UNSUPPORTED}); fewer bytes than the fixed part ({@code TRUNCATED});
     * a code other than 0, or a multicast target (NS, NA) or destination (redirect) address
     * ({@code MALFORMED}); options as {@link NdOption#check} refuses them (a zero length
     * is {@code MALFORMED}: §4.6 says drop the whole message).
     */
    public static int check(MemorySegment s, long off, int len) {
        if (len < Icmpv6Packet.HEADER_LEN) {
            return -Drop.TRUNCATED.code();
        }
        int type = Icmpv6Packet.type(s, off);
        int fixed = fixedLen(type);
        if (fixed < 0) {
            return -Drop.UNSUPPORTED.code();
        }
        if (len < fixed) {
            return -Drop.TRUNCATED.code();
        }
        if (Icmpv6Packet.code(s, off) != 0) {
            return -Drop.MALFORMED.code();
        }
        if ((type == Icmpv6Packet.TYPE_NEIGHBOR_SOLICIT || type == Icmpv6Packet.TYPE_NEIGHBOR_ADVERT)
                && Bytes.u8(s, off + Field.TARGET) == 0xff) {
            return -Drop.MALFORMED.code();
        }
        if (type == Icmpv6Packet.TYPE_REDIRECT && Bytes.u8(s, off + Field.DESTINATION) == 0xff) {
            return -Drop.MALFORMED.code();
        }
        int r = NdOption.check(s, off + fixed, len - fixed);
        return r < 0 ? r : fixed;
    }

    /** RA: current hop limit (0: unspecified). */
    public static int curHopLimit(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.CUR_HOP_LIMIT);
    }

    /** RA: the flags byte ({@link #RA_MANAGED}, {@link #RA_OTHER}, and later extensions). */
    public static int raFlags(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.RA_FLAGS);
    }

    /** RA: router lifetime in seconds (0: not a default router). */
    public static int routerLifetime(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.ROUTER_LIFETIME);
    }

    /** RA: reachable time in milliseconds (0: unspecified), unsigned. */
    public static long reachableTime(MemorySegment s, long off) {
        return Integer.toUnsignedLong(Bytes.i32(s, off + Field.REACHABLE_TIME));
    }

    /** RA: retransmission timer in milliseconds (0: unspecified), unsigned. */
    public static long retransTimer(MemorySegment s, long off) {
        return Integer.toUnsignedLong(Bytes.i32(s, off + Field.RETRANS_TIMER));
    }

    /** NA: the flags byte ({@link #NA_ROUTER}, {@link #NA_SOLICITED}, {@link #NA_OVERRIDE}). */
    public static int naFlags(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.NA_FLAGS);
    }

    /** NS, NA, redirect: first 64 bits of the target address. */
    public static long targetHi(MemorySegment s, long off) {
        return s.get(Bytes.BE_LONG, off + Field.TARGET);
    }

    /** NS, NA, redirect: last 64 bits of the target address. */
    public static long targetLo(MemorySegment s, long off) {
        return s.get(Bytes.BE_LONG, off + Field.TARGET + 8);
    }

    /** Redirect: first 64 bits of the destination address. */
    public static long destinationHi(MemorySegment s, long off) {
        return s.get(Bytes.BE_LONG, off + Field.DESTINATION);
    }

    /** Redirect: last 64 bits of the destination address. */
    public static long destinationLo(MemorySegment s, long off) {
        return s.get(Bytes.BE_LONG, off + Field.DESTINATION + 8);
    }

    /** Writes a router solicitation's 8 bytes (RFC 4861 §4.1), checksum zero. */
    public static void emitRouterSolicit(MemorySegment s, long off) {
        Icmpv6Packet.emit(s, off, Icmpv6Packet.TYPE_ROUTER_SOLICIT, 0, 0);
    }

    /** Writes a router advertisement's 16 fixed bytes (RFC 4861 §4.2), checksum zero. */
    public static void emitRouterAdvert(MemorySegment s, long off, int curHopLimit, int flags, int routerLifetime,
            int reachableTime, int retransTimer) {
        Icmpv6Packet.emit(s, off, Icmpv6Packet.TYPE_ROUTER_ADVERT, 0,
                (curHopLimit & 0xff) << 24 | (flags & 0xff) << 16 | (routerLifetime & 0xffff));
        Bytes.put32(s, off + Field.REACHABLE_TIME, reachableTime);
        Bytes.put32(s, off + Field.RETRANS_TIMER, retransTimer);
    }

    /** Writes a neighbor solicitation's 24 fixed bytes (RFC 4861 §4.3), checksum zero. */
    public static void emitNeighborSolicit(MemorySegment s, long off, long targetHi, long targetLo) {
        Icmpv6Packet.emit(s, off, Icmpv6Packet.TYPE_NEIGHBOR_SOLICIT, 0, 0);
        setTarget(s, off, targetHi, targetLo);
    }

    /** Writes a neighbor advertisement's 24 fixed bytes (RFC 4861 §4.4) with the flags byte, checksum zero. */
    public static void emitNeighborAdvert(MemorySegment s, long off, int flags, long targetHi, long targetLo) {
        Icmpv6Packet.emit(s, off, Icmpv6Packet.TYPE_NEIGHBOR_ADVERT, 0, (flags & 0xff) << 24);
        setTarget(s, off, targetHi, targetLo);
    }

    /** Writes a redirect's 40 fixed bytes (RFC 4861 §4.5), checksum zero. */
    public static void emitRedirect(MemorySegment s, long off, long targetHi, long targetLo, long dstHi, long dstLo) {
        Icmpv6Packet.emit(s, off, Icmpv6Packet.TYPE_REDIRECT, 0, 0);
        setTarget(s, off, targetHi, targetLo);
        s.set(Bytes.BE_LONG, off + Field.DESTINATION, dstHi);
        s.set(Bytes.BE_LONG, off + Field.DESTINATION + 8, dstLo);
    }

    private static void setTarget(MemorySegment s, long off, long hi, long lo) {
        s.set(Bytes.BE_LONG, off + Field.TARGET, hi);
        s.set(Bytes.BE_LONG, off + Field.TARGET + 8, lo);
    }
}
