package org.lwip4j.sim;

import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.StackContext;

/**
 * The netif end of a simulated driver: frames that arrive for it wait in its loop's inbox
 * and are handed to the netif inside a poll of that loop, copied into the stack's own pbuf
 * pool.
 */
final class Receiver implements FrameSink {
    private final Simulator sim;
    private Netif netif;
    private Simulator.LoopState loop;

    Receiver(Simulator sim) {
        this.sim = sim;
    }

    /** Binds the netif; its loop joins the simulation if it had not yet. */
    void attach(Netif n) {
        if (netif != null) {
            throw new IllegalStateException("this driver is already attached to " + netif.name());
        }
        loop = sim.stateOf(n.context().loop());
        netif = n;
    }

    Netif netif() {
        return netif;
    }

    @Override
    public void arrive(Frame f) {
        if (loop == null) {
            f.dir.countRxDrop();
            sim.recycle(f);
            return;
        }
        loop.enqueue(f);
    }

    /** On the netif's loop: copies the frame into a pbuf of that stack and inputs it. */
    void inputOnLoop(Frame f) {
        Netif n = netif;
        LinkDirection d = f.dir;
        StackContext ctx = n.context();
        Pbuf p = ctx.pbufs().allocPool(Layer.RAW, f.len);
        if (p == null) {
            // As a real driver does when its pool is dry: count and drop (lwIP's LINK_STATS memerr).
            d.countRxDrop();
            ctx.stats().link.memerr++;
            ctx.stats().link.drop++;
            n.counters().inDiscards++;
            sim.recycle(f);
            return;
        }
        p.copyFrom(0, f.seg, 0, f.len);
        d.countDelivered(f.len);
        sim.recycle(f);
        n.input(p);
    }
}
