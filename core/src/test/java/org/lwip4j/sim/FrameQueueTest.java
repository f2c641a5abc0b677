package org.lwip4j.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrameQueueTest {

    private static Frame frame(long time) {
        Frame f = new Frame();
        f.time = time;
        return f;
    }

    @Test
    void equalTimesLeaveInTheOrderAdded() {
        FrameQueue q = new FrameQueue();
        List<Frame> added = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Frame f = frame(5);
            added.add(f);
            q.add(f);
        }
        assertNull(q.pollDue(4));
        for (Frame f : added) {
            assertSame(f, q.pollDue(5));
        }
        assertTrue(q.isEmpty());
    }

    @Test
    void anEarlierFrameAfterALaterOneOvertakesIt() {
        FrameQueue q = new FrameQueue();
        Frame late = frame(10);
        Frame early = frame(3);
        Frame alsoTen = frame(10);
        q.add(late);
        q.add(early);
        q.add(alsoTen);
        assertEquals(3, q.firstTime());
        assertTrue(q.hasDue(3));
        assertSame(early, q.pollDue(3));
        assertFalse(q.hasDue(9));
        assertSame(late, q.pollDue(10));
        assertSame(alsoTen, q.pollDue(10));
        assertNull(q.pollDue(Long.MAX_VALUE - 1));
    }

    @Test
    void timesNearTheWrapOfALongCompareByDifference() {
        FrameQueue q = new FrameQueue();
        Frame beforeWrap = frame(Long.MAX_VALUE - 1);
        Frame afterWrap = frame(Long.MIN_VALUE + 1);
        q.add(afterWrap);
        q.add(beforeWrap);
        assertSame(beforeWrap, q.pollDue(Long.MIN_VALUE + 1));
        assertSame(afterWrap, q.pollDue(Long.MIN_VALUE + 1));
    }

    /** Random mixes of times against a reference: each drain takes exactly the due frames, sorted by time, then order added. */
    @Test
    void matchesSortingTheDueFramesByTimeThenOrderAdded() {
        SplittableRandom r = new SplittableRandom(7);
        Comparator<Frame> order = Comparator.comparingLong((Frame f) -> f.time).thenComparingLong(f -> f.seq);
        for (int round = 0; round < 200; round++) {
            FrameQueue q = new FrameQueue();
            List<Frame> pending = new ArrayList<>();
            long now = 0;
            int n = 1 + r.nextInt(600);
            for (int i = 0; i <= n; i++) {
                if (i < n) {
                    // Mostly in order behind a fixed delay, sometimes jittered or held back.
                    Frame f = frame(now + (r.nextInt(4) == 0 ? r.nextInt(50) : 20));
                    pending.add(f);
                    q.add(f);
                    assertEquals(pending.size(), q.size());
                }
                if (i == n || r.nextInt(8) == 0) {
                    now = i == n ? Long.MAX_VALUE : now + r.nextInt(30);
                    long at = now;
                    List<Frame> due = new ArrayList<>(pending.stream().filter(f -> f.time <= at).sorted(order).toList());
                    List<Frame> taken = new ArrayList<>();
                    Frame g;
                    while ((g = q.pollDue(now)) != null) {
                        taken.add(g);
                    }
                    assertEquals(due, taken);
                    pending.removeAll(taken);
                }
            }
            assertTrue(q.isEmpty());
        }
    }
}
