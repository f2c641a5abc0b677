package org.lwip4j.ipv6;

import java.util.ArrayList;
import java.util.List;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.Timer;

/**
 * The default router list (RFC 4861 §5.1, §6.3.4; lwIP's {@code default_router_list}): the
 * routers that advertised a non-zero router lifetime, per netif, each removed when its
 * lifetime ends (an RA with lifetime zero removes it at once). Bounded by
 * {@code LWIP_ND6_NUM_ROUTERS}: when full, a new router is ignored (counted as a memory
 * error) so a flood of RAs from forged sources cannot grow it nor push out the routers in
 * use. Selection follows §6.3.6: a router whose neighbour entry is not INCOMPLETE (reachable,
 * or probably so) before one that is unknown or being resolved; among equals, the one heard
 * from first. Every change tells {@code changed} (the IP layer's route generation).
 */
public final class DefaultRouterList {
    /** One default router. */
    public final class Router {
        final Netif netif;
        final Ip6Address address;
        final Timer expiry;

        Router(Netif netif, Ip6Address address) {
            this.netif = netif;
            this.address = address;
            this.expiry = ctx.timers().create(() -> remove(this));
        }

        /** The netif it is on. */
        public Netif netif() {
            return netif;
        }

        /** Its link-local address (zone: the netif's index). */
        public Ip6Address address() {
            return address;
        }

        /** When its lifetime ends, on the stack's clock. */
        public long expiresAt() {
            return expiry.dueAt();
        }

        @Override
        public String toString() {
            return address + " on " + netif.name();
        }
    }

    private final StackContext ctx;
    private final int max;
    private final ProtoStats stats;
    private final NeighborCache neighbors;
    private final Runnable changed;
    private final List<Router> routers = new ArrayList<>();

    DefaultRouterList(StackContext ctx, NeighborCache neighbors, Runnable changed) {
        this.ctx = ctx;
        this.max = ctx.config().ip6().numRouters();
        this.stats = ctx.stats().nd6;
        this.neighbors = neighbors;
        this.changed = changed;
    }

    /** The router {@code addr} on {@code netif}, or {@code null}. */
    public Router find(Netif netif, Ip6Address addr) {
        for (Router r : routers) {
            if (r.netif == netif && r.address.hi() == addr.hi() && r.address.lo() == addr.lo()) {
                return r;
            }
        }
        return null;
    }

    /**
     * An RA from {@code addr} on {@code netif} with router lifetime {@code seconds} (RFC 4861
     * §6.3.4): adds it, refreshes its lifetime, or (zero) removes it.
     */
    void advertised(Netif netif, Ip6Address addr, int seconds) {
        Router r = find(netif, addr);
        if (seconds == 0) {
            if (r != null) {
                remove(r);
            }
            return;
        }
        if (r == null) {
            if (routers.size() >= max) {
                stats.memerr++;
                return;
            }
            r = new Router(netif, addr.withZone(netif.index()));
            routers.add(r);
            changed.run();
        }
        r.expiry.schedule(seconds * 1_000_000_000L);
    }

    /** Removes router {@code addr} of {@code netif} (an NA without the router flag, RFC 4861 §7.2.5). */
    void remove(Netif netif, Ip6Address addr) {
        Router r = find(netif, addr);
        if (r != null) {
            remove(r);
        }
    }

    private void remove(Router r) {
        r.expiry.cancel();
        if (routers.remove(r)) {
            changed.run();
        }
    }

    /** Drops the routers of {@code netif} (it went down or was removed). */
    void flush(Netif netif) {
        for (Router r : List.copyOf(routers)) {
            if (r.netif == netif) {
                remove(r);
            }
        }
    }

    /** True when {@code netif} has a default router. */
    public boolean has(Netif netif) {
        for (int i = 0, n = routers.size(); i < n; i++) {
            if (routers.get(i).netif == netif) {
                return true;
            }
        }
        return false;
    }

    /** The default router to use on {@code netif} (RFC 4861 §6.3.6), or {@code null} when it has none. */
    public Ip6Address select(Netif netif) {
        Router first = null;
        for (int i = 0, n = routers.size(); i < n; i++) {
            Router r = routers.get(i);
            if (r.netif != netif) {
                continue;
            }
            Neighbor e = neighbors.find(netif, r.address);
            if (e != null && e.state() != NeighborState.INCOMPLETE) {
                return r.address;
            }
            if (first == null) {
                first = r;
            }
        }
        return first == null ? null : first.address;
    }

    /** Every router (a copy). */
    public List<Router> all() {
        return List.copyOf(routers);
    }

    /** Drops every router: the stack is closing. */
    void clear() {
        for (Router r : routers) {
            r.expiry.cancel();
        }
        routers.clear();
    }
}
