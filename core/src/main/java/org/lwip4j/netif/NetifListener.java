package org.lwip4j.netif;

import org.lwip4j.addr.IpAddress;

/**
 * What the stack's own layers hear about a netif (lwIP's {@code netif_ext_callback}):
 * ARP sends a gratuitous announcement on address change and link up, IP drops state bound
 * to a removed address. Runs on the loop.
 */
public interface NetifListener {
    /** The netif went administratively up or down. */
    default void statusChanged(Netif netif) {
    }

    /** The link went up or down. */
    default void linkChanged(Netif netif) {
    }

    /** An address was added ({@code oldAddr} null), removed ({@code newAddr} null) or replaced. */
    default void addressChanged(Netif netif, IpAddress oldAddr, IpAddress newAddr) {
    }

    /** The netif's gateway or another input of route selection changed (not its addresses: see {@link #addressChanged}). */
    default void routesChanged(Netif netif) {
    }

    /** IPv6 stateless autoconfiguration was turned on or off for the netif ({@link Ip6Addresses#setAutoconfig}). */
    default void ip6AutoconfigChanged(Netif netif) {
    }

    /** The netif was removed from the stack. */
    default void removed(Netif netif) {
    }
}
