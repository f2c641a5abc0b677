package org.lwip4j.ip;

import org.lwip4j.addr.IpAddress;
import org.lwip4j.netif.Netif;

/**
 * Where packets to one remote address go, and from which local address, for either IP
 * family (gVisor's {@code stack.Route}): looked up once with {@link IpOutput#route} and kept
 * by a pcb, which asks {@link IpOutput#stale} before reusing it; a route goes stale when a
 * netif goes down or changes addresses, or a route or the default netif changes.
 *
 * @param netif      the outgoing netif
 * @param local      the source address packets carry
 * @param remote     the destination
 * @param nextHop    the neighbour the link layer resolves: the destination itself when on-link, else a gateway
 * @param mtu        the outgoing netif's MTU when the route was made (TCP derives its MSS from it)
 * @param broadcast  the destination is a broadcast address on the outgoing netif
 * @param generation the IP layer's generation when the route was made
 */
public record Route(Netif netif, IpAddress local, IpAddress remote, IpAddress nextHop, int mtu, boolean broadcast,
        long generation) {

    /** The IP version of the route: 4 or 6. */
    public int version() {
        return remote.version();
    }
}
