package org.lwip4j.cli;

import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpPrefix;

/**
 * An IPv6 address with its prefix length as {@code --ip6} and {@code --host-ip6} take it
 * ({@code 2001:db8:7::2/64}): the address and the on-link prefix it implies (RFC 4861 §5.2).
 *
 * @param address      the address (never multicast, unspecified or loopback)
 * @param prefixLength 1..128
 */
public record Ip6Cidr(Ip6Address address, int prefixLength) {

    /** The prefix ({@code 2001:db8:7::/64}). */
    public IpPrefix prefix() {
        return new IpPrefix(address, prefixLength);
    }

    /** True when {@code a} lies in this address's prefix. */
    public boolean contains(Ip6Address a) {
        return prefix().contains6(a.hi(), a.lo());
    }

    /**
     * Parses {@code ADDR/LEN} strictly for option {@code what}: the address as
     * {@code inet_pton} takes it, no zone, a prefix length 1..128, and an address an interface
     * may have (RFC 4291 §2.5, §2.7: not multicast, unspecified, loopback or IPv4-mapped).
     *
     * @throws UsageException with a one-line reason
     */
    static Ip6Cidr parse(String value, String what) {
        int slash = value.indexOf('/');
        if (slash < 0) {
            throw new UsageException(what + ": expected ADDRESS/PREFIX-LENGTH (e.g. fd00:7::2/64), got \"" + value + "\"");
        }
        Ip6Address a = parseAddress(value.substring(0, slash), what);
        String l = value.substring(slash + 1);
        if (!l.matches("\\d{1,3}")) {
            throw new UsageException(what + ": bad prefix length \"" + l + "\" in " + value + " (1..128)");
        }
        int len = Integer.parseInt(l);
        if (len < 1 || len > 128) {
            throw new UsageException(what + ": prefix length " + len + " is outside 1..128 in " + value);
        }
        checkUnicast(a, what + " " + value);
        return new Ip6Cidr(a, len);
    }

    /** Parses an IPv6 address without zone for option {@code what}. */
    static Ip6Address parseAddress(String value, String what) {
        if (value.indexOf('%') >= 0) {
            throw new UsageException(what + ": \"" + value + "\": no %zone here (the interface says where the address lives)");
        }
        if (value.indexOf(':') < 0) {
            throw new UsageException(what + ": not an IPv6 address: \"" + value + "\"");
        }
        try {
            return Ip6Address.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(what + ": not an IPv6 address: \"" + value + "\"");
        }
    }

    /** Refuses what no interface may have: multicast, unspecified, loopback, IPv4-mapped. */
    static void checkUnicast(Ip6Address a, String what) {
        if (a.isAny()) {
            throw new UsageException(what + ": :: is the unspecified address, which no interface may have");
        }
        if (a.isMulticast()) {
            throw new UsageException(what + ": " + a + " is a multicast address (ff00::/8), not an interface address");
        }
        if (a.isLoopback()) {
            throw new UsageException(what + ": ::1 is the loopback address");
        }
        if (a.hi() == 0 && (a.lo() >>> 32) == 0xffffL) {
            throw new UsageException(what + ": " + a + " is an IPv4-mapped address (::ffff:0:0/96); give the IPv4 "
                    + "address with --ip4");
        }
    }

    @Override
    public String toString() {
        return address.withZone(0) + "/" + prefixLength;
    }
}
