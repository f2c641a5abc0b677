package org.lwip4j.addr;

/**
 * An IP address of either family, used everywhere an address appears (netifs, routes, pcbs,
 * callbacks), so IPv6 slots in without reshaping an API (lwIP's {@code ip_addr_t}).
 */
public sealed interface IpAddress permits Ip4Address, Ip6Address {
    /**
     * The wildcard of both families (lwIP's {@code IPADDR_TYPE_ANY}): a pcb bound to it takes
     * IPv4 and IPv6 traffic alike. It is IPv6's unspecified address {@code ::}, which is what
     * Linux ({@code IPV6_V6ONLY} off, the default) and Java's sockets make of a bind to
     * {@code ::}; {@link Ip4Address#ANY} stays IPv4 only. A stack without IPv6 takes it too
     * (and then only IPv4 arrives).
     */
    IpAddress ANY_TYPE = Ip6Address.ANY;

    /** True for {@link #ANY_TYPE}, the wildcard of both families. */
    static boolean isAnyType(IpAddress a) {
        return a.version() == 6 && a.isAny();
    }

    /** 4 for IPv4, 6 for IPv6. */
    int version();

    /** True for the unspecified address ({@code 0.0.0.0} or {@code ::}). */
    boolean isAny();

    /** True for a multicast address. */
    boolean isMulticast();

    /** True for a loopback address. */
    boolean isLoopback();

    /** True for a link-local address ({@code 169.254/16} or {@code fe80::/10}). */
    boolean isLinkLocal();

    /** The address in network byte order (4 or 16 bytes). */
    byte[] toBytes();

    /**
     * Parses an address of either family: IPv6 if the text contains a colon (with an
     * optional {@code %zone} of digits), else IPv4 with {@code inet_aton} rules.
     *
     * @throws IllegalArgumentException when the text is not an address
     */
    static IpAddress parse(String text) {
        return text.indexOf(':') >= 0 ? Ip6Address.parse(text) : Ip4Address.parse(text);
    }

    /** The address of the 4 or 16 given bytes. */
    static IpAddress of(byte[] bytes) {
        return switch (bytes.length) {
            case 4 -> Ip4Address.of(bytes);
            case 16 -> Ip6Address.of(bytes, 0);
            default -> throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
        };
    }
}
