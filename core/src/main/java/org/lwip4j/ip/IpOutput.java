package org.lwip4j.ip;

import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;

/**
 * What the transports (UDP, raw, TCP) see of IP, the same for both families: route once,
 * keep the {@link Route}, send through it. The family behind a route (IPv4 or IPv6) adds its
 * header, fragments, loops back or resolves the next hop; the transport never names it.
 */
public interface IpOutput {
    /** {@link #output} option: set IPv4's don't-fragment bit (RFC 1191 PMTU discovery); IPv6 routers never fragment anyway. */
    int DONT_FRAGMENT = 1;
    /**
     * {@link #output} option: a packet to a multicast group the outgoing netif has joined is
     * also delivered to ourselves (lwIP's {@code UDP_FLAGS_MULTICAST_LOOP}, IP_MULTICAST_LOOP;
     * RFC 1112 §6.1, RFC 3493 §5.2).
     */
    int MULTICAST_LOOP = 2;
    /**
     * {@link #output} option: the TTL given is the sender's default, not one its user chose.
     * IPv6 then uses the outgoing link's CurHopLimit for unicast (RFC 4861 §6.3.2, set by
     * router advertisements, §6.3.4); IPv4 has no per-link default and uses the TTL given.
     */
    int DEFAULT_HOP_LIMIT = 4;

    /**
     * The route to {@code remote}: through {@code netif} when it is not {@code null}, else by
     * the routing table; from {@code local} when it is a unicast address (which the outgoing
     * netif must have), else from the address the family selects. {@code null} when there is
     * no route, the local address is not on the outgoing netif, or the stack has no IP of
     * {@code remote}'s family.
     */
    Route route(IpAddress remote, IpAddress local, Netif netif);

    /** True when {@code r} no longer describes the stack (a netif, address or route changed since): route again. */
    boolean stale(Route r);

    /**
     * Sends a transport segment ({@code p}'s payload) through {@code r} in an IP packet of
     * {@code protocol} with {@code ttl} (hop limit) and {@code tos} (traffic class). Does not
     * take the caller's reference and leaves {@code p} as it was.
     *
     * @param options {@link #DONT_FRAGMENT}, {@link #MULTICAST_LOOP}, or 0
     */
    Err output(Pbuf p, Route r, int protocol, int ttl, int tos, int options);

    /**
     * The pseudo-header's partial checksum for a transport segment of {@code length} bytes
     * sent through {@code r} (RFC 768, RFC 9293 §3.1, RFC 8200 §8.1), to be folded with
     * {@link org.lwip4j.buffer.Checksum#finish}.
     */
    long pseudoHeader(Route r, int protocol, int length);

    /**
     * Positive advice: traffic through {@code r} made forward progress (TCP: an ACK of new
     * data), so the next hop's cached link address is confirmed: an ARP entry does not age
     * out or get re-requested (RFC 1122 §2.3.2.1 higher-layer advice), and IPv6 Neighbor
     * Unreachability Detection need not probe it (RFC 4861 §7.3.1). Cheap enough to call
     * per acknowledgement.
     */
    default void confirmReachable(Route r) {
    }

    /**
     * Negative advice: traffic through {@code r} has made no progress (TCP: the same segment
     * sent R1 times, RFC 9293 §3.8.3 MUST-20; RFC 1122 §4.2.3.5, §3.3.1.4), so the next hop
     * is checked again: ARP polls the known address by unicast and forgets the entry if no
     * answer comes in time; ND starts Neighbor Unreachability Detection (RFC 4861 §7.3.3,
     * PROBE), whose failure also marks a default router unreachable so that another is
     * chosen (RFC 4861 §6.3.6). Rate-limited below; any number of calls is harmless.
     */
    default void suspectUnreachable(Route r) {
    }
}
