package org.lwip4j.netif;

import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;

/**
 * The link-layer glue of one kind of netif, installed by the stack: demultiplexes received
 * frames to the network protocols registered for them and frames outgoing IP packets
 * (lwIP's {@code ethernet_input} plus {@code netif->output}, which is
 * {@code etharp_output} on Ethernet). Runs on the loop.
 */
public interface LinkLayer {
    /** Handles one received frame; takes over the caller's reference to {@code frame}. */
    void input(Netif netif, Pbuf frame);

    /**
     * Sends an IP packet of either family to the neighbour {@code nextHop} on {@code netif},
     * resolving its link address if needed. Does not take the caller's reference: it copies
     * or references {@code packet} if it must keep it (lwIP's {@code netif->output}
     * contract).
     */
    Err output(Netif netif, Pbuf packet, IpAddress nextHop);

    /**
     * Passes positive advice about {@code nextHop} to the family's address resolver
     * ({@link AddressResolver#confirm}); nothing on a link without resolution (TUN).
     */
    default void confirm(Netif netif, IpAddress nextHop) {
    }

    /**
     * Passes negative advice about {@code nextHop} to the family's address resolver
     * ({@link AddressResolver#suspect}); nothing on a link without resolution (TUN).
     */
    default void suspect(Netif netif, IpAddress nextHop) {
    }
}
