package org.lwip4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventLoopTest {
    @Test
    void pollRunsTasksThenSourcesThenDueTimers() {
        VirtualClock clock = new VirtualClock();
        EventLoop loop = new EventLoop(clock, new Timers(clock));
        List<String> order = new ArrayList<>();
        loop.timers().once(0, () -> order.add("timer"));
        loop.addSource(() -> {
            order.add("source");
            return 0;
        });
        loop.execute(() -> order.add("task"));
        loop.poll(clock.nanoTime());
        assertEquals(List.of("task", "source", "timer"), order);
    }

    @Test
    void aFailingTaskIsCountedAndTheLoopGoesOn() {
        VirtualClock clock = new VirtualClock();
        EventLoop loop = new EventLoop(clock, new Timers(clock));
        List<String> ran = new ArrayList<>();
        loop.execute(() -> {
            throw new IllegalStateException("boom");
        });
        loop.execute(() -> ran.add("after"));
        loop.poll(0);
        assertEquals(1, loop.failedTasks());
        assertEquals(List.of("after"), ran);
    }

    @Test
    void ownThreadRunsTasksFromOtherThreadsAndRefusesForeignPoll() throws Exception {
        EventLoop loop = new EventLoop(Clock.system(), new Timers(Clock.system()));
        loop.start("test-loop");
        try {
            CountDownLatch done = new CountDownLatch(1);
            Thread[] runner = new Thread[1];
            loop.execute(() -> {
                runner[0] = Thread.currentThread();
                done.countDown();
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals("test-loop", runner[0].getName());
            assertThrows(IllegalStateException.class, () -> loop.poll(0));
            CountDownLatch timer = new CountDownLatch(1);
            loop.execute(() -> loop.timers().once(1_000_000, timer::countDown));
            assertTrue(timer.await(5, TimeUnit.SECONDS), "timer fires on the loop thread");
        } finally {
            loop.stop();
        }
    }

    private static boolean inLoopOn(EventLoop loop, Thread.Builder b) throws InterruptedException {
        AtomicBoolean r = new AtomicBoolean();
        Thread t = b.start(() -> r.set(loop.inEventLoop()));
        t.join();
        return r.get();
    }

    @Test
    void aPolledLoopBelongsToTheThreadThatPollsIt() throws Exception {
        VirtualClock clock = new VirtualClock();
        EventLoop loop = new EventLoop(clock, new Timers(clock));
        // Before any poll: set-up from any thread.
        assertTrue(loop.inEventLoop());
        assertTrue(inLoopOn(loop, Thread.ofPlatform()));
        loop.poll(0);
        assertTrue(loop.inEventLoop(), "the driving thread owns the loop between polls");
        assertFalse(inLoopOn(loop, Thread.ofPlatform()), "any other thread does not");
    }

    @Test
    void aStartedLoopBelongsOnlyToItsThreadFromTheStart() throws Exception {
        EventLoop loop = new EventLoop(Clock.system(), new Timers(Clock.system()));
        loop.start("owned-loop");
        try {
            assertFalse(loop.inEventLoop(), "the starting thread is not on the loop");
            assertFalse(inLoopOn(loop, Thread.ofPlatform()));
            AtomicBoolean onLoop = new AtomicBoolean();
            CountDownLatch done = new CountDownLatch(1);
            loop.execute(() -> {
                onLoop.set(loop.inEventLoop());
                done.countDown();
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertTrue(onLoop.get());
        } finally {
            loop.stop();
        }
    }

    /** A waiter that parks briefly and counts its wake-ups and closes. */
    private static final class CountingWaiter implements LoopWaiter {
        final AtomicInteger wakeups = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        final AtomicInteger waits = new AtomicInteger();
        volatile long lastTimeout;

        @Override
        public void await(long timeoutNanos) {
            lastTimeout = timeoutNanos;
            waits.incrementAndGet();
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }

        @Override
        public void wakeup() {
            wakeups.incrementAndGet();
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void theWaiterCanBeReplacedOnARunningLoopAndIsClosedOnStop() throws Exception {
        EventLoop loop = new EventLoop(Clock.system(), new Timers(Clock.system()));
        loop.start("waiter-loop");
        CountingWaiter w = new CountingWaiter();
        try {
            assertThrows(IllegalStateException.class, () -> loop.setWaiter(w), "off the loop");
            CountDownLatch set = new CountDownLatch(1);
            loop.execute(() -> {
                loop.setWaiter(w);
                set.countDown();
            });
            assertTrue(set.await(5, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (w.waits.get() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(w.waits.get() > 0, "the loop waits in the new waiter");
        } finally {
            loop.stop();
        }
        assertEquals(1, w.closes.get(), "stop closes the waiter");
        assertFalse(loop.waiter() == w, "and goes back to the default one");
        loop.stop();
        assertEquals(1, w.closes.get(), "stop is idempotent");
    }

    @Test
    void maxSleepCapsHowLongTheIdleLoopWaits() throws Exception {
        EventLoop loop = new EventLoop(Clock.system(), new Timers(Clock.system()));
        CountingWaiter w = new CountingWaiter();
        loop.setWaiter(w);
        loop.start("capped-loop");
        try {
            awaitWaits(w, 1);
            assertEquals(-1, w.lastTimeout, "idle without timers: no limit");
            loop.setMaxSleep(java.time.Duration.ofNanos(200_000));
            int seen = w.waits.get();
            awaitWaits(w, seen + 2);
            assertEquals(200_000, w.lastTimeout);
            loop.setMaxSleep(null);
            seen = w.waits.get();
            awaitWaits(w, seen + 2);
            assertEquals(-1, w.lastTimeout);
        } finally {
            loop.stop();
        }
        assertThrows(IllegalArgumentException.class, () -> loop.setMaxSleep(java.time.Duration.ofNanos(-1)));
    }

    private static void awaitWaits(CountingWaiter w, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (w.waits.get() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(w.waits.get() >= n, "the loop waited " + w.waits.get() + " times, wanted " + n);
    }
}
