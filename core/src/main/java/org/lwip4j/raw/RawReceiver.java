package org.lwip4j.raw;

import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;

/**
 * Receives packets of a {@link RawPcb} (lwIP's {@code raw_recv_fn}), on the stack's loop.
 * {@code p}'s payload starts at the IP header. Return true to eat the packet: the callee
 * then owns {@code p} and must free it, and no other pcb or transport sees it. Return
 * false to pass it on: the callee must not keep or free {@code p}.
 */
@FunctionalInterface
public interface RawReceiver {
    /** One packet from {@code src}; returns whether it was eaten. */
    boolean receive(RawPcb pcb, Pbuf p, IpAddress src);
}
