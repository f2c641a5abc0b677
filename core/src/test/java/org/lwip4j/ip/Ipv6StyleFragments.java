package org.lwip4j.ip;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.lwip4j.buffer.Pbuf;

/**
 * A {@link FragmentFormat} for IPv6 fragments (RFC 8200 §4.5), written against raw bytes
 * for the reassembler's own tests: proof that the seam takes the second family in a small
 * class, and a test format unlike IPv4's (128-bit addresses, 32-bit identification, the
 * Fragment header after an unfragmentable part that the datagram keeps).
 *
 * <p>Unfragmentable extension headers (hop-by-hop 0, routing 43, destination options 60)
 * are walked to the Fragment header (44); all of them must lie in the first pbuf node.
 */
final class Ipv6StyleFragments implements FragmentFormat {
    static final int FIXED = 40;
    static final int FRAGMENT_HEADER = 8;
    static final int NH_FRAGMENT = 44;
    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    @Override
    public boolean read(Pbuf p, FragmentInfo into) {
        MemorySegment s = p.segment();
        long o = p.offset();
        int avail = p.length();
        if (avail < FIXED + FRAGMENT_HEADER || (u8(s, o) >>> 4) != 6) {
            return false;
        }
        int nh = u8(s, o + 6);
        int pos = FIXED;
        while (nh != NH_FRAGMENT) {
            if ((nh != 0 && nh != 43 && nh != 60) || pos + 8 > avail) {
                return false;
            }
            int len = (u8(s, o + pos + 1) + 1) * 8;
            nh = u8(s, o + pos);
            pos += len;
        }
        if (pos + FRAGMENT_HEADER > avail) {
            return false;
        }
        int headerLen = pos + FRAGMENT_HEADER;
        int dataLen = FIXED + u16(s, o + 4) - headerLen;
        if (dataLen < 0) {
            return false;
        }
        int offsetAndM = u16(s, o + pos + 2);
        into.key.setIpv6(s.get(BE_LONG, o + 8), s.get(BE_LONG, o + 16),
                s.get(BE_LONG, o + 24), s.get(BE_LONG, o + 32), s.get(BE_INT, o + pos + 4));
        into.headerLen = headerLen;
        into.offset = offsetAndM & 0xfff8;
        into.more = (offsetAndM & 1) != 0;
        into.dataLen = dataLen;
        // Payload length counts the unfragmentable extension headers, not the fixed header,
        // and the Fragment header goes away.
        into.lengthOverhead = pos - FIXED;
        return true;
    }

    @Override
    public Pbuf rebuild(Pbuf datagram, int headerLen, int dataLen) {
        MemorySegment s = datagram.segment();
        long o = datagram.offset();
        int unfragmentable = headerLen - FRAGMENT_HEADER;
        // The Next Header of the last unfragmentable header takes the Fragment header's.
        long nextHeaderField = o + 6;
        for (int pos = FIXED; pos < unfragmentable; pos += (u8(s, o + pos + 1) + 1) * 8) {
            nextHeaderField = o + pos;
        }
        s.set(ValueLayout.JAVA_BYTE, nextHeaderField, s.get(ValueLayout.JAVA_BYTE, o + unfragmentable));
        MemorySegment.copy(s, o, s, o + FRAGMENT_HEADER, unfragmentable);
        datagram.removeHeader(FRAGMENT_HEADER);
        o += FRAGMENT_HEADER;
        s.set(BE_SHORT, o + 4, (short) (unfragmentable - FIXED + dataLen));
        return datagram;
    }

    private static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xff;
    }

    private static int u16(MemorySegment s, long off) {
        return s.get(BE_SHORT, off) & 0xffff;
    }
}
