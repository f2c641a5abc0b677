package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.wire.TcpOptions;

/** The receiver's SACK blocks by themselves, against a real out-of-order queue. */
class SackReceiverTest {
    static final int N = -300; // RCV.NXT near the wrap

    static Pbuf data(int n) {
        return Pbuf.wrap(new byte[n]);
    }

    static String blocks(TcpOptions o) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < o.sackCount(); i++) {
            s.append(s.isEmpty() ? "" : " ").append(o.sackLeft(i) - N).append('-').append(o.sackRight(i) - N);
        }
        return s.toString();
    }

    static String fill(SackReceiver r, ReceiveQueue q, int rcvNxt, int max) {
        TcpOptions o = new TcpOptions();
        r.fill(o, rcvNxt, q, max);
        return blocks(o);
    }

    @Test
    void rangesFromTheQueueMostRecentFirstAtMostMax() {
        ReceiveQueue q = new ReceiveQueue(1 << 20, 100);
        SackReceiver r = new SackReceiver();
        for (int at : new int[] {100, 300, 500, 700, 900}) {
            q.insert(N + at, data(100), false);
            r.outOfOrder(N + at, N + at + 100, q);
        }
        assertEquals(SackReceiver.MAX, r.count());
        assertEquals("900-1000 700-800 500-600", fill(r, q, N, 3));
        assertEquals("900-1000 700-800 500-600 300-400", fill(r, q, N, 4));
        assertEquals("", fill(r, q, N, 0));
        q.insert(N + 600, data(100), false); // joins 500-600 and 700-800
        r.outOfOrder(N + 600, N + 700, q);
        assertEquals("500-800 900-1000 300-400", fill(r, q, N, 4));
        q.clear();
    }

    @Test
    void blocksAtOrBelowRcvNxtOrGivenUpAreNotSent() {
        ReceiveQueue q = new ReceiveQueue(1 << 20, 100);
        SackReceiver r = new SackReceiver();
        q.insert(N + 100, data(100), false);
        r.outOfOrder(N + 100, N + 200, q);
        q.insert(N + 300, data(100), false);
        r.outOfOrder(N + 300, N + 400, q);
        Pbuf got = q.takeContiguous(N + 100); // the application got 100-200 once the hole filled
        got.free();
        assertEquals("300-400", fill(r, q, N + 200, 4));
        assertEquals(1, r.count());
        q.clear(); // memory pressure: the queue gave everything up
        assertEquals("", fill(r, q, N + 200, 4));
        assertEquals(0, r.count());
    }

    @Test
    void aDsackGoesFirstOnceAndCountsAsABlock() {
        ReceiveQueue q = new ReceiveQueue(1 << 20, 100);
        SackReceiver r = new SackReceiver();
        q.insert(N + 100, data(100), false);
        r.outOfOrder(N + 100, N + 200, q);
        assertFalse(r.dsackPending());
        r.duplicate(N - 50, N);
        assertTrue(r.dsackPending());
        assertEquals("-50-0 100-200", fill(r, q, N, 4));
        assertFalse(r.dsackPending());
        assertEquals("100-200", fill(r, q, N, 4));
        r.duplicate(N + 10, N + 10); // empty: ignored
        assertFalse(r.dsackPending());
        r.duplicate(N - 50, N);
        assertEquals("-50-0", fill(r, q, N, 1));
        assertEquals(2, r.dsacksSent);
        q.clear();
    }

    @Test
    void aSegmentTheQueueDidNotKeepMakesNoBlock() {
        ReceiveQueue q = new ReceiveQueue(100, 100);
        SackReceiver r = new SackReceiver();
        assertFalse(q.insert(N + 100, data(200), false)); // over the byte bound
        r.outOfOrder(N + 100, N + 300, q);
        assertEquals(0, r.count());
        assertTrue(q.insert(N + 100, data(50), false));
        assertTrue(q.covers(N + 110, N + 150));
        assertFalse(q.covers(N + 110, N + 151));
        assertFalse(q.covers(N + 110, N + 110));
        assertEquals(N + 100, q.rangeStart(N + 149));
        assertEquals(N + 150, q.rangeEnd(N + 100));
        assertEquals(N + 99, q.rangeStart(N + 99));
        assertEquals(N + 150, q.rangeEnd(N + 150));
        q.clear();
    }
}
