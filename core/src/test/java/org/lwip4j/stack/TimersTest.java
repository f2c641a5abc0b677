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

    @Test
    void periodicKeepsItsCadenceAcrossTheLongWrap() {
        long start = Long.MAX_VALUE - 250 * MS;
        VirtualClock clock = new VirtualClock(start);
        Timers timers = new Timers(clock);
        List<Long> fired = new ArrayList<>();
        Timer t = timers.periodic(100 * MS, () -> fired.add(clock.nanoTime() - start));
        for (int i = 0; i < 60; i++) {
            clock.advance(10 * MS + 7 * MS * (i % 2)); // uneven steps, a little late each time
            timers.runDue(clock.nanoTime());
        }
        assertTrue(clock.nanoTime() < 0, "the clock wrapped");
        assertEquals(8, fired.size());
        for (int i = 0; i < fired.size(); i++) {
            long due = (i + 1) * 100 * MS;
            assertTrue(fired.get(i) >= due && fired.get(i) - due < 17 * MS, "run " + i + " at " + fired.get(i));
        }
        assertEquals(start + 900 * MS, t.dueAt(), "still on the original grid after the wrap");
    }

    @Test
    void periodicMoreThanOnePeriodLateAcrossTheWrapRearmsFromNow() {
        long start = Long.MAX_VALUE - 50 * MS;
        VirtualClock clock = new VirtualClock(start);
        Timers timers = new Timers(clock);
        int[] count = {0};
        Timer t = timers.periodic(100 * MS, () -> count[0]++);
        clock.advance(301 * MS); // due at start + 100 ms, past the wrap; now 201 ms late
        assertEquals(1, timers.runDue(clock.nanoTime()));
        assertEquals(1, count[0]);
        assertEquals(clock.nanoTime() + 100 * MS, t.dueAt());
    }

    @Test
    void periodicExactlyOnePeriodLateStaysOnItsGrid() {
        // Late by exactly one period is not "more than one period late": the next run is due
        // from the due time, which is now, so the missed run happens in the same call (as
        // lwIP's lwip_cyclic_timer, which restarts from now only when due + period < now).
        VirtualClock clock = new VirtualClock();
        Timers timers = new Timers(clock);
        int[] count = {0};
        Timer t = timers.periodic(100 * MS, () -> count[0]++);
        clock.advance(200 * MS);
        assertEquals(2, timers.runDue(clock.nanoTime()));
        assertEquals(300 * MS, t.dueAt());
        // One nanosecond more than a period late: one run, then a period from now.
        clock.advance(200 * MS + 1);
        assertEquals(1, timers.runDue(clock.nanoTime()));
        assertEquals(3, count[0]);
        assertEquals(500 * MS + 1, t.dueAt());
    }

    @Test
    void periodicTaskMayCancelOrRescheduleItself() {
        VirtualClock clock = new VirtualClock();
        Timers timers = new Timers(clock);
        int[] count = {0};
        Timer[] self = new Timer[1];
        self[0] = timers.periodic(10 * MS, () -> {
            if (++count[0] == 3) {
                self[0].cancel();
            }
        });
        for (int i = 0; i < 10; i++) {
            clock.advance(10 * MS);
            timers.runDue(clock.nanoTime());
        }
        assertEquals(3, count[0]);
        assertFalse(self[0].isScheduled());
        assertEquals(0, timers.pending());

        List<Long> fired = new ArrayList<>();
        Timer[] once = new Timer[1];
        once[0] = timers.periodic(10 * MS, () -> {
            fired.add(clock.nanoTime());
            once[0].schedule(25 * MS); // becomes a one-shot
        });
        long t0 = clock.nanoTime();
        for (int i = 0; i < 10; i++) {
            clock.advance(10 * MS);
            timers.runDue(clock.nanoTime());
        }
        assertEquals(List.of(t0 + 10 * MS, t0 + 40 * MS, t0 + 70 * MS, t0 + 100 * MS), fired);
        assertEquals(0, once[0].period());
    }
}
