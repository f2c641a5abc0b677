package org.lwip4j.ip;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.lwip4j.netif.Netif;

/**
 * The static routes of one IP family, looked up by longest prefix (RFC 1812 §5.2.4.3 for
 * IPv4, RFC 4191 / RFC 8200 practice for IPv6). The family asks it after its netifs'
 * connected subnets; routes through a netif that is not up and link-up are skipped. Every
 * change makes the stack's routes stale.
 */
public final class RouteTable {
    private final Ip ip;
    private final int version;
    private final List<StaticRoute> routes = new ArrayList<>();

    /** An empty table of IPv{@code version} routes; changes go to {@code ip}'s generation. */
    public RouteTable(Ip ip, int version) {
        this.ip = ip;
        this.version = version;
    }

    /** Adds a route; on the loop. */
    public void add(StaticRoute r) {
        Objects.requireNonNull(r, "route");
        if (r.prefix().version() != version) {
            throw new IllegalArgumentException(r.prefix() + " is not an IPv" + version + " prefix");
        }
        routes.add(r);
        ip.routesChanged();
    }

    /** Removes a route; true when it was there. On the loop. */
    public boolean remove(StaticRoute r) {
        boolean removed = routes.remove(r);
        if (removed) {
            ip.routesChanged();
        }
        return removed;
    }

    /** Removes every route through {@code netif} (it was removed from the stack). */
    public void removeAll(Netif netif) {
        if (routes.removeIf(r -> r.netif() == netif)) {
            ip.routesChanged();
        }
    }

    /** The routes (a copy). */
    public List<StaticRoute> all() {
        return List.copyOf(routes);
    }

    /**
     * The usable route with the longest prefix holding the IPv4 address {@code dst} that is
     * longer than {@code minLength}, or {@code null}; with {@code netif} given, only routes
     * through it.
     */
    public StaticRoute lookup4(int dst, int minLength, Netif netif) {
        return lookup(dst, 0, 0, minLength, netif);
    }

    /** As {@link #lookup4} for the IPv6 address {@code hi:lo}. */
    public StaticRoute lookup6(long hi, long lo, int minLength, Netif netif) {
        return lookup(0, hi, lo, minLength, netif);
    }

    private StaticRoute lookup(int dst4, long hi, long lo, int minLength, Netif netif) {
        StaticRoute best = null;
        int bestLen = minLength;
        for (int i = 0, n = routes.size(); i < n; i++) {
            StaticRoute r = routes.get(i);
            int len = r.prefix().length();
            if (len > bestLen && (version == 4 ? r.prefix().contains4(dst4) : r.prefix().contains6(hi, lo))
                    && (netif == null ? r.netif().isUsable() : r.netif() == netif)) {
                best = r;
                bestLen = len;
            }
        }
        return best;
    }
}
