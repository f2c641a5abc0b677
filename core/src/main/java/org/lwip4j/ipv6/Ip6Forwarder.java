package org.lwip4j.ipv6;

import java.lang.foreign.MemorySegment;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.Icmpv6Packet;
import org.lwip4j.wire.Ipv6Packet;

/**
 * Forwards IPv6 packets not addressed to the stack between its netifs ({@code
 * LWIP_IPV6_FORWARD}, lwIP's {@code ip6_forward}), routed by the same {@link Ipv6#route}
 * and {@link Ipv6#nextHop} (static routes in the shared {@link org.lwip4j.ip.RouteTable},
 * on-link prefixes, default routers) as the stack's own packets:
 *
 * <ul>
 *   <li>never link-local scope: a link-local destination is not forwarded, a link-local (or
 *       unspecified) source toward another destination gets Destination Unreachable code 2,
 *       "beyond scope of source address" (RFC 4291 §2.5.6, RFC 4443 §3.1);</li>
 *   <li>no route: Destination Unreachable code 0 (RFC 4443 §3.1);</li>
 *   <li>hop limit 1 or less: Time Exceeded code 0 (RFC 8200 §3, RFC 4443 §3.3); else it is
 *       decremented (no header checksum in IPv6);</li>
 *   <li>larger than the outgoing link's MTU: Packet Too Big with that MTU, never fragmented
 *       (RFC 8200 §4.5, §5: only the source fragments; RFC 4443 §3.2) — also about a packet
 *       to a multicast address, as §2.4 (e.3) allows.</li>
 * </ul>
 * A packet that leaves by the netif it came in on still goes on, and its sender may get a
 * redirect from the {@link Redirector} (RFC 4861 §8.2). Multicast is not forwarded (no
 * multicast routing). Errors go through {@link Icmpv6}'s rules and rate limit.
 */
final class Ip6Forwarder {
    private final StackContext ctx;
    private final Ipv6 ip;
    private final ProtoStats stats;
    private final Redirector redirector;
    /** The last destination forwarded to: a steady flow allocates no address per packet. */
    private Ip6Address lastDst = Ip6Address.ANY;

    Ip6Forwarder(StackContext ctx, Ipv6 ip) {
        this.ctx = ctx;
        this.ip = ip;
        this.stats = ctx.stats().ip6;
        this.redirector = new Redirector(ctx, ip);
    }

    /** Forwards {@code p} (at its IPv6 header, checked, not for us, unicast), received on {@code inp}; takes it over. */
    void forward(Netif inp, Pbuf p) {
        MemorySegment s = p.segment();
        int off = p.offset();
        long srcHi = Ipv6Packet.srcHi(s, off);
        long srcLo = Ipv6Packet.srcLo(s, off);
        long dstHi = Ipv6Packet.dstHi(s, off);
        long dstLo = Ipv6Packet.dstLo(s, off);
        if (Ipv6.isLinkLocal(dstHi) || (srcHi == 0 && srcLo == 0)) {
            stats.drop++;
            p.free();
            return;
        }
        Ip6Address dst = lastDst;
        if (dst.hi() != dstHi || dst.lo() != dstLo) {
            dst = new Ip6Address(dstHi, dstLo, 0);
            lastDst = dst;
        }
        if (Ipv6.isLinkLocal(srcHi)) {
            // RFC 4291 §2.5.6: a link-local source never leaves its link.
            stats.drop++;
            ip.icmp().sendError(p, Icmpv6Packet.TYPE_DEST_UNREACH, Icmpv6Packet.UNREACH_BEYOND_SCOPE, 0, false, inp);
            p.free();
            return;
        }
        Netif out = ip.route(dst, null);
        if (out == null || out.hasFlag(Netif.FLAG_LOOPBACK)) {
            stats.rterr++;
            stats.drop++;
            ip.icmp().sendError(p, Icmpv6Packet.TYPE_DEST_UNREACH, Icmpv6Packet.UNREACH_NO_ROUTE, 0, false, inp);
            p.free();
            return;
        }
        int hops = Ipv6Packet.hopLimit(s, off);
        if (hops <= 1) {
            stats.drop++;
            ip.icmp().sendError(p, Icmpv6Packet.TYPE_TIME_EXCEEDED, Icmpv6Packet.TIME_EXCEEDED_HOP_LIMIT, 0, false, inp);
            p.free();
            return;
        }
        int mtu = ip.pathMtu(out, dst);
        if (p.totalLength() > mtu && p.gsoType() == Pbuf.GSO_NONE) {
            stats.drop++;
            ip.icmp().sendError(p, Icmpv6Packet.TYPE_PACKET_TOO_BIG, 0, mtu, true, inp);
            p.free();
            return;
        }
        // The hop limit is rewritten in place: never in bytes another reader still holds.
        p = ctx.pbufs().writable(p, Layer.IP);
        if (p == null) {
            stats.memerr++;
            stats.drop++;
            return;
        }
        Ip6Address hop = ip.nextHop(out, dst);
        if (out == inp) {
            // Back out of the link it came in on: the sender had a better first hop (RFC 4861 §8.2).
            redirector.maybeRedirect(inp, p, hop);
        }
        Ipv6Packet.setHopLimit(p.segment(), p.offset(), hops - 1);
        stats.fw++;
        Err e = out.output(p, hop);
        if (e == Err.OK) {
            stats.xmit++;
        } else {
            stats.err++;
        }
        p.free();
    }
}
