package org.lwip4j.ipv4;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.ip.RawInput;
import org.lwip4j.ip.TransportErrorInput;
import org.lwip4j.ip.TransportInput;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
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
 * IPv4 (RFC 791, RFC 1122 §3.2/§3.3, RFC 1812 for forwarding): input checks and delivery,
 * routing, output with fragmentation, forwarding between netifs (lwIP's {@code ip4.c}).
 *
 * <p>Input: header and checksum checked, link padding trimmed, packets for other hosts
 * forwarded (when enabled) or dropped, fragments reassembled, raw pcbs offered the packet,
 * then the transport registered for its protocol gets it; with none, ICMP "protocol
 * unreachable". Output: route by longest prefix over the netifs' subnets and static
 * routes, then the default netif; source chosen from the outgoing netif; packets to our own
 * addresses looped back; packets above the MTU fragmented.
 */
public final class Ipv4 implements NetworkInput {
    private final StackContext ctx;
    private final StackConfig cfg;
    private final NetifTable netifs;
    private final ProtoStats stats;
    private final Ipv4Reassembly reassembly;
    private final Ipv4Fragmenter fragmenter;
    private final Icmpv4 icmp;
    private final TransportInput[] transports = new TransportInput[256];
    private final TransportErrorInput[] errorInputs = new TransportErrorInput[256];
    private final IpInfo info = new IpInfo();
    private final List<Ip4Route> routes = new ArrayList<>();
    private RawInput raw;
    private int nextIdent;

    /** IPv4 for the stack: registers itself with the netifs' link layers. */
    public Ipv4(StackContext ctx, NetifTable netifs) {
        this.ctx = ctx;
        this.cfg = ctx.config();
        this.netifs = netifs;
        this.stats = ctx.stats().ip;
        this.fragmenter = new Ipv4Fragmenter(ctx);
        this.icmp = new Icmpv4(ctx, this);
        this.reassembly = new Ipv4Reassembly(ctx, icmp::reassemblyTimedOut);
        this.nextIdent = ctx.random().nextInt(0x10000);
        netifs.ethernet().register(EthernetFrame.TYPE_IPV4, this);
        netifs.ipLink().register(4, this);
        register(Ipv4Packet.PROTO_ICMP, icmp, null);
    }

    /** The stack's ICMPv4. */
    public Icmpv4 icmp() {
        return icmp;
    }

    /** The reassembly buffer. */
    public Ipv4Reassembly reassembly() {
        return reassembly;
    }

    /** The netifs this layer routes over. */
    public NetifTable netifs() {
        return netifs;
    }

    /** Registers the transport for an IP protocol number, and where ICMP errors about it go (may be null). */
    public void register(int protocol, TransportInput input, TransportErrorInput errors) {
        transports[protocol] = input;
        errorInputs[protocol] = errors;
    }

    /** Installs the raw pcbs' hook. */
    public void setRawInput(RawInput raw) {
        this.raw = raw;
    }

    TransportErrorInput errorInput(int protocol) {
        return errorInputs[protocol & 0xff];
    }

    /** Adds a static route; on the loop. */
    public void addRoute(Ip4Route r) {
        routes.add(r);
    }

    /** Removes a static route; on the loop. */
    public boolean removeRoute(Ip4Route r) {
        return routes.remove(r);
    }

    /** The static routes. */
    public List<Ip4Route> routes() {
        return List.copyOf(routes);
    }

    // ---------------------------------------------------------------- input

    @Override
    public void input(Netif inp, Pbuf p, boolean linkBroadcast) {
        stats.recv++;
        MemorySegment s = p.segment();
        int off = p.offset();
        int first = p.length();
        if (first < Ipv4Packet.MIN_HEADER_LEN || first < Ipv4Packet.headerLen(s, off)) {
            // The header must be contiguous in the first node; anything else is malformed
            // or too short.
            drop(p, first < 1 || Ipv4Packet.version(s, off) == 4 ? Drop.TRUNCATED : Drop.UNSUPPORTED);
            return;
        }
        int hl = Ipv4Packet.check(s, off, p.totalLength());
        if (hl < 0) {
            drop(p, Drop.ofCode(hl));
            return;
        }
        boolean csumValid = (p.offloadFlags() & Pbuf.OFFLOAD_DATA_VALID) != 0;
        if (cfg.ip4().checksumCheck() && !csumValid && !Ipv4Packet.checksumOk(s, off, hl)) {
            drop(p, Drop.BAD_CHECKSUM);
            return;
        }
        int total = Ipv4Packet.totalLen(s, off);
        if (total < p.totalLength()) {
            p.truncate(total);
        }
        int src = Ipv4Packet.src(s, off);
        int dst = Ipv4Packet.dst(s, off);
        boolean loopbackNetif = inp.hasFlag(Netif.FLAG_LOOPBACK);
        // RFC 1122 §3.2.1.3: 127/8 must not appear on a network; a broadcast or multicast
        // source is never valid.
        if (!loopbackNetif && ((dst >>> 24) == 127 || (src >>> 24) == 127)) {
            stats.drop++;
            stats.err++;
            p.free();
            return;
        }
        if ((src & 0xf0000000) == 0xe0000000 || inp.isBroadcast4(src) && src != 0) {
            stats.drop++;
            stats.err++;
            p.free();
            return;
        }
        boolean multicast = (dst & 0xf0000000) == 0xe0000000;
        boolean broadcast = !multicast && inp.isBroadcast4(dst);
        boolean forUs = multicast || broadcast || isLocalAddress(inp, dst);
        if (!forUs) {
            if (cfg.ip4().forward() && !linkBroadcast) {
                forward(inp, p, hl);
            } else {
                stats.drop++;
                p.free();
            }
            return;
        }
        if (Ipv4Packet.isFragment(s, off)) {
            if (!cfg.ip4().reassembly()) {
                stats.drop++;
                stats.opterr++;
                p.free();
                return;
            }
            p = reassembly.input(p);
            if (p == null) {
                return;
            }
            s = p.segment();
            off = p.offset();
            hl = Ipv4Packet.headerLen(s, off);
        }
        deliver(inp, p, hl, broadcast, multicast);
    }

    private boolean isLocalAddress(Netif inp, int dst) {
        if (inp.hasIp4(dst)) {
            return true;
        }
        // Weak host model (RFC 1122 §3.3.4.2), as lwIP: accept our addresses on other netifs,
        // except that the loopback network arrives only on the loopback netif (checked above).
        List<Netif> all = netifs.view();
        for (int i = 0, n = all.size(); i < n; i++) {
            Netif other = all.get(i);
            if (other != inp && other.isUp() && other.hasIp4(dst)) {
                return true;
            }
        }
        return false;
    }

    private void deliver(Netif inp, Pbuf p, int hl, boolean broadcast, boolean multicast) {
        MemorySegment s = p.segment();
        int off = p.offset();
        IpInfo in = info;
        in.netif = inp;
        in.packet = p;
        in.version = 4;
        in.src4 = Ipv4Packet.src(s, off);
        in.dst4 = Ipv4Packet.dst(s, off);
        in.headerLen = hl;
        in.protocol = Ipv4Packet.protocol(s, off);
        in.ttl = Ipv4Packet.ttl(s, off);
        in.tos = Ipv4Packet.tos(s, off);
        in.broadcast = broadcast;
        in.multicast = multicast;
        in.headerOffset = off;
        int rawResult = RawInput.NONE;
        RawInput r = raw;
        if (r != null) {
            rawResult = r.input(p, in);
            if (rawResult == RawInput.EATEN) {
                clear(in);
                return;
            }
        }
        TransportInput t = transports[in.protocol];
        if (t == null) {
            if (rawResult == RawInput.NONE) {
                // RFC 1122 §3.2.2.1: protocol unreachable, never for broadcast/multicast.
                stats.proterr++;
                stats.drop++;
                if (!broadcast && !multicast) {
                    icmp.sendError(p, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_PROTOCOL, 0);
                }
            }
            p.free();
            clear(in);
            return;
        }
        p.removeHeader(hl);
        t.input(p, in);
        clear(in);
    }

    private static void clear(IpInfo in) {
        in.packet = null;
        in.netif = null;
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

    // ---------------------------------------------------------------- forwarding

    /**
     * Forwards a packet not addressed to us (RFC 1812 §5.2, lwIP's {@code ip4_forward}):
     * never link-local or broadcast traffic; TTL decremented with an incremental checksum
     * update (RFC 1624); TTL expiry answered with ICMP time exceeded; fragmented for a smaller
     * MTU, or "fragmentation needed" when DF is set. Takes over {@code p}.
     */
    private void forward(Netif inp, Pbuf p, int hl) {
        MemorySegment s = p.segment();
        int off = p.offset();
        int src = Ipv4Packet.src(s, off);
        int dst = Ipv4Packet.dst(s, off);
        // RFC 3927 §7: link-local addresses are never forwarded; RFC 1812 §5.3.7: nor 127/8
        // (a packet that came in on the loopback netif has not been checked for it).
        if ((src >>> 16) == 0xa9fe || (dst >>> 16) == 0xa9fe || dst == -1 || (dst & 0xf0000000) == 0xe0000000
                || (src >>> 24) == 127 || (dst >>> 24) == 127) {
            stats.drop++;
            p.free();
            return;
        }
        Netif out = route(dst, src);
        if (out == null) {
            stats.rterr++;
            stats.drop++;
            icmp.sendError(p, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_NET, 0);
            p.free();
            return;
        }
        if (out == inp && !cfg.ip4().forwardAllowTxOnRxNetif()) {
            stats.drop++;
            p.free();
            return;
        }
        if (out.isBroadcast4(dst)) {
            // Directed broadcast of the outgoing subnet: not forwarded (RFC 2644).
            stats.drop++;
            p.free();
            return;
        }
        int ttl = Ipv4Packet.ttl(s, off);
        if (ttl <= 1) {
            icmp.sendError(p, Icmpv4Packet.TYPE_TIME_EXCEEDED, Icmpv4Packet.TIME_EXCEEDED_TTL, 0);
            stats.drop++;
            p.free();
            return;
        }
        // TTL shares a 16-bit word with the protocol: update the checksum incrementally.
        int proto = Ipv4Packet.protocol(s, off);
        int oldWord = (ttl << 8) | proto;
        int newWord = ((ttl - 1) << 8) | proto;
        Ipv4Packet.setTtl(s, off, ttl - 1);
        Ipv4Packet.setChecksum(s, off, Checksum.update(Ipv4Packet.checksum(s, off), oldWord, newWord));
        int nextHop = nextHop(out, dst);
        stats.fw++;
        int total = p.totalLength();
        Err e;
        if (total > out.mtu()) {
            if ((Ipv4Packet.flagsFrag(s, off) & Ipv4Packet.FLAG_DF) != 0 || !cfg.ip4().frag()) {
                icmp.sendError(p, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_FRAG_NEEDED, out.mtu());
                stats.drop++;
                p.free();
                return;
            }
            e = fragmenter.fragment(p, out, nextHop, out.mtu());
        } else {
            e = out.output4(p, nextHop);
        }
        if (e == Err.OK) {
            stats.xmit++;
        } else {
            stats.err++;
        }
        p.free();
    }

    // ---------------------------------------------------------------- routing

    /**
     * The netif to reach {@code dst} (lwIP's {@code ip4_route}, with longest-prefix match):
     * the loopback netif for 127/8 and our own addresses, the up netif or static route with
     * the longest matching prefix, else the default netif. {@code null} when there is none.
     */
    public Netif route(int dst, int src) {
        if ((dst >>> 24) == 127) {
            Netif lo = netifs.loopbackNetif();
            return lo != null && lo.isUp() ? lo : null;
        }
        Netif best = null;
        int bestLen = -1;
        List<Netif> all = netifs.view();
        for (int i = 0, n = all.size(); i < n; i++) {
            Netif nf = all.get(i);
            if (!nf.isUsable() || nf.hasFlag(Netif.FLAG_LOOPBACK)) {
                continue;
            }
            for (int k = 0, m = nf.ip4Count(); k < m; k++) {
                Ip4Interface a = nf.ip4At(k);
                if (a.address().bits() == dst) {
                    return nf;
                }
                if (a.prefixLength() > bestLen && a.contains(dst) && !a.address().isAny()) {
                    best = nf;
                    bestLen = a.prefixLength();
                }
            }
        }
        for (int i = 0, n = routes.size(); i < n; i++) {
            Ip4Route r = routes.get(i);
            if (r.prefix().prefixLength() > bestLen && r.prefix().contains(dst) && r.netif().isUsable()) {
                best = r.netif();
                bestLen = r.prefix().prefixLength();
            }
        }
        if (best != null) {
            return best;
        }
        if (dst == -1 || (dst & 0xf0000000) == 0xe0000000) {
            // Limited broadcast and multicast without a better choice: the default netif.
            Netif d = netifs.defaultNetif();
            return d != null && d.isUsable() ? d : null;
        }
        Netif d = netifs.defaultNetif();
        if (d != null && d.isUsable() && !d.hasFlag(Netif.FLAG_LOOPBACK)) {
            return d;
        }
        return null;
    }

    /**
     * The next hop's address bits for {@code dst} through {@code out}: on-link destinations
     * and broadcasts directly, others via the route's or netif's gateway (RFC 1122 §3.3.1.1).
     * Bits rather than an {@link Ip4Address}, so that every packet sent allocates nothing.
     */
    public int nextHop(Netif out, int dst) {
        if (dst == -1 || (dst & 0xf0000000) == 0xe0000000 || out.isBroadcast4(dst)) {
            return dst;
        }
        for (int k = 0, m = out.ip4Count(); k < m; k++) {
            if (out.ip4At(k).contains(dst)) {
                return dst;
            }
        }
        Ip4Route best = null;
        for (int i = 0, n = routes.size(); i < n; i++) {
            Ip4Route r = routes.get(i);
            if (r.netif() == out && r.prefix().contains(dst)
                    && (best == null || r.prefix().prefixLength() > best.prefix().prefixLength())) {
                best = r;
            }
        }
        if (best != null) {
            return best.gateway().isAny() ? dst : best.gateway().bits();
        }
        Ip4Address gw = out.gateway4();
        return gw.isAny() ? dst : gw.bits();
    }

    /** The source address for sending to {@code dst} through {@code out}: the netif address on the destination's subnet, else its primary one. */
    public int selectSource(Netif out, int dst) {
        for (int k = 0, m = out.ip4Count(); k < m; k++) {
            Ip4Interface a = out.ip4At(k);
            if (a.contains(dst)) {
                return a.address().bits();
            }
        }
        return out.ip4().bits();
    }

    // ---------------------------------------------------------------- output

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
    public Err output(Pbuf p, int src, int dst, int ttl, int tos, int protocol, Netif netif, boolean df) {
        Netif out = netif != null ? netif : route(dst, src);
        if (out == null) {
            stats.rterr++;
            return Err.RTE;
        }
        if (src == 0) {
            src = selectSource(out, dst);
        }
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
                src, dst, cfg.ip4().checksumGen());
        Err e = send(pkt, out, dst);
        if (ownHeader) {
            pkt.free();
        } else {
            p.removeHeader(hl);
        }
        return e;
    }

    /**
     * Sends a whole IPv4 packet, header included (raw pcbs with {@code IP_HDRINCL}, ICMP
     * replies built in place): routes, loops back or fragments as {@link #output} does, with
     * the same {@link Err#RTE} for 127/8 off the loopback netif. Does not take the caller's
     * reference.
     */
    public Err outputPacket(Pbuf packet, Netif netif) {
        int dst = Ipv4Packet.dst(packet.segment(), packet.offset());
        Netif out = netif != null ? netif : route(dst, Ipv4Packet.src(packet.segment(), packet.offset()));
        if (out == null) {
            stats.rterr++;
            return Err.RTE;
        }
        return send(packet, out, dst);
    }

    private Err send(Pbuf pkt, Netif out, int dst) {
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
        if (pkt.totalLength() > out.mtu()) {
            MemorySegment s = pkt.segment();
            if (!cfg.ip4().frag() || (Ipv4Packet.flagsFrag(s, pkt.offset()) & Ipv4Packet.FLAG_DF) != 0) {
                stats.err++;
                return Err.VAL;
            }
            return fragmenter.fragment(pkt, out, nextHop(out, dst), out.mtu());
        }
        Err e = out.output4(pkt, nextHop(out, dst));
        if (e != Err.OK) {
            stats.err++;
        }
        return e;
    }

    private boolean isOwnAddress(int dst) {
        List<Netif> all = netifs.view();
        for (int i = 0, n = all.size(); i < n; i++) {
            if (all.get(i).hasIp4(dst)) {
                return true;
            }
        }
        return false;
    }
}
