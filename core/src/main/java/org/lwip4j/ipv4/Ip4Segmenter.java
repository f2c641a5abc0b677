package org.lwip4j.ipv4;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.Ipv4Packet;

/**
 * Software GSO for IPv4: cuts a super-packet the device handed in whole (virtio-net
 * {@code gso_type} TCPv4 or UDP_L4, {@link Pbuf#gsoSize()} payload bytes per segment) into
 * the packets the sender's stack would have sent, where a path cannot take it whole
 * (forwarding to a netif without that offload, local UDP delivery). Each segment gets the
 * IP header with its own total length, identification and checksum, and its TCP or UDP
 * header with the sequence number advanced (TCP: FIN and PSH only on the last segment, CWR
 * only on the first, as Linux's {@code tcp_gso_segment}) and the checksum computed afresh.
 * A UFO packet (one UDP datagram) needs no cutting: its GSO mark is cleared and IP
 * fragments it like any large datagram.
 */
final class Ip4Segmenter {
    private static final int FIN = 0x01;
    private static final int PSH = 0x08;
    private static final int CWR = 0x80;

    private final StackContext ctx;
    private final ProtoStats stats;

    Ip4Segmenter(StackContext ctx) {
        this.ctx = ctx;
        this.stats = ctx.stats().ip;
    }

    /** True when {@code p} is a super-packet this class cuts (TCPv4 or UDP_L4 with a segment size). */
    static boolean cuttable(Pbuf p) {
        int type = p.gsoType() & ~Pbuf.GSO_ECN;
        return (type == Pbuf.GSO_TCPV4 || type == Pbuf.GSO_UDP_L4) && p.gsoSize() > 0;
    }

    /**
     * Cuts {@code p} (payload at its IPv4 header, borrowed) into packets, each handed to
     * {@code sink} (which takes it over). Returns the number of packets made, or -1 when
     * {@code p} is malformed or memory ran out (counted; the packets made so far were handed
     * on).
     */
    int segment(Pbuf p, Consumer<Pbuf> sink) {
        MemorySegment s = p.segment();
        int off = p.offset();
        int hl = Ipv4Packet.headerLen(s, off);
        int total = p.totalLength();
        boolean tcp = (p.gsoType() & ~Pbuf.GSO_ECN) == Pbuf.GSO_TCPV4;
        if (tcp != (Ipv4Packet.protocol(s, off) == Ipv4Packet.PROTO_TCP)
                || !tcp && Ipv4Packet.protocol(s, off) != Ipv4Packet.PROTO_UDP || total < hl + 8) {
            stats.proterr++;
            return -1;
        }
        int l4hl = tcp ? (p.getByte(hl + 12) >>> 4) * 4 : 8;
        int headers = hl + l4hl;
        if (l4hl < 8 || total < headers) {
            stats.lenerr++;
            return -1;
        }
        int mss = p.gsoSize();
        int payload = total - headers;
        int count = 0;
        for (int at = 0; at < payload || count == 0; at += mss) {
            int len = Math.min(mss, payload - at);
            Pbuf seg = ctx.pbufs().allocPool(Layer.LINK, headers + len);
            if (seg == null) {
                stats.memerr++;
                return -1;
            }
            seg.copyFrom(0, p, 0, headers);
            seg.copyFrom(headers, p, headers + at, len);
            fix(seg, hl, count, at, at + len == payload, tcp);
            sink.accept(seg);
            count++;
        }
        return count;
    }

    /** Rewrites the headers of segment {@code index}, which starts {@code at} bytes into the payload. */
    private static void fix(Pbuf seg, int hl, int index, int at, boolean last, boolean tcp) {
        MemorySegment s = seg.segment();
        int off = seg.offset();
        int total = seg.totalLength();
        Ipv4Packet.setTotalLen(s, off, total);
        Bytes.put16(s, off + Ipv4Packet.Field.IDENT, (Ipv4Packet.ident(s, off) + index) & 0xffff);
        Ipv4Packet.setChecksum(s, off, 0);
        Ipv4Packet.setChecksum(s, off, Checksum.of(s, off, hl));
        int l4 = off + hl;
        int l4len = total - hl;
        if (tcp) {
            int seq = Bytes.u16(s, l4 + 4) << 16 | Bytes.u16(s, l4 + 6);
            seq += at;
            Bytes.put16(s, l4 + 4, seq >>> 16);
            Bytes.put16(s, l4 + 6, seq & 0xffff);
            int flags = Bytes.u8(s, l4 + 13);
            if (!last) {
                flags &= ~(FIN | PSH);
            }
            if (index > 0) {
                flags &= ~CWR;
            }
            Bytes.put8(s, l4 + 13, flags);
            Bytes.put16(s, l4 + 16, 0);
        } else {
            Bytes.put16(s, l4 + 4, l4len);
            Bytes.put16(s, l4 + 6, 0);
        }
        int protocol = tcp ? Ipv4Packet.PROTO_TCP : Ipv4Packet.PROTO_UDP;
        long sum = Checksum.pseudoHeaderV4(Ipv4Packet.src(s, off), Ipv4Packet.dst(s, off), protocol, l4len);
        int c = Checksum.finish(Checksum.pbuf(seg, hl, l4len, sum));
        if (!tcp && c == 0) {
            c = 0xffff;
        }
        Bytes.put16(s, l4 + (tcp ? 16 : 6), c);
        seg.setOffloadFlags(0);
        seg.setGso(Pbuf.GSO_NONE, 0);
    }
}
