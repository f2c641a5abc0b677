package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.ipv6.Packets6.cat;
import static org.lwip4j.ipv6.Packets6.ethernet;
import static org.lwip4j.ipv6.Packets6.hex;
import static org.lwip4j.ipv6.Packets6.icmpv6;
import static org.lwip4j.ipv6.Packets6.ipv6;
import static org.lwip4j.ipv6.Packets6.udp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.IcmpError;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.udp.UdpPcb;

/** IPv6, ICMPv6 and Neighbor Discovery seen as exact bytes on a capturing Ethernet netif. */
class Ipv6CaptureTest {
    private static final String US = "2001:db8::1";
    private static final String PEER = "2001:db8::9";
    private static final String PEER_LL = "fe80::9";
    private static final long PEER_MAC = 0x0200_0000_0009L;
    private static final String PEER_MAC_HEX = "020000000009";

    private final VirtualClock clock = new VirtualClock();
    private Stack stack;
    private CaptureDriver wire;
    private Netif netif;

    /** A stack with 2001:db8::1/64 preferred at once (no DAD, no link-local) unless tweaked. */
    private void setUp(Consumer<StackConfig.Builder> tweak) {
        QuietIpv6Stack q = QuietIpv6Stack.create(clock, US, tweak);
        stack = q.stack();
        wire = q.wire();
        netif = q.netif();
    }

    private void setUp() {
        setUp(b -> { });
    }

    /** Makes the peer's link-layer address known (its NS with SLLAO), so answers to it go out at once. */
    private void knowPeer() {
        injectToUs(ipv6(58, PEER, "ff02::1:ff00:1", 255, ns(PEER, "ff02::1:ff00:1", US, true)));
        assertEquals(136, wire.poll().data()[14 + 40] & 0xff, "our NA");
        assertEquals(0, wire.count());
    }

    @AfterEach
    void close() {
        if (stack != null) {
            stack.close();
        }
    }

    private void run() {
        for (int i = 0; i < 10; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    private void advance(Duration d) {
        // In steps, so every timer runs at its time.
        long steps = d.toMillis() / 100;
        for (long i = 0; i < steps; i++) {
            clock.advance(Duration.ofMillis(100));
            run();
        }
    }

    private String ourMac() {
        return String.format("%012x", netif.mac().bits());
    }

    private void inject(long dstMac, byte[] packet) {
        wire.inject(ethernet(dstMac, PEER_MAC, packet));
        run();
    }

    private void injectToUs(byte[] packet) {
        inject(netif.mac().bits(), packet);
    }

    private static String h(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static String h(byte[] b, int from, int to) {
        return HexFormat.of().formatHex(b, from, to);
    }

    /** Checks the ICMPv6 checksum of an IPv6 packet in an Ethernet frame. */
    private static void assertIcmpChecksum(byte[] f) {
        byte[] p = Arrays.copyOfRange(f, 14, f.length);
        long ph = Checksum.pseudoHeaderV6(hi(p, 8), hi(p, 16), hi(p, 24), hi(p, 32), 58, p.length - 40);
        assertTrue(Checksum.verifies(Checksum.partial(p, 40, p.length - 40, ph)), "ICMPv6 checksum");
    }

    private static long hi(byte[] p, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (p[at + i] & 0xff);
        }
        return v;
    }

    private static byte[] ns(String src, String dst, String target, boolean sllao) {
        byte[] data = cat(Ip6Address.parse(target).toBytes(), sllao ? hex("0101" + PEER_MAC_HEX) : new byte[0]);
        return icmpv6(135, 0, 0, data, src, dst);
    }

    private static byte[] na(String src, String dst, String target, int flags, boolean tllao) {
        byte[] data = cat(Ip6Address.parse(target).toBytes(), tllao ? hex("0201" + PEER_MAC_HEX) : new byte[0]);
        return icmpv6(136, 0, flags << 24, data, src, dst);
    }

    // ------------------------------------------------------------------ ND bytes

    @Test
    void neighborSolicitationForOurAddressGetsASolicitedAdvertisement() {
        setUp();
        injectToUs(ipv6(58, PEER_LL, "ff02::1:ff00:1", 255, ns(PEER_LL, "ff02::1:ff00:1", US, true)));
        assertEquals(1, wire.count());
        byte[] f = wire.poll().data();
        byte[] expectedIcmp = na(US, PEER_LL, US, 0x60, false);
        expectedIcmp = cat(expectedIcmp, hex("0201" + ourMac()));
        Packets6.checksum(expectedIcmp, 2, 58, US, PEER_LL);
        byte[] expected = ethernet(PEER_MAC, netif.mac().bits(), ipv6(58, US, PEER_LL, 255, expectedIcmp));
        assertEquals(h(expected), h(f));
        // The solicitor was learned from its SLLAO, STALE (RFC 4861 §7.2.3), and the NA sent
        // to it moved it to DELAY (§7.3.3).
        Neighbor n = stack.ipv6().nd().cache().find(netif, Ip6Address.parse(PEER_LL));
        assertEquals(NeighborState.DELAY, n.state());
        assertEquals(PEER_MAC, n.mac());
    }

    @Test
    void ndMessagesWithAHopLimitBelow255AreIgnored() {
        setUp();
        injectToUs(ipv6(58, PEER_LL, "ff02::1:ff00:1", 254, ns(PEER_LL, "ff02::1:ff00:1", US, true)));
        assertEquals(0, wire.count());
        assertEquals(1, stack.stats().nd6.proterr);
        assertNull(stack.ipv6().nd().cache().find(netif, Ip6Address.parse(PEER_LL)));
    }

    @Test
    void resolutionSendsAMulticastSolicitationAndTheQueuedPacketAfterTheAdvertisement() {
        setUp();
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 5000);
        Pbuf p = stack.pbuf("queued".getBytes());
        assertEquals(Err.OK, pcb.sendTo(p, Ip6Address.parse(PEER), 7));
        p.free();
        run();
        assertEquals(1, wire.count());
        byte[] f = wire.poll().data();
        byte[] nsIcmp = cat(icmpv6(135, 0, 0, cat(Ip6Address.parse(PEER).toBytes(), hex("0101" + ourMac())), US,
                "ff02::1:ff00:9"));
        Packets6.checksum(nsIcmp, 2, 58, US, "ff02::1:ff00:9");
        assertEquals(h(ethernet(0x3333ff000009L, netif.mac().bits(), ipv6(58, US, "ff02::1:ff00:9", 255, nsIcmp))), h(f));
        Neighbor n = stack.ipv6().nd().cache().find(netif, Ip6Address.parse(PEER));
        assertEquals(NeighborState.INCOMPLETE, n.state());
        assertEquals(1, n.queued());

        injectToUs(ipv6(58, PEER, US, 255, na(PEER, US, PEER, 0x60, true)));
        assertEquals(NeighborState.REACHABLE, n.state());
        assertEquals(1, wire.count());
        byte[] udp = wire.poll().data();
        assertEquals(PEER_MAC_HEX + ourMac() + "86dd", h(udp, 0, 14));
        assertEquals("queued", new String(udp, 14 + 48, 6));
        assertEquals(0, stack.stats().pool("ND6_QUEUE").used);
        pcb.close();
    }

    @Test
    void neighborCacheStatesFollowTheirTimers() {
        setUp();
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 5000);
        Runnable send = () -> {
            Pbuf p = stack.pbuf(new byte[] {1});
            pcb.sendTo(p, Ip6Address.parse(PEER), 7);
            p.free();
            run();
        };
        send.run();
        injectToUs(ipv6(58, PEER, US, 255, na(PEER, US, PEER, 0x60, true)));
        wire.clear();
        Neighbor n = stack.ipv6().nd().cache().find(netif, Ip6Address.parse(PEER));
        assertEquals(NeighborState.REACHABLE, n.state());
        long reachable = stack.ipv6().nd().cache().reachableTimeNanos();
        assertTrue(reachable >= Duration.ofSeconds(15).toNanos() && reachable <= Duration.ofSeconds(45).toNanos(),
                "ReachableTime within 0.5..1.5 BaseReachableTime");
        clock.advance(Duration.ofNanos(reachable - 1));
        run();
        assertEquals(NeighborState.REACHABLE, n.state());
        clock.advance(Duration.ofNanos(1));
        run();
        assertEquals(NeighborState.STALE, n.state());
        assertEquals(0, wire.count(), "STALE costs nothing until used");

        send.run();
        assertEquals(NeighborState.DELAY, n.state());
        assertEquals(1, wire.drain().size(), "the datagram goes at once to the stale address");
        clock.advance(Duration.ofMillis(4999));
        run();
        assertEquals(NeighborState.DELAY, n.state());
        clock.advance(Duration.ofMillis(1));
        run();
        assertEquals(NeighborState.PROBE, n.state());
        List<byte[]> probes = new ArrayList<>(wire.drain().stream().map(c -> c.data()).toList());
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofSeconds(1));
            run();
            wire.drain().forEach(c -> probes.add(c.data()));
        }
        assertEquals(3, probes.size(), "MAX_UNICAST_SOLICIT probes");
        for (byte[] pr : probes) {
            // Unicast to the known link-layer and IPv6 address.
            assertEquals(PEER_MAC_HEX, h(pr, 0, 6));
            assertEquals(h(Ip6Address.parse(PEER).toBytes()), h(pr, 14 + 24, 14 + 40));
            assertEquals(135, pr[14 + 40] & 0xff);
        }
        clock.advance(Duration.ofSeconds(1));
        run();
        assertNull(stack.ipv6().nd().cache().find(netif, Ip6Address.parse(PEER)), "unreachable: the entry goes");

        // A solicited NA while probing would have made it REACHABLE again.
        send.run();
        injectToUs(ipv6(58, PEER, US, 255, na(PEER, US, PEER, 0x60, true)));
        assertEquals(NeighborState.REACHABLE, stack.ipv6().nd().cache().find(netif, Ip6Address.parse(PEER)).state());
        pcb.close();
    }

    @Test
    void failedResolutionDropsTheQueueAfterThreeSolicitations() {
        setUp();
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 5000);
        Pbuf p = stack.pbuf(new byte[10]);
        pcb.sendTo(p, Ip6Address.parse(PEER), 7);
        pcb.sendTo(p, Ip6Address.parse(PEER), 7);
        p.free();
        run();
        assertEquals(2, stack.stats().pool("ND6_QUEUE").used);
        advance(Duration.ofSeconds(4));
        assertEquals(3, wire.count(), "MAX_MULTICAST_SOLICIT");
        assertNull(stack.ipv6().nd().cache().find(netif, Ip6Address.parse(PEER)));
        assertEquals(0, stack.stats().pool("ND6_QUEUE").used);
        pcb.close();
    }

    // ------------------------------------------------------------------ extension headers

    /** A destination options header (next header UDP) holding one option of {@code type} with 4 data bytes. */
    private static byte[] destOpts(int next, int type) {
        return hex(String.format("%02x00%02x04aabbccdd", next, type));
    }

    @Test
    void unknownOptionWithBits10GetsParameterProblemEvenToMulticast() {
        setUp();
        knowPeer();
        byte[] pkt = ipv6(60, PEER, "ff02::1", 64, cat(destOpts(17, 0x87), udp(1, 7, new byte[4], PEER, "ff02::1")));
        inject(0x3333_0000_0001L, pkt);
        assertEquals(1, wire.count());
        byte[] f = wire.poll().data();
        assertIcmpChecksum(f);
        assertEquals(4, f[14 + 40], "parameter problem");
        assertEquals(2, f[14 + 41], "code 2: unrecognized option");
        assertEquals(42, ((f[14 + 46] & 0xff) << 8) | (f[14 + 47] & 0xff), "points at the option type");
        assertEquals(US, Ip6Address.of(Arrays.copyOfRange(f, 14 + 8, 14 + 24), 0).toString(), "from a unicast address of ours");
        assertEquals(h(pkt), h(f, 14 + 48, f.length), "the whole packet quoted");
    }

    @Test
    void unknownOptionWithBits11GetsParameterProblemOnlyToUnicast() {
        setUp();
        knowPeer();
        inject(0x3333_0000_0001L, ipv6(60, PEER, "ff02::1", 64, cat(destOpts(17, 0xc7), udp(1, 7, new byte[4], PEER, "ff02::1"))));
        assertEquals(0, wire.count(), "no error to multicast");
        injectToUs(ipv6(60, PEER, US, 64, cat(destOpts(17, 0xc7), udp(1, 7, new byte[4], PEER, US))));
        assertEquals(1, wire.count());
        byte[] f = wire.poll().data();
        assertEquals("0402", h(f, 14 + 40, 14 + 42));
        // Bits 01: silently discarded.
        injectToUs(ipv6(60, PEER, US, 64, cat(destOpts(17, 0x47), udp(1, 7, new byte[4], PEER, US))));
        assertEquals(0, wire.count());
        assertEquals(3, stack.stats().ip6.opterr);
    }

    @Test
    void hopByHopNotFirstIsDroppedWithParameterProblemCode1() {
        setUp();
        knowPeer();
        // Fixed header -> destination options -> hop-by-hop (not allowed there) -> UDP.
        byte[] pkt = ipv6(60, PEER, US, 64, cat(hex("0000010400000000"), hex("1100010400000000"),
                udp(1, 7, new byte[4], PEER, US)));
        injectToUs(pkt);
        assertEquals(1, wire.count());
        byte[] f = wire.poll().data();
        assertEquals("0401", h(f, 14 + 40, 14 + 42));
        assertEquals(40, f[14 + 47], "points at the next header field naming hop-by-hop");
    }

    @Test
    void routingHeaderType0IsRefused() {
        setUp();
        knowPeer();
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 7);
        List<String> got = new ArrayList<>();
        pcb.onReceive((pc, p, src, port, n) -> {
            got.add(src + ":" + port);
            p.free();
        });
        // RH0 with one address and segments left 1.
        byte[] rh0 = cat(hex("1102000100000000"), Ip6Address.parse("2001:db8::77").toBytes());
        injectToUs(ipv6(43, PEER, US, 64, cat(rh0, udp(1, 7, new byte[4], PEER, US))));
        assertEquals(1, wire.count());
        byte[] f = wire.poll().data();
        assertEquals("0400", h(f, 14 + 40, 14 + 42), "parameter problem code 0");
        assertEquals(42, f[14 + 47], "points at the routing type (RFC 5095 §3)");
        assertTrue(got.isEmpty());
        // Segments left 0: the header is ignored and the datagram delivered (RFC 8200 §4.4).
        byte[] done = cat(hex("1102000000000000"), Ip6Address.parse("2001:db8::77").toBytes());
        injectToUs(ipv6(43, PEER, US, 64, cat(done, udp(1, 7, new byte[4], PEER, US))));
        assertEquals(List.of(PEER + ":1"), got);
        pcb.close();
    }

    @Test
    void noIcmpv6ErrorAboutPacketsToMulticast() {
        setUp();
        knowPeer();
        inject(0x3333_0000_0001L, ipv6(17, PEER, "ff02::1", 64, udp(1, 9, new byte[4], PEER, "ff02::1")));
        inject(0x3333_0000_0001L, ipv6(253, PEER, "ff02::1", 64, new byte[8]));
        inject(0x3333_0000_0001L, ipv6(60, PEER, "ff02::1", 64, cat(hex("1100"), new byte[1])));
        assertEquals(0, wire.count());
        // Controls: the same to our unicast address are answered.
        injectToUs(ipv6(17, PEER, US, 64, udp(1, 9, new byte[4], PEER, US)));
        assertEquals("0104", h(wire.poll().data(), 14 + 40, 14 + 42), "port unreachable");
        injectToUs(ipv6(253, PEER, US, 64, new byte[8]));
        byte[] f = wire.poll().data();
        assertEquals("0401", h(f, 14 + 40, 14 + 42), "unrecognized next header");
        assertEquals(6, f[14 + 47], "points at the fixed header's next header");
    }

    @Test
    void noErrorAboutAnErrorNorFromAMulticastSource() {
        setUp();
        knowPeer();
        byte[] err = icmpv6(1, 4, 0, ipv6(17, US, PEER, 64, new byte[8]), PEER, US);
        // An error about an error for a protocol no one takes would be a parameter problem: never.
        injectToUs(ipv6(60, PEER, US, 64, cat(destOpts(58, 0xc7), err)));
        assertEquals(0, wire.count());
        injectToUs(ipv6(17, "ff02::5", US, 64, udp(1, 9, new byte[4], "ff02::5", US)));
        assertEquals(0, wire.count());
    }

    @Test
    void echoRequestToAllNodesIsAnsweredFromAUnicastAddress() {
        setUp();
        byte[] req = icmpv6(128, 0, 0x00420001, "ping".getBytes(), PEER, "ff02::1");
        inject(0x3333_0000_0001L, ipv6(58, PEER, "ff02::1", 64, req));
        // The reply needs the peer's link-layer address first.
        byte[] ns = wire.poll().data();
        assertEquals(135, ns[14 + 40] & 0xff);
        injectToUs(ipv6(58, PEER, US, 255, na(PEER, US, PEER, 0x60, true)));
        byte[] f = wire.poll().data();
        assertIcmpChecksum(f);
        assertEquals(US, Ip6Address.of(Arrays.copyOfRange(f, 14 + 8, 14 + 24), 0).toString());
        assertEquals("8100", h(f, 14 + 40, 14 + 42));
        assertEquals("00420001" + h("ping".getBytes()), h(f, 14 + 44, f.length));
    }

    @Test
    void icmpv6ErrorsAboutOurDatagramsReachTheUdpPcb() {
        setUp();
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 5000);
        List<IcmpError> errors = new ArrayList<>();
        pcb.onError(errors::add);
        byte[] ours = ipv6(17, US, PEER, 64, udp(5000, 7, new byte[4], US, PEER));
        injectToUs(ipv6(58, PEER, US, 64, icmpv6(1, 4, 0, ours, PEER, US)));
        assertEquals(1, errors.size());
        IcmpError e = errors.get(0);
        assertEquals(6, e.version());
        assertTrue(e.isPortUnreachable());
        assertEquals(Ip6Address.parse(PEER), e.remoteAddr());
        assertEquals(7, e.remotePort());
        assertEquals(5000, e.localPort());
        pcb.close();
    }

    // ------------------------------------------------------------------ CONFORMANCE 30

    @Test
    void conformance30ErrorsQuoteAsMuchAsFitsIn1280Bytes() {
        setUp();
        knowPeer();
        byte[] big = ipv6(17, PEER, US, 64, udp(1, 9, new byte[1400], PEER, US));
        injectToUs(big);
        byte[] f = wire.poll().data();
        assertEquals(14 + 1280, f.length, "exactly the minimum MTU");
        assertEquals(1280 - 40, ((f[14 + 4] & 0xff) << 8) | (f[14 + 5] & 0xff));
        assertEquals(h(big, 0, 1280 - 48), h(f, 14 + 48, f.length));
        assertIcmpChecksum(f);
        byte[] small = ipv6(17, PEER, US, 64, udp(1, 9, new byte[3], PEER, US));
        injectToUs(small);
        f = wire.poll().data();
        assertEquals(h(small), h(f, 14 + 48, f.length), "never more than the packet");
    }

    // ------------------------------------------------------------------ CONFORMANCE 31

    private static byte[] fragment(String src, String dst, int id, int offset, boolean more, int next, byte[] data) {
        byte[] fh = new byte[8];
        fh[0] = (byte) next;
        int w = offset | (more ? 1 : 0);
        fh[2] = (byte) (w >>> 8);
        fh[3] = (byte) w;
        fh[4] = (byte) (id >>> 24);
        fh[5] = (byte) (id >>> 16);
        fh[6] = (byte) (id >>> 8);
        fh[7] = (byte) id;
        return ipv6(44, src, dst, 64, cat(fh, data));
    }

    @Test
    void conformance31ADatagramWithAHoleNeverCompletesAndTimesOutWithTimeExceeded() {
        setUp();
        knowPeer();
        // REACHABLE, then quietly STALE: no probes while the minute passes.
        injectToUs(ipv6(58, PEER, US, 255, na(PEER, US, PEER, 0x60, true)));
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 9);
        List<byte[]> got = new ArrayList<>();
        pcb.onReceive((pc, p, src, port, n) -> {
            got.add(p.toByteArray());
            p.free();
        });
        byte[] whole = udp(1, 9, new byte[40], PEER, US);
        injectToUs(fragment(PEER, US, 77, 0, true, 17, Arrays.copyOfRange(whole, 0, 16)));
        injectToUs(fragment(PEER, US, 77, 32, false, 17, Arrays.copyOfRange(whole, 32, 48)));
        advance(Duration.ofSeconds(59));
        assertTrue(got.isEmpty());
        assertEquals(0, wire.count());
        advance(Duration.ofSeconds(2));
        assertTrue(got.isEmpty());
        byte[] f = wire.poll().data();
        assertEquals("0301", h(f, 14 + 40, 14 + 42), "time exceeded, reassembly");
        assertEquals(0, stack.ipv6().reassembly().pendingDatagrams());
        // Filled in any order, the same datagram completes.
        injectToUs(fragment(PEER, US, 78, 32, false, 17, Arrays.copyOfRange(whole, 32, 48)));
        injectToUs(fragment(PEER, US, 78, 16, true, 17, Arrays.copyOfRange(whole, 16, 32)));
        injectToUs(fragment(PEER, US, 78, 0, true, 17, Arrays.copyOfRange(whole, 0, 16)));
        assertEquals(1, got.size());
        assertArrayEquals(new byte[40], got.get(0));
        pcb.close();
    }

    @Test
    void conformance31TheFragmentHeaderMayLieInALaterPbufAndAfterOtherHeaders() {
        setUp();
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 9);
        List<byte[]> got = new ArrayList<>();
        pcb.onReceive((pc, p, src, port, n) -> {
            got.add(p.toByteArray());
            p.free();
        });
        byte[] whole = udp(1, 9, "split across nodes".getBytes(), PEER, US);
        // Destination options (PadN) before the fragment header: unfragmentable part of 8 bytes.
        byte[] pad = hex("2c00010400000000");
        byte[] fh0 = hex("1100000100000005");
        byte[] fh1 = hex("1100001000000005");
        byte[] f0 = ipv6(60, PEER, US, 64, cat(pad, fh0, Arrays.copyOfRange(whole, 0, 16)));
        byte[] f1 = ipv6(60, PEER, US, 64, cat(pad, fh1, Arrays.copyOfRange(whole, 16, whole.length)));
        for (byte[] pkt : List.of(f1, f0)) {
            byte[] frame = ethernet(netif.mac().bits(), PEER_MAC, pkt);
            // First node: Ethernet and fixed header; the extension headers start the second.
            Pbuf head = stack.pbuf(Arrays.copyOfRange(frame, 0, 14 + 40));
            Pbuf tail = stack.pbuf(Arrays.copyOfRange(frame, 14 + 40, frame.length));
            head.chain(tail);
            tail.free();
            head.removeHeader(0);
            netif.input(head);
            run();
        }
        assertEquals(1, got.size());
        assertEquals("split across nodes", new String(got.get(0)));
        pcb.close();
    }

    @Test
    void atomicFragmentsAreProcessedInIsolation() {
        setUp();
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 9);
        List<byte[]> got = new ArrayList<>();
        pcb.onReceive((pc, p, src, port, n) -> {
            got.add(p.toByteArray());
            p.free();
        });
        byte[] whole = udp(1, 9, new byte[24], PEER, US);
        // A pending datagram with identification 5, and an atomic fragment with the same id.
        injectToUs(fragment(PEER, US, 5, 0, true, 17, Arrays.copyOfRange(whole, 0, 16)));
        injectToUs(fragment(PEER, US, 5, 0, false, 17, whole));
        assertEquals(1, got.size(), "RFC 6946 §4: delivered at once");
        assertEquals(1, stack.ipv6().reassembly().pendingDatagrams(), "and no business of the reassembler");
        pcb.close();
    }

    @Test
    void aNonFinalFragmentOfOddLengthGetsParameterProblemAtThePayloadLength() {
        setUp();
        knowPeer();
        injectToUs(fragment(PEER, US, 9, 0, true, 17, new byte[13]));
        byte[] f = wire.poll().data();
        assertEquals("0400", h(f, 14 + 40, 14 + 42));
        assertEquals(4, f[14 + 47]);
    }

    // ------------------------------------------------------------------ CONFORMANCE 32

    @Test
    void conformance32NoNdTrafficUntilUpAndLinkUpThenDadFirst() {
        stack = Stack.create(StackConfig.builder().randomSeed(9).maxRtrSolicitations(0).build(), clock);
        wire = new CaptureDriver();
        netif = stack.addNetif(wire, "eth0");
        wire.setLinkUp(false);
        advance(Duration.ofSeconds(3));
        assertEquals(0, wire.count(), "down");
        netif.setUp(true);
        advance(Duration.ofSeconds(3));
        assertEquals(0, wire.count(), "up, link down");
        assertNull(netif.ip6().linkLocal());
        wire.setLinkUp(true);
        Ip6Addresses.Entry ll = netif.ip6().linkLocal();
        assertNotNull(ll);
        assertEquals(Ip6Addresses.State.TENTATIVE, ll.state());
        advance(Duration.ofMillis(1000));
        assertEquals(1, wire.count(), "one DAD NS within MAX_RTR_SOLICITATION_DELAY");
        byte[] f = wire.poll().data();
        Ip6Address sn = ll.address().solicitedNode();
        assertEquals(String.format("%012x", sn.multicastMac().bits()), h(f, 0, 6));
        assertEquals(h(new byte[16]), h(f, 14 + 8, 14 + 24), "from ::");
        assertEquals(h(sn.toBytes()), h(f, 14 + 24, 14 + 40));
        assertEquals(255, f[14 + 7] & 0xff);
        assertEquals(14 + 40 + 24, f.length, "no source link-layer address option");
        assertEquals(h(ll.address().toBytes()), h(f, 14 + 48, 14 + 64));
        assertIcmpChecksum(f);
        advance(Duration.ofMillis(1100));
        assertEquals(Ip6Addresses.State.PREFERRED, ll.state());
        // Then the MLD report of the solicited-node group, held back until DAD was done, and
        // its retransmission at most a second (the unsolicited report interval) after it.
        advance(Duration.ofMillis(1000));
        var mld = wire.drain();
        assertEquals(2, mld.size(), "the MLDv2 report and its one retransmission (robustness 2) within a second");
        for (var c : mld) {
            byte[] m = c.data();
            assertEquals("333300000016", h(m, 0, 6));
            assertEquals(h(ll.address().toBytes()), h(m, 14 + 8, 14 + 24), "from the link-local address, now valid");
            assertEquals(1, m[14 + 7], "hop limit 1");
            assertEquals("3a00050200000100", h(m, 14 + 40, 14 + 48), "hop-by-hop: Router Alert (MLD), PadN");
            assertEquals(143, m[14 + 48] & 0xff);
            assertEquals("04000000" + h(sn.toBytes()), h(m, 14 + 56, 14 + 76), "CHANGE_TO_EXCLUDE of no sources");
        }
    }
}
