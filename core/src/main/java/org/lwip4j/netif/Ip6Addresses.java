package org.lwip4j.netif;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.Timer;

/**
 * The IPv6 addresses of one netif (lwIP's {@code netif->ip6_addr[]} with
 * {@code ip6_addr_state[]} and the lifetimes of {@code LWIP_IPV6_ADDRESS_LIFETIMES}), at most
 * {@code LWIP_IPV6_NUM_ADDRESSES}, each with its prefix length, its state (RFC 4862 §2:
 * tentative, preferred, deprecated; duplicate when DAD failed) and its valid and preferred
 * lifetimes, run on the stack's timers: when the preferred lifetime ends the address becomes
 * deprecated, when the valid lifetime ends it is removed (it became invalid). Listeners hear
 * of every change through {@link NetifListener#addressChanged}: an address added
 * ({@code old} null), removed ({@code new} null), or its state changed ({@code old} and
 * {@code new} the same address).
 *
 * <p>A new address is tentative when the stack runs duplicate address detection
 * ({@code LWIP_IPV6_DUP_DETECT_ATTEMPTS} above 0 and IPv6 enabled) and the netif is not the
 * loopback, else preferred at once; IPv6's Neighbor Discovery moves it on with
 * {@link #setState}. Changed on the loop; the per-packet checks ({@link #has},
 * {@link #hasAny}) read plain arrays.
 */
public final class Ip6Addresses {
    /** The state of an address (RFC 4862 §2, lwIP's {@code IP6_ADDR_*} states). */
    public enum State {
        /** Being verified by DAD: not used as a source, packets to it are not accepted (RFC 4862 §5.4). */
        TENTATIVE,
        /** Valid and preferred: used freely. */
        PREFERRED,
        /** Valid, preferred lifetime over: kept for existing traffic, avoided for new (RFC 6724 rule 3). */
        DEPRECATED,
        /** DAD found another node using it (RFC 4862 §5.4.5): never used. */
        DUPLICATE;

        /** True for a state in which the address may be used (preferred or deprecated). */
        public boolean isValid() {
            return this == PREFERRED || this == DEPRECATED;
        }
    }

    /** Where an address came from. */
    public enum Origin {
        /** Configured by the application ({@link #add}). */
        MANUAL,
        /** The netif's own link-local address (RFC 4862 §5.3). */
        LINK_LOCAL,
        /** Formed by stateless autoconfiguration from a router advertisement's prefix (RFC 4862 §5.5.3). */
        SLAAC,
        /** A temporary address for privacy (RFC 8981). */
        TEMPORARY
    }

    /** What happened to an address: what {@link Listener}s hear (the CLI prints them). */
    public enum Event {
        /** Added (tentative while DAD runs, else preferred at once); with {@link Origin#SLAAC}: "SLAAC address formed". */
        ADDED,
        /** DAD found no other user (RFC 4862 §5.4): the address is usable now. */
        DAD_SUCCEEDED,
        /** DAD found another node using it (RFC 4862 §5.4.5): it is never used. */
        DAD_FAILED,
        /** Its preferred lifetime ended (RFC 4862 §5.5.4): kept for existing traffic, avoided for new. */
        DEPRECATED,
        /** A deprecated address was made preferred again by a router advertisement (RFC 4862 §5.5.3 e). */
        PREFERRED_AGAIN,
        /** Removed: by the application, or its valid lifetime ended (it became invalid, RFC 4862 §5.5.4). */
        REMOVED
    }

    /**
     * Hears every change of the netif's IPv6 addresses (lwIP's {@code netif_ext_callback}
     * with {@code LWIP_NSC_IPV6_ADDR_STATE_CHANGED}); runs on the loop, after the change.
     */
    @FunctionalInterface
    public interface Listener {
        /** {@code entry} (its state already the new one) went through {@code event} on {@code netif}. */
        void addressEvent(Netif netif, Entry entry, Event event);
    }

    /** One address of the netif, with its state and lifetimes. */
    public final class Entry {
        private final Ip6Address address;
        private final int prefixLength;
        private State state;
        private final Timer preferredTimer;
        private final Timer validTimer;
        private final Origin origin;
        private final long createdAt;
        private int dadCounter;
        private boolean dadDeprecated;

        private Entry(Ip6Address address, int prefixLength, State state, Origin origin) {
            this.address = address;
            this.prefixLength = prefixLength;
            this.state = state;
            this.origin = origin;
            this.createdAt = netif.context().now();
            this.preferredTimer = netif.context().timers().create(() -> setState(this.address, State.DEPRECATED));
            this.validTimer = netif.context().timers().create(() -> remove(this.address));
        }

        /** The address, its zone the netif's index when it is link-local. */
        public Ip6Address address() {
            return address;
        }

        /** Its prefix length: the on-link prefix it implies (RFC 4861 §6.3.4 for SLAAC prefixes). */
        public int prefixLength() {
            return prefixLength;
        }

        /** Its state. */
        public State state() {
            return state;
        }

        /** Where it came from. */
        public Origin origin() {
            return origin;
        }

        /** When it was added, on the stack's clock (a temporary address's age counts from it, RFC 8981 §3.4). */
        public long createdAt() {
            return createdAt;
        }

        /** Nanoseconds (on the stack's clock) when it becomes invalid and is removed, or -1 for an infinite valid lifetime. */
        public long validUntil() {
            return validTimer.isScheduled() ? validTimer.dueAt() : -1;
        }

        /** Nanoseconds (on the stack's clock) when it becomes deprecated, or -1 when that is not scheduled. */
        public long preferredUntil() {
            return preferredTimer.isScheduled() ? preferredTimer.dueAt() : -1;
        }

        /** True when the address lies in this entry's prefix (on-link, RFC 4861 §5.2). */
        public boolean onLink(long hi, long lo) {
            return prefixMatch(address.hi(), address.lo(), hi, lo, prefixLength);
        }

        /** The RFC 7217 DAD counter the address was made with (0 for any other address). */
        public int dadCounter() {
            return dadCounter;
        }

        /** Records the RFC 7217 DAD counter the address was made with. */
        public void setDadCounter(int counter) {
            this.dadCounter = counter;
        }

        @Override
        public String toString() {
            return address + "/" + prefixLength + " " + state.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Netif netif;
    private final List<Entry> entries = new ArrayList<>(4);
    /** Halves of every address in the order of {@link #entries}, and whether it is usable: what per-packet checks read. */
    private long[] his = new long[0];
    private long[] los = new long[0];
    private boolean[] usable = new boolean[0];
    private Ip6Address gateway = Ip6Address.ANY;
    private final List<Listener> listeners = new ArrayList<>(1);
    private boolean autoconfig;
    private boolean temporary;

    Ip6Addresses(Netif netif) {
        this.netif = netif;
    }

    /**
     * Turns stateless address autoconfiguration from router advertisements on or off for this
     * netif (lwIP's {@code netif_set_ip6_autoconfig_enabled}; RFC 4862 §5.5): when on, every
     * autonomous prefix of an RA gets an address (RFC 7217 identifier by default, EUI-64 with
     * {@code ip6StableIids} off) with the prefix's lifetimes, after DAD. Off by default, as in
     * lwIP. Router discovery (default routers, on-link prefixes, MTU) runs either way.
     * Turning it on solicits routers again so the addresses come without waiting for the next
     * periodic RA. Addresses formed before stay when it is turned off, until their lifetimes
     * end. On the loop.
     */
    public void setAutoconfig(boolean on) {
        netif.checkLoop();
        if (autoconfig != on) {
            autoconfig = on;
            netif.ip6AutoconfigChanged();
        }
    }

    /**
     * Turns temporary addresses (RFC 8981) on or off for this netif: with autoconfiguration
     * on, every autonomous prefix then also gets a temporary address with a random interface
     * identifier, valid at most two days and preferred at most one day less a random
     * desynchronization, renewed before it is deprecated; source address selection prefers
     * it (RFC 6724 rule 7). Off by default. Temporary addresses formed before stay until their
     * lifetimes end when it is turned off; none are made after. On the loop.
     */
    public void setTemporaryAddresses(boolean on) {
        netif.checkLoop();
        temporary = on;
    }

    /** True when temporary addresses (RFC 8981) are on for this netif (see {@link #setTemporaryAddresses}). */
    public boolean temporaryAddresses() {
        return temporary;
    }

    /** True when stateless address autoconfiguration is on for this netif (see {@link #setAutoconfig}). */
    public boolean autoconfig() {
        return autoconfig;
    }

    /** Adds a listener of address events (see {@link Event}); on the loop. */
    public void addListener(Listener l) {
        netif.checkLoop();
        listeners.add(Objects.requireNonNull(l, "l"));
    }

    /** Removes a listener added with {@link #addListener}; on the loop. */
    public void removeListener(Listener l) {
        netif.checkLoop();
        listeners.remove(l);
    }

    private void fire(Entry e, Event ev) {
        for (Listener l : List.copyOf(listeners)) {
            try {
                l.addressEvent(netif, e, ev);
            } catch (RuntimeException ex) {
                System.getLogger("org.lwip4j.netif").log(System.Logger.Level.WARNING,
                        "IPv6 address listener of " + netif.name() + " failed", ex);
            }
        }
    }

    /** The default router of this netif, or {@link Ip6Address#ANY} (static configuration; RA's default router list later). */
    public Ip6Address gateway() {
        return gateway;
    }

    /**
     * Sets the default router (a link-local address as RFC 4861 §8 has it, or any unicast
     * address on-link); {@link Ip6Address#ANY} clears it. On the loop.
     */
    public void setGateway(Ip6Address gw) {
        netif.checkLoop();
        Objects.requireNonNull(gw, "gw");
        if (gw.isMulticast()) {
            throw new IllegalArgumentException("a router is never a multicast address: " + gw);
        }
        Ip6Address g = gw.isLinkLocal() ? gw.withZone(netif.index()) : gw;
        if (!g.equals(gateway)) {
            gateway = g;
            netif.routesChanged();
        }
    }

    /** The addresses (a copy), in the order added. */
    public List<Entry> all() {
        return List.copyOf(entries);
    }

    /** Number of addresses. */
    public int count() {
        return entries.size();
    }

    /** Address {@code i}. */
    public Entry at(int i) {
        return entries.get(i);
    }

    /** The entry of {@code addr} (zone not compared), or {@code null}. */
    public Entry find(long hi, long lo) {
        for (int i = 0, n = entries.size(); i < n; i++) {
            Entry e = entries.get(i);
            if (e.address.hi() == hi && e.address.lo() == lo) {
                return e;
            }
        }
        return null;
    }

    /** The entry of {@code addr}, or {@code null}. */
    public Entry find(Ip6Address addr) {
        return find(addr.hi(), addr.lo());
    }

    /** The link-local address entry (the first {@code fe80::/10} one), or {@code null}. */
    public Entry linkLocal() {
        for (Entry e : entries) {
            if (e.address.isLinkLocal()) {
                return e;
            }
        }
        return null;
    }

    /**
     * Adds an address with infinite lifetimes ({@code netif_add_ip6_address}). On the loop.
     *
     * @throws IllegalArgumentException when the netif has it already or has no room ({@code LWIP_IPV6_NUM_ADDRESSES})
     */
    public Entry add(Ip6Address addr, int prefixLength) {
        return add(addr, prefixLength, null, null);
    }

    /**
     * Adds an address with lifetimes (RFC 4862 §5.5.3): it becomes deprecated after
     * {@code preferred} and is removed after {@code valid}; {@code null} is infinite. The
     * address is tentative while DAD runs (see the class comment). A link-local address gets
     * the netif's index as its zone. On the loop.
     *
     * @throws IllegalArgumentException for a multicast or unspecified address, a prefix length out of 1..128,
     *         an address the netif has already, or a netif with {@code LWIP_IPV6_NUM_ADDRESSES} addresses
     */
    public Entry add(Ip6Address addr, int prefixLength, Duration valid, Duration preferred) {
        return add(addr, prefixLength, valid, preferred, Origin.MANUAL);
    }

    /**
     * Adds an address as {@link #add(Ip6Address, int, Duration, Duration)} does, recording
     * where it came from (Neighbor Discovery adds link-local, SLAAC and temporary addresses
     * this way). On the loop.
     */
    public Entry add(Ip6Address addr, int prefixLength, Duration valid, Duration preferred, Origin origin) {
        netif.checkLoop();
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(addr, "addr");
        if (addr.isMulticast() || addr.isAny()) {
            throw new IllegalArgumentException(addr + " cannot be a netif address");
        }
        if (prefixLength < 1 || prefixLength > 128) {
            throw new IllegalArgumentException("prefix length must be 1..128, not " + prefixLength);
        }
        if (find(addr) != null) {
            throw new IllegalArgumentException(netif.name() + " already has " + addr);
        }
        StackConfig.Ip6Options cfg = netif.context().config().ip6();
        if (entries.size() >= cfg.numAddresses()) {
            throw new IllegalArgumentException(netif.name() + " has LWIP_IPV6_NUM_ADDRESSES (" + cfg.numAddresses()
                    + ") addresses already");
        }
        Ip6Address a = addr.isLinkLocal() ? addr.withZone(netif.index()) : addr.withZone(0);
        boolean dad = cfg.enabled() && cfg.dupDetectAttempts() > 0 && !netif.hasFlag(Netif.FLAG_LOOPBACK);
        Entry e = new Entry(a, prefixLength, dad ? State.TENTATIVE : State.PREFERRED, origin);
        entries.add(e);
        setLifetimes(e, valid, preferred);
        index();
        fire(e, Event.ADDED);
        netif.addressChanged(null, a);
        return e;
    }

    /**
     * Sets the lifetimes of an address from now (RFC 4862 §5.5.3 (e) as an RA refreshes
     * them); {@code null} is infinite. A preferred lifetime of zero deprecates it at once; a
     * positive one makes a deprecated address preferred again.
     */
    public void setLifetimes(Entry e, Duration valid, Duration preferred) {
        netif.checkLoop();
        e.validTimer.cancel();
        e.preferredTimer.cancel();
        if (valid != null) {
            e.validTimer.schedule(valid.toNanos());
        }
        if (preferred != null && preferred.isZero()) {
            if (e.state == State.PREFERRED) {
                setState(e.address, State.DEPRECATED);
            } else if (e.state == State.TENTATIVE) {
                e.dadDeprecated = true;
            }
            return;
        }
        if (preferred != null) {
            e.preferredTimer.schedule(preferred.toNanos());
        }
        if (e.state == State.TENTATIVE) {
            e.dadDeprecated = false;
        } else if (e.state == State.DEPRECATED) {
            setState(e.address, State.PREFERRED);
        }
    }

    /**
     * Moves an address to {@code state} (DAD done, DAD failed, deprecated); listeners hear
     * {@code addressChanged(netif, addr, addr)}. A deprecated address stays deprecated when
     * DAD completes. Returns false when the netif has no such address or it is in that state.
     */
    public boolean setState(Ip6Address addr, State state) {
        netif.checkLoop();
        Entry e = find(addr);
        if (e == null || e.state == state) {
            return false;
        }
        if (state == State.DEPRECATED && e.state != State.PREFERRED) {
            // Still tentative: DAD completing will see the preferred lifetime is over.
            if (e.state == State.TENTATIVE) {
                e.preferredTimer.cancel();
                e.dadDeprecated = true;
            }
            return false;
        }
        if (state == State.PREFERRED && e.state == State.TENTATIVE && e.dadDeprecated) {
            state = State.DEPRECATED;
        }
        if (state == State.DUPLICATE) {
            e.validTimer.cancel();
            e.preferredTimer.cancel();
        }
        State before = e.state;
        e.state = state;
        index();
        Event ev = before == State.TENTATIVE
                ? (state == State.DUPLICATE ? Event.DAD_FAILED : Event.DAD_SUCCEEDED)
                : state == State.DEPRECATED ? Event.DEPRECATED
                : state == State.DUPLICATE ? Event.DAD_FAILED
                : state == State.PREFERRED && before == State.DEPRECATED ? Event.PREFERRED_AGAIN : null;
        if (ev != null) {
            fire(e, ev);
        }
        netif.addressChanged(e.address, e.address);
        return true;
    }

    /** Removes an address ({@code netif_ip6_addr_set_state(INVALID)}); false when the netif did not have it. On the loop. */
    public boolean remove(Ip6Address addr) {
        netif.checkLoop();
        Entry e = find(addr);
        if (e == null) {
            return false;
        }
        e.validTimer.cancel();
        e.preferredTimer.cancel();
        entries.remove(e);
        index();
        fire(e, Event.REMOVED);
        netif.addressChanged(e.address, null);
        return true;
    }

    /** Stops every lifetime timer: the netif was removed, its addresses age no more. */
    void stopTimers() {
        for (Entry e : entries) {
            e.validTimer.cancel();
            e.preferredTimer.cancel();
        }
    }

    private void index() {
        int n = entries.size();
        long[] h = new long[n];
        long[] l = new long[n];
        boolean[] u = new boolean[n];
        for (int i = 0; i < n; i++) {
            Entry e = entries.get(i);
            h[i] = e.address.hi();
            l[i] = e.address.lo();
            u[i] = e.state.isValid();
        }
        his = h;
        los = l;
        usable = u;
    }

    /** True when {@code hi:lo} is a valid (preferred or deprecated) address of the netif: one it accepts packets for. */
    public boolean has(long hi, long lo) {
        long[] h = his;
        long[] l = los;
        boolean[] u = usable;
        for (int i = 0; i < h.length; i++) {
            if (u[i] && h[i] == hi && l[i] == lo) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code hi:lo} is an address of the netif in any state, tentative and duplicate included. */
    public boolean hasAny(long hi, long lo) {
        long[] h = his;
        long[] l = los;
        for (int i = 0; i < h.length; i++) {
            if (h[i] == hi && l[i] == lo) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code hi:lo} is the solicited-node multicast address (RFC 4291 §2.7.1) of
     * one of the netif's addresses, in any state: the groups a node joins for every address,
     * tentative ones included (RFC 4862 §5.4.2).
     */
    public boolean isSolicitedNode(long hi, long lo) {
        if (hi != Ip6Address.SOLICITED_NODE_HI || (lo & ~0xff_ffffL) != Ip6Address.SOLICITED_NODE_LO) {
            return false;
        }
        long[] l = los;
        for (long x : l) {
            if ((x & 0xff_ffffL) == (lo & 0xff_ffffL)) {
                return true;
            }
        }
        return false;
    }

    /** The longest prefix of the netif's valid addresses that holds {@code hi:lo} (on-link, RFC 4861 §5.2), or -1. */
    public int onLinkPrefix(long hi, long lo) {
        int best = -1;
        for (int i = 0, n = entries.size(); i < n; i++) {
            Entry e = entries.get(i);
            if (e.state.isValid() && e.prefixLength > best && e.onLink(hi, lo)) {
                best = e.prefixLength;
            }
        }
        return best;
    }

    /** True when the first {@code len} bits of {@code ahi:alo} and {@code bhi:blo} agree. */
    static boolean prefixMatch(long ahi, long alo, long bhi, long blo, int len) {
        if (len <= 0) {
            return true;
        }
        if (len < 64) {
            return ((ahi ^ bhi) >>> (64 - len)) == 0;
        }
        if (ahi != bhi) {
            return false;
        }
        return len == 64 || ((alo ^ blo) >>> (128 - len)) == 0;
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
