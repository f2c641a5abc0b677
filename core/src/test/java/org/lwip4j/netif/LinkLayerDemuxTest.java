package org.lwip4j.netif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;

/** How Ethernet and bare-IP links hand frames to their handlers, and what they drop and count. */
class LinkLayerDemuxTest {
    private static final long PEER = 0x02_00_00_00_00_09L;
    private final VirtualClock clock = new VirtualClock();
    private final Stack stack = Stack.create(StackConfig.builder().randomSeed(4).build(), clock);
    private final CaptureDriver eth = new CaptureDriver();
    private final Netif eth0 = stack.addNetif(eth, "eth0");
    private final CaptureDriver tunDev = new CaptureDriver(LinkType.IP, 1500);
    private final Netif tun0 = stack.addNetif(tunDev, "tun0");
    private final List<String> seen = new ArrayList<>();

    LinkLayerDemuxTest() {
        // This test counts frames on the wire; MLD reports are MldTest's (lwIP: no NETIF_FLAG_MLD6).
        eth0.setFlags(Netif.FLAG_MLD6, 0);
        eth0.setUp(true);
        tun0.setUp(true);
    }

    @AfterEach
    void tearDown() {
        stack.close();
    }

    private void run() {
        for (int i = 0; i < 4; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    private NetworkInput recorder(String name) {
        return (n, p, group) -> {
            seen.add(name + " " + n.name() + " " + p.totalLength() + (group ? " group" : ""));
            p.free();
        };
    }

    @Test
    void etherTypesAreFrom0x0600To0xffff() {
        EthernetLink link = stack.netifs().ethernet();
        assertThrows(IllegalArgumentException.class, () -> link.register(0x05ff, recorder("x")));
        assertThrows(IllegalArgumentException.class, () -> link.register(0x10000, recorder("x")));
        assertThrows(NullPointerException.class, () -> link.register(0x88b6, null));
        link.register(0x0600, recorder("low"));
        link.register(0xffff, recorder("high"));
        eth.inject(Packets.ethernet(eth0.mac().bits(), PEER, 0x0600, new byte[46]));
        eth.inject(Packets.ethernet(eth0.mac().bits(), PEER, 0xffff, new byte[47]));
        run();
        assertEquals(List.of("low eth0 46", "high eth0 47"), seen);
        assertThrows(IllegalArgumentException.class, () -> link.registerResolver(5, (n, p, h) -> Err.OK));
    }

    @Test
    void groupFramesAreMarkedAndUnicastForOthersDropped() {
        stack.netifs().ethernet().register(0x88b5, recorder("t"));
        eth.inject(Packets.ethernet(eth0.mac().bits(), PEER, 0x88b5, new byte[46]));
        eth.inject(Packets.ethernet(0xff_ff_ff_ff_ff_ffL, PEER, 0x88b5, new byte[46]));
        eth.inject(Packets.ethernet(0x01_00_5e_00_00_01L, PEER, 0x88b5, new byte[46]));
        eth.inject(Packets.ethernet(0x02_00_00_00_00_77L, PEER, 0x88b5, new byte[46]));
        run();
        assertEquals(List.of("t eth0 46", "t eth0 46 group", "t eth0 46 group"), seen);
        ProtoStats link = stack.stats().link;
        assertEquals(1, link.drop);
        assertEquals(0, link.proterr);
        assertEquals(1, eth0.counters().inDiscards);
        assertEquals(0, eth0.counters().inUnknownProtos);
    }

    @Test
    void anUnknownEtherTypeOrATruncatedFrameIsDroppedAndCounted() {
        eth.inject(Packets.ethernet(eth0.mac().bits(), PEER, 0x88b7, new byte[46]));
        eth.inject(new byte[13]);
        run();
        ProtoStats link = stack.stats().link;
        assertEquals(1, link.proterr);
        assertEquals(1, link.lenerr);
        assertEquals(2, link.drop);
        assertEquals(2, eth0.counters().inDiscards);
        assertEquals(1, eth0.counters().inUnknownProtos);
        assertEquals(0, eth.count());
    }

    @Test
    void aFrameForAnUnknownVlanIsAnUnknownProtocol() {
        stack.netifs().ethernet().register(0x88b5, recorder("t"));
        byte[] tagged = Packets.ethernet(eth0.mac().bits(), PEER, 0x8100, new byte[50]);
        tagged[14] = 0x00;
        tagged[15] = 0x05; // VID 5
        tagged[16] = (byte) 0x88;
        tagged[17] = (byte) 0xb5;
        eth.inject(tagged);
        byte[] priority = tagged.clone();
        priority[15] = 0; // VID 0: priority tag only, the frame is the netif's own
        eth.inject(priority);
        run();
        assertEquals(List.of("t eth0 46"), seen);
        assertEquals(1, stack.stats().link.proterr);
        assertEquals(1, eth0.counters().inUnknownProtos);
        assertEquals(1, eth0.counters().inDiscards);
    }

    @Test
    void aPayloadWithoutHeadroomGetsAnEthernetHeaderInFront() {
        Pbuf payload = stack.context().pbufs().allocPool(Layer.RAW, 46);
        payload.copyFrom(0, new byte[] {1, 2, 3}, 0, 3);
        assertEquals(Err.OK, stack.netifs().ethernet().send(eth0, payload, PEER, 0x88b5));
        Pbuf roomy = stack.pbuf(new byte[46]);
        assertEquals(Err.OK, stack.netifs().ethernet().send(eth0, roomy, PEER, 0x88b5));
        assertEquals(46, payload.totalLength(), "the caller's pbufs are as they were");
        assertEquals(46, roomy.totalLength());
        payload.free();
        roomy.free();
        byte[] a = eth.poll().data();
        byte[] expected = Packets.ethernet(PEER, eth0.mac().bits(), 0x88b5, new byte[46]);
        expected[14] = 1;
        expected[15] = 2;
        expected[16] = 3;
        assertArrayEquals(expected, a);
        assertArrayEquals(Arrays.copyOf(expected, 14), Arrays.copyOf(eth.poll().data(), 14));
    }

    @Test
    void anIpLinkDropsWhatIsNeitherIpv4NorIpv6() {
        IpLink link = stack.netifs().ipLink();
        assertThrows(IllegalArgumentException.class, () -> link.register(5, recorder("x")));
        assertThrows(NullPointerException.class, () -> link.register(6, null));
        assertThrows(IllegalStateException.class, () -> link.register(4, recorder("again")), "IPv4 has its handler");
        tunDev.inject(new byte[] {0x50, 0, 0, 0});
        tunDev.inject(new byte[0]);
        run();
        assertEquals(2, stack.stats().link.proterr, "version 5, nothing at all");
        assertEquals(2, stack.stats().link.drop);
        assertEquals(2, tun0.counters().inUnknownProtos);
        assertEquals(2, tun0.counters().inDiscards);
    }
}
