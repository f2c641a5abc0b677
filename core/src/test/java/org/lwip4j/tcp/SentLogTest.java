package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RACK's per-segment log by itself: the ring, its growth and bound, resends, the SACKED and LOST marks. */
class SentLogTest {
    static final int B = -3000; // sequence numbers across the wrap

    static SentLog log(int max, int segments) {
        SentLog log = new SentLog(max);
        for (int i = 0; i < segments; i++) {
            log.sent(B + 1000 * i, B + 1000 * (i + 1), 100 + i);
        }
        return log;
    }

    @Test
    void segmentsAreKeptInOrderWithTheirTimesAcrossGrowthAndTheWrap() {
        SentLog log = log(64, 40); // grows 16 -> 32 -> 64
        assertEquals(40, log.count());
        assertTrue(log.complete());
        for (int i = 0; i < 40; i++) {
            assertEquals(B + 1000 * i, log.start(i));
            assertEquals(B + 1000 * (i + 1), log.end(i));
            assertEquals(100 + i, log.ts(i));
            assertFalse(log.has(i, SentLog.SACKED));
            assertFalse(log.has(i, SentLog.RETRANSMITTED));
        }
        // The ring's head moves on; growing again keeps the order.
        log.removeBelow(B + 10_000);
        assertEquals(30, log.count());
        assertEquals(B + 10_000, log.start(0));
        for (int i = 40; i < 60; i++) {
            log.sent(B + 1000 * i, B + 1000 * (i + 1), 100 + i);
        }
        assertEquals(50, log.count());
        for (int i = 0; i < 50; i++) {
            assertEquals(B + 1000 * (i + 10), log.start(i), "segment " + i);
            assertEquals(110 + i, log.ts(i));
        }
    }

    @Test
    void aFullLogStopsRecordingUntilItDrains() {
        SentLog log = log(16, 16);
        assertTrue(log.complete());
        log.sent(B + 16_000, B + 17_000, 200);
        assertFalse(log.complete(), "the 17th segment of a log bounded at 16");
        assertEquals(16, log.count());
        log.removeBelow(B + 8000);
        assertFalse(log.complete(), "still missing one");
        log.removeBelow(B + 16_000);
        assertEquals(0, log.count());
        assertTrue(log.complete(), "drained");
        log.sent(B, B + 1000, 300);
        assertEquals(1, log.count());
        assertEquals(B, log.start(0));
    }

    @Test
    void aPartlyAcknowledgedSegmentStays() {
        SentLog log = log(64, 3);
        log.removeBelow(B + 1500);
        assertEquals(2, log.count());
        assertEquals(B + 1000, log.start(0));
        log.removeBelow(B + 2000);
        assertEquals(1, log.count());
    }

    @Test
    void aResendDatesEverySegmentItOverlapsAndNoOther() {
        SentLog log = log(64, 5);
        log.resent(B + 1500, B + 3000, 500);
        assertEquals(100, log.ts(0));
        assertEquals(500, log.ts(1));
        assertEquals(500, log.ts(2));
        assertEquals(103, log.ts(3), "starts where the resend ended");
        assertFalse(log.has(0, SentLog.RETRANSMITTED));
        assertTrue(log.has(1, SentLog.RETRANSMITTED));
        assertTrue(log.has(2, SentLog.RETRANSMITTED));
        assertFalse(log.has(3, SentLog.RETRANSMITTED));
    }

    @Test
    void lostMarksAreCountedOnceAndClearedBySackResendAckOrTimeout() {
        SentLog log = log(64, 6);
        assertEquals(-1, log.firstLost());
        log.resent(B, B + 6000, 400);
        log.markLost(2);
        log.markLost(2);
        log.markLost(4);
        assertEquals(2, log.lost());
        assertEquals(2, log.firstLost());
        assertTrue(log.has(2, SentLog.LOST));
        log.markSacked(2); // it arrived after all
        assertEquals(1, log.lost());
        assertTrue(log.has(2, SentLog.SACKED));
        assertFalse(log.has(2, SentLog.LOST));
        assertEquals(4, log.firstLost());
        log.resent(B + 4000, B + 5000, 600); // sent once more
        assertEquals(0, log.lost());
        assertEquals(-1, log.firstLost());
        assertEquals(600, log.ts(4));
        log.markLost(5);
        log.markLost(0);
        log.removeBelow(B + 1000); // segment 0 acknowledged
        assertEquals(1, log.lost());
        assertEquals(4, log.firstLost(), "segment 5, now at index 4");
        log.clearLost();
        assertEquals(0, log.lost());
        assertFalse(log.has(4, SentLog.LOST));
        log.markLost(1);
        log.removeBelow(B + 6000);
        assertEquals(0, log.lost(), "all acknowledged");
        log.sent(B + 6000, B + 7000, 700);
        log.markLost(0);
        log.clear();
        assertEquals(0, log.lost());
        assertEquals(0, log.count());
    }
}
