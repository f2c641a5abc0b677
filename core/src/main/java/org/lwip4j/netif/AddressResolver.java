package org.lwip4j.netif;

import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;

/**
 * Resolves next hops of one IP family to link addresses and sends (ARP for IPv4, Neighbor
 * Discovery for IPv6): the link layer's side of {@code etharp_output}/{@code ethip6_output}.
 * Registered with a link layer per family. Runs on the loop.
 */
@FunctionalInterface
public interface AddressResolver {
    /**
     * Sends {@code packet} to {@code nextHop} on {@code netif}, queueing it while the
     * address is resolved. Does not take the caller's reference.
     */
    Err output(Netif netif, Pbuf packet, IpAddress nextHop);
}
