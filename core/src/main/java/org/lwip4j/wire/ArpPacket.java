package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;

/**
 * ARP packet view for IPv4 over Ethernet (RFC 826): hardware type 1, protocol 0x0800,
 * 6-byte hardware and 4-byte protocol addresses, 28 bytes.
 */
public final class ArpPacket {
    /** Field offsets. */
    public static final class Field {
        /** Hardware type (1 = Ethernet). */
        public static final int HTYPE = 0;
        /** Protocol type (0x0800 = IPv4). */
        public static final int PTYPE = 2;
        /** Hardware address length (6). */
        public static final int HLEN = 4;
        /** Protocol address length (4). */
        public static final int PLEN = 5;
        /** Operation (1 request, 2 reply). */
        public static final int OPER = 6;
        /** Sender hardware address. */
        public static final int SHA = 8;
        /** Sender protocol address. */
        public static final int SPA = 14;
        /** Target hardware address. */
        public static final int THA = 18;
        /** Target protocol address. */
        public static final int TPA = 24;

        private Field() {
        }
    }

    /** Bytes of an IPv4-over-Ethernet ARP packet. */
    public static final int LEN = 28;
    /** Operation: request. */
    public static final int OP_REQUEST = 1;
    /** Operation: reply. */
    public static final int OP_REPLY = 2;

    private ArpPacket() {
    }

    /**
     * Checks {@code len} bytes at {@code off}: 0 when they hold an IPv4-over-Ethernet ARP
     * packet (trailing padding allowed), else a negative {@link Drop} code (shorter than 28
     * bytes, other hardware or protocol).
     */
    public static int check(MemorySegment s, long off, int len) {
        if (len < LEN) {
            return -Drop.TRUNCATED.code();
        }
        if (Bytes.u16(s, off + Field.HTYPE) != 1 || Bytes.u16(s, off + Field.PTYPE) != EthernetFrame.TYPE_IPV4
                || Bytes.u8(s, off + Field.HLEN) != 6 || Bytes.u8(s, off + Field.PLEN) != 4) {
            return -Drop.UNSUPPORTED.code();
        }
        return 0;
    }

    /** Operation. */
    public static int operation(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.OPER);
    }

    /** Sender hardware address. */
    public static long senderMac(MemorySegment s, long off) {
        return Bytes.u48(s, off + Field.SHA);
    }

    /** Sender protocol address. */
    public static int senderIp(MemorySegment s, long off) {
        return Bytes.i32(s, off + Field.SPA);
    }

    /** Target hardware address. */
    public static long targetMac(MemorySegment s, long off) {
        return Bytes.u48(s, off + Field.THA);
    }

    /** Target protocol address. */
    public static int targetIp(MemorySegment s, long off) {
        return Bytes.i32(s, off + Field.TPA);
    }

    /** Writes a whole 28-byte IPv4-over-Ethernet ARP packet at {@code off}. */
    public static void emit(MemorySegment s, long off, int op, long sha, int spa, long tha, int tpa) {
        Bytes.put16(s, off + Field.HTYPE, 1);
        Bytes.put16(s, off + Field.PTYPE, EthernetFrame.TYPE_IPV4);
        Bytes.put8(s, off + Field.HLEN, 6);
        Bytes.put8(s, off + Field.PLEN, 4);
        Bytes.put16(s, off + Field.OPER, op);
        Bytes.put48(s, off + Field.SHA, sha);
        Bytes.put32(s, off + Field.SPA, spa);
        Bytes.put48(s, off + Field.THA, tha);
        Bytes.put32(s, off + Field.TPA, tpa);
    }
}
