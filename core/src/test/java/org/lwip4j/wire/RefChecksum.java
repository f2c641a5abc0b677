package org.lwip4j.wire;

/**
 * A deliberately naive RFC 1071 checksum, byte by byte, to check the production one and the
 * emitters against something written independently of them.
 */
final class RefChecksum {
    private RefChecksum() {
    }

    /** Ones' complement sum of 16-bit big-endian words (odd tail padded), folded to 16 bits. */
    static int sum(byte[]... parts) {
        long acc = 0;
        for (byte[] p : parts) {
            for (int i = 0; i < p.length; i += 2) {
                int hi = p[i] & 0xff;
                int lo = i + 1 < p.length ? p[i + 1] & 0xff : 0;
                acc += hi << 8 | lo;
            }
        }
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xffff) + (acc >>> 16);
        }
        return (int) acc;
    }

    /** The IPv4 pseudo-header (RFC 768) as bytes. */
    static byte[] pseudoV4(int src, int dst, int proto, int len) {
        return new byte[] {(byte) (src >>> 24), (byte) (src >>> 16), (byte) (src >>> 8), (byte) src,
            (byte) (dst >>> 24), (byte) (dst >>> 16), (byte) (dst >>> 8), (byte) dst, 0, (byte) proto,
            (byte) (len >>> 8), (byte) len};
    }
}
