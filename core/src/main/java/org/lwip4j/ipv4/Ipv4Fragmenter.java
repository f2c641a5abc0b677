package org.lwip4j.ipv4;

import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.Ipv4Packet;

/**
 * IPv4 fragmentation (RFC 791 §2.3 "Fragmentation" and §3.2 "An Example Fragmentation
 * Procedure"; lwIP's {@code ip4_frag}).
 *
 * <p>Each fragment is a fresh pool pbuf with {@link Layer#LINK} header room holding a copy
 * of the header and of its share of the data, so the caller's packet is neither consumed
 * nor changed, and a driver that keeps a fragment (an ARP queue) never refers to memory the
 * caller may reuse. Fragments are built and sent one at a time, each freed once
 * {@link Netif#output} returns, so fragmenting needs one fragment's memory at a time.
 *
 * <p>Every fragment but the last carries the largest multiple of 8 data bytes that fits in
 * the MTU after its own header; offsets count 8-byte units from the original packet's own
 * offset (a fragment may be fragmented again), MF is set on all but the last, and the last
 * keeps the original MF. The first fragment carries all options; later ones only the
 * options whose copied flag (type bit 0x80) is set, padded with end-of-options to a
 * 4-byte boundary (RFC 791 §3.1 "Options", §3.2). The header checksum of each fragment is
 * computed when {@code checksumGenIp} is on, else left zero for the device.
 *
 * <p>Counters ({@code stats.ipfrag}): {@code xmit} per fragment sent, {@code memerr} when a
 * fragment cannot be allocated, {@code err} for an unusable packet or MTU and for a send
 * that fails. Used on the stack's event loop only.
 */
final class Ipv4Fragmenter {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.ipv4");
    /** Copied flag of an option type (RFC 791 §3.1). */
    private static final int OPT_COPIED = 0x80;

    private final StackContext ctx;
    private final ProtoStats stats;
    /** The original header, copied out so a chain may split it anywhere (reused; see the nesting guard in fragment). */
    private final byte[] first = new byte[Ipv4Packet.MAX_HEADER_LEN];
    private final MemorySegment firstView = MemorySegment.ofArray(first);
    /** The header of every fragment after the first: options not copied dropped (RFC 791). */
    private final byte[] later = new byte[Ipv4Packet.MAX_HEADER_LEN];
    private boolean busy;

    /**
     * A fragmenter for the stack of {@code ctx}, allocating from its pbuf pool.
     *
     * @param ctx the stack's context (pool, {@code checksumGenIp}, counters)
     */
    Ipv4Fragmenter(StackContext ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.stats = ctx.stats().ipfrag;
    }

    /**
     * Sends {@code packet} as fragments of at most {@code mtu} bytes through
     * {@code netif.output(fragment, nextHop)} (RFC 791 §2.3, §3.2). The packet, a complete
     * IPv4 packet whose header comes first (it may be a chain), is not consumed, and not
     * changed but for a partial checksum left to the device ({@link Pbuf#OFFLOAD_NEEDS_CSUM}),
     * which is completed first: fragments cannot carry it.
     *
     * @param packet  the IPv4 packet, header first; borrowed, not consumed
     * @param netif   where the fragments go
     * @param nextHop the next hop, handed to {@link Netif#output} with each fragment
     * @param mtu     the largest fragment, header included, in bytes
     * @return {@link Err#OK} when every fragment was handed to the netif;
     *         {@link Err#VAL}, sending nothing, when the packet has don't-fragment set (the
     *         caller answers with ICMP fragmentation needed, RFC 1191);
     *         {@link Err#ARG}, sending nothing, for a packet that is not IPv4 or whose
     *         lengths do not hold, or an MTU leaving fewer than 8 data bytes after the header;
     *         {@link Err#MEM} when a fragment could not be allocated (fragments sent before
     *         stay sent; nothing is leaked); or the netif's error for a fragment it refused,
     *         after which no more are sent
     */
    Err fragment(Pbuf packet, Netif netif, IpAddress nextHop, int mtu) {
        Objects.requireNonNull(packet, "packet");
        Objects.requireNonNull(netif, "netif");
        assert ctx.loop().inEventLoop() : "fragmentation off the stack's event loop";
        if (busy) {
            // A driver that feeds output straight back into input can nest us: the header
            // scratch is in use, so a fresh fragmenter takes this packet.
            return new Ipv4Fragmenter(ctx).fragment(packet, netif, nextHop, mtu);
        }
        busy = true;
        try {
            return fragmentNow(packet, netif, nextHop, mtu);
        } finally {
            busy = false;
        }
    }

    private Err fragmentNow(Pbuf packet, Netif netif, IpAddress nextHop, int mtu) {
        if (packet.totalLength() < Ipv4Packet.MIN_HEADER_LEN) {
            return refuse("packet shorter than an IPv4 header");
        }
        packet.copyTo(0, first, 0, Ipv4Packet.MIN_HEADER_LEN);
        MemorySegment h = firstView;
        int hl = Ipv4Packet.headerLen(h, 0);
        if (Ipv4Packet.version(h, 0) != 4 || hl < Ipv4Packet.MIN_HEADER_LEN || hl > packet.totalLength()) {
            return refuse("not an IPv4 header");
        }
        packet.copyTo(0, first, 0, hl);
        int total = Ipv4Packet.totalLen(h, 0);
        if (total < hl || total > packet.totalLength()) {
            return refuse("total length does not match the packet");
        }
        int flagsFrag = Ipv4Packet.flagsFrag(h, 0);
        if ((flagsFrag & Ipv4Packet.FLAG_DF) != 0) {
            return Err.VAL;
        }
        // Fragments carry no offload marks: a checksum left to the device is completed now,
        // in a copy when the bytes are shared (never written under another reader).
        if ((packet.offloadFlags() & Pbuf.OFFLOAD_NEEDS_CSUM) != 0 && !packet.isExclusive()) {
            Pbuf copy = ctx.pbufs().allocPool(Layer.IP, packet.totalLength());
            if (copy == null) {
                stats.memerr++;
                return Err.MEM;
            }
            copy.copyFrom(0, packet, 0, packet.totalLength());
            copy.copyOffloadFrom(packet, 0);
            try {
                return fragmentNow(copy, netif, nextHop, mtu);
            } finally {
                copy.free();
            }
        }
        Checksum.completePartial(packet);
        int dataLen = total - hl;
        if (mtu - hl < 8) {
            return refuse("MTU " + mtu + " leaves no room for 8 data bytes");
        }
        int baseOffset = (flagsFrag & Ipv4Packet.OFFSET_MASK) * 8;
        if (dataLen > 0 && (baseOffset + dataLen - 1) / 8 > Ipv4Packet.OFFSET_MASK) {
            return refuse("fragment offsets would pass 65535 bytes");
        }
        boolean originalMore = (flagsFrag & Ipv4Packet.FLAG_MF) != 0;
        int keptFlags = flagsFrag & ~(Ipv4Packet.FLAG_MF | Ipv4Packet.OFFSET_MASK);
        int laterHl = copiedOptionsHeader(first, hl, later);
        boolean checksum = ctx.config().ip4().checksumGen();

        int off = 0;
        while (true) {
            byte[] header = off == 0 ? first : later;
            int fhl = off == 0 ? hl : laterHl;
            int room = mtu - fhl;
            boolean last = dataLen - off <= room;
            int chunk = last ? dataLen - off : room & ~7;
            Pbuf f = ctx.pbufs().allocPool(Layer.LINK, fhl + chunk);
            if (f == null) {
                stats.memerr++;
                if (LOG.isLoggable(Level.DEBUG)) {
                    LOG.log(Level.DEBUG, "no memory for an IPv4 fragment at offset {0} of {1}", off, dataLen);
                }
                return Err.MEM;
            }
            // Pool buffers leave at least 64 bytes after LINK room: the header is contiguous.
            f.copyFrom(0, header, 0, fhl);
            if (chunk > 0) {
                f.copyFrom(fhl, packet, hl + off, chunk);
            }
            MemorySegment s = f.segment();
            long o = f.offset();
            Ipv4Packet.setTotalLen(s, o, fhl + chunk);
            int more = last ? (originalMore ? Ipv4Packet.FLAG_MF : 0) : Ipv4Packet.FLAG_MF;
            Ipv4Packet.setFlagsFrag(s, o, keptFlags | more | (baseOffset + off) / 8);
            if (checksum) {
                Ipv4Packet.fillChecksum(s, o, fhl);
            } else {
                Ipv4Packet.setChecksum(s, o, 0);
            }
            Err e = netif.output(f, nextHop);
            f.free();
            if (e != Err.OK) {
                stats.err++;
                return e;
            }
            stats.xmit++;
            off += chunk;
            if (last) {
                return Err.OK;
            }
        }
    }

    /**
     * Writes into {@code out} the header of the fragments after the first: the fixed 20
     * bytes of {@code header} and only its options with the copied flag, padded with
     * end-of-options (0) to a multiple of 4 (RFC 791 §3.1); sets the IHL and returns the
     * length. Options that overrun the header end the walk.
     */
    static int copiedOptionsHeader(byte[] header, int hl, byte[] out) {
        System.arraycopy(header, 0, out, 0, Ipv4Packet.MIN_HEADER_LEN);
        int i = Ipv4Packet.MIN_HEADER_LEN;
        int j = Ipv4Packet.MIN_HEADER_LEN;
        while (i < hl) {
            int type = header[i] & 0xff;
            if (type == Ipv4Packet.OPT_EOL) {
                break;
            }
            if (type == Ipv4Packet.OPT_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= hl) {
                break;
            }
            int len = header[i + 1] & 0xff;
            if (len < 2 || i + len > hl) {
                break;
            }
            if ((type & OPT_COPIED) != 0) {
                System.arraycopy(header, i, out, j, len);
                j += len;
            }
            i += len;
        }
        while ((j & 3) != 0) {
            out[j++] = (byte) Ipv4Packet.OPT_EOL;
        }
        out[0] = (byte) (0x40 | (j / 4));
        return j;
    }

    private Err refuse(String why) {
        stats.err++;
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "IPv4 packet not fragmented: " + why);
        }
        return Err.ARG;
    }
}
