package org.lwip4j.buffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Network-order (big-endian) accessors over a {@link MemorySegment}. Every wire view reads
 * and writes through these, so the byte order is decided in one place.
 */
public final class Bytes {
    /** Big-endian unaligned 16-bit layout. */
    public static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Big-endian unaligned 32-bit layout. */
    public static final ValueLayout.OfInt BE_INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Big-endian unaligned 64-bit layout. */
    public static final ValueLayout.OfLong BE_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    /** Unsigned byte at {@code off}. */
    public static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xff;
    }

    /** Unsigned big-endian 16-bit value at {@code off}. */
    public static int u16(MemorySegment s, long off) {
        return s.get(BE_SHORT, off) & 0xffff;
    }

    /** Big-endian 32-bit value at {@code off}. */
    public static int i32(MemorySegment s, long off) {
        return s.get(BE_INT, off);
    }

    /** Big-endian 48-bit value at {@code off} (a MAC address), in the low bits of a long. */
    public static long u48(MemorySegment s, long off) {
        return ((long) u16(s, off) << 32) | (i32(s, off + 2) & 0xffffffffL);
    }

    /** Writes the low 8 bits of {@code v} at {@code off}. */
    public static void put8(MemorySegment s, long off, int v) {
        s.set(ValueLayout.JAVA_BYTE, off, (byte) v);
    }

    /** Writes the low 16 bits of {@code v} big-endian at {@code off}. */
    public static void put16(MemorySegment s, long off, int v) {
        s.set(BE_SHORT, off, (short) v);
    }

    /** Writes {@code v} big-endian at {@code off}. */
    public static void put32(MemorySegment s, long off, int v) {
        s.set(BE_INT, off, v);
    }

    /** Writes the low 48 bits of {@code v} big-endian at {@code off} (a MAC address). */
    public static void put48(MemorySegment s, long off, long v) {
        put16(s, off, (int) (v >>> 32));
        put32(s, off + 2, (int) v);
    }
}
