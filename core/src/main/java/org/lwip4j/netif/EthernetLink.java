package org.lwip4j.netif;

import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.EthernetFrame;

/**
 * Ethernet II framing (IEEE 802.3, RFC 894) for all Ethernet netifs of a stack (lwIP's
 * {@code ethernet.c}): received frames are checked, 802.1Q tags skipped, frames for other
 * unicast MACs and for multicast groups the netif has not joined ({@link MacFilter}, unless
 * the driver filters them) dropped, and the payload handed to the protocol registered for its
 * EtherType; outgoing packets get their header in the pbuf's header room.
 */
public final class EthernetLink implements LinkLayer {
    private static final long BROADCAST = 0xffff_ffff_ffffL;
    private final StackContext ctx;
    private int[] types = new int[0];
    private NetworkInput[] handlers = new NetworkInput[0];
    private final AddressResolver[] resolvers = new AddressResolver[7];
    /** VLAN netifs by parent index and VLAN id ({@code index << 12 | vid}). */
    private final java.util.Map<Integer, Netif> vlans = new java.util.HashMap<>();

    EthernetLink(StackContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Registers the handler for an EtherType (0x0806 ARP, 0x0800 IPv4, 0x86dd IPv6, ...).
     *
     * @throws IllegalStateException when the EtherType has a handler already
     */
    public void register(int etherType, NetworkInput handler) {
        if (etherType < 0x0600 || etherType > 0xffff) {
            throw new IllegalArgumentException("not an EtherType: 0x" + Integer.toHexString(etherType));
        }
        if (handler(etherType) != null) {
            throw new IllegalStateException("EtherType 0x" + Integer.toHexString(etherType) + " has a handler already");
        }
        int n = types.length;
        int[] t = java.util.Arrays.copyOf(types, n + 1);
        NetworkInput[] h = java.util.Arrays.copyOf(handlers, n + 1);
        t[n] = etherType;
        h[n] = java.util.Objects.requireNonNull(handler, "handler");
        types = t;
        handlers = h;
    }

    /**
     * Registers the next-hop resolver of IP version {@code version} (ARP for 4, ND for 6).
     *
     * @throws IllegalStateException when the version has a resolver already
     */
    public void registerResolver(int version, AddressResolver r) {
        if (version != 4 && version != 6) {
            throw new IllegalArgumentException("IP version must be 4 or 6, not " + version);
        }
        if (resolvers[version] != null) {
            throw new IllegalStateException("IPv" + version + " has a resolver already");
        }
        resolvers[version] = java.util.Objects.requireNonNull(r, "resolver");
    }

    private NetworkInput handler(int etherType) {
        int[] t = types;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == etherType) {
                return handlers[i];
            }
        }
        return null;
    }

    /**
     * Handles a received frame: checked; an 802.1Q-tagged frame goes, untagged, to the VLAN
     * netif of its VLAN id on this netif and is dropped when there is none (as a switch port
     * that is not a member of the VLAN drops it; a priority tag, VID 0, is the native LAN,
     * IEEE 802.1Q §9.6); frames for another unicast MAC are dropped; the payload goes to the
     * protocol registered for the EtherType.
     */
    @Override
    public void input(Netif netif, Pbuf frame) {
        int hdr = EthernetFrame.check(frame.segment(), frame.offset(), frame.length());
        if (hdr < 0) {
            ctx.stats().link.lenerr++;
            drop(netif, frame);
            return;
        }
        var seg = frame.segment();
        int off = frame.offset();
        if (hdr == EthernetFrame.TAGGED_HEADER_LEN) {
            int vid = EthernetFrame.vlanId(seg, off);
            if (vid != 0) {
                toVlan(netif, frame, vid);
                return;
            }
        }
        long dst = EthernetFrame.destination(seg, off);
        boolean group = (dst & (1L << 40)) != 0;
        if (!group && dst != netif.mac().bits()) {
            // Unicast for another station (a bridge or promiscuous device delivered it).
            filtered(netif, frame);
            return;
        }
        if (group && dst != BROADCAST && !netif.driver().filtersMulticast() && !netif.multicastMacs().accepts(dst)) {
            // A group nobody on this netif joined (the driver does not filter for us).
            filtered(netif, frame);
            return;
        }
        NetworkInput h = handler(EthernetFrame.etherType(seg, off, hdr));
        if (h == null) {
            ctx.stats().link.proterr++;
            netif.counters().inUnknownProtos++;
            drop(netif, frame);
            return;
        }
        frame.removeHeader(hdr);
        h.input(netif, frame, group);
    }

    /** Takes the tag off (the MACs moved back over it) and hands the frame to the VLAN netif, or drops it. */
    private void toVlan(Netif netif, Pbuf frame, int vid) {
        Netif vlan = vlans.get((netif.index() << 12) | vid);
        if (vlan == null) {
            ctx.stats().link.proterr++;
            netif.counters().inUnknownProtos++;
            drop(netif, frame);
            return;
        }
        var seg = frame.segment();
        int off = frame.offset();
        java.lang.foreign.MemorySegment.copy(seg, off, seg, off + 4, 12);
        frame.removeHeader(4);
        vlan.inputOnLoop(frame);
    }

    /** Drops a frame the address filter keeps out, counted as such ({@link NetifCounters#inFiltered}) and as a drop. */
    private void filtered(Netif netif, Pbuf frame) {
        netif.counters().inFiltered++;
        drop(netif, frame);
    }

    private void drop(Netif netif, Pbuf frame) {
        ctx.stats().link.drop++;
        netif.counters().inDiscards++;
        frame.free();
    }

    void addVlan(Netif parent, int vid, Netif vlan) {
        vlans.put((parent.index() << 12) | vid, vlan);
    }

    void removeVlan(Netif parent, int vid) {
        vlans.remove((parent.index() << 12) | vid);
    }

    @Override
    public Err output(Netif netif, Pbuf packet, IpAddress nextHop) {
        AddressResolver r = resolvers[nextHop.version()];
        if (r == null) {
            return Err.IF;
        }
        return r.output(netif, packet, nextHop);
    }

    @Override
    public void confirm(Netif netif, IpAddress nextHop) {
        AddressResolver r = resolvers[nextHop.version()];
        if (r != null) {
            r.confirm(netif, nextHop);
        }
    }

    @Override
    public void suspect(Netif netif, IpAddress nextHop) {
        AddressResolver r = resolvers[nextHop.version()];
        if (r != null) {
            r.suspect(netif, nextHop);
        }
    }

    /**
     * Sends {@code payload} in an Ethernet frame to {@code dstMac} with {@code etherType}
     * ({@code ethernet_output}). The header goes into the pbuf's header room (or a separate
     * header pbuf when there is none) and is taken off again afterwards, so the caller's
     * pbuf is as it was. Does not take the caller's reference.
     */
    public Err send(Netif netif, Pbuf payload, long dstMac, int etherType) {
        int h = EthernetFrame.HEADER_LEN;
        if (payload.addHeader(h)) {
            EthernetFrame.emit(payload.segment(), payload.offset(), dstMac, netif.mac().bits(), etherType);
            Err e = netif.linkOutput(payload);
            payload.removeHeader(h);
            return e;
        }
        Pbuf head = ctx.pbufs().allocPool(Layer.LINK, 0);
        if (head == null) {
            ctx.stats().link.memerr++;
            ctx.stats().link.drop++;
            return Err.MEM;
        }
        head.addHeader(h);
        EthernetFrame.emit(head.segment(), head.offset(), dstMac, netif.mac().bits(), etherType);
        head.copyOffloadFrom(payload, h);
        head.chain(payload);
        Err e = netif.linkOutput(head);
        head.free();
        return e;
    }
}
