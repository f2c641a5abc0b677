package org.lwip4j.tcp;

/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed
 * 64-bit pseudo-random function, written from the paper's description (§2: initialization
 * with the four constants, two compression rounds per 8-byte little-endian message word,
 * the last word carrying the message length in its top byte, four finalization rounds
 * after xoring 0xff into v2).
 *
 * <p>Used by {@link IsnGenerator} (the F of RFC 6528) and {@link SynCookies}. The streaming
 * form ({@link #start()}, {@link #word(long)}, {@link #finish()}) hashes whole 64-bit words
 * without allocating; a holder is reused, so one belongs to one event loop.
 */
final class SipHash {
    private static final long C0 = 0x736f6d6570736575L; // "somepseu"
    private static final long C1 = 0x646f72616e646f6dL; // "dorandom"
    private static final long C2 = 0x6c7967656e657261L; // "lygenera"
    private static final long C3 = 0x7465646279746573L; // "tedbytes"

    private final long k0;
    private final long k1;
    private long v0;
    private long v1;
    private long v2;
    private long v3;
    private int bytes;

    /** A hasher keyed by the two little-endian halves of the 128-bit key. */
    SipHash(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
        start();
    }

    /** Begins a message. */
    SipHash start() {
        v0 = k0 ^ C0;
        v1 = k1 ^ C1;
        v2 = k0 ^ C2;
        v3 = k1 ^ C3;
        bytes = 0;
        return this;
    }

    /** Adds the next 8 message bytes, as the little-endian word {@code m}. */
    SipHash word(long m) {
        compress(m);
        bytes += 8;
        return this;
    }

    /** Ends a message of whole words and returns its hash. */
    long finish() {
        return finish(0L, bytes);
    }

    /** The hash of {@code len} bytes of {@code m} from {@code off} (test vectors, keys). */
    long hash(byte[] m, int off, int len) {
        start();
        int i = 0;
        for (; len - i >= 8; i += 8) {
            compress(le64(m, off + i, 8));
        }
        return finish(le64(m, off + i, len - i), len);
    }

    /** The key halves of a 16-byte key given as bytes (the paper's k0 is bytes 0..7). */
    static SipHash ofKey(byte[] key16) {
        if (key16.length != 16) {
            throw new IllegalArgumentException("SipHash keys are 16 bytes");
        }
        return new SipHash(le64(key16, 0, 8), le64(key16, 8, 8));
    }

    private static long le64(byte[] b, int off, int n) {
        long w = 0;
        for (int j = 0; j < n; j++) {
            w |= (b[off + j] & 0xffL) << (8 * j);
        }
        return w;
    }

    private long finish(long tail, int totalLen) {
        compress(tail | ((long) totalLen << 56));
        v2 ^= 0xff;
        round();
        round();
        round();
        round();
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private void compress(long m) {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }

    private void round() {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
    }
}
