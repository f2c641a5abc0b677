package org.lwip4j.ip;

import java.util.Objects;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.addr.IpPrefix;
import org.lwip4j.netif.Netif;

/**
 * A static route of either family: packets to {@code prefix} leave through {@code netif},
 * to {@code gateway}, or straight to the destination when the gateway is unspecified.
 *
 * @param prefix  destination network ({@code 0.0.0.0/0} or {@code ::/0} is a default route)
 * @param gateway next hop, or the unspecified address of the family for on-link
 * @param netif   outgoing netif
 */
public record StaticRoute(IpPrefix prefix, IpAddress gateway, Netif netif) {
    /** Checks that the parts are given and of one family. */
    public StaticRoute {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(netif, "netif");
        if (gateway.version() != prefix.version()) {
            throw new IllegalArgumentException("gateway " + gateway + " is not of the family of " + prefix);
        }
    }

    /** True when the route has a gateway (is not on-link). */
    public boolean hasGateway() {
        return !gateway.isAny();
    }
}
