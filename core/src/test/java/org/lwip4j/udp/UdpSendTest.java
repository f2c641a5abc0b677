package org.lwip4j.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.udp.UdpRig.ip;
import static org.lwip4j.udp.UdpRig.u16;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.SimNet;

/** What {@link UdpPcb#sendTo} puts on the wire, what it refuses, and what it counts. */
class UdpSendTest {
    private final UdpRig rig = new UdpRig();

    private static boolean checksumVerifies(byte[] out, String src, String dst) {
        int len = out.length - 20;
        long sum = Checksum.pseudoHeaderV4(ip(src).bits(), ip(dst).bits(), 17, len);
        return Checksum.verifies(Checksum.partial(out, 20, len, sum));
    }

    @Test
    void aDatagramCarriesPortsLengthTtlTosAndAChecksum() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        assertEquals(Err.OK, pcb.bind(4000));
        Pbuf p = rig.stack.pbuf(new byte[] {10, 20, 30});
        assertEquals(Err.OK, pcb.sendTo(p, ip("10.0.0.9"), 53));
        pcb.setTtl(3);
        pcb.setTos(0x128);
        assertEquals(Err.OK, pcb.sendTo(p, ip("10.0.0.9"), 65535));
        assertEquals(3, p.totalLength(), "the caller's pbuf is as it was");
        p.free();
        byte[] a = rig.wire0.poll().data();
        assertEquals(31, a.length);
        assertEquals(64, a[8] & 0xff, "UDP_TTL");
        assertEquals(0, a[1]);
        assertEquals(4000, u16(a, 20));
        assertEquals(53, u16(a, 22));
        assertEquals(11, u16(a, 24));
        assertTrue(checksumVerifies(a, "10.0.0.1", "10.0.0.9"));
        assertArrayEquals(new byte[] {10, 20, 30}, Arrays.copyOfRange(a, 28, 31));
        byte[] b = rig.wire0.poll().data();
        assertEquals(3, b[8] & 0xff);
        assertEquals(0x28, b[1] & 0xff);
        assertEquals(65535, u16(b, 22));
        assertEquals(2, rig.stack.stats().udp.xmit);
        assertEquals(0, rig.stack.stats().udp.err);
    }

    @Test
    void portsOutsideTheRangeAreRefusedAndPortZeroIsVal() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        Pbuf p = rig.stack.pbuf(new byte[1]);
        assertThrows(IllegalArgumentException.class, () -> pcb.sendTo(p, ip("10.0.0.9"), -1));
        assertThrows(IllegalArgumentException.class, () -> pcb.sendTo(p, ip("10.0.0.9"), 65536));
        assertThrows(IllegalArgumentException.class, () -> pcb.bind(-1));
        assertThrows(IllegalArgumentException.class, () -> pcb.bind(65536));
        assertThrows(IllegalArgumentException.class, () -> pcb.connect(ip("10.0.0.9"), 65536));
        assertEquals(Err.VAL, pcb.sendTo(p, ip("10.0.0.9"), 0));
        p.free();
        assertEquals(0, rig.wire0.count());
        assertEquals(0, pcb.localPort(), "nothing bound by refused sends");
        assertEquals(Err.OK, pcb.bind(65535));
        assertEquals(65535, pcb.localPort());
    }

    @Test
    void ttlMustBe1To255() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        assertThrows(IllegalArgumentException.class, () -> pcb.setTtl(0));
        assertThrows(IllegalArgumentException.class, () -> pcb.setTtl(256));
        Pbuf p = rig.stack.pbuf(new byte[1]);
        pcb.setTtl(1);
        pcb.sendTo(p, ip("10.0.0.9"), 9);
        pcb.setTtl(255);
        pcb.sendTo(p, ip("10.0.0.9"), 9);
        p.free();
        assertEquals(List.of(1, 255), rig.wire0.drain().stream().map(f -> f.u8(8)).toList());
    }

    @Test
    void anUnboundPcbSendsFromOneEphemeralPort() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        Pbuf p = rig.stack.pbuf(new byte[1]);
        assertEquals(Err.OK, pcb.sendTo(p, ip("10.0.0.9"), 9));
        int port = pcb.localPort();
        assertTrue(port >= 0xc000 && port <= 0xffff, "port " + port);
        assertEquals(Err.OK, pcb.sendTo(p, ip("10.0.0.9"), 9));
        p.free();
        assertEquals(List.of(port, port), rig.wire0.drain().stream().map(f -> f.u16(20)).toList());
        assertEquals(List.of(pcb), rig.stack.udp().pcbs());
    }

    @Test
    void ephemeralPortsWrapAroundTheRangeAndRunOut() {
        StackConfig.UdpOptions d = StackConfig.defaults().udp();
        UdpRig small = new UdpRig(StackConfig.builder().udp(new StackConfig.UdpOptions(true, 10, d.ttl(), true, 5000,
                5002, true, true)));
        UdpPcb[] pcbs = new UdpPcb[3];
        for (int i = 0; i < 3; i++) {
            pcbs[i] = small.stack.newUdpPcb();
            assertEquals(Err.OK, pcbs[i].bind(0));
        }
        List<Integer> ports = Arrays.stream(pcbs).map(UdpPcb::localPort).sorted().toList();
        assertEquals(List.of(5000, 5001, 5002), ports, "every port of the range, each once");
        UdpPcb extra = small.stack.newUdpPcb();
        assertEquals(Err.USE, extra.bind(0));
        assertEquals(0, extra.localPort());
        Pbuf p = small.stack.pbuf(new byte[1]);
        assertEquals(Err.USE, extra.sendTo(p, ip("10.0.0.9"), 9), "no port to send from");
        p.free();
        int freed = pcbs[1].localPort();
        pcbs[1].close();
        UdpPcb again = small.stack.newUdpPcb();
        assertEquals(Err.OK, again.bind(0));
        assertEquals(freed, again.localPort());
        assertEquals(0, small.wire0.count());
    }

    @Test
    void aZeroChecksumIsSentAsAllOnes() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        pcb.bind(4000);
        Pbuf p = rig.stack.pbuf(new byte[2]);
        pcb.sendTo(p, ip("10.0.0.9"), 53);
        int c = rig.wire0.poll().u16(26);
        // A payload word equal to that checksum makes the one's-complement sum all ones.
        Pbuf q = rig.stack.pbuf(new byte[] {(byte) (c >>> 8), (byte) c});
        pcb.sendTo(q, ip("10.0.0.9"), 53);
        p.free();
        q.free();
        byte[] out = rig.wire0.poll().data();
        assertEquals(0xffff, u16(out, 26));
        assertTrue(checksumVerifies(out, "10.0.0.1", "10.0.0.9"));
    }

    @Test
    void noChecksumWhenThePcbOrTheConfigSaysSo() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        pcb.setNoChecksum(true);
        Pbuf p = rig.stack.pbuf(new byte[] {1, 2});
        pcb.sendTo(p, ip("10.0.0.9"), 53);
        assertEquals(0, rig.wire0.poll().u16(26));
        pcb.setNoChecksum(false);
        pcb.sendTo(p, ip("10.0.0.9"), 53);
        assertTrue(rig.wire0.poll().u16(26) != 0);
        p.free();

        UdpRig off = new UdpRig(StackConfig.builder().checksumGenUdp(false));
        UdpPcb q = off.stack.newUdpPcb();
        Pbuf d = off.stack.pbuf(new byte[] {1, 2});
        q.sendTo(d, ip("10.0.0.9"), 53);
        d.free();
        assertEquals(0, off.wire0.poll().u16(26));
    }

    @Test
    void aPayloadWithoutHeadroomGetsAHeaderPbufInFront() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        pcb.bind(4000);
        Pbuf p = rig.stack.context().pbufs().allocPool(Layer.RAW, 3);
        p.copyFrom(0, new byte[] {5, 6, 7}, 0, 3);
        assertEquals(Err.OK, pcb.sendTo(p, ip("10.0.0.9"), 53));
        assertEquals(3, p.totalLength());
        assertEquals(1, p.refCount(), "the stack let go of the caller's pbuf");
        p.free();
        byte[] out = rig.wire0.poll().data();
        assertEquals(31, out.length);
        assertEquals(4000, u16(out, 20));
        assertEquals(11, u16(out, 24));
        assertArrayEquals(new byte[] {5, 6, 7}, Arrays.copyOfRange(out, 28, 31));
        assertTrue(checksumVerifies(out, "10.0.0.1", "10.0.0.9"));
        assertEquals(List.of(), SimNet.leakedPbufs(rig.stack));
    }

    @Test
    void aDatagramOver65535BytesIsMem() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        Pbuf big = rig.stack.pbuf(new byte[65535 - 8 + 1]);
        assertEquals(Err.MEM, pcb.sendTo(big, ip("10.0.0.9"), 9));
        big.free();
        assertEquals(0, rig.wire0.count());
    }

    @Test
    void broadcastNeedsTheFlagOnlyWithSofBroadcast() {
        Pbuf p = rig.stack.pbuf(new byte[1]);
        UdpPcb plain = rig.stack.newUdpPcb();
        assertEquals(Err.OK, plain.sendTo(p, ip("10.0.0.255"), 9), "IP_SOF_BROADCAST off: no check");
        p.free();
        assertEquals(1, rig.wire0.count());

        UdpRig sof = new UdpRig(StackConfig.builder().ipSofBroadcast(true));
        Pbuf q = sof.stack.pbuf(new byte[1]);
        UdpPcb pcb = sof.stack.newUdpPcb();
        assertEquals(Err.VAL, pcb.sendTo(q, ip("10.0.0.255"), 9));
        assertEquals(Err.VAL, pcb.sendTo(q, ip("255.255.255.255"), 9));
        assertEquals(Err.OK, pcb.sendTo(q, ip("10.0.0.9"), 9), "unicast needs no flag");
        pcb.setBroadcast(true);
        assertEquals(Err.OK, pcb.sendTo(q, ip("10.0.0.255"), 9));
        q.free();
        assertEquals(List.of("10.0.0.9", "10.0.0.255"),
                sof.wire0.drain().stream().map(f -> ip4(f.data(), 16)).toList());
    }

    private static String ip4(byte[] b, int i) {
        return (b[i] & 0xff) + "." + (b[i + 1] & 0xff) + "." + (b[i + 2] & 0xff) + "." + (b[i + 3] & 0xff);
    }

    @Test
    void theCachedRouteFollowsTheDestinationTheNetifAndAddressChanges() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        Pbuf p = rig.stack.pbuf(new byte[1]);
        pcb.sendTo(p, ip("10.0.0.9"), 9);
        assertEquals(1, rig.wire0.count());
        pcb.sendTo(p, ip("192.168.1.9"), 9);
        assertEquals(1, rig.wire1.count(), "a new destination: a new route");
        pcb.sendTo(p, ip("10.0.0.9"), 9);
        assertEquals(2, rig.wire0.count());
        pcb.sendToIf(p, ip("10.0.0.9"), 9, rig.tun1);
        assertEquals(2, rig.wire1.count(), "a given netif beats the cached route");
        pcb.bindNetif(rig.tun1);
        pcb.sendTo(p, ip("10.0.0.9"), 9);
        assertEquals(3, rig.wire1.count());
        pcb.bindNetif(null);
        pcb.sendTo(p, ip("10.0.0.9"), 9);
        assertEquals(3, rig.wire0.count());
        rig.tun0.ip4().set(Ip4Interface.parse("10.0.0.2/24"));
        pcb.sendTo(p, ip("10.0.0.9"), 9);
        p.free();
        List<String> sources = rig.wire0.drain().stream().map(f -> ip4(f.data(), 12)).toList();
        assertEquals(List.of("10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2"), sources, "a stale route is made again");
    }

    @Test
    void noRouteIsRteAndCounted() {
        rig.stack.netifs().setDefault(null);
        UdpPcb pcb = rig.stack.newUdpPcb();
        Pbuf p = rig.stack.pbuf(new byte[1]);
        assertEquals(Err.RTE, pcb.sendTo(p, ip("172.16.0.1"), 9));
        p.free();
        assertEquals(1, rig.stack.stats().udp.rterr);
        assertEquals(0, rig.stack.stats().udp.xmit);
        assertEquals(0, rig.wire0.count() + rig.wire1.count());
    }

    @Test
    void aFailedOutputIsCountedAsAnError() {
        rig.wire0.setTransmitResult(Err.IF);
        UdpPcb pcb = rig.stack.newUdpPcb();
        Pbuf p = rig.stack.pbuf(new byte[1]);
        Err e = pcb.sendTo(p, ip("10.0.0.9"), 9);
        rig.wire0.setTransmitResult(Err.OK);
        assertEquals(Err.OK, pcb.sendTo(p, ip("10.0.0.9"), 9));
        p.free();
        assertTrue(e != Err.OK, "the driver's refusal comes back: " + e);
        assertEquals(1, rig.stack.stats().udp.err);
        assertEquals(1, rig.stack.stats().udp.xmit);
        assertEquals(1, rig.wire0.count());
    }

    @Test
    void sendGoesToTheConnectedPeerAndDisconnectForgetsIt() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        Pbuf p = rig.stack.pbuf(new byte[1]);
        assertEquals(Err.CONN, pcb.send(p));
        assertEquals(Err.OK, pcb.connect(ip("192.168.1.7"), 777));
        assertTrue(pcb.isConnected());
        assertTrue(pcb.localPort() >= 0xc000, "connect binds an ephemeral port");
        assertEquals(ip("192.168.1.7"), pcb.remoteAddress());
        assertEquals(777, pcb.remotePort());
        assertEquals(Err.OK, pcb.send(p));
        byte[] out = rig.wire1.poll().data();
        assertEquals("192.168.1.7", ip4(out, 16));
        assertEquals(777, u16(out, 22));
        pcb.disconnect();
        assertEquals(false, pcb.isConnected());
        assertEquals(ip("0.0.0.0"), pcb.remoteAddress());
        assertEquals(0, pcb.remotePort());
        assertEquals(Err.CONN, pcb.send(p));
        p.free();
        assertEquals(0, rig.wire0.count() + rig.wire1.count());
    }

    @Test
    void aOnePortRangeGivesThatPortOnce() {
        StackConfig.UdpOptions d = StackConfig.defaults().udp();
        UdpRig one = new UdpRig(StackConfig.builder().udp(new StackConfig.UdpOptions(true, 10, d.ttl(), false, 6000,
                6000, true, true)));
        UdpPcb a = one.stack.newUdpPcb();
        assertEquals(Err.OK, a.bind(0));
        assertEquals(6000, a.localPort());
        assertEquals(Err.USE, one.stack.newUdpPcb().bind(0));
        assertThrows(IllegalStateException.class, one.stack::newUdpLitePcb, "LWIP_UDPLITE off");
    }

    @Test
    void aClosedPcbRefusesEveryUse() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        UdpPcb lite = rig.stack.newUdpLitePcb();
        pcb.close();
        lite.close();
        Pbuf p = rig.stack.pbuf(new byte[1]);
        assertThrows(IllegalStateException.class, () -> pcb.sendTo(p, ip("10.0.0.9"), 9));
        assertThrows(IllegalStateException.class, () -> pcb.connect(ip("10.0.0.9"), 9));
        assertThrows(IllegalStateException.class, () -> lite.setLiteCoverage(8, 8));
        p.free();
        assertEquals(0, rig.wire0.count());
    }

    @Test
    void pcbsAreMadeClosedAndUsedOnlyOnTheLoop() throws Exception {
        rig.run(); // polled by this thread: the loop is this thread's
        UdpPcb pcb = rig.stack.newUdpPcb();
        UdpPcb lite = rig.stack.newUdpLitePcb();
        Pbuf p = rig.stack.pbuf(new byte[1]);
        List<Runnable> calls = List.of(rig.stack::newUdpPcb, pcb::close, () -> pcb.sendTo(p, ip("10.0.0.9"), 9),
                () -> pcb.connect(ip("10.0.0.9"), 9), () -> lite.setLiteCoverage(8, 8), () -> pcb.bind(9));
        List<Integer> passed = new java.util.ArrayList<>();
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
        p.free();
        assertEquals(List.of(), passed, "off-loop calls that were not refused");
        assertEquals(0, rig.wire0.count());
        assertEquals(2, rig.stack.stats().pool("UDP_PCB").used);
    }

    @Test
    void aHeaderPbufThePoolCannotGiveIsMemAndCounted() {
        UdpRig tiny = new UdpRig(StackConfig.builder().pbufPoolSize(2));
        UdpPcb pcb = tiny.stack.newUdpPcb();
        pcb.bind(4000);
        Pbuf p = tiny.stack.context().pbufs().allocPool(Layer.RAW, 3);
        Pbuf hog = tiny.stack.context().pbufs().allocPool(Layer.RAW, 3);
        assertEquals(Err.MEM, pcb.sendTo(p, ip("10.0.0.9"), 53));
        assertEquals(1, tiny.stack.stats().udp.memerr);
        assertEquals(1, tiny.stack.stats().udp.err);
        hog.free();
        assertEquals(Err.OK, pcb.sendTo(p, ip("10.0.0.9"), 53));
        p.free();
        assertEquals(1, tiny.wire0.count());
    }

    @Test
    void overIpv4TheLargestPayloadIs65507BytesAndUdpItselfStopsAt65535() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        Pbuf largest = rig.stack.pbuf(new byte[65535 - 20 - 8]);
        assertEquals(Err.OK, pcb.sendTo(largest, ip("10.0.0.9"), 9));
        largest.free();
        int total = 0;
        for (var f : rig.wire0.drain()) {
            assertTrue(f.length() <= 1500, "fragment length");
            total += f.length() - 20;
        }
        assertEquals(65535 - 20, total, "the UDP datagram, in fragments");
        Pbuf tooBigForIp = rig.stack.pbuf(new byte[65535 - 8]);
        assertEquals(Err.VAL, pcb.sendTo(tooBigForIp, ip("10.0.0.9"), 9), "a whole UDP datagram, but no IPv4 packet holds it");
        tooBigForIp.free();
        assertEquals(0, rig.wire0.count());
    }
}
