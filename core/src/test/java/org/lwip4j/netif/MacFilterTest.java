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
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;

/** The netif's multicast MAC filter: counted per MAC, the driver told of the first and last, and Ethernet input filtered by it. */
class MacFilterTest {
    private static final long GROUP_MAC = 0x0100_5e01_0203L;
    private final VirtualClock clock = new VirtualClock();
    private final Stack stack = Stack.create(StackConfig.builder().randomSeed(2).lwipIpv6(false).build(), clock);

    /** A driver that filters in "hardware" when asked to, and records the calls. */
    private static final class Driver implements NetifDriver {
        final List<String> calls = new ArrayList<>();
        final boolean filters;

        Driver(boolean filters) {
            this.filters = filters;
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
        public void attach(Netif netif) {
        }

        @Override
        public Err transmit(Pbuf frame) {
            return Err.OK;
        }

        @Override
        public void setMulticastFilter(MacAddress group, boolean add) {
            calls.add((add ? "+" : "-") + group);
        }

        @Override
        public boolean filtersMulticast() {
            return filters;
        }
    }

    @AfterEach
    void close() {
        stack.close();
    }

    @Test
    void eachMacIsCountedAndTheDriverHearsTheFirstAddAndTheLastRemove() {
        Driver d = new Driver(false);
        Netif n = stack.addNetif(d, "eth0");
        MacFilter f = n.multicastMacs();
        int before = f.size();
        f.add(GROUP_MAC);
        f.add(GROUP_MAC);
        assertEquals(2, f.count(GROUP_MAC));
        assertEquals(before + 1, f.size());
        f.remove(GROUP_MAC);
        assertTrue(f.accepts(GROUP_MAC));
        f.remove(GROUP_MAC);
        assertFalse(f.accepts(GROUP_MAC));
        assertEquals(0, f.count(GROUP_MAC));
        assertEquals(List.of("+01:00:5e:00:00:01", "+01:00:5e:01:02:03", "-01:00:5e:01:02:03"), d.calls);
        assertThrows(IllegalStateException.class, () -> f.remove(GROUP_MAC));
    }

    @Test
    void manyMacsGrowTheFilter() {
        Netif n = stack.addNetif(new Driver(false), "eth0");
        for (int i = 0; i < 20; i++) {
            n.multicastMacs().add(GROUP_MAC + i);
        }
        for (int i = 0; i < 20; i++) {
            assertTrue(n.multicastMacs().accepts(GROUP_MAC + i));
        }
        n.multicastMacs().remove(GROUP_MAC);
        assertTrue(n.multicastMacs().accepts(GROUP_MAC + 19), "the last moved into the freed slot");
    }

    private long linkDropsAfterInjecting(Netif n, long dstMac) {
        long drops = stack.stats().link.drop;
        byte[] dgram = Packets.ipv4(17, "192.168.1.9", "239.1.2.3", 1, 0, Packets.udp(7, 9, new byte[] {1}));
        n.input(stack.pbuf(Packets.ethernet(dstMac, 0x0200_0000_0009L, 0x0800, dgram)));
        return stack.stats().link.drop - drops;
    }

    @Test
    void ethernetDropsGroupsNotJoinedUnlessTheDriverFilters() {
        Netif soft = stack.addNetif(new Driver(false), "eth0");
        soft.setUp(true);
        assertEquals(1, linkDropsAfterInjecting(soft, GROUP_MAC));
        assertEquals(0, linkDropsAfterInjecting(soft, 0xffff_ffff_ffffL), "broadcast always passes");
        Netif hard = stack.addNetif(new Driver(true), "eth1");
        hard.setUp(true);
        assertEquals(0, linkDropsAfterInjecting(hard, GROUP_MAC), "the device filters: trusted");
    }

    /** What the filter keeps out is counted as filtered (and as a drop); a protocol nobody speaks is not. */
    @Test
    void framesTheFilterKeepsOutAreCountedAsFiltered() {
        Netif n = stack.addNetif(new Driver(false), "eth0", MacAddress.parse("02:00:00:00:00:01"));
        n.setUp(true);
        linkDropsAfterInjecting(n, GROUP_MAC);
        linkDropsAfterInjecting(n, 0x0200_0000_0077L); // unicast for another station
        assertEquals(2, n.counters().inFiltered);
        assertEquals(2, n.counters().inDiscards);
        n.input(stack.pbuf(Packets.ethernet(0x0200_0000_0001L, 0x0200_0000_0009L, 0x88b5, new byte[46]))); // local experimental EtherType
        assertEquals(2, n.counters().inFiltered, "for us, of a protocol the stack lacks: unknown, not filtered");
        assertEquals(1, n.counters().inUnknownProtos);
        assertEquals(3, n.counters().inDiscards);
    }
}
