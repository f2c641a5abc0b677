package org.lwip4j.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.SimNet;
import org.lwip4j.udp.UdpPcb;

/** IEEE 802.1Q: tagged frames reach only the VLAN netif of their id, as on a switch port; VLAN netifs send tagged. */
class VlanTest {
    private static final long PEER = 0x5254_0012_3409L;

    private VirtualClock clock;
    private Stack stack;
    private CaptureDriver wire;
    private Netif eth0;

    @BeforeEach
    void setUp() {
        clock = new VirtualClock();
        stack = Stack.create(StackConfig.builder().randomSeed(4).build(), clock);
        wire = new CaptureDriver(LinkType.ETHERNET, 1500);
        eth0 = stack.addNetif(wire, "eth0");
        eth0.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        eth0.setUp(true);
        run();
        wire.clear();
    }

    private void run() {
        for (int i = 0; i < 5; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    /** An ARP request from PEER (10.x.y.9) for {@code target}, tagged with {@code tci} when it is not negative. */
    private static byte[] arpRequest(int tci, String sender, String target) {
        ByteBuffer b = ByteBuffer.allocate(tci >= 0 ? 46 : 42);
        b.putShort((short) 0xffff).putInt(-1);
        b.putShort((short) (PEER >>> 32)).putInt((int) PEER);
        if (tci >= 0) {
            b.putShort((short) 0x8100).putShort((short) tci);
        }
        b.putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.putShort((short) (PEER >>> 32)).putInt((int) PEER);
        b.putInt(Ip4Address.parse(sender).bits());
        b.putShort((short) 0).putInt(0);
        b.putInt(Ip4Address.parse(target).bits());
        return b.array();
    }

    @Test
    void aTaggedFrameWithoutAVlanNetifIsDroppedNotAnsweredUntagged() {
        long unknown = eth0.counters().inUnknownProtos;
        wire.inject(arpRequest(42, "10.0.0.9", "10.0.0.1"));
        run();
        assertEquals(0, wire.count(), "a switch port outside VLAN 42 answers nothing");
        assertEquals(unknown + 1, eth0.counters().inUnknownProtos);
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    @Test
    void aPriorityTagIsTheNativeLan() {
        wire.inject(arpRequest(3 << 13, "10.0.0.9", "10.0.0.1"));
        run();
        byte[] reply = wire.poll().data();
        assertEquals("0806", HexFormat.of().formatHex(reply, 12, 14), "answered untagged");
    }

    @Test
    void aVlanNetifAnswersTaggedAndSendsTagged() {
        Netif vlan = stack.addVlan(eth0, 42, "eth0.42");
        vlan.ip4().set(Ip4Interface.parse("10.42.0.1/24"));
        vlan.setUp(true);
        run();
        wire.clear();
        assertEquals(eth0.mac(), vlan.mac());

        wire.inject(arpRequest(42, "10.42.0.9", "10.42.0.1"));
        run();
        byte[] reply = wire.poll().data();
        assertEquals(46, reply.length);
        assertEquals("8100002a0806", HexFormat.of().formatHex(reply, 12, 18), "TPID, VID 42, then ARP");
        assertEquals(HexFormat.of().toHexDigits(PEER).substring(4), HexFormat.of().formatHex(reply, 0, 6));
        assertEquals("0a2a0001", HexFormat.of().formatHex(reply, 32, 36), "sender IP 10.42.0.1");

        // The untagged LAN does not see the VLAN's address, nor the VLAN eth0's.
        wire.inject(arpRequest(-1, "10.0.0.9", "10.42.0.1"));
        wire.inject(arpRequest(42, "10.42.0.9", "10.0.0.1"));
        run();
        assertEquals(0, wire.count());

        // A datagram from the VLAN netif leaves tagged, its payload intact.
        UdpPcb u = stack.newUdpPcb();
        Pbuf p = stack.context().pbufs().allocPool(Layer.TRANSPORT, 5);
        p.copyFrom(0, "hello".getBytes(), 0, 5);
        assertEquals(Err.OK, u.sendTo(p, Ip4Address.parse("10.42.0.9"), 7));
        p.free();
        run();
        byte[] frame = wire.poll().data();
        assertEquals("8100002a0800", HexFormat.of().formatHex(frame, 12, 18));
        assertEquals("hello", new String(frame, frame.length - 5, 5));
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    @Test
    void vlanIdsAreCheckedAndRemovingTheParentRemovesItsVlans() {
        assertThrows(IllegalArgumentException.class, () -> stack.addVlan(eth0, 0, "v0"));
        assertThrows(IllegalArgumentException.class, () -> stack.addVlan(eth0, 4095, "v4095"));
        stack.addVlan(eth0, 7, "eth0.7");
        assertThrows(IllegalArgumentException.class, () -> stack.addVlan(eth0, 7, "again"));
        stack.netifs().remove(eth0);
        assertNull(stack.netifs().byName("eth0.7"));
    }
}
