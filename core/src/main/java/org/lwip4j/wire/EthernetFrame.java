package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;

/**
 * Ethernet II header view (IEEE 802.3 with RFC 894 framing): destination and source MAC,
 * EtherType, and at most one IEEE 802.1Q tag, which input skips.
 */
public final class EthernetFrame {
    /** Field offsets. */
    public static final class Field {
        /** Destination MAC. */
        public static final int DST = 0;
        /** Source MAC. */
        public static final int SRC = 6;
        /** EtherType (or TPID 0x8100 of an 802.1Q tag). */
        public static final int TYPE = 12;
        /** Payload of an untagged frame. */
        public static final int PAYLOAD = 14;
        /** Tag control information of an 802.1Q-tagged frame (PCP 3 bits, DEI 1, VID 12). */
        public static final int TCI = 14;
        /** EtherType of an 802.1Q-tagged frame, after the tag. */
        public static final int INNER_TYPE = 16;
        /** Payload of a frame with one 802.1Q tag. */
        public static final int TAGGED_PAYLOAD = 18;

        private Field() {
        }
    }

    /** Bytes of an untagged header. */
    public static final int HEADER_LEN = 14;
    /** Bytes of a header with one 802.1Q tag. */
    public static final int TAGGED_HEADER_LEN = 18;
    /** IPv4 EtherType. */
    public static final int TYPE_IPV4 = 0x0800;
    /** ARP EtherType. */
    public static final int TYPE_ARP = 0x0806;
    /** IEEE 802.1Q tag protocol identifier. */
    public static final int TYPE_VLAN = 0x8100;
    /** IPv6 EtherType. */
    public static final int TYPE_IPV6 = 0x86dd;
    /** PPPoE discovery. */
    public static final int TYPE_PPPOE_DISC = 0x8863;
    /** PPPoE session. */
    public static final int TYPE_PPPOE = 0x8864;

    private EthernetFrame() {
    }

    /**
     * Checks a frame of {@code len} bytes at {@code off}: returns the header length (14, or
     * 18 with an 802.1Q tag) or a negative {@link Drop} code when it is too short or the
     * type field is an IEEE 802.3 length (&lt; 0x0600), which we do not carry.
     */
    public static int check(MemorySegment s, long off, int len) {
        if (len < HEADER_LEN) {
            return -Drop.TRUNCATED.code();
        }
        int type = Bytes.u16(s, off + Field.TYPE);
        int hdr = HEADER_LEN;
        if (type == TYPE_VLAN) {
            if (len < TAGGED_HEADER_LEN) {
                return -Drop.TRUNCATED.code();
            }
            type = Bytes.u16(s, off + Field.INNER_TYPE);
            hdr = TAGGED_HEADER_LEN;
        }
        if (type < 0x0600) {
            return -Drop.UNSUPPORTED.code();
        }
        return hdr;
    }

    /** Destination MAC (48 bits). */
    public static long destination(MemorySegment s, long off) {
        return Bytes.u48(s, off + Field.DST);
    }

    /** Source MAC (48 bits). */
    public static long source(MemorySegment s, long off) {
        return Bytes.u48(s, off + Field.SRC);
    }

    /** The EtherType of a checked frame whose header is {@code hdrLen} bytes. */
    public static int etherType(MemorySegment s, long off, int hdrLen) {
        return Bytes.u16(s, off + hdrLen - 2);
    }

    /** The 802.1Q VLAN id of a checked tagged frame, or -1 for an untagged one. */
    public static int vlanId(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.TYPE) == TYPE_VLAN ? Bytes.u16(s, off + Field.TCI) & 0x0fff : -1;
    }

    /**
     * The whole 16-bit 802.1Q tag control information (IEEE 802.1Q §9.6: priority code
     * point, drop eligible indicator, VLAN id) of a checked tagged frame, or -1 for an
     * untagged one.
     */
    public static int tci(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.TYPE) == TYPE_VLAN ? Bytes.u16(s, off + Field.TCI) : -1;
    }

    /** Writes an untagged 14-byte header at {@code off}. */
    public static void emit(MemorySegment s, long off, long dst, long src, int etherType) {
        Bytes.put48(s, off + Field.DST, dst);
        Bytes.put48(s, off + Field.SRC, src);
        Bytes.put16(s, off + Field.TYPE, etherType);
    }

    /** Writes an 18-byte header with one 802.1Q tag ({@code tci}: PCP, DEI, VID) at {@code off}. */
    public static void emitTagged(MemorySegment s, long off, long dst, long src, int tci, int etherType) {
        Bytes.put48(s, off + Field.DST, dst);
        Bytes.put48(s, off + Field.SRC, src);
        Bytes.put16(s, off + Field.TYPE, TYPE_VLAN);
        Bytes.put16(s, off + Field.TCI, tci);
        Bytes.put16(s, off + Field.INNER_TYPE, etherType);
    }
}
