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
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;

/** The 802.1Q tag a VLAN netif adds on the way out and its parent strips on the way in (IEEE 802.1Q §9.6). */
class VlanFramingTest {
    private static final long PEER = 0x02_00_00_00_00_09L;
    private final VirtualClock clock = new VirtualClock();
    private final Stack stack = Stack.create(StackConfig.builder().randomSeed(14).build(), clock);
    private final CaptureDriver wire = new CaptureDriver();
    private final Netif eth = stack.addNetif(wire, "eth0");
    private final Netif vlan = stack.addVlan(eth, 7, "eth0.7");

    VlanFramingTest() {
        // This test counts frames on the wire; MLD reports are MldTest's (lwIP: no NETIF_FLAG_MLD6).
        eth.setFlags(Netif.FLAG_MLD6, 0);
        vlan.setFlags(Netif.FLAG_MLD6, 0);
        eth.setUp(true);
        vlan.setUp(true);
    }

    @AfterEach
    void tearDown() {
        stack.close();
    }

    private static byte[] tagged(byte[] frame, int tci) {
        byte[] t = new byte[frame.length + 4];
        System.arraycopy(frame, 0, t, 0, 12);
        t[12] = (byte) 0x81;
        t[13] = 0;
        t[14] = (byte) (tci >>> 8);
        t[15] = (byte) tci;
        System.arraycopy(frame, 12, t, 16, frame.length - 12);
        return t;
    }

    @Test
    void aSentFrameIsTaggedWithPriorityAndIdAndTheCallersFrameIsUntouched() {
        VlanDriver d = (VlanDriver) vlan.driver();
        assertThrows(IllegalArgumentException.class, () -> d.setPriority(-1));
        assertThrows(IllegalArgumentException.class, () -> d.setPriority(8));
        d.setPriority(7);
        byte[] frame = Packets.ethernet(PEER, vlan.mac().bits(), 0x88b5, new byte[] {1, 2, 3, 4});
        Pbuf roomy = stack.pbuf(frame);
        assertEquals(Err.OK, vlan.linkOutput(roomy));
        assertArrayEquals(frame, roomy.toByteArray());
        roomy.free();
        d.setPriority(0);
        Pbuf tight = stack.context().pbufs().allocPool(Layer.RAW, frame.length);
        tight.copyFrom(0, frame, 0, frame.length);
        assertEquals(Err.OK, vlan.linkOutput(tight));
        assertArrayEquals(frame, tight.toByteArray(), "no headroom: a tag pbuf in front, the frame as it was");
        tight.free();
        assertArrayEquals(tagged(frame, 7 << 13 | 7), wire.poll().data());
        assertArrayEquals(tagged(frame, 7), wire.poll().data());
        assertEquals(2, eth.counters().outPackets);
        assertEquals(eth.mtu(), vlan.mtu());
    }

    @Test
    void aTaggedFrameReachesItsVlanNetifWithItsAddressesInPlace() {
        List<String> seen = new ArrayList<>();
        stack.netifs().ethernet().register(0x88b5, (n, p, group) -> {
            seen.add(n.name() + " " + Arrays.toString(p.toByteArray()) + (group ? " group" : ""));
            p.free();
        });
        byte[] frame = Packets.ethernet(eth.mac().bits(), PEER, 0x88b5, new byte[] {5, 6});
        wire.inject(tagged(frame, 3 << 13 | 7));
        wire.inject(tagged(frame, 8));
        for (int i = 0; i < 4; i++) {
            stack.poll(clock.nanoTime());
        }
        assertEquals(List.of("eth0.7 [5, 6]"), seen, "unicast to our MAC: the MACs moved with the tag's removal");
        assertEquals(1, vlan.counters().inPackets);
        assertEquals(1, eth.counters().inUnknownProtos, "VLAN 8 is nobody's");
    }

    @Test
    void aRemovedVlanNetifNoLongerTakesItsFrames() {
        stack.netifs().remove(vlan);
        byte[] frame = Packets.ethernet(eth.mac().bits(), PEER, 0x88b5, new byte[] {5, 6});
        wire.inject(tagged(frame, 7));
        for (int i = 0; i < 4; i++) {
            stack.poll(clock.nanoTime());
        }
        assertEquals(1, eth.counters().inUnknownProtos, "VLAN 7 is nobody's now");
        assertEquals(0, vlan.counters().inPackets + vlan.counters().inDiscards);
    }
}
