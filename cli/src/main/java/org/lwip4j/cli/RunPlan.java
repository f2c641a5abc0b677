package org.lwip4j.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;

/**
 * What a {@code run} does, checked as a whole: the interfaces, the default gateway,
 * forwarding, the services (echo, discard, chargen, iperf), the stats interval and how long the idle loop may sleep.
 *
 * @param interfaces    the interfaces, in order (see {@link #defaultInterface()})
 * @param gw4           the default gateway, or {@code null}; it must lie in one interface's subnet
 * @param forward       forward IPv4 packets between the interfaces ({@code IP_FORWARD})
 * @param services      the services to run and the iperf client test, if any
 * @param statsInterval how often to print a line of the counters that changed, or {@code null} for none
 *                      (the whole table is printed at exit either way)
 * @param maxSleep      the longest the idle stack loop sleeps, or {@code null} for no limit
 *                      (see {@link org.lwip4j.stack.EventLoop#setMaxSleep})
 * @param gw6           the IPv6 default router, or {@code null} (see {@link Gateway6})
 * @param slaac         take addresses and default routers from router advertisements on every
 *                      interface (RFC 4862 §5.5, RFC 4861 §6.3.4)
 */
public record RunPlan(
        List<InterfaceSpec> interfaces,
        Ip4Address gw4,
        boolean forward,
        Services services,
        Duration statsInterval,
        Duration maxSleep,
        Gateway6 gw6,
        boolean slaac) {

    /**
     * The IPv6 default router ({@code --gw6}): a link-local address (RFC 4861 §8: what routers
     * advertise from) on a named interface, or a global one inside an interface's prefix.
     *
     * @param address       the router's address, without zone
     * @param interfaceName the interface it is reached on; {@code null} while not resolved
     *                      (the plan finds it: the only interface, or the one whose prefix holds it)
     */
    public record Gateway6(Ip6Address address, String interfaceName) {
        /**
         * Parses {@code ADDR} or {@code ADDR%INTERFACE}.
         *
         * @throws UsageException with a one-line reason
         */
        public static Gateway6 parse(String text) {
            String t = text.strip();
            int pct = t.indexOf('%');
            String name = null;
            if (pct >= 0) {
                name = t.substring(pct + 1);
                InterfaceSpec.checkIfName(name, "--gw6 interface");
                t = t.substring(0, pct);
            }
            Ip6Address a = Ip6Cidr.parseAddress(t, "--gw6");
            Ip6Cidr.checkUnicast(a, "--gw6");
            return new Gateway6(a, name);
        }

        @Override
        public String toString() {
            return address + (interfaceName != null ? "%" + interfaceName : "");
        }
    }

    /** A plan without IPv6 routing options: no {@code --gw6}, no {@code --slaac}. */
    public RunPlan(List<InterfaceSpec> interfaces, Ip4Address gw4, boolean forward, Services services, Duration statsInterval,
            Duration maxSleep) {
        this(interfaces, gw4, forward, services, statsInterval, maxSleep, null, false);
    }

    /** Checks the plan as a whole; a bad one is a {@link UsageException} with a one-line reason. */
    public RunPlan {
        interfaces = List.copyOf(interfaces);
        java.util.Objects.requireNonNull(services, "services");
        if (interfaces.isEmpty()) {
            throw new UsageException("no interface to run on");
        }
        Set<String> names = new HashSet<>();
        Set<Path> files = new HashSet<>();
        for (InterfaceSpec s : interfaces) {
            if (!names.add(s.name())) {
                throw new UsageException("interface " + s.name() + " is given twice (names must be unique, also across namespaces)");
            }
            if (s.pcap() != null && !files.add(s.pcap().toAbsolutePath().normalize())) {
                throw new UsageException("capture file " + s.pcap() + " is given for two interfaces");
            }
        }
        for (int i = 0; i < interfaces.size(); i++) {
            for (int j = i + 1; j < interfaces.size(); j++) {
                InterfaceSpec a = interfaces.get(i);
                InterfaceSpec b = interfaces.get(j);
                if (a.ip4() == null || b.ip4() == null) {
                    continue;
                }
                int len = Math.min(a.ip4().prefixLength(), b.ip4().prefixLength());
                int mask = len == 0 ? 0 : -1 << (32 - len);
                if (((a.ip4().address().bits() ^ b.ip4().address().bits()) & mask) == 0) {
                    throw new UsageException("the subnets of " + a.name() + " (" + a.ip4() + ") and " + b.name() + " ("
                            + b.ip4() + ") overlap; each interface needs its own subnet");
                }
            }
        }
        if (gw4 != null) {
            for (InterfaceSpec s : interfaces) {
                if (s.ip4() != null && s.ip4().address().equals(gw4)) {
                    throw new UsageException("gateway " + gw4 + " is the stack's own address on " + s.name()
                            + "; the gateway is another router on that subnet");
                }
            }
        }
        if (gw4 != null && gatewayInterface(interfaces, gw4) == null) {
            throw new UsageException("gateway " + gw4 + " is in none of the interfaces' subnets");
        }
        checkIp6(interfaces, forward, slaac);
        gw6 = gw6 == null ? null : resolve(interfaces, gw6);
        if (statsInterval != null && (statsInterval.isNegative() || statsInterval.isZero())) {
            throw new UsageException("--stats needs a positive number of seconds");
        }
        if (maxSleep != null && (maxSleep.isNegative() || maxSleep.isZero())) {
            throw new UsageException("--max-sleep-us needs a positive number of microseconds");
        }
    }

    /** True when the echo service runs (TCP and UDP port 7, RFC 862). */
    public boolean echo() {
        return services.echo();
    }

    /**
     * The default netif: the interface whose subnet holds the gateway; without a gateway the
     * only interface, and none when there are several (a router then answers packets to
     * unknown networks with ICMP "net unreachable", RFC 1812 §5.2.7.1).
     */
    public InterfaceSpec defaultInterface() {
        if (gw4 != null) {
            return gatewayInterface(interfaces, gw4);
        }
        return interfaces.size() == 1 ? interfaces.getFirst() : null;
    }

    /** The interface {@link #gw6()} is reached on, or {@code null} without one. */
    public InterfaceSpec gateway6Interface() {
        if (gw6 == null) {
            return null;
        }
        for (InterfaceSpec s : interfaces) {
            if (s.name().equals(gw6.interfaceName())) {
                return s;
            }
        }
        return null;
    }

    /** IPv6 across interfaces: prefixes of different interfaces must not overlap; SLAAC is for hosts. */
    private static void checkIp6(List<InterfaceSpec> interfaces, boolean forward, boolean slaac) {
        if (slaac && forward) {
            throw new UsageException("--slaac and --forward exclude each other: a router configures its addresses itself, "
                    + "autoconfiguration from router advertisements is for hosts (RFC 4862 §1, RFC 4861 §6.2)");
        }
        for (int i = 0; i < interfaces.size(); i++) {
            for (int j = i + 1; j < interfaces.size(); j++) {
                for (Ip6Cidr a : interfaces.get(i).ip6()) {
                    for (Ip6Cidr b : interfaces.get(j).ip6()) {
                        Ip6Cidr shorter = a.prefixLength() <= b.prefixLength() ? a : b;
                        Ip6Cidr other = shorter == a ? b : a;
                        if (shorter.contains(other.address())) {
                            throw new UsageException("the IPv6 prefixes of " + interfaces.get(i).name() + " (" + a + ") and "
                                    + interfaces.get(j).name() + " (" + b + ") overlap; each interface needs its own prefix");
                        }
                    }
                }
            }
        }
    }

    /** Finds the interface of the IPv6 gateway and checks it is not one of the stack's own addresses. */
    private static Gateway6 resolve(List<InterfaceSpec> interfaces, Gateway6 gw) {
        for (InterfaceSpec s : interfaces) {
            for (Ip6Cidr a : s.ip6()) {
                if (a.address().withZone(0).equals(gw.address().withZone(0))) {
                    throw new UsageException("IPv6 gateway " + gw.address() + " is the stack's own address on " + s.name()
                            + "; the gateway is another router on that link");
                }
            }
        }
        if (gw.interfaceName() != null) {
            for (InterfaceSpec s : interfaces) {
                if (s.name().equals(gw.interfaceName())) {
                    if (!gw.address().isLinkLocal() && s.ip6().stream().noneMatch(a -> a.contains(gw.address()))) {
                        throw new UsageException("IPv6 gateway " + gw + " is in none of " + s.name() + "'s prefixes "
                                + s.ip6().stream().map(a -> a.prefix().toString()).toList()
                                + "; give it an ip6 address in that prefix, or use the router's link-local address");
                    }
                    return gw;
                }
            }
            throw new UsageException("IPv6 gateway " + gw + ": there is no interface " + gw.interfaceName());
        }
        if (gw.address().isLinkLocal()) {
            if (interfaces.size() == 1) {
                return new Gateway6(gw.address(), interfaces.getFirst().name());
            }
            throw new UsageException("IPv6 gateway " + gw.address() + " is link-local: with several interfaces say on which "
                    + "one it is, e.g. --gw6 " + gw.address() + "%" + interfaces.getFirst().name());
        }
        for (InterfaceSpec s : interfaces) {
            for (Ip6Cidr a : s.ip6()) {
                if (a.contains(gw.address())) {
                    return new Gateway6(gw.address(), s.name());
                }
            }
        }
        throw new UsageException("IPv6 gateway " + gw.address() + " is in none of the interfaces' IPv6 prefixes; add an "
                + "--ip6 address in its prefix, or use the router's link-local address");
    }

    private static InterfaceSpec gatewayInterface(List<InterfaceSpec> interfaces, Ip4Address gw) {
        for (InterfaceSpec s : interfaces) {
            if (s.ip4() != null && s.ip4().contains(gw) && !s.ip4().address().equals(gw)) {
                return s;
            }
        }
        return null;
    }
}
