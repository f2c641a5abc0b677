package org.lwip4j.buffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The Internet checksum (RFC 1071): the 16-bit ones' complement of the ones' complement sum
 * of 16-bit big-endian words, over flat memory and over pbuf chains, with incremental
 * update (RFC 1624).
 *
 * <p>A <em>partial sum</em> is an accumulator ({@code long}) whose value modulo 2^16-1 is
 * the ones' complement sum so far: sums of several regions can be added together as long
 * as each region starts at an even offset of the checksummed data (RFC 1071 §2(A),
 * associativity); {@link #fold(long)} reduces it to 16 bits and {@link #finish(long)}
 * gives the value to put on the wire. A region that starts at an odd offset of the data
 * contributes {@code swap16(fold(partial))} instead (RFC 1071 §2(B)), which
 * {@link #pbuf(Pbuf, int, int, long)} does for chain nodes of odd length.
 */
public final class Checksum {
    private Checksum() {
    }

    /** Little-endian unaligned 32-bit loads: native order on x86-64 and AArch64, so free. */
    private static final ValueLayout.OfInt LE_INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian unaligned 64-bit loads. */
    private static final ValueLayout.OfLong LE_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian unaligned 16-bit loads. */
    private static final ValueLayout.OfShort LE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Adds the bytes {@code [off, off+len)} of {@code s}, taken as big-endian 16-bit words
     * (a trailing odd byte is the high byte of a word padded with zero), to {@code acc}.
     *
     * <p>The region is summed as little-endian 32-bit words into a 64-bit accumulator and
     * the folded result is byte-swapped once at the end: the ones' complement sum is
     * independent of byte order up to that final swap (RFC 1071 §2(B)); a 32-bit word
     * adds its two 16-bit words at once because 2^16 = 1 modulo 2^16-1 (§2(C), parallel
     * summation); carries are deferred in the 64-bit accumulator, which cannot overflow for
     * any {@code int} length (§2(D)). The simple loop shape lets the JIT vectorize it.
     * Words are paired from {@code off}, whatever its alignment.
     *
     * @return {@code acc} plus the region's sum, already folded to 16 bits; partial sums of
     *         regions that each start at an even position of the checksummed data may be
     *         added together
     * @throws IndexOutOfBoundsException when the region is outside {@code s}
     */
    public static long partial(MemorySegment s, long off, int len, long acc) {
        Objects.checkFromIndexSize(off, len, s.byteSize());
        long sum;
        if (len <= SHORT_REGION) {
            sum = s.isNative() ? sumShortNative(s, off, len) : sumShortHeap(s, off, len);
        } else {
            sum = s.isNative() ? sumNative(s, off, len) : sumHeap(s, off, len);
        }
        return acc + swap16(fold(sum));
    }

    /**
     * Regions up to this many bytes (a header, a small payload) are summed by a scalar loop.
     * The vectorized loop of {@link #sumNative} costs about as much for 20 bytes as for 200
     * (its set-up and reduction dominate); the scalar loop costs half as much for a header
     * and breaks even between 64 and 96 bytes (ChecksumBench, x86-64 with AVX2).
     */
    static final int SHORT_REGION = 64;

    /**
     * The sum of {@link #sumNative} for a short region: 64-bit loads, each added as its two
     * 32-bit halves, so the result is exactly that of the 32-bit loop.
     */
    private static long sumShortNative(MemorySegment s, long off, int len) {
        long end = off + len;
        long sum = 0;
        long i = off;
        for (; end - i >= 8; i += 8) {
            long w = s.get(LE_LONG, i);
            sum += (w & 0xffffffffL) + (w >>> 32);
        }
        if (end - i >= 4) {
            sum += Integer.toUnsignedLong(s.get(LE_INT, i));
            i += 4;
        }
        if (end - i >= 2) {
            sum += Short.toUnsignedInt(s.get(LE_SHORT, i));
            i += 2;
        }
        if (i < end) {
            sum += s.get(ValueLayout.JAVA_BYTE, i) & 0xff;
        }
        return sum;
    }

    /** As {@link #sumShortNative} for a heap segment (a second copy, for the reason given below). */
    private static long sumShortHeap(MemorySegment s, long off, int len) {
        long end = off + len;
        long sum = 0;
        long i = off;
        for (; end - i >= 8; i += 8) {
            long w = s.get(LE_LONG, i);
            sum += (w & 0xffffffffL) + (w >>> 32);
        }
        if (end - i >= 4) {
            sum += Integer.toUnsignedLong(s.get(LE_INT, i));
            i += 4;
        }
        if (end - i >= 2) {
            sum += Short.toUnsignedInt(s.get(LE_SHORT, i));
            i += 2;
        }
        if (i < end) {
            sum += s.get(ValueLayout.JAVA_BYTE, i) & 0xff;
        }
        return sum;
    }

    // sumNative and sumHeap (and the two short forms) are the same code on purpose. The JIT profiles the receiver type
    // of each segment access per call site; one loop used for both heap and native segments
    // (as a stack does: pool buffers are native, RAM and wrapped pbufs are heap) sees two
    // types, is compiled with a type check in the loop and is neither unrolled nor
    // vectorized: about 1 GB/s instead of 15-40 GB/s. Two copies keep each site monomorphic.

    /** Little-endian sum of {@code [off, off+len)} of a native segment, unfolded; the range is checked. */
    private static long sumNative(MemorySegment s, long off, int len) {
        long end = off + len;
        long last = end - 4;
        long sum = 0;
        long i = off;
        for (; i <= last; i += 4) {
            sum += Integer.toUnsignedLong(s.get(LE_INT, i));
        }
        if (end - i >= 2) {
            sum += Short.toUnsignedInt(s.get(LE_SHORT, i));
            i += 2;
        }
        if (i < end) {
            // In the little-endian view a trailing byte is the low byte of its word; the final
            // swap makes it the high byte, as RFC 1071 pads an odd byte with a zero after it.
            sum += s.get(ValueLayout.JAVA_BYTE, i) & 0xff;
        }
        return sum;
    }

    /** As {@link #sumNative} for a heap segment. */
    private static long sumHeap(MemorySegment s, long off, int len) {
        long end = off + len;
        long last = end - 4;
        long sum = 0;
        long i = off;
        for (; i <= last; i += 4) {
            sum += Integer.toUnsignedLong(s.get(LE_INT, i));
        }
        if (end - i >= 2) {
            sum += Short.toUnsignedInt(s.get(LE_SHORT, i));
            i += 2;
        }
        if (i < end) {
            sum += s.get(ValueLayout.JAVA_BYTE, i) & 0xff;
        }
        return sum;
    }

    /** Adds {@code len} bytes of {@code a} from {@code off} to {@code acc}; see {@link #partial(MemorySegment, long, int, long)}. */
    public static long partial(byte[] a, int off, int len, long acc) {
        Objects.checkFromIndexSize(off, len, a.length);
        return acc + swap16(fold(sumHeap(MemorySegment.ofArray(a), off, len)));
    }

    /**
     * Adds {@code len} bytes of the chain {@code p} from chain offset {@code off} to
     * {@code acc}, where {@code off} counts as an even position of the checksummed data.
     * Nodes with an odd number of bytes are handled by swapping the byte order of the
     * following node's sum (RFC 1071 §2(B)).
     */
    public static long pbuf(Pbuf p, int off, int len, long acc) {
        p.checkLive();
        if (off < 0 || len < 0 || (long) off + len > p.totLen) {
            throw new IndexOutOfBoundsException("checksum range " + off + "+" + len + " outside " + p.totLen);
        }
        Pbuf q = p;
        while (off > 0 && off >= q.len) {
            off -= q.len;
            q = q.next;
        }
        long sum = acc;
        boolean odd = false;
        while (len > 0) {
            int n = Math.min(len, q.len - off);
            if (n > 0) {
                long part = fold(partial(q.mem, q.offset + off, n, 0));
                sum += odd ? swap16((int) part) : part;
                if ((n & 1) != 0) {
                    odd = !odd;
                }
                len -= n;
            }
            off = 0;
            q = q.next;
        }
        return sum;
    }

    /**
     * Completes a partial checksum in software ({@link Pbuf#OFFLOAD_NEEDS_CSUM}, what a NIC
     * does for Linux's {@code CHECKSUM_PARTIAL}): the field at {@code checksumStart +
     * checksumOffset} holds the pseudo-header sum; the sum from {@code checksumStart} to the
     * end of the chain, field included, is complemented into the field (0 goes out as
     * 0xffff, as RFC 768 wants for UDP and which means the same for TCP). Clears the flag.
     * Does nothing when the flag is not set; a region outside the chain only clears it.
     */
    public static void completePartial(Pbuf p) {
        if ((p.offloadFlags() & Pbuf.OFFLOAD_NEEDS_CSUM) == 0) {
            return;
        }
        p.setOffloadFlags(p.offloadFlags() & ~Pbuf.OFFLOAD_NEEDS_CSUM);
        int start = p.checksumStart();
        int field = start + p.checksumOffset();
        if (start < 0 || p.checksumOffset() < 0 || (long) field + 2 > p.totalLength()) {
            return;
        }
        int c = finish(pbuf(p, start, p.totalLength() - start, 0));
        if (c == 0) {
            c = 0xffff;
        }
        p.setByte(field, c >>> 8);
        p.setByte(field + 1, c & 0xff);
    }

    /** The sum of the IPv4 pseudo-header (RFC 768, RFC 793 §3.1) for a transport checksum. */
    public static long pseudoHeaderV4(int src, int dst, int protocol, int length) {
        return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
    }

    /**
     * The sum of the IPv6 pseudo-header (RFC 8200 §8.1) for an upper-layer checksum: source
     * and destination address (as two 64-bit halves each, network order), the 32-bit
     * upper-layer packet length and the next header value (that of the upper-layer protocol,
     * not of an extension header in between). Each 64-bit half is added as its two 32-bit
     * halves, which is its 16-bit word sum modulo 2^16-1 (RFC 1071 §2(C)); the result is a
     * partial sum as {@link #pseudoHeaderV4} gives, ready for {@link #fold(long)}.
     */
    public static long pseudoHeaderV6(long srcHi, long srcLo, long dstHi, long dstLo, int nextHeader, int upperLen) {
        return (srcHi >>> 32) + (srcHi & 0xffffffffL) + (srcLo >>> 32) + (srcLo & 0xffffffffL)
                + (dstHi >>> 32) + (dstHi & 0xffffffffL) + (dstLo >>> 32) + (dstLo & 0xffffffffL)
                + Integer.toUnsignedLong(upperLen) + (nextHeader & 0xff);
    }

    /** Reduces a partial sum to 16 bits with end-around carry. */
    public static int fold(long sum) {
        sum = (sum >>> 32) + (sum & 0xffffffffL);
        sum = (sum >>> 16) + (sum & 0xffff);
        sum = (sum >>> 16) + (sum & 0xffff);
        sum = (sum >>> 16) + (sum & 0xffff);
        return (int) sum;
    }

    /** The checksum field value for a partial sum: the ones' complement of its fold. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xffff;
    }

    /** True when data whose sum, checksum field included, is {@code sum} verifies (folds to 0xffff). */
    public static boolean verifies(long sum) {
        return fold(sum) == 0xffff;
    }

    /** RFC 1071 checksum of a flat region: the value to store in a checksum field. */
    public static int of(MemorySegment s, long off, int len) {
        return finish(partial(s, off, len, 0));
    }

    /** RFC 1071 checksum of a byte-array region. */
    public static int of(byte[] a, int off, int len) {
        return finish(partial(a, off, len, 0));
    }

    /**
     * Updates checksum field value {@code oldChecksum} after a 16-bit word of the covered
     * data changed from {@code oldWord} to {@code newWord} (RFC 1624 §3, equation 3:
     * {@code HC' = ~(~HC + ~m + m')}).
     *
     * <p>Equation 3 never turns a checksum into 0xFFFF (-0) where recomputation gives
     * 0x0000 (RFC 1624 §4, the flaw of RFC 1141's equation 2). A word that did not change
     * leaves the checksum exactly as it was: equation 3 alone would turn 0xFFFF into 0x0000
     * (0xFFFF is the checksum of all-zero data, whose sum is +0; see RFC 1624 errata 4782
     * and 5864). The one remaining ambiguity of ones' complement is inherent: when the
     * change makes the covered data all zero, the update gives 0x0000 where recomputation
     * gives 0xFFFF (no real IP, ICMP, UDP or TCP header is all zero).
     */
    public static int update(int oldChecksum, int oldWord, int newWord) {
        if (((oldWord ^ newWord) & 0xffff) == 0) {
            return oldChecksum & 0xffff;
        }
        long sum = (~oldChecksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    /**
     * As {@link #update(int, int, int)} for a 32-bit field (an IPv4 address, a TCP sequence
     * number) that changed: RFC 1624 §3 equation 3 applied to both 16-bit halves at once.
     */
    public static int update32(int oldChecksum, int oldValue, int newValue) {
        if (oldValue == newValue) {
            return oldChecksum & 0xffff;
        }
        long sum = (~oldChecksum & 0xffff)
                + (~(oldValue >>> 16) & 0xffff) + (~oldValue & 0xffff)
                + (newValue >>> 16) + (newValue & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    /** The 16-bit value {@code v} with its two bytes exchanged. */
    static int swap16(int v) {
        return ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
    }
}
