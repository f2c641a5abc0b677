package org.lwip4j.ip;

import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;

/**
 * What the IP layer knows about the packet being delivered up right now (lwIP's
 * {@code ip_data}): receiving netif, addresses, header fields. One per stack, reused for
 * every packet, valid only during the delivery call; copy what you keep.
 */
public final class IpInfo {
    /** The netif the packet arrived on. */
    public Netif netif;
    /** The whole IP packet (for ICMP errors that quote it); its payload starts at the IP header when {@link #headerOffset} is restored. */
    public Pbuf packet;
    /** IP version (4 or 6). */
    public int version;
    /** IPv4 source address bits. */
    public int src4;
    /** IPv4 destination address bits. */
    public int dst4;
    /** IP header length in bytes (the transport payload starts this far after the header). */
    public int headerLen;
    /** Protocol (IPv4) or next header (IPv6). */
    public int protocol;
    /** TTL / hop limit. */
    public int ttl;
    /** TOS / traffic class. */
    public int tos;
    /** True when the destination was a broadcast address on the receiving netif. */
    public boolean broadcast;
    /** True when the destination was a multicast address. */
    public boolean multicast;
    /** Offset of the IP header in the first node of {@link #packet} (so it can be restored with {@code addHeader}). */
    public int headerOffset;

    private Ip4Address srcCache = Ip4Address.ANY;
    private Ip4Address dstCache = Ip4Address.ANY;

    /** The source address (a cached instance when it repeats, so steady traffic allocates nothing). */
    public IpAddress src() {
        if (srcCache.bits() != src4) {
            srcCache = Ip4Address.of(src4);
        }
        return srcCache;
    }

    /** The destination address (cached as {@link #src()}). */
    public IpAddress dst() {
        if (dstCache.bits() != dst4) {
            dstCache = Ip4Address.of(dst4);
        }
        return dstCache;
    }
}
