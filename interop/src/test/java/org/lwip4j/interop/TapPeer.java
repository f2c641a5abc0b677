package org.lwip4j.interop;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;

/**
 * One link between the stack and the kernel: a TAP device whose stack side is a netif of
 * the stack and whose host side lives in a test namespace with an address of its own.
 *
 * @param ns     the namespace holding the host side
 * @param device the TAP device's name (the same inside the namespace)
 * @param netif  the stack's netif on it
 * @param stack  the stack's address on it
 * @param host   the host side's address
 */
record TapPeer(NetNs ns, String device, Netif netif, Ip4Interface stack, Ip4Interface host) {
    private static final Pattern LLADDR = Pattern.compile("lladdr ([0-9a-f:]{17})");
    private static final Pattern LINK_ETHER = Pattern.compile("link/ether ([0-9a-f:]{17})");

    /** The stack's address as text. */
    String stackIp() {
        return stack.address().toString();
    }

    /** The host side's address as text. */
    String hostIp() {
        return host.address().toString();
    }

    /** The stack's MAC on this link, as the kernel prints MACs. */
    String stackMac() {
        return netif.mac().toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** The host side's current MAC. */
    MacAddress hostMac() {
        String out = ns.run("ip", "link", "show", "dev", device).check().output();
        Matcher m = LINK_ETHER.matcher(out);
        if (!m.find()) {
            throw new AssertionError("no MAC in: " + out);
        }
        return MacAddress.parse(m.group(1));
    }

    /** The kernel's neighbour entry for {@code ip} on this link ({@code ip neigh show}), or "". */
    String neighbour(String ip) {
        return ns.run("ip", "neigh", "show", ip, "dev", device).check().output().strip();
    }

    /** The MAC of the kernel's neighbour entry for {@code ip}, or null. */
    String neighbourMac(String ip) {
        Matcher m = LLADDR.matcher(neighbour(ip));
        return m.find() ? m.group(1) : null;
    }
}
