package org.lwip4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
}
