package org.lwip4j.ipv6;

import java.lang.foreign.MemorySegment;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.Ipv6ExtHeaders;
import org.lwip4j.wire.Ipv6Packet;

/**
 * IPv6 fragmentation at the source (RFC 8200 §4.5; lwIP's {@code ip6_frag}). The
 * unfragmentable part is the fixed header with a hop-by-hop options header and a routing
 * header (with destination options before it) when present; it is repeated in every
 * fragment, followed by a Fragment header and the fragment's share of the rest. Every
 * fragment but the last carries the largest multiple of 8 bytes that fits the MTU; all
 * carry the same 32-bit identification, drawn at random per datagram (RFC 7739 §5).
 *
 * <p>Each fragment is a fresh pool pbuf with link header room, sent and freed before the
 * next is made: the caller's packet is neither consumed nor changed. Counters in
 * {@code stats.ip6frag}: {@code xmit} per fragment, {@code memerr}, {@code err}. On the
 * stack's loop only.
 */
final class Ipv6Fragmenter {
    private final StackContext ctx;
    private final ProtoStats stats;
    private final byte[] header = new byte[Ipv6Packet.MIN_MTU];
    private final MemorySegment headerView = MemorySegment.ofArray(header);

    Ipv6Fragmenter(StackContext ctx) {
        this.ctx = ctx;
        this.stats = ctx.stats().ip6frag;
    }

    /**
     * Sends {@code packet} (a complete IPv6 packet, header first) as fragments of at most
     * {@code mtu} bytes through {@code netif.output(fragment, nextHop)}.
     *
     * @return {@link Err#OK}; {@link Err#ARG} for a packet whose unfragmentable part leaves
     *         fewer than 8 bytes per fragment; {@link Err#MEM}; or the netif's error
     */
    Err fragment(Pbuf packet, Netif netif, IpAddress nextHop, int mtu) {
        int total = packet.totalLength();
        int copy = Math.min(total, header.length);
        packet.copyTo(0, header, 0, copy);
        MemorySegment h = headerView;
        // The unfragmentable part: hop-by-hop, destination options followed by routing, routing.
        int nhField = Ipv6Packet.Field.NEXT_HEADER;
        int nh = Ipv6Packet.nextHeader(h, 0);
        int pos = Ipv6Packet.HEADER_LEN;
        while (pos + 2 <= copy && (nh == Ipv6Packet.NH_HOP_BY_HOP || nh == Ipv6Packet.NH_ROUTING
                || (nh == Ipv6Packet.NH_DEST_OPTS && Bytes.u8(h, pos) == Ipv6Packet.NH_ROUTING))) {
            nhField = pos;
            nh = Bytes.u8(h, pos);
            pos += (Bytes.u8(h, pos + 1) + 1) * 8;
        }
        int unfragmentable = pos;
        int room = (mtu - unfragmentable - Ipv6ExtHeaders.FRAGMENT_HEADER_LEN) & ~7;
        if (unfragmentable > copy || room < 8) {
            stats.err++;
            return Err.ARG;
        }
        Checksum.completePartial(packet);
        int fragmentable = total - unfragmentable;
        int ident = ctx.random().nextInt();
        Bytes.put8(h, nhField, Ipv6Packet.NH_FRAGMENT);
        int off = 0;
        while (true) {
            boolean last = fragmentable - off <= room;
            int chunk = last ? fragmentable - off : room;
            int flen = unfragmentable + Ipv6ExtHeaders.FRAGMENT_HEADER_LEN + chunk;
            Pbuf f = ctx.pbufs().allocPool(Layer.LINK, flen);
            if (f == null) {
                stats.memerr++;
                return Err.MEM;
            }
            f.copyFrom(0, header, 0, unfragmentable);
            MemorySegment s = f.segment();
            long o = f.offset();
            Ipv6Packet.setPayloadLen(s, o, flen - Ipv6Packet.HEADER_LEN);
            Ipv6ExtHeaders.emitFragment(s, o + unfragmentable, nh, off, !last, ident);
            f.copyFrom(unfragmentable + Ipv6ExtHeaders.FRAGMENT_HEADER_LEN, packet, unfragmentable + off, chunk);
            Err e = netif.output(f, nextHop);
            f.free();
            if (e != Err.OK) {
                stats.err++;
                return e;
            }
            stats.xmit++;
            off += chunk;
            if (last) {
                return Err.OK;
            }
        }
    }
}
