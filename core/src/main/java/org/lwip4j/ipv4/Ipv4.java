package org.lwip4j.ipv4;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.internal.ip.IpInfoWriter;
import org.lwip4j.internal.ip.TransportTable;
import org.lwip4j.ip.Ip;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.ip.IpOutput;
import org.lwip4j.ip.NetworkProtocol;
import org.lwip4j.ip.RawInput;
import org.lwip4j.ip.ReassemblyState;
import org.lwip4j.ip.Route;
import org.lwip4j.ip.RouteTable;
import org.lwip4j.ip.StaticRoute;
import org.lwip4j.ip.TransportErrorInput;
import org.lwip4j.ip.TransportInput;
import org.lwip4j.netif.Ip4Addresses;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifListener;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.netif.NetworkInput;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.Drop;
import org.lwip4j.wire.EthernetFrame;
import org.lwip4j.wire.Icmpv4Packet;
import org.lwip4j.wire.Ipv4Packet;

/**
 * IPv4 (RFC 791, RFC 1122 §3.2/§3.3): input checks and delivery, routing, output with
 * fragmentation (lwIP's {@code ip4.c}); the IPv4 {@link NetworkProtocol} of the stack's
 * {@link Ip} layer. Forwarding between netifs is {@link Ip4Forwarder}'s.
 *
 * <p>Input: header and checksum checked, link padding trimmed, invalid sources discarded
 * (RFC 1122 §3.2.1.3), unicast datagrams that came in a link-layer broadcast discarded
 * (§3.3.6), packets for other hosts forwarded (when enabled) or dropped, fragments
 * reassembled, raw pcbs offered the packet, then the transport registered for its
 * protocol gets it; with none, ICMP "protocol unreachable". Output: route by longest
 * prefix over the netifs' subnets and static routes, then the default netif; source chosen
 * from the outgoing netif; packets to our own addresses looped back at the network layer
 * whatever the netif's link; packets above the MTU fragmented.
 */
public final class Ipv4 implements NetworkInput, NetworkProtocol {
    /** Option types of loose and strict source and record route (RFC 791 §3.1). */
    private static final int OPT_LSRR = 131;
    private static final int OPT_SSRR = 137;

    private final StackContext ctx;
    private final StackConfig.Ip4Options cfg;
    private final NetifTable netifs;
    private final ProtoStats stats;
    private final Ipv4Reassembly reassembly;
    private final Ipv4Fragmenter fragmenter;
    private final Icmpv4 icmp;
    private final Igmp igmp;
    private final Ip4Forwarder forwarder;
    private final Ip4Segmenter segmenter;
    private final TransportTable transports = new TransportTable();
    private final RouteTable routes;
    private final IpInfoWriter info = new IpInfoWriter();
    private RawInput raw;
    private int nextIdent;
    /** The last next hop handed out for a header-included send, reused while it repeats (no allocation per packet). */
    private Ip4Address lastHop = Ip4Address.ANY;

    /** IPv4 for the stack: registers itself with the link layers and with {@code ip} as its IPv4 family. */
    Ipv4(StackContext ctx, NetifTable netifs, Ip ip) {
        this.ctx = ctx;
        this.cfg = ctx.config().ip4();
        this.netifs = netifs;
        this.stats = ctx.stats().ip;
        this.routes = new RouteTable(ip, 4);
        this.fragmenter = new Ipv4Fragmenter(ctx);
        this.icmp = new Icmpv4(ctx, this);
        this.segmenter = new Ip4Segmenter(ctx);
        this.forwarder = new Ip4Forwarder(ctx, this);
        this.reassembly = new Ipv4Reassembly(ctx, icmp::reassemblyTimedOut);
        this.nextIdent = ctx.random().nextInt(0x10000);
        netifs.ethernet().register(EthernetFrame.TYPE_IPV4, this);
        netifs.ipLink().register(4, this);
        transports.register(Ipv4Packet.PROTO_ICMP, icmp, null);
        this.igmp = new Igmp(ctx, this, netifs);
        transports.register(Ipv4Packet.PROTO_IGMP, igmp, null);
        netifs.addListener(new NetifListener() {
            @Override
            public void removed(Netif netif) {
                routes.removeAll(netif);
            }
        });
        ip.addFamily(this);
    }

    @Override
    public int version() {
        return 4;
    }

    /** The transports this family delivers to (its ICMP finds where errors go here). */
    TransportTable transports() {
        return transports;
    }

    @Override
    public void registerTransport(int protocol, TransportInput input, TransportErrorInput errors) {
        transports.register(protocol, input, errors);
    }

    @Override
    public void setRawInput(RawInput raw) {
        this.raw = raw;
    }

    /** The stack's ICMPv4. */
    public Icmpv4 icmp() {
        return icmp;
    }

    /** The stack's IGMP: multicast groups joined per netif. */
    public Igmp igmp() {
        return igmp;
    }

    @Override
    public Err joinGroup(Netif netif, IpAddress group) {
        return igmp.join(netif, ((Ip4Address) group).bits());
    }

    @Override
    public Err leaveGroup(Netif netif, IpAddress group) {
        return igmp.leave(netif, ((Ip4Address) group).bits());
    }

    /** What IPv4 reassembly holds and has done (pools {@code IP_REASSDATA}, {@code IP_REASS_PBUF}). */
    public ReassemblyState reassembly() {
        return reassembly.reassembler();
    }

    /** The netifs this layer routes over. */
    NetifTable netifs() {
        return netifs;
    }

    /** The static IPv4 routes. */
    public RouteTable routes() {
        return routes;
    }

    Ip4Segmenter segmenter() {
        return segmenter;
    }

    ProtoStats stats() {
        return stats;
    }

    // ---------------------------------------------------------------- input

    /**
     * A datagram from {@code inp}. Kept under C2's limit for inlining a hot method (325
     * bytecodes, {@code FreqInlineSize}: {@code HotPathSizeTest} holds it there), so that the
     * compiled link-layer input takes it in whole: what is rare (drops, forwarding,
     * reassembly, GSO super-packets) is in methods of its own.
     */
    @Override
    public void input(Netif inp, Pbuf p, boolean linkBroadcast) {
        stats.recv++;
        MemorySegment s = p.segment();
        int off = p.offset();
        int hl = checkHeader(p, s, off);
        if (hl < 0) {
            return;
        }
        if (hl > Ipv4Packet.MIN_HEADER_LEN && sourceRouted(s, off, hl)) {
            // RFC 1122 §3.2.1.8 (c), §3.3.5: we neither forward along a source route nor
            // reverse one into replies, so source-routed datagrams are discarded, as Linux
            // does by default (RFC 7126 §4.3, §4.4).
            drop(p, Drop.BAD_OPTION);
            return;
        }
        int src = Ipv4Packet.src(s, off);
        int dst = Ipv4Packet.dst(s, off);
        if (!validAddresses(inp, src, dst)) {
            stats.err++;
            discard(p);
            return;
        }
        boolean multicast = (dst & 0xf0000000) == 0xe0000000;
        if (multicast && !igmp.isMember(inp, dst)) {
            // A group this netif has not joined (RFC 1112 §7.2): not for us.
            discard(p);
            return;
        }
        boolean broadcast = !multicast && inp.ip4().isBroadcast(dst);
        if (linkBroadcast && !multicast && !broadcast) {
            // RFC 1122 §3.3.6: a unicast datagram that came in a link-layer broadcast is
            // discarded (neither delivered, nor answered, nor forwarded).
            discard(p);
            return;
        }
        if (!multicast && !broadcast && !isLocalAddress(inp, dst)) {
            notForUs(inp, p, hl);
            return;
        }
        if (Ipv4Packet.isFragment(s, off) || p.gsoType() != Pbuf.GSO_NONE) {
            deliverWhole(inp, p, broadcast, multicast, linkBroadcast);
            return;
        }
        deliver(inp, p, hl, broadcast, multicast, linkBroadcast);
    }

    /** Counts {@code p} dropped and frees it. */
    private void discard(Pbuf p) {
        stats.drop++;
        p.free();
    }

    /** A unicast datagram to none of our addresses: forwarded when forwarding is on, else dropped. */
    private void notForUs(Netif inp, Pbuf p, int hl) {
        if (cfg.forward()) {
            forwarder.forward(inp, p, hl);
        } else {
            discard(p);
        }
    }

    /** A fragment (reassembled first) or a GSO super-packet for us. */
    private void deliverWhole(Netif inp, Pbuf p, boolean broadcast, boolean multicast, boolean linkBroadcast) {
        if (Ipv4Packet.isFragment(p.segment(), p.offset())) {
            p = reassemble(p);
            if (p == null) {
                return;
            }
        }
        int hl = Ipv4Packet.headerLen(p.segment(), p.offset());
        if (p.gsoType() != Pbuf.GSO_NONE) {
            deliverSuperPacket(inp, p, hl, broadcast, multicast, linkBroadcast);
            return;
        }
        deliver(inp, p, hl, broadcast, multicast, linkBroadcast);
    }

    /**
     * A GSO super-packet for us: UDP_L4 is cut into the datagrams it stands for (UDP
     * delivers datagrams, not runs of them); a UFO datagram is one datagram; TCP takes its
     * super-segments whole, as a GRO-merged segment.
     */
    private void deliverSuperPacket(Netif inp, Pbuf p, int hl, boolean broadcast, boolean multicast, boolean linkBroadcast) {
        if ((p.gsoType() & ~Pbuf.GSO_ECN) == Pbuf.GSO_UDP_L4) {
            segmenter.segment(p, seg -> deliver(inp, seg, hl, broadcast, multicast, linkBroadcast));
            p.free();
            return;
        }
        if ((p.gsoType() & ~Pbuf.GSO_ECN) == Pbuf.GSO_UDP) {
            p.setGso(Pbuf.GSO_NONE, 0);
        }
        deliver(inp, p, hl, broadcast, multicast, linkBroadcast);
    }

    /** Checks the header and trims link padding; the header length, or -1 after dropping {@code p}. */
    private int checkHeader(Pbuf p, MemorySegment s, int off) {
        int first = p.length();
        if (first < Ipv4Packet.MIN_HEADER_LEN || first < Ipv4Packet.headerLen(s, off)) {
            // The header must be contiguous in the first node; anything else is malformed
            // or too short.
            drop(p, first < 1 || Ipv4Packet.version(s, off) == 4 ? Drop.TRUNCATED : Drop.UNSUPPORTED);
            return -1;
        }
        int hl = Ipv4Packet.check(s, off, p.totalLength());
        if (hl < 0) {
            drop(p, Drop.ofCode(hl));
            return -1;
        }
        boolean csumValid = (p.offloadFlags() & Pbuf.OFFLOAD_DATA_VALID) != 0;
        if (cfg.checksumCheck() && !csumValid && !Ipv4Packet.checksumOk(s, off, hl)) {
            drop(p, Drop.BAD_CHECKSUM);
            return -1;
        }
        int total = Ipv4Packet.totalLen(s, off);
        if (total < p.totalLength()) {
            p.truncate(total);
        }
        return hl;
    }

    /**
     * RFC 1122 §3.2.1.3: 127/8 must not appear on a network; a broadcast or multicast source
     * is never valid; 0.0.0.0 and {0, Host-number} (network 0) are valid sources only while a
     * host learns its address, which it does by broadcasting to 255.255.255.255 (BOOTP/DHCP;
     * Linux accepts no more). A broadcast address of any of our netifs is a broadcast, also
     * when it arrives on another one (Linux's martian source check is the same).
     */
    private boolean validAddresses(Netif inp, int src, int dst) {
        if (!inp.hasFlag(Netif.FLAG_LOOPBACK) && ((dst >>> 24) == 127 || (src >>> 24) == 127)) {
            return false;
        }
        if ((src >>> 24) == 0) {
            return dst == -1;
        }
        return (src & 0xf0000000) != 0xe0000000 && !isOurBroadcast(src);
    }

    /** True when {@code addr} is a broadcast address of one of the netifs (0.0.0.0 and 255.255.255.255 included). */
    boolean isOurBroadcast(int addr) {
        List<Netif> all = netifs.view();
        for (int i = 0, n = all.size(); i < n; i++) {
            if (all.get(i).ip4().isBroadcast(addr)) {
                return true;
            }
        }
        return false;
    }

    /** True when the checked header of {@code hl} bytes carries a loose or strict source route option (RFC 791). */
    private static boolean sourceRouted(MemorySegment s, int off, int hl) {
        return Ipv4Packet.findOption(s, off, hl, OPT_LSRR) >= 0 || Ipv4Packet.findOption(s, off, hl, OPT_SSRR) >= 0;
    }

    private Pbuf reassemble(Pbuf p) {
        if (!cfg.reassembly()) {
            stats.drop++;
            stats.opterr++;
            p.free();
            return null;
        }
        return reassembly.input(p);
    }

    private boolean isLocalAddress(Netif inp, int dst) {
        if (inp.ip4().has(dst)) {
            return true;
        }
        // Weak host model (RFC 1122 §3.3.4.2), as lwIP: accept our addresses on other netifs,
        // except that the loopback network arrives only on the loopback netif (checked above).
        List<Netif> all = netifs.view();
        for (int i = 0, n = all.size(); i < n; i++) {
            Netif other = all.get(i);
            if (other != inp && other.isUp() && other.ip4().has(dst)) {
                return true;
            }
        }
        return false;
    }

    private void deliver(Netif inp, Pbuf p, int hl, boolean broadcast, boolean multicast, boolean linkBroadcast) {
        MemorySegment s = p.segment();
        int off = p.offset();
        IpInfoWriter in = info;
        int protocol = Ipv4Packet.protocol(s, off);
        in.set4(inp, p, Ipv4Packet.src(s, off), Ipv4Packet.dst(s, off), hl, protocol, Ipv4Packet.ttl(s, off),
                Ipv4Packet.tos(s, off), broadcast, multicast, linkBroadcast, off);
        try {
            int rawResult = RawInput.NONE;
            RawInput r = raw;
            if (r != null) {
                rawResult = r.input(p, in);
                if (rawResult == RawInput.EATEN) {
                    return;
                }
            }
            TransportInput t = transports.input(protocol);
            if (t == null) {
                protocolUnreachable(p, rawResult, broadcast || multicast);
                return;
            }
            p.removeHeader(hl);
            t.input(p, in);
        } finally {
            in.clear();
        }
    }

    private void protocolUnreachable(Pbuf p, int rawResult, boolean groupDestination) {
        if (rawResult == RawInput.NONE) {
            // RFC 1122 §3.2.2.1: protocol unreachable, never for broadcast/multicast.
            stats.proterr++;
            stats.drop++;
            if (!groupDestination) {
                icmp.sendError(p, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_PROTOCOL, 0);
            }
        }
        p.free();
    }

    private void drop(Pbuf p, Drop why) {
        switch (why) {
            case BAD_CHECKSUM -> stats.chkerr++;
            case TRUNCATED, BAD_LENGTH, MALFORMED -> stats.lenerr++;
            case BAD_OPTION -> stats.opterr++;
            default -> stats.proterr++;
        }
        stats.drop++;
        p.free();
    }

    // ---------------------------------------------------------------- routing

    /**
     * The netif to reach {@code dst} (lwIP's {@code ip4_route}, with longest-prefix match):
     * the loopback netif for 127/8 and our own addresses, the up netif or static route with
     * the longest matching prefix, else the default netif. {@code null} when there is none,
     * and for network 0 ({0,0} and {0, Host-number}), never a destination (RFC 1122 §3.2.1.3
     * (a), (b)).
     */
    Netif route(int dst, int src) {
        if ((dst >>> 24) == 127) {
            Netif lo = netifs.loopbackNetif();
            return lo != null && lo.isUp() ? lo : null;
        }
        if ((dst >>> 24) == 0) {
            return null;
        }
        Netif best = null;
        int bestLen = -1;
        List<Netif> all = netifs.view();
        for (int i = 0, n = all.size(); i < n; i++) {
            Netif nf = all.get(i);
            if (!nf.isUsable() || nf.hasFlag(Netif.FLAG_LOOPBACK)) {
                continue;
            }
            Ip4Addresses a4 = nf.ip4();
            for (int k = 0, m = a4.count(); k < m; k++) {
                Ip4Interface a = a4.at(k);
                if (a.address().bits() == dst) {
                    return nf;
                }
                if (a.prefixLength() > bestLen && a.contains(dst) && !a.address().isAny()) {
                    best = nf;
                    bestLen = a.prefixLength();
                }
            }
        }
        StaticRoute r = routes.lookup4(dst, bestLen, null);
        if (r != null) {
            return r.netif();
        }
        if (best != null) {
            return best;
        }
        Netif d = netifs.defaultNetif();
        if (d == null || !d.isUsable()) {
            return null;
        }
        // Limited broadcast and multicast may go out of any default; other traffic not out of loopback.
        boolean group = dst == -1 || (dst & 0xf0000000) == 0xe0000000;
        return group || !d.hasFlag(Netif.FLAG_LOOPBACK) ? d : null;
    }

    /**
     * The next hop's address bits for {@code dst} through {@code out}: on-link destinations
     * and broadcasts directly, others via the route's or netif's gateway (RFC 1122 §3.3.1.1).
     */
    int nextHop(Netif out, int dst) {
        if (dst == -1 || (dst & 0xf0000000) == 0xe0000000 || out.ip4().isBroadcast(dst) || out.ip4().onLink(dst)) {
            return dst;
        }
        StaticRoute best = routes.lookup4(dst, -1, out);
        if (best != null) {
            return best.hasGateway() ? ((Ip4Address) best.gateway()).bits() : dst;
        }
        Ip4Address gw = out.ip4().gateway();
        return gw.isAny() ? dst : gw.bits();
    }

    /** The source address for sending to {@code dst} through {@code out}: the netif address on the destination's subnet, else its primary one. */
    int selectSource(Netif out, int dst) {
        Ip4Addresses a4 = out.ip4();
        for (int k = 0, m = a4.count(); k < m; k++) {
            Ip4Interface a = a4.at(k);
            if (a.contains(dst)) {
                return a.address().bits();
            }
        }
        return a4.address().bits();
    }

    @Override
    public Route route(IpAddress remote, IpAddress local, Netif netif, long generation) {
        Ip4Address r4 = (Ip4Address) remote;
        int dst = r4.bits();
        boolean localGiven = local instanceof Ip4Address l4 && !l4.isAny() && !l4.isMulticast();
        int src = localGiven ? ((Ip4Address) local).bits() : 0;
        Netif out = netif != null ? netif : route(dst, src);
        if (out == null) {
            stats.rterr++;
            return null;
        }
        IpAddress from;
        if (localGiven) {
            if (!out.ip4().has(src) && !out.hasFlag(Netif.FLAG_LOOPBACK)) {
                // Bound to an address the outgoing netif does not have (lwIP: ERR_RTE,
                // counted by the transport, not as an IP routing error).
                return null;
            }
            from = local;
        } else {
            from = Ip4Address.of(selectSource(out, dst));
        }
        int hop = nextHop(out, dst);
        IpAddress nextHop = hop == dst ? remote : Ip4Address.of(hop);
        boolean broadcast = dst == -1 || out.ip4().isBroadcast(dst);
        return new Route(out, from, remote, nextHop, out.mtu(), broadcast, generation);
    }

    @Override
    public long pseudoHeader(IpAddress src, IpAddress dst, int protocol, int length) {
        return Checksum.pseudoHeaderV4(((Ip4Address) src).bits(), ((Ip4Address) dst).bits(), protocol, length);
    }

    // ---------------------------------------------------------------- output

    @Override
    public Err output(Pbuf p, Route r, int protocol, int ttl, int tos, int options) {
        return output(p, ((Ip4Address) r.local()).bits(), ((Ip4Address) r.remote()).bits(), ttl, tos, protocol, r.netif(),
                r.nextHop(), options);
    }

    /**
     * Sends a transport payload in an IPv4 packet (lwIP's {@code ip4_output_if_src}).
     * {@code p}'s payload is the transport segment; the header goes into its header room (or
     * a separate header pbuf). Does not take the caller's reference, and leaves {@code p} as
     * it was. {@link Err#RTE} when there is no route, or when the packet would carry a 127/8
     * destination or source onto a netif other than loopback (RFC 1122 §3.2.1.3 (g)).
     *
     * @param src   source address bits, or 0 to choose from the outgoing netif
     * @param netif outgoing netif, or {@code null} to route
     * @param df    set the don't-fragment flag
     */
    Err output(Pbuf p, int src, int dst, int ttl, int tos, int protocol, Netif netif, boolean df) {
        Netif out = netif != null ? netif : route(dst, src);
        if (out == null) {
            stats.rterr++;
            return Err.RTE;
        }
        if (src == 0) {
            src = selectSource(out, dst);
        }
        return output(p, src, dst, ttl, tos, protocol, out, null, df ? IpOutput.DONT_FRAGMENT : 0);
    }

    private Err output(Pbuf p, int src, int dst, int ttl, int tos, int protocol, Netif out, IpAddress nextHop, int options) {
        boolean df = (options & IpOutput.DONT_FRAGMENT) != 0;
        int hl = Ipv4Packet.MIN_HEADER_LEN;
        int total = p.totalLength() + hl;
        if (total > 0xffff) {
            stats.lenerr++;
            return Err.VAL;
        }
        Pbuf pkt;
        boolean ownHeader;
        if (p.addHeader(hl)) {
            pkt = p;
            ownHeader = false;
        } else {
            pkt = ctx.pbufs().allocPool(Layer.IP, 0);
            if (pkt == null) {
                stats.memerr++;
                return Err.MEM;
            }
            pkt.addHeader(hl);
            pkt.chain(p);
            ownHeader = true;
        }
        int ident = nextIdent;
        nextIdent = (nextIdent + 1) & 0xffff;
        Ipv4Packet.emit(pkt.segment(), pkt.offset(), tos, total, ident, df ? Ipv4Packet.FLAG_DF : 0, ttl, protocol,
                src, dst, cfg.checksumGen());
        if ((options & IpOutput.MULTICAST_LOOP) != 0 && (dst & 0xf0000000) == 0xe0000000 && igmp.isMember(out, dst)) {
            // IP_MULTICAST_LOOP (RFC 1112 §6.1): a copy for our own members of the group.
            out.loopOutput(pkt);
        }
        Err e = send(pkt, out, dst, nextHop);
        if (ownHeader) {
            pkt.free();
        } else {
            p.removeHeader(hl);
        }
        return e;
    }

    /**
     * Sends a whole IPv4 packet, header included (raw pcbs with {@code IP_HDRINCL}, ICMP
     * replies built in place): checked, then routed, looped back or fragmented as
     * {@link #output} does, with the same {@link Err#RTE} for 127/8 off the loopback netif.
     * {@link Err#VAL} for a malformed header. Does not take the caller's reference.
     */
    @Override
    public Err outputPacket(Pbuf packet, Netif netif) {
        if (packet.length() < Ipv4Packet.MIN_HEADER_LEN
                || Ipv4Packet.check(packet.segment(), packet.offset(), packet.totalLength()) < 0) {
            return Err.VAL;
        }
        int dst = Ipv4Packet.dst(packet.segment(), packet.offset());
        Netif out = netif != null ? netif : route(dst, Ipv4Packet.src(packet.segment(), packet.offset()));
        if (out == null) {
            stats.rterr++;
            return Err.RTE;
        }
        return send(packet, out, dst, null);
    }

    /** Sends a complete packet out of {@code out}; {@code nextHop} null: computed here. */
    private Err send(Pbuf pkt, Netif out, int dst, IpAddress nextHop) {
        if (!out.hasFlag(Netif.FLAG_LOOPBACK)
                && ((dst >>> 24) == 127 || (Ipv4Packet.src(pkt.segment(), pkt.offset()) >>> 24) == 127)) {
            // RFC 1122 §3.2.1.3 (g): 127/8 never leaves the host, as destination or source,
            // whatever netif the caller named.
            stats.rterr++;
            return Err.RTE;
        }
        stats.xmit++;
        // Packets to one of our own addresses go back into the stack (netif_loop_output).
        if (!out.hasFlag(Netif.FLAG_LOOPBACK) && isOwnAddress(dst)) {
            return out.loopOutput(pkt);
        }
        return transmit(pkt, out, nextHop != null ? nextHop : hop(nextHop(out, dst)));
    }

    /** Hands a complete packet to {@code out}, fragmenting it when it exceeds the MTU. */
    Err transmit(Pbuf pkt, Netif out, IpAddress nextHop) {
        // A GSO super-packet reaches here only for a driver that cuts it itself.
        if (pkt.totalLength() > out.mtu() && pkt.gsoType() == Pbuf.GSO_NONE) {
            MemorySegment s = pkt.segment();
            if (!cfg.frag() || (Ipv4Packet.flagsFrag(s, pkt.offset()) & Ipv4Packet.FLAG_DF) != 0) {
                stats.err++;
                return Err.VAL;
            }
            return fragmenter.fragment(pkt, out, nextHop, out.mtu());
        }
        Err e = out.output(pkt, nextHop);
        if (e != Err.OK) {
            stats.err++;
        }
        return e;
    }

    /** The next hop of {@code bits} as an address, reusing the last one while it repeats. */
    Ip4Address hop(int bits) {
        Ip4Address h = lastHop;
        if (h.bits() != bits) {
            h = Ip4Address.of(bits);
            lastHop = h;
        }
        return h;
    }

    /** True when {@code dst} is an address of any of the netifs. */
    boolean isOwnAddress(int dst) {
        List<Netif> all = netifs.view();
        for (int i = 0, n = all.size(); i < n; i++) {
            if (all.get(i).ip4().has(dst)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void release() {
        reassembly.clear();
    }

    @Override
    public void portUnreachable(Pbuf p, IpInfo info) {
        icmp.portUnreachable(p, info);
    }
}
