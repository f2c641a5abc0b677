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

    /**
     * Positive advice from above: traffic through {@code nextHop} on {@code netif} made
     * forward progress (TCP: new data acknowledged), so its link address is still right
     * (RFC 1122 §2.3.2.1 "higher-layer advice", RFC 4861 §7.3.1). Cheap enough per
     * acknowledgement. Nothing by default.
     */
    default void confirm(Netif netif, IpAddress nextHop) {
    }

    /**
     * Negative advice from above: traffic through {@code nextHop} on {@code netif} has made no
     * progress for a while (TCP: a segment retransmitted R1 times; RFC 9293 §3.8.3 MUST-20,
     * RFC 1122 §3.3.1.4), so its cached link address should be checked again. Rate-limited
     * by the resolver. Nothing by default.
     */
    default void suspect(Netif netif, IpAddress nextHop) {
    }
}
