package org.lwip4j.buffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pbuf chains, headers, copies, splits and reference counts (lwIP's pbuf.c semantics). */
final class PbufTest {
    /** Pool buffers of 256 bytes: a TRANSPORT pbuf keeps 144 bytes of header room, so 112 payload bytes fit in its first node. */
    private static final int BUF = 256;
    private static final int FIRST = BUF - Layer.TRANSPORT.headroom();

    private final PbufPool pool = new PbufPool(64, BUF, 1 << 20);

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Node lengths of the chain from {@code p}. */
    private static int[] lengths(Pbuf p) {
        int[] out = new int[p.chainLength()];
        int i = 0;
        for (Pbuf q = p; q != null; q = q.next()) {
            out[i++] = q.length();
        }
        return out;
    }

    /** Total lengths of each node of the chain from {@code p}. */
    private static int[] totals(Pbuf p) {
        int[] out = new int[p.chainLength()];
        int i = 0;
        for (Pbuf q = p; q != null; q = q.next()) {
            out[i++] = q.totalLength();
        }
        return out;
    }

    /** A chain of REF nodes over {@code data}, cut at the given node lengths. */
    private static Pbuf refChain(byte[] data, int... nodeLengths) {
        Pbuf head = null;
        int off = 0;
        for (int n : nodeLengths) {
            Pbuf p = Pbuf.wrap(data, off, n);
            off += n;
            if (head == null) {
                head = p;
            } else {
                head.concat(p);
            }
        }
        assertEquals(data.length, off);
        return head;
    }

    private void assertPoolsEmpty() {
        assertEquals(0, pool.poolStats().used, pool.poolStats().toString());
        assertEquals(0, pool.ramStats().used, pool.ramStats().toString());
    }

    // ---- header room ----

    @Test
    void addAndRemoveHeaderMoveThePayloadStart() {
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 100);
        assertEquals(Layer.TRANSPORT.headroom(), p.headroom());
        assertEquals(Layer.TRANSPORT.headroom(), p.offset());

        assertTrue(p.addHeader(20));
        assertEquals(Layer.TRANSPORT.headroom() - 20, p.offset());
        assertEquals(120, p.length());
        assertEquals(120, p.totalLength());
        assertEquals(Layer.TRANSPORT.headroom() - 20, p.headroom());

        assertTrue(p.removeHeader(20));
        assertEquals(Layer.TRANSPORT.headroom(), p.offset());
        assertEquals(100, p.length());
        assertEquals(100, p.totalLength());
        p.free();
        assertPoolsEmpty();
    }

    @Test
    void addHeaderOnAChainGrowsOnlyTheFirstNode() {
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 500);
        int secondTot = p.next().totalLength();
        assertTrue(p.addHeader(8));
        assertEquals(FIRST + 8, p.length());
        assertEquals(508, p.totalLength());
        assertEquals(secondTot, p.next().totalLength());
        p.free();
    }

    @Test
    void addHeaderRefusesWhenThereIsNoRoomAndChangesNothing() {
        Pbuf p = pool.allocPool(Layer.IP, 10);
        int room = Layer.IP.headroom();
        assertFalse(p.addHeader(room + 1));
        assertEquals(room, p.offset());
        assertEquals(10, p.length());
        assertEquals(10, p.totalLength());
        assertTrue(p.addHeader(room));
        assertEquals(0, p.headroom());
        assertFalse(p.addHeader(1));
        assertEquals(room + 10, p.totalLength());
        assertFalse(p.addHeader(-1));
        p.free();

        Pbuf raw = pool.allocPool(Layer.RAW, 10);
        assertEquals(0, raw.headroom());
        assertFalse(raw.addHeader(1));
        assertTrue(raw.addHeader(0));
        raw.free();
        assertPoolsEmpty();
    }

    @Test
    void refPbufsNeverReachInFrontOfTheCallersBytes() {
        byte[] data = random(64, 1);
        Pbuf p = Pbuf.wrap(data, 10, 20);
        assertEquals(Pbuf.Kind.REF, p.kind());
        assertEquals(0, p.headroom());
        assertFalse(p.addHeader(1), "the caller's bytes in front are not ours to overwrite");
        assertTrue(p.removeHeader(5));
        assertEquals(15, p.length());
        assertEquals(data[15], (byte) p.getByte(0));
        assertFalse(p.addHeader(6), "no further than the bytes it was given");
        assertTrue(p.addHeader(5), "a REF pbuf takes back a header it hid (lwIP's pbuf_header_force)");
        assertEquals(20, p.length());
        assertEquals(data[10], (byte) p.getByte(0));

        Pbuf q = pool.wrap(data, 8, 8);
        assertFalse(q.addHeader(1));
        q.free();
        p.free();
    }

    @Test
    void removeHeaderRefusesMoreThanTheNodeHolds() {
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 300);
        assertFalse(p.removeHeader(FIRST + 1), "a header cannot span nodes: use dropHeader");
        assertFalse(p.removeHeader(-1));
        assertEquals(FIRST, p.length());
        assertEquals(300, p.totalLength());
        assertTrue(p.removeHeader(FIRST));
        assertEquals(0, p.length());
        assertEquals(300 - FIRST, p.totalLength());
        p.free();
        assertPoolsEmpty();
    }

    @Test
    void ramPbufIsOneNodeWithItsLayersRoom() {
        Pbuf p = pool.alloc(Layer.IP, 1000, Pbuf.Kind.RAM);
        assertEquals(Pbuf.Kind.RAM, p.kind());
        assertEquals(1, p.chainLength());
        assertEquals(1000, p.length());
        assertEquals(Layer.IP.headroom(), p.headroom());
        assertNotNull(p.array());
        assertEquals(Layer.IP.headroom() + 1000, pool.ramStats().used);
        assertTrue(p.addHeader(Layer.IP.headroom()));
        p.free();
        assertPoolsEmpty();
    }

    // ---- allocation shape ----

    @Test
    void bigPoolAllocationIsAChainOfFullBuffers() {
        Pbuf p = pool.alloc(Layer.TRANSPORT, 1000, Pbuf.Kind.POOL);
        assertArrayEquals(new int[] {FIRST, 256, 256, 256, 1000 - FIRST - 3 * 256}, lengths(p));
        assertArrayEquals(new int[] {1000, 1000 - FIRST, 1000 - FIRST - 256, 1000 - FIRST - 512, 1000 - FIRST - 768}, totals(p));
        assertEquals(Layer.TRANSPORT.headroom(), p.headroom());
        for (Pbuf q = p.next(); q != null; q = q.next()) {
            assertEquals(0, q.headroom(), "only the first node has header room");
            assertEquals(0, q.offset());
            assertEquals(Pbuf.Kind.POOL, q.kind());
            assertEquals(BUF, q.segment().byteSize());
        }
        assertEquals(5, pool.poolStats().used);
        assertEquals(5, p.free());
        assertPoolsEmpty();
    }

    @Test
    void poolAllocationNodeCountsAtTheEdges() {
        Pbuf empty = pool.allocPool(Layer.TRANSPORT, 0);
        assertArrayEquals(new int[] {0}, lengths(empty));
        Pbuf exact = pool.allocPool(Layer.TRANSPORT, FIRST);
        assertArrayEquals(new int[] {FIRST}, lengths(exact));
        Pbuf over = pool.allocPool(Layer.TRANSPORT, FIRST + 1);
        assertArrayEquals(new int[] {FIRST, 1}, lengths(over));
        Pbuf twoFull = pool.allocPool(Layer.RAW, 2 * BUF);
        assertArrayEquals(new int[] {BUF, BUF}, lengths(twoFull));
        assertEquals(1 + 1 + 2 + 2, pool.poolStats().used);
        assertEquals(6, empty.free() + exact.free() + over.free() + twoFull.free());
        assertPoolsEmpty();
    }

    @Test
    void negativeLengthsAndRefAllocationAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> pool.alloc(Layer.RAW, -1, Pbuf.Kind.POOL));
        assertThrows(IllegalArgumentException.class, () -> pool.allocPool(Layer.RAW, -1));
        assertThrows(IllegalArgumentException.class, () -> pool.allocRam(Layer.RAW, -1));
        assertThrows(IllegalArgumentException.class, () -> pool.alloc(Layer.RAW, 10, Pbuf.Kind.REF));
        assertPoolsEmpty();
    }

    // ---- copies ----

    @Test
    void copyInAndOutAtOffsetsAcrossNodeBoundaries() {
        Random rnd = new Random(42);
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 1000);
        byte[] model = new byte[1000];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offHeap = arena.allocate(1100);
            for (int round = 0; round < 500; round++) {
                int off = rnd.nextInt(1001);
                int n = rnd.nextInt(1001 - off);
                byte[] src = random(n + 7, round);
                int srcOff = rnd.nextInt(8);
                p.copyFrom(off, src, srcOff, n);
                System.arraycopy(src, srcOff, model, off, n);

                int rOff = rnd.nextInt(1001);
                int rn = rnd.nextInt(1001 - rOff);
                byte[] dst = new byte[rn + 3];
                p.copyTo(rOff, dst, 3, rn);
                assertArrayEquals(Arrays.copyOfRange(model, rOff, rOff + rn), Arrays.copyOfRange(dst, 3, 3 + rn),
                        "copyTo(" + rOff + ", " + rn + ")");

                long segOff = rnd.nextInt(100);
                p.copyTo(rOff, offHeap, segOff, rn);
                assertArrayEquals(Arrays.copyOfRange(model, rOff, rOff + rn),
                        offHeap.asSlice(segOff, rn).toArray(ValueLayout.JAVA_BYTE));
            }
            // Write through an off-heap source too.
            MemorySegment src = arena.allocate(300);
            src.copyFrom(MemorySegment.ofArray(random(300, 7)));
            p.copyFrom(FIRST - 5, src, 0, 300);
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, model, FIRST - 5, 300);
        }
        assertArrayEquals(model, p.toByteArray());
        for (int i = 0; i < 1000; i++) {
            assertEquals(model[i] & 0xff, p.getByte(i));
        }
        p.free();
        assertPoolsEmpty();
    }

    @Test
    void copiesOutsideTheChainThrowAndWriteNothing() {
        Pbuf p = pool.allocPool(Layer.RAW, 300);
        byte[] before = p.toByteArray();
        assertThrows(IndexOutOfBoundsException.class, () -> p.copyFrom(250, new byte[100], 0, 51));
        assertThrows(IndexOutOfBoundsException.class, () -> p.copyTo(-1, new byte[10], 0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> p.copyTo(0, new byte[10], 5, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> p.getByte(300));
        assertThrows(IndexOutOfBoundsException.class, () -> p.getU16(299));
        assertArrayEquals(before, p.toByteArray());
        p.free();
    }

    @Test
    void byteAccessStraddlesNodes() {
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 400);
        p.setByte(FIRST - 1, 0xab);
        p.setByte(FIRST, 0xcd);
        assertEquals(0xabcd, p.getU16(FIRST - 1));
        assertEquals(0xab, p.segment().get(ValueLayout.JAVA_BYTE, p.offset() + FIRST - 1) & 0xff);
        assertEquals(0xcd, p.next().segment().get(ValueLayout.JAVA_BYTE, 0) & 0xff);
        p.free();
    }

    @Test
    void copyBetweenDifferentlyShapedChains() {
        byte[] data = random(700, 3);
        Random rnd = new Random(9);
        for (int round = 0; round < 200; round++) {
            Pbuf src = refChain(data, 1, 2, 3, 250, 0, 5, 101, 338);
            Pbuf dst = pool.allocPool(Layer.TRANSPORT, 700);
            byte[] model = dst.toByteArray();
            int srcOff = rnd.nextInt(701);
            int n = rnd.nextInt(701 - srcOff);
            int dstOff = rnd.nextInt(701 - n);
            dst.copyFrom(dstOff, src, srcOff, n);
            System.arraycopy(data, srcOff, model, dstOff, n);
            assertArrayEquals(model, dst.toByteArray(), "src " + srcOff + " dst " + dstOff + " n " + n);
            dst.free();
            src.free();
        }
        assertPoolsEmpty();
    }

    // ---- split ----

    @Test
    void splitOnANodeBoundaryNeedsNoMemory() {
        byte[] data = random(1000, 11);
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 1000);
        p.copyFrom(0, data, 0, 1000);
        Pbuf second = p.next();

        Pbuf rest = p.split(FIRST);
        assertSame(second, rest);
        assertNull(p.next());
        assertEquals(FIRST, p.totalLength());
        assertEquals(1000 - FIRST, rest.totalLength());
        assertEquals(0, pool.ramStats().used);
        assertArrayEquals(Arrays.copyOfRange(data, 0, FIRST), p.toByteArray());
        assertArrayEquals(Arrays.copyOfRange(data, FIRST, 1000), rest.toByteArray());
        assertEquals(1, p.free());
        assertEquals(4, rest.free());
        assertPoolsEmpty();
    }

    @Test
    void splitInsideANodeCopiesTheTailOfThatNode() {
        byte[] data = random(1000, 12);
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 1000);
        p.copyFrom(0, data, 0, 1000);
        int at = FIRST + 200;

        Pbuf rest = p.split(at);
        assertArrayEquals(new int[] {FIRST, 200}, lengths(p));
        assertArrayEquals(new int[] {at, 200}, totals(p));
        assertArrayEquals(new int[] {56, 256, 256, 1000 - FIRST - 768}, lengths(rest));
        assertArrayEquals(new int[] {1000 - at, 1000 - at - 56, 1000 - at - 56 - 256, 1000 - FIRST - 768}, totals(rest));
        assertEquals(Pbuf.Kind.RAM, rest.kind());
        assertEquals(56, pool.ramStats().used);
        assertArrayEquals(Arrays.copyOfRange(data, 0, at), p.toByteArray());
        assertArrayEquals(Arrays.copyOfRange(data, at, 1000), rest.toByteArray());
        assertEquals(2, p.free());
        assertEquals(4, rest.free());
        assertPoolsEmpty();
    }

    @Test
    void splitAtEveryPositionKeepsEveryByte() {
        byte[] data = random(600, 13);
        for (int at = 1; at < 600; at++) {
            Pbuf p = refChain(data, 7, 0, 100, 93, 400);
            Pbuf rest = p.split(at);
            assertEquals(at, p.totalLength());
            assertEquals(600 - at, rest.totalLength());
            assertArrayEquals(Arrays.copyOfRange(data, 0, at), p.toByteArray());
            assertArrayEquals(Arrays.copyOfRange(data, at, 600), rest.toByteArray());
            p.free();
            rest.free();
        }
    }

    @Test
    void splitWithoutMemoryReturnsNullAndChangesNothing() {
        PbufPool noRam = new PbufPool(8, BUF, 0);
        Pbuf p = noRam.allocPool(Layer.TRANSPORT, 500);
        assertNull(p.split(FIRST + 1));
        assertEquals(1, noRam.ramStats().err);
        assertEquals(500, p.totalLength());
        assertArrayEquals(new int[] {FIRST, 256, 500 - FIRST - 256}, lengths(p));
        Pbuf rest = p.split(FIRST);
        assertNotNull(rest, "a boundary split needs no memory");
        assertThrows(IllegalArgumentException.class, () -> p.split(0));
        assertThrows(IllegalArgumentException.class, () -> p.split(FIRST));
        p.free();
        rest.free();
        assertEquals(0, noRam.poolStats().used);
    }

    // ---- truncate ----

    @Test
    void truncateFreesTheNodesPastTheNewEnd() {
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 1000);
        p.truncate(400);
        assertArrayEquals(new int[] {FIRST, 256, 400 - FIRST - 256}, lengths(p));
        assertArrayEquals(new int[] {400, 400 - FIRST, 400 - FIRST - 256}, totals(p));
        assertEquals(3, pool.poolStats().used);
        p.truncate(FIRST + 256);
        assertArrayEquals(new int[] {FIRST, 256}, lengths(p));
        p.truncate(FIRST + 256);
        assertArrayEquals(new int[] {FIRST + 256, 256}, totals(p));
        p.truncate(0);
        assertArrayEquals(new int[] {0}, lengths(p));
        assertEquals(1, pool.poolStats().used);
        assertThrows(IllegalArgumentException.class, () -> p.truncate(1));
        assertThrows(IllegalArgumentException.class, () -> p.truncate(-1));
        p.free();
        assertPoolsEmpty();
    }

    @Test
    void truncateOnlyDropsItsReferenceToASharedTail() {
        Pbuf head = pool.allocPool(Layer.RAW, 100);
        Pbuf tail = pool.allocPool(Layer.RAW, 100);
        head.chain(tail);
        head.truncate(50);
        assertEquals(1, tail.refCount());
        assertEquals(100, tail.totalLength());
        assertEquals(1, tail.free());
        assertEquals(1, head.free());
        assertPoolsEmpty();
    }

    // ---- chains and reference counts ----

    @Test
    void concatTakesOverTheCallersReference() {
        Pbuf a = pool.allocPool(Layer.TRANSPORT, 300);
        Pbuf b = pool.allocPool(Layer.RAW, 50);
        a.concat(b);
        assertEquals(350, a.totalLength());
        assertArrayEquals(new int[] {350, 300 - FIRST + 50, 50}, totals(a));
        assertEquals(1, b.refCount());
        assertEquals(3, a.free());
        assertEquals(0, b.refCount());
        assertPoolsEmpty();
        assertThrows(IllegalArgumentException.class, () -> {
            Pbuf c = pool.allocPool(Layer.RAW, 1);
            try {
                c.concat(c);
            } finally {
                c.free();
            }
        });
    }

    @Test
    void chainTakesItsOwnReference() {
        Pbuf a = pool.allocPool(Layer.RAW, 10);
        Pbuf b = pool.allocPool(Layer.RAW, 20);
        a.chain(b);
        assertEquals(2, b.refCount());
        assertEquals(30, a.totalLength());
        assertEquals(1, a.free(), "b is still the caller's");
        assertEquals(1, b.refCount());
        assertEquals(20, b.toByteArray().length);
        assertEquals(1, b.free());
        assertPoolsEmpty();
    }

    @Test
    void freeStopsAtTheFirstNodeStillReferencedElsewhere() {
        Pbuf shared = pool.allocPool(Layer.RAW, 300);   // two nodes
        Pbuf a = pool.allocPool(Layer.TRANSPORT, 10);
        Pbuf b = pool.allocPool(Layer.TRANSPORT, 10);
        a.chain(shared);
        b.chain(shared);
        assertEquals(3, shared.refCount());
        assertEquals(0, shared.free(), "the caller's reference goes; a and b still hold it");
        assertEquals(2, shared.refCount());
        assertEquals(1, a.free(), "a's own node only");
        assertEquals(1, shared.refCount());
        assertEquals(3, pool.poolStats().used);
        assertEquals(3, b.free(), "b's node and both nodes of the shared tail");
        assertPoolsEmpty();
    }

    @Test
    void freeReturnsTheNumberOfNodesReleased() {
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 1000);
        p.ref();
        assertEquals(2, p.refCount());
        assertEquals(0, p.free());
        assertEquals(5, pool.poolStats().used);
        assertEquals(5, p.free());
        assertPoolsEmpty();
    }

    // ---- use after free ----

    @Test
    void aFreedPbufThrowsInsteadOfTouchingMemory() {
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 300);
        Pbuf other = pool.allocPool(Layer.RAW, 10);
        p.free();
        assertEquals(0, p.refCount());
        assertThrows(IllegalStateException.class, p::segment);
        assertThrows(IllegalStateException.class, p::array);
        assertThrows(IllegalStateException.class, p::ref);
        assertThrows(IllegalStateException.class, () -> p.addHeader(1));
        assertThrows(IllegalStateException.class, () -> p.removeHeader(1));
        assertThrows(IllegalStateException.class, () -> p.dropHeader(1));
        assertThrows(IllegalStateException.class, () -> p.truncate(0));
        assertThrows(IllegalStateException.class, () -> p.split(1));
        assertThrows(IllegalStateException.class, () -> p.getByte(0));
        assertThrows(IllegalStateException.class, () -> p.setByte(0, 1));
        assertThrows(IllegalStateException.class, () -> p.copyTo(0, new byte[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> p.copyFrom(0, new byte[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> other.copyFrom(0, p, 0, 1));
        assertThrows(IllegalStateException.class, () -> p.concat(other));
        assertThrows(IllegalStateException.class, () -> other.concat(p));
        assertThrows(IllegalStateException.class, () -> Checksum.pbuf(p, 0, 0, 0));
        assertThrows(IllegalStateException.class, p::free);
        assertEquals(1, pool.poolStats().illegal);
        other.free();
        assertPoolsEmpty();
    }

    @Test
    void aStaleReferenceStaysDeadWhenItsMemoryIsReused() {
        PbufPool strict = new PbufPool(1, BUF, 1 << 16, true);
        Pbuf p = strict.allocPool(Layer.RAW, 10);
        MemorySegment memory = p.segment();
        p.free();
        Pbuf q = strict.allocPool(Layer.RAW, 10);
        assertNotNull(q, "the only buffer is free again");
        assertEquals(memory.address(), q.segment().address(), "same pool memory");
        assertThrows(IllegalStateException.class, () -> p.setByte(0, 1), "the stale handle must not write into q");
        assertThrows(IllegalStateException.class, p::free);
        assertEquals(1, q.refCount());
        q.free();

        Pbuf r = strict.allocRam(Layer.RAW, 10);
        r.free();
        Pbuf s = strict.allocRam(Layer.RAW, 10);
        assertThrows(IllegalStateException.class, r::segment);
        s.free();
        assertEquals(0, strict.poolStats().used);
        assertEquals(0, strict.ramStats().used);
    }

    @Test
    void freeingATailHandedToConcatIsCaughtWhenTheChainIsFreed() {
        Pbuf a = pool.allocPool(Layer.RAW, 10);
        Pbuf b = pool.allocPool(Layer.RAW, 10);
        a.concat(b);
        b.free();   // wrong: concat took the caller's reference
        assertThrows(IllegalStateException.class, a::free);
        assertEquals(1, pool.poolStats().illegal);
        assertEquals(0, pool.poolStats().used, "nothing was handed back twice");
    }

    // ---- dropHeader ----

    @Test
    void dropHeaderInsideTheFirstNodeKeepsTheHead() {
        byte[] data = random(500, 21);
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 500);
        p.copyFrom(0, data, 0, 500);
        assertSame(p, p.dropHeader(10));
        assertEquals(490, p.totalLength());
        assertArrayEquals(Arrays.copyOfRange(data, 10, 500), p.toByteArray());
        assertSame(p, p.dropHeader(0));
        assertThrows(IllegalArgumentException.class, () -> p.dropHeader(-1));
        p.free();
        assertPoolsEmpty();
    }

    @Test
    void dropHeaderAcrossNodesFreesTheEmptiedOnes() {
        byte[] data = random(1000, 22);
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 1000);
        p.copyFrom(0, data, 0, 1000);
        Pbuf third = p.next().next();
        int drop = FIRST + 256 + 10;

        Pbuf h = p.dropHeader(drop);
        assertSame(third, h);
        assertEquals(246, h.length());
        assertEquals(1000 - drop, h.totalLength());
        assertEquals(3, pool.poolStats().used);
        assertEquals(0, p.refCount());
        assertArrayEquals(Arrays.copyOfRange(data, drop, 1000), h.toByteArray());

        Pbuf fourth = h.next();
        assertSame(fourth, h.dropHeader(246), "exactly a node: the next one is the head");
        assertEquals(2, pool.poolStats().used);
        assertNull(fourth.dropHeader(10_000), "more than the chain: all of it goes");
        assertPoolsEmpty();
    }

    @Test
    void dropHeaderLeavesASharedNodesChainIntact() {
        Pbuf p = pool.allocPool(Layer.TRANSPORT, 1000);
        Pbuf second = p.next();
        Pbuf third = second.next();
        second.ref();   // someone else (a retransmit queue, say) holds the second node

        Pbuf h = p.dropHeader(FIRST + 256);
        assertSame(third, h);
        assertSame(third, second.next(), "the other holder still sees its whole chain");
        assertEquals(1000 - FIRST, second.totalLength());
        assertEquals(1, second.refCount());
        assertEquals(2, third.refCount());
        assertEquals(1, second.free(), "third is still ours");
        assertEquals(3, h.free());
        assertPoolsEmpty();
    }

    @Test
    void headerMovesKeepThePartialChecksumOnTheSameByte() {
        Pbuf p = Pbuf.copyOf(new byte[100], 40);
        p.setChecksumPartial(20, 6);
        assertTrue(p.addHeader(14));
        assertEquals(34, p.checksumStart(), "a link header in front");
        assertTrue(p.removeHeader(34));
        assertEquals(0, p.checksumStart(), "the transport header is first now");
        Pbuf head = Pbuf.copyOf(new byte[0], 14);
        assertTrue(head.addHeader(14));
        head.copyOffloadFrom(p, 14);
        assertEquals(14, head.checksumStart());
        assertEquals(6, head.checksumOffset());
        assertEquals(Pbuf.OFFLOAD_NEEDS_CSUM, head.offloadFlags());
        assertTrue(head.checksumTrusted());
    }
}
