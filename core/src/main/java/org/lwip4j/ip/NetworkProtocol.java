package org.lwip4j.ip;

import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;

/**
 * One IP family as the family-neutral {@link Ip} layer sees it (gVisor's
 * {@code NetworkProtocol}): IPv4 now, IPv6 next. It routes, sends and receives its own
 * packets and hands transport payloads to the transports registered with it.
 */
public interface NetworkProtocol {
    /** 4 or 6. */
    int version();

    /**
     * Registers the transport for IP protocol number {@code protocol} (IPv4's protocol
     * field, IPv6's last next header), and where ICMP errors about its packets go
     * ({@code errors} may be {@code null}). {@link Ip#registerTransport} calls it for every
     * family.
     *
     * @throws IllegalArgumentException when {@code protocol} is not 0..255
     * @throws IllegalStateException when the number is taken: never a silent replace
     */
    void registerTransport(int protocol, TransportInput input, TransportErrorInput errors);

    /** Installs the raw pcbs' hook (called for every packet before the transport gets it). */
    void setRawInput(RawInput raw);

    /** As {@link IpOutput#route}; {@code remote} is of this family. {@code generation} goes into the route. */
    Route route(IpAddress remote, IpAddress local, Netif netif, long generation);

    /** As {@link IpOutput#output}; {@code r} is a route of this family. */
    Err output(Pbuf p, Route r, int protocol, int ttl, int tos, int options);

    /** As {@link IpOutput#pseudoHeader}. */
    long pseudoHeader(IpAddress src, IpAddress dst, int protocol, int length);

    /**
     * Sends a whole packet of this family, header included (raw pcbs with
     * {@code IP_HDRINCL}): checked, routed (or through {@code netif}), looped back or
     * fragmented as any packet. Does not take the caller's reference.
     */
    Err outputPacket(Pbuf packet, Netif netif);

    /**
     * Sends "port unreachable" about a datagram a transport could not deliver; {@code p}'s
     * payload starts at the transport header, {@code info} describes its IP packet. Not for
     * broadcast or multicast datagrams, nor for those that came in a link-layer broadcast
     * (RFC 1122 §3.2.2). Does not take the caller's reference.
     */
    void portUnreachable(Pbuf p, IpInfo info);

    /**
     * Joins the multicast {@code group} (of this family) on {@code netif}, counted per call
     * (IGMP, MLD): the first join reports it. {@link Err#MEM} when the netif has as many
     * groups as it may.
     *
     * @throws IllegalArgumentException when {@code group} is not a multicast address
     */
    default Err joinGroup(Netif netif, IpAddress group) {
        return Err.VAL;
    }

    /** Leaves {@code group} on {@code netif} once; {@link Err#VAL} when it was not joined. */
    default Err leaveGroup(Netif netif, IpAddress group) {
        return Err.VAL;
    }

    /** Frees every packet the family holds (fragments under reassembly): the stack is closing. */
    void release();
}
