package org.lwip4j.ipv4;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Addresses;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.Icmpv4Packet;
import org.lwip4j.wire.Ipv4Packet;

/**
 * Forwards IPv4 packets not addressed to the stack between its netifs (RFC 1812 §5.2,
 * lwIP's {@code ip4_forward}): never link-local, loopback, broadcast or martian (§5.3.7) traffic; TTL
 * decremented with an incremental checksum update (RFC 1624); TTL expiry answered with ICMP
 * time exceeded, no route with "net unreachable"; fragmented for a smaller MTU, or
 * "fragmentation needed" (RFC 1191) when DF is set.
 */
final class Ip4Forwarder {
    private final StackContext ctx;
    private final StackConfig.Ip4Options cfg;
    private final Ipv4 ip;
    private final ProtoStats stats;

    Ip4Forwarder(StackContext ctx, Ipv4 ip) {
        this.ctx = ctx;
        this.cfg = ctx.config().ip4();
        this.ip = ip;
        this.stats = ctx.stats().ip;
    }

    /** Forwards {@code p} (payload at its IP header of {@code hl} bytes), received on {@code inp}; takes it over. */
    void forward(Netif inp, Pbuf p, int hl) {
        MemorySegment s = p.segment();
        int off = p.offset();
        int src = Ipv4Packet.src(s, off);
        int dst = Ipv4Packet.dst(s, off);
        // RFC 3927 §7: link-local addresses are never forwarded; RFC 1812 §5.3.7: nor 127/8
        // (a packet that came in on the loopback netif has not been checked for it), nor
        // network 0 or class E, as source or destination.
        if ((src >>> 16) == 0xa9fe || (dst >>> 16) == 0xa9fe || dst == -1 || (dst & 0xf0000000) == 0xe0000000
                || (src >>> 24) == 127 || (dst >>> 24) == 127 || martian(src) || martian(dst)) {
            stats.drop++;
            p.free();
            return;
        }
        Netif out = ip.route(dst, src);
        if (out == null) {
            stats.rterr++;
            stats.drop++;
            ip.icmp().sendError(p, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_NET, 0);
            p.free();
            return;
        }
        if (out == inp && !cfg.forwardAllowTxOnRxNetif() || out.ip4().isBroadcast(dst) || isNetworkAddress(out, dst)) {
            // Never back out of the arrival netif (unless allowed); a directed broadcast of
            // the outgoing subnet is not forwarded (RFC 2644), nor its obsolete 0 form (RFC
            // 1812 §4.2.3.1).
            stats.drop++;
            p.free();
            return;
        }
        int ttl = Ipv4Packet.ttl(s, off);
        if (ttl > 1) {
            // The TTL and checksum are rewritten in place: never in bytes another reader
            // (or the caller, for caller memory) still holds.
            p = ctx.pbufs().writable(p, Layer.IP);
            if (p == null) {
                stats.memerr++;
                stats.drop++;
                return;
            }
            s = p.segment();
            off = p.offset();
        }
        if (ttl <= 1) {
            ip.icmp().sendError(p, Icmpv4Packet.TYPE_TIME_EXCEEDED, Icmpv4Packet.TIME_EXCEEDED_TTL, 0);
            stats.drop++;
            p.free();
            return;
        }
        if (p.gsoType() != Pbuf.GSO_NONE) {
            forwardSuperPacket(p, out, dst, ttl);
            return;
        }
        if (p.totalLength() > out.mtu() && ((Ipv4Packet.flagsFrag(s, off) & Ipv4Packet.FLAG_DF) != 0 || !cfg.frag())) {
            ip.icmp().sendError(p, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_FRAG_NEEDED, out.mtu());
            stats.drop++;
            p.free();
            return;
        }
        decrementTtl(s, off, ttl);
        stats.fw++;
        Err e = ip.transmit(p, out, ip.hop(ip.nextHop(out, dst)));
        if (e == Err.OK) {
            stats.xmit++;
        }
        p.free();
    }

    /**
     * Forwards a GSO super-packet: whole when the outgoing driver cuts that type itself,
     * else cut here into the packets it stands for (a UFO datagram is fragmented as any
     * large datagram). Takes over {@code p}.
     */
    private void forwardSuperPacket(Pbuf p, Netif out, int dst, int ttl) {
        int type = p.gsoType() & ~Pbuf.GSO_ECN;
        decrementTtl(p.segment(), p.offset(), ttl);
        stats.fw++;
        if ((out.driver().gsoTypes() & (1 << type)) != 0) {
            if (ip.transmit(p, out, ip.hop(ip.nextHop(out, dst))) == Err.OK) {
                stats.xmit++;
            }
        } else if (Ip4Segmenter.cuttable(p)) {
            ip.segmenter().segment(p, seg -> {
                if (ip.transmit(seg, out, ip.hop(ip.nextHop(out, dst))) == Err.OK) {
                    stats.xmit++;
                }
                seg.free();
            });
        } else {
            p.setGso(Pbuf.GSO_NONE, 0);
            if (ip.transmit(p, out, ip.hop(ip.nextHop(out, dst))) == Err.OK) {
                stats.xmit++;
            }
        }
        p.free();
    }

    /** True when {@code dst} is {<Network-prefix>, 0} of a subnet of {@code out} that has a broadcast address. */
    private static boolean isNetworkAddress(Netif out, int dst) {
        Ip4Addresses a4 = out.ip4();
        for (int k = 0, m = a4.count(); k < m; k++) {
            Ip4Interface a = a4.at(k);
            if (a.prefixLength() < 31 && (a.address().bits() & a.mask()) == dst) {
                return true;
            }
        }
        return false;
    }

    /** Network 0 or class E (240/4, the limited broadcast included): RFC 1812 §5.3.7. */
    private static boolean martian(int addr) {
        return (addr >>> 24) == 0 || (addr & 0xf0000000) == 0xf0000000;
    }

    /** TTL shares a 16-bit word with the protocol: the checksum is updated incrementally (RFC 1624). */
    private static void decrementTtl(MemorySegment s, int off, int ttl) {
        int proto = Ipv4Packet.protocol(s, off);
        int oldWord = (ttl << 8) | proto;
        int newWord = ((ttl - 1) << 8) | proto;
        Ipv4Packet.setTtl(s, off, ttl - 1);
        Ipv4Packet.setChecksum(s, off, Checksum.update(Ipv4Packet.checksum(s, off), oldWord, newWord));
    }
}
