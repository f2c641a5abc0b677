package org.lwip4j.ipv4;

import java.lang.foreign.MemorySegment;
import org.lwip4j.addr.Ip4Address;
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
import org.lwip4j.wire.Icmpv4Packet;
import org.lwip4j.wire.Ipv4Packet;

/**
 * ICMPv4 (RFC 792, RFC 1122 §3.2.2): answers echo requests (also reassembled multi-fragment
 * ones), sends destination unreachable / time exceeded errors with RFC 1122's restrictions
 * and a rate limit (RFC 1812 §4.3.2.8), and hands received errors to the transport whose
 * packet they quote (lwIP's {@code icmp.c}).
 */
public final class Icmpv4 implements TransportInput {
    /** Bytes of the original datagram quoted after its IP header (RFC 792). */
    public static final int QUOTED_DATA = 8;

    private final StackContext ctx;
    private final StackConfig.IcmpOptions icfg;
    private final Ipv4 ip;
    private final ProtoStats stats;
    private final IcmpRateLimiter limiter;

    Icmpv4(StackContext ctx, Ipv4 ip) {
        this.ctx = ctx;
        this.icfg = ctx.config().icmp();
        this.ip = ip;
        this.stats = ctx.stats().icmp;
        this.limiter = new IcmpRateLimiter(ctx, icfg.errorRate(), icfg.errorBurst());
    }

    @Override
    public void input(Pbuf p, IpInfo info) {
        stats.recv++;
        int len = p.totalLength();
        if (len < Icmpv4Packet.HEADER_LEN || p.length() < Icmpv4Packet.HEADER_LEN) {
            stats.lenerr++;
            stats.drop++;
            p.free();
            return;
        }
        if (icfg.checksumCheck() && !p.checksumTrusted()
                && !Checksum.verifies(Checksum.pbuf(p, 0, len, 0))) {
            stats.chkerr++;
            stats.drop++;
            p.free();
            return;
        }
        MemorySegment s = p.segment();
        int off = p.offset();
        int type = Icmpv4Packet.type(s, off);
        switch (type) {
            case Icmpv4Packet.TYPE_ECHO -> echo(p, info);
            case Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.TYPE_TIME_EXCEEDED, Icmpv4Packet.TYPE_PARAM_PROBLEM,
                    Icmpv4Packet.TYPE_SOURCE_QUENCH, Icmpv4Packet.TYPE_REDIRECT -> {
                errorInput(p, info, type);
                p.free();
            }
            default -> {
                // Echo replies and the rest are for raw pcbs (ping), which have seen them.
                stats.proterr++;
                stats.drop++;
                p.free();
            }
        }
    }

    /**
     * RFC 792 echo: the reply carries the request's identifier, sequence and data. Kept under
     * C2's limit for inlining a hot method (325 bytecodes: {@code HotPathSizeTest}), so that the
     * compiled ICMP input takes it in whole.
     */
    private void echo(Pbuf p, IpInfo info) {
        if ((info.isBroadcast() && !icfg.broadcastPing()) || (info.isMulticast() && !icfg.multicastPing())
                || info.src4() == 0) {
            // No answer to a group unless configured, nor to 0.0.0.0 (RFC 1122 §3.2.1.3).
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
        turnIntoReply(p.segment(), p.offset());
        int src = info.isBroadcast() || info.isMulticast() ? 0 : info.dst4();
        Netif via = ip.route(info.src4(), src);
        if (via == null) {
            via = info.netif();
        }
        if (src == 0) {
            // RFC 1122 §3.2.2.6, §3.2.1.3: the specific destination of a broadcast is the
            // address of the netif it arrived on, whichever netif the reply leaves by.
            src = ip.selectSource(info.netif(), info.src4());
        }
        Err e = ip.output(p, src, info.src4(), icfg.ttl(), info.tos(), Ipv4Packet.PROTO_ICMP, via, false);
        if (e == Err.OK) {
            stats.xmit++;
        } else {
            stats.err++;
        }
        p.free();
    }

    /** Rewrites the echo request at {@code off} into its reply: the type, and the checksum updated for it (RFC 1624). */
    private void turnIntoReply(MemorySegment s, int off) {
        int code = Icmpv4Packet.code(s, off);
        Icmpv4Packet.setTypeCode(s, off, Icmpv4Packet.TYPE_ECHO_REPLY, code);
        if (icfg.checksumGen()) {
            int sum = Icmpv4Packet.checksum(s, off);
            Icmpv4Packet.setChecksum(s, off,
                    Checksum.update(sum, (Icmpv4Packet.TYPE_ECHO << 8) | code, (Icmpv4Packet.TYPE_ECHO_REPLY << 8) | code));
        } else {
            Icmpv4Packet.setChecksum(s, off, 0);
        }
    }

    /** Hands an error to the transport of the quoted packet (RFC 1122 §3.2.2, §4.1.3.3). */
    private void errorInput(Pbuf p, IpInfo info, int type) {
        int len = p.totalLength();
        int quoted = Icmpv4Packet.HEADER_LEN;
        if (len < quoted + Ipv4Packet.MIN_HEADER_LEN + QUOTED_DATA) {
            stats.lenerr++;
            stats.drop++;
            return;
        }
        int vihl = p.getByte(quoted);
        int qhl = (vihl & 0x0f) * 4;
        if ((vihl >>> 4) != 4 || qhl < Ipv4Packet.MIN_HEADER_LEN || len < quoted + qhl + 4) {
            stats.lenerr++;
            stats.drop++;
            return;
        }
        int protocol = p.getByte(quoted + Ipv4Packet.Field.PROTOCOL);
        TransportErrorInput sink = ip.transports().errors(protocol);
        if (sink == null) {
            return;
        }
        int qsrc = get32(p, quoted + Ipv4Packet.Field.SRC);
        int qdst = get32(p, quoted + Ipv4Packet.Field.DST);
        int sport = p.getU16(quoted + qhl);
        int dport = p.getU16(quoted + qhl + 2);
        int code = p.getByte(1);
        int mtu = type == Icmpv4Packet.TYPE_DEST_UNREACH && code == Icmpv4Packet.UNREACH_FRAG_NEEDED ? p.getU16(6) : 0;
        int qlen = Math.min(8, len - quoted - qhl);
        long header = ((long) sport << 48) | ((long) dport << 32);
        if (qlen >= 8) {
            header |= get32(p, quoted + qhl + 4) & 0xffffffffL;
        }
        sink.icmpError(new IcmpError(4, type, code, Ip4Address.of(info.src4()), Ip4Address.of(qsrc), sport,
                Ip4Address.of(qdst), dport, mtu, qlen, header));
    }

    private static int get32(Pbuf p, int off) {
        return (p.getU16(off) << 16) | p.getU16(off + 2);
    }

    /**
     * Sends "port unreachable" about a datagram a transport could not deliver; {@code p}'s
     * payload starts at the transport header, {@code info} describes its IP packet. Does not
     * take the caller's reference.
     */
    void portUnreachable(Pbuf p, IpInfo info) {
        // RFC 1122 §3.2.2: never about a datagram to a group, nor one that came in a
        // link-layer broadcast.
        if (info.isBroadcast() || info.isMulticast() || info.isLinkBroadcast()) {
            return;
        }
        int hl = info.headerLen();
        // Quote the header in front of the payload (also in caller memory: a REF pbuf takes
        // back a header it hid); a head node that no longer follows it is not answered.
        if (info.headerOffset() + hl == p.offset() && p.addHeader(hl)) {
            sendError(p, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_PORT, 0);
            p.removeHeader(hl);
        }
    }

    /**
     * Sends an ICMP error about {@code orig} (payload at its IP header): destination
     * unreachable, time exceeded or parameter problem. RFC 1122 §3.2.2: never about an ICMP
     * error, a broadcast or multicast destination, a non-initial fragment, or a source that is
     * not a unicast host (network 0 included, RFC 1812 §4.3.2.7); sent from the datagram's
     * destination when that is ours (RFC 1122 §3.3.4.2); quotes the IP header and at most 8 data bytes, never more than the
     * packet has (across chained nodes). {@code extra} is the next-hop MTU for
     * "fragmentation needed". Rate limited. Does not take the caller's reference.
     */
    Err sendError(Pbuf orig, int type, int code, int extra) {
        if (orig.length() < Ipv4Packet.MIN_HEADER_LEN) {
            return Err.VAL;
        }
        MemorySegment os = orig.segment();
        int ooff = orig.offset();
        int ohl = Ipv4Packet.headerLen(os, ooff);
        int osrc = Ipv4Packet.src(os, ooff);
        int odst = Ipv4Packet.dst(os, ooff);
        if ((Ipv4Packet.flagsFrag(os, ooff) & Ipv4Packet.OFFSET_MASK) != 0) {
            return Err.VAL;
        }
        if ((osrc >>> 24) == 0 || osrc == -1 || (osrc & 0xf0000000) == 0xe0000000 || (osrc & 0xf0000000) == 0xf0000000
                || odst == -1 || (odst & 0xf0000000) == 0xe0000000 || ip.isOurBroadcast(odst)) {
            // (A directed broadcast or 0.0.0.0 of ours: callers that know the arrival netif
            // check it too, a reassembly timeout does not.)
            return Err.VAL;
        }
        if (Ipv4Packet.protocol(os, ooff) == Ipv4Packet.PROTO_ICMP) {
            int otype = orig.totalLength() > ohl ? orig.getByte(ohl) : -1;
            // Errors only about queries we know (echo, timestamp...), never about errors or unknown types.
            if (otype < 0 || Icmpv4Packet.isError(otype) || (otype != Icmpv4Packet.TYPE_ECHO
                    && otype != Icmpv4Packet.TYPE_ECHO_REPLY && otype != Icmpv4Packet.TYPE_TIMESTAMP
                    && otype != Icmpv4Packet.TYPE_TIMESTAMP_REPLY)) {
                return Err.VAL;
            }
        }
        if (!limiter.take()) {
            stats.drop++;
            return Err.WOULDBLOCK;
        }
        int quoted = Math.min(ohl + QUOTED_DATA, orig.totalLength());
        Pbuf e = ctx.pbufs().allocPool(Layer.IP, Icmpv4Packet.HEADER_LEN + quoted);
        if (e == null) {
            stats.memerr++;
            return Err.MEM;
        }
        MemorySegment s = e.segment();
        int off = e.offset();
        int rest = type == Icmpv4Packet.TYPE_DEST_UNREACH && code == Icmpv4Packet.UNREACH_FRAG_NEEDED ? extra & 0xffff
                : type == Icmpv4Packet.TYPE_PARAM_PROBLEM ? (extra & 0xff) << 24 : 0;
        Icmpv4Packet.emit(s, off, type, code, rest);
        orig.copyTo(0, s, off + Icmpv4Packet.HEADER_LEN, quoted);
        if (icfg.checksumGen()) {
            Bytes.put16(s, off + Icmpv4Packet.Field.CHECKSUM, Checksum.finish(Checksum.pbuf(e, 0, e.totalLength(), 0)));
        }
        // RFC 1122 §3.3.4.2: about a datagram to one of our addresses, answer from that
        // address; about one we forward, from the outgoing netif (RFC 1812 §4.3.2.4).
        int src = ip.isOwnAddress(odst) ? odst : 0;
        Err r = ip.output(e, src, osrc, icfg.ttl(), 0, Ipv4Packet.PROTO_ICMP, null, false);
        if (r == Err.OK) {
            stats.xmit++;
        } else {
            stats.err++;
        }
        e.free();
        return r;
    }


    /** Reassembly gave up on a datagram whose first fragment arrived: time exceeded, code 1 (RFC 792). Takes over {@code firstFragment}. */
    void reassemblyTimedOut(Pbuf firstFragment) {
        sendError(firstFragment, Icmpv4Packet.TYPE_TIME_EXCEEDED, Icmpv4Packet.TIME_EXCEEDED_REASSEMBLY, 0);
        firstFragment.free();
    }
}
