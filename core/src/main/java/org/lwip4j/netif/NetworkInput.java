package org.lwip4j.netif;

import org.lwip4j.buffer.Pbuf;

/**
 * A network protocol's entry from the link layer (ARP, IPv4, IPv6): gets a packet whose
 * link header has been removed. Takes over the caller's reference. Runs on the loop.
 */
@FunctionalInterface
public interface NetworkInput {
    /** Handles {@code packet}, received on {@code netif}; {@code linkBroadcast} says the frame was sent to a link broadcast/multicast address. */
    void input(Netif netif, Pbuf packet, boolean linkBroadcast);
}
