package org.lwip4j.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/** The netif table: names, indexes, flags and MACs of new netifs, loopback and VLAN netifs, removal and the default. */
class NetifTableTest {
    private final Stack stack = Stack.create(StackConfig.builder().randomSeed(9).build(), new VirtualClock());
    private final NetifTable table = stack.netifs();
    private final List<String> events = new ArrayList<>();

    /** A driver that says when it is closed. */
    private final class ClosingDriver implements NetifDriver {
        private final String name;

        ClosingDriver(String name) {
            this.name = name;
        }

        @Override
        public LinkType linkType() {
            return LinkType.ETHERNET;
        }

        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public Err transmit(Pbuf frame) {
            return Err.OK;
        }

        @Override
        public void attach(Netif n) {
        }

        @Override
        public void close() {
            events.add("closed " + name);
        }
    }

    @AfterEach
    void tearDown() {
        stack.close();
    }

    @Test
    void newNetifsGetIndexesFlagsAndMacsByTheirLinkType() {
        Netif eth = table.add(new CaptureDriver(), "eth0", null);
        Netif given = table.add(new CaptureDriver(), "eth1", MacAddress.parse("02:00:00:00:00:42"));
        Netif tun = table.add(new CaptureDriver(LinkType.IP, 1500), "tun0", MacAddress.parse("02:00:00:00:00:43"));
        int first = eth.index();
        assertEquals(List.of(first + 1, first + 2), List.of(given.index(), tun.index()), "one after another");
        int ethFlags = Netif.FLAG_LINK_UP | Netif.FLAG_ETHERNET | Netif.FLAG_ETHARP | Netif.FLAG_BROADCAST | Netif.FLAG_IGMP
                | Netif.FLAG_MLD6;
        assertEquals(ethFlags, eth.flags());
        assertEquals(ethFlags, given.flags());
        assertEquals(Netif.FLAG_LINK_UP, tun.flags());
        assertEquals(MacAddress.parse("02:00:00:00:00:42"), given.mac());
        assertEquals(MacAddress.ZERO, tun.mac(), "an IP link has no MAC, whatever was given");
        assertNotEquals(MacAddress.ZERO, eth.mac());
        assertNotEquals(eth.mac(), table.add(new CaptureDriver(), "eth2", null).mac(), "derived from the name");
        assertThrows(IllegalArgumentException.class, () -> table.add(new CaptureDriver(), "eth0", null));
        assertSame(given, table.byIndex(first + 1));
        assertSame(tun, table.byName("tun0"));
        assertNull(table.byIndex(99));
        assertNull(table.byName("nope"));
        assertEquals(List.of("lo", "eth0", "eth1", "tun0", "eth2"), table.all().stream().map(Netif::name).toList());
    }

    @Test
    void theLoopbackNetifIsMadeOnce() {
        Netif lo = table.addLoopback();
        assertSame(lo, table.addLoopback());
        assertSame(lo, table.loopbackNetif());
        assertTrue(lo.hasFlag(Netif.FLAG_LOOPBACK));
        assertTrue(lo.isUp());
        assertEquals("127.0.0.1/8", lo.ip4().primary().toString());
        table.remove(lo);
        assertNull(table.loopbackNetif());
        assertNotEquals(lo, table.addLoopback(), "a new one after removal");
    }

    @Test
    void vlanIdsAre1To4094OnceEachOnAnEthernetNetifOfThisStack() {
        Netif eth = table.add(new CaptureDriver(), "eth0", null);
        Netif tun = table.add(new CaptureDriver(LinkType.IP, 1500), "tun0", null);
        assertThrows(IllegalArgumentException.class, () -> table.addVlan(eth, 0, "v0"));
        assertThrows(IllegalArgumentException.class, () -> table.addVlan(eth, 4095, "v4095"));
        assertThrows(IllegalArgumentException.class, () -> table.addVlan(tun, 5, "t5"));
        try (Stack other = Stack.create(StackConfig.builder().randomSeed(10).build(), new VirtualClock())) {
            Netif foreign = other.addNetif(new CaptureDriver(), "eth9");
            assertThrows(IllegalArgumentException.class, () -> table.addVlan(foreign, 5, "f5"));
        }
        Netif v1 = table.addVlan(eth, 1, "eth0.1");
        Netif v4094 = table.addVlan(eth, 4094, "eth0.4094");
        assertThrows(IllegalArgumentException.class, () -> table.addVlan(eth, 1, "again"));
        assertEquals(eth.mac(), v1.mac());
        assertEquals(List.of("lo", "eth0", "tun0", "eth0.1", "eth0.4094"), table.all().stream().map(Netif::name).toList());
        table.remove(v4094);
        assertEquals(List.of("lo", "eth0", "tun0", "eth0.1"), table.all().stream().map(Netif::name).toList());
        assertEquals("eth0.4094", table.addVlan(eth, 4094, "eth0.4094").name(), "its id is free again");
    }

    @Test
    void removingANetifRemovesItsVlansTellsListenersClosesTheDriverAndForgetsTheDefault() {
        Netif eth = table.add(new ClosingDriver("eth0"), "eth0", null);
        Netif other = table.add(new ClosingDriver("eth1"), "eth1", null);
        table.addVlan(eth, 7, "eth0.7");
        eth.setUp(true);
        table.setDefault(eth);
        table.addListener(new NetifListener() {
            @Override
            public void removed(Netif netif) {
                events.add("removed " + netif.name() + (netif.isUp() ? " up" : " down"));
            }

            @Override
            public void routesChanged(Netif netif) {
                events.add("default " + (netif == null ? "none" : netif.name()));
            }
        });
        table.setDefault(eth);
        assertEquals(List.of(), events, "the same default again is no change");
        Netif third = table.add(new CaptureDriver(), "eth2", null);
        table.remove(third);
        assertSame(eth, table.defaultNetif(), "removing another netif keeps the default");
        events.clear();
        table.remove(eth);
        assertEquals(List.of("removed eth0.7 down", "removed eth0 down", "closed eth0"), events);
        assertNull(table.defaultNetif());
        assertEquals(List.of("lo", "eth1"), table.all().stream().map(Netif::name).toList());
        events.clear();
        table.remove(eth);
        assertEquals(List.of(), events, "removing twice does nothing");
        table.setDefault(other);
        assertEquals(List.of("default eth1"), events);
        assertThrows(IllegalArgumentException.class, () -> table.setDefault(eth), "not in the table any more");
    }
}
