package org.lwip4j.ipv4;

import org.lwip4j.addr.Ip4Address;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;

/**
 * A static IPv4 route: packets to {@code prefix} leave through {@code netif}, to
 * {@code gateway} (or straight to the destination when the gateway is {@code 0.0.0.0}).
 *
 * @param prefix  destination network
 * @param gateway next hop, or {@link Ip4Address#ANY} for on-link
 * @param netif   outgoing netif
 */
public record Ip4Route(Ip4Interface prefix, Ip4Address gateway, Netif netif) {
}
