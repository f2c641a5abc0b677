package org.lwip4j.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;
import org.lwip4j.testing.SimNet;

/** A netif's state changes, their events, its counters, its tap, and its address list. */
class NetifStateTest {
    private final VirtualClock clock = new VirtualClock();
    private final Stack stack = Stack.create(StackConfig.builder().randomSeed(13).build(), clock);
    private final CaptureDriver dev = new CaptureDriver(LinkType.IP, 1500);
    private final Netif tun = SimNet.attach(stack, dev, "tun0", "10.0.0.1/24");
    private final List<String> events = new ArrayList<>();

    @AfterEach
    void tearDown() {
        stack.close();
    }

    private void turn() {
        stack.poll(clock.nanoTime());
    }

    private void listen() {
        stack.netifs().addListener(new NetifListener() {
            @Override
            public void statusChanged(Netif n) {
                events.add("status " + n.isUp());
            }

            @Override
            public void linkChanged(Netif n) {
                events.add("link " + n.isLinkUp());
            }

            @Override
            public void addressChanged(Netif n, IpAddress oldAddr, IpAddress newAddr) {
                events.add("address " + oldAddr + " -> " + newAddr);
            }

            @Override
            public void routesChanged(Netif n) {
                events.add("routes");
            }
        });
    }

    @Test
    void upAndLinkChangesAreReportedOncePerChange() {
        listen();
        tun.onStatusChange(n -> events.add("cb status"));
        tun.onLinkChange(n -> {
            events.add("cb link");
            throw new IllegalStateException("a buggy callback");
        });
        tun.setUp(true);
        tun.setUp(false);
        tun.setUp(false);
        tun.setLinkUp(false);
        tun.setLinkUp(false);
        tun.setLinkUp(true);
        assertEquals(List.of("status false", "cb status", "link false", "cb link", "link true", "cb link"), events);
        assertFalse(tun.isUsable());
        tun.setUp(true);
        assertTrue(tun.isUsable());
    }

    @Test
    void flagsOtherThanUpAndLinkChangeOnlyUnderTheMask() {
        assertThrows(IllegalArgumentException.class, () -> tun.setFlags(Netif.FLAG_UP, 0));
        assertThrows(IllegalArgumentException.class, () -> tun.setFlags(Netif.FLAG_LINK_UP, 0));
        int before = tun.flags();
        tun.setFlags(Netif.FLAG_BROADCAST | Netif.FLAG_IGMP, Netif.FLAG_BROADCAST | Netif.FLAG_ETHARP);
        assertEquals(before | Netif.FLAG_BROADCAST, tun.flags(), "ETHARP is outside the mask");
        tun.setFlags(Netif.FLAG_BROADCAST, 0);
        assertEquals(before, tun.flags());
    }

    @Test
    void mtuIs68To65535AndMacIsSettable() {
        assertThrows(IllegalArgumentException.class, () -> tun.setMtu(67));
        assertThrows(IllegalArgumentException.class, () -> tun.setMtu(65536));
        tun.setMtu(68);
        assertEquals(68, tun.mtu());
        tun.setMtu(65535);
        assertEquals(65535, tun.mtu());
        tun.setMac(MacAddress.parse("02:00:00:00:00:05"));
        assertEquals(MacAddress.parse("02:00:00:00:00:05"), tun.mac());
        assertThrows(NullPointerException.class, () -> tun.setMac(null));
    }

    @Test
    void countersFollowEveryPacketInAndOutAndTheTapSeesBoth() {
        List<String> tapped = new ArrayList<>();
        tun.setTap((n, f, out) -> tapped.add((out ? "out " : "in ") + f.totalLength()));
        byte[] toClosedPort = Packets.ipv4(17, "10.0.0.9", "10.0.0.1", 64, 0, Packets.udp(1, 9, new byte[2]));
        dev.inject(toClosedPort);
        turn();
        NetifCounters c = tun.counters();
        assertEquals(1, c.inPackets);
        assertEquals(30, c.inOctets);
        int reply = dev.poll().length();
        assertEquals(20 + 8 + 28, reply, "port unreachable quoting the header and 8 bytes");
        assertEquals(1, c.outPackets);
        assertEquals(reply, c.outOctets);
        assertEquals(List.of("in 30", "out " + reply), tapped);
        assertEquals(1, stack.stats().link.recv);
        assertEquals(1, stack.stats().link.xmit);

        dev.setTransmitResult(Err.IF);
        dev.inject(toClosedPort);
        turn();
        assertEquals(1, c.outDiscards, "refused by the driver");
        assertEquals(1, c.outPackets);
        assertEquals(1, stack.stats().link.drop);
        dev.setTransmitResult(Err.OK);

        tun.setUp(false);
        dev.inject(toClosedPort);
        turn();
        assertEquals(2, c.inPackets);
        assertEquals(1, c.inDiscards, "down: not taken in");
        var empty = stack.pbuf(new byte[0]);
        assertEquals(Err.IF, tun.output(empty, Ip4Address.parse("10.0.0.9")));
        empty.free();
        assertEquals(2, c.outDiscards);
    }

    @Test
    void addressesAreAddedOnceRemovedByAddressAndReported() {
        listen();
        Ip4Addresses a = tun.ip4();
        a.add(Ip4Interface.parse("10.0.1.1/24"));
        assertThrows(IllegalArgumentException.class, () -> a.add(Ip4Interface.parse("10.0.1.1/16")));
        assertFalse(a.remove(Ip4Address.parse("10.0.2.1")));
        assertTrue(a.remove(Ip4Address.parse("10.0.1.1")));
        a.set(Ip4Interface.parse("10.0.0.1/16"));
        a.set(Ip4Interface.parse("10.0.0.2/16"));
        a.setGateway(Ip4Address.parse("10.0.0.254"));
        a.setGateway(Ip4Address.parse("10.0.0.254"));
        a.set(null);
        a.set(null);
        assertEquals(List.of("address null -> 10.0.1.1", "address 10.0.1.1 -> null", "routes",
                "address 10.0.0.1 -> 10.0.0.2", "routes", "address 10.0.0.2 -> null", "routes"), events);
        assertEquals(Ip4Address.ANY, a.address());
        assertEquals(0, a.count());
        assertEquals(Ip4Address.parse("10.0.0.254"), a.gateway());
    }

    @Test
    void prefixLengthsAre0To32() {
        assertThrows(IllegalArgumentException.class, () -> new Ip4Interface(Ip4Address.ANY, -1));
        assertThrows(IllegalArgumentException.class, () -> new Ip4Interface(Ip4Address.ANY, 33));
        assertThrows(IllegalArgumentException.class, () -> Ip4Interface.parse("10.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> Ip4Interface.parse("10.0.0.1/x"));
        Ip4Interface all = Ip4Interface.parse("10.0.0.1/0");
        assertEquals(0, all.mask());
        assertTrue(all.contains(Ip4Address.parse("192.0.2.1")));
        Ip4Interface host = Ip4Interface.parse("10.0.0.1/32");
        assertEquals(-1, host.mask());
        assertFalse(host.contains(Ip4Address.parse("10.0.0.2")));
        Ip4Interface net = Ip4Interface.parse("10.1.2.3/20");
        assertEquals("255.255.240.0", net.netmask().toString());
        assertEquals("10.1.0.0", net.network().toString());
        assertEquals("10.1.15.255", net.broadcast().toString());
        assertTrue(net.isDirectedBroadcast(Ip4Address.parse("10.1.15.255").bits()));
        assertFalse(net.isDirectedBroadcast(Ip4Address.parse("10.1.15.254").bits()));
        assertFalse(net.isDirectedBroadcast(Ip4Address.parse("10.2.15.255").bits()));
        assertFalse(Ip4Interface.parse("10.0.0.1/31").isDirectedBroadcast(Ip4Address.parse("10.0.0.1").bits()));
        assertTrue(Ip4Interface.parse("10.0.0.1/30").isDirectedBroadcast(Ip4Address.parse("10.0.0.3").bits()));
    }

    @Test
    void everyChangeOfANetifOrItsTableIsRefusedOffTheLoop() throws Exception {
        turn(); // polled by this thread: the loop is this thread's
        Netif eth = stack.addNetif(new CaptureDriver(), "eth0");
        List<Runnable> calls = List.of(() -> tun.setUp(false), () -> tun.setLinkUp(false),
                () -> tun.setFlags(Netif.FLAG_BROADCAST, 0), () -> tun.setTap(null), () -> tun.setMtu(1000),
                () -> tun.setMac(MacAddress.ZERO), () -> tun.ip4().set(null), () -> tun.ip4().add(Ip4Interface.parse("10.9.0.1/24")),
                () -> tun.ip4().remove(Ip4Address.parse("10.0.0.1")), () -> tun.ip4().setGateway(Ip4Address.ANY),
                () -> stack.netifs().add(new CaptureDriver(), "x", null), () -> stack.netifs().remove(tun),
                () -> stack.netifs().addVlan(eth, 3, "eth0.3"), () -> stack.netifs().setDefault(null));
        List<Integer> passed = new ArrayList<>();
        Thread t = new Thread(() -> {
            for (int i = 0; i < calls.size(); i++) {
                try {
                    calls.get(i).run();
                    passed.add(i);
                } catch (IllegalStateException expected) {
                    // the loop guard
                }
            }
        });
        t.start();
        t.join();
        assertEquals(List.of(), passed, "off-loop calls that were not refused");
        assertTrue(tun.isUp());
        assertEquals(tun, stack.netifs().byName("tun0"), "still in the table");
        assertEquals("10.0.0.1", tun.ip4().address().toString());
    }
}
