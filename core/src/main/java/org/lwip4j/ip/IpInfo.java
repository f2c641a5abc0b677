package org.lwip4j.ip;

import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;

/**
 * What the IP layer knows about the packet being delivered up right now (lwIP's
 * {@code ip_data}), for either family: receiving netif, addresses, header fields. One per
 * family and stack, refilled for every packet, valid only during the delivery call; copy
 * what you keep. Addresses are held as bits (32 for IPv4, two longs for IPv6) so that
 * steady traffic allocates nothing; {@link #src()} and {@link #dst()} hand out cached
 * address objects.
 */
public class IpInfo {
    /**
     * A description to be filled by an IP family for each packet it delivers. Protected, as
     * the setters are: only the stack's own subclass ({@code org.lwip4j.internal.ip.IpInfoWriter},
     * not exported) fills the instances a transport is handed; not API. Another subclass is
     * refused.
     */
    protected IpInfo() {
        if (getClass() != IpInfo.class && !getClass().getName().equals("org.lwip4j.internal.ip.IpInfoWriter")) {
            throw new UnsupportedOperationException("IpInfo is filled by the stack's IP families only");
        }
    }

    private Netif netif;
    private Pbuf packet;
    private int version;
    private int src4;
    private int dst4;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int headerLen;
    private int protocol;
    private int ttl;
    private int tos;
    private boolean broadcast;
    private boolean multicast;
    private boolean linkBroadcast;
    private int headerOffset;

    private IpAddress srcCache = Ip4Address.ANY;
    private IpAddress dstCache = Ip4Address.ANY;

    /**
     * Describes an IPv4 packet (called by IPv4 before delivery).
     *
     * @param headerOffset  offset of the IP header in the first node of {@code packet}
     * @param linkBroadcast the frame was sent to a link-layer broadcast or multicast address
     */
    protected void set4(Netif netif, Pbuf packet, int src, int dst, int headerLen, int protocol, int ttl, int tos,
            boolean broadcast, boolean multicast, boolean linkBroadcast, int headerOffset) {
        this.version = 4;
        this.src4 = src;
        this.dst4 = dst;
        fill(netif, packet, headerLen, protocol, ttl, tos, broadcast, multicast, linkBroadcast, headerOffset);
    }

    /** Describes an IPv6 packet (called by IPv6 before delivery); {@code broadcast} is always false. */
    protected void set6(Netif netif, Pbuf packet, long srcHi, long srcLo, long dstHi, long dstLo, int headerLen,
            int nextHeader, int hopLimit, int trafficClass, boolean multicast, boolean linkBroadcast, int headerOffset) {
        this.version = 6;
        this.srcHi = srcHi;
        this.srcLo = srcLo;
        this.dstHi = dstHi;
        this.dstLo = dstLo;
        fill(netif, packet, headerLen, nextHeader, hopLimit, trafficClass, false, multicast, linkBroadcast, headerOffset);
    }

    private void fill(Netif netif, Pbuf packet, int headerLen, int protocol, int ttl, int tos, boolean broadcast,
            boolean multicast, boolean linkBroadcast, int headerOffset) {
        this.netif = netif;
        this.packet = packet;
        this.headerLen = headerLen;
        this.protocol = protocol;
        this.ttl = ttl;
        this.tos = tos;
        this.broadcast = broadcast;
        this.multicast = multicast;
        this.linkBroadcast = linkBroadcast;
        this.headerOffset = headerOffset;
    }

    /** Forgets the packet and netif after delivery, so nothing keeps them alive. */
    protected void clear() {
        packet = null;
        netif = null;
    }

    /** The netif the packet arrived on. */
    public Netif netif() {
        return netif;
    }

    /** The whole IP packet (for ICMP errors that quote it). */
    public Pbuf packet() {
        return packet;
    }

    /** IP version: 4 or 6. */
    public int version() {
        return version;
    }

    /** IP header length in bytes, extension headers included (the transport payload starts this far after the header). */
    public int headerLen() {
        return headerLen;
    }

    /** Protocol (IPv4) or last next header (IPv6). */
    public int protocol() {
        return protocol;
    }

    /** TTL / hop limit. */
    public int ttl() {
        return ttl;
    }

    /** TOS / traffic class. */
    public int tos() {
        return tos;
    }

    /** The destination was a broadcast address on the receiving netif (IPv4 only). */
    public boolean isBroadcast() {
        return broadcast;
    }

    /** The destination was a multicast address. */
    public boolean isMulticast() {
        return multicast;
    }

    /** The frame was sent to a link-layer broadcast or multicast address. */
    public boolean isLinkBroadcast() {
        return linkBroadcast;
    }

    /** Offset of the IP header in the first node of {@link #packet()} (to take it back with {@code addHeader}). */
    public int headerOffset() {
        return headerOffset;
    }

    /** IPv4 source address bits (IPv4 packets only). */
    public int src4() {
        return src4;
    }

    /** IPv4 destination address bits (IPv4 packets only). */
    public int dst4() {
        return dst4;
    }

    /** The source address (a cached instance when it repeats, so steady traffic allocates nothing). */
    public IpAddress src() {
        if (!is(srcCache, src4, srcHi, srcLo)) {
            srcCache = make(src4, srcHi, srcLo);
        }
        return srcCache;
    }

    /** The destination address (cached as {@link #src()}). */
    public IpAddress dst() {
        if (!is(dstCache, dst4, dstHi, dstLo)) {
            dstCache = make(dst4, dstHi, dstLo);
        }
        return dstCache;
    }

    /** True when {@code a} is the packet's source (same family and bits; an IPv6 zone is not compared). */
    public boolean srcIs(IpAddress a) {
        return is(a, src4, srcHi, srcLo);
    }

    /** True when {@code a} is the packet's destination. */
    public boolean dstIs(IpAddress a) {
        return is(a, dst4, dstHi, dstLo);
    }

    /** A 32-bit hash of the source address, equal to {@link #hash32(IpAddress)} of {@link #src()}: for demultiplexing tables. */
    public int srcHash32() {
        return version == 4 ? src4 : fold(srcHi, srcLo);
    }

    /** A 32-bit hash of an address of either family (an IPv4 address's bits); the zone is not part of it. */
    public static int hash32(IpAddress a) {
        // instanceof, not a pattern switch, here and below: see is()
        if (a instanceof Ip4Address a4) {
            return a4.bits();
        }
        Ip6Address a6 = (Ip6Address) a;
        return fold(a6.hi(), a6.lo());
    }

    private static int fold(long hi, long lo) {
        long x = hi * 31 + lo;
        return (int) (x ^ (x >>> 32));
    }

    /** The pseudo-header's partial checksum for a transport segment of {@code length} bytes of {@code protocol} in this packet. */
    public long pseudoHeader(int protocol, int length) {
        if (version == 4) {
            return Checksum.pseudoHeaderV4(src4, dst4, protocol, length);
        }
        return Checksum.pseudoHeaderV6(srcHi, srcLo, dstHi, dstLo, protocol, length);
    }

    /**
     * True when {@code a} is the address {@code bits4} or {@code hi:lo} of this packet's
     * family. Per packet: an {@code instanceof} test, not a pattern {@code switch}, whose
     * {@code invokedynamic} (SwitchBootstraps.typeSwitch) makes a class the first time it runs
     * and goes through a method handle until C2 inlines it, milliseconds once and then
     * microseconds per packet in a fresh process.
     */
    private boolean is(IpAddress a, int bits4, long hi, long lo) {
        if (a instanceof Ip4Address a4) {
            return version == 4 && a4.bits() == bits4;
        }
        Ip6Address a6 = (Ip6Address) a;
        return version == 6 && a6.hi() == hi && a6.lo() == lo;
    }

    private IpAddress make(int bits4, long hi, long lo) {
        if (version == 4) {
            return Ip4Address.of(bits4);
        }
        boolean linkLocal = (hi >>> 54) == (0xfe80L >>> 6) || (hi >>> 48) == 0xff02L;
        return new Ip6Address(hi, lo, linkLocal && netif != null ? netif.index() : 0);
    }
}
