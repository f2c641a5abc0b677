package org.lwip4j.netif;

import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.EthernetFrame;

/**
 * The driver of an IEEE 802.1Q VLAN netif: frames sent on it leave through the parent
 * Ethernet netif with a tag of its VLAN id inserted after the source MAC (IEEE 802.1Q
 * §9.3); frames that arrive on the parent with that tag are handed to the VLAN netif with
 * the tag taken off (by the parent's {@link EthernetLink}). Made with
 * {@code NetifTable.addVlan}.
 */
public final class VlanDriver implements NetifDriver {
    private final StackContext ctx;
    private final Netif parent;
    private final int vid;
    private int priority;

    VlanDriver(StackContext ctx, Netif parent, int vid) {
        this.ctx = ctx;
        this.parent = parent;
        this.vid = vid;
    }

    /** The Ethernet netif the tagged frames go through. */
    public Netif parent() {
        return parent;
    }

    /** The VLAN id (1..4094). */
    public int vid() {
        return vid;
    }

    /** The priority code point of sent frames (0..7, IEEE 802.1Q PCP). */
    public void setPriority(int pcp) {
        if (pcp < 0 || pcp > 7) {
            throw new IllegalArgumentException("802.1Q priority must be 0..7, not " + pcp);
        }
        this.priority = pcp;
    }

    @Override
    public LinkType linkType() {
        return LinkType.ETHERNET;
    }

    @Override
    public int mtu() {
        return parent.mtu();
    }

    @Override
    public void attach(Netif netif) {
    }

    @Override
    public boolean completesChecksums() {
        return parent.driver().completesChecksums();
    }

    /**
     * Sends {@code frame} (an untagged Ethernet frame) through the parent with the tag
     * inserted: in the frame's own header room when it has 4 bytes (the MACs moved forward,
     * then back), else in a header pbuf of its own. Does not take the caller's reference.
     */
    @Override
    public Err transmit(Pbuf frame) {
        int tci = (priority << 13) | vid;
        if (frame.length() >= EthernetFrame.HEADER_LEN && frame.addHeader(4)) {
            var s = frame.segment();
            int off = frame.offset();
            java.lang.foreign.MemorySegment.copy(s, off + 4, s, off, 12);
            Bytes.put16(s, off + EthernetFrame.Field.TYPE, EthernetFrame.TYPE_VLAN);
            Bytes.put16(s, off + EthernetFrame.Field.TCI, tci);
            Err e = parent.linkOutput(frame);
            java.lang.foreign.MemorySegment.copy(s, off, s, off + 4, 12);
            frame.removeHeader(4);
            return e;
        }
        Pbuf head = ctx.pbufs().allocPool(Layer.LINK, 16);
        if (head == null) {
            ctx.stats().link.memerr++;
            return Err.MEM;
        }
        frame.copyTo(0, head.segment(), head.offset(), 12);
        Bytes.put16(head.segment(), head.offset() + 12, EthernetFrame.TYPE_VLAN);
        Bytes.put16(head.segment(), head.offset() + 14, tci);
        frame.removeHeader(12);
        head.copyOffloadFrom(frame, 16);
        head.chain(frame);
        Err e = parent.linkOutput(head);
        head.free();
        frame.addHeader(12);
        return e;
    }
}
