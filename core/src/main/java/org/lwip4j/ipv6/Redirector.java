package org.lwip4j.ipv6;

import java.lang.foreign.MemorySegment;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.internal.ip.IcmpRateLimiter;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.Ipv6Packet;
import org.lwip4j.wire.NdOption;
import org.lwip4j.wire.NdPacket;

/**
 * The router side of redirects (RFC 4861 §8.2): when the {@link Ip6Forwarder} sends a
 * packet back out of the link it came in on, the sender had a better first hop on its own
 * link, and is told so. A redirect is sent only when
 *
 * <ul>
 *   <li>the packet's source is a neighbour: an address in an on-link prefix of that link
 *       (§8.2: "the Source Address field of the packet identifies a neighbor");</li>
 *   <li>the better first hop is the destination itself (on-link: the target is the
 *       destination, §4.5), or a router whose link-local address we route through (§8.2:
 *       the target MUST be the router's link-local address; a global next hop, whose
 *       link-local address we do not know, gets no redirect);</li>
 *   <li>the router has a valid link-local address on the link: the redirect's source MUST be
 *       it (§8.2), so that the host can check it is its current first hop (§8.1);</li>
 *   <li>the bucket allows it: at most the ICMPv6 error rate ({@code icmp.errorRate} per
 *       second, {@code errorBurst} at once; {@value #DEFAULT_RATE} per second when that is 0),
 *       as §8.2 MUST limit the rate of redirects.</li>
 * </ul>
 * The redirect goes to the packet's source with hop limit 255; it carries a target
 * link-layer address option when the target's address is in the neighbour cache, and a
 * redirected header option with as much of the packet as keeps the redirect within the
 * minimum MTU of 1280 bytes (§4.5, §4.6.3). The packet itself is still forwarded.
 */
final class Redirector {
    /** Redirects per second when the ICMPv6 error rate is unlimited: §8.2 requires a limit. */
    static final int DEFAULT_RATE = 10;
    /** The largest redirect, its IPv6 header included (RFC 4861 §4.5: the minimum MTU). */
    static final int MAX_PACKET = Ipv6Packet.MIN_MTU;

    private final StackContext ctx;
    private final Ipv6 ip;
    private final ProtoStats stats;
    private final IcmpRateLimiter limiter;

    Redirector(StackContext ctx, Ipv6 ip) {
        this.ctx = ctx;
        this.ip = ip;
        this.stats = ctx.stats().nd6;
        StackConfig.IcmpOptions icfg = ctx.config().icmp();
        int rate = icfg.errorRate() == 0 ? DEFAULT_RATE : icfg.errorRate();
        this.limiter = new IcmpRateLimiter(ctx, rate, Math.max(1, icfg.errorBurst()));
    }

    /**
     * {@code p} (at its IPv6 header) arrived on {@code link} and goes back out of it to
     * {@code hop}: sends its source a redirect when §8.2 says so. Does not take {@code p}.
     */
    void maybeRedirect(Netif link, Pbuf p, Ip6Address hop) {
        MemorySegment s = p.segment();
        int off = p.offset();
        long srcHi = Ipv6Packet.srcHi(s, off);
        long srcLo = Ipv6Packet.srcLo(s, off);
        long dstHi = Ipv6Packet.dstHi(s, off);
        long dstLo = Ipv6Packet.dstLo(s, off);
        boolean toDestination = hop.hi() == dstHi && hop.lo() == dstLo;
        if (!toDestination && !hop.isLinkLocal()) {
            return;
        }
        if (hop.hi() == srcHi && hop.lo() == srcLo) {
            return;
        }
        if (link.ip6().onLinkPrefix(srcHi, srcLo) < 0 && ip.nd().routers().prefixes().onLink(link, srcHi, srcLo) < 0) {
            return;
        }
        Ip6Addresses.Entry ll = link.ip6().linkLocal();
        if (ll == null || !ll.state().isValid()) {
            return;
        }
        if (!limiter.take()) {
            stats.drop++;
            return;
        }
        Neighbor n = ip.nd().cache().find(link, hop.hi(), hop.lo());
        boolean tlla = n != null && n.state() != NeighborState.INCOMPLETE;
        int head = NdPacket.REDIRECT_LEN + (tlla ? NdOption.LINK_LAYER_LEN : 0);
        int room = MAX_PACKET - Ipv6Packet.HEADER_LEN - head - NdOption.REDIRECTED_HEADER_DATA;
        int quote = Math.min(p.totalLength(), room & ~7);
        int optLen = (quote + NdOption.REDIRECTED_HEADER_DATA + 7) & ~7;
        Pbuf r = ctx.pbufs().allocPool(Layer.IP, head + optLen);
        if (r == null) {
            stats.memerr++;
            return;
        }
        MemorySegment rs = r.segment();
        int roff = r.offset();
        NdPacket.emitRedirect(rs, roff, hop.hi(), hop.lo(), dstHi, dstLo);
        if (tlla) {
            NdOption.emitLinkLayer(rs, roff + NdPacket.REDIRECT_LEN, NdOption.TARGET_LL_ADDR, n.mac());
        }
        // The fixed part and both options' starts (at most 56 bytes) lie in the first buffer.
        NdOption.emitRedirectedHeader(rs, roff + head, quote);
        r.copyFrom(head + NdOption.REDIRECTED_HEADER_DATA, p, 0, quote);
        for (int i = head + NdOption.REDIRECTED_HEADER_DATA + quote; i < head + optLen; i++) {
            r.setByte(i, 0);
        }
        Ip6Address src = ll.address();
        Err e = ip.sendNd(r, link, src.hi(), src.lo(), new Ip6Address(srcHi, srcLo, link.index()), -1);
        r.free();
        if (e == Err.OK) {
            stats.xmit++;
        } else {
            stats.err++;
        }
    }
}
