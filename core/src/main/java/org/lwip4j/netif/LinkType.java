package org.lwip4j.netif;

/** What a netif's frames look like on the wire. */
public enum LinkType {
    /** Ethernet II frames (TAP, virtual switch): ARP resolves IPv4 next hops. */
    ETHERNET,
    /** Bare IP packets with no link header (TUN, loopback, PPP after decapsulation). */
    IP
}
