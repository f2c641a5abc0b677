package org.lwip4j.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Internet checksum (RFC 1071) and its incremental update (RFC 1624) against a byte-by-byte reference. */
final class ChecksumTest {
    /**
     * RFC 1071 §1 done the slow, obvious way: big-endian 16-bit words, a trailing byte padded
     * with a zero after it, end-around carry after every addition. Returns the 16-bit sum.
     */
    static int referenceSum(byte[] a, int off, int len) {
        int sum = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = a[off + i] & 0xff;
            int lo = i + 1 < len ? a[off + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
            if (sum > 0xffff) {
                sum = (sum & 0xffff) + 1;
            }
        }
        return sum;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void rfc1071Section3NumericalExample() {
        byte[] data = bytes(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
        assertEquals(0xddf2, Checksum.fold(Checksum.partial(data, 0, data.length, 0)));
        assertEquals(0xddf2, referenceSum(data, 0, data.length));
        assertEquals(0x220d, Checksum.of(data, 0, data.length));
    }

    @Test
    void aTrailingOddByteIsTheHighByteOfItsWord() {
        assertEquals(0xab00, Checksum.fold(Checksum.partial(bytes(0xab), 0, 1, 0)));
        assertEquals(0x1234 + 0x5600, Checksum.fold(Checksum.partial(bytes(0x12, 0x34, 0x56), 0, 3, 0)));
        assertEquals(0x5600, Checksum.fold(Checksum.partial(bytes(0x12, 0x34, 0x56), 2, 1, 0)));
        assertEquals(0, Checksum.fold(Checksum.partial(new byte[0], 0, 0, 0)));
    }

    @Test
    void partialMatchesTheReferenceForEveryLengthAndOffset() {
        byte[] data = random(320, 1071);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offHeap = arena.allocate(data.length);
            offHeap.copyFrom(MemorySegment.ofArray(data));
            MemorySegment heap = MemorySegment.ofArray(data);
            for (int off = 0; off <= 15; off++) {
                for (int len = 0; len <= 300; len++) {
                    int want = referenceSum(data, off, len);
                    String where = "off " + off + " len " + len;
                    assertEquals(want, Checksum.fold(Checksum.partial(data, off, len, 0)), "byte[] " + where);
                    assertEquals(want, Checksum.fold(Checksum.partial(heap, off, len, 0)), "heap " + where);
                    assertEquals(want, Checksum.fold(Checksum.partial(offHeap, off, len, 0)), "off-heap " + where);
                }
            }
        }
    }

    @Test
    void theJitCompiledLoopAgreesWithTheReference() {
        // Enough calls for C2 to compile (and vectorize) the loops, on both memory kinds,
        // so the optimized code is checked too, not only the interpreter.
        byte[] data = random(1600, 1072);
        int[][] want = new int[16][97];
        for (int off = 0; off < 16; off++) {
            for (int d = 0; d < 97; d++) {
                want[off][d] = referenceSum(data, off, 1400 + d);
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offHeap = arena.allocate(data.length);
            offHeap.copyFrom(MemorySegment.ofArray(data));
            MemorySegment heap = MemorySegment.ofArray(data);
            for (int i = 0; i < 40_000; i++) {
                int off = i & 15;
                int d = i % 97;
                MemorySegment s = (i & 16) == 0 ? heap : offHeap;
                int got = Checksum.fold(Checksum.partial(s, off, 1400 + d, 0));
                if (got != want[off][d]) {
                    assertEquals(want[off][d], got, "call " + i + (s.isNative() ? " off-heap" : " heap") + " off " + off + " len " + (1400 + d));
                }
            }
        }
    }

    @Test
    void theJitCompiledShortLoopAgreesWithTheReference() {
        // As above for regions of up to SHORT_REGION bytes, which take the scalar loop.
        int lens = Checksum.SHORT_REGION + 1;
        byte[] data = random(128, 1073);
        int[][] want = new int[16][lens];
        for (int off = 0; off < 16; off++) {
            for (int len = 0; len < lens; len++) {
                want[off][len] = referenceSum(data, off, len);
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offHeap = arena.allocate(data.length);
            offHeap.copyFrom(MemorySegment.ofArray(data));
            MemorySegment heap = MemorySegment.ofArray(data);
            for (int i = 0; i < 200_000; i++) {
                int off = i & 15;
                int len = i % lens;
                MemorySegment s = (i & 16) == 0 ? heap : offHeap;
                int got = Checksum.fold(Checksum.partial(s, off, len, 0));
                if (got != want[off][len]) {
                    assertEquals(want[off][len], got, "call " + i + (s.isNative() ? " off-heap" : " heap") + " off " + off + " len " + len);
                }
            }
        }
    }

    @Test
    void allOnesAndAllZerosAreTheTwoZeros() {
        byte[] ones = new byte[64];
        java.util.Arrays.fill(ones, (byte) 0xff);
        assertEquals(0xffff, Checksum.fold(Checksum.partial(ones, 0, 64, 0)));
        assertEquals(0xffff, referenceSum(ones, 0, 64));
        assertEquals(0, Checksum.fold(Checksum.partial(new byte[64], 0, 64, 0)), "only all-zero data sums to +0");
        assertEquals(0xffff, Checksum.of(new byte[64], 0, 64));
    }

    @Test
    void partialSumsOfEvenSplitsCompose() {
        byte[] data = random(1500, 2);
        Random rnd = new Random(3);
        for (int round = 0; round < 1000; round++) {
            int off = rnd.nextInt(200);
            int len = rnd.nextInt(1300);
            int cut = rnd.nextInt(len + 1) & ~1;
            long acc = Checksum.partial(data, off, cut, 0);
            acc = Checksum.partial(data, off + cut, len - cut, acc);
            assertEquals(referenceSum(data, off, len), Checksum.fold(acc));
        }
    }

    @Test
    void largeBuffersDoNotOverflowTheAccumulator() {
        byte[] ones = new byte[1 << 20];
        java.util.Arrays.fill(ones, (byte) 0xff);
        byte[] data = random(65_536 + 3, 4);
        assertEquals(0xffff, Checksum.fold(Checksum.partial(ones, 0, ones.length, 0)));
        assertEquals(referenceSum(data, 1, data.length - 1), Checksum.fold(Checksum.partial(data, 1, data.length - 1, 0)));
        long big = Checksum.partial(ones, 0, ones.length, Long.MAX_VALUE / 2);
        assertEquals(Checksum.fold(Long.MAX_VALUE / 2 + 0xffff), Checksum.fold(big));
    }

    @Test
    void outOfRangeRegionsThrow() {
        byte[] data = new byte[10];
        assertThrows(IndexOutOfBoundsException.class, () -> Checksum.partial(data, 5, 6, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Checksum.partial(data, -1, 2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Checksum.partial(data, 0, -1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Checksum.partial(MemorySegment.ofArray(data), 8, 3, 0));
        Pbuf p = Pbuf.wrap(data);
        assertThrows(IndexOutOfBoundsException.class, () -> Checksum.pbuf(p, 5, 6, 0));
    }

    @Test
    void chainsWhoseNodesHaveOddLengthsSumAsOneBuffer() {
        byte[] data = random(600, 5);
        Random rnd = new Random(6);
        PbufPool pool = new PbufPool(64, 256, 1 << 20);
        for (int round = 0; round < 300; round++) {
            // Random node lengths, odd ones and empty ones included, over the same bytes.
            Pbuf chain = null;
            int at = 0;
            while (at < data.length) {
                int n = Math.min(data.length - at, rnd.nextInt(40));
                Pbuf node = rnd.nextBoolean() ? Pbuf.wrap(data, at, n) : pool.allocRam(Layer.RAW, n);
                if (node.kind() == Pbuf.Kind.RAM) {
                    node.copyFrom(0, data, at, n);
                }
                at += n;
                if (chain == null) {
                    chain = node;
                } else {
                    chain.concat(node);
                }
            }
            int off = rnd.nextInt(601);
            int len = rnd.nextInt(601 - off);
            assertEquals(referenceSum(data, off, len), Checksum.fold(Checksum.pbuf(chain, off, len, 0)),
                    "off " + off + " len " + len + " nodes " + chain.chainLength());
            chain.free();
        }
        assertEquals(0, pool.ramStats().used);

        // A pool chain whose first node has an odd length after a header was removed.
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 600);
        p.copyFrom(0, data, 0, 600);
        p.removeHeader(1);
        assertEquals(referenceSum(data, 1, 599), Checksum.fold(Checksum.pbuf(p, 0, 599, 0)));
        p.free();
    }

    @Test
    void aStoredChecksumVerifies() {
        byte[] header = random(20, 7);
        header[10] = 0;
        header[11] = 0;
        int sum = Checksum.of(header, 0, 20);
        header[10] = (byte) (sum >>> 8);
        header[11] = (byte) sum;
        assertTrue(Checksum.verifies(Checksum.partial(header, 0, 20, 0)));
        header[3] ^= 0x40;
        assertFalse(Checksum.verifies(Checksum.partial(header, 0, 20, 0)));
    }

    @Test
    void pseudoHeaderIsTheSumOfItsWords() {
        int src = 0xc0a80001;
        int dst = 0x0a000002;
        byte[] ph = bytes(0xc0, 0xa8, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0, 17, 0x05, 0xdc);
        assertEquals(referenceSum(ph, 0, ph.length), Checksum.fold(Checksum.pseudoHeaderV4(src, dst, 17, 1500)));
    }

    // ---- RFC 1624 ----

    /** Recomputes a checksum over {@code words}, big-endian 16-bit words. */
    private static int recompute(int[] words) {
        byte[] b = new byte[words.length * 2];
        for (int i = 0; i < words.length; i++) {
            b[2 * i] = (byte) (words[i] >>> 8);
            b[2 * i + 1] = (byte) words[i];
        }
        return Checksum.of(b, 0, b.length);
    }

    @Test
    void updateEqualsRecomputationForRandomChanges() {
        Random rnd = new Random(1624);
        for (int round = 0; round < 20_000; round++) {
            int[] words = new int[10];
            for (int i = 0; i < words.length; i++) {
                words[i] = rnd.nextInt(0x10000);
            }
            // Some rounds with extreme words, where -0 and +0 meet.
            if (rnd.nextInt(4) == 0) {
                words[rnd.nextInt(10)] = rnd.nextBoolean() ? 0xffff : 0;
            }
            int hc = recompute(words);
            int i = rnd.nextInt(10);
            int old = words[i];
            words[i] = switch (rnd.nextInt(4)) {
                case 0 -> 0;
                case 1 -> 0xffff;
                default -> rnd.nextInt(0x10000);
            };
            assertEquals(recompute(words), Checksum.update(hc, old, words[i]),
                    "word " + i + " " + Integer.toHexString(old) + " -> " + Integer.toHexString(words[i]));
        }
    }

    @Test
    void update32EqualsRecomputationForRandomChanges() {
        Random rnd = new Random(16242);
        for (int round = 0; round < 20_000; round++) {
            int[] words = new int[10];
            for (int i = 0; i < words.length; i++) {
                words[i] = rnd.nextInt(0x10000);
            }
            int hc = recompute(words);
            int i = rnd.nextInt(5) * 2;
            int old = (words[i] << 16) | words[i + 1];
            int now = rnd.nextInt(8) == 0 ? old : rnd.nextInt();
            words[i] = now >>> 16;
            words[i + 1] = now & 0xffff;
            assertEquals(recompute(words), Checksum.update32(hc, old, now));
        }
    }

    @Test
    void rfc1624Section4ExampleGivesZeroAsRecomputationDoes() {
        // The rest of the header sums to 0xCD7A; m = 0x5555 changes to m' = 0x3285.
        int[] words = {0xcd7a, 0x5555};
        int hc = recompute(words);
        assertEquals(0xdd2f, hc);
        words[1] = 0x3285;
        assertEquals(0x0000, recompute(words));
        // RFC 1141's HC' = HC + m + ~m' would give 0xFFFF (-0) here; equation 3 must not.
        assertEquals(0x0000, Checksum.update(hc, 0x5555, 0x3285));
        assertEquals(0x0000, Checksum.update32(hc, 0xcd7a5555, 0xcd7a3285));
    }

    @Test
    void anUnchangedWordLeavesEitherZeroAlone() {
        // Errata 4782: HC = 0x0000 (+0 stored) must stay 0x0000.
        assertEquals(0x0000, Checksum.update(0x0000, 0x5555, 0x5555));
        // HC = 0xFFFF is the checksum of all-zero data (sum +0); equation 3 alone would give
        // ~(0x0000 + 0xFFFF + 0x0000) = 0x0000, a checksum that no longer verifies.
        int[] zeros = new int[4];
        assertEquals(0xffff, recompute(zeros));
        assertEquals(0xffff, Checksum.update(0xffff, 0, 0));
        assertEquals(0xffff, Checksum.update32(0xffff, 0, 0));
        assertEquals(0x1234, Checksum.update32(0x1234, 0xdeadbeef, 0xdeadbeef));
    }

    @Test
    void minusZeroAndPlusZeroWordsAreTheSameToTheSum() {
        // Replacing a 0x0000 word by 0xFFFF (or back) changes no ones' complement sum of
        // non-zero data, so the checksum must not change either.
        int[] words = {0x4500, 0x0054, 0x0000, 0x4000, 0x4001};
        int hc = recompute(words);
        int updated = Checksum.update(hc, 0x0000, 0xffff);
        words[2] = 0xffff;
        assertEquals(recompute(words), updated);
        assertEquals(hc, updated);
        assertEquals(hc, Checksum.update(updated, 0xffff, 0x0000));
    }

    @Test
    void dataThatBecomesAllZeroIsTheOneCaseUpdateCannotKnow() {
        // Documented limit: ones' complement cannot tell this from data whose other words sum
        // to -0, for which 0x0000 is right. No IP, ICMP, UDP or TCP header is all zero.
        int[] words = {0x0000, 0x0001};
        int hc = recompute(words);
        assertEquals(0xfffe, hc);
        assertEquals(0x0000, Checksum.update(hc, 0x0001, 0x0000));
        int[] minusZero = {0xffff, 0x0001};
        assertEquals(0xfffe, recompute(minusZero), "the same checksum...");
        minusZero[1] = 0;
        assertEquals(0x0000, recompute(minusZero), "...for which 0x0000 is the right update");
    }
}
