package org.lwip4j.fuzz;

import java.lang.foreign.MemorySegment;

/**
 * Fuzzer bytes laid out the way a parser meets them in the stack: at an offset inside a
 * segment that ends exactly where the bytes end, so any read past the end throws, and
 * read-only, so any write by a parser throws. The first input byte picks the offset (0..7,
 * to exercise unaligned reads); the rest are the bytes under test.
 *
 * @param seg the segment: {@code off} filler bytes, then the bytes under test
 * @param off where the bytes under test start
 * @param len how many there are
 */
public record FuzzInput(MemorySegment seg, long off, int len) {
    /** Lays out fuzzer bytes as described above; empty input gives an empty region. */
    public static FuzzInput of(byte[] data) {
        if (data.length == 0) {
            return new FuzzInput(MemorySegment.ofArray(new byte[0]).asReadOnly(), 0, 0);
        }
        int off = data[0] & 7;
        byte[] b = new byte[off + data.length - 1];
        java.util.Arrays.fill(b, 0, off, (byte) 0xa5);
        System.arraycopy(data, 1, b, off, data.length - 1);
        return new FuzzInput(MemorySegment.ofArray(b).asReadOnly(), off, data.length - 1);
    }

    /** The same bytes at offset 0 of a fresh writable segment of exactly {@code len} bytes. */
    public MemorySegment writableCopy() {
        MemorySegment c = MemorySegment.ofArray(new byte[len]);
        MemorySegment.copy(seg, off, c, 0, len);
        return c;
    }

    /** A fuzz input (offset selector first) for {@code bytes} at offset {@code off}. */
    public static byte[] encode(int off, byte[] bytes) {
        byte[] d = new byte[bytes.length + 1];
        d[0] = (byte) off;
        System.arraycopy(bytes, 0, d, 1, bytes.length);
        return d;
    }
}
