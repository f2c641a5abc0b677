package org.lwip4j.netif;

import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;

/**
 * The link-layer glue of one kind of netif, installed by the stack: demultiplexes received
 * frames to the network protocols and frames outgoing IP packets (lwIP's
 * {@code ethernet_input} plus {@code netif->output}, which is {@code etharp_output} on
 * Ethernet). Runs on the loop.
 */
public interface LinkLayer {
    /** Handles one received frame; takes over the caller's reference to {@code frame}. */
    void input(Netif netif, Pbuf frame);

    /**
     * Sends an IPv4 packet to the next hop whose address bits are {@code nextHop} on
     * {@code netif}, resolving the link address if needed. Does not take the caller's
     * reference: it copies or references {@code packet} if it must keep it (lwIP's
     * {@code netif->output} contract). The address is passed as bits so that the send path
     * allocates nothing.
     */
    Err output4(Netif netif, Pbuf packet, int nextHop);
}
