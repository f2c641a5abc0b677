package org.lwip4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Many timers at once: they fire in deadline order whatever is armed, re-armed or cancelled between. */
class TimerHeapTest {
    private record Armed(int id, long due) {
    }

    @Test
    void timersFireInDeadlineOrderThroughRandomArmsRearmsAndCancels() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            VirtualClock clock = new VirtualClock(Long.MAX_VALUE - 500);
            Timers timers = new Timers(clock);
            List<Integer> fired = new ArrayList<>();
            Timer[] all = new Timer[60];
            List<Armed> model = new ArrayList<>();
            for (int i = 0; i < all.length; i++) {
                int id = i;
                all[i] = timers.create(() -> fired.add(id));
            }
            for (int step = 0; step < 300; step++) {
                int i = rnd.nextInt(all.length);
                model.removeIf(a -> a.id() == i);
                if (rnd.nextInt(4) == 0) {
                    all[i].cancel();
                    assertFalse(all[i].isScheduled());
                } else {
                    // Distinct deadlines, so the order is defined.
                    long delay = 1 + rnd.nextInt(1000) * 64L + i;
                    all[i].schedule(delay);
                    model.add(new Armed(i, clock.nanoTime() + delay));
                    assertTrue(all[i].isScheduled());
                    assertEquals(clock.nanoTime() + delay, all[i].dueAt());
                }
                assertEquals(model.size(), timers.pending(), "seed " + seed + " step " + step);
                if (!model.isEmpty()) {
                    long earliest = model.stream().min(Comparator.comparingLong(a -> a.due() - clock.nanoTime())).get().due();
                    assertEquals(earliest, timers.nextDue(), "seed " + seed + " step " + step);
                }
            }
            model.sort(Comparator.comparingLong(a -> a.due() - clock.nanoTime()));
            clock.advance(70_000);
            assertEquals(model.size(), timers.runDue(clock.nanoTime()));
            assertEquals(model.stream().map(Armed::id).toList(), fired, "seed " + seed);
            assertFalse(timers.hasPending());
        }
    }

    @Test
    void aFailingTaskIsCountedAndTheOthersStillRun() {
        VirtualClock clock = new VirtualClock();
        Timers timers = new Timers(clock);
        List<String> ran = new ArrayList<>();
        timers.once(1, () -> ran.add("a"));
        timers.once(2, () -> {
            throw new IllegalStateException("bug");
        });
        timers.once(3, () -> {
            throw new AssertionError("assert");
        });
        timers.once(4, () -> ran.add("d"));
        clock.advance(4);
        assertEquals(4, timers.runDue(clock.nanoTime()));
        assertEquals(List.of("a", "d"), ran);
        assertEquals(2, timers.failed());
        assertEquals(0, timers.runDue(clock.nanoTime()));
    }

    @Test
    void aPeriodMustBePositiveAndANegativeDelayIsNow() {
        VirtualClock clock = new VirtualClock(100);
        Timers timers = new Timers(clock);
        Timer t = timers.create(() -> { });
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> t.schedulePeriodic(0));
        assertFalse(t.isScheduled());
        t.schedulePeriodic(1);
        assertEquals(1, t.period());
        assertEquals(101, t.dueAt());
        t.schedule(-5);
        assertEquals(0, t.period(), "a one-shot again");
        assertEquals(100, t.dueAt());
        assertEquals(1, timers.runDue(100));
    }
}
