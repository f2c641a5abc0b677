package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Pbuf;

/**
 * The out-of-order queue by itself: sorted, trimmed against what it holds, contained and
 * covered segments, nothing after a FIN, its byte and pbuf bounds (the highest give way),
 * the stack-wide budget, and what takeContiguous hands back.
 */
class ReceiveQueueTest {
    static final int B = -500; // sequence numbers across the wrap

    /** {@code n} bytes whose values are their stream offsets from B. */
    static Pbuf data(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return Pbuf.copyOf(b, 0);
    }

    static boolean put(ReceiveQueue q, int from, int n, boolean fin) {
        return q.insert(B + from, n == 0 ? null : data(from, n), fin);
    }

    static String ranges(ReceiveQueue q) {
        StringBuilder s = new StringBuilder();
        for (int[] r : q.ranges()) {
            s.append(s.isEmpty() ? "" : " ").append(r[0] - B).append('-').append(r[1] - B).append(r[2] == 1 ? "F" : "");
        }
        return s.toString();
    }

    static void assertStream(Pbuf p, int from, int n) {
        assertEquals(n, p.totalLength());
        byte[] got = p.toByteArray();
        for (int i = 0; i < n; i++) {
            assertEquals((byte) (from + i), got[i], "byte " + i);
        }
    }

    @Test
    void segmentsAreSortedAndTrimmedSoNoByteIsHeldTwice() {
        ReceiveQueue q = new ReceiveQueue(100_000, 100);
        assertTrue(q.isEmpty());
        assertTrue(put(q, 300, 100, false));
        assertTrue(put(q, 100, 100, false));
        assertEquals("100-200 300-400", ranges(q));
        assertTrue(put(q, 150, 100, false)); // overlaps the front: trimmed to 200-250
        assertEquals("100-200 200-250 300-400", ranges(q));
        assertTrue(put(q, 280, 50, false)); // overlaps the back: trimmed to 280-300
        assertEquals("100-200 200-250 280-300 300-400", ranges(q));
        assertFalse(put(q, 120, 30, false), "contained in what is queued");
        assertTrue(put(q, 260, 200, false)); // covers 280-300 and 300-400 whole: they go
        assertEquals("100-200 200-250 260-460", ranges(q));
        assertEquals(3, q.size());
        assertEquals(100 + 50 + 200, q.bytes());
        assertEquals(3, q.pbufs());
        assertEquals(B + 100, q.rangeStart(B + 230));
        assertEquals(B + 250, q.rangeEnd(B + 130));
        assertEquals(B + 460, q.rangeEnd(B + 300));
        assertEquals(B + 255, q.rangeStart(B + 255), "not held");
        assertEquals(B + 255, q.rangeEnd(B + 255));
        assertEquals(B + 50, q.rangeEnd(B + 50), "below everything");
        assertTrue(q.covers(B + 100, B + 250));
        assertFalse(q.covers(B + 100, B + 251));
        assertFalse(q.covers(B + 90, B + 120));
        assertFalse(q.covers(B + 120, B + 120), "empty");
        q.clear();
        assertTrue(q.isEmpty());
        assertEquals(0, q.bytes());
        assertEquals(0, q.pbufs());
    }

    @Test
    void aSegmentFallingIntoAHoleExactlyOrNotAtAllIsDropped() {
        ReceiveQueue q = new ReceiveQueue(100_000, 100);
        put(q, 100, 100, false);
        put(q, 200, 100, false);
        assertFalse(put(q, 150, 50, false), "ends where the next begins, starts inside: nothing new");
        assertFalse(q.insert(B + 400, null, false), "no data, no FIN");
        assertTrue(put(q, 300, 10, false), "touching the end");
        assertEquals("100-200 200-300 300-310", ranges(q));
        q.clear();
    }

    @Test
    void nothingAfterAFinIsDataAndTheFinComesOutWithItsSegment() {
        ReceiveQueue q = new ReceiveQueue(100_000, 100);
        assertTrue(put(q, 200, 100, true));
        assertFalse(put(q, 300, 50, false), "after the FIN");
        assertFalse(put(q, 400, 50, false));
        assertTrue(put(q, 100, 50, false));
        assertEquals("100-150 200-300F", ranges(q));
        assertNull(q.takeContiguous(B + 50), "a hole at 50");
        assertFalse(q.tookFin());
        Pbuf p = q.takeContiguous(B + 100);
        assertStream(p, 100, 50);
        p.free();
        assertFalse(q.tookFin());
        assertEquals("200-300F", ranges(q));
        p = q.takeContiguous(B + 150 + 60); // 150-210 arrived in order meanwhile: the rest is trimmed
        assertStream(p, 210, 90);
        p.free();
        assertTrue(q.tookFin());
        assertTrue(q.isEmpty());
        assertEquals(0, q.bytes());
    }

    @Test
    void aFinAloneAndASegmentWhollyBelowRcvNxtGiveNoData() {
        ReceiveQueue q = new ReceiveQueue(100_000, 100);
        put(q, 100, 50, false);
        assertTrue(q.insert(B + 150, null, true), "a bare FIN");
        assertEquals("100-150 150-150F", ranges(q));
        assertNull(q.takeContiguous(B + 150), "everything below RCV.NXT already arrived");
        assertTrue(q.tookFin());
        assertTrue(q.isEmpty());
        assertEquals(0, q.pbufs());
    }

    @Test
    void aCoveringSegmentWithoutFinKeepsAQueuedFin() {
        ReceiveQueue q = new ReceiveQueue(100_000, 100);
        put(q, 200, 50, true);
        assertFalse(put(q, 200, 50, false), "the same data without the FIN: contained");
        assertEquals("200-250F", ranges(q));
        q.clear();
    }

    @Test
    void whenFullTheHighestSegmentsGiveWayToLowerDataNeverTheOtherWay() {
        ReceiveQueue q = new ReceiveQueue(300, 100);
        put(q, 500, 100, false);
        put(q, 700, 100, false);
        put(q, 900, 100, false);
        assertEquals(300, q.bytes());
        assertFalse(put(q, 1100, 100, false), "higher data is refused when full");
        assertTrue(put(q, 300, 150, false), "lower data evicts the highest two");
        assertEquals("300-450 500-600", ranges(q));
        assertEquals(250, q.bytes());
        // Trimmed to 100-300 against 300-450, then everything above it makes room.
        assertTrue(put(q, 100, 301, false));
        assertEquals("100-300", ranges(q));
        assertEquals(200, q.bytes());
        assertFalse(put(q, 400, 101, false), "higher and too large");
        assertTrue(put(q, 400, 100, false), "exactly at the bound");
        assertEquals(300, q.bytes());
        q.clear();
    }

    @Test
    void thePbufBoundCountsChains() {
        ReceiveQueue q = new ReceiveQueue(100_000, 3);
        Pbuf two = data(100, 10);
        two.concat(data(110, 10));
        assertTrue(q.insert(B + 100, two, false));
        assertEquals(2, q.pbufs());
        assertTrue(put(q, 300, 10, false));
        assertEquals(3, q.pbufs());
        assertFalse(put(q, 500, 10, false), "a fourth pbuf");
        assertTrue(put(q, 200, 10, false), "lower: the highest gives way");
        assertEquals("100-120 200-210", ranges(q));
        assertEquals(3, q.pbufs());
        q.clear();
    }

    @Test
    void theStackWideBudgetIsSharedAndCountsRefusals() {
        ReceiveQueue.Budget budget = new ReceiveQueue.Budget(250);
        ReceiveQueue a = new ReceiveQueue(100_000, 100, budget);
        ReceiveQueue b = new ReceiveQueue(100_000, 100, budget);
        assertTrue(put(a, 100, 100, false));
        assertTrue(put(b, 100, 100, false));
        assertEquals(200, budget.used);
        assertFalse(put(b, 300, 100, false), "over the shared budget");
        assertEquals(1, budget.refused);
        assertTrue(put(b, 50, 40, false), "fits in what is left");
        assertEquals(240, budget.used);
        Pbuf p = b.takeContiguous(B + 50);
        assertStream(p, 50, 40);
        p.free();
        assertEquals(200, budget.used, "taken data leaves the budget");
        a.clear();
        assertEquals(100, budget.used);
        b.clear();
        assertEquals(0, budget.used);
        assertEquals(1, budget.refused);
    }

    @Test
    void contiguousSegmentsComeOutAsOneChainInOrder() {
        ReceiveQueue q = new ReceiveQueue(100_000, 100);
        put(q, 300, 100, false);
        put(q, 200, 100, false);
        put(q, 100, 100, false);
        put(q, 500, 100, false);
        Pbuf p = q.takeContiguous(B + 100);
        assertStream(p, 100, 300);
        p.free();
        assertEquals("500-600", ranges(q));
        assertEquals(100, q.bytes());
        assertEquals(1, q.pbufs());
        byte[] rest = new byte[100];
        for (int i = 0; i < 100; i++) {
            rest[i] = (byte) (500 + i);
        }
        p = q.takeContiguous(B + 500);
        assertArrayEquals(rest, p.toByteArray());
        p.free();
        assertTrue(q.isEmpty());
    }
}
