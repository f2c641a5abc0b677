package org.lwip4j.netif;

import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;

/**
 * Resolves IPv4 next hops to link addresses and sends (ARP's side of {@code etharp_output}).
 * Does not take the caller's reference to {@code packet}. Runs on the loop.
 */
@FunctionalInterface
public interface Ip4Resolver {
    /**
     * Sends {@code packet} to the next hop whose address bits are {@code nextHop} on
     * {@code netif}, queueing it while the address is resolved.
     */
    Err output(Netif netif, Pbuf packet, int nextHop);
}
