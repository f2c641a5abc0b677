package org.lwip4j.ipv6;

import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.netif.AddressResolver;
import org.lwip4j.netif.EthernetLink;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifListener;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.Timer;
import org.lwip4j.wire.EthernetFrame;
import org.lwip4j.wire.Icmpv6Packet;
import org.lwip4j.wire.NdOption;
import org.lwip4j.wire.NdPacket;

/**
 * Neighbor Discovery for IPv6 over Ethernet (RFC 4861) and duplicate address detection
 * (RFC 4862 §5.4), the part of lwIP's {@code nd6.c} traffic needs to flow.
 *
 * <h2>Address resolution</h2>
 * The IPv6 {@link AddressResolver} of the Ethernet link: multicast next hops go to
 * {@code 33:33} and the group's last 32 bits (RFC 2464 §7) without resolution; unicast ones
 * through the {@link NeighborCache} (RFC 4861 §7.2, §7.3). Neighbour solicitations go to
 * the target's solicited-node group with our link-layer address (§7.2.2), probes of a
 * known neighbour to its link-layer address.
 *
 * <h2>Receiving</h2>
 * Every ND message must come with hop limit 255 and code 0, pass {@link NdPacket#check}
 * (lengths, no zero-length option) and lie in one pbuf node (§7.1.1, §7.1.2), else it is
 * dropped and counted. An NS for one of our valid addresses is answered with a solicited NA
 * carrying our link-layer address, unicast to its source (whose link-layer address it
 * carried is learned STALE, §7.2.3), or to all-nodes when the source was unspecified
 * (§7.2.4); an NS from the unspecified address must have gone to a solicited-node group and
 * carry no source link-layer address. An NA updates the neighbour cache (§7.2.5); a
 * solicited NA to a multicast address is invalid.
 *
 * <h2>Duplicate address detection</h2>
 * A tentative address (see {@link Ip6Addresses}) on a netif that is up with its link up
 * gets {@code LWIP_IPV6_DUP_DETECT_ATTEMPTS} NS from the unspecified address to its
 * solicited-node group, RetransTimer apart, the first after a random delay of up to
 * {@code MAX_RTR_SOLICITATION_DELAY} (RFC 4862 §5.4.2); one RetransTimer after the last
 * without an answer it becomes preferred. An NA for it, or an NS for it from the
 * unspecified address (another node doing DAD, §5.4.3), makes it duplicate (§5.4.5); a
 * duplicate RFC 7217 link-local address is replaced with the next DAD counter, up to
 * IDGEN_RETRIES (3) times (RFC 7217 §6). On netifs without Ethernet framing (TUN) there is
 * no one to ask: tentative addresses become preferred at once.
 *
 * <h2>Link-local address</h2>
 * When a non-loopback netif becomes usable without a link-local address it gets
 * {@code fe80::/64} with an RFC 7217 stable interface identifier (by default; secret key
 * drawn from the stack's random source, interface name as Net_Iface, no Network_ID), or
 * with the modified EUI-64 of its MAC (RFC 4291 Appendix A) when {@code ip6StableIids} is
 * off (RFC 4862 §5.3).
 *
 * <p>Router solicitation and advertisement, redirects and SLAAC are {@link RouterDiscovery}'s
 * (with {@link DefaultRouterList}, {@link PrefixList}, {@link DestinationCache} and
 * {@link Slaac}); RS are dropped (we send no RAs). MLD messages (ICMPv6 types 130-132, 143)
 * do not come here: {@link Icmpv6} hands them to its MLD hook.
 */
public final class NeighborDiscovery implements AddressResolver, NetifListener {
    /** RFC 7217 §6 IDGEN_RETRIES. */
    public static final int IDGEN_RETRIES = 3;

    private final StackContext ctx;
    private final StackConfig.Ip6Options cfg;
    private final Ipv6 ip;
    private final EthernetLink ethernet;
    private final ProtoStats stats;
    private final NeighborCache cache;
    private final RouterDiscovery rd;
    private final byte[] secretKey = new byte[16];
    private final List<Dad> dads = new ArrayList<>();
    private long conflicts;

    /** One address under DAD. */
    private final class Dad {
        final Netif netif;
        final Ip6Address address;
        int sent;
        final Timer timer;

        Dad(Netif netif, Ip6Address address) {
            this.netif = netif;
            this.address = address;
            this.timer = ctx.timers().create(() -> step(this));
        }
    }

    NeighborDiscovery(StackContext ctx, NetifTable netifs, Ipv6 ip) {
        this.ctx = ctx;
        this.cfg = ctx.config().ip6();
        this.ip = ip;
        this.ethernet = netifs.ethernet();
        this.stats = ctx.stats().nd6;
        this.cache = new NeighborCache(ctx, ethernet, this::solicit);
        for (int i = 0; i < secretKey.length; i++) {
            secretKey[i] = (byte) ctx.random().nextInt(256);
        }
        this.rd = new RouterDiscovery(ctx, ip, cache, secretKey, ip::routesChanged);
        cache.setLinks(rd);
        cache.setLost(n -> rd.destinations().unreachable(n.netif(), n.hi, n.lo));
        cache.setUnreachable((netif, q) -> ip.icmp().sendError(q, Icmpv6Packet.TYPE_DEST_UNREACH,
                Icmpv6Packet.UNREACH_ADDRESS, 0, false, netif));
        ethernet.registerResolver(6, this);
        netifs.addListener(this);
    }

    /** The neighbour cache. */
    public NeighborCache cache() {
        return cache;
    }

    /** Router discovery: default routers, prefixes, destinations (redirects, path MTU), per-link parameters. */
    public RouterDiscovery routers() {
        return rd;
    }

    /** Addresses of ours another node claimed (NA or DAD NS for an address we use or try). */
    public long conflicts() {
        return conflicts;
    }

    // ---------------------------------------------------------------- resolution

    @Override
    public Err output(Netif netif, Pbuf packet, IpAddress nextHop) {
        Ip6Address hop = (Ip6Address) nextHop;
        if (hop.isMulticast()) {
            return ethernet.send(netif, packet, Ip6Address.multicastMacBits(hop.lo()), EthernetFrame.TYPE_IPV6);
        }
        return cache.output(netif, packet, hop.hi(), hop.lo());
    }

    /** Positive advice about a unicast next hop: see {@link NeighborCache#confirm}. */
    @Override
    public void confirm(Netif netif, IpAddress nextHop) {
        if (nextHop instanceof Ip6Address hop && !hop.isMulticast()) {
            cache.confirm(netif, hop);
        }
    }

    /** Negative advice about a unicast next hop: see {@link NeighborCache#suspect}. */
    @Override
    public void suspect(Netif netif, IpAddress nextHop) {
        if (nextHop instanceof Ip6Address hop && !hop.isMulticast()) {
            cache.suspect(netif, hop);
        }
    }

    /** Sends an NS for {@code hi:lo}: multicast to its solicited-node group, or unicast to {@code mac} (RFC 4861 §7.2.2, §7.3.3). */
    private void solicit(Netif netif, long hi, long lo, long mac) {
        Ip6Address target = new Ip6Address(hi, lo, netif.index());
        Ip6Address src = ip.selectSource(netif, target);
        if (src == null) {
            stats.rterr++;
            return;
        }
        Ip6Address dst = mac >= 0 ? target : new Ip6Address(Ip6Address.SOLICITED_NODE_HI, Ip6Address.solicitedNodeLo(lo), 0);
        sendNs(netif, src.hi(), src.lo(), dst, hi, lo, mac, true);
    }

    private void sendNs(Netif netif, long srcHi, long srcLo, Ip6Address dst, long targetHi, long targetLo, long mac,
            boolean withSource) {
        int len = NdPacket.NS_LEN + (withSource ? NdOption.LINK_LAYER_LEN : 0);
        Pbuf p = ctx.pbufs().allocPool(Layer.IP, len);
        if (p == null) {
            stats.memerr++;
            return;
        }
        MemorySegment s = p.segment();
        int off = p.offset();
        NdPacket.emitNeighborSolicit(s, off, targetHi, targetLo);
        if (withSource) {
            NdOption.emitLinkLayer(s, off + NdPacket.NS_LEN, NdOption.SOURCE_LL_ADDR, netif.mac().bits());
        }
        if (ip.sendNd(p, netif, srcHi, srcLo, dst, mac) == Err.OK) {
            stats.xmit++;
        } else {
            stats.err++;
        }
        p.free();
    }

    private void sendNa(Netif netif, Ip6Address from, Ip6Address dst, int flags) {
        Pbuf p = ctx.pbufs().allocPool(Layer.IP, NdPacket.NA_LEN + NdOption.LINK_LAYER_LEN);
        if (p == null) {
            stats.memerr++;
            return;
        }
        MemorySegment s = p.segment();
        int off = p.offset();
        NdPacket.emitNeighborAdvert(s, off, flags, from.hi(), from.lo());
        NdOption.emitLinkLayer(s, off + NdPacket.NA_LEN, NdOption.TARGET_LL_ADDR, netif.mac().bits());
        if (ip.sendNd(p, netif, from.hi(), from.lo(), dst, -1) == Err.OK) {
            stats.xmit++;
        } else {
            stats.err++;
        }
        p.free();
    }

    // ---------------------------------------------------------------- receiving

    /** An ND message ({@code p} at its ICMPv6 header, checksum verified) from ICMPv6. Takes over {@code p}. */
    void input(Pbuf p, IpInfo info) {
        stats.recv++;
        try {
            int len = p.totalLength();
            MemorySegment s = p.segment();
            int off = p.offset();
            if (info.ttl() != 255 || p.length() < len) {
                // RFC 4861 §7.1: a hop limit below 255 means a router forwarded it: not from the link.
                stats.proterr++;
                stats.drop++;
                return;
            }
            int fixed = NdPacket.check(s, off, len);
            if (fixed < 0) {
                stats.lenerr++;
                stats.drop++;
                return;
            }
            Netif netif = info.netif();
            if (!netif.hasFlag(Netif.FLAG_ETHERNET)) {
                stats.drop++;
                return;
            }
            switch (Icmpv6Packet.type(s, off)) {
                case Icmpv6Packet.TYPE_NEIGHBOR_SOLICIT -> solicitation(p, info, netif, fixed);
                case Icmpv6Packet.TYPE_NEIGHBOR_ADVERT -> advertisement(p, info, netif, fixed);
                case Icmpv6Packet.TYPE_ROUTER_ADVERT -> rd.advertisement(p, info, netif, fixed);
                case Icmpv6Packet.TYPE_REDIRECT -> rd.redirect(p, info, netif, fixed);
                default -> stats.drop++; // RS: we send no RAs (a host, or a router without an RA daemon; RFC 4861 §6.2.6).
            }
        } finally {
            p.free();
        }
    }

    private void solicitation(Pbuf p, IpInfo info, Netif netif, int fixed) {
        MemorySegment s = p.segment();
        int off = p.offset();
        int len = p.totalLength();
        long thi = NdPacket.targetHi(s, off);
        long tlo = NdPacket.targetLo(s, off);
        boolean fromUnspecified = info.srcIs(Ip6Address.ANY);
        long sllao = NdOption.find(s, off + fixed, len - fixed, NdOption.SOURCE_LL_ADDR);
        if (fromUnspecified && (!info.isMulticast() || sllao >= 0
                || !netif.ip6().isSolicitedNode(((Ip6Address) info.dst()).hi(), ((Ip6Address) info.dst()).lo()))) {
            // RFC 4861 §7.1.1: from :: only to a solicited-node group and without SLLAO.
            stats.proterr++;
            stats.drop++;
            return;
        }
        Ip6Addresses.Entry target = netif.ip6().find(thi, tlo);
        if (target == null) {
            stats.drop++; // not ours (no proxy)
            return;
        }
        if (target.state() == Ip6Addresses.State.TENTATIVE) {
            if (fromUnspecified) {
                // RFC 4862 §5.4.3: another node is doing DAD for the same address.
                duplicate(netif, target);
            }
            // From a unicast source: silently ignored (§5.4.3).
            return;
        }
        if (!target.state().isValid()) {
            return;
        }
        if (fromUnspecified) {
            conflicts++;
            // §7.2.4: to all-nodes, solicited flag clear.
            sendNa(netif, target.address(), new Ip6Address(Ipv6.ALL_NODES_HI, 1, 0), NdPacket.NA_OVERRIDE);
            return;
        }
        Ip6Address src = (Ip6Address) info.src();
        if (sllao >= 0 && NdOption.valid(s, sllao)) {
            cache.learned(netif, src.hi(), src.lo(), NdOption.linkLayerAddress(s, sllao));
        }
        sendNa(netif, target.address(), src, NdPacket.NA_SOLICITED | NdPacket.NA_OVERRIDE);
    }

    private void advertisement(Pbuf p, IpInfo info, Netif netif, int fixed) {
        MemorySegment s = p.segment();
        int off = p.offset();
        int len = p.totalLength();
        int flags = NdPacket.naFlags(s, off);
        boolean solicited = (flags & NdPacket.NA_SOLICITED) != 0;
        if (solicited && info.isMulticast()) {
            stats.proterr++;
            stats.drop++;
            return;
        }
        long thi = NdPacket.targetHi(s, off);
        long tlo = NdPacket.targetLo(s, off);
        Ip6Addresses.Entry ours = netif.ip6().find(thi, tlo);
        if (ours != null) {
            if (ours.state() == Ip6Addresses.State.TENTATIVE) {
                duplicate(netif, ours); // RFC 4862 §5.4.4
            } else {
                conflicts++;
                Ipv6.log().log(Level.WARNING, "{0}: another node advertises our address {1}", netif.name(), ours.address());
            }
            return;
        }
        long tllao = NdOption.find(s, off + fixed, len - fixed, NdOption.TARGET_LL_ADDR);
        long mac = tllao >= 0 && NdOption.valid(s, tllao) ? NdOption.linkLayerAddress(s, tllao) : -1;
        if ((flags & NdPacket.NA_ROUTER) == 0) {
            // §7.2.5: a router that stopped being one leaves the default router list.
            Neighbor known = cache.find(netif, thi, tlo);
            if (known != null && known.isRouter()) {
                rd.routers().remove(netif, new Ip6Address(thi, tlo, netif.index()));
            }
        }
        cache.advertised(netif, thi, tlo, mac, solicited, (flags & NdPacket.NA_OVERRIDE) != 0,
                (flags & NdPacket.NA_ROUTER) != 0);
    }

    // ---------------------------------------------------------------- DAD and link-local

    @Override
    public void statusChanged(Netif netif) {
        changed(netif);
    }

    @Override
    public void linkChanged(Netif netif) {
        changed(netif);
    }

    @Override
    public void ip6AutoconfigChanged(Netif netif) {
        if (netif.ip6().autoconfig()) {
            rd.solicitAgain(netif);
        }
    }

    private void changed(Netif netif) {
        if (!netif.isUsable()) {
            cache.flush(netif);
            rd.down(netif);
            for (Dad d : List.copyOf(dads)) {
                if (d.netif == netif) {
                    cancel(d);
                }
            }
            return;
        }
        if (cfg.linkLocal() && !netif.hasFlag(Netif.FLAG_LOOPBACK) && netif.ip6().linkLocal() == null) {
            addLinkLocal(netif, 0);
        }
        for (int i = 0; i < netif.ip6().count(); i++) {
            Ip6Addresses.Entry e = netif.ip6().at(i);
            if (e.state() == Ip6Addresses.State.TENTATIVE) {
                startDad(netif, e.address());
            }
        }
        rd.up(netif);
    }

    @Override
    public void addressChanged(Netif netif, IpAddress oldAddr, IpAddress newAddr) {
        if (oldAddr instanceof Ip6Address a && newAddr == null) {
            rd.slaac().removed(netif, a);
            for (Dad d : List.copyOf(dads)) {
                if (d.netif == netif && d.address.equals(a)) {
                    cancel(d);
                }
            }
        }
        if (newAddr instanceof Ip6Address a && a.isLinkLocal()) {
            Ip6Addresses.Entry e = netif.ip6().find(a);
            if (e != null && e.state().isValid()) {
                rd.up(netif); // the link-local address is valid (DAD done): solicit routers
            }
        }
        if (oldAddr == null && newAddr instanceof Ip6Address a && netif.isUsable()) {
            Ip6Addresses.Entry e = netif.ip6().find(a);
            if (e != null && e.state() == Ip6Addresses.State.TENTATIVE) {
                startDad(netif, a);
            }
        }
    }

    @Override
    public void removed(Netif netif) {
        rd.slaac().flush(netif);
        changed(netif);
    }

    /** Adds the netif's link-local address made with RFC 7217 DAD counter {@code counter} (or EUI-64). */
    private void addLinkLocal(Netif netif, int counter) {
        long iid = cfg.stableIids()
                ? Ip6Address.stableIid(0xfe80_0000_0000_0000L, netif.name(), new byte[0], counter, secretKey)
                : Ip6Address.eui64(netif.mac());
        Ip6Address a = Ip6Address.linkLocal(iid, netif.index());
        if (netif.ip6().find(a) != null || netif.ip6().count() >= cfg.numAddresses()) {
            return;
        }
        // Added tentative; addressChanged starts DAD.
        netif.ip6().add(a, 64, null, null, Ip6Addresses.Origin.LINK_LOCAL).setDadCounter(counter);
    }

    private void startDad(Netif netif, Ip6Address addr) {
        for (Dad d : dads) {
            if (d.netif == netif && d.address.equals(addr)) {
                return;
            }
        }
        if (!netif.hasFlag(Netif.FLAG_ETHERNET) || cfg.dupDetectAttempts() == 0) {
            netif.ip6().setState(addr, Ip6Addresses.State.PREFERRED);
            return;
        }
        Dad d = new Dad(netif, addr);
        dads.add(d);
        long max = cfg.dadMaxDelay().toNanos();
        d.timer.schedule(max == 0 ? 0 : (long) (ctx.random().nextDouble() * max));
    }

    private void step(Dad d) {
        Ip6Addresses.Entry e = d.netif.ip6().find(d.address);
        if (e == null || e.state() != Ip6Addresses.State.TENTATIVE || !d.netif.isUsable()) {
            cancel(d);
            return;
        }
        if (d.sent < cfg.dupDetectAttempts()) {
            d.sent++;
            // RFC 4862 §5.4.2: from ::, to the solicited-node group, without SLLAO.
            sendNs(d.netif, 0, 0, new Ip6Address(Ip6Address.SOLICITED_NODE_HI, Ip6Address.solicitedNodeLo(d.address.lo()), 0),
                    d.address.hi(), d.address.lo(), -1, false);
            d.timer.schedule(cfg.retransTimer().toNanos());
            return;
        }
        cancel(d);
        d.netif.ip6().setState(d.address, Ip6Addresses.State.PREFERRED);
        if (Ipv6.log().isLoggable(Level.DEBUG)) {
            Ipv6.log().log(Level.DEBUG, "{0}: {1} is unique (DAD done)", d.netif.name(), d.address);
        }
    }

    private void duplicate(Netif netif, Ip6Addresses.Entry e) {
        conflicts++;
        Ip6Address a = e.address();
        for (Dad d : List.copyOf(dads)) {
            if (d.netif == netif && d.address.equals(a)) {
                cancel(d);
            }
        }
        long now = ctx.now();
        java.time.Duration valid = e.validUntil() < 0 ? null : java.time.Duration.ofNanos(Math.max(0, e.validUntil() - now));
        java.time.Duration preferred = e.preferredUntil() < 0 ? null
                : java.time.Duration.ofNanos(Math.max(0, e.preferredUntil() - now));
        netif.ip6().setState(a, Ip6Addresses.State.DUPLICATE);
        Ipv6.log().log(Level.WARNING, "{0}: {1} is used by another node (DAD failed)", netif.name(), a);
        if (a.isLinkLocal() && cfg.linkLocal() && cfg.stableIids() && e.dadCounter() < IDGEN_RETRIES
                && netif.ip6().linkLocal() == e) {
            // RFC 7217 §6: a new identifier with the next DAD counter.
            int next = e.dadCounter() + 1;
            netif.ip6().remove(a);
            addLinkLocal(netif, next);
        } else if (e.origin() == Ip6Addresses.Origin.SLAAC && cfg.stableIids() && e.dadCounter() < IDGEN_RETRIES) {
            // RFC 7217 §6 for a SLAAC address too: the next DAD counter, the same lifetimes.
            netif.ip6().remove(a);
            rd.slaac().form(netif, a.hi(), e.dadCounter() + 1, valid, preferred);
        } else if (e.origin() == Ip6Addresses.Origin.TEMPORARY) {
            rd.slaac().temporaryDuplicate(netif, e, valid, preferred);
        }
    }

    private void cancel(Dad d) {
        d.timer.cancel();
        dads.remove(d);
    }

    /** Drops every neighbour and stops every DAD: the stack is closing. */
    void clear() {
        rd.clear();
        cache.clear();
        for (Dad d : List.copyOf(dads)) {
            cancel(d);
        }
    }
}
