package org.lwip4j.udp;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PoolStats;
import org.lwip4j.ip.IcmpError;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.ipv4.Ipv4;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.Ipv4Packet;
import org.lwip4j.wire.UdpPacket;

/**
 * UDP (RFC 768, RFC 1122 §4.1) and UDP-Lite (RFC 3828) for one stack (lwIP's
 * {@code udp.c}): the pcb table, port allocation, demultiplexing with best match, checksums,
 * ICMP port unreachable for datagrams nobody takes, and delivery of ICMP errors to the pcb
 * they concern.
 */
public final class Udp {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.udp");

    private final StackContext ctx;
    private final StackConfig cfg;
    private final Ipv4 ip;
    private final ProtoStats stats;
    private final PoolStats pcbPool;
    private final List<UdpPcb> pcbs = new ArrayList<>();
    private int nextPort;

    /** UDP for the stack: registers protocols 17 and (when enabled) 136 with IPv4. */
    public Udp(StackContext ctx, Ipv4 ip) {
        this.ctx = ctx;
        this.cfg = ctx.config();
        this.ip = ip;
        this.stats = ctx.stats().udp;
        this.pcbPool = new PoolStats("UDP_PCB", cfg.udp().memNumPcb());
        ctx.stats().addPool(pcbPool);
        int range = cfg.udp().localPortEnd() - cfg.udp().localPortStart() + 1;
        this.nextPort = cfg.udp().localPortStart() + ctx.random().nextInt(range);
        ip.register(Ipv4Packet.PROTO_UDP, (p, info) -> input(p, info, false), this::icmpError);
        if (cfg.udp().lite()) {
            ip.register(Ipv4Packet.PROTO_UDPLITE, (p, info) -> input(p, info, true), this::icmpError);
        }
    }

    /**
     * A new pcb ({@code udp_new}), or {@code null} when {@code MEMP_NUM_UDP_PCB} pcbs exist
     * (counted in the {@code UDP_PCB} pool's {@code err}).
     *
     * @param lite true for UDP-Lite (needs {@code LWIP_UDPLITE})
     */
    public UdpPcb newPcb(boolean lite) {
        ctx.loop().checkInEventLoop("UDP pcb made");
        if (lite && !cfg.udp().lite()) {
            throw new IllegalStateException("UDP-Lite is disabled (LWIP_UDPLITE)");
        }
        if (!pcbPool.fits(1)) {
            pcbPool.err++;
            return null;
        }
        pcbPool.take(1);
        return new UdpPcb(this, lite, cfg.udp().ttl());
    }

    /** The pcbs bound now (a copy). */
    public List<UdpPcb> pcbs() {
        return List.copyOf(pcbs);
    }

    Err bind(UdpPcb pcb, IpAddress addr, int port) {
        live(pcb);
        UdpPcb.checkPort(port);
        if (!(addr instanceof Ip4Address)) {
            return Err.VAL;
        }
        if (port == 0) {
            port = ephemeralPort(addr);
            if (port == 0) {
                return Err.USE;
            }
        } else {
            for (int i = 0, n = pcbs.size(); i < n; i++) {
                UdpPcb o = pcbs.get(i);
                if (o != pcb && o.localPort == port && overlaps(o.localAddr, addr) && !(o.reuseAddr && pcb.reuseAddr)) {
                    return Err.USE;
                }
            }
        }
        pcb.localAddr = addr;
        pcb.localPort = port;
        if (!pcb.bound) {
            pcb.bound = true;
            pcbs.add(pcb);
        }
        return Err.OK;
    }

    /** lwIP's rule: same family, and equal addresses or either one the wildcard. */
    private static boolean overlaps(IpAddress a, IpAddress b) {
        if (a.version() != b.version()) {
            return false;
        }
        return a.equals(b) || a.isAny() || b.isAny();
    }

    private int ephemeralPort(IpAddress addr) {
        int start = cfg.udp().localPortStart();
        int range = cfg.udp().localPortEnd() - start + 1;
        for (int tries = 0; tries < range; tries++) {
            int port = nextPort;
            nextPort = nextPort == cfg.udp().localPortEnd() ? start : nextPort + 1;
            if (!portInUse(port, addr)) {
                return port;
            }
        }
        return 0;
    }

    private boolean portInUse(int port, IpAddress addr) {
        for (int i = 0, n = pcbs.size(); i < n; i++) {
            UdpPcb o = pcbs.get(i);
            if (o.localPort == port && overlaps(o.localAddr, addr)) {
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
        pcb.closed = true;
        if (pcb.bound) {
            pcbs.remove(pcb);
            pcb.bound = false;
        }
        pcbPool.give(1);
    }

    /** Checks that {@code pcb} is used on the loop and not after {@code close()}. */
    private void live(UdpPcb pcb) {
        ctx.loop().checkInEventLoop("UDP pcb used");
        if (pcb.closed) {
            throw new IllegalStateException("UDP pcb used after close()");
        }
    }

    // ---------------------------------------------------------------- output

    Err send(UdpPcb pcb, Pbuf p, IpAddress dst, int port, Netif netif) {
        live(pcb);
        UdpPcb.checkPort(port);
        if (!(dst instanceof Ip4Address d4)) {
            return Err.VAL;
        }
        if (port == 0) {
            return Err.VAL;
        }
        if (!pcb.bound) {
            Err e = bind(pcb, Ip4Address.ANY, 0);
            if (e != Err.OK) {
                return e;
            }
        }
        int dstBits = d4.bits();
        Netif out = netif != null ? netif : ip.route(dstBits, 0);
        if (out == null) {
            stats.rterr++;
            return Err.RTE;
        }
        if (cfg.ip4().sofBroadcast() && !pcb.broadcast && (dstBits == -1 || out.isBroadcast4(dstBits))) {
            return Err.VAL;
        }
        int src;
        IpAddress la = pcb.localAddr;
        if (la.isAny() || ((Ip4Address) la).isMulticast()) {
            src = ip.selectSource(out, dstBits);
        } else {
            src = ((Ip4Address) la).bits();
            if (!out.hasIp4(src)) {
                // Bound to an address the outgoing netif does not have (lwIP: ERR_RTE).
                stats.rterr++;
                return Err.RTE;
            }
        }
        int ulen = p.totalLength() + UdpPacket.HEADER_LEN;
        if (ulen > 0xffff) {
            return Err.MEM;
        }
        Pbuf q;
        boolean ownHeader;
        if (p.addHeader(UdpPacket.HEADER_LEN)) {
            q = p;
            ownHeader = false;
        } else {
            q = ctx.pbufs().allocPool(Layer.TRANSPORT, 0);
            if (q == null) {
                stats.memerr++;
                stats.err++;
                return Err.MEM;
            }
            q.addHeader(UdpPacket.HEADER_LEN);
            q.chain(p);
            ownHeader = true;
        }
        MemorySegment s = q.segment();
        int off = q.offset();
        int proto;
        if (pcb.lite) {
            int cov = pcb.liteCoverageTx == 0 || pcb.liteCoverageTx > ulen ? ulen : pcb.liteCoverageTx;
            UdpPacket.emit(s, off, pcb.localPort, port, pcb.liteCoverageTx == 0 ? 0 : cov);
            // RFC 3828 §3.2: the checksum is mandatory; the pseudo-header carries the total length.
            long sum = Checksum.pseudoHeaderV4(src, dstBits, Ipv4Packet.PROTO_UDPLITE, ulen);
            int c = Checksum.finish(Checksum.pbuf(q, 0, cov, sum));
            UdpPacket.setChecksum(s, off, c == 0 ? 0xffff : c);
            proto = Ipv4Packet.PROTO_UDPLITE;
        } else {
            UdpPacket.emit(s, off, pcb.localPort, port, ulen);
            if (!pcb.noChecksum && cfg.udp().checksumGen()) {
                // The header's words are summed as values (the checksum field is still zero),
                // only the payload is read back from memory.
                long sum = Checksum.pseudoHeaderV4(src, dstBits, Ipv4Packet.PROTO_UDP, ulen) + pcb.localPort + port + ulen;
                int c = Checksum.finish(Checksum.pbuf(q, UdpPacket.HEADER_LEN, ulen - UdpPacket.HEADER_LEN, sum));
                // RFC 768: a computed zero is sent as all ones; zero means "no checksum".
                UdpPacket.setChecksum(s, off, c == 0 ? 0xffff : c);
            }
            proto = Ipv4Packet.PROTO_UDP;
        }
        Err e = ip.output(q, src, dstBits, pcb.ttl, pcb.tos, proto, out, false);
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

    // ---------------------------------------------------------------- input

    private void input(Pbuf p, IpInfo info, boolean lite) {
        stats.recv++;
        int avail = p.totalLength();
        if (p.length() < UdpPacket.HEADER_LEN) {
            stats.lenerr++;
            stats.drop++;
            p.free();
            return;
        }
        MemorySegment s = p.segment();
        int off = p.offset();
        int len;
        int coverage;
        if (lite) {
            coverage = UdpPacket.checkLite(s, off, avail);
            len = avail;
        } else {
            len = UdpPacket.check(s, off, avail);
            coverage = len;
        }
        if (len < 0 || coverage < 0) {
            stats.lenerr++;
            stats.drop++;
            p.free();
            return;
        }
        if (len < avail) {
            p.truncate(len);
        }
        int field = UdpPacket.checksum(s, off);
        boolean offloaded = p.checksumTrusted();
        if (lite || (field != 0 && cfg.udp().checksumCheck())) {
            if (!offloaded || lite) {
                long sum = Checksum.pseudoHeaderV4(info.src4, info.dst4, lite ? Ipv4Packet.PROTO_UDPLITE : Ipv4Packet.PROTO_UDP, len);
                if (!Checksum.verifies(Checksum.pbuf(p, 0, coverage, sum))) {
                    stats.chkerr++;
                    stats.drop++;
                    p.free();
                    return;
                }
            }
        }
        int sport = UdpPacket.srcPort(s, off);
        int dport = UdpPacket.dstPort(s, off);
        UdpPcb match = null;
        UdpPcb wildcard = null;
        boolean multi = info.broadcast || info.multicast;
        int matches = 0;
        for (int i = 0, n = pcbs.size(); i < n; i++) {
            UdpPcb pcb = pcbs.get(i);
            if (pcb.localPort != dport || pcb.lite != lite || !localMatches(pcb, info)) {
                continue;
            }
            if (lite && pcb.liteCoverageRx != 0 && coverage < pcb.liteCoverageRx) {
                continue;
            }
            if (pcb.connected) {
                if (pcb.remotePort == sport && pcb.remoteAddr instanceof Ip4Address ra && ra.bits() == info.src4) {
                    match = pcb;
                    break;
                }
                continue;
            }
            matches++;
            if (wildcard == null || rank(pcb, info) > rank(wildcard, info)) {
                wildcard = pcb;
            }
        }
        if (match == null) {
            match = wildcard;
        }
        if (match == null) {
            stats.proterr++;
            stats.drop++;
            if (!multi) {
                ip.icmp().portUnreachable(p, info);
            }
            p.free();
            return;
        }
        p.removeHeader(UdpPacket.HEADER_LEN);
        if (multi && match.reuseAddr && matches > 1) {
            // SOF_REUSEADDR: every matching pcb gets its own copy of a broadcast.
            for (int i = 0, n = pcbs.size(); i < n; i++) {
                UdpPcb pcb = pcbs.get(i);
                if (pcb != match && pcb.reuseAddr && !pcb.connected && pcb.localPort == dport && pcb.lite == lite
                        && localMatches(pcb, info)) {
                    Pbuf copy = ctx.pbufs().allocPool(Layer.RAW, p.totalLength());
                    if (copy == null) {
                        stats.memerr++;
                        continue;
                    }
                    copy.copyFrom(0, p, 0, p.totalLength());
                    deliver(pcb, copy, info, sport);
                }
            }
        }
        deliver(match, p, info, sport);
    }

    /**
     * How well an unconnected pcb that matches the destination fits; the highest rank, and
     * among equals the first bound, gets the datagram (lwIP's {@code udp_input}). A specific
     * address beats the wildcard; for a broadcast, which pcbs bound to any address may match,
     * an address of the arrival netif beats the wildcard, which beats another netif's address.
     */
    private static int rank(UdpPcb pcb, IpInfo info) {
        IpAddress la = pcb.localAddr;
        if (la.isAny()) {
            return 1;
        }
        return info.broadcast && !info.netif.hasIp4(((Ip4Address) la).bits()) ? 0 : 2;
    }

    private boolean localMatches(UdpPcb pcb, IpInfo info) {
        if (pcb.boundNetif != null && pcb.boundNetif != info.netif) {
            return false;
        }
        if (!(pcb.localAddr instanceof Ip4Address la)) {
            return false;
        }
        if (info.broadcast) {
            if (cfg.ip4().sofBroadcastRecv() && !pcb.broadcast) {
                return false;
            }
            // A broadcast goes to wildcard pcbs and to pcbs bound to an address of that subnet.
            return la.isAny() || info.dst4 == -1 || info.netif.hasIp4(la.bits()) && info.netif.isBroadcast4(info.dst4);
        }
        if (info.multicast) {
            return la.isAny() || la.bits() == info.dst4;
        }
        return la.isAny() || la.bits() == info.dst4;
    }

    private void deliver(UdpPcb pcb, Pbuf p, IpInfo info, int sport) {
        UdpReceiver r = pcb.receiver;
        if (r == null) {
            stats.drop++;
            p.free();
            return;
        }
        try {
            r.receive(pcb, p, info.src(), sport, info.netif);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "UDP receive callback of " + pcb + " failed", e);
        }
    }

    private void icmpError(IcmpError err) {
        UdpPcb best = null;
        for (int i = 0, n = pcbs.size(); i < n; i++) {
            UdpPcb pcb = pcbs.get(i);
            if (pcb.localPort != err.localPort()) {
                continue;
            }
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
