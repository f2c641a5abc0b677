package org.lwip4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lwip4j.conformance.Rig.BROADCAST_MAC;
import static org.lwip4j.conformance.Rig.OUR_MAC;
import static org.lwip4j.conformance.Rig.addr;
import static org.lwip4j.conformance.Rig.echo;
import static org.lwip4j.conformance.Rig.ethernet;
import static org.lwip4j.conformance.Rig.hex;
import static org.lwip4j.conformance.Rig.ip;
import static org.lwip4j.conformance.Rig.ipPacket;
import static org.lwip4j.conformance.Rig.udp;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.udp.UdpPcb;

/**
 * RFC 1122 §2.4 and §3.3.6 on an Ethernet netif eth0, 192.168.1.1/24, MAC
 * 02:00:00:00:00:01; the peer 192.168.1.9 is in the ARP table. The link layer tells IP
 * whether a frame was a link-layer broadcast or multicast, and IP discards unicast
 * datagrams that came that way: not delivered, not answered, not forwarded.
 */
class Rfc1122LinkBroadcastTest {
    /** A link-layer multicast MAC (the one of 224.0.0.1). */
    private static final long MULTICAST_MAC = 0x01005e000001L;

    private final Rig rig = new Rig(b -> b.ipForward(true));
    private final CaptureDriver eth0 = rig.eth("eth0", "192.168.1.1/24", "192.168.1.9");
    private final CaptureDriver eth1 = rig.eth("eth1", "192.168.2.1/24", "192.168.2.9");

    @Test
    void s3_3_6_unicastInALinkBroadcastIsDiscardedWithoutAnyAnswer() {
        List<byte[]> got = new ArrayList<>();
        rig.udpSink(7, got);
        long drops = rig.stack.stats().ip.drop;
        for (long mac : new long[] {BROADCAST_MAC, MULTICAST_MAC}) {
            rig.inject(eth0, ethernet(mac, ipPacket(17, "192.168.1.9", "192.168.1.1", 64, udp(1, 7, new byte[] {1}))));
            // Closed port, unknown protocol, echo: the answers black-box probing saw before.
            rig.inject(eth0, ethernet(mac, ipPacket(17, "192.168.1.9", "192.168.1.1", 64, udp(1, 8, new byte[] {1}))));
            rig.inject(eth0, ethernet(mac, ipPacket(99, "192.168.1.9", "192.168.1.1", 64, new byte[] {1})));
            rig.inject(eth0, ethernet(mac, ipPacket(1, "192.168.1.9", "192.168.1.1", 64, echo(1, 1, new byte[4]))));
        }
        assertEquals(List.of(), got, "not delivered");
        assertEquals(0, eth0.count(), "not answered");
        assertEquals(drops + 8, rig.stack.stats().ip.drop);
        rig.assertNoLeaks();
    }

    @Test
    void s3_3_6_theSameDatagramsInAUnicastFrameAreDeliveredAndAnswered() {
        // The control for the test above: only the link-layer destination differs.
        List<byte[]> got = new ArrayList<>();
        rig.udpSink(7, got);
        long mac = OUR_MAC.bits();
        rig.inject(eth0, ethernet(mac, ipPacket(17, "192.168.1.9", "192.168.1.1", 64, udp(1, 7, new byte[] {1}))));
        rig.inject(eth0, ethernet(mac, ipPacket(17, "192.168.1.9", "192.168.1.1", 64, udp(1, 8, new byte[] {1}))));
        rig.inject(eth0, ethernet(mac, ipPacket(99, "192.168.1.9", "192.168.1.1", 64, new byte[] {1})));
        rig.inject(eth0, ethernet(mac, ipPacket(1, "192.168.1.9", "192.168.1.1", 64, echo(1, 1, new byte[4]))));
        assertEquals(1, got.size());
        List<byte[]> out = Rig.sent(eth0);
        assertEquals(3, out.size());
        assertEquals("03 03", hex(out.get(0), 34, 35) + " " + hex(out.get(0), 35, 36));
        assertEquals("03 02", hex(out.get(1), 34, 35) + " " + hex(out.get(1), 35, 36));
        assertEquals("00 00", hex(out.get(2), 34, 35) + " " + hex(out.get(2), 35, 36));
        rig.assertNoLeaks();
    }

    @Test
    void s3_3_6_broadcastDatagramsInALinkBroadcastAreDelivered() {
        List<byte[]> got = new ArrayList<>();
        rig.udpSink(7, got);
        rig.inject(eth0, ethernet(BROADCAST_MAC, ipPacket(17, "192.168.1.9", "255.255.255.255", 64, udp(1, 7, new byte[] {1}))));
        rig.inject(eth0, ethernet(BROADCAST_MAC, ipPacket(17, "192.168.1.9", "192.168.1.255", 64, udp(1, 7, new byte[] {2}))));
        rig.inject(eth0, ethernet(MULTICAST_MAC, ipPacket(17, "192.168.1.9", "224.0.0.1", 64, udp(1, 7, new byte[] {3}))));
        assertEquals(3, got.size());
        assertEquals(0, eth0.count());
        rig.assertNoLeaks();
    }

    @Test
    void s3_2_2_noTimeExceededWhenAFragmentedBroadcastTimesOut() {
        // Fragment 0 of a datagram to a broadcast address, never completed: no ICMP error
        // (§3.2.2: never about a datagram to an IP broadcast), whatever the broadcast form.
        for (String dst : List.of("192.168.1.255", "255.255.255.255", "0.0.0.0")) {
            rig.inject(eth0, ethernet(BROADCAST_MAC,
                    Rig.ipPacket(17, "192.168.1.9", dst, 0, 64, 0x2000, new byte[0], udp(1, 7, new byte[16]))));
        }
        // Control: the same to our unicast address gets its time exceeded.
        rig.inject(eth0, ethernet(OUR_MAC.bits(),
                Rig.ipPacket(17, "192.168.1.9", "192.168.1.1", 0, 64, 0x2000, new byte[0], udp(1, 7, new byte[16]))));
        rig.advanceSeconds(16);
        List<byte[]> out = Rig.sent(eth0);
        assertEquals(1, out.size());
        assertEquals("192.168.1.1 11 1", addr(out.get(0), 14 + 12) + " " + out.get(0)[14 + 20] + " "
                + out.get(0)[14 + 21]);
        rig.assertNoLeaks();
    }

    @Test
    void rfc1812_s5_3_4_unicastInALinkBroadcastIsNeverForwarded() {
        long fw = rig.stack.stats().ip.fw;
        rig.inject(eth0, ethernet(BROADCAST_MAC, ipPacket(17, "192.168.1.9", "192.168.2.9", 64, udp(1, 7, new byte[] {1}))));
        rig.inject(eth0, ethernet(MULTICAST_MAC, ipPacket(17, "192.168.1.9", "192.168.2.9", 64, udp(1, 7, new byte[] {1}))));
        // TTL 1 would have been "time exceeded" had it been considered for forwarding.
        rig.inject(eth0, ethernet(BROADCAST_MAC, ipPacket(17, "192.168.1.9", "192.168.2.9", 1, udp(1, 7, new byte[] {1}))));
        assertEquals(0, eth1.count(), "not forwarded");
        assertEquals(0, eth0.count(), "not answered");
        assertEquals(fw, rig.stack.stats().ip.fw);
        // Control: in a unicast frame it is forwarded, to the peer's MAC on eth1.
        rig.inject(eth0, ethernet(OUR_MAC.bits(), ipPacket(17, "192.168.1.9", "192.168.2.9", 64, udp(1, 7, new byte[] {1}))));
        byte[] out = eth1.poll().data();
        assertEquals("020000000009", hex(out, 0, 6));
        assertEquals(63, out[14 + 8]);
        rig.assertNoLeaks();
    }

    @Test
    void s3_3_6_onlyBroadcastDatagramsAreSentInALinkBroadcast() {
        // The converse MUST: a link-layer broadcast carries an IP broadcast; a unicast
        // destination goes to its own MAC.
        UdpPcb pcb = rig.stack.newUdpPcb();
        pcb.setBroadcast(true);
        rig.send(pcb, new byte[1], ip("255.255.255.255"), 9);
        rig.send(pcb, new byte[1], ip("192.168.1.255"), 9);
        rig.send(pcb, new byte[1], ip("192.168.1.9"), 9);
        List<byte[]> out = Rig.sent(eth0);
        assertEquals(3, out.size());
        assertEquals("ffffffffffff 255.255.255.255", hex(out.get(0), 0, 6) + " " + addr(out.get(0), 14 + 16));
        assertEquals("ffffffffffff 192.168.1.255", hex(out.get(1), 0, 6) + " " + addr(out.get(1), 14 + 16));
        assertEquals("020000000009 192.168.1.9", hex(out.get(2), 0, 6) + " " + addr(out.get(2), 14 + 16));
    }
}
