package org.lwip4j.ipv6;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.internal.ip.IpInfoWriter;
import org.lwip4j.internal.ip.Reassembler;
import org.lwip4j.internal.ip.ReassemblyLimits;
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
import org.lwip4j.netif.Ip6Addresses;
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
import org.lwip4j.wire.Icmpv6Packet;
import org.lwip4j.wire.Ipv6ExtHeaders;
import org.lwip4j.wire.Ipv6Packet;

/**
 * IPv6 (RFC 8200; lwIP's {@code ip6.c}): input checks and delivery, the extension header
 * chain, reassembly, routing with source address selection, and output with fragmentation
 * at the source; the IPv6 {@link NetworkProtocol} of the stack's {@link Ip} layer.
 * ICMPv6 is {@link Icmpv6}'s, Neighbor Discovery and duplicate address detection
 * {@link NeighborDiscovery}'s.
 *
 * <h2>Input</h2>
 * The fixed header is checked (RFC 8200 §3: version, payload length against the bytes
 * present; link padding trimmed). A multicast source is never valid (RFC 4291 §2.7), the
 * loopback address never arrives from a network (RFC 4291 §2.5.3), and the unspecified
 * destination is refused. A unicast destination must be a valid (not tentative) address of
 * ours (RFC 4862 §5.4): a link-local one of the arrival netif (its scope is the link, RFC
 * 4007 §9), a global one of any netif (weak host); a multicast destination must be a group
 * the netif listens to: all-nodes, all-routers when forwarding, the solicited-node group
 * of one of its addresses (RFC 4291 §2.7.1), or a group joined through {@link Mld}. Unicast
 * packets for others go to {@link Ip6Forwarder} when {@code lwipIpv6Forward} is on, else are
 * dropped.
 *
 * <p>The extension headers are walked with {@link Ipv6ExtHeaders} (RFC 8200 §4):
 * hop-by-hop only right after the fixed header (else Parameter Problem code 1); unknown
 * options handled by their two high-order bits (§4.2: skip, discard, discard and send
 * Parameter Problem code 2 also to a multicast destination, discard and send it only to a
 * unicast one); a routing header with segments left (type 0 among them, RFC 5095 §3, and
 * every type we do not implement, §4.4) refused with Parameter Problem code 0 pointing at
 * its type; a first fragment that lacks part of the header chain refused with code 3 (RFC
 * 7112 §5). Fragments go through the shared {@link Reassembler} with {@link Ipv6Fragments}
 * and the datagram is walked again; an atomic fragment is processed in isolation (RFC 6946
 * §4). Then raw pcbs see the packet and the transport registered for its last next header
 * gets it through {@link IpInfo#set6}; with none, Parameter Problem code 1 pointing at the
 * next header field that names it (§4).
 *
 * <h2>Output</h2>
 * Routing: the loopback netif for {@code ::1}; a scoped (link-local) destination through
 * its zone's netif, else the netif of the given link-local source, else the default netif;
 * our own addresses through their netif (looped back); else the longest prefix among the
 * on-link prefixes of the netifs' addresses and the static IPv6 routes; else a netif with a
 * default router, the default netif first. The source is selected by RFC 6724 §5 rules 1
 * (same address), 2 (appropriate scope), 3 (avoid deprecated) and 8 (longest matching
 * prefix), 7 (temporary addresses, RFC 8981) among the outgoing netif's valid addresses. Packets to our own addresses are
 * looped back; packets above the MTU are fragmented (RFC 8200 §4.5: only the source
 * fragments; the unfragmentable part is the fixed header with any hop-by-hop and routing
 * headers), unless the transport asked for {@link IpOutput#DONT_FRAGMENT} or fragmentation
 * is off: then the packet is refused and the transport hears a Packet Too Big with the MTU
 * (RFC 8201 §4), as from the first hop.
 *
 * <p>Routing also reads what router discovery learned ({@link RouterDiscovery}): on-link
 * prefixes from RAs beside the addresses' prefixes, the default router list after a
 * configured gateway, redirects per destination; a route's MTU is the path MTU
 * ({@link #pathMtu}: an RA's MTU option, lowered per destination by Packet Too Big, RFC 8201),
 * and source fragmentation cuts to it.
 */
public final class Ipv6 implements NetworkInput, NetworkProtocol {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.ipv6");
    /** {@code ff02::1}, all nodes on the link (RFC 4291 §2.7.1). */
    static final long ALL_NODES_HI = 0xff02_0000_0000_0000L;
    /** {@code ff01::1}, all nodes on the interface. */
    static final long ALL_NODES_IF_HI = 0xff01_0000_0000_0000L;

    /** Bytes of a split header chain made contiguous at most (more than any sane chain; RFC 7112 wants it in the first fragment). */
    private static final int HEADER_CHAIN_MAX = 1024;

    private final StackContext ctx;
    private final StackConfig.Ip6Options cfg;
    private final NetifTable netifs;
    private final ProtoStats stats;
    private final TransportTable transports = new TransportTable();
    private final RouteTable routes;
    private final IpInfoWriter info = new IpInfoWriter();
    private final Ipv6ExtHeaders ext = new Ipv6ExtHeaders();
    private final Reassembler reassembler;
    private final Ipv6Fragmenter fragmenter;
    private final Icmpv6 icmp;
    private final NeighborDiscovery nd;
    private final Mld mld;
    private final Ip ipLayer;
    private final Ip6Forwarder forwarder;
    private RawInput raw;

    /** IPv6 for the stack: registers itself with the link layers, ICMPv6 and ND, and with {@code ip} as its IPv6 family. */
    Ipv6(StackContext ctx, NetifTable netifs, Ip ip) {
        this.ctx = ctx;
        this.cfg = ctx.config().ip6();
        this.netifs = netifs;
        this.stats = ctx.stats().ip6;
        this.ipLayer = ip;
        this.routes = new RouteTable(ip, 6);
        this.icmp = new Icmpv6(ctx, this);
        this.fragmenter = new Ipv6Fragmenter(ctx);
        this.reassembler = new Reassembler(ctx, "IP6", ctx.stats().ip6frag,
                new ReassemblyLimits(cfg.memNumReassData(), cfg.reassMaxPbufs(), cfg.reassMaxAge()), new Ipv6Fragments(),
                icmp::reassemblyTimedOut);
        this.nd = new NeighborDiscovery(ctx, netifs, this);
        this.mld = new Mld(ctx, this, netifs, cfg.forward());
        this.forwarder = new Ip6Forwarder(ctx, this);
        netifs.ethernet().register(EthernetFrame.TYPE_IPV6, this);
        netifs.ipLink().register(6, this);
        transports.register(Ipv6Packet.NH_ICMPV6, icmp, null);
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
        return 6;
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

    /** ICMPv6. */
    public Icmpv6 icmp() {
        return icmp;
    }

    /** Neighbor Discovery: the neighbour cache and duplicate address detection. */
    public NeighborDiscovery nd() {
        return nd;
    }

    /** Multicast Listener Discovery: the groups joined per netif. */
    public Mld mld() {
        return mld;
    }

    @Override
    public Err joinGroup(Netif netif, IpAddress group) {
        return mld.join(netif, (Ip6Address) group);
    }

    @Override
    public Err leaveGroup(Netif netif, IpAddress group) {
        return mld.leave(netif, (Ip6Address) group);
    }

    /** What IPv6 reassembly holds and has done (pools {@code IP6_REASSDATA}, {@code IP6_REASS_PBUF}). */
    public ReassemblyState reassembly() {
        return reassembler;
    }

    /** The static IPv6 routes. */
    public RouteTable routes() {
        return routes;
    }

    /** The netifs. */
    public NetifTable netifs() {
        return netifs;
    }

    StackConfig.Ip6Options config() {
        return cfg;
    }

    /** Something that moves routes changed (a default router, an on-link prefix, a redirect, a path MTU): routes are stale. */
    void routesChanged() {
        ipLayer.routesChanged();
    }

    /**
     * The path MTU toward {@code dst} out of {@code out} (RFC 8201): the link MTU (an RA's MTU
     * option, else the netif's), lowered by what Packet Too Big messages taught.
     */
    public int pathMtu(Netif out, Ip6Address dst) {
        return pathMtu(out, dst.hi(), dst.lo());
    }

    private int pathMtu(Netif out, long hi, long lo) {
        RouterDiscovery rd = nd.routers();
        return rd.destinations().pathMtu(hi, lo, rd.linkMtu(out));
    }

    /**
     * A Packet Too Big about a packet of ours to {@code dst} said {@code mtu} (RFC 8201 §4):
     * the destination's estimate is lowered, never below 1280; returns the estimate now.
     */
    int tooBig(Ip6Address dst, long mtu) {
        Netif out = route(dst, null);
        int link = out == null ? Integer.MAX_VALUE : nd.routers().linkMtu(out);
        return nd.routers().destinations().tooBig(dst.hi(), dst.lo(), mtu, link);
    }

    // ---------------------------------------------------------------- input

    @Override
    public void input(Netif inp, Pbuf p, boolean linkBroadcast) {
        stats.recv++;
        if (p.length() < Ipv6Packet.HEADER_LEN) {
            p = contiguous(p, Ipv6Packet.HEADER_LEN);
            if (p == null) {
                return;
            }
        }
        MemorySegment s = p.segment();
        int off = p.offset();
        int total = Ipv6Packet.check(s, off, p.totalLength());
        if (total < 0) {
            drop(p, Drop.ofCode(total));
            return;
        }
        if (total < p.totalLength()) {
            p.truncate(total);
        }
        long srcHi = Ipv6Packet.srcHi(s, off);
        long srcLo = Ipv6Packet.srcLo(s, off);
        long dstHi = Ipv6Packet.dstHi(s, off);
        long dstLo = Ipv6Packet.dstLo(s, off);
        boolean loopbackNetif = inp.hasFlag(Netif.FLAG_LOOPBACK);
        if ((srcHi >>> 56) == 0xff || (dstHi == 0 && dstLo == 0)
                || (!loopbackNetif && (isLoopback(srcHi, srcLo) || isLoopback(dstHi, dstLo)))) {
            // RFC 4291 §2.7: a multicast source is never valid; §2.5.2: :: is never a
            // destination; §2.5.3: ::1 never comes from a network.
            drop(p, Drop.MALFORMED);
            return;
        }
        boolean multicast = (dstHi >>> 56) == 0xff;
        if (multicast ? !listening(inp, dstHi, dstLo) : !isLocal(inp, dstHi, dstLo)) {
            notForUs(inp, p, multicast, linkBroadcast, dstHi, dstLo);
            return;
        }
        process(inp, p, multicast, linkBroadcast, false);
    }

    /** A packet to none of our addresses or groups: forwarded when forwarding is on and it may be, else dropped. */
    private void notForUs(Netif inp, Pbuf p, boolean multicast, boolean linkBroadcast, long dstHi, long dstLo) {
        if (!multicast && cfg.forward() && !linkBroadcast && !inp.ip6().hasAny(dstHi, dstLo)) {
            forwarder.forward(inp, p);
            return;
        }
        // Not for us (packets to a tentative address are discarded silently too, RFC 4862 §5.4).
        stats.drop++;
        p.free();
    }

    /**
     * Walks the header chain of a checked packet for us, reassembles, and delivers. Kept under
     * C2's limit for inlining a hot method (325 bytecodes: {@code HotPathSizeTest}): a chain
     * refused and a fragment are methods of their own.
     */
    private void process(Netif inp, Pbuf p, boolean multicast, boolean linkBroadcast, boolean reassembled) {
        int total = p.totalLength();
        int r = ext.walk(p.segment(), p.offset(), Math.min(total, p.length()));
        if (p.length() < total && (r == -Drop.TRUNCATED.code() || (r >= 0 && p.length() < Math.min(total, r + 64)))) {
            // The header chain, and the transport header after it, are read in the first
            // node: a chain that splits them is copied into one node, and walked again.
            p = contiguous(p, Math.min(total, r >= 0 ? r + 64 : HEADER_CHAIN_MAX));
            if (p == null) {
                return;
            }
            r = ext.walk(p.segment(), p.offset(), Math.min(total, p.length()));
        }
        if (refused(inp, p, r, multicast, linkBroadcast)) {
            return;
        }
        if (ext.fragmentHeaderOffset() >= 0 && !ext.atomicFragment()) {
            fragment(inp, p, total, multicast, linkBroadcast, reassembled);
            return;
        }
        int upper = ext.upperProtocol();
        if (upper == Ipv6Packet.NH_NONE) {
            // RFC 8200 §4.7: nothing follows.
            p.free();
            return;
        }
        MemorySegment s = p.segment();
        int off = p.offset();
        if (Ipv6Packet.srcHi(s, off) == 0 && Ipv6Packet.srcLo(s, off) == 0 && upper != Ipv6Packet.NH_ICMPV6) {
            // The unspecified source is only for DAD's neighbour solicitations (RFC 4862 §5.4.2).
            drop(p, Drop.MALFORMED);
            return;
        }
        deliver(inp, p, ext.upperOffset(), upper, multicast, linkBroadcast);
    }

    /**
     * True after dropping {@code p} when its header chain, walked with result {@code r},
     * cannot be processed: malformed, an unknown option whose action discards, a routing
     * header with segments left; with the Parameter Problem each calls for (RFC 8200 §4).
     */
    private boolean refused(Netif inp, Pbuf p, int r, boolean multicast, boolean linkBroadcast) {
        if (r < 0) {
            if (ext.problemCode() >= 0) {
                icmp.parameterProblem(p, ext.problemCode(), ext.problemPointer(), multicast || linkBroadcast, inp);
            }
            drop(p, Drop.ofCode(r));
            return true;
        }
        int action = ext.unknownOptionAction();
        if (action > 0) {
            // RFC 8200 §4.2: 01 discard; 10 discard and Parameter Problem code 2 even to a
            // multicast destination; 11 only when the destination is not multicast.
            if (action == Ipv6ExtHeaders.ACTION_DISCARD_ICMP
                    || (action == Ipv6ExtHeaders.ACTION_DISCARD_ICMP_UNICAST && !multicast)) {
                icmp.parameterProblemOption(p, ext.unknownOptionOffset(), inp);
            }
            drop(p, Drop.BAD_OPTION);
            return true;
        }
        if (ext.routingOffset() >= 0 && ext.segmentsLeft() > 0) {
            // RFC 5095 §3: a type 0 routing header is an unrecognized routing type; RFC 8200
            // §4.4: with segments left, Parameter Problem code 0 pointing at the type. We
            // implement no routing type, so every one with segments left is refused.
            icmp.parameterProblem(p, Ipv6ExtHeaders.PROBLEM_HEADER_FIELD, ext.routingOffset() + 2, multicast || linkBroadcast,
                    inp);
            drop(p, Drop.BAD_OPTION);
            return true;
        }
        return false;
    }

    /** A fragment of {@code total} bytes (RFC 8200 §4.5): checked, reassembled, and the whole datagram processed. */
    private void fragment(Netif inp, Pbuf p, int total, boolean multicast, boolean linkBroadcast, boolean reassembled) {
        if (reassembled || !cfg.reassembly()) {
            // A second fragment header in a reassembled datagram: nested fragments are refused.
            drop(p, Drop.UNSUPPORTED);
            return;
        }
        int data = total - ext.fragmentHeaderOffset() - Ipv6ExtHeaders.FRAGMENT_HEADER_LEN;
        if (ext.moreFragments() && (data & 7) != 0) {
            // RFC 8200 §4.5: M set and a length not a multiple of 8: Parameter Problem
            // code 0 pointing at the payload length.
            icmp.parameterProblem(p, Ipv6ExtHeaders.PROBLEM_HEADER_FIELD, Ipv6Packet.Field.PAYLOAD_LEN,
                    multicast || linkBroadcast, inp);
            drop(p, Drop.BAD_LENGTH);
            return;
        }
        if (ext.fragmentOffset() == 0 && total - ext.upperOffset() < minUpperHeader(ext.upperProtocol())) {
            // RFC 7112 §5: a first fragment must hold the whole header chain through the
            // upper-layer header: Parameter Problem code 3, pointer 0.
            icmp.parameterProblem(p, Ipv6ExtHeaders.PROBLEM_INCOMPLETE_CHAIN, 0, multicast || linkBroadcast, inp);
            drop(p, Drop.TRUNCATED);
            return;
        }
        Pbuf whole = reassembler.input(p);
        if (whole != null) {
            process(inp, whole, multicast, linkBroadcast, true);
        }
    }

    private void deliver(Netif inp, Pbuf p, int hl, int upper, boolean multicast, boolean linkBroadcast) {
        MemorySegment s = p.segment();
        int off = p.offset();
        IpInfoWriter in = info;
        in.set6(inp, p, Ipv6Packet.srcHi(s, off), Ipv6Packet.srcLo(s, off), Ipv6Packet.dstHi(s, off),
                Ipv6Packet.dstLo(s, off), hl, upper, Ipv6Packet.hopLimit(s, off), Ipv6Packet.trafficClass(s, off),
                multicast, linkBroadcast, off);
        try {
            int rawResult = RawInput.NONE;
            RawInput r = raw;
            if (r != null) {
                rawResult = r.input(p, in);
                if (rawResult == RawInput.EATEN) {
                    return;
                }
            }
            TransportInput t = transports.input(upper);
            if (t == null) {
                if (rawResult == RawInput.NONE) {
                    // RFC 8200 §4: unrecognized next header: Parameter Problem code 1
                    // pointing at the field that names it.
                    stats.proterr++;
                    stats.drop++;
                    icmp.parameterProblem(p, Ipv6ExtHeaders.PROBLEM_NEXT_HEADER, nextHeaderField(s, off, hl),
                            multicast || linkBroadcast, inp);
                }
                p.free();
                return;
            }
            p.removeHeader(hl);
            t.input(p, in);
        } finally {
            in.clear();
        }
    }

    /** The least bytes of the upper-layer header of {@code protocol} a first fragment must carry (RFC 7112 §5). */
    private static int minUpperHeader(int protocol) {
        return switch (protocol) {
            case Ipv6Packet.NH_TCP -> 20;
            case Ipv6Packet.NH_UDP, Ipv6Packet.NH_UDPLITE, Ipv6Packet.NH_ICMPV6 -> 8;
            default -> 0;
        };
    }

    /** Offset of the next header field that names the upper layer at {@code hl}. */
    private static int nextHeaderField(MemorySegment s, int off, int hl) {
        int field = Ipv6Packet.Field.NEXT_HEADER;
        int nh = Ipv6Packet.nextHeader(s, off);
        int pos = Ipv6Packet.HEADER_LEN;
        while (pos < hl) {
            field = pos;
            int len = nh == Ipv6Packet.NH_FRAGMENT ? Ipv6ExtHeaders.FRAGMENT_HEADER_LEN : (Bytes.u8(s, off + pos + 1) + 1) * 8;
            nh = Bytes.u8(s, off + pos);
            pos += len;
        }
        return field;
    }

    /** A copy of {@code p} whose first node holds at least {@code n} bytes (the headers), or {@code null} after dropping it. */
    private Pbuf contiguous(Pbuf p, int n) {
        int total = p.totalLength();
        if (total < n) {
            drop(p, Drop.TRUNCATED);
            return null;
        }
        Pbuf copy = ctx.pbufs().allocPool(Layer.RAW, total);
        if (copy == null || copy.length() < Math.min(n, total)) {
            if (copy != null) {
                copy.free();
            }
            stats.memerr++;
            drop(p, Drop.TRUNCATED);
            return null;
        }
        copy.copyFrom(0, p, 0, total);
        p.free();
        return copy;
    }

    private static boolean isLoopback(long hi, long lo) {
        return hi == 0 && lo == 1;
    }

    /** True when the netif listens to the multicast group {@code hi:lo}: all-nodes, or a solicited-node group of its addresses. */
    boolean listening(Netif inp, long hi, long lo) {
        if (lo == 1 && (hi == ALL_NODES_HI || (hi == ALL_NODES_IF_HI && inp.hasFlag(Netif.FLAG_LOOPBACK)))) {
            return true;
        }
        if (lo == 2 && hi == ALL_NODES_HI && cfg.forward()) {
            return true; // a router listens to all-routers (RFC 4291 §2.7.1)
        }
        return inp.ip6().isSolicitedNode(hi, lo) || mld.isMember(inp, hi, lo);
    }

    /** True when {@code hi:lo} is a valid address of ours that {@code inp} may receive: its own, or a global one of another netif. */
    private boolean isLocal(Netif inp, long hi, long lo) {
        if (inp.ip6().has(hi, lo)) {
            return true;
        }
        if (isLinkLocal(hi) || isLoopback(hi, lo)) {
            return false;
        }
        List<Netif> all = netifs.view();
        for (int i = 0, n = all.size(); i < n; i++) {
            Netif other = all.get(i);
            if (other != inp && other.isUp() && other.ip6().has(hi, lo)) {
                return true;
            }
        }
        return false;
    }

    static boolean isLinkLocal(long hi) {
        return (hi >>> 54) == (0xfe80L >>> 6);
    }

    private void drop(Pbuf p, Drop why) {
        switch (why) {
            case BAD_CHECKSUM -> stats.chkerr++;
            case TRUNCATED, BAD_LENGTH -> stats.lenerr++;
            case BAD_OPTION -> stats.opterr++;
            case MALFORMED -> stats.err++;
            default -> stats.proterr++;
        }
        stats.drop++;
        p.free();
    }

    // ---------------------------------------------------------------- routing

    /**
     * The netif to reach {@code dst} (lwIP's {@code ip6_route}; see the class comment), or
     * {@code null}. {@code src}, when given, is the source the caller will use: a link-local
     * source names the link of a link-local destination without a zone.
     */
    public Netif route(Ip6Address dst, Ip6Address src) {
        long hi = dst.hi();
        long lo = dst.lo();
        if (isLoopback(hi, lo)) {
            Netif l = netifs.loopbackNetif();
            return l != null && l.isUp() ? l : null;
        }
        boolean scoped = isLinkLocal(hi) || ((hi >>> 56) == 0xff && ((hi >>> 48) & 0xf) <= Ip6Address.SCOPE_LINK_LOCAL);
        if (scoped) {
            if (dst.zone() != 0) {
                Netif z = netifs.byIndex(dst.zone());
                return z != null && z.isUsable() ? z : null;
            }
            if (src != null && src.zone() != 0) {
                Netif z = netifs.byIndex(src.zone());
                return z != null && z.isUsable() ? z : null;
            }
            Netif d = netifs.defaultNetif();
            return d != null && d.isUsable() ? d : null;
        }
        List<Netif> all = netifs.view();
        Netif best = null;
        int bestLen = -1;
        for (int i = 0, n = all.size(); i < n; i++) {
            Netif nf = all.get(i);
            if (!nf.isUsable()) {
                continue;
            }
            if (nf.ip6().has(hi, lo)) {
                return nf;
            }
            if (nf.hasFlag(Netif.FLAG_LOOPBACK)) {
                continue;
            }
            int len = Math.max(nf.ip6().onLinkPrefix(hi, lo), nd.routers().prefixes().onLink(nf, hi, lo));
            if (len > bestLen) {
                best = nf;
                bestLen = len;
            }
        }
        if ((hi >>> 56) == 0xff) {
            Netif d = netifs.defaultNetif();
            return d != null && d.isUsable() ? d : best;
        }
        StaticRoute r = routes.lookup6(hi, lo, bestLen, null);
        if (r != null) {
            return r.netif();
        }
        if (best != null) {
            return best;
        }
        Netif d = netifs.defaultNetif();
        if (d != null && d.isUsable() && hasRouter(d)) {
            return d;
        }
        for (int i = 0, n = all.size(); i < n; i++) {
            Netif nf = all.get(i);
            if (nf.isUsable() && hasRouter(nf)) {
                return nf;
            }
        }
        return null;
    }

    /** True when {@code nf} has a default router: a configured gateway, or one from the default router list. */
    private boolean hasRouter(Netif nf) {
        return !nf.ip6().gateway().isAny() || nd.routers().routers().has(nf);
    }

    /**
     * The neighbour to hand a packet for {@code dst} to on {@code out} (RFC 4861 §5.2): the
     * first hop a redirect named; the destination when on-link (an address prefix of
     * {@code out}, or the prefix list) or multicast; a static route's gateway; the configured
     * gateway; a router of the default router list (§6.3.6); else the destination.
     */
    public Ip6Address nextHop(Netif out, Ip6Address dst) {
        long hi = dst.hi();
        long lo = dst.lo();
        if ((hi >>> 56) == 0xff || out.hasFlag(Netif.FLAG_LOOPBACK)) {
            return dst;
        }
        RouterDiscovery rd = nd.routers();
        Ip6Address redirected = rd.destinations().redirect(out, hi, lo);
        if (redirected != null) {
            return redirected;
        }
        if (isLinkLocal(hi) || out.ip6().onLinkPrefix(hi, lo) >= 0 || rd.prefixes().onLink(out, hi, lo) >= 0) {
            return dst;
        }
        StaticRoute r = routes.lookup6(hi, lo, -1, out);
        if (r != null) {
            return r.hasGateway() ? (Ip6Address) r.gateway() : dst;
        }
        Ip6Address gw = out.ip6().gateway();
        if (!gw.isAny()) {
            return gw;
        }
        Ip6Address router = rd.routers().select(out);
        return router != null ? router : dst;
    }

    /**
     * The source address for {@code dst} through {@code out} (RFC 6724 §5, rules 1, 2, 3 and
     * 8) among its valid addresses, or {@code null} when it has none.
     */
    public Ip6Address selectSource(Netif out, Ip6Address dst) {
        Ip6Addresses a6 = out.ip6();
        int dscope = dst.scope();
        Ip6Addresses.Entry best = null;
        for (int i = 0, n = a6.count(); i < n; i++) {
            Ip6Addresses.Entry c = a6.at(i);
            if (!c.state().isValid()) {
                continue;
            }
            Ip6Address a = c.address();
            if (a.hi() == dst.hi() && a.lo() == dst.lo()) {
                return a; // rule 1
            }
            if (best == null || better(c, best, dst, dscope)) {
                best = c;
            }
        }
        return best == null ? null : best.address();
    }

    /** True when candidate {@code a} beats {@code b} as the source for {@code dst} (RFC 6724 §5). */
    private static boolean better(Ip6Addresses.Entry a, Ip6Addresses.Entry b, Ip6Address dst, int dscope) {
        int sa = a.address().scope();
        int sb = b.address().scope();
        if (sa != sb) {
            // Rule 2: prefer appropriate scope.
            if (sa < sb) {
                return sa >= dscope;
            }
            return sb < dscope;
        }
        boolean da = a.state() == Ip6Addresses.State.DEPRECATED;
        boolean db = b.state() == Ip6Addresses.State.DEPRECATED;
        if (da != db) {
            return db; // rule 3: avoid deprecated addresses
        }
        boolean ta = a.origin() == Ip6Addresses.Origin.TEMPORARY;
        boolean tb = b.origin() == Ip6Addresses.Origin.TEMPORARY;
        if (ta != tb) {
            return ta; // rule 7: prefer temporary addresses (RFC 8981 §3.3, where they are on)
        }
        return a.address().commonPrefixLength(dst) > b.address().commonPrefixLength(dst); // rule 8
    }

    @Override
    public Route route(IpAddress remote, IpAddress local, Netif netif, long generation) {
        Ip6Address r6 = (Ip6Address) remote;
        if (r6.isAny()) {
            stats.rterr++;
            return null;
        }
        Ip6Address l6 = local instanceof Ip6Address l && !l.isAny() && !l.isMulticast() ? l : null;
        Netif out = netif != null ? netif : route(r6, l6);
        if (out == null) {
            stats.rterr++;
            return null;
        }
        Ip6Address from;
        if (l6 != null) {
            if (!out.ip6().has(l6.hi(), l6.lo()) && !out.hasFlag(Netif.FLAG_LOOPBACK)
                    && !(isOwnAddress(l6.hi(), l6.lo()) && isOwnAddress(r6.hi(), r6.lo()))) {
                // Bound to an address the outgoing netif does not have (as IPv4: ERR_RTE for the transport).
                return null;
            }
            from = l6;
        } else {
            from = selectSource(out, r6);
            if (from == null) {
                stats.rterr++;
                return null;
            }
        }
        return new Route(out, from, r6, nextHop(out, r6), pathMtu(out, r6.hi(), r6.lo()), false, generation);
    }

    @Override
    public long pseudoHeader(IpAddress src, IpAddress dst, int protocol, int length) {
        Ip6Address s = (Ip6Address) src;
        Ip6Address d = (Ip6Address) dst;
        return Checksum.pseudoHeaderV6(s.hi(), s.lo(), d.hi(), d.lo(), protocol, length);
    }

    // ---------------------------------------------------------------- output

    @Override
    public Err output(Pbuf p, Route r, int protocol, int ttl, int tos, int options) {
        Ip6Address src = (Ip6Address) r.local();
        Ip6Address dst = (Ip6Address) r.remote();
        if ((options & IpOutput.MULTICAST_LOOP) != 0 && dst.isMulticast() && mld.isMember(r.netif(), dst.hi(), dst.lo())) {
            // IPV6_MULTICAST_LOOP (RFC 3493 §5.2): our own members of the group get a copy.
            loopCopy(p, src, dst, protocol, ttl, tos, r.netif());
        }
        // RFC 4861 §6.3.4: unicast the stack originates without a chosen hop limit takes the link's CurHopLimit.
        int hops = (options & IpOutput.DEFAULT_HOP_LIMIT) != 0 && !dst.isMulticast() ? nd.routers().curHopLimit(r.netif()) : ttl;
        return output(p, src.hi(), src.lo(), dst.hi(), dst.lo(), protocol, hops, tos, r.netif(), r.nextHop(),
                (options & IpOutput.DONT_FRAGMENT) != 0);
    }

    /** Loops a copy of the packet {@code p} makes back into {@code out}'s input. */
    private void loopCopy(Pbuf p, Ip6Address src, Ip6Address dst, int protocol, int ttl, int tos, Netif out) {
        if (p.totalLength() > 0xffff || !p.addHeader(Ipv6Packet.HEADER_LEN)) {
            return;
        }
        Ipv6Packet.emit(p.segment(), p.offset(), tos, 0, p.totalLength() - Ipv6Packet.HEADER_LEN, protocol, ttl,
                src.hi(), src.lo(), dst.hi(), dst.lo());
        out.loopOutput(p);
        p.removeHeader(Ipv6Packet.HEADER_LEN);
    }

    /**
     * Sends a transport payload in an IPv6 packet from {@code srcHi:srcLo} to
     * {@code dstHi:dstLo} out of {@code out} to {@code nextHop} (lwIP's
     * {@code ip6_output_if_src}): the 40-byte header goes into {@code p}'s header room (or a
     * header pbuf). Does not take the caller's reference and leaves {@code p} as it was.
     *
     * @param dontFragment refuse ({@link Err#VAL}) rather than fragment a packet above the MTU
     */
    Err output(Pbuf p, long srcHi, long srcLo, long dstHi, long dstLo, int nextHeader, int hopLimit, int tc, Netif out,
            IpAddress nextHop, boolean dontFragment) {
        int payload = p.totalLength();
        if (payload > 0xffff) {
            stats.lenerr++;
            return Err.VAL;
        }
        Pbuf pkt;
        boolean ownHeader;
        if (p.addHeader(Ipv6Packet.HEADER_LEN)) {
            pkt = p;
            ownHeader = false;
        } else {
            pkt = ctx.pbufs().allocPool(Layer.IP, 0);
            if (pkt == null) {
                stats.memerr++;
                return Err.MEM;
            }
            pkt.addHeader(Ipv6Packet.HEADER_LEN);
            pkt.chain(p);
            ownHeader = true;
        }
        Ipv6Packet.emit(pkt.segment(), pkt.offset(), tc, 0, payload, nextHeader, hopLimit, srcHi, srcLo, dstHi, dstLo);
        Err e = send(pkt, out, dstHi, dstLo, nextHop, dontFragment);
        if (ownHeader) {
            pkt.free();
        } else {
            p.removeHeader(Ipv6Packet.HEADER_LEN);
        }
        return e;
    }

    /**
     * Sends a whole IPv6 packet, header included (raw pcbs with {@code IP_HDRINCL}): checked,
     * routed (or through {@code netif}), looped back or fragmented. Does not take the
     * caller's reference.
     */
    @Override
    public Err outputPacket(Pbuf packet, Netif netif) {
        if (packet.length() < Ipv6Packet.HEADER_LEN
                || Ipv6Packet.check(packet.segment(), packet.offset(), packet.totalLength()) < 0) {
            return Err.VAL;
        }
        MemorySegment s = packet.segment();
        int off = packet.offset();
        Ip6Address dst = new Ip6Address(Ipv6Packet.dstHi(s, off), Ipv6Packet.dstLo(s, off), 0);
        Ip6Address src = new Ip6Address(Ipv6Packet.srcHi(s, off), Ipv6Packet.srcLo(s, off), 0);
        Netif out = netif != null ? netif : route(dst, src.isLinkLocal() ? null : src);
        if (out == null) {
            stats.rterr++;
            return Err.RTE;
        }
        return send(packet, out, dst.hi(), dst.lo(), nextHop(out, dst), false);
    }

    /** Sends a complete packet: looped back when it is for us, else to the link (fragmented when above the MTU). */
    private Err send(Pbuf pkt, Netif out, long dstHi, long dstLo, IpAddress nextHop, boolean dontFragment) {
        boolean lo = out.hasFlag(Netif.FLAG_LOOPBACK);
        if (!lo && (isLoopback(dstHi, dstLo)
                || isLoopback(Ipv6Packet.srcHi(pkt.segment(), pkt.offset()), Ipv6Packet.srcLo(pkt.segment(), pkt.offset())))) {
            // RFC 4291 §2.5.3: ::1 never leaves the node.
            stats.rterr++;
            return Err.RTE;
        }
        stats.xmit++;
        if (!lo && isOwnAddress(dstHi, dstLo)) {
            return out.loopOutput(pkt);
        }
        if (pkt.totalLength() > Math.min(out.mtu(), Ipv6Packet.MIN_MTU) && pkt.gsoType() == Pbuf.GSO_NONE) {
            int mtu = pathMtu(out, dstHi, dstLo);
            if (pkt.totalLength() > mtu) {
                if (!cfg.frag() || dontFragment) {
                    stats.err++;
                    icmp.tooBigLocally(pkt, mtu);
                    return Err.VAL;
                }
                return fragmenter.fragment(pkt, out, nextHop, mtu);
            }
        }
        Err e = out.output(pkt, nextHop);
        if (e != Err.OK) {
            stats.err++;
        }
        return e;
    }

    /** True when {@code hi:lo} is a valid address of any netif. */
    boolean isOwnAddress(long hi, long lo) {
        List<Netif> all = netifs.view();
        for (int i = 0, n = all.size(); i < n; i++) {
            if (all.get(i).ip6().has(hi, lo)) {
                return true;
            }
        }
        return false;
    }

    /** {@link #sendIcmp}'s hop limit for "the outgoing link's CurHopLimit" (RFC 4861 §6.3.4). */
    static final int LINK_HOP_LIMIT = -1;

    /**
     * Sends an ICMPv6 message ({@code msg}'s payload, checksum field zero or stale) to
     * {@code dst}: routed (through {@code via} when given), from {@code src} or, when it is
     * {@code null}, from the address {@link #selectSource} picks; the checksum is filled in
     * over the pseudo-header. Does not take the caller's reference.
     */
    Err sendIcmp(Pbuf msg, Ip6Address dst, Ip6Address src, int hopLimit, int tc, Netif via) {
        // hopLimit LINK_HOP_LIMIT: the outgoing link's CurHopLimit (RFC 4861 §6.3.4) for unicast, the default for multicast.
        Netif out = via != null ? via : route(dst, src);
        if (out == null) {
            stats.rterr++;
            return Err.RTE;
        }
        Ip6Address from = src != null ? src : selectSource(out, dst);
        if (from == null) {
            stats.rterr++;
            return Err.RTE;
        }
        int len = msg.totalLength();
        MemorySegment s = msg.segment();
        int off = msg.offset();
        Bytes.put16(s, off + Icmpv6Packet.Field.CHECKSUM, 0);
        long ph = Checksum.pseudoHeaderV6(from.hi(), from.lo(), dst.hi(), dst.lo(), Ipv6Packet.NH_ICMPV6, len);
        Bytes.put16(s, off + Icmpv6Packet.Field.CHECKSUM, Checksum.finish(Checksum.pbuf(msg, 0, len, ph)));
        int hops = hopLimit != LINK_HOP_LIMIT ? hopLimit : dst.isMulticast() ? config().hopLimit() : nd.routers().curHopLimit(out);
        return output(msg, from.hi(), from.lo(), dst.hi(), dst.lo(), Ipv6Packet.NH_ICMPV6, hops, tc, out,
                nextHop(out, dst), false);
    }

    /**
     * Sends a Neighbor Discovery message ({@code msg}, checksum filled in here) from
     * {@code src} to {@code dst} on {@code out} with hop limit 255 (RFC 4861 §7.1): to the
     * Ethernet address {@code mac} when it is not -1, bypassing the neighbour cache (probes
     * of a known neighbour), else through the link layer's resolution (multicast, or a
     * neighbour just learned). Does not take the caller's reference.
     */
    Err sendNd(Pbuf msg, Netif out, long srcHi, long srcLo, Ip6Address dst, long mac) {
        int len = msg.totalLength();
        MemorySegment s = msg.segment();
        int off = msg.offset();
        Bytes.put16(s, off + Icmpv6Packet.Field.CHECKSUM, 0);
        long ph = Checksum.pseudoHeaderV6(srcHi, srcLo, dst.hi(), dst.lo(), Ipv6Packet.NH_ICMPV6, len);
        Bytes.put16(s, off + Icmpv6Packet.Field.CHECKSUM, Checksum.finish(Checksum.pbuf(msg, 0, len, ph)));
        if (!msg.addHeader(Ipv6Packet.HEADER_LEN)) {
            stats.memerr++;
            return Err.MEM;
        }
        Ipv6Packet.emit(msg.segment(), msg.offset(), 0, 0, len, Ipv6Packet.NH_ICMPV6, 255, srcHi, srcLo, dst.hi(), dst.lo());
        stats.xmit++;
        Err e = mac >= 0 ? netifs.ethernet().send(out, msg, mac, EthernetFrame.TYPE_IPV6) : out.output(msg, dst);
        msg.removeHeader(Ipv6Packet.HEADER_LEN);
        return e;
    }

    @Override
    public void release() {
        reassembler.clear();
        nd.clear();
    }

    @Override
    public void portUnreachable(Pbuf p, IpInfo info) {
        icmp.portUnreachable(p, info);
    }

    static System.Logger log() {
        return LOG;
    }
}
