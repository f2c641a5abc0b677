package org.lwip4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CONFORMANCE 38: timers are wrap-safe; periodic timers re-arm from their due time, or from now when more than a period late. */
class TimersTest {
    private static final long MS = 1_000_000L;

    @Test
    void oneShotFiresOnceAtItsDueTime() {
        VirtualClock clock = new VirtualClock();
        Timers timers = new Timers(clock);
        List<Long> fired = new ArrayList<>();
        timers.once(10 * MS, () -> fired.add(clock.nanoTime()));
        clock.advance(9 * MS);
        assertEquals(0, timers.runDue(clock.nanoTime()));
        clock.advance(MS);
        assertEquals(1, timers.runDue(clock.nanoTime()));
        clock.advance(100 * MS);
        assertEquals(0, timers.runDue(clock.nanoTime()));
        assertEquals(List.of(10 * MS), fired);
        assertFalse(timers.hasPending());
    }

    @Test
    void timersFireInDeadlineOrderAcrossTheLongWrap() {
        long start = Long.MAX_VALUE - 5 * MS;
        VirtualClock clock = new VirtualClock(start);
        Timers timers = new Timers(clock);
        List<String> order = new ArrayList<>();
        timers.once(20 * MS, () -> order.add("c"));
        timers.once(2 * MS, () -> order.add("a"));
        timers.once(10 * MS, () -> order.add("b"));
        // The 10 ms and 20 ms deadlines lie beyond Long.MAX_VALUE: they wrapped to negative values.
        clock.advance(3 * MS);
        timers.runDue(clock.nanoTime());
        assertEquals(List.of("a"), order);
        clock.advance(8 * MS);
        timers.runDue(clock.nanoTime());
        assertEquals(List.of("a", "b"), order);
        assertTrue(clock.nanoTime() < 0, "clock wrapped");
        clock.advance(20 * MS);
        timers.runDue(clock.nanoTime());
        assertEquals(List.of("a", "b", "c"), order);
    }

    @Test
    void periodicKeepsCadenceWhenSlightlyLate() {
        VirtualClock clock = new VirtualClock();
        Timers timers = new Timers(clock);
        List<Long> fired = new ArrayList<>();
        Timer t = timers.periodic(100 * MS, () -> fired.add(clock.nanoTime()));
        clock.advance(130 * MS); // 30 ms late: next due stays at 200 ms
        timers.runDue(clock.nanoTime());
        assertEquals(200 * MS, t.dueAt());
        clock.advance(70 * MS);
        timers.runDue(clock.nanoTime());
        assertEquals(List.of(130 * MS, 200 * MS), fired);
        assertEquals(300 * MS, t.dueAt());
    }

    @Test
    void periodicMoreThanOnePeriodLateRearmsFromNowWithoutBurst() {
        VirtualClock clock = new VirtualClock();
        Timers timers = new Timers(clock);
        int[] count = {0};
        Timer t = timers.periodic(100 * MS, () -> count[0]++);
        clock.advance(450 * MS); // 350 ms late
        timers.runDue(clock.nanoTime());
        assertEquals(1, count[0], "no catch-up burst");
        assertEquals(550 * MS, t.dueAt());
    }

    @Test
    void cancelAndRescheduleKeepHeapConsistent() {
        VirtualClock clock = new VirtualClock();
        Timers timers = new Timers(clock);
        List<Integer> fired = new ArrayList<>();
        Timer[] ts = new Timer[50];
        for (int i = 0; i < ts.length; i++) {
            int id = i;
            ts[i] = timers.once((long) ((i * 37) % 50 + 1) * MS, () -> fired.add(id));
        }
        for (int i = 0; i < ts.length; i += 3) {
            ts[i].cancel();
        }
        ts[1].schedule(500 * MS);
        assertEquals(33, timers.pending());
        clock.advance(60 * MS);
        timers.runDue(clock.nanoTime());
        assertEquals(32, fired.size());
        long last = -1;
        for (int id : fired) {
            long due = (long) ((id * 37) % 50 + 1);
            assertTrue(due >= last, "fired in deadline order");
            last = due;
        }
        clock.advance(500 * MS);
        timers.runDue(clock.nanoTime());
        assertEquals(1, fired.get(fired.size() - 1));
    }

    @Test
    void timerArmedWhileRunningThatIsAlreadyDueRunsInSameCall() {
        VirtualClock clock = new VirtualClock();
        Timers timers = new Timers(clock);
        List<String> order = new ArrayList<>();
        timers.once(MS, () -> {
            order.add("first");
            timers.once(0, () -> order.add("second"));
        });
        clock.advance(MS);
        assertEquals(2, timers.runDue(clock.nanoTime()));
        assertEquals(List.of("first", "second"), order);
    }
}
