package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.internal.ip.Reassembler;
import org.lwip4j.internal.ip.ReassemblyLimits;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.VirtualClock;

/**
 * The family-neutral reassembler by itself, with IPv6's format ({@link Ipv6Fragments}: 128-bit addresses,
 * 32-bit identification, unfragmentable headers kept): RFC 815 holes filled in any order,
 * RFC 5722 overlap policy, duplicates, eviction, bounds, the timeout across the clock wrap,
 * and every pbuf back in its pool on every path.
 */
final class ReassemblerTest {
    private static final Duration MAX_AGE = Duration.ofSeconds(60);
    private static final int UDP = 17;

    /** A reassembler on a virtual clock, with what it reported on timeout collected. */
    private static final class Rig {
        final VirtualClock clock;
        final StackContext ctx;
        final Reassembler reass;
        final List<byte[]> timedOut = new ArrayList<>();
        int delivered;

        Rig(long startNanos, int maxDatagrams, int maxPbufs) {
            clock = new VirtualClock(startNanos);
            ctx = new StackContext(StackConfig.defaults(), clock);
            reass = new Reassembler(ctx, "IP6", ctx.stats().ip6frag,
                    new ReassemblyLimits(maxDatagrams, maxPbufs, MAX_AGE), new Ipv6Fragments(), first -> {
                        timedOut.add(first.toByteArray());
                        first.free();
                    });
        }

        Rig() {
            this(0, 64, 1024);
        }

        Pbuf pbuf(byte[] bytes) {
            Pbuf p = ctx.pbufs().allocPool(Layer.RAW, bytes.length);
            p.copyFrom(0, bytes, 0, bytes.length);
            return p;
        }

        /** Feeds one fragment; the datagram's bytes when it completed, else null. */
        byte[] feed(byte[] packet) {
            Pbuf p = reass.input(pbuf(packet));
            if (p == null) {
                return null;
            }
            delivered++;
            byte[] b = p.toByteArray();
            p.free();
            return b;
        }

        /** Feeds one fragment as a chain of pbufs cut at {@code cuts}; the datagram when it completed, else null. */
        byte[] feedChain(byte[] packet, int... cuts) {
            Pbuf head = null;
            int from = 0;
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? cuts[i] : packet.length;
                Pbuf part = pbuf(java.util.Arrays.copyOfRange(packet, from, to));
                if (head == null) {
                    head = part;
                } else {
                    head.chain(part);
                    part.free();
                }
                from = to;
            }
            Pbuf p = reass.input(head);
            if (p == null) {
                return null;
            }
            delivered++;
            byte[] b = p.toByteArray();
            p.free();
            return b;
        }

        /** Feeds every fragment; the datagram the last one completed, asserting none did earlier. */
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

        void advance(long nanos) {
            clock.advance(nanos);
            ctx.timers().runDue(ctx.now());
        }

        ProtoStats stats() {
            return ctx.stats().ip6frag;
        }

        long pbufsHeld() {
            return ctx.stats().pool("IP6_REASS_PBUF").used;
        }

        void assertEmpty() {
            assertEquals(0, reass.pendingDatagrams());
            assertEquals(0, ctx.stats().pool("IP6_REASSDATA").used);
            assertEquals(0, pbufsHeld());
            assertEquals(0, ctx.pbufs().poolStats().used, "every pool pbuf back");
            assertEquals(0, ctx.timers().pending(), "reassembly timer stopped");
        }

        /** recv = fragments inside delivered datagrams + fragments held + dropped (one node per fragment here). */
        void assertAccounting(long fragmentsDelivered) {
            assertEquals(stats().recv, fragmentsDelivered + pbufsHeld() + stats().drop);
        }
    }

    /** One datagram as the tests send it: identity, unfragmentable extension bytes, upper-layer data. */
    private record Dgram(long srcHi, long srcLo, long dstHi, long dstLo, int ident, int extLen, byte[] data) {
        Dgram(int ident, int size) {
            this(0x2001_0db8_0000_0001L, 0x10L, 0x2001_0db8_0000_0002L, 0x20L, ident, 0, bytes(size, ident));
        }

        Dgram withExt(int ext) {
            return new Dgram(srcHi, srcLo, dstHi, dstLo, ident, ext, data);
        }

        /** The fragment carrying {@code data[from, to)}. */
        byte[] fragment(int from, int to, boolean more) {
            return packet(from, more, Arrays.copyOfRange(data, from, to), true);
        }

        /** A fragment at {@code from} carrying {@code bytes} instead of the datagram's data. */
        byte[] fragmentWith(int from, byte[] bytes, boolean more) {
            return packet(from, more, bytes, true);
        }

        /** The fragments cut at {@code cuts} (offsets, multiples of 8), in order. */
        List<byte[]> cut(int... cuts) {
            List<byte[]> out = new ArrayList<>();
            int from = 0;
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? cuts[i] : data.length;
                out.add(fragment(from, to, i < cuts.length));
                from = to;
            }
            return out;
        }

        /** What reassembly must give: the unfragmentable part, next header fixed, then the data. */
        byte[] whole() {
            return packet(0, false, data, false);
        }

        private byte[] packet(int offset, boolean more, byte[] payload, boolean fragmentHeader) {
            int fh = fragmentHeader ? 8 : 0;
            byte[] b = new byte[40 + extLen + fh + payload.length];
            ByteBuffer bb = ByteBuffer.wrap(b);
            b[0] = 0x60;
            bb.putShort(4, (short) (extLen + fh + payload.length));
            int afterUnfragmentable = fragmentHeader ? org.lwip4j.wire.Ipv6Packet.NH_FRAGMENT : UDP;
            b[6] = (byte) (extLen > 0 ? 0 : afterUnfragmentable);
            b[7] = 64;
            bb.putLong(8, srcHi).putLong(16, srcLo).putLong(24, dstHi).putLong(32, dstLo);
            if (extLen > 0) {
                b[40] = (byte) afterUnfragmentable;
                b[41] = (byte) (extLen / 8 - 1);
                b[42] = 1;                                  // PadN over the rest
                b[43] = (byte) (extLen - 4);
            }
            if (fragmentHeader) {
                int f = 40 + extLen;
                b[f] = UDP;
                bb.putShort(f + 2, (short) (offset | (more ? 1 : 0)));
                bb.putInt(f + 4, ident);
            }
            System.arraycopy(payload, 0, b, 40 + extLen + fh, payload.length);
            return b;
        }
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 131 + (i >>> 8) * 7 + seed * 17);
        }
        return b;
    }

    /** Random cut points at multiples of 8 strictly inside {@code size}. */
    private static int[] randomCuts(Random random, int size, int max) {
        List<Integer> cuts = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            int c = random.nextInt(Math.max(1, size / 8)) * 8;
            if (c > 0 && c < size && !cuts.contains(c)) {
                cuts.add(c);
            }
        }
        Collections.sort(cuts);
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    // ------------------------------------------------------------------ holes

    @Test
    void holesFillInAnyOrder() {
        Random random = new Random(815);
        for (int round = 0; round < 200; round++) {
            Rig rig = new Rig();
            Dgram d = new Dgram(round, 16 + random.nextInt(9000)).withExt(8 * random.nextInt(3));
            List<byte[]> frags = d.cut(randomCuts(random, d.data().length, 1 + random.nextInt(12)));
            Collections.shuffle(frags, random);
            assertArrayEquals(d.whole(), rig.feedAll(frags), "round " + round);
            assertEquals(frags.size(), rig.stats().recv);
            assertEquals(0, rig.stats().drop);
            assertEquals(1, rig.reass.reassembled());
            assertEquals(0, rig.reass.failed());
            rig.assertEmpty();
        }
    }

    @Test
    void aDatagramWithAHoleNeverCompletesAndItsFirstFragmentIsReportedOnTimeout() {
        Rig rig = new Rig();
        Dgram d = new Dgram(1, 4000);
        List<byte[]> frags = d.cut(1000, 2000, 3000);
        assertNull(rig.feed(frags.get(3)));
        assertNull(rig.feed(frags.get(0)));
        assertNull(rig.feed(frags.get(2)));                   // [1000, 2000) still missing
        assertEquals(1, rig.reass.pendingDatagrams());
        rig.advance(MAX_AGE.toNanos() - 1);
        assertEquals(1, rig.reass.pendingDatagrams());
        assertTrue(rig.timedOut.isEmpty());
        rig.advance(1);
        assertEquals(1, rig.timedOut.size());
        assertArrayEquals(frags.get(0), rig.timedOut.get(0), "the first fragment as it arrived");
        assertEquals(3, rig.stats().drop);
        assertEquals(1, rig.reass.timedOut());
        assertEquals(1, rig.reass.failed());
        assertEquals(0, rig.delivered);
        rig.assertAccounting(0);
        rig.assertEmpty();
    }

    @Test
    void aTimeoutWithoutTheFirstFragmentReportsNothingButCountsOnce() {
        Rig rig = new Rig();
        List<byte[]> frags = new Dgram(2, 4000).cut(1000, 2000, 3000);
        rig.feed(frags.get(1));
        rig.feed(frags.get(3));
        rig.advance(MAX_AGE.toNanos());
        assertTrue(rig.timedOut.isEmpty());
        assertEquals(1, rig.reass.timedOut());
        assertEquals(1, rig.reass.failed());
        assertEquals(2, rig.stats().drop);
        rig.assertEmpty();
    }

    @Test
    void laterFragmentsDoNotExtendTheLifeAndEachDatagramHasItsOwnDeadline() {
        Rig rig = new Rig();
        List<byte[]> a = new Dgram(3, 3000).cut(1000, 2000);
        List<byte[]> b = new Dgram(4, 3000).cut(1000, 2000);
        rig.feed(a.get(0));
        rig.advance(Duration.ofSeconds(20).toNanos());
        rig.feed(b.get(0));
        rig.feed(a.get(1));
        rig.advance(Duration.ofSeconds(40).toNanos());        // a's deadline
        assertEquals(1, rig.timedOut.size());
        assertEquals(1, rig.reass.pendingDatagrams());
        rig.advance(Duration.ofSeconds(20).toNanos() - 1);
        assertEquals(1, rig.reass.pendingDatagrams());
        rig.advance(1);
        assertEquals(2, rig.timedOut.size());
        assertArrayEquals(b.get(0), rig.timedOut.get(1));
        rig.assertEmpty();
    }

    @Test
    void theTimeoutWorksAcrossTheClockWrap() {
        // The deadline lies past Long.MAX_VALUE: wrap-safe comparisons time the datagram out
        // exactly at its age, neither at once nor never.
        Rig rig = new Rig(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos(), 64, 1024);
        List<byte[]> frags = new Dgram(5, 3000).cut(1000, 2000);
        rig.feed(frags.get(0));
        rig.feed(frags.get(2));
        rig.advance(MAX_AGE.toNanos() - 1);
        assertTrue(rig.clock.nanoTime() < 0, "the clock wrapped");
        assertEquals(1, rig.reass.pendingDatagrams());
        rig.advance(1);
        assertEquals(1, rig.timedOut.size());
        rig.assertEmpty();
        // And a datagram that starts after the wrap still completes.
        Dgram d = new Dgram(6, 3000);
        assertArrayEquals(d.whole(), rig.feedAll(d.cut(1000, 2000)));
        rig.assertEmpty();
    }

    // ------------------------------------------------------------------ overlaps (RFC 5722)

    @Test
    void anExactDuplicateIsDroppedAloneAndTheDatagramCompletes() {
        Rig rig = new Rig();
        Dgram d = new Dgram(7, 4000);
        List<byte[]> frags = d.cut(1000, 2000, 3000);
        rig.feed(frags.get(0));
        rig.feed(frags.get(0));
        rig.feed(frags.get(2));
        rig.feed(frags.get(2));
        rig.feed(frags.get(3));
        assertEquals(2, rig.stats().drop);
        assertEquals(0, rig.stats().err);
        assertArrayEquals(d.whole(), rig.feed(frags.get(1)));
        rig.assertAccounting(4);
        rig.assertEmpty();
        // A duplicate after completion starts a datagram of its own, which times out.
        assertNull(rig.feed(frags.get(3)));
        rig.advance(MAX_AGE.toNanos());
        assertTrue(rig.timedOut.isEmpty());
        rig.assertEmpty();
    }

    @Test
    void duplicatesAreComparedByteForByteAcrossPbufChainsCutAnywhere() {
        Dgram d = new Dgram(9, 4000);
        List<byte[]> frags = d.cut(1000, 2000, 3000);
        Rig rig = new Rig();
        assertNull(rig.feedChain(frags.get(0), 7, 300));
        assertNull(rig.feedChain(frags.get(1), 500, 501));
        assertNull(rig.feedChain(frags.get(0), 500), "the same bytes cut elsewhere");
        assertNull(rig.feedChain(frags.get(1), 3));
        assertEquals(2, rig.stats().drop);
        assertEquals(0, rig.stats().err);
        assertArrayEquals(d.whole(), rig.feedAll(frags.subList(2, 4)));
        rig.assertEmpty();

        for (int at : new int[] {frags.get(1).length - 1, frags.get(1).length - 600}) {
            Rig r = new Rig();
            assertNull(r.feedChain(frags.get(1), 100, 101));
            byte[] changed = frags.get(1).clone();
            changed[at] ^= 1;
            assertNull(r.feedChain(changed, changed.length - 2));
            assertEquals(1, r.stats().err, "same range, different data: byte " + at);
            assertEquals(1, r.reass.failed());
            r.advance(MAX_AGE.toNanos());
            r.assertEmpty();
        }
    }

    @Test
    void theLastFragmentAgainWithMoreFragmentsSetDiscardsTheDatagram() {
        Dgram d = new Dgram(8, 64);
        assertDiscarded(List.of(d.fragment(56, 64, false)), d.fragment(56, 64, true));
    }

    /** A datagram of 64 bytes under some held fragments, then a conflicting one. */
    private static void assertDiscarded(List<byte[]> held, byte[] conflicting) {
        Rig rig = new Rig();
        Dgram d = new Dgram(8, 64);
        for (byte[] f : held) {
            assertNull(rig.feed(f));
        }
        assertNull(rig.feed(conflicting));
        assertEquals(1, rig.stats().err, "one discard");
        assertEquals(held.size() + 1, rig.stats().drop);
        assertEquals(0, rig.pbufsHeld(), "nothing held");
        assertEquals(1, rig.reass.pendingDatagrams(), "kept to drop stragglers");
        assertEquals(1, rig.reass.failed());
        // Every other fragment of it, even the ones that would complete it, is dropped.
        for (byte[] f : d.cut(8, 16, 24, 32, 40, 48, 56)) {
            assertNull(rig.feed(f));
        }
        assertEquals(held.size() + 1 + 8, rig.stats().drop);
        assertEquals(1, rig.reass.failed(), "counted once");
        rig.advance(MAX_AGE.toNanos());
        assertTrue(rig.timedOut.isEmpty(), "a discarded datagram reports nothing");
        assertEquals(0, rig.reass.timedOut());
        assertEquals(0, rig.delivered);
        rig.assertAccounting(0);
        rig.assertEmpty();
        // After the timeout the identity starts afresh.
        assertArrayEquals(d.whole(), rig.feedAll(d.cut(32)));
        rig.assertEmpty();
    }

    @Test
    void anyOtherOverlapDiscardsTheWholeDatagramUntilItTimesOut() {
        Dgram d = new Dgram(8, 64);
        byte[] other = d.data().clone();
        other[20] ^= 1;
        // Straddling the end of one fragment and the start of the next.
        assertDiscarded(List.of(d.fragment(0, 16, true), d.fragment(16, 32, true)), d.fragment(8, 24, true));
        // Inside a held fragment, same bytes.
        assertDiscarded(List.of(d.fragment(0, 32, true)), d.fragment(8, 16, true));
        // Covering a held fragment.
        assertDiscarded(List.of(d.fragment(16, 24, true)), d.fragment(8, 32, true));
        // Same range, other bytes.
        assertDiscarded(List.of(d.fragment(16, 32, true)),
                d.fragmentWith(16, Arrays.copyOfRange(other, 16, 32), true));
        // Same range and bytes, more-fragments flag differs (either way).
        assertDiscarded(List.of(d.fragment(16, 32, true)), d.fragment(16, 32, false));
        assertDiscarded(List.of(d.fragment(16, 32, false)), d.fragment(16, 32, true));
    }

    @Test
    void contradictoryEndsDiscardTheWholeDatagram() {
        Dgram d = new Dgram(8, 64);
        // Two last fragments with other ends.
        assertDiscarded(List.of(d.fragment(32, 48, false)), d.fragment(48, 64, false));
        // Data past the end the last fragment set.
        assertDiscarded(List.of(d.fragment(32, 40, false)), d.fragment(40, 48, true));
        // A last fragment ending before data already held.
        assertDiscarded(List.of(d.fragment(16, 32, true)), d.fragment(0, 8, false));
    }

    // ------------------------------------------------------------------ identity

    @Test
    void everyFieldOfTheKeySeparatesDatagrams() {
        Rig rig = new Rig();
        Dgram base = new Dgram(9, 3000);
        Dgram[] ds = {
            base,
            new Dgram(base.srcHi() + 1, base.srcLo(), base.dstHi(), base.dstLo(), 9, 0, bytes(3000, 1)),
            new Dgram(base.srcHi(), base.srcLo() + 1, base.dstHi(), base.dstLo(), 9, 0, bytes(3000, 2)),
            new Dgram(base.srcHi(), base.srcLo(), base.dstHi() + 1, base.dstLo(), 9, 0, bytes(3000, 3)),
            new Dgram(base.srcHi(), base.srcLo(), base.dstHi(), base.dstLo() + 1, 9, 0, bytes(3000, 4)),
            new Dgram(base.srcHi(), base.srcLo(), base.dstHi(), base.dstLo(), 0x80000009, 0, bytes(3000, 5)),
        };
        List<List<byte[]>> frags = new ArrayList<>();
        for (Dgram d : ds) {
            frags.add(d.cut(1000, 2000));
        }
        for (int i = 0; i < 2; i++) {
            for (List<byte[]> f : frags) {
                assertNull(rig.feed(f.get(i)));
            }
        }
        assertEquals(ds.length, rig.reass.pendingDatagrams());
        for (int k = 0; k < ds.length; k++) {
            assertArrayEquals(ds[k].whole(), rig.feed(frags.get(k).get(2)));
        }
        assertEquals(0, rig.stats().err);
        rig.assertEmpty();
    }


    // ------------------------------------------------------------------ bounds

    @Test
    void theOldestDatagramIsEvictedOverTheDatagramCap() {
        Rig rig = new Rig(0, 2, 1024);
        List<byte[]> a = new Dgram(10, 3000).cut(1000, 2000);
        Dgram b = new Dgram(11, 3000);
        Dgram c = new Dgram(12, 3000);
        rig.feed(a.get(0));
        rig.advance(1);
        rig.feed(b.cut(1000, 2000).get(0));
        rig.feed(c.cut(1000, 2000).get(1));                  // evicts a
        assertEquals(2, rig.reass.pendingDatagrams());
        assertEquals(1, rig.stats().drop);
        assertEquals(1, rig.reass.failed());
        assertTrue(rig.timedOut.isEmpty(), "eviction is no timeout: nothing reported");
        List<byte[]> restB = b.cut(1000, 2000).subList(1, 3);
        assertArrayEquals(b.whole(), rig.feedAll(restB));
        List<byte[]> cc = c.cut(1000, 2000);
        assertArrayEquals(c.whole(), rig.feedAll(List.of(cc.get(0), cc.get(2))));
        rig.assertEmpty();
    }

    @Test
    void theOldestDatagramIsEvictedOverThePbufCapButNeverTheFragmentsOwn() {
        Rig rig = new Rig(0, 64, 4);
        List<byte[]> a = new Dgram(13, 4000).cut(1000, 2000, 3000);
        Dgram b = new Dgram(14, 3000);
        List<byte[]> bf = b.cut(1000, 2000);
        rig.feed(a.get(0));
        rig.feed(a.get(1));
        rig.feed(bf.get(0));
        rig.feed(a.get(2));
        assertEquals(4, rig.pbufsHeld());
        assertNull(rig.feed(bf.get(1)));                      // a, the oldest, goes: 3 pbufs
        assertEquals(1, rig.reass.pendingDatagrams());
        assertEquals(2, rig.pbufsHeld());
        assertEquals(3, rig.stats().drop);
        assertEquals(0, rig.stats().memerr);
        assertArrayEquals(b.whole(), rig.feed(bf.get(2)));
        rig.assertEmpty();
    }

    @Test
    void aDiscardedDatagramKeepsGuardingWhileOthersAreEvictedForPbufs() {
        Rig rig = new Rig(0, 64, 2);
        Dgram guard = new Dgram(15, 64);
        rig.feed(guard.fragment(0, 16, true));
        rig.feed(guard.fragment(8, 24, true));                // discarded, holds nothing
        List<byte[]> a = new Dgram(16, 3000).cut(1000, 2000);
        List<byte[]> b = new Dgram(17, 3000).cut(1000, 2000);
        rig.feed(a.get(0));
        rig.feed(a.get(1));
        rig.feed(b.get(0));                                   // evicts a, not the empty guard
        assertEquals(2, rig.reass.pendingDatagrams());
        assertNull(rig.feed(guard.fragment(16, 64, false)), "the guard still drops stragglers");
        assertEquals(1, rig.stats().err);
        rig.advance(MAX_AGE.toNanos());
        rig.assertEmpty();
    }

    @Test
    void aFragmentThatCannotFitIsRefusedWithoutEvictingAnyone() {
        Rig rig = new Rig(0, 64, 3);
        Dgram a = new Dgram(18, 5000);
        List<byte[]> af = a.cut(1000, 2000, 3000, 4000);
        rig.feed(new Dgram(19, 3000).cut(1000).get(0));
        rig.feed(af.get(0));
        rig.feed(af.get(1));
        assertNull(rig.feed(af.get(2)));                      // evicts 19
        assertEquals(1, rig.reass.pendingDatagrams());
        assertNull(rig.feed(af.get(3)));                      // a alone fills the budget
        assertEquals(1, rig.stats().memerr);
        assertEquals(1, rig.reass.pbufPool().err);
        assertEquals(3, rig.pbufsHeld());
        // A fragment of more nodes than the whole budget.
        byte[] f = new Dgram(20, 64).fragment(8, 40, true);
        Pbuf chain = rig.pbuf(Arrays.copyOf(f, 48 + 8));       // headers and 8 data bytes, then 3 nodes of 8
        for (int i = 0; i < 3; i++) {
            chain.concat(rig.pbuf(Arrays.copyOfRange(f, 56 + i * 8, 64 + i * 8)));
        }
        assertNull(rig.reass.input(chain));
        assertEquals(2, rig.stats().memerr);
        assertEquals(1, rig.reass.pendingDatagrams());
        rig.advance(MAX_AGE.toNanos());
        assertEquals(1, rig.timedOut.size());
        rig.assertEmpty();
    }

    @Test
    void theLargestDatagramCompletesAndOneByteMoreIsRefused() {
        Rig rig = new Rig();
        // Payload length counts the unfragmentable headers: 16 of them leave 65519 data bytes.
        Dgram largest = new Dgram(21, 65535 - 16).withExt(16);
        List<byte[]> frags = largest.cut(16000, 32000, 48000, 64000);
        Collections.shuffle(frags, new Random(21));
        assertArrayEquals(largest.whole(), rig.feedAll(frags));
        rig.assertEmpty();

        // A single fragment ending past it.
        Dgram big = new Dgram(22, 65535 - 16 + 8).withExt(16);
        assertNull(rig.feed(big.fragment(65520, big.data().length, false)));
        assertEquals(1, rig.stats().lenerr);
        assertEquals(0, rig.reass.pendingDatagrams());

        // Each fragment fits alone (a later fragment's headers are assumed minimal), but the
        // first fragment's 40 bytes of extension headers and the end say 65535 + 8.
        Dgram sneaky = new Dgram(23, 65535 - 32).withExt(40);
        Dgram plain = new Dgram(sneaky.srcHi(), sneaky.srcLo(), sneaky.dstHi(), sneaky.dstLo(), 23, 0, sneaky.data());
        assertNull(rig.feed(plain.fragment(65488, sneaky.data().length, false)));
        assertNull(rig.feed(sneaky.fragment(0, 8, true)));
        assertEquals(2, rig.stats().lenerr);
        assertEquals(1, rig.reass.failed(), "one datagram given up");
        assertEquals(0, rig.pbufsHeld());
        rig.advance(MAX_AGE.toNanos());
        rig.assertAccounting(5);
        rig.assertEmpty();
    }

    @Test
    void aDatagramOfExactly65535BytesWithTheFirstFragmentsHeadersCountedCompletes() {
        Rig rig = new Rig();
        // The last fragment comes first and has no extension headers; fragment 0 brings 40,
        // which makes the whole exactly 65535.
        Dgram exact = new Dgram(25, 65535 - 40).withExt(40);
        Dgram plain = new Dgram(exact.srcHi(), exact.srcLo(), exact.dstHi(), exact.dstLo(), 25, 0, exact.data());
        assertNull(rig.feed(plain.fragment(65488, exact.data().length, false)));
        assertNull(rig.feed(exact.fragment(0, 8, true)));
        assertArrayEquals(exact.whole(), rig.feedAll(exact.cut(8, 16000, 32000, 48000, 65488).subList(1, 5)));
        assertEquals(0, rig.stats().lenerr);
        rig.assertEmpty();
    }

    @Test
    void malformedFragmentsAreDroppedAndCounted() {
        Rig rig = new Rig();
        Dgram d = new Dgram(24, 64);
        byte[] notMultipleOf8 = d.fragment(0, 13, true);
        byte[] noData = d.fragment(8, 8, true);
        byte[] unreadable = d.fragment(0, 16, true);
        unreadable[0] = 0x40;                                  // not version 6: the format refuses it
        byte[] lengthPastThePacket = d.fragment(0, 16, true);
        lengthPastThePacket[5] += 1;
        for (byte[] f : List.of(notMultipleOf8, noData, unreadable, lengthPastThePacket)) {
            assertNull(rig.feed(f));
        }
        assertEquals(4, rig.stats().lenerr);
        assertEquals(4, rig.stats().drop);
        assertEquals(0, rig.reass.pendingDatagrams());
        assertEquals(0, rig.reass.failed(), "no datagram was given up");
        // Link padding after what the length fields say is trimmed.
        byte[] padded = Arrays.copyOf(d.fragment(32, 64, false), 48 + 32 + 6);
        assertNull(rig.feed(padded));
        assertArrayEquals(d.whole(), rig.feed(d.fragment(0, 32, true)));
        rig.assertEmpty();
    }

    @Test
    void clearFreesEverythingWithoutReports() {
        Rig rig = new Rig();
        for (int ident = 30; ident < 35; ident++) {
            List<byte[]> f = new Dgram(ident, 3000).cut(1000, 2000);
            rig.feed(f.get(0));
            rig.feed(f.get(2));
        }
        assertEquals(5, rig.reass.pendingDatagrams());
        assertEquals(10, rig.reass.heldPbufs());
        rig.reass.clear();
        assertEquals(10, rig.stats().drop);
        assertEquals(5, rig.reass.failed());
        rig.advance(MAX_AGE.toNanos());
        assertTrue(rig.timedOut.isEmpty());
        rig.assertEmpty();
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ReassemblyLimits(0, 1, MAX_AGE));
        assertThrows(IllegalArgumentException.class, () -> new ReassemblyLimits(1, 0, MAX_AGE));
        assertThrows(IllegalArgumentException.class, () -> new ReassemblyLimits(1, 1, Duration.ZERO));
        assertNotNull(new ReassemblyLimits(1, 1, Duration.ofNanos(1)));
    }
}
