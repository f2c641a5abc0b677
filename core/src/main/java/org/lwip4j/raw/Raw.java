package org.lwip4j.raw;

import java.util.ArrayList;
import java.util.List;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PoolStats;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.ip.RawInput;
import org.lwip4j.ip.Ip;
import org.lwip4j.ip.Route;
import org.lwip4j.stack.ErrException;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackContext;

/**
 * Raw IP pcbs of one stack (lwIP's {@code raw.c}): every received packet is offered to the
 * pcbs of its protocol before the transport sees it; a pcb may eat it or pass it on. A pcb
 * bound to {@link IpAddress#ANY_TYPE} is dual-stack: it receives the protocol's packets of
 * both families and sends to either, the family of each destination choosing the route and
 * the header; one bound to {@code 0.0.0.0} (the default) stays IPv4 only.
 */
public final class Raw implements RawInput {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.raw");

    private final StackContext ctx;
    private final Ip ip;
    private final ProtoStats stats;
    private final PoolStats pcbPool;
    private final List<RawPcb> pcbs = new ArrayList<>();
    /** {@link #pcbs} as an array, replaced on every change: what input walks. */
    private RawPcb[] pcbArray = new RawPcb[0];

    /** Raw pcbs for the stack: installs itself as every IP family's raw hook. */
    Raw(StackContext ctx, Ip ip) {
        this.ctx = ctx;
        this.ip = ip;
        this.stats = ctx.stats().raw;
        this.pcbPool = new PoolStats("RAW_PCB", ctx.config().raw().memNumPcb());
        ctx.stats().addPool(pcbPool);
        ip.setRawInput(this);
    }

    /** A new pcb for {@code protocol} (1..255); an {@link ErrException} with {@link Err#MEM} when {@code MEMP_NUM_RAW_PCB} exist. */
    public RawPcb newPcb(int protocol) {
        ctx.loop().checkInEventLoop("raw pcb made");
        if (protocol < 1 || protocol > 255) {
            throw new IllegalArgumentException("IP protocol must be 1..255, not " + protocol);
        }
        if (!pcbPool.fits(1)) {
            pcbPool.err++;
            throw new ErrException(Err.MEM, "MEMP_NUM_RAW_PCB (" + ctx.config().raw().memNumPcb() + ") raw pcbs are in use");
        }
        pcbPool.take(1);
        RawPcb pcb = new RawPcb(this, protocol, ctx.config().ip4().defaultTtl());
        pcbs.add(pcb);
        pcbArray = pcbs.toArray(new RawPcb[0]);
        return pcb;
    }

    /** Checks that {@code pcb} is used on the loop and not after {@code close()}. */
    void live(RawPcb pcb) {
        ctx.loop().checkInEventLoop("raw pcb used");
        if (pcb.closed) {
            throw new IllegalStateException("raw pcb used after close()");
        }
    }

    void remove(RawPcb pcb) {
        ctx.loop().checkInEventLoop("raw pcb closed");
        if (!pcb.closed) {
            pcb.closed = true;
            pcbs.remove(pcb);
            pcbArray = pcbs.toArray(new RawPcb[0]);
            pcbPool.give(1);
        }
    }

    /** Refuses an address of a family the stack lacks; {@link IpAddress#ANY_TYPE} is always taken. */
    void checkFamily(IpAddress addr) {
        if (!IpAddress.isAnyType(addr)) {
            ip.familyOf(addr);
        }
    }

    /**
     * True when a pcb bound to {@code local} takes a packet that {@code info} describes by its
     * destination: its own address, the wildcard of that packet's family, or
     * {@link IpAddress#ANY_TYPE}, which takes both families (lwIP's {@code IPADDR_TYPE_ANY}
     * in {@code raw_input_local_match}).
     */
    static boolean localMatches(IpAddress local, IpInfo info) {
        if (!local.isAny()) {
            return info.dstIs(local);
        }
        return local.version() == info.version() || IpAddress.isAnyType(local);
    }

    Err send(RawPcb pcb, Pbuf p, IpAddress dst) {
        live(pcb);
        ip.familyOf(dst);
        Err e;
        if (pcb.headerIncluded) {
            e = ip.outputPacket(p, pcb.boundNetif);
        } else if (!pcb.localAddr.isAny() && pcb.localAddr.version() != dst.version()) {
            e = Err.VAL;
        } else {
            Route r = ip.route(dst, pcb.localAddr, pcb.boundNetif);
            e = r == null ? Err.RTE : ip.output(p, r, pcb.protocol, pcb.ttl, pcb.tos, 0);
        }
        if (e == Err.OK) {
            stats.xmit++;
        } else {
            stats.err++;
        }
        return e;
    }

    /**
     * Offers the packet to every matching pcb, in the order made, until one eats it. The list
     * walked is a snapshot: a callback may close or make pcbs. A callback owns the packet
     * only when it returns true (eaten); one that throws has not eaten it.
     */
    @Override
    public int input(Pbuf p, IpInfo info) {
        int result = NONE;
        RawPcb[] snapshot = pcbArray;
        for (RawPcb pcb : snapshot) {
            if (pcb.closed || pcb.protocol != info.protocol() || pcb.receiver == null) {
                continue;
            }
            if (pcb.boundNetif != null && pcb.boundNetif != info.netif()) {
                continue;
            }
            if (!localMatches(pcb.localAddr, info)) {
                continue;
            }
            if (pcb.connected && !info.srcIs(pcb.remoteAddr)) {
                continue;
            }
            stats.recv++;
            boolean eaten;
            try {
                eaten = pcb.receiver.receive(pcb, p, info.src());
            } catch (RuntimeException e) {
                stats.err++;
                LOG.log(System.Logger.Level.WARNING, "raw receive callback of " + pcb + " failed", e);
                eaten = false;
            }
            if (eaten) {
                return EATEN;
            }
            result = DELIVERED;
        }
        return result;
    }

    /** The raw pcbs now (a copy). */
    public List<RawPcb> pcbs() {
        return List.copyOf(pcbs);
    }
}
