package org.lwip4j.ip;

import org.lwip4j.buffer.Pbuf;

/**
 * The raw pcbs' look at every received IP packet before the transports get it (lwIP's
 * {@code raw_input}): {@code p}'s payload starts at the IP header.
 */
@FunctionalInterface
public interface RawInput {
    /** No raw pcb wanted the packet. */
    int NONE = 0;
    /** One or more raw pcbs saw it; it goes on to the transport. */
    int DELIVERED = 1;
    /** A raw pcb took it: the caller must not touch it again. */
    int EATEN = 2;

    /** Offers the packet; returns {@link #NONE}, {@link #DELIVERED} or {@link #EATEN}. */
    int input(Pbuf p, IpInfo info);
}
