package org.lwip4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A task, source or timer that throws is isolated: counted, logged per burst, and the rest
 * of the turn (other sources, other timers) still runs; VM errors are not swallowed.
 */
class LoopIsolationTest {
    private static final long MS = 1_000_000L;
    private final VirtualClock clock = new VirtualClock();
    private final EventLoop loop = new EventLoop(clock, new Timers(clock));

    private void turn(long advanceNanos) {
        clock.advance(advanceNanos);
        loop.poll(clock.nanoTime());
    }

    @Test
    void aThrowingSourceDoesNotStarveTheSourceAfterItNorTheTimers() {
        AtomicInteger healthyBefore = new AtomicInteger();
        AtomicInteger throwing = new AtomicInteger();
        AtomicInteger healthyAfter = new AtomicInteger();
        AtomicInteger timerRuns = new AtomicInteger();
        loop.addSource(() -> healthyBefore.incrementAndGet() * 0);
        loop.addSource(() -> {
            throwing.incrementAndGet();
            throw new IllegalStateException("driver bug");
        });
        loop.addSource(() -> {
            healthyAfter.incrementAndGet();
            return 1;
        });
        loop.timers().periodic(10 * MS, timerRuns::incrementAndGet);
        for (int i = 0; i < 5; i++) {
            turn(10 * MS);
        }
        assertEquals(5, healthyBefore.get());
        assertEquals(5, throwing.get(), "the throwing source is still polled on every turn");
        assertEquals(5, healthyAfter.get(), "the source after it is polled on every turn");
        assertEquals(5, timerRuns.get(), "timers still run after a source threw");
        assertEquals(5, loop.failedSources());
        assertEquals(0, loop.failedTasks());
        assertEquals(0, loop.failedTimers());
    }

    @Test
    void aTurnReportsTheWorkOfTasksSourcesAndTimersAroundAThrowingSource() {
        loop.execute(() -> { });
        loop.execute(() -> { });
        loop.addSource(() -> 3);
        loop.addSource(() -> {
            throw new IllegalStateException("boom");
        });
        loop.addSource(() -> 5);
        loop.timers().once(0, () -> { });
        assertEquals(2 + 3 + 5 + 1, loop.poll(0));
    }

    @Test
    void aThrowingSourceCountsAsNoWork() {
        loop.addSource(() -> {
            throw new IllegalArgumentException("boom");
        });
        assertEquals(0, loop.poll(0), "an idle loop with a broken source sleeps instead of spinning");
        assertEquals(1, loop.failedSources());
    }

    @Test
    void aThrowingTimerDoesNotStopTheTimersDueAfterIt() {
        List<String> fired = new ArrayList<>();
        loop.timers().once(1 * MS, () -> fired.add("a"));
        loop.timers().once(2 * MS, () -> {
            fired.add("bad");
            throw new IllegalStateException("timer bug");
        });
        loop.timers().once(3 * MS, () -> fired.add("c"));
        loop.timers().once(3 * MS, () -> fired.add("d"));
        turn(5 * MS);
        assertEquals(List.of("a", "bad", "c", "d"), fired);
        assertEquals(1, loop.failedTimers());
        assertEquals(0, loop.timers().pending(), "the one-shot that threw is not re-armed");
    }

    @Test
    void aThrowingPeriodicTimerKeepsItsPeriod() {
        AtomicInteger runs = new AtomicInteger();
        Timer t = loop.timers().periodic(200 * MS, () -> {
            runs.incrementAndGet();
            throw new AssertionError("assert in a timer");
        });
        for (int i = 1; i <= 6; i++) {
            turn(199 * MS);
            assertEquals(i - 1, runs.get(), "not early");
            turn(1 * MS);
            assertEquals(i, runs.get(), "fired at " + i * 200 + " ms");
            assertTrue(t.isScheduled());
            assertEquals((i + 1) * 200 * MS, t.dueAt(), "still on its 200 ms grid");
        }
        assertEquals(6, loop.failedTimers());
    }

    @Test
    void anAssertionErrorIsIsolatedInTasksSourcesAndTimersAlike() {
        AtomicInteger healthy = new AtomicInteger();
        loop.execute(() -> {
            throw new AssertionError("task");
        });
        loop.addSource(() -> {
            throw new AssertionError("source");
        });
        loop.timers().once(0, () -> {
            throw new AssertionError("timer");
        });
        loop.timers().once(0, healthy::incrementAndGet);
        loop.poll(0);
        assertEquals(1, loop.failedTasks());
        assertEquals(1, loop.failedSources());
        assertEquals(1, loop.failedTimers());
        assertEquals(1, healthy.get());
    }

    @Test
    void vmErrorsAreNotSwallowed() {
        OutOfMemoryError oom = new OutOfMemoryError("test");
        loop.execute(() -> {
            throw oom;
        });
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> loop.poll(0)), "from a task");

        EventLoop l2 = new EventLoop(clock, new Timers(clock));
        StackOverflowError soe = new StackOverflowError("test");
        l2.addSource(() -> {
            throw soe;
        });
        assertSame(soe, assertThrows(StackOverflowError.class, () -> l2.poll(0)), "from a source");

        EventLoop l3 = new EventLoop(clock, new Timers(clock));
        l3.timers().once(0, () -> {
            throw new OutOfMemoryError("timer");
        });
        assertThrows(OutOfMemoryError.class, () -> l3.poll(0), "from a timer");
        assertEquals(0, loop.failedTasks() + l2.failedSources() + l3.failedTimers(), "not counted as isolated failures");
    }

    @Test
    void theLoopsOwnThreadOutlivesAThrowingSource() throws Exception {
        EventLoop own = new EventLoop(Clock.system(), new Timers(Clock.system()));
        own.start("isolation-loop");
        try {
            CountDownLatch threw = new CountDownLatch(1);
            own.execute(() -> own.addSource(() -> {
                threw.countDown();
                throw new IllegalStateException("every turn");
            }));
            assertTrue(threw.await(5, TimeUnit.SECONDS));
            CountDownLatch later = new CountDownLatch(1);
            own.execute(later::countDown);
            assertTrue(later.await(5, TimeUnit.SECONDS), "the loop still runs tasks");
            assertTrue(own.isRunning());
            assertTrue(own.failedSources() >= 1);
        } finally {
            own.stop();
        }
    }

    @Test
    void aFatalErrorEndsTheLoopsOwnThread() throws Exception {
        EventLoop own = new EventLoop(Clock.system(), new Timers(Clock.system()));
        own.start("fatal-loop");
        AtomicReference<Thread> loopThread = new AtomicReference<>();
        CountDownLatch captured = new CountDownLatch(1);
        own.execute(() -> {
            Thread me = Thread.currentThread();
            me.setUncaughtExceptionHandler((t, e) -> { }); // keep the test output clean
            loopThread.set(me);
            captured.countDown();
            throw new OutOfMemoryError("test");
        });
        assertTrue(captured.await(5, TimeUnit.SECONDS));
        loopThread.get().join(TimeUnit.SECONDS.toMillis(5));
        assertFalse(loopThread.get().isAlive(), "the thread ended on the fatal error");
        assertFalse(own.isRunning());
        own.stop();
    }
}
