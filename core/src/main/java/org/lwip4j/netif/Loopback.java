package org.lwip4j.netif;

import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;

/**
 * The loopback device ({@code lo}, lwIP's {@code loopif}): every packet sent is delivered
 * back as input on the next loop turn, through the stack's {@code LoopbackQueue}.
 */
final class Loopback implements NetifDriver {
    private final LoopbackQueue queue;
    private Netif netif;

    Loopback(LoopbackQueue queue) {
        this.queue = queue;
    }

    @Override
    public LinkType linkType() {
        return LinkType.IP;
    }

    @Override
    public int mtu() {
        return 65535;
    }

    @Override
    public void attach(Netif n) {
        this.netif = n;
    }

    @Override
    public Err transmit(Pbuf frame) {
        return queue.enqueue(netif, frame);
    }
}
