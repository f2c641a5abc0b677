package org.lwip4j.addr;

import java.util.Objects;

/**
 * An address prefix of either family ({@code 10.0.0.0/8}, {@code 2001:db8::/32}): the
 * destination of a route. The address's host bits are cleared.
 *
 * @param address the network address
 * @param length  the prefix length, 0..32 or 0..128
 */
public record IpPrefix(IpAddress address, int length) {
    /** Checks the length and clears the host bits. */
    public IpPrefix {
        Objects.requireNonNull(address, "address");
        int max = address.version() == 4 ? 32 : 128;
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix length must be 0.." + max + ", not " + length);
        }
        address = switch (address) {
            case Ip4Address a -> Ip4Address.of(a.bits() & mask4(length));
            case Ip6Address a -> new Ip6Address(a.hi() & maskHi(length), a.lo() & maskLo(length), 0);
        };
    }

    /** Parses {@code ADDR/LEN} of either family. */
    public static IpPrefix parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a prefix (ADDR/LEN): " + text);
        }
        IpAddress a = IpAddress.parse(text.substring(0, slash));
        int len;
        try {
            len = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a prefix length: " + text);
        }
        return new IpPrefix(a, len);
    }

    /** The IP version: 4 or 6. */
    public int version() {
        return address.version();
    }

    /** True when {@code a} is of this family and inside the prefix. */
    public boolean contains(IpAddress a) {
        // instanceof rather than a pattern switch: route lookups run per packet, and a type
        // switch's invokedynamic is slow until C2 inlines it (see IpInfo#is)
        if (a instanceof Ip4Address a4) {
            return version() == 4 && contains4(a4.bits());
        }
        Ip6Address a6 = (Ip6Address) a;
        return version() == 6 && contains6(a6.hi(), a6.lo());
    }

    /** True when this is an IPv4 prefix holding the address {@code bits}. */
    public boolean contains4(int bits) {
        return address instanceof Ip4Address a && (bits & mask4(length)) == a.bits();
    }

    /** True when this is an IPv6 prefix holding the address {@code hi:lo}. */
    public boolean contains6(long hi, long lo) {
        return address instanceof Ip6Address a && (hi & maskHi(length)) == a.hi() && (lo & maskLo(length)) == a.lo();
    }

    private static int mask4(int len) {
        return len == 0 ? 0 : -1 << (32 - len);
    }

    private static long maskHi(int len) {
        return len >= 64 ? -1L : len == 0 ? 0 : -1L << (64 - len);
    }

    private static long maskLo(int len) {
        return len <= 64 ? 0 : len == 128 ? -1L : -1L << (128 - len);
    }

    @Override
    public String toString() {
        return address + "/" + length;
    }
}
