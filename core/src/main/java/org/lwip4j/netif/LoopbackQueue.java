package org.lwip4j.netif;

import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.IoSource;
import org.lwip4j.stack.StackContext;

/**
 * Packets a stack sends to itself (lwIP's {@code netif_loop_output} and
 * {@code netif_poll}): copied, queued (at most {@code LWIP_LOOPBACK_MAX_PBUFS}) and delivered
 * as input of the target netif on the next loop turn, never re-entering the sender.
 */
final class LoopbackQueue implements IoSource {
    private final StackContext ctx;
    private final Pbuf[] packets;
    private final Netif[] targets;
    private int head;
    private int count;

    private final IpLink network;

    LoopbackQueue(StackContext ctx, IpLink network) {
        this.ctx = ctx;
        this.network = network;
        int n = ctx.config().netifs().loopbackMaxPbufs();
        this.packets = new Pbuf[n];
        this.targets = new Netif[n];
    }

    /** Queues a copy of {@code packet} (an IP packet, no link header) as input of {@code netif}; does not take the caller's reference. */
    Err enqueue(Netif netif, Pbuf packet) {
        if (count == packets.length) {
            ctx.stats().link.drop++;
            netif.counters().outDiscards++;
            return Err.MEM;
        }
        Pbuf copy = ctx.pbufs().allocPool(Layer.LINK, packet.totalLength());
        if (copy == null) {
            ctx.stats().link.memerr++;
            ctx.stats().link.drop++;
            netif.counters().outDiscards++;
            return Err.MEM;
        }
        copy.copyFrom(0, packet, 0, packet.totalLength());
        int tail = (head + count) % packets.length;
        packets[tail] = copy;
        targets[tail] = netif;
        count++;
        return Err.OK;
    }

    /** Packets waiting. */
    public int size() {
        return count;
    }

    @Override
    public int poll() {
        // Deliver only what was queued before this turn, so a looping reply waits a turn.
        int n = count;
        for (int i = 0; i < n; i++) {
            Pbuf p = packets[head];
            Netif t = targets[head];
            packets[head] = null;
            targets[head] = null;
            head = (head + 1) % packets.length;
            count--;
            if (p == null) {
                continue;
            }
            if (t.isUp()) {
                t.counters().inPackets++;
                t.counters().inOctets += p.totalLength();
                ctx.stats().link.recv++;
                // An IP packet, not a frame, whatever the netif's link: hand it to the
                // network layer by its version (an Ethernet netif's link would parse it as
                // a frame and drop it).
                network.input(t, p);
            } else {
                t.counters().inDiscards++;
                p.free();
            }
        }
        return n;
    }

    void dropFor(Netif netif) {
        for (int i = 0; i < count; i++) {
            int k = (head + i) % packets.length;
            if (targets[k] == netif) {
                // Leave the slot but make delivery a discard.
                packets[k].free();
                packets[k] = null;
            }
        }
    }
}
