package org.lwip4j.ipv6;

import java.util.ArrayList;
import java.util.List;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.Timer;

/**
 * The destination cache (RFC 4861 §5.1; lwIP's {@code destination_cache}), holding what is
 * known per destination beyond the routing table: the first hop a redirect named (RFC 4861
 * §8.3) and the path MTU learned from Packet Too Big messages (RFC 8201 §4-§5). Only
 * destinations with such knowledge have an entry. A path MTU estimate is never below the
 * IPv6 minimum of 1280 (§4), only lowered by a Packet Too Big, and forgotten after
 * {@link #PMTU_AGE_NANOS} (10 minutes, §4's recommendation) so a larger path MTU can be
 * found again. Bounded by {@code LWIP_ND6_NUM_DESTINATIONS}: a full cache drops the entry
 * used longest ago, so forged redirects or Packet Too Big messages cannot grow it. Every
 * change tells {@code changed} (the IP layer's route generation, so transports re-read
 * their route's MTU and next hop).
 */
public final class DestinationCache {
    /** How long a lowered path MTU estimate lasts (RFC 8201 §4: at least 5 minutes, 10 recommended). */
    public static final long PMTU_AGE_NANOS = 600_000_000_000L;

    /** One destination. */
    public final class Destination {
        final long hi;
        final long lo;
        Netif netif;
        Ip6Address redirect;
        int pmtu;
        long lastUsed;
        final Timer pmtuTimer;

        Destination(long hi, long lo) {
            this.hi = hi;
            this.lo = lo;
            this.pmtuTimer = ctx.timers().create(() -> pmtuExpired(this));
        }

        /** The destination. */
        public Ip6Address address() {
            return new Ip6Address(hi, lo, 0);
        }

        /** The first hop a redirect named, or {@code null}. */
        public Ip6Address redirect() {
            return redirect;
        }

        /** The netif of the redirect, or {@code null}. */
        public Netif netif() {
            return netif;
        }

        /** The path MTU estimate, or 0 when none was learned. */
        public int pmtu() {
            return pmtu;
        }
    }

    private final StackContext ctx;
    private final int max;
    private final Runnable changed;
    private final List<Destination> entries = new ArrayList<>();
    private int withPmtu;

    DestinationCache(StackContext ctx, Runnable changed) {
        this.ctx = ctx;
        this.max = ctx.config().ip6().numDestinations();
        this.changed = changed;
    }

    /** The entry of {@code hi:lo}, or {@code null}. */
    public Destination find(long hi, long lo) {
        for (int i = 0, n = entries.size(); i < n; i++) {
            Destination d = entries.get(i);
            if (d.lo == lo && d.hi == hi) {
                return d;
            }
        }
        return null;
    }

    private Destination findOrCreate(long hi, long lo) {
        Destination d = find(hi, lo);
        if (d == null) {
            if (entries.size() >= max) {
                Destination old = entries.get(0);
                for (Destination e : entries) {
                    if (e.lastUsed - old.lastUsed < 0) {
                        old = e;
                    }
                }
                remove(old);
            }
            d = new Destination(hi, lo);
            entries.add(d);
        }
        d.lastUsed = ctx.now();
        return d;
    }

    private void remove(Destination d) {
        d.pmtuTimer.cancel();
        if (d.pmtu > 0) {
            withPmtu--;
        }
        entries.remove(d);
    }

    /** A redirect (RFC 4861 §8.3): packets for {@code dst} go to {@code target} on {@code netif}. */
    void redirected(Ip6Address dst, Netif netif, Ip6Address target) {
        Destination d = findOrCreate(dst.hi(), dst.lo());
        d.netif = netif;
        d.redirect = target.withZone(target.isLinkLocal() ? netif.index() : 0);
        changed.run();
    }

    /** The redirected first hop for {@code hi:lo} out of {@code out}, or {@code null}. */
    Ip6Address redirect(Netif out, long hi, long lo) {
        Destination d = find(hi, lo);
        if (d == null || d.redirect == null || d.netif != out) {
            return null;
        }
        d.lastUsed = ctx.now();
        return d.redirect;
    }

    /**
     * A Packet Too Big for {@code hi:lo} reported {@code mtu} (RFC 8201 §4): the estimate is
     * lowered (never below 1280, never raised by a Packet Too Big); returns the estimate now.
     */
    int tooBig(long hi, long lo, long mtu, int linkMtu) {
        int m = (int) Math.max(org.lwip4j.wire.Ipv6Packet.MIN_MTU, Math.min(mtu, linkMtu));
        Destination d = find(hi, lo);
        int now = d == null || d.pmtu == 0 ? linkMtu : d.pmtu;
        if (m >= now) {
            return now;
        }
        d = findOrCreate(hi, lo);
        if (d.pmtu == 0) {
            withPmtu++;
        }
        d.pmtu = m;
        d.pmtuTimer.schedule(PMTU_AGE_NANOS);
        changed.run();
        return m;
    }

    /** The path MTU estimate for {@code hi:lo}, or {@code linkMtu} when none is lower. */
    int pathMtu(long hi, long lo, int linkMtu) {
        if (withPmtu == 0) {
            return linkMtu;
        }
        Destination d = find(hi, lo);
        return d == null || d.pmtu == 0 ? linkMtu : Math.min(d.pmtu, linkMtu);
    }

    private void pmtuExpired(Destination d) {
        if (d.pmtu > 0) {
            withPmtu--;
            d.pmtu = 0;
        }
        if (d.redirect == null) {
            entries.remove(d);
        }
        changed.run();
    }

    /**
     * Neighbour {@code hi:lo} on {@code netif} is unreachable (RFC 4861 §7.3.3): redirects to
     * it are dropped, so next-hop determination runs again for their destinations.
     */
    void unreachable(Netif netif, long hi, long lo) {
        boolean any = false;
        for (Destination d : List.copyOf(entries)) {
            if (d.netif == netif && d.redirect != null && d.redirect.hi() == hi && d.redirect.lo() == lo) {
                d.redirect = null;
                d.netif = null;
                if (d.pmtu == 0) {
                    remove(d);
                }
                any = true;
            }
        }
        if (any) {
            changed.run();
        }
    }

    /** Drops what was learned through {@code netif} (it went down or was removed): its redirects. */
    void flush(Netif netif) {
        boolean any = false;
        for (Destination d : List.copyOf(entries)) {
            if (d.netif == netif) {
                d.redirect = null;
                d.netif = null;
                if (d.pmtu == 0) {
                    remove(d);
                }
                any = true;
            }
        }
        if (any) {
            changed.run();
        }
    }

    /** Number of entries. */
    public int size() {
        return entries.size();
    }

    /** Every entry (a copy). */
    public List<Destination> all() {
        return List.copyOf(entries);
    }

    /** Drops every entry: the stack is closing. */
    void clear() {
        for (Destination d : entries) {
            d.pmtuTimer.cancel();
        }
        entries.clear();
        withPmtu = 0;
    }
}
