package org.lwip4j.netif.testing;

import java.nio.ByteBuffer;

/** Hand-built frames for driver tests (the stack's own ARP/IPv4 are not used here on purpose). */
public final class Frames {
    public static final int ETH_HDR = 14;
    public static final int IP_HDR = 20;

    private Frames() {
    }

    /** RFC 1071 checksum of {@code b[off..off+len)}. */
    public static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        int i = off;
        for (; i + 1 < off + len; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < off + len) {
            sum += (b[i] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    public static byte[] mac(long bits) {
        byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) {
            m[i] = (byte) (bits >>> (40 - 8 * i));
        }
        return m;
    }

    public static byte[] ip(int bits) {
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    /** An Ethernet broadcast ARP request: who has {@code targetIp}? tell {@code srcIp} at {@code srcMac}. */
    public static byte[] arpRequest(long srcMac, int srcIp, int targetIp) {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put(mac(0xffffffffffffL)).put(mac(srcMac)).putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.put(mac(srcMac)).put(ip(srcIp)).put(new byte[6]).put(ip(targetIp));
        return b.array();
    }

    /** An IPv4 packet (no options, DF) carrying {@code payload} of {@code protocol}, header checksum filled in. */
    public static byte[] ipv4(int src, int dst, int protocol, byte[] payload) {
        byte[] p = new byte[IP_HDR + payload.length];
        ByteBuffer b = ByteBuffer.wrap(p);
        b.put((byte) 0x45).put((byte) 0).putShort((short) p.length).putShort((short) 0x1234).putShort((short) 0x4000);
        b.put((byte) 64).put((byte) protocol).putShort((short) 0).put(ip(src)).put(ip(dst)).put(payload);
        int c = checksum(p, 0, IP_HDR);
        p[10] = (byte) (c >>> 8);
        p[11] = (byte) c;
        return p;
    }

    /** An ICMP echo request; with {@code partial} the checksum field is left 0 for the device to fill in. */
    public static byte[] icmpEcho(int id, int seq, byte[] data, boolean partial) {
        byte[] m = new byte[8 + data.length];
        ByteBuffer b = ByteBuffer.wrap(m);
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(data);
        if (!partial) {
            int c = checksum(m, 0, m.length);
            m[2] = (byte) (c >>> 8);
            m[3] = (byte) c;
        }
        return m;
    }

    /** Ethernet II frame around {@code payload}. */
    public static byte[] ethernet(long dst, long src, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(ETH_HDR + payload.length);
        b.put(mac(dst)).put(mac(src)).putShort((short) type).put(payload);
        return b.array();
    }

    /** An Ethernet frame with an IPv4 ICMP echo request. */
    public static byte[] ping(long srcMac, long dstMac, int srcIp, int dstIp, int id, int seq, byte[] data, boolean partial) {
        return ethernet(dstMac, srcMac, 0x0800, ipv4(srcIp, dstIp, 1, icmpEcho(id, seq, data, partial)));
    }

    public static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    public static int u32(byte[] b, int off) {
        return (u16(b, off) << 16) | u16(b, off + 2);
    }

    public static long mac48(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    /** True for an ARP reply to {@code toMac} saying {@code senderIp} is at some MAC. */
    public static boolean isArpReply(byte[] f, long toMac, int senderIp) {
        return f.length >= 42 && u16(f, 12) == 0x0806 && u16(f, 20) == 2 && mac48(f, 0) == toMac && u32(f, 28) == senderIp
                && mac48(f, 32) == toMac;
    }

    /** Offset of the ICMP message when {@code f} (starting at {@code l3}) is IPv4 ICMP echo reply with id/seq, else -1. */
    public static int echoReplyAt(byte[] f, int l3, int id, int seq) {
        if (f.length < l3 + IP_HDR + 8 || (f[l3] & 0xff) != 0x45 || f[l3 + 9] != 1) {
            return -1;
        }
        int icmp = l3 + IP_HDR;
        if (f[icmp] != 0 || u16(f, icmp + 4) != id || u16(f, icmp + 6) != seq) {
            return -1;
        }
        return icmp;
    }
}
