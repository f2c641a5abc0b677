package org.lwip4j.ipv4;

import java.time.Duration;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.Netif;

/**
 * A snapshot of one ARP cache entry, for tests and the CLI ({@code etharp_get_entry}).
 *
 * @param state  the entry's state
 * @param ip     the IPv4 address resolved
 * @param mac    its hardware address, or {@code null} while {@link ArpState#PENDING}
 * @param netif  the netif the entry belongs to, or {@code null} for a static entry that
 *               applies on every netif
 * @param age    time since the entry was last confirmed (resolved entries) or since the
 *               first request (pending entries); for a static entry, since it was set
 * @param queued packets waiting for the address to be resolved
 */
public record ArpEntry(ArpState state, Ip4Address ip, MacAddress mac, Netif netif, Duration age, int queued) {
}
