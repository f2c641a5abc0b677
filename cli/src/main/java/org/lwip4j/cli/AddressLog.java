package org.lwip4j.cli;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifListener;

/**
 * Prints one {@code lwip4j:} line for every change of the stack's addresses as it happens:
 * an address added (with its state), DAD done or failed (RFC 4862 §5.4), deprecated or
 * preferred again (§5.5.4), removed. Hears the netifs' {@link NetifListener#addressChanged}
 * on the loop and remembers each IPv6 address's last state to say what changed.
 */
final class AddressLog implements NetifListener {
    private final PrintWriter out;
    private final Map<String, Ip6Addresses.State> last = new HashMap<>();
    private volatile boolean muted;

    AddressLog(PrintWriter out) {
        this.out = out;
    }

    /** Records the states the netif's addresses have now, so only later changes are printed. */
    void seed(Netif netif) {
        for (Ip6Addresses.Entry e : netif.ip6().all()) {
            last.put(key(netif, e.address()), e.state());
        }
    }

    /** Prints nothing more: the run is stopping and tears its netifs down. */
    void mute() {
        muted = true;
    }

    @Override
    public void addressChanged(Netif netif, IpAddress oldAddr, IpAddress newAddr) {
        if (muted) {
            return;
        }
        String line = describe(netif, oldAddr, newAddr);
        if (line != null) {
            synchronized (out) {
                out.println("lwip4j: " + line);
                out.flush();
            }
        }
    }

    /** The line for one change (without the {@code lwip4j: } prefix), or null when there is nothing to say. */
    String describe(Netif netif, IpAddress oldAddr, IpAddress newAddr) {
        if (newAddr instanceof Ip6Address a) {
            Ip6Addresses.Entry e = netif.ip6().find(a);
            if (e == null) {
                return null;
            }
            Ip6Addresses.State before = last.put(key(netif, a), e.state());
            String what = format(netif, e);
            if (oldAddr == null) {
                return what + " added, " + state(e.state()) + (e.state() == Ip6Addresses.State.TENTATIVE
                        ? " (duplicate address detection running)" : "");
            }
            if (before == e.state()) {
                return null;
            }
            return what + " " + state(e.state()) + switch (e.state()) {
                case PREFERRED -> before == Ip6Addresses.State.TENTATIVE ? " (DAD done: no other node has it)"
                        : before == Ip6Addresses.State.DEPRECATED ? " again (lifetimes refreshed)" : "";
                case DEPRECATED -> before == Ip6Addresses.State.TENTATIVE ? " (DAD done; its preferred lifetime is over)"
                        : " (preferred lifetime over: kept for existing traffic, not used for new)";
                case DUPLICATE -> " (DAD failed: another node on the link has it; not used)";
                case TENTATIVE -> "";
            };
        }
        if (oldAddr instanceof Ip6Address a && newAddr == null) {
            last.remove(key(netif, a));
            return netif.name() + " IPv6 " + display(netif, a) + " removed";
        }
        if (newAddr != null && oldAddr == null) {
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

    private static String key(Netif netif, Ip6Address a) {
        return netif.index() + " " + a.withZone(0);
    }
}
