package org.lwip4j.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.lwip4j.udp.UdpRig.ip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.ip.IcmpError;
import org.lwip4j.sim.CapturedFrame;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.Packets;
import org.lwip4j.testing.SimNet;

/** Which pcb a received datagram goes to, what is dropped and counted, and ICMP errors handed to pcbs. */
class UdpReceiveTest {
    private final UdpRig rig = new UdpRig();
    private final List<String> got = new ArrayList<>();

    private UdpPcb recording(UdpRig r, String name) {
        UdpPcb pcb = r.stack.newUdpPcb();
        pcb.onReceive((pc, p, src, sport, netif) -> {
            got.add(name + " " + src + ":" + sport + " " + Arrays.toString(p.toByteArray()) + " on " + netif.name());
            p.free();
        });
        return pcb;
    }

    private static byte[] datagram(String src, String dst, int sport, int dport, byte[] data) {
        return Packets.ipv4(17, src, dst, 64, 0, Packets.udp(sport, dport, data));
    }

    /** A datagram with a correct UDP checksum. */
    private static byte[] checksummed(String src, String dst, int sport, int dport, byte[] data) {
        byte[] u = Packets.udp(sport, dport, data);
        long sum = Checksum.pseudoHeaderV4(ip(src).bits(), ip(dst).bits(), 17, u.length);
        int c = Checksum.finish(Checksum.partial(u, 0, u.length, sum));
        c = c == 0 ? 0xffff : c;
        u[6] = (byte) (c >>> 8);
        u[7] = (byte) c;
        return Packets.ipv4(17, src, dst, 64, 0, u);
    }

    @Test
    void aDatagramReachesItsPcbWithSourceAndNetif() {
        recording(rig, "a").bind(7);
        rig.wire1.inject(checksummed("192.168.1.9", "192.168.1.1", 1234, 7, new byte[] {1, 2}));
        rig.run();
        assertEquals(List.of("a 192.168.1.9:1234 [1, 2] on tun1"), got);
        ProtoStats s = rig.stack.stats().udp;
        assertEquals(1, s.recv);
        assertEquals(0, s.drop + s.chkerr + s.lenerr + s.proterr);
        assertEquals(0, rig.wire0.count() + rig.wire1.count());
    }

    @Test
    void aDatagramToAClosedPortIsPortUnreachableQuotingIt() {
        byte[] d = datagram("10.0.0.9", "10.0.0.1", 1234, 9, new byte[] {1, 2, 3});
        rig.wire0.inject(d);
        rig.run();
        CapturedFrame f = rig.wire0.poll();
        byte[] out = f.data();
        assertEquals(1, out[9], "ICMP");
        assertEquals(3, out[20] & 0xff);
        assertEquals(3, out[21] & 0xff, "port unreachable");
        assertArrayEquals(Arrays.copyOfRange(d, 0, 28), Arrays.copyOfRange(out, 28, 56), "the header and 8 bytes quoted");
        ProtoStats s = rig.stack.stats().udp;
        assertEquals(1, s.recv);
        assertEquals(1, s.proterr);
        assertEquals(1, s.drop);
    }

    @Test
    void aBroadcastToAClosedPortIsDroppedSilently() {
        rig.wire0.inject(datagram("10.0.0.9", "10.0.0.255", 1234, 9, new byte[1]));
        rig.wire0.inject(datagram("10.0.0.9", "255.255.255.255", 1234, 9, new byte[1]));
        rig.run();
        assertEquals(0, rig.wire0.count());
        assertEquals(2, rig.stack.stats().udp.proterr);
        assertEquals(2, rig.stack.stats().udp.drop);
    }

    @Test
    void shortAndOverlongDatagramsAreLengthErrors() {
        recording(rig, "a").bind(7);
        rig.wire0.inject(Packets.ipv4(17, "10.0.0.9", "10.0.0.1", 64, 0, new byte[] {0, 1, 0, 7, 0, 8, 0}));
        byte[] longer = Packets.udp(1, 7, new byte[2]);
        longer[5] = 11; // says 11, has 10
        rig.wire0.inject(Packets.ipv4(17, "10.0.0.9", "10.0.0.1", 64, 0, longer));
        rig.run();
        assertEquals(List.of(), got);
        assertEquals(2, rig.stack.stats().udp.lenerr);
        assertEquals(2, rig.stack.stats().udp.drop);
        assertEquals(0, rig.wire0.count());
    }

    @Test
    void bytesBeyondTheUdpLengthAreCutOff() {
        recording(rig, "a").bind(7);
        byte[] u = Packets.udp(1, 7, new byte[] {1, 2, 3, 4});
        u[5] = 10; // two bytes of data, two of padding
        rig.wire0.inject(Packets.ipv4(17, "10.0.0.9", "10.0.0.1", 64, 0, u));
        rig.run();
        assertEquals(List.of("a 10.0.0.9:1 [1, 2] on tun0"), got);
        assertEquals(0, rig.stack.stats().udp.lenerr);
    }

    @Test
    void aBadChecksumIsDroppedUnlessCheckingIsOff() {
        byte[] bad = checksummed("10.0.0.9", "10.0.0.1", 1, 7, new byte[] {1, 2});
        bad[bad.length - 1] ^= 1;
        recording(rig, "a").bind(7);
        rig.wire0.inject(bad);
        rig.run();
        assertEquals(List.of(), got);
        assertEquals(1, rig.stack.stats().udp.chkerr);
        assertEquals(1, rig.stack.stats().udp.drop);

        UdpRig off = new UdpRig(StackConfig.builder().checksumCheckUdp(false));
        recording(off, "off").bind(7);
        off.wire0.inject(bad);
        off.run();
        assertEquals(List.of("off 10.0.0.9:1 [1, 3] on tun0"), got);
        assertEquals(0, off.stack.stats().udp.chkerr);
    }

    @Test
    void aPcbWithoutReceiverDropsAndCounts() {
        rig.stack.newUdpPcb().bind(7);
        rig.wire0.inject(datagram("10.0.0.9", "10.0.0.1", 1, 7, new byte[1]));
        rig.run();
        assertEquals(1, rig.stack.stats().udp.drop);
        assertEquals(0, rig.stack.stats().udp.proterr);
        assertEquals(0, rig.wire0.count(), "the port is open: no ICMP");
        assertEquals(List.of(), SimNet.leakedPbufs(rig.stack));
    }

    @Test
    void aThrowingReceiverIsCountedAndItsDatagramFreedOnce() {
        UdpPcb keepsIt = rig.stack.newUdpPcb();
        keepsIt.bind(7);
        keepsIt.onReceive((pc, p, src, sport, netif) -> {
            throw new IllegalStateException("bug before free");
        });
        UdpPcb freesIt = rig.stack.newUdpPcb();
        freesIt.bind(8);
        freesIt.onReceive((pc, p, src, sport, netif) -> {
            p.free();
            throw new IllegalStateException("bug after free");
        });
        rig.wire0.inject(datagram("10.0.0.9", "10.0.0.1", 1, 7, new byte[1]));
        rig.wire0.inject(datagram("10.0.0.9", "10.0.0.1", 1, 8, new byte[1]));
        rig.run();
        assertEquals(2, rig.stack.stats().udp.err);
        assertEquals(List.of(), SimNet.leakedPbufs(rig.stack));
        assertEquals(0, rig.stack.stats().pool("PBUF_POOL").illegal, "no pbuf freed twice");
    }

    @Test
    void aPcbBoundToANetifHearsOnlyThatNetif() {
        UdpPcb bound = recording(rig, "x");
        bound.bindNetif(rig.tun1);
        bound.bind(7);
        rig.wire0.inject(datagram("10.0.0.9", "10.0.0.1", 1, 7, new byte[] {1}));
        rig.wire1.inject(datagram("192.168.1.9", "192.168.1.1", 1, 7, new byte[] {2}));
        rig.run();
        assertEquals(List.of("x 192.168.1.9:1 [2] on tun1"), got);
        assertEquals(1, rig.wire0.count(), "nobody on tun0: port unreachable");
    }

    @Test
    void aPcbBoundToAnAddressHearsOnlyDatagramsToIt() {
        recording(rig, "a").bind(ip("10.0.0.1"), 7);
        rig.wire0.inject(datagram("10.0.0.9", "192.168.1.1", 1, 7, new byte[] {1}));
        rig.wire0.inject(datagram("10.0.0.9", "10.0.0.1", 1, 7, new byte[] {2}));
        rig.run();
        assertEquals(List.of("a 10.0.0.9:1 [2] on tun0"), got);
    }

    @Test
    void aConnectedPcbHearsOnlyItsPeerAndBeatsTheWildcard() {
        UdpPcb any = recording(rig, "any");
        any.setReuseAddress(true);
        any.bind(7);
        UdpPcb conn = recording(rig, "conn");
        conn.setReuseAddress(true);
        conn.bind(7);
        conn.connect(ip("10.0.0.9"), 53);
        rig.wire0.inject(datagram("10.0.0.9", "10.0.0.1", 53, 7, new byte[] {1}));
        rig.wire0.inject(datagram("10.0.0.9", "10.0.0.1", 54, 7, new byte[] {2}));
        rig.wire0.inject(datagram("10.0.0.8", "10.0.0.1", 53, 7, new byte[] {3}));
        rig.run();
        assertEquals(List.of("conn 10.0.0.9:53 [1] on tun0", "any 10.0.0.9:54 [2] on tun0", "any 10.0.0.8:53 [3] on tun0"), got);
    }

    @Test
    void withSofBroadcastRecvOnlyFlaggedPcbsHearBroadcasts() {
        UdpRig r = new UdpRig(StackConfig.builder().ipSofBroadcastRecv(true));
        UdpPcb pcb = recording(r, "a");
        pcb.bind(68);
        r.wire0.inject(datagram("10.0.0.9", "255.255.255.255", 67, 68, new byte[] {1}));
        r.wire0.inject(datagram("10.0.0.9", "10.0.0.1", 67, 68, new byte[] {2}));
        r.run();
        pcb.setBroadcast(true);
        r.wire0.inject(datagram("10.0.0.9", "255.255.255.255", 67, 68, new byte[] {3}));
        r.run();
        assertEquals(List.of("a 10.0.0.9:67 [2] on tun0", "a 10.0.0.9:67 [3] on tun0"), got);
        assertEquals(1, r.stack.stats().udp.proterr);
    }

    @Test
    void aBroadcastGoesToThePcbOfTheArrivalNetifsAddressBeforeTheWildcard() {
        UdpPcb any = recording(rig, "any");
        UdpPcb mine = recording(rig, "mine");
        UdpPcb other = recording(rig, "other");
        for (UdpPcb p : List.of(any, mine, other)) {
            p.setReuseAddress(false);
        }
        other.bind(ip("192.168.1.1"), 68);
        mine.bind(ip("10.0.0.1"), 68);
        rig.wire0.inject(datagram("10.0.0.9", "255.255.255.255", 67, 68, new byte[] {1}));
        rig.wire0.inject(datagram("10.0.0.9", "10.0.0.255", 67, 68, new byte[] {2}));
        rig.wire1.inject(datagram("192.168.1.9", "255.255.255.255", 67, 68, new byte[] {3}));
        rig.run();
        mine.close();
        rig.wire0.inject(datagram("10.0.0.9", "255.255.255.255", 67, 68, new byte[] {4}));
        rig.wire0.inject(datagram("10.0.0.9", "10.0.0.255", 67, 68, new byte[] {5}));
        rig.run();
        assertEquals(List.of("mine 10.0.0.9:67 [1] on tun0", "mine 10.0.0.9:67 [2] on tun0",
                "other 192.168.1.9:67 [3] on tun1", "other 10.0.0.9:67 [4] on tun0"), got,
                "a limited broadcast may reach another netif's pcb; a directed one not");
    }

    @Test
    void udpLiteCoverageOnTheWireAndTheLeastAcceptedOnReceive() {
        UdpPcb lite = rig.stack.newUdpLitePcb();
        assertThrows(IllegalArgumentException.class, () -> lite.setLiteCoverage(7, 0));
        assertThrows(IllegalArgumentException.class, () -> lite.setLiteCoverage(0, 7));
        assertThrows(IllegalArgumentException.class, () -> lite.setLiteCoverage(65536, 0));
        assertThrows(IllegalArgumentException.class, () -> lite.setLiteCoverage(0, 65536));
        assertThrows(IllegalStateException.class, () -> rig.stack.newUdpPcb().setLiteCoverage(8, 8));
        lite.setLiteCoverage(8, 8); // the least coverage: the header
        lite.bind(5000);
        var p = rig.stack.pbuf(new byte[20]);
        lite.setLiteCoverage(0, 0);
        lite.sendTo(p, ip("10.0.0.9"), 5000);
        lite.setLiteCoverage(12, 0);
        lite.sendTo(p, ip("10.0.0.9"), 5000);
        lite.setLiteCoverage(100, 0);
        lite.sendTo(p, ip("10.0.0.9"), 5000);
        lite.setLiteCoverage(65535, 0);
        lite.sendTo(p, ip("10.0.0.9"), 5000);
        p.free();
        List<CapturedFrame> out = rig.wire0.drain();
        assertEquals(List.of(136, 136, 136, 136), out.stream().map(f -> f.u8(9)).toList());
        assertEquals(List.of(0, 12, 28, 28), out.stream().map(f -> f.u16(24)).toList(), "coverage field: 0 = all, capped at the length");
        for (CapturedFrame f : out) {
            int cov = f.u16(24) == 0 ? 28 : f.u16(24);
            long sum = Checksum.pseudoHeaderV4(ip("10.0.0.1").bits(), ip("10.0.0.9").bits(), 136, 28);
            assertEquals(true, Checksum.verifies(Checksum.partial(f.data(), 20, cov, sum)), "coverage " + cov);
        }
        // Receive: a datagram covering fewer bytes than asked for is refused.
        lite.setLiteCoverage(0, 20);
        lite.onReceive((pc, q, src, sport, netif) -> {
            got.add("lite " + q.totalLength());
            q.free();
        });
        rig.wire0.inject(Packets.ipv4(136, "10.0.0.9", "10.0.0.1", 64, 0, liteBody(out.get(1).data())));
        rig.wire0.inject(Packets.ipv4(136, "10.0.0.9", "10.0.0.1", 64, 0, liteBody(out.get(2).data())));
        rig.wire0.inject(Packets.ipv4(136, "10.0.0.9", "10.0.0.1", 64, 0, liteBody(out.get(0).data())));
        rig.run();
        assertEquals(List.of("lite 20", "lite 20"), got, "coverage 12 refused, 28 and all accepted");
    }

    /** The UDP-Lite part of a captured datagram to 10.0.0.9, readdressed 10.0.0.9 → 10.0.0.1 (the sum is the same). */
    private static byte[] liteBody(byte[] ipPacket) {
        return Arrays.copyOfRange(ipPacket, 20, ipPacket.length);
    }

    @Test
    void udpLiteNeedsTheOption() {
        UdpRig off = new UdpRig(StackConfig.builder().udpLite(false));
        assertThrows(IllegalStateException.class, off.stack::newUdpLitePcb);
        off.wire0.inject(Packets.ipv4(136, "10.0.0.9", "10.0.0.1", 64, 0, new byte[8]));
        off.run();
        assertEquals(2, off.wire0.poll().u8(21), "protocol unreachable: nobody speaks UDP-Lite");
    }

    @Test
    void anIcmpErrorGoesToThePcbThatSentTheDatagram() {
        List<IcmpError> wild = new ArrayList<>();
        List<IcmpError> conn = new ArrayList<>();
        List<IcmpError> elsewhere = new ArrayList<>();
        UdpPcb a = rig.stack.newUdpPcb();
        a.setReuseAddress(true);
        a.bind(4000);
        a.onError(wild::add);
        UdpPcb c = rig.stack.newUdpPcb();
        c.setReuseAddress(true);
        c.bind(4000);
        c.connect(ip("10.0.0.9"), 53);
        c.onError(conn::add);
        UdpPcb o = rig.stack.newUdpPcb();
        o.setReuseAddress(true);
        o.bind(ip("192.168.1.1"), 4000);
        o.onError(elsewhere::add);
        List<IcmpError> later = new ArrayList<>();
        UdpPcb a2 = rig.stack.newUdpPcb();
        a2.setReuseAddress(true);
        a2.bind(4000);
        a2.onError(later::add);
        UdpPcb thrower = rig.stack.newUdpPcb();
        thrower.bind(4001);
        thrower.onError(e -> {
            throw new IllegalStateException("bug");
        });

        byte[] toPeer = datagram("10.0.0.1", "10.0.0.9", 4000, 53, new byte[] {1});
        byte[] toOther = datagram("10.0.0.1", "10.0.0.9", 4000, 54, new byte[] {1});
        byte[] fromThrower = datagram("10.0.0.1", "10.0.0.9", 4001, 54, new byte[] {1});
        byte[] nobody = datagram("10.0.0.1", "10.0.0.9", 4002, 54, new byte[] {1});
        for (byte[] q : List.of(toPeer, toOther, fromThrower, nobody)) {
            rig.wire0.inject(Packets.ipv4(1, "10.0.0.9", "10.0.0.1", 64, 0, Packets.icmp(3, 3, 0, q)));
        }
        rig.run();
        assertEquals(1, conn.size());
        IcmpError e = conn.get(0);
        assertEquals(true, e.isPortUnreachable());
        assertEquals(ip("10.0.0.9"), e.reporter());
        assertEquals(ip("10.0.0.1"), e.localAddr());
        assertEquals(4000, e.localPort());
        assertEquals(ip("10.0.0.9"), e.remoteAddr());
        assertEquals(53, e.remotePort());
        assertEquals(1, wild.size(), "the unconnected pcb on the port gets the other one");
        assertEquals(54, wild.get(0).remotePort());
        assertEquals(List.of(), elsewhere);
        assertEquals(List.of(), later, "among unconnected pcbs, the first bound");
        assertEquals(0, rig.wire0.count());
    }

    @Test
    void aRebindLeavesTheOldPort() {
        UdpPcb a = recording(rig, "a");
        a.bind(7);
        a.bind(8);
        rig.wire0.inject(datagram("10.0.0.9", "10.0.0.1", 1, 7, new byte[] {1}));
        rig.wire0.inject(datagram("10.0.0.9", "10.0.0.1", 1, 8, new byte[] {2}));
        rig.run();
        assertEquals(List.of("a 10.0.0.9:1 [2] on tun0"), got);
        assertEquals(1, rig.wire0.count(), "port 7 is closed now");
        assertEquals(org.lwip4j.stack.Err.OK, rig.stack.newUdpPcb().bind(7));
        assertEquals(List.of(7, 8), rig.stack.udp().pcbs().stream().map(UdpPcb::localPort).toList());
    }

    @Test
    void pcbsAreListedByPort() {
        for (int port : new int[] {65535, 4097, 7, 1024, 300, 1}) {
            rig.stack.newUdpPcb().bind(port);
        }
        rig.stack.newUdpPcb(); // unbound: not listed
        assertEquals(List.of(1, 7, 300, 1024, 4097, 65535),
                rig.stack.udp().pcbs().stream().map(UdpPcb::localPort).toList());
    }

    @Test
    void aClosedPcbHearsNothingMore() {
        UdpPcb a = recording(rig, "a");
        a.connect(ip("10.0.0.9"), 53);
        int port = a.localPort();
        a.close();
        a.close();
        rig.wire0.inject(datagram("10.0.0.9", "10.0.0.1", 53, port, new byte[] {1}));
        rig.run();
        assertEquals(List.of(), got);
        assertEquals(1, rig.wire0.count(), "port unreachable");
        assertEquals(0, rig.stack.stats().pool("UDP_PCB").used);
    }

    @Test
    void connectingAgainMovesThePcbAndCloseFreesItsPort() {
        UdpPcb a = recording(rig, "a");
        a.bind(7);
        a.connect(ip("10.0.0.9"), 53);
        a.connect(ip("10.0.0.8"), 54);
        rig.wire0.inject(datagram("10.0.0.9", "10.0.0.1", 53, 7, new byte[] {1}));
        rig.wire0.inject(datagram("10.0.0.8", "10.0.0.1", 54, 7, new byte[] {2}));
        rig.run();
        assertEquals(List.of("a 10.0.0.8:54 [2] on tun0"), got);
        a.close();
        assertEquals(List.of(), rig.stack.udp().pcbs());
        assertEquals(org.lwip4j.stack.Err.OK, rig.stack.newUdpPcb().bind(7), "port 7 is free");
    }

    @Test
    void everyReusePcbGetsItsOwnCopyOfTheBytesTheBestFirst() {
        UdpPcb other = recording(rig, "other");
        UdpPcb any = recording(rig, "any");
        other.setReuseAddress(true);
        any.setReuseAddress(true);
        assertEquals(org.lwip4j.stack.Err.OK, other.bind(ip("192.168.1.1"), 68));
        assertEquals(org.lwip4j.stack.Err.OK, any.bind(68));
        rig.wire0.inject(datagram("10.0.0.9", "255.255.255.255", 67, 68, new byte[] {7, 8, 9}));
        rig.run();
        assertEquals(List.of("any 10.0.0.9:67 [7, 8, 9] on tun0", "other 10.0.0.9:67 [7, 8, 9] on tun0"), got,
                "the wildcard beats another netif's address, and gets the original");
    }

    @Test
    void udpLiteBytesPastTheCoverageMayBeDamaged() {
        UdpPcb sender = rig.stack.newUdpLitePcb();
        sender.bind(5000);
        sender.setLiteCoverage(12, 0);
        var p = rig.stack.pbuf(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        sender.sendTo(p, ip("10.0.0.9"), 5000);
        p.free();
        byte[] lite = liteBody(rig.wire0.poll().data());
        lite[15] ^= (byte) 0xff; // past the 12 covered bytes
        UdpPcb receiver = rig.stack.newUdpLitePcb();
        receiver.bind(5000 + 1);
        sender.close();
        receiver.setLiteCoverage(0, 12);
        receiver.close();
        UdpPcb r = rig.stack.newUdpLitePcb();
        r.bind(5000);
        r.setLiteCoverage(0, 12);
        r.onReceive((pc, q, src, sport, netif) -> {
            got.add(Arrays.toString(q.toByteArray()));
            q.free();
        });
        rig.wire0.inject(Packets.ipv4(136, "10.0.0.9", "10.0.0.1", 64, 0, lite));
        byte[] covered = lite.clone();
        covered[9] ^= 1; // inside the coverage
        rig.wire0.inject(Packets.ipv4(136, "10.0.0.9", "10.0.0.1", 64, 0, covered));
        rig.run();
        assertEquals(List.of("[1, 2, 3, 4, 5, 6, 7, -9]"), got, "coverage 12 is enough for a pcb asking 12");
        assertEquals(1, rig.stack.stats().udp.chkerr);
    }

    @Test
    void anIcmpErrorGoesOnlyToAPcbOfTheQuotedAddress() {
        List<String> errs = new ArrayList<>();
        UdpPcb elsewhere = rig.stack.newUdpPcb();
        elsewhere.bind(ip("192.168.1.1"), 4003);
        elsewhere.onError(e -> errs.add("elsewhere " + e.localPort()));
        UdpPcb here = rig.stack.newUdpPcb();
        here.bind(ip("10.0.0.1"), 4004);
        here.onError(e -> errs.add("here " + e.localPort()));
        for (int port : new int[] {4003, 4004}) {
            byte[] q = datagram("10.0.0.1", "10.0.0.9", port, 54, new byte[] {1});
            rig.wire0.inject(Packets.ipv4(1, "10.0.0.9", "10.0.0.1", 64, 0, Packets.icmp(3, 3, 0, q)));
        }
        rig.run();
        assertEquals(List.of("here 4004"), errs);
    }
}
