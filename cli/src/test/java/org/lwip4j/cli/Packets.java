package org.lwip4j.cli;

/** Builds and reads bare IPv4/UDP packets for the tests. */
final class Packets {
    private Packets() {
    }

    static byte[] udp4(int src, int dst, int sport, int dport, byte[] payload) {
        int len = 28 + payload.length;
        byte[] b = new byte[len];
        b[0] = 0x45;
        put16(b, 2, len);
        put16(b, 4, 0x1234);
        b[8] = 64;
        b[9] = 17;
        put32(b, 12, src);
        put32(b, 16, dst);
        put16(b, 10, checksum(b, 0, 20));
        put16(b, 20, sport);
        put16(b, 22, dport);
        put16(b, 24, 8 + payload.length);
        // UDP checksum 0: none (allowed for IPv4, RFC 768).
        System.arraycopy(payload, 0, b, 28, payload.length);
        return b;
    }

    static int src(byte[] p) {
        return get32(p, 12);
    }

    static int dst(byte[] p) {
        return get32(p, 16);
    }

    static int srcPort(byte[] p) {
        return get16(p, 20);
    }

    static int dstPort(byte[] p) {
        return get16(p, 22);
    }

    private static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(byte[] b, int off, int v) {
        put16(b, off, v >>> 16);
        put16(b, off + 2, v);
    }

    private static int get16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    private static int get32(byte[] b, int off) {
        return (get16(b, off) << 16) | get16(b, off + 2);
    }
}
