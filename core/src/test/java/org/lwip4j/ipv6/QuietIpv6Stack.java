package org.lwip4j.ipv6;

import java.util.function.Consumer;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/**
 * The IPv6 tests' usual subject: one stack on a captured Ethernet wire whose only traffic is
 * what the test provokes. No link-local address, no DAD, no router solicitations, no MLD
 * reports (lwIP: no {@code NETIF_FLAG_MLD6}; MldTest has those), and one global address,
 * preferred at once, on the default netif.
 */
record QuietIpv6Stack(Stack stack, CaptureDriver wire, Netif netif) {
    static QuietIpv6Stack create(VirtualClock clock, String address, Consumer<StackConfig.Builder> tweak) {
        StackConfig.Builder b = StackConfig.builder().randomSeed(3).ip6LinkLocal(false).lwipIpv6DupDetectAttempts(0)
                .maxRtrSolicitations(0);
        tweak.accept(b);
        Stack stack = Stack.create(b.build(), clock);
        CaptureDriver wire = new CaptureDriver();
        Netif netif = stack.addNetif(wire, "eth0");
        netif.setFlags(Netif.FLAG_MLD6, 0);
        netif.setUp(true);
        stack.netifs().setDefault(netif);
        netif.ip6().add(Ip6Address.parse(address), 64);
        return new QuietIpv6Stack(stack, wire, netif);
    }
}
