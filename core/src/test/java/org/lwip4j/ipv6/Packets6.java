package org.lwip4j.ipv6;

import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Checksum;

/** Hand-built IPv6 packets for tests, with correct checksums. */
final class Packets6 {
    private Packets6() {
    }

    /** An IPv6 packet: fixed header with {@code nextHeader}, then {@code payload} (extension headers included). */
    static byte[] ipv6(int nextHeader, String src, String dst, int hopLimit, byte[] payload) {
        byte[] p = new byte[40 + payload.length];
        p[0] = 0x60;
        p[4] = (byte) (payload.length >>> 8);
        p[5] = (byte) payload.length;
        p[6] = (byte) nextHeader;
        p[7] = (byte) hopLimit;
        System.arraycopy(Ip6Address.parse(src).toBytes(), 0, p, 8, 16);
        System.arraycopy(Ip6Address.parse(dst).toBytes(), 0, p, 24, 16);
        System.arraycopy(payload, 0, p, 40, payload.length);
        return p;
    }

    /** An ICMPv6 message of {@code type}/{@code code} with the 32-bit {@code rest} and {@code data}, checksummed for src/dst. */
    static byte[] icmpv6(int type, int code, int rest, byte[] data, String src, String dst) {
        byte[] m = new byte[8 + data.length];
        m[0] = (byte) type;
        m[1] = (byte) code;
        m[4] = (byte) (rest >>> 24);
        m[5] = (byte) (rest >>> 16);
        m[6] = (byte) (rest >>> 8);
        m[7] = (byte) rest;
        System.arraycopy(data, 0, m, 8, data.length);
        checksum(m, 2, 58, src, dst);
        return m;
    }

    /** A UDP datagram with its IPv6 checksum (mandatory, RFC 8200 §8.1). */
    static byte[] udp(int sport, int dport, byte[] data, String src, String dst) {
        byte[] u = new byte[8 + data.length];
        u[0] = (byte) (sport >>> 8);
        u[1] = (byte) sport;
        u[2] = (byte) (dport >>> 8);
        u[3] = (byte) dport;
        u[4] = (byte) (u.length >>> 8);
        u[5] = (byte) u.length;
        System.arraycopy(data, 0, u, 8, data.length);
        checksum(u, 6, 17, src, dst);
        return u;
    }

    /** Fills the 16-bit checksum at {@code at} of an upper-layer message over the IPv6 pseudo-header. */
    static void checksum(byte[] m, int at, int nextHeader, String src, String dst) {
        Ip6Address s = Ip6Address.parse(src);
        Ip6Address d = Ip6Address.parse(dst);
        m[at] = 0;
        m[at + 1] = 0;
        long ph = Checksum.pseudoHeaderV6(s.hi(), s.lo(), d.hi(), d.lo(), nextHeader, m.length);
        int c = Checksum.finish(Checksum.partial(m, 0, m.length, ph));
        if (nextHeader == 17 && c == 0) {
            c = 0xffff;
        }
        m[at] = (byte) (c >>> 8);
        m[at + 1] = (byte) c;
    }

    /** An Ethernet II frame carrying IPv6 (EtherType 0x86dd). */
    static byte[] ethernet(long dstMac, long srcMac, byte[] packet) {
        return org.lwip4j.testing.Packets.ethernet(dstMac, srcMac, 0x86dd, packet);
    }

    /** Concatenation. */
    static byte[] cat(byte[]... parts) {
        return org.lwip4j.testing.Packets.concat(parts);
    }

    /** Bytes from hex (spaces allowed). */
    static byte[] hex(String h) {
        return java.util.HexFormat.of().parseHex(h.replace(" ", ""));
    }
}
