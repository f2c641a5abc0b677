package org.lwip4j.netif;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.lwip4j.addr.Ip4Address;

/**
 * The IPv4 addresses of one netif (lwIP's {@code netif->ip_addr}, {@code netmask} and
 * {@code gw}, with several addresses allowed): the subnets, primary first, and the gateway.
 * Listeners of the stack hear of every change (ARP announces, IP marks routes stale).
 * Changed on the loop; the per-packet checks ({@link #has}, {@link #isBroadcast}) read
 * plain int arrays.
 */
public final class Ip4Addresses {
    private final Netif netif;
    private final List<Ip4Interface> subnets = new ArrayList<>(2);
    /** Each address's bits, in the order of {@link #subnets}: what the per-packet checks read. */
    private int[] bits = new int[0];
    /** Each subnet's directed broadcast, or -1 for a /31 or /32 (never looked up: -1 is answered first). */
    private int[] broadcasts = new int[0];
    private Ip4Address gateway = Ip4Address.ANY;

    Ip4Addresses(Netif netif) {
        this.netif = netif;
    }

    /** The addresses with their subnets, primary first (a copy). */
    public List<Ip4Interface> all() {
        return List.copyOf(subnets);
    }

    /** Number of addresses. */
    public int count() {
        return subnets.size();
    }

    /** Address {@code i} (0 is primary). */
    public Ip4Interface at(int i) {
        return subnets.get(i);
    }

    /** The primary address, or {@link Ip4Address#ANY} when there is none ({@code netif_ip4_addr}). */
    public Ip4Address address() {
        return subnets.isEmpty() ? Ip4Address.ANY : subnets.get(0).address();
    }

    /** The primary address with its subnet, or {@code null}. */
    public Ip4Interface primary() {
        return subnets.isEmpty() ? null : subnets.get(0);
    }

    /** The gateway, or {@link Ip4Address#ANY} ({@code netif_ip4_gw}). */
    public Ip4Address gateway() {
        return gateway;
    }

    /** Sets the gateway ({@code netif_set_gw}); on the loop. */
    public void setGateway(Ip4Address gw) {
        netif.checkLoop();
        Objects.requireNonNull(gw, "gw");
        if (!gw.equals(gateway)) {
            gateway = gw;
            netif.routesChanged();
        }
    }

    /**
     * Sets the primary address, replacing the previous one ({@code netif_set_addr}); a
     * {@code null} removes it. On the loop.
     */
    public void set(Ip4Interface addr) {
        netif.checkLoop();
        Ip4Address old = subnets.isEmpty() ? null : subnets.get(0).address();
        if (addr == null) {
            if (!subnets.isEmpty()) {
                subnets.remove(0);
            }
        } else if (subnets.isEmpty()) {
            subnets.add(addr);
        } else {
            subnets.set(0, addr);
        }
        index();
        Ip4Address now = addr == null ? null : addr.address();
        if (!Objects.equals(old, now)) {
            netif.addressChanged(old, now);
        } else {
            netif.routesChanged();
        }
    }

    /** Adds a further address; throws if the netif already has it. On the loop. */
    public void add(Ip4Interface addr) {
        netif.checkLoop();
        Objects.requireNonNull(addr, "addr");
        for (Ip4Interface a : subnets) {
            if (a.address().equals(addr.address())) {
                throw new IllegalArgumentException(netif.name() + " already has " + addr.address());
            }
        }
        subnets.add(addr);
        index();
        netif.addressChanged(null, addr.address());
    }

    /** Removes an address; returns false if the netif did not have it. On the loop. */
    public boolean remove(Ip4Address addr) {
        netif.checkLoop();
        for (int i = 0; i < subnets.size(); i++) {
            if (subnets.get(i).address().equals(addr)) {
                subnets.remove(i);
                index();
                netif.addressChanged(addr, null);
                return true;
            }
        }
        return false;
    }

    /** Rebuilds {@link #bits} and {@link #broadcasts} after {@link #subnets} changed. */
    private void index() {
        int n = subnets.size();
        int[] b = new int[n];
        int[] bc = new int[n];
        for (int i = 0; i < n; i++) {
            Ip4Interface a = subnets.get(i);
            b[i] = a.address().bits();
            bc[i] = a.prefixLength() < 31 ? a.address().bits() | ~a.mask() : -1;
        }
        bits = b;
        broadcasts = bc;
    }

    /** True when {@code addr} is one of the netif's addresses. */
    public boolean has(int addr) {
        for (int b : bits) {
            if (b == addr) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code addr} is on one of the netif's subnets (on-link). */
    public boolean onLink(int addr) {
        for (int i = 0, n = subnets.size(); i < n; i++) {
            if (subnets.get(i).contains(addr)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code addr} is a broadcast address on this netif: the limited broadcast, or
     * the directed broadcast of one of its subnets ({@code ip4_addr_isbroadcast}); and
     * {@code 0.0.0.0} (the old broadcast form), as lwIP does.
     */
    public boolean isBroadcast(int addr) {
        if (addr == -1 || addr == 0) {
            return true;
        }
        if (!netif.hasFlag(Netif.FLAG_BROADCAST)) {
            return false;
        }
        for (int b : broadcasts) {
            if (b == addr) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return subnets.toString();
    }
}
