package org.lwip4j.ipv6;

import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.Timer;
import org.lwip4j.wire.NdOption;
import org.lwip4j.wire.NdPacket;
import org.lwip4j.wire.Ipv6Packet;

/**
 * The host side of router discovery (RFC 4861 §6.3) and redirects (§8.3) for a stack:
 *
 * <ul>
 *   <li><b>Router solicitation</b> (§6.3.7): when a netif with Ethernet framing is usable
 *       and its link-local address valid (DAD done: as Linux does, so the RS carries a source
 *       link-layer address option and routers may answer by unicast; a netif without a
 *       link-local address solicits nothing), after a random delay of up to
 *       MAX_RTR_SOLICITATION_DELAY, up to
 *       MAX_RTR_SOLICITATIONS ({@code maxRtrSolicitations}, 3) RS to all-routers, {@link #RTR_SOLICITATION_INTERVAL_NANOS}
 *       apart, until an RA arrives; from the link-local address with a source link-layer
 *       address option once it is valid, else from the unspecified address without one.</li>
 *   <li><b>Router advertisements</b> (§6.1.2 validity: link-local source, hop limit 255 as
 *       for every ND message, §6.3.4 processing): the router lifetime feeds the
 *       {@link DefaultRouterList}; non-zero Cur Hop Limit, Reachable Time and Retrans Timer
 *       become the netif's parameters (a new Reachable Time re-randomizes ReachableTime,
 *       §6.3.2); an MTU option from 1280 up to the netif's MTU becomes the link MTU (§6.3.4;
 *       larger ones are ignored); the source link-layer address option updates the neighbour
 *       cache and marks the router; prefix options with the L flag feed the
 *       {@link PrefixList}, with the A flag {@link Slaac} on netifs with autoconfiguration
 *       on. A stack that forwards IPv6 is a router: it sends no RS and ignores RAs (§6.2.8
 *       has routers only check them for consistency).</li>
 *   <li><b>Redirects</b> (§8.1 validity, §8.3): accepted only from a link-local source that is
 *       the first hop we use now for the redirect's destination, with a link-local target or
 *       the destination itself as target; the {@link DestinationCache} then sends the
 *       destination's packets to the target, and a target link-layer address option
 *       updates the neighbour cache (STALE).</li>
 * </ul>
 * Every list is bounded by its configuration; nothing here allocates per packet beyond an
 * entry made on first sight.
 */
public final class RouterDiscovery {
    /** RFC 4861 §10 RTR_SOLICITATION_INTERVAL: 4 seconds. */
    public static final long RTR_SOLICITATION_INTERVAL_NANOS = 4_000_000_000L;

    /** The per-netif parameters RAs set (RFC 4861 §6.3.2) and the RS state of a netif. */
    public final class Link {
        final Netif netif;
        int curHopLimit;
        long baseReachableNanos;
        long reachableNanos;
        long retransNanos;
        int mtu;
        int solicitations;
        final Timer rsTimer;

        Link(Netif netif) {
            this.netif = netif;
            this.curHopLimit = cfg.hopLimit();
            this.baseReachableNanos = cfg.reachableTime().toNanos();
            this.retransNanos = cfg.retransTimer().toNanos();
            this.rsTimer = ctx.timers().create(() -> solicitStep(this));
            this.reachableNanos = cache.reachableTimeNanos();
        }

        void rerandomize() {
            reachableNanos = baseReachableNanos / 2 + (long) (ctx.random().nextDouble() * baseReachableNanos);
        }

        /** CurHopLimit: the hop limit for packets we originate on this link. */
        public int curHopLimit() {
            return curHopLimit;
        }

        /** BaseReachableTime in nanoseconds. */
        public long baseReachableNanos() {
            return baseReachableNanos;
        }

        /** ReachableTime in nanoseconds (randomized from BaseReachableTime). */
        public long reachableNanos() {
            return reachableNanos;
        }

        /** RetransTimer in nanoseconds. */
        public long retransNanos() {
            return retransNanos;
        }

        /** The link MTU an RA gave (0: none; the netif's MTU applies). */
        public int mtu() {
            return mtu;
        }

        /** Router solicitations sent since the netif came up. */
        public int solicitations() {
            return solicitations;
        }
    }

    private final StackContext ctx;
    private final StackConfig.Ip6Options cfg;
    private final Ipv6 ip;
    private final NeighborCache cache;
    private final ProtoStats stats;
    private final DefaultRouterList routers;
    private final PrefixList prefixes;
    private final DestinationCache destinations;
    private final Slaac slaac;
    private final Map<Netif, Link> links = new IdentityHashMap<>();

    RouterDiscovery(StackContext ctx, Ipv6 ip, NeighborCache cache, byte[] secretKey, Runnable routesChanged) {
        this.ctx = ctx;
        this.cfg = ctx.config().ip6();
        this.ip = ip;
        this.cache = cache;
        this.stats = ctx.stats().nd6;
        this.routers = new DefaultRouterList(ctx, cache, routesChanged);
        this.prefixes = new PrefixList(ctx, routesChanged);
        this.destinations = new DestinationCache(ctx, routesChanged);
        this.slaac = new Slaac(ctx, secretKey, this);
    }

    /** The default router list. */
    public DefaultRouterList routers() {
        return routers;
    }

    /** The prefix list. */
    public PrefixList prefixes() {
        return prefixes;
    }

    /** The destination cache (redirects, path MTU). */
    public DestinationCache destinations() {
        return destinations;
    }

    Slaac slaac() {
        return slaac;
    }

    /** The parameters of {@code netif}'s link (made on first use). */
    public Link link(Netif netif) {
        Link l = links.get(netif);
        if (l == null) {
            l = new Link(netif);
            links.put(netif, l);
        }
        return l;
    }

    /** RetransTimer of {@code netif} in nanoseconds. */
    long retransNanos(Netif netif) {
        Link l = links.get(netif);
        return l == null ? cfg.retransTimer().toNanos() : l.retransNanos;
    }

    /** CurHopLimit of {@code netif}: an RA's non-zero Cur Hop Limit, else the configured hop limit (RFC 4861 §6.3.2, §6.3.4). */
    int curHopLimit(Netif netif) {
        Link l = links.get(netif);
        return l == null ? cfg.hopLimit() : l.curHopLimit;
    }

    /** ReachableTime of {@code netif} in nanoseconds. */
    long reachableNanos(Netif netif) {
        return link(netif).reachableNanos;
    }

    /** The link MTU of {@code out}: an RA's MTU option when it gave one, else the netif's. */
    int linkMtu(Netif out) {
        Link l = links.get(out);
        return l == null || l.mtu == 0 ? out.mtu() : Math.min(l.mtu, out.mtu());
    }

    // ---------------------------------------------------------------- solicitation

    /** {@code netif} became usable or its link-local address valid: start soliciting routers (RFC 4861 §6.3.7). */
    void up(Netif netif) {
        if (cfg.forward() || cfg.maxRtrSolicitations() == 0 || !netif.isUsable() || !netif.hasFlag(Netif.FLAG_ETHERNET)
                || netif.hasFlag(Netif.FLAG_LOOPBACK)) {
            return;
        }
        Ip6Addresses.Entry ll = netif.ip6().linkLocal();
        if (ll == null || !ll.state().isValid()) {
            return;
        }
        Link l = link(netif);
        if (l.rsTimer.isScheduled()) {
            return;
        }
        l.solicitations = 0;
        long max = cfg.dadMaxDelay().toNanos();
        l.rsTimer.schedule(max == 0 ? 0 : (long) (ctx.random().nextDouble() * max));
    }

    /** Solicits again (autoconfiguration was turned on): RS as when the netif came up. */
    void solicitAgain(Netif netif) {
        if (netif.isUsable()) {
            link(netif).rsTimer.cancel();
            up(netif);
        }
    }

    /** {@code netif} went down or was removed: forget what its routers told. */
    void down(Netif netif) {
        Link l = links.remove(netif);
        if (l != null) {
            l.rsTimer.cancel();
        }
        routers.flush(netif);
        prefixes.flush(netif);
        destinations.flush(netif);
    }

    private void solicitStep(Link l) {
        Netif netif = l.netif;
        if (!netif.isUsable() || l.solicitations >= cfg.maxRtrSolicitations()) {
            return;
        }
        l.solicitations++;
        sendRs(netif);
        if (l.solicitations < cfg.maxRtrSolicitations()) {
            l.rsTimer.schedule(RTR_SOLICITATION_INTERVAL_NANOS);
        }
    }

    private void sendRs(Netif netif) {
        Ip6Addresses.Entry ll = netif.ip6().linkLocal();
        boolean fromLinkLocal = ll != null && ll.state().isValid();
        int len = NdPacket.RS_LEN + (fromLinkLocal ? NdOption.LINK_LAYER_LEN : 0);
        Pbuf p = ctx.pbufs().allocPool(Layer.IP, len);
        if (p == null) {
            stats.memerr++;
            return;
        }
        MemorySegment s = p.segment();
        int off = p.offset();
        NdPacket.emitRouterSolicit(s, off);
        if (fromLinkLocal) {
            // §4.1: the option MUST NOT be included when the source is unspecified.
            NdOption.emitLinkLayer(s, off + NdPacket.RS_LEN, NdOption.SOURCE_LL_ADDR, netif.mac().bits());
        }
        long hi = fromLinkLocal ? ll.address().hi() : 0;
        long lo = fromLinkLocal ? ll.address().lo() : 0;
        if (ip.sendNd(p, netif, hi, lo, ALL_ROUTERS, -1) == Err.OK) {
            stats.xmit++;
        } else {
            stats.err++;
        }
        p.free();
    }

    /** {@code ff02::2}, all routers on the link. */
    static final Ip6Address ALL_ROUTERS = new Ip6Address(Ipv6.ALL_NODES_HI, 2, 0);

    // ---------------------------------------------------------------- advertisements

    /** A router advertisement ({@code p} at its ICMPv6 header, checked by {@link NdPacket#check}, hop limit 255). */
    void advertisement(Pbuf p, IpInfo info, Netif netif, int fixed) {
        Ip6Address src = (Ip6Address) info.src();
        if (!src.isLinkLocal()) {
            // §6.1.2: the source MUST be link-local.
            stats.proterr++;
            stats.drop++;
            return;
        }
        if (cfg.forward()) {
            stats.drop++;
            return;
        }
        MemorySegment s = p.segment();
        int off = p.offset();
        int len = p.totalLength();
        Link l = link(netif);
        l.rsTimer.cancel(); // §6.3.7: a valid RA ends soliciting.
        int hop = NdPacket.curHopLimit(s, off);
        if (hop != 0) {
            l.curHopLimit = hop;
        }
        long reach = NdPacket.reachableTime(s, off);
        if (reach != 0 && reach * 1_000_000L != l.baseReachableNanos && reach <= 3_600_000L) {
            // §6.3.4: a new BaseReachableTime re-randomizes ReachableTime (at most MAX_REACHABLE_TIME, §6.2.1).
            l.baseReachableNanos = reach * 1_000_000L;
            l.rerandomize();
        }
        long retrans = NdPacket.retransTimer(s, off);
        if (retrans != 0) {
            l.retransNanos = retrans * 1_000_000L;
        }
        routers.advertised(netif, src, NdPacket.routerLifetime(s, off));
        long end = off + len;
        for (long o = off + fixed; o < end; o = NdOption.next(s, o)) {
            if (!NdOption.valid(s, o)) {
                continue; // §4.6: ignore it, process the rest
            }
            switch (NdOption.type(s, o)) {
                case NdOption.SOURCE_LL_ADDR -> {
                    cache.learned(netif, src.hi(), src.lo(), NdOption.linkLayerAddress(s, o));
                    cache.markRouter(netif, src.hi(), src.lo());
                }
                case NdOption.MTU -> {
                    long mtu = NdOption.mtu(s, o);
                    if (mtu >= Ipv6Packet.MIN_MTU && mtu <= netif.mtu() && mtu != l.mtu) {
                        l.mtu = (int) mtu;
                        ip.routesChanged();
                    }
                }
                case NdOption.PREFIX_INFO -> prefix(netif, s, o);
                default -> {
                }
            }
        }
    }

    private void prefix(Netif netif, MemorySegment s, long o) {
        int length = NdOption.prefixLength(s, o);
        int flags = NdOption.prefixFlags(s, o);
        long hi = NdOption.prefixHi(s, o);
        long lo = NdOption.prefixLo(s, o);
        long valid = NdOption.validLifetime(s, o);
        long preferred = NdOption.preferredLifetime(s, o);
        if (length > 128 || Ipv6.isLinkLocal(hi)) {
            return; // §6.3.4: the link-local prefix is silently ignored
        }
        if ((flags & NdOption.PREFIX_ON_LINK) != 0) {
            prefixes.advertised(netif, hi, lo, length, valid);
        }
        if ((flags & NdOption.PREFIX_AUTONOMOUS) != 0 && netif.ip6().autoconfig()) {
            slaac.prefix(netif, hi, lo, length, valid, preferred);
        }
    }

    // ---------------------------------------------------------------- redirects

    /** A redirect ({@code p} at its ICMPv6 header, checked, hop limit 255): RFC 4861 §8.1, §8.3. */
    void redirect(Pbuf p, IpInfo info, Netif netif, int fixed) {
        Ip6Address src = (Ip6Address) info.src();
        MemorySegment s = p.segment();
        int off = p.offset();
        Ip6Address target = new Ip6Address(NdPacket.targetHi(s, off), NdPacket.targetLo(s, off), netif.index());
        Ip6Address dst = new Ip6Address(NdPacket.destinationHi(s, off), NdPacket.destinationLo(s, off), 0);
        boolean toDestination = target.hi() == dst.hi() && target.lo() == dst.lo();
        if (!src.isLinkLocal() || (!target.isLinkLocal() && !toDestination) || cfg.forward()) {
            stats.proterr++;
            stats.drop++;
            return;
        }
        // §8.1: only the current first-hop router for the destination may redirect us.
        Netif out = ip.route(dst.isLinkLocal() ? dst.withZone(netif.index()) : dst, null);
        Ip6Address hop = out == netif ? ip.nextHop(out, dst) : null;
        if (hop == null || hop.hi() != src.hi() || hop.lo() != src.lo()) {
            stats.proterr++;
            stats.drop++;
            return;
        }
        destinations.redirected(dst, netif, target);
        long tll = NdOption.find(s, off + fixed, p.totalLength() - fixed, NdOption.TARGET_LL_ADDR);
        if (tll >= 0 && NdOption.valid(s, tll)) {
            cache.learned(netif, target.hi(), target.lo(), NdOption.linkLayerAddress(s, tll));
        }
        if (!toDestination) {
            cache.markRouter(netif, target.hi(), target.lo());
        }
    }

    /** Stops every timer and forgets every list: the stack is closing. */
    void clear() {
        for (Link l : links.values()) {
            l.rsTimer.cancel();
        }
        links.clear();
        routers.clear();
        prefixes.clear();
        destinations.clear();
        slaac.flush(null);
    }
}
