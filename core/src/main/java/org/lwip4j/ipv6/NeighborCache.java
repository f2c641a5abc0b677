package org.lwip4j.ipv6;

import java.util.ArrayList;
import java.util.List;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PoolStats;
import org.lwip4j.netif.EthernetLink;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.Timers;
import org.lwip4j.wire.EthernetFrame;

/**
 * The neighbour cache of a stack (RFC 4861 §5.1, §7.2, §7.3; lwIP's {@code neighbor_cache}
 * in {@code nd6.c}): entries per netif and address with the reachability state machine of
 * RFC 4861 Appendix C, each entry on its own {@link org.lwip4j.stack.Timer}.
 *
 * <ul>
 *   <li>Sending to an unknown neighbour makes an INCOMPLETE entry and sends a multicast NS to
 *       its solicited-node address, repeated every RetransTimer; after
 *       MAX_MULTICAST_SOLICIT unanswered NS the entry and its queued packets are dropped
 *       (RFC 4861 §7.2.2).</li>
 *   <li>A solicited NA makes an entry REACHABLE for ReachableTime (randomized between 0.5 and
 *       1.5 times BaseReachableTime, §6.3.2), after which it is STALE; sending to a STALE
 *       entry moves it to DELAY, which after DELAY_FIRST_PROBE_TIME becomes PROBE: unicast NS
 *       every RetransTimer, and after MAX_UNICAST_SOLICIT the entry goes (§7.3.3).</li>
 *   <li>NS, RS and redirects with a source link-layer address option, and unsolicited NA,
 *       update entries as §7.2.3 and §7.2.5 say.</li>
 * </ul>
 *
 * <p>Bounded: at most {@code LWIP_ND6_NUM_NEIGHBORS} entries (a full cache evicts the entry
 * used longest ago, STALE ones first, so a flood of NS cannot grow it), at most
 * {@code LWIP_ND6_QUEUEING} packets per entry (the oldest goes to make room for the newest,
 * as RFC 4861 §7.2.2 asks) and {@code MEMP_NUM_ND6_QUEUE} for all entries (pool
 * {@code ND6_QUEUE}). Queued packets are copies, so the caller may reuse its pbuf. Used on
 * the stack's loop only.
 */
public final class NeighborCache {
    /** Sends the NS of address resolution and unreachability detection. */
    interface Solicitor {
        /** Sends an NS for {@code hi:lo} on {@code netif}: to {@code mac} when it is not -1 (a unicast probe), else to the solicited-node group. */
        void solicit(Netif netif, long hi, long lo, long mac);
    }

    private final StackContext ctx;
    private final StackConfig.Ip6Options cfg;
    private final EthernetLink ethernet;
    private final ProtoStats stats;
    private final PoolStats queuePool;
    private final Solicitor solicitor;
    private final List<Neighbor> entries = new ArrayList<>();
    private long reachableNanos;
    private Neighbor last;
    private RouterDiscovery links;
    private java.util.function.BiConsumer<Netif, Pbuf> unreachable;
    private java.util.function.Consumer<Neighbor> lost;

    NeighborCache(StackContext ctx, EthernetLink ethernet, Solicitor solicitor) {
        this.ctx = ctx;
        this.cfg = ctx.config().ip6();
        this.ethernet = ethernet;
        this.stats = ctx.stats().nd6;
        this.solicitor = solicitor;
        this.queuePool = new PoolStats("ND6_QUEUE", cfg.memNumQueue());
        ctx.stats().addPool(queuePool);
        rerandomize();
    }

    Timers timers() {
        return ctx.timers();
    }

    /** Tells the senders of packets dropped when resolution fails (RFC 4861 §7.2.2: ICMPv6 address unreachable). */
    void setUnreachable(java.util.function.BiConsumer<Netif, Pbuf> unreachable) {
        this.unreachable = unreachable;
    }

    /** Hears of neighbours found unreachable (resolution or probes failed), so what routes through them is re-decided (RFC 4861 §7.3.3). */
    void setLost(java.util.function.Consumer<Neighbor> lost) {
        this.lost = lost;
    }

    /** Takes RetransTimer and ReachableTime per netif from router discovery (RFC 4861 §6.3.4). */
    void setLinks(RouterDiscovery links) {
        this.links = links;
    }

    private long retrans(Netif netif) {
        return links == null ? cfg.retransTimer().toNanos() : links.retransNanos(netif);
    }

    private long reachable(Netif netif) {
        return links == null ? reachableNanos : links.reachableNanos(netif);
    }

    /** Marks the neighbour {@code hi:lo} a router (an RA or a redirect named it, RFC 4861 §6.3.4, §8.3). */
    void markRouter(Netif netif, long hi, long lo) {
        Neighbor e = find(netif, hi, lo);
        if (e != null) {
            e.router = true;
        }
    }

    /** Draws ReachableTime anew from BaseReachableTime (RFC 4861 §6.3.2: uniformly in 0.5..1.5 times). */
    void rerandomize() {
        long base = cfg.reachableTime().toNanos();
        reachableNanos = base / 2 + (long) (ctx.random().nextDouble() * base);
    }

    /** The ReachableTime in force, in nanoseconds. */
    public long reachableTimeNanos() {
        return reachableNanos;
    }

    /** The entry of {@code hi:lo} on {@code netif}, or {@code null}. */
    public Neighbor find(Netif netif, long hi, long lo) {
        Neighbor l = last;
        if (l != null && l.lo == lo && l.hi == hi && l.netif == netif) {
            return l;
        }
        for (int i = 0, n = entries.size(); i < n; i++) {
            Neighbor e = entries.get(i);
            if (e.lo == lo && e.hi == hi && e.netif == netif) {
                last = e;
                return e;
            }
        }
        return null;
    }

    /** The entry of {@code addr} on {@code netif}, or {@code null}. */
    public Neighbor find(Netif netif, Ip6Address addr) {
        return find(netif, addr.hi(), addr.lo());
    }

    /** Every entry (a copy). */
    public List<Neighbor> all() {
        return List.copyOf(entries);
    }

    /** Number of entries. */
    public int size() {
        return entries.size();
    }

    /** The pool of queued packets ({@code ND6_QUEUE}). */
    public PoolStats queuePool() {
        return queuePool;
    }

    // ---------------------------------------------------------------- sending

    /**
     * Sends an IPv6 packet to the unicast neighbour {@code hi:lo} on {@code netif}, resolving
     * it first when needed (RFC 4861 §7.2.2, §7.3.3). Does not take the caller's reference.
     */
    Err output(Netif netif, Pbuf packet, long hi, long lo) {
        Neighbor e = find(netif, hi, lo);
        if (e == null) {
            e = create(netif, hi, lo);
            Err q = enqueue(e, packet);
            e.probes = 1;
            solicitor.solicit(netif, hi, lo, -1);
            e.timer.schedule(retrans(e.netif));
            return q;
        }
        e.lastUsed = ctx.now();
        switch (e.state) {
            case INCOMPLETE -> {
                return enqueue(e, packet);
            }
            case STALE -> {
                e.state = NeighborState.DELAY;
                e.timer.schedule(cfg.delayFirstProbe().toNanos());
            }
            default -> {
            }
        }
        stats.cachehit++;
        return ethernet.send(netif, packet, e.mac, EthernetFrame.TYPE_IPV6);
    }

    private Err enqueue(Neighbor e, Pbuf packet) {
        if (cfg.queueing() == 0) {
            stats.memerr++;
            stats.drop++;
            return Err.MEM;
        }
        if (e.queue.size() >= cfg.queueing() || !queuePool.fits(1)) {
            if (e.queue.isEmpty()) {
                queuePool.err++;
                stats.memerr++;
                stats.drop++;
                return Err.MEM;
            }
            // RFC 4861 §7.2.2: the newest packet is kept, the oldest goes.
            e.queue.pollFirst().free();
            queuePool.give(1);
            stats.drop++;
        }
        queuePool.take(1);
        Pbuf copy = ctx.pbufs().allocPool(Layer.LINK, packet.totalLength());
        if (copy == null) {
            queuePool.give(1);
            stats.memerr++;
            stats.drop++;
            return Err.MEM;
        }
        copy.copyFrom(0, packet, 0, packet.totalLength());
        e.queue.addLast(copy);
        return Err.OK;
    }

    private void sendQueue(Neighbor e) {
        Pbuf p;
        while ((p = e.queue.pollFirst()) != null) {
            queuePool.give(1);
            ethernet.send(e.netif, p, e.mac, EthernetFrame.TYPE_IPV6);
            p.free();
        }
    }

    private Neighbor create(Netif netif, long hi, long lo) {
        if (entries.size() >= cfg.numNeighbors()) {
            evict();
        }
        Neighbor e = new Neighbor(netif, hi, lo, this);
        e.lastUsed = ctx.now();
        entries.add(e);
        last = e;
        return e;
    }

    /** Drops the entry used longest ago, preferring entries that queue nothing and are not INCOMPLETE. */
    private void evict() {
        Neighbor victim = null;
        for (Neighbor e : entries) {
            if (victim == null || rank(e) < rank(victim)
                    || (rank(e) == rank(victim) && e.lastUsed - victim.lastUsed < 0)) {
                victim = e;
            }
        }
        if (victim != null) {
            remove(victim);
        }
    }

    private static int rank(Neighbor e) {
        return e.state == NeighborState.STALE ? 0 : e.state == NeighborState.INCOMPLETE ? 2 : 1;
    }

    // ---------------------------------------------------------------- receiving

    /**
     * A source link-layer address learned from an NS (or RS, redirect) from {@code hi:lo}
     * (RFC 4861 §7.2.3): an entry made STALE when there was none, or whose address changed;
     * an INCOMPLETE entry resolved (STALE) and its queue sent.
     */
    void learned(Netif netif, long hi, long lo, long mac) {
        Neighbor e = find(netif, hi, lo);
        if (e == null) {
            e = create(netif, hi, lo);
            e.mac = mac;
            e.state = NeighborState.STALE;
            return;
        }
        if (e.state == NeighborState.INCOMPLETE) {
            e.mac = mac;
            enter(e, NeighborState.STALE);
            sendQueue(e);
        } else if (e.mac != mac) {
            e.mac = mac;
            enter(e, NeighborState.STALE);
        }
    }

    /**
     * A neighbour advertisement for {@code hi:lo} (RFC 4861 §7.2.5); {@code mac} is its
     * target link-layer address option or -1.
     */
    void advertised(Netif netif, long hi, long lo, long mac, boolean solicited, boolean override, boolean router) {
        Neighbor e = find(netif, hi, lo);
        if (e == null) {
            // "There is no need to create an entry if none exists."
            return;
        }
        if (e.state == NeighborState.INCOMPLETE) {
            if (mac < 0) {
                return;
            }
            e.mac = mac;
            e.router = router;
            enter(e, solicited ? NeighborState.REACHABLE : NeighborState.STALE);
            sendQueue(e);
            return;
        }
        boolean differs = mac >= 0 && mac != e.mac;
        if (!override && differs) {
            if (e.state == NeighborState.REACHABLE) {
                enter(e, NeighborState.STALE);
            }
            return;
        }
        if (mac >= 0) {
            e.mac = mac;
        }
        e.router = router;
        if (solicited) {
            enter(e, NeighborState.REACHABLE);
        } else if (differs) {
            enter(e, NeighborState.STALE);
        }
    }

    /** Upper-layer reachability confirmation (RFC 4861 §7.3.1), e.g. TCP acknowledging new data. */
    public void confirm(Netif netif, Ip6Address addr) {
        Neighbor e = find(netif, addr.hi(), addr.lo());
        if (e == null || e.state == NeighborState.INCOMPLETE) {
            return;
        }
        long full = reachable(netif);
        if (e.state == NeighborState.REACHABLE && e.timer.dueAt() - ctx.now() > full / 2) {
            return; // confirmed recently: no timer work per acknowledgement
        }
        enter(e, NeighborState.REACHABLE);
    }

    /**
     * Negative advice from an upper layer (TCP retransmitting without progress, RFC 9293
     * MUST-20): a resolved entry goes straight to PROBE and is solicited by unicast now, so
     * NUD (RFC 4861 §7.3.3) settles within {@code MAX_UNICAST_SOLICIT} retransmission
     * intervals whether the neighbour is still there; if not, the entry goes and a router it
     * was is no longer preferred (§6.3.6). An entry already probing, or incomplete, is left to
     * its timer, so repeated advice sends nothing more.
     */
    public void suspect(Netif netif, Ip6Address addr) {
        Neighbor e = find(netif, addr.hi(), addr.lo());
        if (e == null || e.state == NeighborState.INCOMPLETE || e.state == NeighborState.PROBE) {
            return;
        }
        e.state = NeighborState.PROBE;
        e.probes = 1;
        solicitor.solicit(e.netif, e.hi, e.lo, e.mac);
        e.timer.schedule(retrans(e.netif));
    }

    private void enter(Neighbor e, NeighborState s) {
        e.state = s;
        e.probes = 0;
        switch (s) {
            case REACHABLE -> e.timer.schedule(reachable(e.netif));
            case STALE -> e.timer.cancel();
            default -> {
            }
        }
    }

    /** The timer of {@code e}'s state fired. */
    void expired(Neighbor e) {
        switch (e.state) {
            case INCOMPLETE -> {
                if (e.probes < cfg.maxMulticastSolicit()) {
                    e.probes++;
                    solicitor.solicit(e.netif, e.hi, e.lo, -1);
                    e.timer.schedule(retrans(e.netif));
                } else {
                    // RFC 4861 §7.2.2: resolution failed; the queued packets are dropped, and
                    // their senders hear Destination Unreachable code 3 (RFC 4443 §3.1).
                    stats.err++;
                    Pbuf[] queued = e.queue.toArray(new Pbuf[0]);
                    e.queue.clear();
                    queuePool.give(queued.length);
                    stats.drop += queued.length;
                    remove(e);
                    if (lost != null) {
                        lost.accept(e);
                    }
                    for (Pbuf q : queued) {
                        if (unreachable != null) {
                            unreachable.accept(e.netif, q);
                        }
                        q.free();
                    }
                }
            }
            case REACHABLE -> e.state = NeighborState.STALE;
            case DELAY -> {
                e.state = NeighborState.PROBE;
                e.probes = 1;
                solicitor.solicit(e.netif, e.hi, e.lo, e.mac);
                e.timer.schedule(retrans(e.netif));
            }
            case PROBE -> {
                if (e.probes < cfg.maxUnicastSolicit()) {
                    e.probes++;
                    solicitor.solicit(e.netif, e.hi, e.lo, e.mac);
                    e.timer.schedule(retrans(e.netif));
                } else {
                    remove(e);
                    if (lost != null) {
                        lost.accept(e);
                    }
                }
            }
            case STALE -> {
            }
        }
    }

    private void remove(Neighbor e) {
        e.timer.cancel();
        Pbuf p;
        while ((p = e.queue.pollFirst()) != null) {
            queuePool.give(1);
            stats.drop++;
            p.free();
        }
        entries.remove(e);
        if (last == e) {
            last = null;
        }
    }

    /** Drops every entry of {@code netif} (it went down or was removed). */
    void flush(Netif netif) {
        for (Neighbor e : List.copyOf(entries)) {
            if (e.netif == netif) {
                remove(e);
            }
        }
    }

    /** Drops every entry: the stack is closing. */
    void clear() {
        for (Neighbor e : List.copyOf(entries)) {
            remove(e);
        }
    }
}
