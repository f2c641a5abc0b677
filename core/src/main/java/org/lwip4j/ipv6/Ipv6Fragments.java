package org.lwip4j.ipv6;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.internal.ip.FragmentFormat;
import org.lwip4j.internal.ip.FragmentInfo;
import org.lwip4j.wire.Ipv6ExtHeaders;
import org.lwip4j.wire.Ipv6Packet;

/**
 * How IPv6 fragments read for the shared {@link org.lwip4j.internal.ip.Reassembler} (RFC 8200 §4.5):
 * a fragment belongs to the datagram of the same source, destination and 32-bit
 * identification; its headers are the fixed header, the unfragmentable extension headers
 * (hop-by-hop, destination options before a routing header, routing) and the Fragment
 * header, all of which must lie in the first pbuf node. The datagram keeps fragment 0's
 * unfragmentable part: the Next Header of its last header takes the Fragment header's, the
 * Fragment header goes away, and the payload length counts the unfragmentable headers and
 * the data.
 *
 * <p>Allocates nothing; used on the stack's event loop.
 */
final class Ipv6Fragments implements FragmentFormat {
    /** The format; it holds no state. */
    Ipv6Fragments() {
    }

    @Override
    public boolean read(Pbuf p, FragmentInfo into) {
        MemorySegment s = p.segment();
        long o = p.offset();
        int avail = p.length();
        if (avail < Ipv6Packet.HEADER_LEN + Ipv6ExtHeaders.FRAGMENT_HEADER_LEN || Ipv6Packet.version(s, o) != 6) {
            return false;
        }
        int nh = Ipv6Packet.nextHeader(s, o);
        int pos = Ipv6Packet.HEADER_LEN;
        while (nh != Ipv6Packet.NH_FRAGMENT) {
            if ((nh != Ipv6Packet.NH_HOP_BY_HOP && nh != Ipv6Packet.NH_ROUTING && nh != Ipv6Packet.NH_DEST_OPTS)
                    || pos + 8 > avail) {
                return false;
            }
            int len = (Bytes.u8(s, o + pos + 1) + 1) * 8;
            nh = Bytes.u8(s, o + pos);
            pos += len;
        }
        if (pos + Ipv6ExtHeaders.FRAGMENT_HEADER_LEN > avail) {
            return false;
        }
        int headerLen = pos + Ipv6ExtHeaders.FRAGMENT_HEADER_LEN;
        int dataLen = Ipv6Packet.HEADER_LEN + Ipv6Packet.payloadLen(s, o) - headerLen;
        if (dataLen < 0) {
            return false;
        }
        int offsetAndM = Bytes.u16(s, o + pos + 2);
        into.key.setIpv6(Ipv6Packet.srcHi(s, o), Ipv6Packet.srcLo(s, o), Ipv6Packet.dstHi(s, o), Ipv6Packet.dstLo(s, o),
                Bytes.i32(s, o + pos + 4));
        into.headerLen = headerLen;
        into.offset = offsetAndM & 0xfff8;
        into.more = (offsetAndM & 1) != 0;
        into.dataLen = dataLen;
        // Payload length counts the unfragmentable extension headers, not the fixed header;
        // the Fragment header goes away.
        into.lengthOverhead = pos - Ipv6Packet.HEADER_LEN;
        return true;
    }

    @Override
    public Pbuf rebuild(Pbuf datagram, int headerLen, int dataLen) {
        MemorySegment s = datagram.segment();
        long o = datagram.offset();
        int unfragmentable = headerLen - Ipv6ExtHeaders.FRAGMENT_HEADER_LEN;
        long nextHeaderField = o + Ipv6Packet.Field.NEXT_HEADER;
        for (int pos = Ipv6Packet.HEADER_LEN; pos < unfragmentable; pos += (Bytes.u8(s, o + pos + 1) + 1) * 8) {
            nextHeaderField = o + pos;
        }
        Bytes.put8(s, nextHeaderField, Bytes.u8(s, o + unfragmentable));
        MemorySegment.copy(s, o, s, o + Ipv6ExtHeaders.FRAGMENT_HEADER_LEN, unfragmentable);
        datagram.removeHeader(Ipv6ExtHeaders.FRAGMENT_HEADER_LEN);
        Ipv6Packet.setPayloadLen(s, o + Ipv6ExtHeaders.FRAGMENT_HEADER_LEN,
                unfragmentable - Ipv6Packet.HEADER_LEN + dataLen);
        return datagram;
    }
}
