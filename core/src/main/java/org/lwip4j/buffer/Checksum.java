package org.lwip4j.buffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The Internet checksum (RFC 1071): the 16-bit ones' complement of the ones' complement sum
 * of 16-bit big-endian words, over flat memory and over pbuf chains, with incremental
 * update (RFC 1624).
 *
 * <p>A <em>partial sum</em> is an unfolded accumulator ({@code long}): sums of several
 * regions can be added together as long as each region starts at an even offset of the
 * checksummed data; {@link #fold(long)} reduces it to 16 bits and {@link #finish(long)}
 * gives the value to put on the wire.
 */
public final class Checksum {
    private Checksum() {
    }

    /**
     * Adds the bytes {@code [off, off+len)} of {@code s}, taken as big-endian 16-bit words
     * (a trailing odd byte is the high byte of a word padded with zero), to {@code acc}.
     */
    public static long partial(MemorySegment s, long off, int len, long acc) {
        long sum = acc;
        long i = off;
        long end = off + len;
        while (end - i >= 8) {
            long w = s.get(Bytes.BE_LONG, i);
            sum += (w >>> 32) + (w & 0xffffffffL);
            i += 8;
        }
        if (end - i >= 4) {
            sum += s.get(Bytes.BE_INT, i) & 0xffffffffL;
            i += 4;
        }
        if (end - i >= 2) {
            sum += s.get(Bytes.BE_SHORT, i) & 0xffff;
            i += 2;
        }
        if (i < end) {
            sum += (s.get(ValueLayout.JAVA_BYTE, i) & 0xff) << 8;
        }
        return sum;
    }

    /** Adds {@code len} bytes of {@code a} from {@code off} to {@code acc}; see {@link #partial(MemorySegment, long, int, long)}. */
    public static long partial(byte[] a, int off, int len, long acc) {
        return partial(MemorySegment.ofArray(a), off, len, acc);
    }

    /**
     * Adds {@code len} bytes of the chain {@code p} from chain offset {@code off} to
     * {@code acc}, where {@code off} counts as an even position of the checksummed data.
     * Nodes with an odd number of bytes are handled by swapping the byte order of the
     * following node's sum (RFC 1071 §2(B)).
     */
    public static long pbuf(Pbuf p, int off, int len, long acc) {
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

    /** The sum of the IPv4 pseudo-header (RFC 768, RFC 793 §3.1) for a transport checksum. */
    public static long pseudoHeaderV4(int src, int dst, int protocol, int length) {
        return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
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
     */
    public static int update(int oldChecksum, int oldWord, int newWord) {
        long sum = (~oldChecksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    /** As {@link #update(int, int, int)} for a 32-bit field (an IPv4 address) that changed. */
    public static int update32(int oldChecksum, int oldValue, int newValue) {
        long sum = (~oldChecksum & 0xffff)
                + (~(oldValue >>> 16) & 0xffff) + (~oldValue & 0xffff)
                + (newValue >>> 16) + (newValue & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    private static int swap16(int v) {
        return ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
    }
}
