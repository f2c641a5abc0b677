package org.lwip4j.raw;

import java.util.ArrayList;
import java.util.List;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PoolStats;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.ip.RawInput;
import org.lwip4j.ipv4.Ipv4;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.Ipv4Packet;

/**
 * Raw IP pcbs of one stack (lwIP's {@code raw.c}): every received packet is offered to the
 * pcbs of its protocol before the transport sees it; a pcb may eat it or pass it on.
 */
public final class Raw implements RawInput {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.raw");

    private final StackContext ctx;
    private final Ipv4 ip;
    private final ProtoStats stats;
    private final PoolStats pcbPool;
    private final List<RawPcb> pcbs = new ArrayList<>();

    /** Raw pcbs for the stack: installs itself as IPv4's raw hook. */
    public Raw(StackContext ctx, Ipv4 ip) {
        this.ctx = ctx;
        this.ip = ip;
        this.stats = ctx.stats().raw;
        this.pcbPool = new PoolStats("RAW_PCB", ctx.config().raw().memNumPcb());
        ctx.stats().addPool(pcbPool);
        ip.setRawInput(this);
    }

    /** A new pcb for {@code protocol} (1..255), or {@code null} when {@code MEMP_NUM_RAW_PCB} exist. */
    public RawPcb newPcb(int protocol) {
        ctx.loop().checkInEventLoop("raw pcb made");
        if (protocol < 1 || protocol > 255) {
            throw new IllegalArgumentException("IP protocol must be 1..255, not " + protocol);
        }
        if (!pcbPool.fits(1)) {
            pcbPool.err++;
            return null;
        }
        pcbPool.take(1);
        RawPcb pcb = new RawPcb(this, protocol, ctx.config().ip4().defaultTtl());
        pcbs.add(pcb);
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
            pcbPool.give(1);
        }
    }

    Err send(RawPcb pcb, Pbuf p, IpAddress dst) {
        live(pcb);
        if (!(dst instanceof Ip4Address d4)) {
            return Err.VAL;
        }
        Err e;
        if (pcb.headerIncluded) {
            if (p.length() < Ipv4Packet.MIN_HEADER_LEN
                    || Ipv4Packet.check(p.segment(), p.offset(), p.totalLength()) < 0) {
                return Err.VAL;
            }
            e = ip.outputPacket(p, pcb.boundNetif);
        } else {
            int src = pcb.localAddr instanceof Ip4Address la ? la.bits() : 0;
            e = ip.output(p, src, d4.bits(), pcb.ttl, pcb.tos, pcb.protocol, pcb.boundNetif, false);
        }
        if (e == Err.OK) {
            stats.xmit++;
        } else {
            stats.err++;
        }
        return e;
    }

    @Override
    public int input(Pbuf p, IpInfo info) {
        int result = NONE;
        for (int i = 0; i < pcbs.size(); i++) {
            RawPcb pcb = pcbs.get(i);
            if (pcb.protocol != info.protocol || pcb.receiver == null) {
                continue;
            }
            if (pcb.boundNetif != null && pcb.boundNetif != info.netif) {
                continue;
            }
            if (pcb.localAddr instanceof Ip4Address la && !la.isAny() && la.bits() != info.dst4) {
                continue;
            }
            if (pcb.connected && !(pcb.remoteAddr instanceof Ip4Address ra && ra.bits() == info.src4)) {
                continue;
            }
            stats.recv++;
            boolean eaten;
            try {
                eaten = pcb.receiver.receive(pcb, p, info.src());
            } catch (RuntimeException e) {
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
