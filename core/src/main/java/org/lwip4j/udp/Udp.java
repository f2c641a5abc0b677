package org.lwip4j.udp;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PoolStats;
import org.lwip4j.internal.ip.PcbTable;
import org.lwip4j.ip.IcmpError;
import org.lwip4j.ip.Ip;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.ip.IpOutput;
import org.lwip4j.ip.Route;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ErrException;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.UdpPacket;

/**
 * UDP (RFC 768, RFC 1122 §4.1) and UDP-Lite (RFC 3828) for one stack, over either IP family
 * (lwIP's {@code udp.c}): the pcb table, port allocation, demultiplexing with best match,
 * checksums over the family's pseudo-header, ICMP port unreachable for datagrams nobody
 * takes, and delivery of ICMP errors to the pcb they concern.
 *
 * <p>Demultiplexing is by hash: connected pcbs by their 4-tuple first, then the pcbs bound
 * to the destination port (bound address, then wildcard). A receive callback may close or
 * open pcbs, or send, while a datagram is being delivered.
 *
 * <p>Both families: a pcb bound to {@code ::} ({@link IpAddress#ANY_TYPE}, lwIP's
 * {@code IPADDR_TYPE_ANY}) receives IPv4 datagrams too (with IPv4 source addresses) and
 * sends to either family; it may share its port with a pcb on {@code 0.0.0.0}, which IPv4
 * datagrams then reach first (CONFORMANCE item 34).
 *
 * <p>Multicast (RFC 1112 §6, RFC 3493 §5.2): per pcb a TTL or hop limit for multicast (1 by
 * default), an outgoing netif, loopback of what it sends to groups we are members of (on by
 * default), and group memberships, counted per netif by the family's IGMP or MLD. A
 * multicast datagram goes to every pcb on the port that takes it, each with its own copy.
 */
public final class Udp {
    /** IP protocol number of UDP (RFC 768). */
    public static final int PROTO_UDP = 17;
    /** IP protocol number of UDP-Lite (RFC 3828). */
    public static final int PROTO_UDPLITE = 136;

    private static final System.Logger LOG = System.getLogger("org.lwip4j.udp");

    private final StackContext ctx;
    private final StackConfig.UdpOptions cfg;
    private final boolean sofBroadcast;
    private final boolean sofBroadcastRecv;
    private final Ip ip;
    private final ProtoStats stats;
    private final PoolStats pcbPool;
    /** Every bound pcb, by local port. */
    private final PcbTable<UdpPcb> byPort = new PcbTable<>();
    /** Connected pcbs, by {@link #tupleKey}. */
    private final PcbTable<UdpPcb> byTuple = new PcbTable<>();
    private int nextPort;

    /** UDP for the stack: registers protocols 17 and (when enabled) 136 with every IP family. */
    Udp(StackContext ctx, Ip ip) {
        this.ctx = ctx;
        this.cfg = ctx.config().udp();
        this.sofBroadcast = ctx.config().ip4().sofBroadcast();
        this.sofBroadcastRecv = ctx.config().ip4().sofBroadcastRecv();
        this.ip = ip;
        this.stats = ctx.stats().udp;
        this.pcbPool = new PoolStats("UDP_PCB", cfg.memNumPcb());
        ctx.stats().addPool(pcbPool);
        int range = cfg.localPortEnd() - cfg.localPortStart() + 1;
        this.nextPort = cfg.localPortStart() + ctx.random().nextInt(range);
        ip.registerTransport(PROTO_UDP, (p, info) -> input(p, info, false), this::icmpError);
        if (cfg.lite()) {
            ip.registerTransport(PROTO_UDPLITE, (p, info) -> input(p, info, true), this::icmpError);
        }
    }

    /**
     * A new pcb ({@code udp_new}).
     *
     * @param lite true for UDP-Lite (needs {@code LWIP_UDPLITE})
     * @throws ErrException with {@link Err#MEM} when {@code MEMP_NUM_UDP_PCB} pcbs exist
     *         (counted in the {@code UDP_PCB} pool's {@code err})
     */
    public UdpPcb newPcb(boolean lite) {
        ctx.loop().checkInEventLoop("UDP pcb made");
        if (lite && !cfg.lite()) {
            throw new IllegalStateException("UDP-Lite is disabled (LWIP_UDPLITE)");
        }
        if (!pcbPool.fits(1)) {
            pcbPool.err++;
            throw new ErrException(Err.MEM, "MEMP_NUM_UDP_PCB (" + cfg.memNumPcb() + ") UDP pcbs are in use");
        }
        pcbPool.take(1);
        return new UdpPcb(this, lite, cfg.ttl());
    }

    /** The pcbs bound now, by local port. */
    public List<UdpPcb> pcbs() {
        List<UdpPcb> all = new ArrayList<>();
        byPort.forEach(all::add);
        all.sort(java.util.Comparator.comparingInt(UdpPcb::localPort));
        return all;
    }

    Err bind(UdpPcb pcb, IpAddress addr, int port) {
        live(pcb);
        UdpPcb.checkPort(port);
        if (!IpAddress.isAnyType(addr)) {
            ip.familyOf(addr); // the wildcard of both families binds on a stack of either
        }
        if (port == 0) {
            port = ephemeralPort(addr);
            if (port == 0) {
                return Err.USE;
            }
        } else {
            for (Object o : byPort.bucket(port)) {
                UdpPcb other = (UdpPcb) o;
                if (other != pcb && overlaps(other.localAddr, addr) && !(other.reuseAddr && pcb.reuseAddr)) {
                    return Err.USE;
                }
            }
        }
        unindex(pcb);
        pcb.localAddr = addr;
        pcb.localPort = port;
        pcb.route = null;
        pcb.bound = true;
        index(pcb);
        return Err.OK;
    }

    /** Sets or clears the remote end of {@code pcb}, re-indexing it. */
    void connect(UdpPcb pcb, IpAddress addr, int port, boolean connected) {
        unindex(pcb);
        pcb.remoteAddr = addr;
        pcb.remotePort = port;
        pcb.connected = connected;
        pcb.route = null;
        index(pcb);
    }

    private void index(UdpPcb pcb) {
        if (pcb.bound) {
            byPort.add(pcb.localPort, pcb);
            if (pcb.connected) {
                byTuple.add(tupleKey(pcb.localPort, pcb.remotePort, IpInfo.hash32(pcb.remoteAddr)), pcb);
            }
        }
    }

    private void unindex(UdpPcb pcb) {
        if (pcb.bound) {
            byPort.remove(pcb.localPort, pcb);
            if (pcb.connected) {
                byTuple.remove(tupleKey(pcb.localPort, pcb.remotePort, IpInfo.hash32(pcb.remoteAddr)), pcb);
            }
        }
    }

    private static long tupleKey(int localPort, int remotePort, int remoteHash) {
        return ((long) localPort << 48) | ((long) remotePort << 32) | (remoteHash & 0xffffffffL);
    }

    /** lwIP's rule: same family, and equal addresses or either one the wildcard. */
    private static boolean overlaps(IpAddress a, IpAddress b) {
        if (a.version() != b.version()) {
            return false;
        }
        return a.equals(b) || a.isAny() || b.isAny();
    }

    private int ephemeralPort(IpAddress addr) {
        int start = cfg.localPortStart();
        int range = cfg.localPortEnd() - start + 1;
        for (int tries = 0; tries < range; tries++) {
            int port = nextPort;
            nextPort = nextPort == cfg.localPortEnd() ? start : nextPort + 1;
            if (!portInUse(port, addr)) {
                return port;
            }
        }
        return 0;
    }

    private boolean portInUse(int port, IpAddress addr) {
        for (Object o : byPort.bucket(port)) {
            // A pcb of both families keeps its ephemeral port free of either.
            if (overlaps(((UdpPcb) o).localAddr, addr) || IpAddress.isAnyType(addr)) {
                return true;
            }
        }
        return false;
    }

    void remove(UdpPcb pcb) {
        ctx.loop().checkInEventLoop("UDP pcb closed");
        if (pcb.closed) {
            return;
        }
        unindex(pcb);
        if (pcb.memberships != null) {
            for (UdpPcb.Membership m : pcb.memberships) {
                ip.leaveGroup(m.group(), m.netif());
            }
            pcb.memberships = null;
        }
        pcb.closed = true;
        pcb.bound = false;
        pcb.route = null;
        pcbPool.give(1);
    }

    Err joinGroup(UdpPcb pcb, IpAddress group, Netif netif) {
        live(pcb);
        ip.familyOf(group);
        if (!group.isMulticast()) {
            throw new IllegalArgumentException("not a multicast group: " + group);
        }
        Netif n = netif;
        if (n == null) {
            Route r = ip.route(group, null, null);
            if (r == null) {
                return Err.RTE;
            }
            n = r.netif();
        }
        if (pcb.memberships == null) {
            pcb.memberships = new ArrayList<>(2);
        }
        for (UdpPcb.Membership m : pcb.memberships) {
            if (m.group().equals(group) && m.netif() == n) {
                return Err.USE;
            }
        }
        Err e = ip.joinGroup(group, n);
        if (e == Err.OK) {
            pcb.memberships.add(new UdpPcb.Membership(group, n));
        }
        return e;
    }

    Err leaveGroup(UdpPcb pcb, IpAddress group, Netif netif) {
        live(pcb);
        if (pcb.memberships != null) {
            for (UdpPcb.Membership m : pcb.memberships) {
                if (m.group().equals(group) && (netif == null || m.netif() == netif)) {
                    pcb.memberships.remove(m);
                    return ip.leaveGroup(group, m.netif());
                }
            }
        }
        return Err.VAL;
    }

    /** Checks that {@code pcb} is used on the loop and not after {@code close()}. */
    void live(UdpPcb pcb) {
        ctx.loop().checkInEventLoop("UDP pcb used");
        if (pcb.closed) {
            throw new IllegalStateException("UDP pcb used after close()");
        }
    }

    // ---------------------------------------------------------------- output

    /**
     * Sends {@code p} from {@code pcb} to {@code dst}:{@code port}. Kept under C2's limit for
     * inlining a hot method (325 bytecodes: {@code HotPathSizeTest}); the checks, the header's
     * own pbuf and the output call are methods of their own.
     */
    Err send(UdpPcb pcb, Pbuf p, IpAddress dst, int port, Netif netif) {
        Err ok = sendable(pcb, dst, port);
        if (ok != Err.OK) {
            return ok;
        }
        boolean multicast = dst.isMulticast();
        Route r = routeFor(pcb, dst, netif == null && multicast ? pcb.mcastNetif : netif);
        if (r == null) {
            stats.rterr++;
            return Err.RTE;
        }
        if (sofBroadcast && !pcb.broadcast && r.broadcast()) {
            return Err.VAL;
        }
        int ulen = p.totalLength() + UdpPacket.HEADER_LEN;
        if (ulen > 0xffff) {
            return Err.MEM;
        }
        boolean ownHeader = !p.addHeader(UdpPacket.HEADER_LEN);
        Pbuf q = ownHeader ? headerPbuf(p) : p;
        if (q == null) {
            return Err.MEM;
        }
        int proto = pcb.lite ? PROTO_UDPLITE : PROTO_UDP;
        emitHeader(pcb, q, r, port, ulen, proto);
        Err e = output(pcb, q, r, proto, multicast);
        if (ownHeader) {
            q.free();
        } else {
            p.removeHeader(UdpPacket.HEADER_LEN);
        }
        if (e == Err.OK) {
            stats.xmit++;
        } else {
            stats.err++;
        }
        return e;
    }

    /**
     * {@link Err#OK} when {@code pcb} may send to {@code dst}:{@code port} (a pcb not yet
     * bound is bound to an ephemeral port first); else why not. Misuse throws.
     */
    private Err sendable(UdpPcb pcb, IpAddress dst, int port) {
        live(pcb);
        UdpPcb.checkPort(port);
        ip.familyOf(dst);
        if (port == 0) {
            return Err.VAL;
        }
        return bindFor(pcb, dst);
    }

    /**
     * {@link Err#OK} when {@code pcb} may exchange datagrams with {@code remote}'s family: a
     * pcb never bound is bound first, to an ephemeral port on the wildcard of that family
     * (the IPv6 one, {@code ::}, serves both unless IPV6_V6ONLY); one bound to an address or to
     * {@code 0.0.0.0} takes its own family only, as lwIP's {@code IP_ADDR_PCB_VERSION_MATCH}.
     * {@link Err#VAL} otherwise, or why the binding failed. Used by {@code connect} and by sends.
     */
    Err bindFor(UdpPcb pcb, IpAddress remote) {
        if (!pcb.bound) {
            IpAddress local = pcb.localAddr.isAny() && pcb.localAddr.version() != remote.version() ? UdpPcb.anyOf(remote)
                    : pcb.localAddr;
            Err e = bind(pcb, local, 0);
            if (e != Err.OK) {
                return e;
            }
        }
        if (!IpAddress.isAnyType(pcb.localAddr) && pcb.localAddr.version() != remote.version()
                || pcb.v6Only && remote.version() == 4) {
            return Err.VAL;
        }
        return Err.OK;
    }

    /** A pbuf of its own for the header, {@code p} chained after it; {@code null} (counted) when the pool is empty. */
    private Pbuf headerPbuf(Pbuf p) {
        Pbuf q = ctx.pbufs().allocPool(Layer.TRANSPORT, 0);
        if (q == null) {
            stats.memerr++;
            stats.err++;
            return null;
        }
        q.addHeader(UdpPacket.HEADER_LEN);
        q.chain(p);
        return q;
    }

    /** Hands the datagram to IP with the pcb's TTL (multicast: its multicast TTL and loop setting) and TOS. */
    private Err output(UdpPcb pcb, Pbuf q, Route r, int proto, boolean multicast) {
        return multicast ? ip.output(q, r, proto, pcb.mcastTtl, pcb.tos, pcb.mcastLoop ? IpOutput.MULTICAST_LOOP : 0)
                : ip.output(q, r, proto, pcb.ttl, pcb.tos, pcb.ttlSet ? 0 : IpOutput.DEFAULT_HOP_LIMIT);
    }

    /** The pcb's cached route when it still fits, else a fresh one (cached); {@code null} when unreachable. */
    private Route routeFor(UdpPcb pcb, IpAddress dst, Netif netif) {
        Route r = pcb.route;
        if (r != null && r.remote().equals(dst) && (netif == null || r.netif() == netif) && !ip.stale(r)) {
            return r;
        }
        r = ip.route(dst, pcb.localAddr, netif);
        pcb.route = r;
        return r;
    }

    /** Writes the UDP header into {@code q} and its checksum over the pseudo-header of {@code r}. */
    private void emitHeader(UdpPcb pcb, Pbuf q, Route r, int port, int ulen, int proto) {
        MemorySegment s = q.segment();
        int off = q.offset();
        if (pcb.lite) {
            int cov = pcb.liteCoverageTx == 0 || pcb.liteCoverageTx > ulen ? ulen : pcb.liteCoverageTx;
            UdpPacket.emit(s, off, pcb.localPort, port, pcb.liteCoverageTx == 0 ? 0 : cov);
            // RFC 3828 §3.2: the checksum is mandatory; the pseudo-header carries the total length.
            int c = Checksum.finish(Checksum.pbuf(q, 0, cov, ip.pseudoHeader(r, proto, ulen)));
            UdpPacket.setChecksum(s, off, c == 0 ? 0xffff : c);
            return;
        }
        UdpPacket.emit(s, off, pcb.localPort, port, ulen);
        // RFC 8200 §8.1: over IPv6 the checksum is never omitted.
        if ((!pcb.noChecksum || r.version() == 6) && cfg.checksumGen()) {
            // The header's words are summed as values (the checksum field is still zero),
            // only the payload is read back from memory.
            long sum = ip.pseudoHeader(r, proto, ulen) + pcb.localPort + port + ulen;
            int c = Checksum.finish(Checksum.pbuf(q, UdpPacket.HEADER_LEN, ulen - UdpPacket.HEADER_LEN, sum));
            // RFC 768: a computed zero is sent as all ones; zero means "no checksum".
            UdpPacket.setChecksum(s, off, c == 0 ? 0xffff : c);
        }
    }

    // ---------------------------------------------------------------- input

    private void input(Pbuf p, IpInfo info, boolean lite) {
        stats.recv++;
        int len = checkDatagram(p, info, lite);
        if (len < 0) {
            return;
        }
        MemorySegment s = p.segment();
        int off = p.offset();
        int sport = UdpPacket.srcPort(s, off);
        int dport = UdpPacket.dstPort(s, off);
        int coverage = lite ? UdpPacket.checkLite(s, off, len) : len;
        if (info.isMulticast()) {
            // To every pcb that takes it; nobody: dropped and counted, without an ICMP error.
            p.removeHeader(UdpPacket.HEADER_LEN);
            if (!deliverToEach(byPort.bucket(dport), null, p, info, sport, lite, coverage)) {
                stats.proterr++;
                stats.drop++;
                p.free();
            }
            return;
        }
        UdpPcb match = connectedMatch(info, sport, dport, lite, coverage);
        if (match == null) {
            match = bestUnconnected(info, dport, lite, coverage);
        }
        if (match == null) {
            stats.proterr++;
            stats.drop++;
            if (!info.isBroadcast() && !info.isMulticast()) {
                ip.portUnreachable(p, info);
            }
            p.free();
            return;
        }
        p.removeHeader(UdpPacket.HEADER_LEN);
        if (info.isBroadcast() && match.reuseAddr) {
            deliverToEach(byPort.bucket(dport), match, p, info, sport, lite, coverage);
        } else {
            deliver(match, p, info, sport);
        }
    }

    private boolean takesMulticast(UdpPcb pcb, IpInfo info, int sport, boolean lite, int coverage) {
        if (!accepts(pcb, info, lite, coverage)) {
            return false;
        }
        return !pcb.connected || (pcb.remotePort == sport && info.srcIs(pcb.remoteAddr));
    }

    /** Checks lengths and the checksum; the datagram's length, or -1 after dropping {@code p}. */
    private int checkDatagram(Pbuf p, IpInfo info, boolean lite) {
        int avail = p.totalLength();
        if (p.length() < UdpPacket.HEADER_LEN) {
            return dropLength(p);
        }
        MemorySegment s = p.segment();
        int off = p.offset();
        int len = lite ? avail : UdpPacket.check(s, off, avail);
        int coverage = lite ? UdpPacket.checkLite(s, off, avail) : len;
        if (len < 0 || coverage < 0) {
            return dropLength(p);
        }
        if (len < avail) {
            p.truncate(len);
        }
        int field = UdpPacket.checksum(s, off);
        // RFC 8200 §8.1: a zero UDP checksum over IPv6 is invalid.
        if (field == 0 && !lite && info.version() == 6) {
            stats.chkerr++;
            stats.drop++;
            p.free();
            return -1;
        }
        if (lite || (field != 0 && cfg.checksumCheck())) {
            if (!p.checksumTrusted() || lite) {
                long sum = info.pseudoHeader(lite ? PROTO_UDPLITE : PROTO_UDP, len);
                if (!Checksum.verifies(Checksum.pbuf(p, 0, coverage, sum))) {
                    stats.chkerr++;
                    stats.drop++;
                    p.free();
                    return -1;
                }
            }
        }
        return len;
    }

    private int dropLength(Pbuf p) {
        stats.lenerr++;
        stats.drop++;
        p.free();
        return -1;
    }

    private UdpPcb connectedMatch(IpInfo info, int sport, int dport, boolean lite, int coverage) {
        if (byTuple.size() == 0) {
            return null;
        }
        for (Object o : byTuple.bucket(tupleKey(dport, sport, info.srcHash32()))) {
            UdpPcb pcb = (UdpPcb) o;
            if (pcb.remotePort == sport && pcb.localPort == dport && info.srcIs(pcb.remoteAddr)
                    && accepts(pcb, info, lite, coverage)) {
                return pcb;
            }
        }
        return null;
    }

    /**
     * The best unconnected pcb on {@code dport}: the highest {@link #rank}, and among equals
     * the first bound (lwIP's {@code udp_input}).
     */
    private UdpPcb bestUnconnected(IpInfo info, int dport, boolean lite, int coverage) {
        UdpPcb best = null;
        int bestRank = -1;
        for (Object o : byPort.bucket(dport)) {
            UdpPcb pcb = (UdpPcb) o;
            if (!candidate(pcb, info, lite, coverage)) {
                continue;
            }
            int rank = rank(pcb, info);
            if (rank > bestRank) {
                best = pcb;
                bestRank = rank;
            }
        }
        return best;
    }

    private boolean candidate(UdpPcb pcb, IpInfo info, boolean lite, int coverage) {
        return !pcb.connected && accepts(pcb, info, lite, coverage);
    }

    /** The pcb's kind, local address, netif and (UDP-Lite) least coverage admit the datagram. */
    private boolean accepts(UdpPcb pcb, IpInfo info, boolean lite, int coverage) {
        return pcb.lite == lite && localMatches(pcb, info)
                && !(lite && pcb.liteCoverageRx != 0 && coverage < pcb.liteCoverageRx);
    }

    /**
     * Hands a broadcast or multicast datagram to several pcbs, each its own copy, made
     * before any callback runs (a callback may change its datagram, close or open pcbs; a
     * pcb an earlier callback closed gets none). With {@code match} (a broadcast, or a
     * multicast, to SOF_REUSEADDR pcbs): {@code match} gets the original and every other
     * unconnected matching pcb that set SOF_REUSEADDR a copy ({@code SO_REUSE_RXTOALL}).
     * Without (a multicast, RFC 1112 §6.2 as sockets do it): every pcb on the port that
     * takes it ({@link #takesMulticast}) gets one. False when nobody took it ({@code p}
     * not taken over then).
     */
    private boolean deliverToEach(Object[] bucket, UdpPcb match, Pbuf p, IpInfo info, int sport, boolean lite,
            int coverage) {
        Pbuf[] copies = new Pbuf[bucket.length];
        UdpPcb owner = match;
        for (int i = 0; i < bucket.length; i++) {
            UdpPcb pcb = (UdpPcb) bucket[i];
            boolean takes = match != null ? pcb != match && pcb.reuseAddr && candidate(pcb, info, lite, coverage)
                    : takesMulticast(pcb, info, sport, lite, coverage);
            if (!takes) {
                continue;
            }
            if (owner == null) {
                owner = pcb;
                continue;
            }
            copies[i] = ctx.pbufs().allocPool(Layer.RAW, p.totalLength());
            if (copies[i] == null) {
                stats.memerr++;
                continue;
            }
            copies[i].copyFrom(0, p, 0, p.totalLength());
        }
        if (owner == null) {
            return false;
        }
        deliver(owner, p, info, sport);
        for (int i = 0; i < bucket.length; i++) {
            if (copies[i] != null) {
                deliver((UdpPcb) bucket[i], copies[i], info, sport);
            }
        }
        return true;
    }

    /**
     * How well an unconnected pcb that matches the destination fits. A specific address
     * beats the wildcard; for a broadcast, which pcbs bound to any address may match, an
     * address of the arrival netif beats the wildcard, which beats another netif's address;
     * the wildcard of both families ({@code ::}, {@link IpAddress#ANY_TYPE}) comes last for
     * an IPv4 datagram, so a pcb on {@code 0.0.0.0} of the same port takes it first.
     */
    private static int rank(UdpPcb pcb, IpInfo info) {
        IpAddress la = pcb.localAddr;
        if (la.version() != info.version()) {
            return 0; // the wildcard of both families: the family's own wildcard beats it
        }
        if (la.isAny()) {
            return 2;
        }
        return info.isBroadcast() && !info.netif().hasAddress(la) ? 1 : 3;
    }

    private boolean localMatches(UdpPcb pcb, IpInfo info) {
        if (pcb.boundNetif != null && pcb.boundNetif != info.netif()) {
            return false;
        }
        IpAddress la = pcb.localAddr;
        if (la.version() != info.version() && !(IpAddress.isAnyType(la) && !pcb.v6Only && info.version() == 4)) {
            return false; // IPV6_V6ONLY: the wildcard of IPv6 alone
        }
        if (info.isBroadcast()) {
            if (sofBroadcastRecv && !pcb.broadcast) {
                return false;
            }
            // A broadcast goes to wildcard pcbs and, but for the limited broadcast, to pcbs
            // bound to an address of the arrival netif.
            return la.isAny() || info.dst4() == -1 || info.netif().hasAddress(la);
        }
        return la.isAny() || info.dstIs(la);
    }

    /**
     * Hands {@code p} to the pcb's callback, which owns it from then on (and must free it).
     * A callback that throws gives it back: the stack frees it, logs and counts the failure.
     * The stack holds its own reference during the call, so the pbuf cannot be recycled under
     * it whatever the callback does.
     */
    private void deliver(UdpPcb pcb, Pbuf p, IpInfo info, int sport) {
        UdpReceiver r = pcb.receiver;
        if (r == null || pcb.closed) {
            stats.drop++;
            p.free();
            return;
        }
        p.ref();
        try {
            r.receive(pcb, p, info.src(), sport, info.netif());
        } catch (RuntimeException e) {
            stats.err++;
            LOG.log(System.Logger.Level.WARNING, "UDP receive callback of " + pcb + " failed; its datagram was freed", e);
            if (p.refCount() > 1) {
                p.free();
            }
        } finally {
            p.free();
        }
    }

    private void icmpError(IcmpError err) {
        UdpPcb best = null;
        for (Object o : byPort.bucket(err.localPort())) {
            UdpPcb pcb = (UdpPcb) o;
            if (!pcb.localAddr.isAny() && !pcb.localAddr.equals(err.localAddr())) {
                continue;
            }
            if (pcb.connected) {
                if (pcb.remotePort == err.remotePort() && pcb.remoteAddr.equals(err.remoteAddr())) {
                    best = pcb;
                    break;
                }
                continue;
            }
            if (best == null) {
                best = pcb;
            }
        }
        if (best == null) {
            return;
        }
        Consumer<IcmpError> h = best.errorHandler;
        if (h != null) {
            try {
                h.accept(err);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "UDP error callback of " + best + " failed", e);
            }
        }
    }
}
