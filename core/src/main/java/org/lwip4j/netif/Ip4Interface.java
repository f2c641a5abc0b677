package org.lwip4j.netif;

import org.lwip4j.addr.Ip4Address;

/**
 * One IPv4 address of a netif with its prefix length (lwIP's {@code ip_addr} plus
 * {@code netmask}).
 *
 * @param address      the address
 * @param prefixLength the subnet prefix length, 0..32
 */
public record Ip4Interface(Ip4Address address, int prefixLength) {
    /** Checks the prefix length. */
    public Ip4Interface {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("IPv4 prefix length out of range: " + prefixLength);
        }
    }

    /** Parses {@code a.b.c.d/len}. */
    public static Ip4Interface parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("expected ADDRESS/PREFIX, got \"" + cidr + "\"");
        }
        int len;
        try {
            len = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in \"" + cidr + "\"", e);
        }
        return new Ip4Interface(Ip4Address.parse(cidr.substring(0, slash)), len);
    }

    /** The netmask as bits. */
    public int mask() {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** The netmask. */
    public Ip4Address netmask() {
        return Ip4Address.of(mask());
    }

    /** The network address (host bits zero). */
    public Ip4Address network() {
        return Ip4Address.of(address.bits() & mask());
    }

    /** The directed broadcast address of the subnet (host bits one). */
    public Ip4Address broadcast() {
        return Ip4Address.of(address.bits() | ~mask());
    }

    /** True when {@code a} lies in this subnet. */
    public boolean contains(Ip4Address a) {
        return ((a.bits() ^ address.bits()) & mask()) == 0;
    }

    /** True when {@code bits} lies in this subnet. */
    public boolean contains(int bits) {
        return ((bits ^ address.bits()) & mask()) == 0;
    }

    /**
     * True when {@code bits} is this subnet's directed broadcast address (all host bits one),
     * as lwIP's {@code ip4_addr_isbroadcast} (not for /31 and /32, which have none).
     */
    public boolean isDirectedBroadcast(int bits) {
        return prefixLength < 31 && contains(bits) && (bits | mask()) == -1;
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
