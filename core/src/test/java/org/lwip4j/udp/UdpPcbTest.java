package org.lwip4j.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ErrException;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/** UDP pcbs: bind rules (CONFORMANCE 34), broadcast delivery, checksums, UDP-Lite. */
class UdpPcbTest {
    private VirtualClock clock;
    private Stack stack;
    private CaptureDriver wire;

    @BeforeEach
    void setUp() {
        clock = new VirtualClock();
        stack = Stack.create(StackConfig.builder().randomSeed(3).build(), clock);
        wire = new CaptureDriver(LinkType.IP, 1500);
        Netif n = stack.addNetif(wire, "tun0");
        n.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        n.setUp(true);
        stack.netifs().setDefault(n);
    }

    private void run() {
        for (int i = 0; i < 5; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    @Test
    void bindConflictsFollowLwip() {
        UdpPcb a = stack.newUdpPcb();
        UdpPcb b = stack.newUdpPcb();
        UdpPcb c = stack.newUdpPcb();
        assertEquals(Err.OK, a.bind(Ip4Address.parse("10.0.0.1"), 53));
        assertEquals(Err.USE, b.bind(Ip4Address.parse("10.0.0.1"), 53), "same address and port");
        assertEquals(Err.USE, b.bind(Ip4Address.ANY, 53), "wildcard overlaps a specific address");
        assertEquals(Err.OK, b.bind(Ip4Address.LOOPBACK, 53), "another specific address is fine");
        a.close();
        assertEquals(Err.OK, c.bind(Ip4Address.parse("10.0.0.1"), 53), "port free after close");
        UdpPcb r1 = stack.newUdpPcb();
        UdpPcb r2 = stack.newUdpPcb();
        r1.setReuseAddress(true);
        r2.setReuseAddress(true);
        assertEquals(Err.OK, r1.bind(Ip4Address.ANY, 67));
        assertEquals(Err.OK, r2.bind(Ip4Address.ANY, 67), "both set SOF_REUSEADDR");
    }

    @Test
    void ephemeralPortsAreInRangeAndDistinct() {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UdpPcb p = stack.newUdpPcb();
            assertEquals(Err.OK, p.bind(0));
            assertTrue(p.localPort() >= 0xc000 && p.localPort() <= 0xffff);
            assertTrue(!ports.contains(p.localPort()));
            ports.add(p.localPort());
        }
    }

    @Test
    void pcbPoolIsBoundedAndUseAfterCloseThrows() {
        Stack small = Stack.create(StackConfig.builder().memNumUdpPcb(2).build(), clock);
        UdpPcb a = small.newUdpPcb();
        small.newUdpPcb();
        assertEquals(Err.MEM, assertThrows(ErrException.class, small::newUdpPcb).err());
        assertEquals(1, small.stats().pool("UDP_PCB").err);
        a.close();
        assertThrows(IllegalStateException.class, () -> a.bind(1));
        assertNotEquals(null, small.newUdpPcb());
    }

    @Test
    void broadcastGoesToExactlyOneBestMatchUnlessReuse() {
        UdpPcb wild = stack.newUdpPcb();
        UdpPcb specific = stack.newUdpPcb();
        wild.bind(Ip4Address.LOOPBACK, 0); // unrelated
        UdpPcb any = stack.newUdpPcb();
        assertEquals(Err.OK, any.bind(Ip4Address.ANY, 68));
        int[] got = new int[2];
        any.onReceive((pc, p, src, sp, nf) -> {
            got[0]++;
            p.free();
        });
        specific.onReceive((pc, p, src, sp, nf) -> {
            got[1]++;
            p.free();
        });
        wire.inject(org.lwip4j.ipv4.Ipv4CaptureTestAccess.udpPacket("10.0.0.9", "255.255.255.255", 67, 68, new byte[3]));
        run();
        assertEquals(1, got[0], "one delivery");
        // With SOF_REUSEADDR on both, every matching pcb gets its copy.
        UdpPcb r1 = stack.newUdpPcb();
        UdpPcb r2 = stack.newUdpPcb();
        r1.setReuseAddress(true);
        r2.setReuseAddress(true);
        r1.bind(Ip4Address.ANY, 500);
        r2.bind(Ip4Address.ANY, 500);
        int[] reuse = new int[2];
        r1.onReceive((pc, p, src, sp, nf) -> {
            reuse[0]++;
            p.free();
        });
        r2.onReceive((pc, p, src, sp, nf) -> {
            reuse[1]++;
            p.free();
        });
        wire.inject(org.lwip4j.ipv4.Ipv4CaptureTestAccess.udpPacket("10.0.0.9", "255.255.255.255", 1, 500, new byte[3]));
        run();
        assertEquals(1, reuse[0]);
        assertEquals(1, reuse[1]);
    }

    /** A pcb that counts what it receives into {@code counts[i]}. */
    private UdpPcb counting(Stack s, int[] counts, int i) {
        UdpPcb pcb = s.newUdpPcb();
        pcb.onReceive((pc, p, src, sp, nf) -> {
            counts[i]++;
            p.free();
        });
        return pcb;
    }

    private static byte[] datagram(String src, String dst, int sport, int dport) {
        return org.lwip4j.ipv4.Ipv4CaptureTestAccess.udpPacket(src, dst, sport, dport, new byte[3]);
    }

    @Test
    void conformance34SamePortAndAddressIsUseUnlessBothSetReuse() {
        UdpPcb a = stack.newUdpPcb();
        UdpPcb b = stack.newUdpPcb();
        assertEquals(Err.OK, a.bind(Ip4Address.ANY, 700));
        assertEquals(Err.USE, b.bind(Ip4Address.ANY, 700), "same wildcard address and port");
        assertEquals(Err.USE, b.bind(Ip4Address.parse("10.0.0.1"), 700), "a specific address inside the wildcard");
        assertEquals(Err.OK, a.bind(Ip4Address.ANY, 700), "a pcb may bind again where it is");
        // Reuse on one side only is not enough (lwIP: every pcb on the port must set it).
        a.setReuseAddress(true);
        assertEquals(Err.USE, b.bind(Ip4Address.ANY, 700));
        b.setReuseAddress(true);
        assertEquals(Err.OK, b.bind(Ip4Address.ANY, 700));
        UdpPcb c = stack.newUdpPcb();
        assertEquals(Err.USE, c.bind(Ip4Address.parse("10.0.0.1"), 700), "c does not set reuse");
        // Ephemeral ports never land on a port in use.
        for (int i = 0; i < 50; i++) {
            UdpPcb e = stack.newUdpPcb();
            assertEquals(Err.OK, e.bind(0));
            assertTrue(e.localPort() != 700);
        }
        assertEquals(List.of(), org.lwip4j.testing.SimNet.leakedPbufs(stack));
    }

    @Test
    void conformance34LimitedBroadcastGoesOnlyToThePcbOfTheArrivalNetif() {
        for (boolean tun1First : new boolean[] {false, true}) {
            Stack s = Stack.create(StackConfig.builder().randomSeed(5).build(), clock);
            CaptureDriver w0 = new CaptureDriver(LinkType.IP, 1500);
            CaptureDriver w1 = new CaptureDriver(LinkType.IP, 1500);
            // Broadcast-capable (as Ethernet is) so that directed broadcasts exist on them.
            org.lwip4j.testing.SimNet.attach(s, w0, "tun0", "10.0.0.1/24").setFlags(Netif.FLAG_BROADCAST, Netif.FLAG_BROADCAST);
            org.lwip4j.testing.SimNet.attach(s, w1, "tun1", "192.168.1.1/24").setFlags(Netif.FLAG_BROADCAST, Netif.FLAG_BROADCAST);
            int[] got = new int[2];
            UdpPcb on0 = counting(s, got, 0);
            UdpPcb on1 = counting(s, got, 1);
            // Different addresses, same port: no conflict, and no reuse.
            if (tun1First) {
                assertEquals(Err.OK, on1.bind(Ip4Address.parse("192.168.1.1"), 68));
                assertEquals(Err.OK, on0.bind(Ip4Address.parse("10.0.0.1"), 68));
            } else {
                assertEquals(Err.OK, on0.bind(Ip4Address.parse("10.0.0.1"), 68));
                assertEquals(Err.OK, on1.bind(Ip4Address.parse("192.168.1.1"), 68));
            }
            Runnable run = () -> {
                for (int i = 0; i < 3; i++) {
                    s.poll(clock.nanoTime());
                }
            };
            w1.inject(datagram("192.168.1.9", "255.255.255.255", 67, 68));
            run.run();
            assertEquals(0, got[0], "bind order " + tun1First);
            assertEquals(1, got[1], "bind order " + tun1First);
            w0.inject(datagram("10.0.0.9", "255.255.255.255", 67, 68));
            run.run();
            assertEquals(1, got[0]);
            assertEquals(1, got[1]);
            // A directed broadcast reaches only the pcb on that subnet.
            w1.inject(datagram("192.168.1.9", "192.168.1.255", 67, 68));
            run.run();
            assertEquals(1, got[0]);
            assertEquals(2, got[1]);
            assertEquals(3, s.stats().udp.recv);
            assertEquals(0, s.stats().udp.drop);
            assertEquals(0, w0.count() + w1.count(), "no ICMP about broadcasts");
        }
    }

    @Test
    void conformance34WithReuseBroadcastGoesToEveryMatchAndUnicastToTheBestOne() {
        stack.netifs().byName("tun0").setFlags(Netif.FLAG_BROADCAST, Netif.FLAG_BROADCAST);
        int[] got = new int[4];
        UdpPcb any = counting(stack, got, 0);
        UdpPcb specific = counting(stack, got, 1);
        UdpPcb connected = counting(stack, got, 2);
        UdpPcb plainElsewhere = counting(stack, got, 3);
        for (UdpPcb p : List.of(any, specific, connected)) {
            p.setReuseAddress(true);
        }
        assertEquals(Err.OK, any.bind(Ip4Address.ANY, 500));
        assertEquals(Err.OK, specific.bind(Ip4Address.parse("10.0.0.1"), 500));
        assertEquals(Err.OK, connected.bind(Ip4Address.parse("10.0.0.1"), 500));
        assertEquals(Err.OK, connected.connect(Ip4Address.parse("10.0.0.9"), 1));
        assertEquals(Err.OK, plainElsewhere.bind(Ip4Address.ANY, 501));

        // Unicast: exactly one pcb, the best match (connected peer, then specific address).
        wire.inject(datagram("10.0.0.9", "10.0.0.1", 1, 500));
        run();
        assertEquals(List.of(0, 0, 1, 0), List.of(got[0], got[1], got[2], got[3]));
        wire.inject(datagram("10.0.0.9", "10.0.0.1", 2, 500));
        run();
        assertEquals(List.of(0, 1, 1, 0), List.of(got[0], got[1], got[2], got[3]));
        // Broadcast: every unconnected pcb that set reuse gets its own copy, the connected one
        // only from its peer.
        wire.inject(datagram("10.0.0.9", "255.255.255.255", 2, 500));
        run();
        assertEquals(List.of(1, 2, 1, 0), List.of(got[0], got[1], got[2], got[3]));
        wire.inject(datagram("10.0.0.9", "10.0.0.255", 1, 500));
        run();
        assertEquals(List.of(2, 3, 2, 0), List.of(got[0], got[1], got[2], got[3]));
        assertEquals(List.of(), org.lwip4j.testing.SimNet.leakedPbufs(stack));
    }

    @Test
    void sentDatagramHasCorrectChecksumAndZeroBecomesAllOnes() {
        UdpPcb p = stack.newUdpPcb();
        p.bind(1000);
        Pbuf data = stack.context().pbufs().allocPool(Layer.TRANSPORT, 4);
        data.copyFrom(0, new byte[] {1, 2, 3, 4}, 0, 4);
        assertEquals(Err.OK, p.sendTo(data, Ip4Address.parse("10.0.0.9"), 2000));
        data.free();
        byte[] out = wire.poll().data();
        assertEquals(20 + 12, out.length);
        assertEquals(17, out[9]);
        long sum = Checksum.pseudoHeaderV4(0x0a000001, 0x0a000009, 17, 12);
        assertTrue(Checksum.verifies(Checksum.partial(out, 20, 12, sum)));
        assertEquals(1000, ((out[20] & 0xff) << 8) | (out[21] & 0xff));
        assertEquals(2000, ((out[22] & 0xff) << 8) | (out[23] & 0xff));
        assertEquals(12, ((out[24] & 0xff) << 8) | (out[25] & 0xff));
    }

    @Test
    void badChecksumIsCountedAndZeroChecksumAccepted() {
        UdpPcb s = stack.newUdpPcb();
        s.bind(7);
        int[] got = {0};
        s.onReceive((pc, p, src, sp, nf) -> {
            got[0]++;
            p.free();
        });
        byte[] ok = org.lwip4j.ipv4.Ipv4CaptureTestAccess.udpPacket("10.0.0.9", "10.0.0.1", 1, 7, new byte[] {9});
        wire.inject(ok);
        byte[] bad = ok.clone();
        bad[26] = 0x12; // a non-zero checksum that cannot be right
        bad[27] = 0x34;
        wire.inject(bad);
        run();
        assertEquals(1, got[0]);
        assertEquals(1, stack.stats().udp.chkerr);
    }

    @Test
    void udpLiteCoverageChecksumAndReceive() {
        UdpPcb lite = stack.newUdpLitePcb();
        lite.bind(3000);
        lite.setLiteCoverage(8, 8);
        Pbuf data = stack.context().pbufs().allocPool(Layer.TRANSPORT, 10);
        assertEquals(Err.OK, lite.sendTo(data, Ip4Address.parse("10.0.0.1"), 3000));
        data.free();
        run();
        // Sent to ourselves: looped back, not on the wire; the receiver got it.
        assertEquals(0, wire.count());
        assertEquals(1, stack.stats().udp.recv);
        assertEquals(0, stack.stats().udp.chkerr);
    }

    @Test
    void aPcbUsedOffTheLoopOfARunningStackThrowsAClearException() {
        try (Stack running = Stack.create()) {
            running.start();
            UdpPcb pcb = running.call(running::newUdpPcb);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pcb.bind(7));
            assertTrue(e.getMessage().contains("UDP pcb used off the stack's event loop"), e.getMessage());
            assertTrue(e.getMessage().contains("stack.execute()"), e.getMessage());
            assertThrows(IllegalStateException.class, running::newUdpPcb);
            assertEquals(Err.OK, running.call(() -> pcb.bind(7)), "on the loop it works");
        }
    }
}
