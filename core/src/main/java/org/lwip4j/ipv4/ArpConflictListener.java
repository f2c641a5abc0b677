package org.lwip4j.ipv4;

import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.Netif;

/**
 * Hears of address conflicts (RFC 5227 §2.4): an ARP packet received on {@code netif}
 * whose sender IP address is one of the netif's own addresses but whose sender hardware
 * address is another station's. {@link Arp} has already decided whether to defend the
 * address (at most one announcement per {@link Arp#DEFEND_INTERVAL}); the listener (ACD,
 * AutoIP, DHCP, the application) decides whether to give the address up (§2.4 (b)).
 * Called on the stack's loop; must not throw.
 */
@FunctionalInterface
public interface ArpConflictListener {
    /**
     * @param netif    where the packet came in
     * @param address  our address that the other station claims
     * @param other    the other station's hardware address
     * @param defended true when {@link Arp} answered with a defending announcement
     */
    void conflict(Netif netif, Ip4Address address, MacAddress other, boolean defended);
}
