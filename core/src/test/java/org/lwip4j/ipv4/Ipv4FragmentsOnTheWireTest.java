package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.ipv4.TunRig.PEER;
import static org.lwip4j.ipv4.TunRig.US;
import static org.lwip4j.ipv4.TunRig.assertIcmpError;
import static org.lwip4j.ipv4.TunRig.u16;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.udp.UdpPcb;
import org.lwip4j.wire.Icmpv4Packet;
import org.lwip4j.wire.Ipv4Packet;

/**
 * CONFORMANCE 26 and 27 on a whole stack: fragments as they leave through a 1500-byte
 * netif, and fragments arriving in any order, with duplicates, overlaps, eviction and the
 * reassembly timeout seen as what the stack delivers and sends (exact bytes).
 */
class Ipv4FragmentsOnTheWireTest {
    private static final Duration MAX_AGE = Duration.ofSeconds(15);
    private static final int SRC = Ip4Address.parse(PEER).bits();
    private static final int DST = Ip4Address.parse(US).bits();

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >>> 8) * 7 + seed);
        }
        return b;
    }

    /** A UDP datagram (no checksum) of {@code data} from 1111 to {@code dport}. */
    private static byte[] udp(int dport, byte[] data) {
        return Ipv4CaptureTest.udp(1111, dport, data);
    }

    /** The fragments, in order, of an IPv4 datagram from the peer to us carrying {@code payload}, {@code chunk} data bytes each. */
    private static List<byte[]> fragments(int ident, byte[] payload, int chunk) {
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < payload.length; off += chunk) {
            int end = Math.min(payload.length, off + chunk);
            int flags = (end < payload.length ? Ipv4Packet.FLAG_MF : 0) | off / 8;
            out.add(Ipv4FragmenterTest.ipv4(ident, flags, Ipv4Packet.PROTO_UDP, SRC, DST, new byte[0],
                    Arrays.copyOfRange(payload, off, end)));
        }
        return out;
    }

    // ------------------------------------------------------------------ 26: fragmentation

    @Test
    void conformance26UdpDatagramOf8000BytesLeavesAsSixFragments() {
        TunRig rig = new TunRig();
        UdpPcb pcb = rig.stack.newUdpPcb();
        assertEquals(Err.OK, pcb.bind(4000));
        byte[] data = bytes(8000 - 8, 1);
        Pbuf p = rig.payload(data);
        assertTrue(p.chainLength() > 1, "the datagram itself is a chain of pool buffers");
        assertEquals(Err.OK, pcb.sendTo(p, Ip4Address.parse(PEER), 5000));
        p.free();
        List<byte[]> frames = rig.sent();

        assertEquals(6, frames.size());
        int ident = u16(frames.get(0), 4);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < 6; i++) {
            byte[] f = frames.get(i);
            MemorySegment s = MemorySegment.ofArray(f);
            assertEquals(i < 5 ? 1500 : 20 + 8000 - 5 * 1480, f.length, "size of " + i);
            assertEquals(f.length, Ipv4Packet.totalLen(s, 0));
            assertEquals(0x45, f[0] & 0xff);
            assertEquals(ident, Ipv4Packet.ident(s, 0), "one identification");
            // Offsets count 8-byte units: 1480 data bytes per full fragment are 185 units.
            int flagsFrag = Ipv4Packet.flagsFrag(s, 0);
            assertEquals(i * 185, flagsFrag & Ipv4Packet.OFFSET_MASK, "offset of " + i);
            assertEquals(i < 5 ? Ipv4Packet.FLAG_MF : 0, flagsFrag & ~Ipv4Packet.OFFSET_MASK, "flags of " + i);
            assertEquals(Ipv4Packet.PROTO_UDP, Ipv4Packet.protocol(s, 0));
            assertEquals(SRC, Ipv4Packet.dst(s, 0));
            assertEquals(DST, Ipv4Packet.src(s, 0));
            assertTrue(Ipv4Packet.checksumOk(s, 0, 20), "header checksum of " + i);
            joined.write(f, 20, f.length - 20);
        }
        byte[] segment = joined.toByteArray();
        assertEquals(8000, segment.length);
        assertEquals(4000, u16(segment, 0));
        assertEquals(5000, u16(segment, 2));
        assertEquals(8000, u16(segment, 4));
        assertTrue(Checksum.verifies(Checksum.partial(segment, 0, 8000, Checksum.pseudoHeaderV4(DST, SRC, 17, 8000))),
                "UDP checksum over the whole datagram");
        assertArrayEquals(data, Arrays.copyOfRange(segment, 8, 8000));
        assertEquals(6, rig.stack.stats().ipfrag.xmit);
        rig.assertNoLeaks();
    }

    @Test
    void conformance26DontFragmentOrFragmentationOffSendsNothing() {
        TunRig rig = new TunRig();
        Pbuf p = rig.payload(bytes(8000, 2));
        assertEquals(Err.VAL, rig.stack.ipv4().output(p, 0, SRC, 64, 0, 99, null, true), "DF set");
        p.free();
        assertEquals(List.of(), rig.sent());

        TunRig off = new TunRig(1500, b -> b.ipFrag(false));
        Pbuf q = off.payload(bytes(8000, 2));
        assertEquals(Err.VAL, off.stack.ipv4().output(q, 0, SRC, 64, 0, 99, null, false), "IP_FRAG off");
        q.free();
        assertEquals(List.of(), off.sent());
        rig.assertNoLeaks();
        off.assertNoLeaks();
    }

    // ------------------------------------------------------------------ 27: reassembly

    /** A pcb on {@code port} that records every datagram it gets. */
    private static List<byte[]> sink(TunRig rig, int port) {
        List<byte[]> got = new ArrayList<>();
        UdpPcb pcb = rig.stack.newUdpPcb();
        assertEquals(Err.OK, pcb.bind(port));
        pcb.onReceive((pc, p, src, sport, netif) -> {
            got.add(p.toByteArray());
            p.free();
        });
        return got;
    }

    @Test
    void conformance27AnyOrderWithADuplicateIsDeliveredAndCountedOnce() {
        int[][] orders = {{0, 1, 2, 3, 4, 5}, {5, 4, 3, 2, 1, 0}, {3, 0, 5, 1, 4, 2}, {2, 5, 0, 4, 1, 3}};
        for (int[] order : orders) {
            TunRig rig = new TunRig();
            List<byte[]> got = sink(rig, 7);
            byte[] data = bytes(8000 - 8, 3);
            List<byte[]> frags = fragments(0x77, udp(7, data), 1480);
            assertEquals(6, frags.size());
            for (int k = 0; k < order.length; k++) {
                rig.inject(frags.get(order[k]));
                if (k == 2) {
                    rig.inject(frags.get(order[1]));      // an exact duplicate while incomplete
                }
                assertEquals(k < 5 ? 0 : 1, got.size(), "delivered only when the last piece came");
            }
            assertArrayEquals(data, got.get(0), Arrays.toString(order));
            assertEquals(7, rig.stack.stats().ipfrag.recv);
            assertEquals(1, rig.stack.stats().ipfrag.drop, "the duplicate");
            assertEquals(1, rig.stack.stats().udp.recv, "one datagram for UDP");
            assertEquals(0, rig.stack.ipv4().reassembly().pendingDatagrams());
            assertEquals(List.of(), rig.sent(), "nothing sent back");
            rig.assertNoLeaks();
        }
    }

    @Test
    void conformance27OverlapDiscardsTheDatagramWithoutIcmp() {
        TunRig rig = new TunRig();
        List<byte[]> got = sink(rig, 7);
        byte[] segment = udp(7, bytes(3000 - 8, 4));
        List<byte[]> frags = fragments(0x78, segment, 1480);
        rig.inject(frags.get(0));
        // Bytes 1472..2951: overlaps the end of fragment 0 (which ends at 1480).
        rig.inject(Ipv4FragmenterTest.ipv4(0x78, Ipv4Packet.FLAG_MF | 1472 / 8, Ipv4Packet.PROTO_UDP, SRC, DST,
                new byte[0], Arrays.copyOfRange(segment, 1472, 2952)));
        rig.inject(frags.get(1));
        rig.inject(frags.get(2));
        assertEquals(List.of(), got);
        assertEquals(1, rig.stack.stats().ipfrag.err);
        rig.advance(MAX_AGE.plusSeconds(1));
        assertEquals(List.of(), got);
        assertEquals(List.of(), rig.sent(), "no time exceeded for a discarded datagram");
        assertEquals(0, rig.stack.ipv4().reassembly().pendingDatagrams());
        rig.assertNoLeaks();
    }

    @Test
    void conformance27TimeoutSendsTimeExceededOnlyWhenFragmentZeroArrived() {
        TunRig rig = new TunRig();
        List<byte[]> withZero = fragments(0x79, udp(7, bytes(4000, 5)), 1480);
        List<byte[]> withoutZero = fragments(0x7a, udp(7, bytes(4000, 6)), 1480);
        rig.inject(withZero.get(0));
        rig.inject(withZero.get(2));
        rig.inject(withoutZero.get(1));
        rig.inject(withoutZero.get(2));
        assertEquals(2, rig.stack.ipv4().reassembly().pendingDatagrams());
        rig.advance(MAX_AGE.toNanos() - 1);
        assertEquals(List.of(), rig.sent(), "not before the reassembly time runs out");
        rig.advance(1);
        List<byte[]> out = rig.sent();
        assertEquals(1, out.size(), "one error, for the datagram whose fragment 0 came");
        // RFC 792: time exceeded, code 1, quoting fragment 0's header (MF set) and 8 data bytes.
        assertIcmpError(out.get(0), PEER, Icmpv4Packet.TYPE_TIME_EXCEEDED, Icmpv4Packet.TIME_EXCEEDED_REASSEMBLY,
                Arrays.copyOf(withZero.get(0), 28));
        assertEquals(0, rig.stack.ipv4().reassembly().pendingDatagrams());
        assertEquals(4, rig.stack.stats().ipfrag.drop);
        rig.advance(MAX_AGE);
        assertEquals(List.of(), rig.sent());
        rig.assertNoLeaks();
    }

    @Test
    void conformance27And38ReassemblyTimeoutAcrossTheClockWrap() {
        // The datagram's deadline lies past Long.MAX_VALUE: wrap-safe comparisons still time
        // it out exactly at the reassembly age, not at once and not never.
        TunRig rig = new TunRig(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos(), 1500, b -> { });
        List<byte[]> frags = fragments(0x7b, udp(7, bytes(4000, 11)), 1480);
        rig.inject(frags.get(0));
        rig.advance(MAX_AGE.toNanos() - 1);
        assertTrue(rig.clock.nanoTime() < 0, "the clock wrapped");
        assertEquals(1, rig.stack.ipv4().reassembly().pendingDatagrams());
        assertEquals(List.of(), rig.sent());
        rig.advance(1);
        List<byte[]> out = rig.sent();
        assertEquals(1, out.size());
        assertIcmpError(out.get(0), PEER, Icmpv4Packet.TYPE_TIME_EXCEEDED, Icmpv4Packet.TIME_EXCEEDED_REASSEMBLY,
                Arrays.copyOf(frags.get(0), 28));
        rig.assertNoLeaks();
    }

    @Test
    void conformance27OldestDatagramEvictedOverTheCapWithoutIcmp() {
        TunRig rig = new TunRig(1500, b -> b.memNumReassData(2).ipReassMaxAge(MAX_AGE));
        List<byte[]> got = sink(rig, 7);
        List<byte[]> a = fragments(0x80, udp(7, bytes(3000, 7)), 1480);
        List<byte[]> b = fragments(0x81, udp(7, bytes(3000, 8)), 1480);
        List<byte[]> c = fragments(0x82, udp(7, bytes(3000, 9)), 1480);
        rig.inject(a.get(0));
        rig.advance(Duration.ofSeconds(1));
        rig.inject(b.get(0));
        rig.advance(Duration.ofSeconds(1));
        rig.inject(c.get(0));                                   // over the cap: a, the oldest, goes
        assertEquals(2, rig.stack.ipv4().reassembly().pendingDatagrams());
        assertEquals(1, rig.stack.stats().ipfrag.drop);
        assertEquals(List.of(), rig.sent(), "eviction sends nothing");
        // b still completes.
        rig.inject(b.get(1));
        rig.inject(b.get(2));
        assertEquals(1, got.size());
        assertArrayEquals(bytes(3000, 8), got.get(0));
        // a's later fragments start a datagram of their own; the next new one evicts c, now the oldest.
        rig.inject(a.get(1));
        rig.inject(a.get(2));
        rig.inject(fragments(0x83, udp(7, bytes(3000, 10)), 1480).get(1));
        assertEquals(2, rig.stack.ipv4().reassembly().pendingDatagrams());
        assertEquals(2, rig.stack.stats().ipfrag.drop);
        rig.advance(MAX_AGE);
        assertEquals(List.of(), rig.sent(), "no error for the evicted a and c, nor for datagrams without fragment 0");
        assertEquals(0, rig.stack.ipv4().reassembly().pendingDatagrams());
        rig.assertNoLeaks();
    }
}
