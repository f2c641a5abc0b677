package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Checksum;

/**
 * IPv4 header view (RFC 791 §3.1). {@link #check} validates untrusted bytes once (version,
 * header length, total length against the bytes present, options walked within the
 * header); after it the accessors cannot read outside the header.
 */
public final class Ipv4Packet {
    /** Field offsets. */
    public static final class Field {
        /** Version (high nibble) and IHL (low nibble, 32-bit words). */
        public static final int VER_IHL = 0;
        /** Type of service / DSCP+ECN. */
        public static final int TOS = 1;
        /** Total length. */
        public static final int LENGTH = 2;
        /** Identification. */
        public static final int IDENT = 4;
        /** Flags (3 bits) and fragment offset (13 bits, 8-byte units). */
        public static final int FLAGS_FRAG = 6;
        /** Time to live. */
        public static final int TTL = 8;
        /** Protocol. */
        public static final int PROTOCOL = 9;
        /** Header checksum. */
        public static final int CHECKSUM = 10;
        /** Source address. */
        public static final int SRC = 12;
        /** Destination address. */
        public static final int DST = 16;
        /** First option byte. */
        public static final int OPTIONS = 20;

        private Field() {
        }
    }

    /** Bytes of a header without options. */
    public static final int MIN_HEADER_LEN = 20;
    /** Bytes of the longest header (IHL 15). */
    public static final int MAX_HEADER_LEN = 60;
    /** Flag bit: don't fragment (in the 16-bit flags/offset word). */
    public static final int FLAG_DF = 0x4000;
    /** Flag bit: more fragments. */
    public static final int FLAG_MF = 0x2000;
    /** Mask of the fragment offset in the flags/offset word. */
    public static final int OFFSET_MASK = 0x1fff;
    /** Protocol number: ICMP. */
    public static final int PROTO_ICMP = 1;
    /** Protocol number: IGMP. */
    public static final int PROTO_IGMP = 2;
    /** Protocol number: TCP. */
    public static final int PROTO_TCP = 6;
    /** Protocol number: UDP. */
    public static final int PROTO_UDP = 17;
    /** Protocol number: UDP-Lite (RFC 3828). */
    public static final int PROTO_UDPLITE = 136;

    /** Option type: end of option list. */
    public static final int OPT_EOL = 0;
    /** Option type: no operation. */
    public static final int OPT_NOP = 1;
    /** Option type: router alert (RFC 2113). */
    public static final int OPT_ROUTER_ALERT = 148;

    private Ipv4Packet() {
    }

    /**
     * Checks {@code avail} bytes at {@code off} as an IPv4 packet. Returns the header length
     * (20..60) or a negative {@link Drop} code: fewer than 20 bytes or than the header
     * length ({@code TRUNCATED}), version not 4 ({@code UNSUPPORTED}), IHL below 5
     * ({@code MALFORMED}), total length below the header length or above the bytes present
     * ({@code BAD_LENGTH}), options that overrun the header ({@code BAD_OPTION}). Bytes past
     * the total length (link padding) are allowed; the caller trims them.
     */
    public static int check(MemorySegment s, long off, int avail) {
        if (avail < MIN_HEADER_LEN) {
            return -Drop.TRUNCATED.code();
        }
        int vihl = Bytes.u8(s, off + Field.VER_IHL);
        if ((vihl >>> 4) != 4) {
            return -Drop.UNSUPPORTED.code();
        }
        int hl = (vihl & 0x0f) * 4;
        if (hl < MIN_HEADER_LEN) {
            return -Drop.MALFORMED.code();
        }
        if (hl > avail) {
            return -Drop.TRUNCATED.code();
        }
        int total = Bytes.u16(s, off + Field.LENGTH);
        if (total < hl || total > avail) {
            return -Drop.BAD_LENGTH.code();
        }
        if (hl > MIN_HEADER_LEN && checkOptions(s, off, hl) < 0) {
            return -Drop.BAD_OPTION.code();
        }
        return hl;
    }

    /**
     * Walks the options of a header of {@code hl} bytes (RFC 791 §3.1 "Options"): each
     * option is one byte (EOL, NOP) or type, length (at least 2) and data, never past the
     * header. Returns 0, or -1 when an option overruns.
     */
    public static int checkOptions(MemorySegment s, long off, int hl) {
        int i = MIN_HEADER_LEN;
        while (i < hl) {
            int type = Bytes.u8(s, off + i);
            if (type == OPT_EOL) {
                return 0;
            }
            if (type == OPT_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= hl) {
                return -1;
            }
            int len = Bytes.u8(s, off + i + 1);
            if (len < 2 || i + len > hl) {
                return -1;
            }
            i += len;
        }
        return 0;
    }

    /**
     * Offset (from the header start) of the first option of {@code type} in a checked header
     * of {@code hl} bytes, or -1.
     */
    public static int findOption(MemorySegment s, long off, int hl, int type) {
        int i = MIN_HEADER_LEN;
        while (i < hl) {
            int t = Bytes.u8(s, off + i);
            if (t == OPT_EOL) {
                return -1;
            }
            if (t == type) {
                return i;
            }
            i += t == OPT_NOP ? 1 : Math.max(2, Bytes.u8(s, off + i + 1));
        }
        return -1;
    }

    /** Version nibble. */
    public static int version(MemorySegment s, long off) {
        return Bytes.u8(s, off) >>> 4;
    }

    /** Header length in bytes. */
    public static int headerLen(MemorySegment s, long off) {
        return (Bytes.u8(s, off) & 0x0f) * 4;
    }

    /** Type of service byte. */
    public static int tos(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.TOS);
    }

    /** Total length. */
    public static int totalLen(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.LENGTH);
    }

    /** Identification. */
    public static int ident(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.IDENT);
    }

    /** The 16-bit flags/fragment-offset word. */
    public static int flagsFrag(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.FLAGS_FRAG);
    }

    /** Fragment offset in bytes. */
    public static int fragOffset(MemorySegment s, long off) {
        return (flagsFrag(s, off) & OFFSET_MASK) * 8;
    }

    /** True when the more-fragments flag is set. */
    public static boolean moreFragments(MemorySegment s, long off) {
        return (flagsFrag(s, off) & FLAG_MF) != 0;
    }

    /** True when the packet is a fragment (MF set or a non-zero offset). */
    public static boolean isFragment(MemorySegment s, long off) {
        return (flagsFrag(s, off) & (FLAG_MF | OFFSET_MASK)) != 0;
    }

    /** Time to live. */
    public static int ttl(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.TTL);
    }

    /** Protocol number. */
    public static int protocol(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.PROTOCOL);
    }

    /** Header checksum field. */
    public static int checksum(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.CHECKSUM);
    }

    /** Source address bits. */
    public static int src(MemorySegment s, long off) {
        return Bytes.i32(s, off + Field.SRC);
    }

    /** Destination address bits. */
    public static int dst(MemorySegment s, long off) {
        return Bytes.i32(s, off + Field.DST);
    }

    /** True when the header checksum of a header of {@code hl} bytes verifies. */
    public static boolean checksumOk(MemorySegment s, long off, int hl) {
        return Checksum.verifies(Checksum.partial(s, off, hl, 0));
    }

    /** Computes and stores the header checksum of a header of {@code hl} bytes. */
    public static void fillChecksum(MemorySegment s, long off, int hl) {
        Bytes.put16(s, off + Field.CHECKSUM, 0);
        Bytes.put16(s, off + Field.CHECKSUM, Checksum.of(s, off, hl));
    }

    /** Sets the TTL. */
    public static void setTtl(MemorySegment s, long off, int ttl) {
        Bytes.put8(s, off + Field.TTL, ttl);
    }

    /** Sets the checksum field. */
    public static void setChecksum(MemorySegment s, long off, int sum) {
        Bytes.put16(s, off + Field.CHECKSUM, sum);
    }

    /** Sets the total length. */
    public static void setTotalLen(MemorySegment s, long off, int len) {
        Bytes.put16(s, off + Field.LENGTH, len);
    }

    /** Sets the flags/fragment-offset word. */
    public static void setFlagsFrag(MemorySegment s, long off, int v) {
        Bytes.put16(s, off + Field.FLAGS_FRAG, v);
    }

    /** Sets the destination address. */
    public static void setDst(MemorySegment s, long off, int dst) {
        Bytes.put32(s, off + Field.DST, dst);
    }

    /** Sets the source address. */
    public static void setSrc(MemorySegment s, long off, int src) {
        Bytes.put32(s, off + Field.SRC, src);
    }

    /**
     * Writes a 20-byte header (no options) at {@code off}; computes the checksum when
     * {@code checksum} is true, else leaves the field zero (offloaded). Fields take the low
     * bits of their arguments.
     *
     * <p>The header is written as five 32-bit words, and its checksum (RFC 791 §3.1) is the
     * ones' complement sum of the field values (RFC 1071 §2) rather than of the bytes just
     * stored: the same value, without reading back memory the stores have not yet reached.
     */
    public static void emit(MemorySegment s, long off, int tos, int totalLen, int ident, int flagsFrag,
            int ttl, int protocol, int src, int dst, boolean checksum) {
        int w0 = 0x4500 | (tos & 0xff);
        int w1 = totalLen & 0xffff;
        int w2 = ident & 0xffff;
        int w3 = flagsFrag & 0xffff;
        int w4 = (ttl & 0xff) << 8 | (protocol & 0xff);
        int field = 0;
        if (checksum) {
            field = Checksum.finish((long) w0 + w1 + w2 + w3 + w4 + (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff));
        }
        Bytes.put32(s, off + Field.VER_IHL, w0 << 16 | w1);
        Bytes.put32(s, off + Field.IDENT, w2 << 16 | w3);
        Bytes.put32(s, off + Field.TTL, w4 << 16 | field);
        Bytes.put32(s, off + Field.SRC, src);
        Bytes.put32(s, off + Field.DST, dst);
    }
}
