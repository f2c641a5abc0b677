package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;
import org.lwip4j.testing.SimNet;
import org.lwip4j.udp.UdpPcb;

/** GSO super-packets from a device: cut in software where a path cannot take them whole. */
class GsoTest {
    private VirtualClock clock;
    private Stack router;
    private CaptureDriver in;
    private CaptureDriver out;
    private Netif tun0;

    @BeforeEach
    void setUp() {
        clock = new VirtualClock();
        router = Stack.create(StackConfig.builder().randomSeed(9).ipForward(true).build(), clock);
        in = new CaptureDriver(LinkType.IP, 1500);
        out = new CaptureDriver(LinkType.IP, 1500);
        tun0 = router.addNetif(in, "tun0");
        tun0.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        tun0.setUp(true);
        Netif tun1 = router.addNetif(out, "tun1");
        tun1.ip4().set(Ip4Interface.parse("10.1.0.1/24"));
        tun1.setUp(true);
    }

    private void run() {
        for (int i = 0; i < 5; i++) {
            router.poll(clock.nanoTime());
        }
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + i / 256);
        }
        return b;
    }

    /** A TCP segment with seq 0xfffffc00 (so cutting crosses the 2^32 wrap), flags FIN|PSH|ACK|CWR. */
    private static byte[] tcp(byte[] data) {
        byte[] t = new byte[20 + data.length];
        t[0] = 0x30;
        t[1] = 0x39;
        t[2] = 0x00;
        t[3] = 0x50;
        t[4] = (byte) 0xff;
        t[5] = (byte) 0xff;
        t[6] = (byte) 0xfc;
        t[7] = 0x00;
        t[12] = 0x50;
        t[13] = (byte) (0x80 | 0x10 | 0x08 | 0x01);
        t[14] = (byte) 0xff;
        t[15] = (byte) 0xff;
        System.arraycopy(data, 0, t, 20, data.length);
        return t;
    }

    private void inputSuper(byte[] packet, int gsoType, int gsoSize) {
        Pbuf p = router.context().pbufs().allocPool(Layer.RAW, packet.length);
        p.copyFrom(0, packet, 0, packet.length);
        p.setGso(gsoType, gsoSize);
        tun0.input(p);
        run();
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | b[off + 1] & 0xff;
    }

    @Test
    void aTcpSuperPacketIsCutForADeviceWithoutTso() {
        byte[] data = pattern(3000);
        inputSuper(Packets.ipv4(6, "10.0.0.9", "10.1.0.9", 64, 0x4000, tcp(data)), Pbuf.GSO_TCPV4, 1000);
        List<byte[]> segs = out.drain().stream().map(f -> f.data()).toList();
        assertEquals(3, segs.size());
        byte[] joined = new byte[0];
        for (int i = 0; i < 3; i++) {
            byte[] s = segs.get(i);
            assertEquals(1040, s.length);
            assertEquals(1040, u16(s, 2), "total length");
            assertEquals((0x1234 + i) & 0xffff, u16(s, 4), "identification counts up");
            assertEquals(63, s[8] & 0xff, "TTL decremented once");
            assertTrue(Checksum.verifies(Checksum.partial(s, 0, 20, 0)), "IP checksum");
            long seq = (0xfffffc00L + 1000L * i) & 0xffffffffL;
            assertEquals(seq, ((long) u16(s, 24) << 16) | u16(s, 26), "sequence advanced, across the wrap");
            int flags = s[33] & 0xff;
            assertEquals(i == 0 ? 0x80 : 0, flags & 0x80, "CWR only on the first");
            assertEquals(i == 2 ? 0x09 : 0, flags & 0x09, "FIN and PSH only on the last");
            assertEquals(0x10, flags & 0x10, "ACK on all");
            long pseudo = Checksum.pseudoHeaderV4(0x0a000009, 0x0a010009, 6, 1020);
            assertTrue(Checksum.verifies(Checksum.partial(s, 20, 1020, pseudo)), "TCP checksum of segment " + i);
            joined = concat(joined, Arrays.copyOfRange(s, 40, s.length));
        }
        assertTrue(Arrays.equals(data, joined), "the payload, in order and intact");
        assertEquals(List.of(), SimNet.leakedPbufs(router));
    }

    @Test
    void aDeviceWithTsoGetsTheSuperPacketWhole() {
        out.setGsoTypes(1 << Pbuf.GSO_TCPV4);
        inputSuper(Packets.ipv4(6, "10.0.0.9", "10.1.0.9", 64, 0x4000, tcp(pattern(3000))), Pbuf.GSO_TCPV4, 1000);
        List<byte[]> segs = out.drain().stream().map(f -> f.data()).toList();
        assertEquals(1, segs.size());
        assertEquals(3040, segs.get(0).length, "not fragmented although above the MTU: the device cuts it");
    }

    @Test
    void aUfoDatagramIsFragmentedAsAnyLargeDatagram() {
        inputSuper(Packets.ipv4(17, "10.0.0.9", "10.1.0.9", 64, 0, Packets.udp(1, 2, pattern(3000))), Pbuf.GSO_UDP, 1472);
        List<byte[]> frags = out.drain().stream().map(f -> f.data()).toList();
        assertEquals(3, frags.size());
        assertEquals(0x2000, u16(frags.get(0), 6) & 0x2000, "more fragments");
    }

    @Test
    void aUdpL4SuperPacketForUsIsDeliveredAsItsDatagrams() {
        UdpPcb u = router.newUdpPcb();
        u.bind(2);
        List<Integer> sizes = new ArrayList<>();
        byte[][] got = new byte[1][0];
        u.onReceive((pcb, p, src, port, netif) -> {
            sizes.add(p.totalLength());
            got[0] = concat(got[0], p.toByteArray());
            p.free();
        });
        byte[] data = pattern(2500);
        inputSuper(Packets.ipv4(17, "10.0.0.9", "10.0.0.1", 64, 0, Packets.udp(1, 2, data)), Pbuf.GSO_UDP_L4, 1000);
        assertEquals(List.of(1000, 1000, 500), sizes);
        assertTrue(Arrays.equals(data, got[0]));
        assertEquals(List.of(), SimNet.leakedPbufs(router));
    }

    @Test
    void aSuperPacketWhoseTypeContradictsItsProtocolIsDropped() {
        long proterr = router.stats().ip.proterr;
        inputSuper(Packets.ipv4(17, "10.0.0.9", "10.1.0.9", 64, 0, Packets.udp(1, 2, pattern(3000))), Pbuf.GSO_TCPV4, 1000);
        assertEquals(0, out.count());
        assertEquals(proterr + 1, router.stats().ip.proterr);
        assertEquals(List.of(), SimNet.leakedPbufs(router));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
