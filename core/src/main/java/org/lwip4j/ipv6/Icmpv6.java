package org.lwip4j.ipv6;

import java.lang.foreign.MemorySegment;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.internal.ip.IcmpRateLimiter;
import org.lwip4j.ip.IcmpError;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.ip.TransportErrorInput;
import org.lwip4j.ip.TransportInput;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.Icmpv6Packet;
import org.lwip4j.wire.Ipv6ExtHeaders;
import org.lwip4j.wire.Ipv6Packet;

/**
 * ICMPv6 (RFC 4443; lwIP's {@code icmp6.c}): answers echo requests, also those sent to a
 * multicast group we listen to (§4.1 SHOULD, {@code ip6MulticastPing}); sends destination
 * unreachable, packet too big, time exceeded and parameter problem errors; hands received
 * errors about our packets to the transport that sent them as {@link IcmpError}s (version
 * 6); a Packet Too Big about a packet of ours lowers the destination's path MTU first (RFC
 * 8201 §4, {@link DestinationCache}) and the transport hears the estimate; passes Neighbor
 * Discovery messages to {@link NeighborDiscovery}.
 *
 * <p>Errors (§2.4): never about an ICMPv6 error message or a redirect (e.1), nor about a
 * packet to a multicast address or sent as a link-layer multicast or broadcast (e.2–e.4),
 * except Packet Too Big and Parameter Problem code 2 for an option whose two high bits are
 * 10; never about a packet whose source is unspecified or multicast (e.5, e.6). Rate
 * limited by a token bucket ({@code icmpErrorRate}, {@code icmpErrorBurst}, §2.4 (f)).
 * Each error quotes as much of the invoking packet as fits in the minimum MTU of 1280
 * bytes (§2.4 (c)), never more than the packet has, across pbuf chains.
 */
public final class Icmpv6 implements TransportInput {
    /** The most an error message may be, IPv6 header included (RFC 4443 §2.4 (c)). */
    public static final int MAX_ERROR_PACKET = Ipv6Packet.MIN_MTU;

    private final StackContext ctx;
    private final StackConfig.IcmpOptions icfg;
    private final Ipv6 ip;
    private final ProtoStats stats;
    private final IcmpRateLimiter limiter;
    private final Ipv6ExtHeaders quoteWalk = new Ipv6ExtHeaders();
    private final byte[] quoted = new byte[MAX_ERROR_PACKET];
    private final MemorySegment quotedView = MemorySegment.ofArray(quoted);

    Icmpv6(StackContext ctx, Ipv6 ip) {
        this.ctx = ctx;
        this.icfg = ctx.config().icmp();
        this.ip = ip;
        this.stats = ctx.stats().icmp6;
        this.limiter = new IcmpRateLimiter(ctx, icfg.errorRate(), icfg.errorBurst());
    }

    @Override
    public void input(Pbuf p, IpInfo info) {
        stats.recv++;
        int len = p.totalLength();
        if (len < Icmpv6Packet.HEADER_LEN || p.length() < Icmpv6Packet.HEADER_LEN) {
            stats.lenerr++;
            stats.drop++;
            p.free();
            return;
        }
        // RFC 4443 §2.3: the checksum is mandatory and covers the pseudo-header.
        if (!p.checksumTrusted() && !Checksum.verifies(Checksum.pbuf(p, 0, len, info.pseudoHeader(Ipv6Packet.NH_ICMPV6, len)))) {
            stats.chkerr++;
            stats.drop++;
            p.free();
            return;
        }
        int type = Icmpv6Packet.type(p.segment(), p.offset());
        switch (type) {
            case Icmpv6Packet.TYPE_ECHO_REQUEST -> echo(p, info);
            case Icmpv6Packet.TYPE_ROUTER_SOLICIT, Icmpv6Packet.TYPE_ROUTER_ADVERT, Icmpv6Packet.TYPE_NEIGHBOR_SOLICIT,
                    Icmpv6Packet.TYPE_NEIGHBOR_ADVERT, Icmpv6Packet.TYPE_REDIRECT -> ip.nd().input(p, info);
            case Icmpv6Packet.TYPE_MLD_QUERY, Icmpv6Packet.TYPE_MLD_REPORT, Icmpv6Packet.TYPE_MLD_DONE,
                    Icmpv6Packet.TYPE_MLDV2_REPORT -> ip.mld().input(p, info);
            default -> {
                if (Icmpv6Packet.isError(type)) {
                    // §2.4 (b): errors of known and unknown types go to the sender's transport.
                    errorInput(p, info, type);
                } else {
                    // Echo replies and unknown informational messages are for raw pcbs (§2.4 (b)).
                    stats.drop++;
                }
                p.free();
            }
        }
    }

    /** RFC 4443 §4.2: the reply carries the request's identifier, sequence number and data. */
    private void echo(Pbuf p, IpInfo info) {
        if ((info.isMulticast() && !ip.config().multicastPing()) || info.srcIs(Ip6Address.ANY)) {
            stats.drop++;
            p.free();
            return;
        }
        // The reply is made in place: never in bytes someone else still holds.
        p = ctx.pbufs().writable(p, Layer.TRANSPORT);
        if (p == null) {
            stats.memerr++;
            stats.drop++;
            return;
        }
        MemorySegment s = p.segment();
        int off = p.offset();
        Bytes.put8(s, off + Icmpv6Packet.Field.TYPE, Icmpv6Packet.TYPE_ECHO_REPLY);
        Ip6Address dst = (Ip6Address) info.src();
        // A reply to a multicast request comes from a unicast address of the arrival netif (§4.2).
        Ip6Address src = info.isMulticast() ? ip.selectSource(info.netif(), dst) : (Ip6Address) info.dst();
        Err e = src == null ? Err.RTE : ip.sendIcmp(p, dst, src, Ipv6.LINK_HOP_LIMIT, info.tos(),
                dst.isLinkLocal() || src.isLinkLocal() ? info.netif() : null);
        if (e == Err.OK) {
            stats.xmit++;
        } else {
            stats.err++;
        }
        p.free();
    }

    /** Hands an error about one of our packets to its transport (RFC 4443 §2.4 (b), §3). */
    private void errorInput(Pbuf p, IpInfo info, int type) {
        int len = p.totalLength() - Icmpv6Packet.HEADER_LEN;
        if (len < Ipv6Packet.HEADER_LEN) {
            stats.lenerr++;
            stats.drop++;
            return;
        }
        int n = Math.min(len, quoted.length);
        p.copyTo(Icmpv6Packet.HEADER_LEN, quoted, 0, n);
        MemorySegment q = quotedView;
        if (Ipv6Packet.version(q, 0) != 6) {
            stats.proterr++;
            stats.drop++;
            return;
        }
        int upperOff = quoteWalk.walk(q, 0, n);
        if (upperOff < 0 || quoteWalk.fragmentOffset() > 0 || upperOff + 4 > n) {
            // Ports are not in what came back: nobody to tell.
            stats.drop++;
            return;
        }
        TransportErrorInput sink = ip.transports().errors(quoteWalk.upperProtocol());
        if (sink == null) {
            return;
        }
        int zone = info.netif().index();
        Ip6Address qsrc = address(Ipv6Packet.srcHi(q, 0), Ipv6Packet.srcLo(q, 0), zone);
        Ip6Address qdst = address(Ipv6Packet.dstHi(q, 0), Ipv6Packet.dstLo(q, 0), zone);
        int code = p.getByte(1);
        int mtu = 0;
        if (type == Icmpv6Packet.TYPE_PACKET_TOO_BIG) {
            if (!ip.isOwnAddress(qsrc.hi(), qsrc.lo())) {
                // Not about a packet we sent: it cannot teach us a path MTU (RFC 8201 §4, §6).
                stats.drop++;
                return;
            }
            // RFC 8201 §4: the path MTU of the destination is lowered (never below 1280), and the
            // transport hears the estimate.
            mtu = ip.tooBig(qdst, Icmpv6Packet.mtu(p.segment(), p.offset()));
        }
        sink.icmpError(new IcmpError(6, type, code, info.src(), qsrc, Bytes.u16(q, upperOff), qdst,
                Bytes.u16(q, upperOff + 2), mtu, Math.min(8, n - upperOff), quotedHeader(q, upperOff, n)));
    }

    /**
     * A packet of ours above the outgoing MTU that may not be fragmented ({@link
     * org.lwip4j.ip.IpOutput#DONT_FRAGMENT}, or fragmentation off): its transport hears a
     * Packet Too Big with {@code mtu} (RFC 4443 §3.2, RFC 8201 §4) reported by our own source
     * address, as if the first hop had sent it, so it can lower its segment size. {@code pkt}
     * starts at the IPv6 header; it is only read.
     */
    void tooBigLocally(Pbuf pkt, int mtu) {
        int n = Math.min(pkt.totalLength(), quoted.length);
        pkt.copyTo(0, quoted, 0, n);
        MemorySegment q = quotedView;
        int upperOff = quoteWalk.walk(q, 0, n);
        if (upperOff < 0 || upperOff + 4 > n) {
            return;
        }
        TransportErrorInput sink = ip.transports().errors(quoteWalk.upperProtocol());
        if (sink == null) {
            return;
        }
        Ip6Address src = address(Ipv6Packet.srcHi(q, 0), Ipv6Packet.srcLo(q, 0), 0);
        Ip6Address dst = address(Ipv6Packet.dstHi(q, 0), Ipv6Packet.dstLo(q, 0), 0);
        sink.icmpError(new IcmpError(6, Icmpv6Packet.TYPE_PACKET_TOO_BIG, 0, src, src, Bytes.u16(q, upperOff), dst,
                Bytes.u16(q, upperOff + 2), mtu, Math.min(8, n - upperOff), quotedHeader(q, upperOff, n)));
    }

    /** The first (up to) 8 bytes of the quoted transport header, big-endian, zero beyond the quote. */
    private static long quotedHeader(MemorySegment q, int off, int n) {
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (off + i < n ? Bytes.u8(q, off + i) : 0);
        }
        return h;
    }

    private static Ip6Address address(long hi, long lo, int zone) {
        boolean scoped = Ipv6.isLinkLocal(hi) || (hi >>> 48) == 0xff02L;
        return new Ip6Address(hi, lo, scoped ? zone : 0);
    }

    /** Sends "port unreachable" (type 1 code 4) about a datagram no transport pcb took; never about multicast. */
    void portUnreachable(Pbuf p, IpInfo info) {
        if (info.isMulticast() || info.isLinkBroadcast()) {
            return;
        }
        int hl = info.headerLen();
        if (info.headerOffset() + hl == p.offset() && p.addHeader(hl)) {
            sendError(p, Icmpv6Packet.TYPE_DEST_UNREACH, Icmpv6Packet.UNREACH_PORT, 0, false, info.netif());
            p.removeHeader(hl);
        }
    }

    /** Parameter Problem {@code code} pointing at {@code pointer} about {@code orig} (RFC 4443 §3.4). */
    void parameterProblem(Pbuf orig, int code, int pointer, boolean groupDestination, Netif inp) {
        if (!groupDestination) {
            sendError(orig, Icmpv6Packet.TYPE_PARAM_PROBLEM, code, pointer, false, inp);
        }
    }

    /**
     * Parameter Problem code 2 about the unrecognized option at {@code pointer}, which RFC
     * 8200 §4.2 allows (10) even about a packet to a multicast address (RFC 4443 §2.4 (e.3));
     * the caller decides for action 11.
     */
    void parameterProblemOption(Pbuf orig, int pointer, Netif inp) {
        sendError(orig, Icmpv6Packet.TYPE_PARAM_PROBLEM, Ipv6ExtHeaders.PROBLEM_OPTION, pointer, true, inp);
    }

    /** Time exceeded, code 1 (RFC 8200 §4.5): reassembly ran out of time with fragment 0 held. Takes over {@code first}. */
    void reassemblyTimedOut(Pbuf first) {
        sendError(first, Icmpv6Packet.TYPE_TIME_EXCEEDED, Icmpv6Packet.TIME_EXCEEDED_REASSEMBLY, 0, false, null);
        first.free();
    }

    /**
     * Sends an ICMPv6 error about {@code orig} (payload at its IPv6 header) under the rules
     * of RFC 4443 §2.4 (see the class comment). {@code param} is the MTU of a Packet Too Big
     * or the pointer of a Parameter Problem. {@code evenToMulticast} allows an error about a
     * packet to a multicast address (Packet Too Big, Parameter Problem code 2 for action 10).
     * {@code inp}, when known, is the netif the packet arrived on: errors about link-local
     * traffic leave by it. Does not take the caller's reference.
     */
    Err sendError(Pbuf orig, int type, int code, int param, boolean evenToMulticast, Netif inp) {
        if (orig.length() < Ipv6Packet.HEADER_LEN) {
            return Err.VAL;
        }
        MemorySegment os = orig.segment();
        int ooff = orig.offset();
        long srcHi = Ipv6Packet.srcHi(os, ooff);
        long srcLo = Ipv6Packet.srcLo(os, ooff);
        long dstHi = Ipv6Packet.dstHi(os, ooff);
        long dstLo = Ipv6Packet.dstLo(os, ooff);
        if ((srcHi == 0 && srcLo == 0) || (srcHi >>> 56) == 0xff) {
            return Err.VAL; // §2.4 (e.5), (e.6)
        }
        boolean multicastDst = (dstHi >>> 56) == 0xff;
        if (multicastDst && !evenToMulticast && type != Icmpv6Packet.TYPE_PACKET_TOO_BIG) {
            return Err.VAL; // §2.4 (e.3)
        }
        if (aboutError(orig)) {
            return Err.VAL; // §2.4 (e.1)
        }
        if (!limiter.take()) {
            stats.drop++;
            return Err.WOULDBLOCK;
        }
        int quote = Math.min(orig.totalLength(), MAX_ERROR_PACKET - Ipv6Packet.HEADER_LEN - Icmpv6Packet.HEADER_LEN);
        Pbuf e = ctx.pbufs().allocPool(Layer.IP, Icmpv6Packet.HEADER_LEN + quote);
        if (e == null) {
            stats.memerr++;
            return Err.MEM;
        }
        Icmpv6Packet.emit(e.segment(), e.offset(), type, code, param);
        e.copyFrom(Icmpv6Packet.HEADER_LEN, orig, 0, quote);
        Ip6Address dst = new Ip6Address(srcHi, srcLo, 0);
        // About a packet to one of our unicast addresses, answer from it; else let selection choose.
        Ip6Address src = !multicastDst && ip.isOwnAddress(dstHi, dstLo) ? new Ip6Address(dstHi, dstLo, 0) : null;
        Netif via = null;
        if (dst.isLinkLocal() || (src != null && src.isLinkLocal())) {
            via = inp != null ? inp : ownerOf(src != null ? src : dst);
        }
        Err r = ip.sendIcmp(e, dst, src, Ipv6.LINK_HOP_LIMIT, 0, via);
        if (r == Err.OK) {
            stats.xmit++;
        } else {
            stats.err++;
        }
        e.free();
        return r;
    }

    /** The netif that has the link-local {@code a} or whose link-local prefix it is in: for link-local errors without a zone. */
    private Netif ownerOf(Ip6Address a) {
        for (Netif n : ip.netifs().view()) {
            if (n.ip6().hasAny(a.hi(), a.lo())) {
                return n;
            }
        }
        return ip.netifs().defaultNetif();
    }

    /** True when {@code orig} is an ICMPv6 error or redirect (its header chain walked in its first node). */
    private boolean aboutError(Pbuf orig) {
        int upper = quoteWalk.walk(orig.segment(), orig.offset(), Math.min(orig.totalLength(), orig.length()));
        if (upper < 0 || quoteWalk.upperProtocol() != Ipv6Packet.NH_ICMPV6 || quoteWalk.fragmentOffset() > 0
                || upper >= orig.totalLength()) {
            return false;
        }
        int t = orig.getByte(upper);
        return Icmpv6Packet.isError(t) || t == Icmpv6Packet.TYPE_REDIRECT;
    }

}
