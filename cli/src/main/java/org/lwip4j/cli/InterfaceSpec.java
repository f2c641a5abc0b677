package org.lwip4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.Ip4Interface;

/**
 * One interface of a {@code run}: which device, the stack's address on it, and how the
 * host side is set up when the device is created. Made from the single-interface options
 * ({@code --tap}, {@code --ip4}, ...) or parsed from an {@code --if} value with
 * {@link #parse(String)}.
 *
 * @param kind    TAP (Ethernet frames) or TUN (bare IP packets)
 * @param name    the device name (also the netif's name in the stack)
 * @param ip4     the stack's IPv4 address and subnet on this interface, or {@code null} for an
 *                interface without IPv4 ({@code --ip4 none}, {@code ip4=none}: IPv6 only)
 * @param hostIp4 the address the host side gets when the device is created; {@code null}
 *                leaves the host side without an address ({@code host-ip4=none})
 * @param mtu     the MTU, or {@code null} for the device's default (1500)
 * @param mac     the stack's MAC (TAP only), or {@code null} for one derived from the name
 * @param pcap    a capture file for this interface's frames, or {@code null}
 * @param netns   the network namespace ({@code ip netns}) the device lives in, or
 *                {@code null} for the current one
 * @param ip6     the stack's IPv6 addresses beside the link-local one it always forms
 *                (RFC 4862 §5.3, RFC 7217 identifier); may be empty
 * @param hostIp6 the IPv6 address the host side gets when the device is created, or
 *                {@code null} for none (the host side still has its own link-local address)
 */
public record InterfaceSpec(
        Kind kind,
        String name,
        Ip4Interface ip4,
        Ip4Interface hostIp4,
        Integer mtu,
        MacAddress mac,
        Path pcap,
        String netns,
        List<Ip6Cidr> ip6,
        Ip6Cidr hostIp6) {

    /** What the device carries. */
    public enum Kind {
        /** Ethernet frames through a TAP device. */
        TAP,
        /** Bare IP packets through a TUN device. */
        TUN
    }

    /** Smallest MTU IPv4 allows (RFC 791). */
    public static final int MIN_MTU = 68;
    /** Largest MTU an IPv4 packet can use. */
    public static final int MAX_MTU = 65535;

    /** At most this many {@code --ip6} addresses per interface: room is left for the link-local one and SLAAC. */
    public static final int MAX_IP6 = 4;

    /** An interface without IPv6 addresses of its own (it still gets a link-local one). */
    public InterfaceSpec(Kind kind, String name, Ip4Interface ip4, Ip4Interface hostIp4, Integer mtu, MacAddress mac,
            Path pcap, String netns) {
        this(kind, name, ip4, hostIp4, mtu, mac, pcap, netns, List.of(), null);
    }

    /** Checks the values; a bad one is a {@link UsageException} with a one-line reason. */
    public InterfaceSpec {
        ip6 = ip6 == null ? List.of() : List.copyOf(ip6);
        checkIp6(name, ip6, hostIp6);
        Objects.requireNonNull(kind, "kind");
        checkIfName(name, "device name");
        if (ip4 == null && hostIp4 != null) {
            throw new UsageException(name + ": a host-side IPv4 address (" + hostIp4 + ") needs an IPv4 address of the stack; "
                    + "without one (ip4 none) give the host side none");
        }
        if (ip4 != null) {
            checkHostAddress(ip4, "stack address");
        }
        if (ip4 != null && hostIp4 != null) {
            checkHostAddress(hostIp4, "host address");
            if (hostIp4.address().equals(ip4.address())) {
                throw new UsageException(name + ": the host side and the stack cannot both have " + ip4.address()
                        + " (give the host side another address of the subnet, or none)");
            }
            if (!ip4.contains(hostIp4.address())) {
                throw new UsageException(name + ": host address " + hostIp4 + " is outside the stack's subnet " + subnet(ip4)
                        + ", so the stack could not answer it; give the host side an address in " + subnet(ip4));
            }
            if (!hostIp4.contains(ip4.address())) {
                throw new UsageException(name + ": the host side's subnet " + subnet(hostIp4) + " does not hold the stack's "
                        + "address " + ip4.address() + ", so the host would have no route to it; give the host side a "
                        + "prefix that holds it (e.g. /" + ip4.prefixLength() + ")");
            }
        }
        if (mtu != null && (mtu < MIN_MTU || mtu > MAX_MTU)) {
            throw new UsageException(name + ": MTU must be " + MIN_MTU + ".." + MAX_MTU + ", not " + mtu);
        }
        if (mac != null) {
            if (kind == Kind.TUN) {
                throw new UsageException(name + ": a TUN device carries no Ethernet frames, so it has no MAC");
            }
            if (mac.bits() == 0) {
                throw new UsageException(name + ": " + mac + " is the all-zero MAC, which no interface may have "
                        + "(pick e.g. 02:00:00:00:00:01, a locally administered one)");
            }
            if (mac.isMulticast()) {
                throw new UsageException(name + ": " + mac + " is not a unicast MAC (the lowest bit of the first byte must be 0)");
            }
        }
        if (netns != null) {
            checkNetnsName(netns);
        }
    }

    /**
     * Parses an {@code --if} value: {@code KIND:NAME,ip4=ADDR/LEN|none[,host-ip4=ADDR/LEN|none]
     * [,ip6=ADDR/LEN]...[,host-ip6=ADDR/LEN|none][,mtu=N][,mac=MAC][,pcap=FILE][,netns=NS]},
     * KIND being {@code tap} or {@code tun}; {@code ip6} may be repeated. Without
     * {@code host-ip4} the host side gets the first address of the subnet that is not the
     * stack's; without {@code host-ip6}, likewise in the first {@code ip6} prefix.
     *
     * @throws UsageException with a one-line reason
     */
    public static InterfaceSpec parse(String text) {
        String t = text.strip();
        int colon = t.indexOf(':');
        if (colon < 0) {
            throw new UsageException("--if " + text + ": expected tap:NAME,ip4=ADDR/LEN[,...] or tun:NAME,ip4=ADDR/LEN[,...]");
        }
        Kind kind = switch (t.substring(0, colon).toLowerCase(Locale.ROOT)) {
            case "tap" -> Kind.TAP;
            case "tun" -> Kind.TUN;
            default -> throw new UsageException("--if " + text + ": the device kind must be tap or tun, not \""
                    + t.substring(0, colon) + "\"");
        };
        String[] parts = t.substring(colon + 1).split(",", -1);
        String name = parts[0].strip();
        Ip4Interface ip4 = null;
        boolean ip4Given = false;
        Ip4Interface host = null;
        boolean hostGiven = false;
        Integer mtu = null;
        MacAddress mac = null;
        Path pcap = null;
        String netns = null;
        List<Ip6Cidr> ip6 = new ArrayList<>();
        Ip6Cidr host6 = null;
        boolean host6Given = false;
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < parts.length; i++) {
            String kv = parts[i].strip();
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--if " + text + ": expected KEY=VALUE, got \"" + kv + "\"");
            }
            String key = kv.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = kv.substring(eq + 1).strip();
            if (!seen.add(key) && !key.equals("ip6")) {
                throw new UsageException("--if " + text + ": " + key + " given twice");
            }
            switch (key) {
                case "ip4" -> {
                    ip4Given = true;
                    ip4 = value.equalsIgnoreCase("none") ? null : parseCidr(value, "ip4");
                }
                case "host-ip4" -> {
                    hostGiven = true;
                    host = value.equalsIgnoreCase("none") ? null : parseCidr(value, "host-ip4");
                }
                case "mtu" -> mtu = parseMtu(value, "mtu");
                case "mac" -> mac = parseMac(value, "mac");
                case "pcap" -> pcap = parsePath(value, "pcap");
                case "netns" -> netns = value;
                case "ip6" -> ip6.add(Ip6Cidr.parse(value, "ip6"));
                case "host-ip6" -> {
                    host6Given = true;
                    host6 = value.equalsIgnoreCase("none") ? null : Ip6Cidr.parse(value, "host-ip6");
                }
                default -> throw new UsageException("--if " + text + ": unknown key \"" + key
                        + "\" (known: ip4, host-ip4, ip6, host-ip6, mtu, mac, pcap, netns)");
            }
        }
        if (!ip4Given) {
            throw new UsageException("--if " + text + ": ip4=ADDR/LEN is required (ip4=none for an interface with IPv6 only)");
        }
        if (!hostGiven) {
            host = ip4 == null ? null : defaultHostAddress(ip4);
        }
        if (!host6Given) {
            host6 = defaultHostAddress6(ip6);
        }
        return new InterfaceSpec(kind, name, ip4, host, mtu, mac, pcap, netns, ip6, host6);
    }

    /**
     * The host side's default: the first address of the stack's subnet that is not the
     * stack's own ({@code 192.168.7.1/24} for a stack at {@code 192.168.7.2/24}), or
     * {@code null} when the subnet has no room for a second host (/31 gives the other
     * address, /32 none).
     */
    public static Ip4Interface defaultHostAddress(Ip4Interface stack) {
        int len = stack.prefixLength();
        if (len == 32) {
            return null;
        }
        int net = stack.network().bits();
        if (len == 31) {
            int other = stack.address().bits() ^ 1;
            return new Ip4Interface(Ip4Address.of(other), len);
        }
        int first = net + 1;
        if (first == stack.address().bits()) {
            first++;
        }
        return new Ip4Interface(Ip4Address.of(first), len);
    }

    /**
     * The IPv6 host side's default: in the prefix of the stack's first IPv6 address, the
     * first address that is not the stack's ({@code fd00:7::1/64} for a stack at
     * {@code fd00:7::2/64}); the other one of a /127 (RFC 6164), none for a /128 or when the
     * stack has no IPv6 address of its own.
     */
    public static Ip6Cidr defaultHostAddress6(List<Ip6Cidr> stack) {
        if (stack.isEmpty()) {
            return null;
        }
        Ip6Cidr s = stack.getFirst();
        int len = s.prefixLength();
        if (len == 128) {
            return null;
        }
        Ip6Address net = (Ip6Address) s.prefix().address();
        long lo = len == 127 ? s.address().lo() ^ 1 : net.lo() + 1;
        if (len < 127 && lo == s.address().lo() && net.hi() == s.address().hi()) {
            lo++;
        }
        return new Ip6Cidr(new Ip6Address(net.hi(), lo, 0), len);
    }

    /** The IPv6 checks of one interface: the stack's addresses, and the host side's against them. */
    private static void checkIp6(String name, List<Ip6Cidr> ip6, Ip6Cidr host) {
        if (ip6.size() > MAX_IP6) {
            throw new UsageException(name + ": at most " + MAX_IP6 + " IPv6 addresses per interface (beside the link-local "
                    + "one, with room for SLAAC), not " + ip6.size());
        }
        Set<Ip6Address> seen = new HashSet<>();
        for (Ip6Cidr a : ip6) {
            if (a.address().isLinkLocal()) {
                throw new UsageException(name + ": " + a + " is link-local; the stack forms its own link-local address "
                        + "(RFC 4862 §5.3, RFC 7217 identifier): give global or unique-local (fd00::/8) addresses");
            }
            if (!seen.add(a.address().withZone(0))) {
                throw new UsageException(name + ": IPv6 address " + a.address() + " is given twice");
            }
        }
        if (host == null) {
            return;
        }
        Ip6Cidr.checkUnicast(host.address(), name + ": host-ip6");
        if (host.address().isLinkLocal()) {
            throw new UsageException(name + ": host address " + host + " is link-local; the host side forms its own "
                    + "link-local address, give it a global or unique-local one");
        }
        if (ip6.isEmpty()) {
            throw new UsageException(name + ": a host-side IPv6 address (" + host + ") needs an IPv6 address of the stack "
                    + "in the same prefix (--ip6 or ip6=)");
        }
        Ip6Cidr inside = null;
        for (Ip6Cidr a : ip6) {
            if (a.address().withZone(0).equals(host.address().withZone(0))) {
                throw new UsageException(name + ": the host side and the stack cannot both have " + a.address()
                        + " (give the host side another address of the prefix, or none)");
            }
            if (inside == null && a.contains(host.address())) {
                inside = a;
            }
        }
        if (inside == null) {
            throw new UsageException(name + ": host address " + host + " is outside the stack's IPv6 prefixes "
                    + ip6.stream().map(a -> a.prefix().toString()).toList() + ", so the stack could not answer it; give the "
                    + "host side an address in one of them");
        }
        if (!host.contains(inside.address())) {
            throw new UsageException(name + ": the host side's prefix " + host.prefix() + " does not hold the stack's address "
                    + inside.address() + ", so the host would have no route to it; give the host side a prefix that holds it "
                    + "(e.g. /" + inside.prefixLength() + ")");
        }
    }

    /** Parses {@code a.b.c.d/len} strictly (four decimal parts). */
    static Ip4Interface parseCidr(String value, String what) {
        int slash = value.indexOf('/');
        if (slash < 0) {
            throw new UsageException(what + ": expected ADDRESS/PREFIX-LENGTH (e.g. 192.168.7.2/24), got \"" + value + "\"");
        }
        var addr = parseAddress(value.substring(0, slash), what);
        String l = value.substring(slash + 1);
        if (!l.matches("\\d{1,2}")) {
            throw new UsageException(what + ": bad prefix length \"" + l + "\" in " + value + " (0..32)");
        }
        int len = Integer.parseInt(l);
        if (len > 32) {
            throw new UsageException(what + ": prefix length " + len + " is above 32 in " + value);
        }
        return new Ip4Interface(addr, len);
    }

    /** Parses a dotted-quad IPv4 address strictly. */
    static Ip4Address parseAddress(String value, String what) {
        if (!value.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new UsageException(what + ": not an IPv4 address: \"" + value + "\"");
        }
        for (String p : value.split("\\.")) {
            if (Integer.parseInt(p) > 255) {
                throw new UsageException(what + ": not an IPv4 address: \"" + value + "\" (" + p + " is above 255)");
            }
        }
        return Ip4Address.parse(value);
    }

    static int parseMtu(String value, String what) {
        if (!value.matches("\\d{1,6}")) {
            throw new UsageException(what + ": not a number: \"" + value + "\"");
        }
        return Integer.parseInt(value);
    }

    static MacAddress parseMac(String value, String what) {
        if (!value.matches("\\p{XDigit}{2}([:-]\\p{XDigit}{2}){5}")) {
            throw new UsageException(what + ": not a MAC address (expected six hex pairs like 02:00:00:00:00:01): \"" + value + "\"");
        }
        return MacAddress.parse(value);
    }

    static Path parsePath(String value, String what) {
        if (value.isEmpty()) {
            throw new UsageException(what + ": the file name is empty");
        }
        return Path.of(value);
    }

    /** A Linux interface name: 1..15 bytes, no '/', ':', whitespace, not "." or "..". */
    static void checkIfName(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new UsageException("the " + what + " is empty");
        }
        if (name.length() > 15) {
            throw new UsageException(what + " \"" + name + "\" is longer than 15 characters (Linux's IFNAMSIZ)");
        }
        if (name.equals(".") || name.equals("..") || !name.matches("[A-Za-z0-9_.\\-]+")) {
            throw new UsageException(what + " \"" + name + "\" may hold only letters, digits, '_', '-' and '.'");
        }
    }

    static void checkNetnsName(String ns) {
        if (ns.isEmpty() || ns.equals(".") || ns.equals("..") || !ns.matches("[A-Za-z0-9_.\\-]+")) {
            throw new UsageException("bad network namespace name \"" + ns + "\"");
        }
    }

    private static void checkHostAddress(Ip4Interface a, String what) {
        int bits = a.address().bits();
        if (bits == 0 || bits == -1 || (bits >>> 28) == 0xe || (bits >>> 24) == 127 || (bits >>> 24) == 0) {
            throw new UsageException(what + " " + a + " is not a unicast host address");
        }
        if (a.prefixLength() == 0) {
            throw new UsageException(what + " " + a + ": a /0 subnet is everything; give a real prefix length");
        }
        if (a.prefixLength() < 31) {
            if (bits == a.network().bits()) {
                throw new UsageException(what + " " + a + " is the subnet's network address");
            }
            if (bits == a.broadcast().bits()) {
                throw new UsageException(what + " " + a + " is the subnet's broadcast address");
            }
        }
    }

    /** {@code 192.168.7.0/24}: the subnet of {@code a}, for messages. */
    static String subnet(Ip4Interface a) {
        return a.network() + "/" + a.prefixLength();
    }

    /** {@code tap:lwip0 192.168.7.2/24} and so on, for messages. */
    public String describe() {
        return kind.name().toLowerCase(Locale.ROOT) + ":" + name + (netns != null ? "@" + netns : "");
    }
}
