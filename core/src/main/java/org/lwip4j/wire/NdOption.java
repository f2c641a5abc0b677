package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;

/**
 * Neighbor Discovery options (RFC 4861 §4.6): type, length in units of 8 bytes, data.
 * {@link #check} walks the options of a message once; after it every option starts at a
 * position the walk visited and {@link #next} reaches the end in at most {@code len/8}
 * steps. The accessors take the segment offset of an option's type byte; those of a
 * particular option need {@link #valid} first (its length is the one its RFC gives).
 */
public final class NdOption {
    /** Source link-layer address (RFC 4861 §4.6.1). */
    public static final int SOURCE_LL_ADDR = 1;
    /** Target link-layer address (RFC 4861 §4.6.1). */
    public static final int TARGET_LL_ADDR = 2;
    /** Prefix information (RFC 4861 §4.6.2). */
    public static final int PREFIX_INFO = 3;
    /** Redirected header (RFC 4861 §4.6.3). */
    public static final int REDIRECTED_HEADER = 4;
    /** MTU (RFC 4861 §4.6.4). */
    public static final int MTU = 5;
    /** Recursive DNS server (RFC 8106 §5.1). */
    public static final int RDNSS = 25;

    /** Prefix flag: on-link (RFC 4861 §4.6.2). */
    public static final int PREFIX_ON_LINK = 0x80;
    /** Prefix flag: autonomous address configuration (RFC 4861 §4.6.2, RFC 4862 §5.5.3). */
    public static final int PREFIX_AUTONOMOUS = 0x40;
    /** A lifetime of all ones: infinity (RFC 4861 §4.6.2). */
    public static final long INFINITE = 0xffff_ffffL;

    /** Bytes of a link-layer address option for a 48-bit address. */
    public static final int LINK_LAYER_LEN = 8;
    /** Bytes of a prefix information option. */
    public static final int PREFIX_INFO_LEN = 32;
    /** Bytes of an MTU option. */
    public static final int MTU_LEN = 8;
    /** Bytes of the redirected header option before the quoted packet. */
    public static final int REDIRECTED_HEADER_DATA = 8;

    private NdOption() {
    }

    /**
     * Walks the options in {@code [off, off+len)}. Returns how many there are, or a negative
     * {@link Drop} code: an option with length 0 ({@code MALFORMED}: RFC 4861 §4.6 says the
     * node must silently discard the whole packet), an option header cut off or an option
     * running past the end ({@code TRUNCATED}).
     */
    public static int check(MemorySegment s, long off, int len) {
        int n = 0;
        long end = off + len;
        for (long o = off; o < end; o = next(s, o)) {
            if (end - o < 2) {
                return -Drop.TRUNCATED.code();
            }
            int units = Bytes.u8(s, o + 1);
            if (units == 0) {
                return -Drop.MALFORMED.code();
            }
            if (units * 8L > end - o) {
                return -Drop.TRUNCATED.code();
            }
            n++;
        }
        return n;
    }

    /**
     * Segment offset of the first option of {@code type} among the checked options in
     * {@code [off, off+len)}, or -1.
     */
    public static long find(MemorySegment s, long off, int len, int type) {
        long end = off + len;
        for (long o = off; o < end; o = next(s, o)) {
            if (type(s, o) == type) {
                return o;
            }
        }
        return -1;
    }

    /** Segment offset of the option after the one at {@code o}. */
    public static long next(MemorySegment s, long o) {
        return o + length(s, o);
    }

    /** Option type. */
    public static int type(MemorySegment s, long o) {
        return Bytes.u8(s, o);
    }

    /** Option length in bytes (8 times the length field). */
    public static int length(MemorySegment s, long o) {
        return Bytes.u8(s, o + 1) * 8;
    }

    /**
     * True when the option's length is one its RFC allows: at least 8 bytes for link-layer
     * addresses and the redirected header, 32 for prefix information, 8 for MTU, 24 + 16n
     * (n ≥ 1) for RDNSS (RFC 8106 §5.1). Other types are true (to be skipped, §4.6). A
     * receiver ignores an option that is not valid.
     */
    public static boolean valid(MemorySegment s, long o) {
        int units = Bytes.u8(s, o + 1);
        return switch (type(s, o)) {
            case SOURCE_LL_ADDR, TARGET_LL_ADDR, REDIRECTED_HEADER -> units >= 1;
            case PREFIX_INFO -> units == 4;
            case MTU -> units == 1;
            case RDNSS -> units >= 3 && (units & 1) == 1;
            default -> true;
        };
    }

    /** Source/target link-layer address: the 48-bit Ethernet address (RFC 2464 §8). */
    public static long linkLayerAddress(MemorySegment s, long o) {
        return Bytes.u48(s, o + 2);
    }

    /** Prefix information: prefix length in bits. */
    public static int prefixLength(MemorySegment s, long o) {
        return Bytes.u8(s, o + 2);
    }

    /** Prefix information: flags ({@link #PREFIX_ON_LINK}, {@link #PREFIX_AUTONOMOUS}). */
    public static int prefixFlags(MemorySegment s, long o) {
        return Bytes.u8(s, o + 3);
    }

    /** Prefix information: valid lifetime in seconds ({@link #INFINITE}: forever). */
    public static long validLifetime(MemorySegment s, long o) {
        return Integer.toUnsignedLong(Bytes.i32(s, o + 4));
    }

    /** Prefix information: preferred lifetime in seconds ({@link #INFINITE}: forever). */
    public static long preferredLifetime(MemorySegment s, long o) {
        return Integer.toUnsignedLong(Bytes.i32(s, o + 8));
    }

    /** Prefix information: first 64 bits of the prefix. */
    public static long prefixHi(MemorySegment s, long o) {
        return s.get(Bytes.BE_LONG, o + 16);
    }

    /** Prefix information: last 64 bits of the prefix. */
    public static long prefixLo(MemorySegment s, long o) {
        return s.get(Bytes.BE_LONG, o + 24);
    }

    /** MTU option: the MTU, unsigned. */
    public static long mtu(MemorySegment s, long o) {
        return Integer.toUnsignedLong(Bytes.i32(s, o + 4));
    }

    /** Redirected header: segment offset of the quoted packet. */
    public static long redirectedData(MemorySegment s, long o) {
        return o + REDIRECTED_HEADER_DATA;
    }

    /** Redirected header: bytes of the quoted packet (with any padding). */
    public static int redirectedDataLen(MemorySegment s, long o) {
        return length(s, o) - REDIRECTED_HEADER_DATA;
    }

    /** RDNSS: lifetime in seconds ({@link #INFINITE}: forever, 0: remove). */
    public static long rdnssLifetime(MemorySegment s, long o) {
        return Integer.toUnsignedLong(Bytes.i32(s, o + 4));
    }

    /** RDNSS: number of server addresses. */
    public static int rdnssCount(MemorySegment s, long o) {
        return (Bytes.u8(s, o + 1) - 1) / 2;
    }

    /** RDNSS: first 64 bits of server address {@code i}. */
    public static long rdnssHi(MemorySegment s, long o, int i) {
        return s.get(Bytes.BE_LONG, o + 8 + 16L * i);
    }

    /** RDNSS: last 64 bits of server address {@code i}. */
    public static long rdnssLo(MemorySegment s, long o, int i) {
        return s.get(Bytes.BE_LONG, o + 16 + 16L * i);
    }

    /** Writes an 8-byte source or target link-layer address option for an Ethernet address; returns 8. */
    public static int emitLinkLayer(MemorySegment s, long o, int type, long mac) {
        Bytes.put16(s, o, (type & 0xff) << 8 | 1);
        Bytes.put48(s, o + 2, mac);
        return LINK_LAYER_LEN;
    }

    /** Writes a 32-byte prefix information option (RFC 4861 §4.6.2); returns 32. */
    public static int emitPrefixInfo(MemorySegment s, long o, int prefixLength, int flags, int validLifetime,
            int preferredLifetime, long prefixHi, long prefixLo) {
        Bytes.put32(s, o, PREFIX_INFO << 24 | 4 << 16 | (prefixLength & 0xff) << 8 | (flags & 0xff));
        Bytes.put32(s, o + 4, validLifetime);
        Bytes.put32(s, o + 8, preferredLifetime);
        Bytes.put32(s, o + 12, 0);
        s.set(Bytes.BE_LONG, o + 16, prefixHi);
        s.set(Bytes.BE_LONG, o + 24, prefixLo);
        return PREFIX_INFO_LEN;
    }

    /** Writes an 8-byte MTU option (RFC 4861 §4.6.4); returns 8. */
    public static int emitMtu(MemorySegment s, long o, int mtu) {
        Bytes.put32(s, o, MTU << 24 | 1 << 16);
        Bytes.put32(s, o + 4, mtu);
        return MTU_LEN;
    }

    /**
     * Writes the 8-byte start of a redirected header option (RFC 4861 §4.6.3) that will quote
     * {@code dataLen} bytes; returns the option's length (8 plus the data rounded up to 8).
     * The caller copies the data after it and zeroes the padding.
     */
    public static int emitRedirectedHeader(MemorySegment s, long o, int dataLen) {
        int units = (dataLen + REDIRECTED_HEADER_DATA + 7) / 8;
        Bytes.put32(s, o, REDIRECTED_HEADER << 24 | (units & 0xff) << 16);
        Bytes.put32(s, o + 4, 0);
        return units * 8;
    }

    /**
     * Writes an RDNSS option (RFC 8106 §5.1) with the addresses given as first/last 64-bit
     * halves in pairs; returns its length (8 + 16 per address).
     */
    public static int emitRdnss(MemorySegment s, long o, int lifetime, long... hiLo) {
        if (hiLo.length == 0 || (hiLo.length & 1) != 0) {
            throw new IllegalArgumentException("RDNSS needs one or more addresses as hi/lo pairs");
        }
        int units = 1 + hiLo.length;
        Bytes.put32(s, o, RDNSS << 24 | units << 16);
        Bytes.put32(s, o + 4, lifetime);
        for (int i = 0; i < hiLo.length; i++) {
            s.set(Bytes.BE_LONG, o + 8 + 8L * i, hiLo[i]);
        }
        return units * 8;
    }
}
