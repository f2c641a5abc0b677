package org.lwip4j.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.sim.VirtualSwitch;
import org.lwip4j.stack.Err;
import org.lwip4j.testing.SimNet;

/**
 * UDP multicast for both families between stacks on a virtual switch, in virtual time: one
 * sender, two members, one non-member; leaving, closing, TTL and hop limit on the wire,
 * loopback, the outgoing netif, delivery to every matching pcb, and pcbs bound to the
 * wildcard of both families.
 */
class UdpMulticastTest {
    private static final Ip4Address G4 = Ip4Address.parse("239.1.1.1");
    private static final Ip6Address G6 = Ip6Address.parse("ff05::1:2");
    private static final int PORT = 5000;
    private final SimNet net = new SimNet(11);
    private final VirtualSwitch sw = new VirtualSwitch(net.sim);
    private final List<Stack> stacks = new ArrayList<>();
    private final List<Netif> netifs = new ArrayList<>();
    private final List<VirtualSwitch.Port> ports = new ArrayList<>();

    /** Four stacks on the switch: 10.0.0.1 .. 10.0.0.4, link-local IPv6 addresses once DAD is done. */
    private void fourStacks() {
        for (int i = 1; i <= 4; i++) {
            Stack s = net.stack();
            VirtualSwitch.Port p = sw.newPort();
            stacks.add(s);
            ports.add(p);
            netifs.add(SimNet.attach(s, p, "eth0", "10.0.0." + i + "/24"));
        }
        assertTrue(net.runUntil(() -> netifs.stream().allMatch(n -> n.ip6().linkLocal() != null
                && n.ip6().linkLocal().state() == Ip6Addresses.State.PREFERRED), Duration.ofSeconds(5)));
    }

    @AfterEach
    void close() {
        for (Stack s : net.stacks()) {
            s.close();
            assertEquals(List.of(), SimNet.leakedPbufs(s));
        }
    }

    /** A pcb on {@code s} bound to {@code addr}:{@code port}, recording "payload from source". */
    private static UdpPcb receiver(Stack s, IpAddress addr, int port, List<String> got) {
        UdpPcb pcb = s.newUdpPcb();
        pcb.setReuseAddress(true);
        assertEquals(Err.OK, pcb.bind(addr, port));
        pcb.onReceive((pc, p, src, sport, n) -> {
            got.add(new String(p.toByteArray()) + " from " + src);
            p.free();
        });
        return pcb;
    }

    private static Err send(Stack s, UdpPcb pcb, IpAddress dst, String text) {
        Pbuf p = s.pbuf(text.getBytes());
        Err e = pcb.sendTo(p, dst, PORT);
        p.free();
        return e;
    }

    @Test
    void anIpv4GroupReachesItsMembersAndNoOneElse() {
        fourStacks();
        List<String> b = new ArrayList<>();
        List<String> c = new ArrayList<>();
        List<String> d = new ArrayList<>();
        UdpPcb pb = receiver(stacks.get(1), Ip4Address.ANY, PORT, b);
        UdpPcb pc = receiver(stacks.get(2), G4, PORT, c);
        receiver(stacks.get(3), Ip4Address.ANY, PORT, d);
        assertEquals(Err.OK, pb.joinGroup(G4, null));
        assertEquals(Err.OK, pc.joinGroup(G4, netifs.get(2)));
        assertEquals(Err.USE, pc.joinGroup(G4, netifs.get(2)), "joined by this pcb already");
        assertTrue(ports.get(1).multicastFilter().contains(MacAddress.parse("01:00:5e:01:01:01")));
        assertFalse(ports.get(3).multicastFilter().contains(MacAddress.parse("01:00:5e:01:01:01")));
        UdpPcb sender = stacks.get(0).newUdpPcb();
        assertEquals(Err.OK, send(stacks.get(0), sender, G4, "one"));
        net.runFor(Duration.ofSeconds(1));
        assertEquals(List.of("one from 10.0.0.1"), b);
        assertEquals(List.of("one from 10.0.0.1"), c);
        assertEquals(List.of(), d, "not a member");
        // Leaving stops delivery to that member only; closing leaves too.
        assertEquals(Err.OK, pc.leaveGroup(G4, null));
        assertEquals(Err.VAL, pc.leaveGroup(G4, null));
        assertFalse(stacks.get(2).ipv4().igmp().isMember(netifs.get(2), G4.bits()));
        send(stacks.get(0), sender, G4, "two");
        net.runFor(Duration.ofSeconds(1));
        assertEquals(List.of("one from 10.0.0.1", "two from 10.0.0.1"), b);
        assertEquals(1, c.size());
        pb.close();
        assertFalse(stacks.get(1).ipv4().igmp().isMember(netifs.get(1), G4.bits()));
        assertFalse(ports.get(1).multicastFilter().contains(MacAddress.parse("01:00:5e:01:01:01")));
        sender.close();
    }

    @Test
    void anIpv6GroupReachesItsMembersAndNoOneElse() {
        fourStacks();
        List<String> b = new ArrayList<>();
        List<String> c = new ArrayList<>();
        List<String> d = new ArrayList<>();
        UdpPcb pb = receiver(stacks.get(1), Ip6Address.ANY, PORT, b);
        UdpPcb pc = receiver(stacks.get(2), Ip6Address.ANY, PORT, c);
        receiver(stacks.get(3), Ip6Address.ANY, PORT, d);
        assertEquals(Err.OK, pb.joinGroup(G6, null));
        assertEquals(Err.OK, pc.joinGroup(G6, netifs.get(2)));
        assertTrue(ports.get(1).multicastFilter().contains(G6.multicastMac()));
        UdpPcb sender = stacks.get(0).newUdpPcb();
        assertEquals(Err.OK, send(stacks.get(0), sender, G6, "six"));
        net.runFor(Duration.ofSeconds(1));
        String from = " from " + netifs.get(0).ip6().linkLocal().address().withZone(0);
        assertEquals(1, b.size());
        assertTrue(b.get(0).startsWith("six from fe80::"), b.get(0));
        assertEquals(b, c);
        assertEquals(List.of(), d);
        pc.close();
        send(stacks.get(0), sender, G6, "again");
        net.runFor(Duration.ofSeconds(1));
        assertEquals(2, b.size());
        assertEquals(1, c.size());
        assertFalse(from.isEmpty());
        sender.close();
    }

    @Test
    void multicastLeavesWithTtlOneByDefaultOrTheTtlSetOnThePcb() {
        fourStacks();
        List<Integer> ttls = new ArrayList<>();
        netifs.get(0).setTap((n, f, out) -> {
            byte[] b = f.toByteArray();
            if (out && b.length > 34 && b[12] == 8 && b[13] == 0 && b[23] == 17) {
                ttls.add(b[22] & 0xff);
            } else if (out && b.length > 54 && b[12] == (byte) 0x86 && b[13] == (byte) 0xdd && b[20] == 17) {
                ttls.add(b[21] & 0xff);
            }
        });
        UdpPcb sender = stacks.get(0).newUdpPcb();
        send(stacks.get(0), sender, G4, "a");
        sender.setMulticastTtl(7);
        assertEquals(7, sender.multicastTtl());
        send(stacks.get(0), sender, G4, "b");
        UdpPcb six = stacks.get(0).newUdpPcb();
        assertEquals(Err.OK, six.bind(Ip6Address.ANY, 0));
        send(stacks.get(0), six, G6, "c");
        six.setMulticastTtl(9);
        send(stacks.get(0), six, G6, "d");
        assertEquals(List.of(1, 7, 1, 9), ttls);
        sender.close();
        six.close();
    }

    @Test
    void ourOwnMulticastIsLoopedBackToOurMembersUnlessTurnedOff() {
        fourStacks();
        Stack a = stacks.get(0);
        List<String> got = new ArrayList<>();
        UdpPcb member = receiver(a, Ip4Address.ANY, PORT, got);
        member.joinGroup(G4, null);
        UdpPcb sender = a.newUdpPcb();
        assertTrue(sender.multicastLoop(), "on by default (RFC 1112 §6.1)");
        send(a, sender, G4, "loop");
        net.runFor(Duration.ofMillis(100));
        assertEquals(List.of("loop from 10.0.0.1"), got);
        sender.setMulticastLoop(false);
        send(a, sender, G4, "no");
        net.runFor(Duration.ofMillis(100));
        assertEquals(1, got.size());
        // IPv6 likewise.
        List<String> got6 = new ArrayList<>();
        UdpPcb member6 = receiver(a, Ip6Address.ANY, PORT, got6);
        member6.joinGroup(G6, null);
        UdpPcb sender6 = a.newUdpPcb();
        sender6.bind(Ip6Address.ANY, 0);
        send(a, sender6, G6, "loop6");
        net.runFor(Duration.ofMillis(100));
        assertEquals(1, got6.size());
        sender.close();
        sender6.close();
    }

    @Test
    void theMulticastNetifChoosesTheWayOut() {
        fourStacks();
        // The sender gets a second netif, a link to a fifth stack, as its default.
        Stack a = stacks.get(0);
        Stack e = net.stack();
        VirtualLink link = net.link(Impairments.NONE);
        Netif a1 = SimNet.attach(a, link.endpointA(), "eth1", "10.1.0.1/24");
        Netif e0 = SimNet.attach(e, link.endpointB(), "eth0", "10.1.0.2/24");
        a.netifs().setDefault(a1);
        List<String> viaSwitch = new ArrayList<>();
        List<String> viaLink = new ArrayList<>();
        receiver(stacks.get(1), Ip4Address.ANY, PORT, viaSwitch).joinGroup(G4, null);
        receiver(e, Ip4Address.ANY, PORT, viaLink).joinGroup(G4, e0);
        net.runFor(Duration.ofSeconds(1));
        UdpPcb sender = a.newUdpPcb();
        send(a, sender, G4, "default");
        net.runFor(Duration.ofMillis(100));
        sender.setMulticastNetif(netifs.get(0));
        assertEquals(netifs.get(0), sender.multicastNetif());
        send(a, sender, G4, "chosen");
        net.runFor(Duration.ofMillis(100));
        assertEquals(List.of("default from 10.1.0.1"), viaLink);
        assertEquals(List.of("chosen from 10.0.0.1"), viaSwitch);
        sender.close();
    }

    @Test
    void aMulticastDatagramGoesToEveryMatchingPcbOnThePort() {
        fourStacks();
        Stack b = stacks.get(1);
        List<String> one = new ArrayList<>();
        List<String> two = new ArrayList<>();
        List<String> unicastBound = new ArrayList<>();
        receiver(b, Ip4Address.ANY, PORT, one).joinGroup(G4, null);
        receiver(b, G4, PORT, two);
        receiver(b, Ip4Address.parse("10.0.0.2"), PORT, unicastBound);
        UdpPcb sender = stacks.get(0).newUdpPcb();
        send(stacks.get(0), sender, G4, "all");
        net.runFor(Duration.ofMillis(200));
        assertEquals(List.of("all from 10.0.0.1"), one);
        assertEquals(List.of("all from 10.0.0.1"), two, "the group's own pcb, each with its own copy");
        assertEquals(List.of(), unicastBound);
        sender.close();
    }

    @Test
    void aPcbOnTheWildcardOfBothFamiliesReceivesBoth() {
        fourStacks();
        Stack b = stacks.get(1);
        List<String> dual = new ArrayList<>();
        UdpPcb any = receiver(b, IpAddress.ANY_TYPE, PORT, dual);
        UdpPcb sender = stacks.get(0).newUdpPcb();
        send(stacks.get(0), sender, Ip4Address.parse("10.0.0.2"), "v4");
        UdpPcb sender6 = stacks.get(0).newUdpPcb();
        sender6.bind(Ip6Address.ANY, 0);
        send(stacks.get(0), sender6, netifs.get(1).ip6().linkLocal().address(), "v6");
        net.runFor(Duration.ofSeconds(1));
        assertEquals(2, dual.size(), dual.toString());
        assertEquals("v4 from 10.0.0.1", dual.get(0));
        assertTrue(dual.get(1).startsWith("v6 from fe80::"), dual.get(1));
        // It sends to either family too.
        List<String> back = new ArrayList<>();
        receiver(stacks.get(0), Ip4Address.ANY, PORT, back);
        assertEquals(Err.OK, send(b, any, Ip4Address.parse("10.0.0.1"), "reply"));
        net.runFor(Duration.ofMillis(100));
        assertEquals(List.of("reply from 10.0.0.2"), back);
        sender.close();
        sender6.close();
    }

    @Test
    void aV6OnlyPcbOnTheWildcardTakesIpv6AloneAndSendsToIpv6Alone() {
        fourStacks();
        Stack b = stacks.get(1);
        List<String> six = new ArrayList<>();
        UdpPcb only6 = b.newUdpPcb();
        only6.setV6Only(true);
        assertTrue(only6.isV6Only());
        assertEquals(Err.OK, only6.bind(IpAddress.ANY_TYPE, PORT));
        only6.onReceive((pc, p, src, sport, n) -> {
            six.add(new String(p.toByteArray()) + " from " + src);
            p.free();
        });
        UdpPcb sender = stacks.get(0).newUdpPcb();
        send(stacks.get(0), sender, Ip4Address.parse("10.0.0.2"), "v4");
        UdpPcb sender6 = stacks.get(0).newUdpPcb();
        sender6.bind(Ip6Address.ANY, 0);
        send(stacks.get(0), sender6, netifs.get(1).ip6().linkLocal().address(), "v6");
        net.runFor(Duration.ofSeconds(1));
        assertEquals(1, six.size(), six.toString());
        assertTrue(six.get(0).startsWith("v6 from fe80::"), six.get(0));
        // An IPv4 pcb on the same port gets the IPv4 datagrams.
        List<String> four = new ArrayList<>();
        UdpPcb p4 = b.newUdpPcb();
        assertEquals(Err.OK, p4.bind(Ip4Address.ANY, PORT));
        p4.onReceive((pc, p, src, sport, n) -> {
            four.add(new String(p.toByteArray()) + " from " + src);
            p.free();
        });
        send(stacks.get(0), sender, Ip4Address.parse("10.0.0.2"), "v4 again");
        net.runFor(Duration.ofMillis(100));
        assertEquals(List.of("v4 again from 10.0.0.1"), four);
        assertEquals(1, six.size());
        // It neither sends nor connects to IPv4.
        assertEquals(Err.VAL, send(b, only6, Ip4Address.parse("10.0.0.1"), "no"));
        assertEquals(Err.VAL, only6.connect(Ip4Address.parse("10.0.0.1"), PORT));
        assertThrows(IllegalStateException.class, () -> only6.setV6Only(false), "after bind");
        sender.close();
        sender6.close();
    }

    @Test
    void conformance34V4AnyAndV6AnyShareAPortAndEachFamilyFindsItsOwn() {
        fourStacks();
        Stack b = stacks.get(1);
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        UdpPcb p4 = b.newUdpPcb();
        UdpPcb p6 = b.newUdpPcb();
        assertEquals(Err.OK, p4.bind(Ip4Address.ANY, PORT));
        assertEquals(Err.OK, p6.bind(Ip6Address.ANY, PORT), "v4-any and v6-any may share a port");
        UdpPcb again = b.newUdpPcb();
        assertEquals(Err.USE, again.bind(Ip4Address.ANY, PORT), "the same port and address");
        again.close();
        p4.onReceive((pc, p, src, sport, n) -> {
            v4.add(src.toString());
            p.free();
        });
        p6.onReceive((pc, p, src, sport, n) -> {
            v6.add(src.toString());
            p.free();
        });
        UdpPcb sender = stacks.get(0).newUdpPcb();
        send(stacks.get(0), sender, Ip4Address.parse("10.0.0.2"), "x");
        UdpPcb sender6 = stacks.get(0).newUdpPcb();
        sender6.bind(Ip6Address.ANY, 0);
        send(stacks.get(0), sender6, netifs.get(1).ip6().linkLocal().address(), "y");
        net.runFor(Duration.ofSeconds(1));
        assertEquals(List.of("10.0.0.1"), v4, "the IPv4 wildcard before the wildcard of both");
        assertEquals(1, v6.size());
        sender.close();
        sender6.close();
    }

    @Test
    void membershipMisuseAndMissingRoutes() {
        Stack s = net.stack();
        UdpPcb pcb = s.newUdpPcb();
        assertEquals(Err.RTE, pcb.joinGroup(G4, null), "no netif leads to the group");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> pcb.joinGroup(Ip4Address.parse("10.0.0.1"), null));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> pcb.setMulticastTtl(0));
        Netif n = SimNet.attach(s, sw.newPort(), "eth0", "10.0.0.1/24");
        Netif other = SimNet.attach(s, sw.newPort(), "eth1", "10.0.1.1/24");
        assertEquals(Err.OK, pcb.joinGroup(G4, null));
        assertEquals(Err.VAL, pcb.leaveGroup(G4, other), "joined on another netif");
        assertEquals(Err.OK, pcb.leaveGroup(G4, n));
        assertEquals(Err.VAL, pcb.leaveGroup(G6, null), "never joined");
        pcb.close();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> pcb.joinGroup(G4, n));
    }

    @Test
    void aConnectedPcbGetsMulticastOnlyFromItsPeer() {
        fourStacks();
        Stack b = stacks.get(1);
        List<String> got = new ArrayList<>();
        UdpPcb pcb = receiver(b, Ip4Address.ANY, PORT, got);
        pcb.joinGroup(G4, null);
        assertEquals(Err.OK, pcb.connect(Ip4Address.parse("10.0.0.3"), PORT));
        UdpPcb fromA = stacks.get(0).newUdpPcb();
        fromA.bind(PORT);
        UdpPcb fromC = stacks.get(2).newUdpPcb();
        fromC.bind(PORT);
        send(stacks.get(0), fromA, G4, "a");
        send(stacks.get(2), fromC, G4, "c");
        net.runFor(Duration.ofMillis(200));
        assertEquals(List.of("c from 10.0.0.3"), got);
        fromA.close();
        fromC.close();
    }

    @Test
    void theWildcardOfBothFamiliesBindsOnAnIpv4OnlyStackToo() {
        org.lwip4j.stack.StackConfig v4only = org.lwip4j.stack.StackConfig.builder().lwipIpv6(false).build();
        Stack a = net.stack(v4only);
        Stack b = net.stack(v4only);
        VirtualLink link = net.link(Impairments.NONE);
        SimNet.attach(a, link.endpointA(), "eth0", "10.2.0.1/24");
        SimNet.attach(b, link.endpointB(), "eth0", "10.2.0.2/24");
        List<String> got = new ArrayList<>();
        receiver(b, IpAddress.ANY_TYPE, PORT, got);
        UdpPcb sender = a.newUdpPcb();
        send(a, sender, Ip4Address.parse("10.2.0.2"), "only v4");
        net.runFor(Duration.ofSeconds(1));
        assertEquals(List.of("only v4 from 10.2.0.1"), got);
        sender.close();
    }
}
