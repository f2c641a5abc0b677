package org.lwip4j.ipv6;

import java.util.ArrayDeque;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Timer;

/**
 * One neighbour cache entry (RFC 4861 §5.1): a neighbour's IPv6 address on a netif, its
 * link-layer address once known, its reachability state with the timer of that state, the
 * IsRouter flag, and the packets that wait for resolution. Owned by the
 * {@link NeighborCache}; read-only outside it.
 */
public final class Neighbor {
    final Netif netif;
    final long hi;
    final long lo;
    long mac = -1;
    NeighborState state = NeighborState.INCOMPLETE;
    boolean router;
    int probes;
    long lastUsed;
    final Timer timer;
    final ArrayDeque<Pbuf> queue = new ArrayDeque<>(2);

    Neighbor(Netif netif, long hi, long lo, NeighborCache cache) {
        this.netif = netif;
        this.hi = hi;
        this.lo = lo;
        this.timer = cache.timers().create(() -> cache.expired(this));
    }

    /** The netif the neighbour is on. */
    public Netif netif() {
        return netif;
    }

    /** The neighbour's IPv6 address. */
    public Ip6Address address() {
        return new Ip6Address(hi, lo, (hi >>> 54) == (0xfe80L >>> 6) ? netif.index() : 0);
    }

    /** Its 48-bit link-layer address, or -1 while INCOMPLETE. */
    public long mac() {
        return mac;
    }

    /** Its reachability state. */
    public NeighborState state() {
        return state;
    }

    /** The IsRouter flag (RFC 4861 §7.2.5). */
    public boolean isRouter() {
        return router;
    }

    /** Probes (NS) sent in the current INCOMPLETE or PROBE state. */
    public int probes() {
        return probes;
    }

    /** Packets waiting for resolution. */
    public int queued() {
        return queue.size();
    }

    /** When the state's timer fires next (clock nanoseconds), or -1 when no timer runs (REACHABLE runs one, STALE none). */
    public long timerDue() {
        return timer.isScheduled() ? timer.dueAt() : -1;
    }

    @Override
    public String toString() {
        return address() + " " + state + (mac < 0 ? "" : " " + Long.toHexString(mac));
    }
}
