package org.lwip4j.cli;

import java.util.Locale;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifListener;

/**
 * Prints one {@code lwip4j:} line for every change of the stack's addresses as it happens:
 * for IPv6 (the netifs' {@link Ip6Addresses.Listener} events) an address added or formed by
 * SLAAC (RFC 4862 §5.5.3), DAD done or failed (§5.4), deprecated, preferred again or removed
 * (§5.5.4); for IPv4 an address added, replaced or removed ({@link NetifListener}). Runs on
 * the loop, which only formats the line: the {@link ConsoleLines} writes it.
 */
final class AddressLog implements NetifListener, Ip6Addresses.Listener {
    private final ConsoleLines out;
    private volatile boolean muted;

    AddressLog(ConsoleLines out) {
        this.out = out;
    }

    /** Prints nothing more: the run is stopping and tears its netifs down. */
    void mute() {
        muted = true;
    }

    private void print(String line) {
        if (line != null && !muted) {
            out.print(line(line));
        }
    }

    /** The printed line for {@code what}. */
    static String line(String what) {
        return "lwip4j: " + what;
    }

    @Override
    public void addressEvent(Netif netif, Ip6Addresses.Entry entry, Ip6Addresses.Event event) {
        print(describe(netif, entry, event));
    }

    @Override
    public void addressChanged(Netif netif, IpAddress oldAddr, IpAddress newAddr) {
        if (!(oldAddr instanceof Ip6Address) && !(newAddr instanceof Ip6Address)) {
            print(describe4(netif, oldAddr, newAddr));
        }
    }

    /** The line for one IPv6 event (without the {@code lwip4j: } prefix). */
    static String describe(Netif netif, Ip6Addresses.Entry e, Ip6Addresses.Event event) {
        String what = format(netif, e);
        return what + " " + switch (event) {
            case ADDED -> (e.origin() == Ip6Addresses.Origin.SLAAC ? "SLAAC address formed from a router advertisement, "
                    : e.origin() == Ip6Addresses.Origin.TEMPORARY ? "temporary address (RFC 8981) formed, " : "added, ")
                    + state(e.state()) + (e.state() == Ip6Addresses.State.TENTATIVE ? " (duplicate address detection running)" : "");
            case DAD_SUCCEEDED -> state(e.state()) + (e.state() == Ip6Addresses.State.PREFERRED
                    ? " (DAD done: no other node has it)" : " (DAD done; its preferred lifetime is over)");
            case DAD_FAILED -> "duplicate (DAD failed: another node on the link has it; not used)";
            case DEPRECATED -> "deprecated (preferred lifetime over: kept for existing traffic, not used for new)";
            case PREFERRED_AGAIN -> "preferred again (lifetimes refreshed by a router advertisement)";
            case REMOVED -> "removed";
        };
    }

    /** The line for one IPv4 change, or null when nothing changed. */
    static String describe4(Netif netif, IpAddress oldAddr, IpAddress newAddr) {
        if (oldAddr == null && newAddr != null) {
            return netif.name() + " IPv4 " + newAddr + " added";
        }
        if (oldAddr != null && newAddr == null) {
            return netif.name() + " IPv4 " + oldAddr + " removed";
        }
        if (oldAddr != null && !oldAddr.equals(newAddr)) {
            return netif.name() + " IPv4 " + oldAddr + " replaced by " + newAddr;
        }
        return null;
    }

    /** {@code lwip0 IPv6 fe80::1%lwip0/64}: netif, family, address with its zone by name, prefix length. */
    static String format(Netif netif, Ip6Addresses.Entry e) {
        return netif.name() + " IPv6 " + display(netif, e.address()) + "/" + e.prefixLength();
    }

    /** An address as a user types it: a link-local one with {@code %NETIF} (RFC 4007 §11). */
    static String display(Netif netif, Ip6Address a) {
        return a.isLinkLocal() ? a.withZone(0) + "%" + netif.name() : a.withZone(0).toString();
    }

    /** The state in words. */
    static String state(Ip6Addresses.State s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
