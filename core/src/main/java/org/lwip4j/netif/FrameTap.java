package org.lwip4j.netif;

import org.lwip4j.buffer.Pbuf;

/**
 * Sees every frame a netif receives from or hands to its driver (pcap capture, test
 * probes). Called on the loop; must not keep or change the pbuf (copy what it needs).
 */
@FunctionalInterface
public interface FrameTap {
    /** One frame; {@code outbound} is true for frames sent to the driver. */
    void frame(Netif netif, Pbuf frame, boolean outbound);
}
