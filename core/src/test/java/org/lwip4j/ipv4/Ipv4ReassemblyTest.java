package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.ipv4.Ipv4FragmenterTest.DST;
import static org.lwip4j.ipv4.Ipv4FragmenterTest.SRC;
import static org.lwip4j.ipv4.Ipv4FragmenterTest.ipv4;
import static org.lwip4j.ipv4.Ipv4FragmenterTest.payload;
import static org.lwip4j.ipv4.Ipv4FragmenterTest.seg;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ipv4.Ipv4FragmenterTest.Net;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.wire.Ipv4Packet;

/**
 * RFC 791 §3.2 / RFC 815 reassembly, RFC 1122 §3.3.2 timeout, RFC 5722 overlap policy:
 * CONFORMANCE 27.
 */
final class Ipv4ReassemblyTest {
    private static final Duration MAX_AGE = Duration.ofSeconds(15);

    /** The reassembly under test on a virtual clock, with what timed out collected. */
    private static final class Rig {
        final Net net;
        final List<byte[]> timedOut = new ArrayList<>();
        final Ipv4Reassembly reass;
        final List<byte[]> delivered = new ArrayList<>();

        Rig(StackConfig config) {
            net = new Net(config, 1500);
            reass = new Ipv4Reassembly(net.ctx, first -> {
                timedOut.add(first.toByteArray());
                first.free();
            });
        }

        Rig() {
            this(StackConfig.builder().ipReassMaxAge(MAX_AGE).build());
        }

        /** Feeds one fragment; returns the datagram's bytes when it completed, else null. */
        byte[] feed(byte[] fragment) {
            return take(reass.input(net.pbuf(fragment)));
        }

        byte[] take(Pbuf p) {
            if (p == null) {
                return null;
            }
            byte[] b = p.toByteArray();
            p.free();
            delivered.add(b);
            return b;
        }

        /** Feeds all fragments; returns the datagram delivered by the last, asserting none earlier. */
        byte[] feedAll(List<byte[]> fragments) {
            byte[] out = null;
            for (int i = 0; i < fragments.size(); i++) {
                out = feed(fragments.get(i));
                if (i < fragments.size() - 1) {
                    assertNull(out, "complete before the last fragment");
                }
            }
            return out;
        }

        void advance(Duration d) {
            net.clock.advance(d);
            net.ctx.timers().runDue(net.ctx.now());
        }

        void advanceNanos(long n) {
            net.clock.advance(n);
            net.ctx.timers().runDue(net.ctx.now());
        }

        ProtoStats stats() {
            return net.ctx.stats().ipfrag;
        }

        long datagramsUsed() {
            return net.ctx.stats().pool("IP_REASSDATA").used;
        }

        long pbufsUsed() {
            return net.ctx.stats().pool("IP_REASS_PBUF").used;
        }

        void assertEmpty() {
            assertEquals(0, reass.pendingDatagrams());
            assertEquals(0, datagramsUsed());
            assertEquals(0, pbufsUsed());
            assertEquals(0, net.poolUsed(), "every pool pbuf back");
            assertEquals(0, net.ctx.timers().pending(), "reassembly timer stopped");
        }

        /** recv = fragments delivered inside datagrams + held + dropped. */
        void assertAccounting(int deliveredFragments) {
            assertEquals(stats().recv, deliveredFragments + pbufsHeldFragments() + stats().drop);
        }

        long pbufsHeldFragments() {
            return pbufsUsed(); // one node per fragment in these tests
        }
    }

    private static byte[] datagram(int ident, int size) {
        return ipv4(ident, 0, payload(size, ident));
    }

    private static List<byte[]> fragments(Rig rig, byte[] packet, int mtu) {
        return rig.net.fragment(packet, mtu);
    }

    private static byte[] fragment(int ident, int offsetBytes, boolean more, byte[] data) {
        return ipv4(ident, (more ? Ipv4Packet.FLAG_MF : 0) | offsetBytes / 8, data);
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    private static void assertDatagram(byte[] expected, byte[] got) {
        assertNotNull(got, "datagram complete");
        var s = seg(got);
        assertTrue(Ipv4Packet.check(s, 0, got.length) >= 20);
        assertEquals(got.length, Ipv4Packet.totalLen(s, 0));
        assertEquals(0, Ipv4Packet.flagsFrag(s, 0) & (Ipv4Packet.FLAG_MF | Ipv4Packet.OFFSET_MASK));
        assertTrue(Ipv4Packet.checksumOk(s, 0, Ipv4Packet.headerLen(s, 0)));
        assertArrayEquals(expected, got);
    }

    @Test
    void inOrder() {
        Rig rig = new Rig();
        byte[] packet = datagram(1, 8000);
        List<byte[]> frags = fragments(rig, packet, 1500);
        assertDatagram(packet, rig.feedAll(frags));
        assertEquals(6, rig.stats().recv);
        assertEquals(0, rig.stats().drop);
        rig.assertAccounting(6);
        rig.assertEmpty();
    }

    @Test
    void reverseOrder() {
        Rig rig = new Rig();
        byte[] packet = datagram(2, 8000);
        List<byte[]> frags = fragments(rig, packet, 1500);
        Collections.reverse(frags);
        assertDatagram(packet, rig.feedAll(frags));
        rig.assertEmpty();
    }

    @Test
    void randomOrderFixedSeed() {
        Random random = new Random(0x5eed);
        for (int round = 0; round < 20; round++) {
            Rig rig = new Rig();
            byte[] packet = datagram(100 + round, 1 + random.nextInt(12000));
            List<byte[]> frags = fragments(rig, packet, 68 + random.nextInt(1432));
            Collections.shuffle(frags, random);
            assertDatagram(packet, rig.feedAll(frags));
            rig.assertAccounting(frags.size());
            rig.assertEmpty();
        }
    }

    @Test
    void sixtyKilobytesOverMtu576RoundTrip() {
        Rig rig = new Rig();
        byte[] packet = datagram(3, 60 * 1024);
        List<byte[]> frags = fragments(rig, packet, 576);
        assertEquals(112, frags.size());
        Collections.shuffle(frags, new Random(576));
        assertDatagram(packet, rig.feedAll(frags));
        assertEquals(112, rig.stats().recv);
        rig.assertEmpty();
    }

    @Test
    void firstFragmentHeaderAndOptionsLeadTheDatagram() {
        Rig rig = new Rig();
        byte[] options = {(byte) 0x94, 4, 0, 0, 0x07, 7, 4, 0, 0, 0, 0, 0};
        byte[] packet = ipv4(4, 0, Ipv4Packet.PROTO_UDP, SRC, DST, options, payload(3000, 4));
        List<byte[]> frags = fragments(rig, packet, 1000);
        Collections.reverse(frags);
        assertDatagram(packet, rig.feedAll(frags));
        rig.assertEmpty();
    }

    @Test
    void dontFragmentBitSurvivesButFragmentFieldsAreCleared() {
        Rig rig = new Rig();
        byte[] data = payload(24, 5);
        assertNull(rig.feed(ipv4(5, Ipv4Packet.FLAG_DF | Ipv4Packet.FLAG_MF, slice(data, 0, 16))));
        byte[] got = rig.feed(ipv4(5, Ipv4Packet.FLAG_DF | 2, slice(data, 16, 24)));
        assertDatagram(ipv4(5, Ipv4Packet.FLAG_DF, data), got);
        rig.assertEmpty();
    }

    @Test
    void chainedFragmentsAreJoinedByteExact() {
        Rig rig = new Rig();
        byte[] packet = datagram(6, 3001);
        List<byte[]> frags = fragments(rig, packet, 1000);
        byte[] out = null;
        for (byte[] f : frags) {
            // Header in a node of its own, the data split at an odd place.
            Pbuf head = rig.net.ctx.pbufs().allocPool(Layer.RAW, 20);
            head.copyFrom(0, f, 0, 20);
            int mid = 20 + (f.length - 20) / 2 + 1;
            Pbuf a = rig.net.pbuf(slice(f, 20, mid));
            Pbuf b = rig.net.pbuf(slice(f, mid, f.length));
            head.concat(a);
            head.concat(b);
            out = rig.take(rig.reass.input(head));
        }
        assertDatagram(packet, out);
        rig.assertEmpty();
    }

    @Test
    void exactDuplicatesAreDroppedAndCountedOnce() {
        Rig rig = new Rig();
        byte[] packet = datagram(7, 4000);
        List<byte[]> frags = fragments(rig, packet, 1500);
        assertNull(rig.feed(frags.get(0)));
        assertNull(rig.feed(frags.get(0)));
        assertNull(rig.feed(frags.get(2)));
        assertNull(rig.feed(frags.get(2)));
        assertEquals(2, rig.stats().drop);
        assertEquals(2, rig.pbufsUsed());
        assertDatagram(packet, rig.feed(frags.get(1)));
        assertEquals(1, rig.delivered.size());
        assertEquals(5, rig.stats().recv);
        assertEquals(0, rig.stats().err);
        rig.assertAccounting(3);
        rig.assertEmpty();
        // A late duplicate after completion starts a new datagram that times out without ICMP
        // (it is not fragment 0).
        assertNull(rig.feed(frags.get(2)));
        rig.advance(MAX_AGE);
        assertTrue(rig.timedOut.isEmpty());
        rig.assertEmpty();
    }

    @Test
    void partialOverlapDiscardsTheWholeDatagramAndItsStragglers() {
        Rig rig = new Rig();
        byte[] data = payload(48, 8);
        assertNull(rig.feed(fragment(8, 0, true, slice(data, 0, 16))));
        assertNull(rig.feed(fragment(8, 16, true, slice(data, 16, 32))));
        assertNull(rig.feed(fragment(8, 8, true, slice(data, 8, 24))));     // overlaps both
        assertEquals(1, rig.stats().err);
        assertEquals(3, rig.stats().drop);
        assertEquals(0, rig.pbufsUsed());
        assertEquals(1, rig.reass.pendingDatagrams(), "kept to drop stragglers (RFC 5722)");
        assertNull(rig.feed(fragment(8, 32, false, slice(data, 32, 48))));
        assertNull(rig.feed(fragment(8, 16, true, slice(data, 16, 32))));
        assertEquals(5, rig.stats().drop);
        assertEquals(0, rig.pbufsUsed());
        rig.advance(MAX_AGE);
        assertTrue(rig.timedOut.isEmpty(), "no ICMP for a discarded datagram");
        assertTrue(rig.delivered.isEmpty());
        rig.assertAccounting(0);
        rig.assertEmpty();
        // After the timeout the same identity starts afresh.
        assertNull(rig.feed(fragment(8, 0, true, slice(data, 0, 24))));
        assertDatagram(ipv4(8, 0, data), rig.feed(fragment(8, 24, false, slice(data, 24, 48))));
        rig.assertEmpty();
    }

    @Test
    void containedOverlapAndSameRangeWithOtherDataAreOverlaps() {
        Rig rig = new Rig();
        byte[] data = payload(64, 9);
        assertNull(rig.feed(fragment(9, 0, true, slice(data, 0, 32))));
        assertNull(rig.feed(fragment(9, 8, true, slice(data, 8, 16))));      // inside
        assertEquals(1, rig.stats().err);

        byte[] other = data.clone();
        other[20] ^= 1;
        assertNull(rig.feed(fragment(10, 16, true, slice(data, 16, 32))));
        assertNull(rig.feed(fragment(10, 16, true, slice(other, 16, 32))));  // same range, other bytes
        assertEquals(2, rig.stats().err);

        assertNull(rig.feed(fragment(11, 16, true, slice(data, 16, 32))));
        assertNull(rig.feed(fragment(11, 16, false, slice(data, 16, 32))));  // same bytes, MF differs
        assertEquals(3, rig.stats().err);
        assertEquals(0, rig.pbufsUsed());
        rig.advance(MAX_AGE);
        assertTrue(rig.timedOut.isEmpty());
        rig.assertEmpty();
    }

    @Test
    void inconsistentEndsDiscardTheDatagram() {
        Rig rig = new Rig();
        byte[] data = payload(64, 10);
        assertNull(rig.feed(fragment(12, 32, false, slice(data, 32, 48))));
        assertNull(rig.feed(fragment(12, 40, false, slice(data, 40, 64))));  // second end
        assertEquals(1, rig.stats().err);
        assertNull(rig.feed(fragment(13, 32, false, slice(data, 32, 40))));
        assertNull(rig.feed(fragment(13, 40, true, slice(data, 40, 48))));   // past the end
        assertEquals(2, rig.stats().err);
        assertNull(rig.feed(fragment(14, 16, true, slice(data, 16, 32))));
        assertNull(rig.feed(fragment(14, 0, false, slice(data, 0, 8))));     // end before held data
        assertEquals(3, rig.stats().err);
        rig.advance(MAX_AGE);
        rig.assertEmpty();
    }

    @Test
    void holeTimesOutAtExactlyMaxAgeAndQuotesFragmentZero() {
        Rig rig = new Rig();
        byte[] packet = datagram(15, 4000);
        List<byte[]> frags = fragments(rig, packet, 1500);
        rig.feed(frags.get(0));
        rig.advance(Duration.ofSeconds(5));
        rig.feed(frags.get(2));                                               // a later fragment does not extend the life
        rig.advanceNanos(MAX_AGE.toNanos() - Duration.ofSeconds(5).toNanos() - 1);
        assertEquals(1, rig.reass.pendingDatagrams());
        assertTrue(rig.timedOut.isEmpty());
        rig.advanceNanos(1);
        assertEquals(0, rig.reass.pendingDatagrams());
        assertEquals(1, rig.timedOut.size());
        assertArrayEquals(frags.get(0), rig.timedOut.get(0), "fragment 0 as received");
        assertEquals(2, rig.stats().drop);
        assertTrue(rig.delivered.isEmpty());
        rig.assertEmpty();
        // The missing fragment, arriving late, starts a datagram of its own that never completes.
        assertNull(rig.feed(frags.get(1)));
        rig.advance(MAX_AGE);
        assertEquals(1, rig.timedOut.size());
        rig.assertEmpty();
    }

    @Test
    void timeoutWithoutFragmentZeroSendsNothing() {
        Rig rig = new Rig();
        List<byte[]> frags = fragments(rig, datagram(16, 4000), 1500);
        rig.feed(frags.get(1));
        rig.feed(frags.get(2));
        rig.advanceNanos(MAX_AGE.toNanos() - 1);
        assertEquals(1, rig.reass.pendingDatagrams());
        rig.advanceNanos(1);
        assertTrue(rig.timedOut.isEmpty());
        assertEquals(2, rig.stats().drop);
        rig.assertEmpty();
    }

    @Test
    void datagramsTimeOutEachAtTheirOwnAge() {
        Rig rig = new Rig();
        List<byte[]> a = fragments(rig, datagram(17, 4000), 1500);
        List<byte[]> b = fragments(rig, datagram(18, 4000), 1500);
        rig.feed(a.get(0));
        rig.advance(Duration.ofSeconds(4));
        rig.feed(b.get(1));
        rig.advance(Duration.ofSeconds(11));
        assertEquals(1, rig.reass.pendingDatagrams());
        assertEquals(1, rig.timedOut.size());
        rig.advanceNanos(Duration.ofSeconds(4).toNanos() - 1);
        assertEquals(1, rig.reass.pendingDatagrams());
        rig.advanceNanos(1);
        assertEquals(1, rig.timedOut.size());
        rig.assertEmpty();
    }

    @Test
    void timersRunAheadOfTheClockStillExpire() {
        Rig rig = new Rig();
        List<byte[]> frags = fragments(rig, datagram(60, 3000), 1500);
        rig.feed(frags.get(0));
        // EventLoop.poll(now) may hand the timers a time ahead of the clock.
        rig.net.ctx.timers().runDue(rig.net.ctx.now() + MAX_AGE.toNanos());
        assertEquals(1, rig.timedOut.size());
        rig.assertEmpty();
    }

    @Test
    void nullCallbackJustFrees() {
        Net net = new Net(1500);
        Ipv4Reassembly reass = new Ipv4Reassembly(net.ctx, null);
        List<byte[]> frags = net.fragment(datagram(19, 3000), 1500);
        assertNull(reass.input(net.pbuf(frags.get(0))));
        net.clock.advance(net.ctx.config().ip4().reassMaxAge());
        net.ctx.timers().runDue(net.ctx.now());
        assertEquals(0, reass.pendingDatagrams());
        assertEquals(0, net.poolUsed());
    }

    @Test
    void oldestDatagramEvictedOverMemNumReassData() {
        Rig rig = new Rig(StackConfig.builder().ipReassMaxAge(MAX_AGE).memNumReassData(2).build());
        List<byte[]> a = fragments(rig, datagram(20, 3000), 1500);
        List<byte[]> b = fragments(rig, datagram(21, 3000), 1500);
        List<byte[]> c = fragments(rig, datagram(22, 3000), 1500);
        rig.feed(a.get(0));
        rig.advance(Duration.ofSeconds(1));
        rig.feed(b.get(0));
        rig.feed(c.get(0));                                                   // evicts a
        assertEquals(2, rig.reass.pendingDatagrams());
        assertEquals(2, rig.datagramsUsed());
        assertEquals(1, rig.stats().drop);
        assertTrue(rig.timedOut.isEmpty(), "eviction is not a timeout: no ICMP");
        assertDatagram(ipv4(21, 0, payload(3000, 21)), rig.feedAll(b.subList(1, 3)));
        assertDatagram(ipv4(22, 0, payload(3000, 22)), rig.feedAll(c.subList(1, 3)));
        // a lost its fragment 0: the rest never completes.
        assertNull(rig.feed(a.get(1)));
        assertNull(rig.feed(a.get(2)));
        rig.advance(MAX_AGE);
        assertTrue(rig.timedOut.isEmpty());
        rig.assertAccounting(6);
        rig.assertEmpty();
    }

    @Test
    void oldestDatagramEvictedOverIpReassMaxPbufs() {
        Rig rig = new Rig(StackConfig.builder().ipReassMaxAge(MAX_AGE).ipReassMaxPbufs(4).build());
        List<byte[]> a = fragments(rig, datagram(23, 5000), 1500);           // 4 fragments
        List<byte[]> b = fragments(rig, datagram(24, 3000), 1500);           // 3 fragments
        rig.feed(a.get(0));
        rig.feed(a.get(1));
        rig.feed(a.get(2));
        rig.feed(b.get(0));
        assertEquals(4, rig.pbufsUsed());
        assertNull(rig.feed(b.get(1)));                                       // evicts a
        assertEquals(1, rig.reass.pendingDatagrams());
        assertEquals(2, rig.pbufsUsed());
        assertEquals(3, rig.stats().drop);
        assertEquals(0, rig.stats().memerr);
        assertDatagram(ipv4(24, 0, payload(3000, 24)), rig.feed(b.get(2)));
        rig.assertEmpty();
    }

    @Test
    void fragmentDroppedWhenEvictingOthersCannotMakeRoom() {
        Rig rig = new Rig(StackConfig.builder().ipReassMaxAge(MAX_AGE).ipReassMaxPbufs(3).build());
        List<byte[]> a = fragments(rig, datagram(25, 5000), 1500);           // 4 fragments
        List<byte[]> b = fragments(rig, datagram(26, 3000), 1500);
        rig.feed(b.get(0));
        rig.feed(a.get(0));
        rig.feed(a.get(1));
        assertNull(rig.feed(a.get(2)));                                       // evicts b
        assertEquals(1, rig.reass.pendingDatagrams());
        assertNull(rig.feed(a.get(3)));                                       // nothing left to evict
        assertEquals(1, rig.stats().memerr);
        assertEquals(1, rig.net.ctx.stats().pool("IP_REASS_PBUF").err);
        assertEquals(3, rig.pbufsUsed());
        assertEquals(2, rig.stats().drop);

        // A fragment of more pbufs than the whole budget is refused without evicting anyone.
        assertNull(rig.reass.input(ipv4Chain(rig, 27, 8)));
        assertEquals(2, rig.stats().memerr);
        assertEquals(1, rig.reass.pendingDatagrams());
        rig.advance(MAX_AGE);
        assertEquals(1, rig.timedOut.size());
        rig.assertEmpty();
    }

    /** A fragment (offset 8, MF) whose pbuf is a chain of four nodes. */
    private static Pbuf ipv4Chain(Rig rig, int ident, int dataLen) {
        byte[] f = fragment(ident, 8, true, payload(dataLen * 4, ident));
        Pbuf p = rig.net.pbuf(slice(f, 0, 20 + dataLen));
        for (int i = 1; i < 4; i++) {
            p.concat(rig.net.pbuf(slice(f, 20 + i * dataLen, 20 + (i + 1) * dataLen)));
        }
        return p;
    }

    @Test
    void interleavedDatagramsAreKeptApartByTheirIdentity() {
        Rig rig = new Rig();
        byte[][] packets = {
            ipv4(30, 0, Ipv4Packet.PROTO_UDP, SRC, DST, new byte[0], payload(5000, 1)),
            ipv4(30, 0, Ipv4Packet.PROTO_TCP, SRC, DST, new byte[0], payload(5000, 2)),
            ipv4(30, 0, Ipv4Packet.PROTO_UDP, SRC + 1, DST, new byte[0], payload(5000, 3)),
            ipv4(30, 0, Ipv4Packet.PROTO_UDP, SRC, DST + 1, new byte[0], payload(5000, 4)),
            ipv4(31, 0, Ipv4Packet.PROTO_UDP, SRC, DST, new byte[0], payload(5000, 5)),
        };
        List<List<byte[]>> frags = new ArrayList<>();
        for (byte[] p : packets) {
            // Fragment with the capture net, then patch the addresses where the test needs them.
            frags.add(fragmentAnyAddress(rig, p, 1500));
        }
        Random random = new Random(31);
        for (List<byte[]> f : frags) {
            Collections.shuffle(f, random);
        }
        List<byte[]> got = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            for (List<byte[]> f : frags) {
                byte[] d = rig.feed(f.get(i));
                if (d != null) {
                    got.add(d);
                }
            }
        }
        assertEquals(packets.length, got.size());
        for (int i = 0; i < packets.length; i++) {
            assertDatagram(packets[i], got.get(i));
        }
        rig.assertEmpty();
    }

    /** Fragments a packet whatever its addresses (the fragmenter does not look at them). */
    private static List<byte[]> fragmentAnyAddress(Rig rig, byte[] packet, int mtu) {
        List<byte[]> out = rig.net.fragment(packet, mtu);
        assertEquals(4, out.size());
        for (byte[] f : out) {
            assertEquals(Ipv4Packet.src(seg(packet), 0), Ipv4Packet.src(seg(f), 0));
            assertEquals(Ipv4Packet.dst(seg(packet), 0), Ipv4Packet.dst(seg(f), 0));
        }
        return out;
    }

    @Test
    void malformedFragmentsAreDroppedAndCounted() {
        Rig rig = new Rig();
        assertNull(rig.feed(fragment(40, 0, true, payload(13, 1))));         // MF, not a multiple of 8
        assertNull(rig.feed(fragment(41, 8, true, new byte[0])));            // no data
        assertNull(rig.feed(fragment(42, 65528, false, payload(16, 2))));    // ends past 65535
        assertEquals(3, rig.stats().lenerr);
        assertEquals(3, rig.stats().drop);
        assertEquals(0, rig.reass.pendingDatagrams());

        // Each fragment fits, but fragment 0's 60-byte header and the last fragment's end make
        // a datagram longer than 65535 bytes: the datagram goes (ping of death).
        assertNull(rig.feed(fragment(43, 65496, false, payload(4, 3))));
        byte[] nops = new byte[40];
        java.util.Arrays.fill(nops, (byte) Ipv4Packet.OPT_NOP);
        assertNull(rig.feed(ipv4(43, Ipv4Packet.FLAG_MF, Ipv4Packet.PROTO_UDP, SRC, DST, nops, payload(8, 3))));
        assertEquals(4, rig.stats().lenerr);
        assertEquals(5, rig.stats().drop);
        assertEquals(0, rig.pbufsUsed());
        rig.advance(MAX_AGE);
        assertTrue(rig.timedOut.isEmpty());
        rig.assertAccounting(0);
        rig.assertEmpty();
    }

    @Test
    void largestLegalDatagramCompletes() {
        Rig rig = new Rig();
        byte[] packet = datagram(44, 65535 - 20);
        List<byte[]> frags = fragments(rig, packet, 1500);
        Collections.shuffle(frags, new Random(44));
        assertDatagram(packet, rig.feedAll(frags));
        rig.assertEmpty();
    }

    @Test
    void clearFreesEverythingWithoutCallbacks() {
        Rig rig = new Rig();
        for (int ident = 50; ident < 55; ident++) {
            List<byte[]> f = fragments(rig, datagram(ident, 4000), 1500);
            rig.feed(f.get(0));
            rig.feed(f.get(2));
        }
        assertEquals(5, rig.reass.pendingDatagrams());
        assertEquals(10, rig.pbufsUsed());
        rig.reass.clear();
        assertEquals(10, rig.stats().drop);
        rig.advance(MAX_AGE);
        assertTrue(rig.timedOut.isEmpty());
        rig.assertEmpty();
    }

    @Test
    void lwipDefaultsBoundsHold() {
        // opt.h: 5 datagrams, 10 pbufs. Many partial datagrams never hold more.
        Rig rig = new Rig(StackConfig.lwipDefaults());
        for (int ident = 0; ident < 40; ident++) {
            List<byte[]> f = fragments(rig, datagram(ident, 1000), 576);
            rig.feed(f.get(0));
            assertTrue(rig.reass.pendingDatagrams() <= 5);
            assertTrue(rig.pbufsUsed() <= 10);
        }
        assertEquals(5, rig.reass.pendingDatagrams());
        rig.advance(Duration.ofSeconds(15));
        assertEquals(5, rig.timedOut.size());
        rig.assertEmpty();
    }
}
