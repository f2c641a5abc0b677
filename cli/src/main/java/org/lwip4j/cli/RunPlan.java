package org.lwip4j.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.lwip4j.addr.Ip4Address;

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
 */
public record RunPlan(
        List<InterfaceSpec> interfaces,
        Ip4Address gw4,
        boolean forward,
        Services services,
        Duration statsInterval,
        Duration maxSleep) {

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
                if (s.ip4().address().equals(gw4)) {
                    throw new UsageException("gateway " + gw4 + " is the stack's own address on " + s.name()
                            + "; the gateway is another router on that subnet");
                }
            }
        }
        if (gw4 != null && gatewayInterface(interfaces, gw4) == null) {
            throw new UsageException("gateway " + gw4 + " is in none of the interfaces' subnets");
        }
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

    private static InterfaceSpec gatewayInterface(List<InterfaceSpec> interfaces, Ip4Address gw) {
        for (InterfaceSpec s : interfaces) {
            if (s.ip4().contains(gw) && !s.ip4().address().equals(gw)) {
                return s;
            }
        }
        return null;
    }
}
