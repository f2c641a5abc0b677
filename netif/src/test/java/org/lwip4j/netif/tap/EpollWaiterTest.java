package org.lwip4j.netif.tap;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.stack.Clock;
import org.lwip4j.stack.EventLoop;
import org.lwip4j.stack.Timers;

/** The epoll loop waiter over plain eventfds: needs no privileges. */
class EpollWaiterTest {
    Arena arena;
    MemorySegment st;
    EpollWaiter waiter;
    int otherFd = -1;

    @BeforeEach
    void setUp() throws Exception {
        arena = Arena.ofConfined();
        st = Native.newState(arena);
        waiter = EpollWaiter.create();
    }

    @AfterEach
    void tearDown() {
        waiter.close();
        if (otherFd >= 0) {
            Native.close(st, otherFd);
        }
        arena.close();
    }

    @Test
    void wakeupBeforeAwaitMakesItReturnAtOnce() {
        waiter.wakeup();
        waiter.await(-1); // would block forever if the wakeup were lost
        assertEquals(0, waiter.awaits(), "did not even enter epoll_wait");
    }

    @Test
    void timeoutEndsTheWait() {
        waiter.await(1_000_000L);
        assertEquals(1, waiter.awaits());
        assertEquals(0, waiter.fdWakeups());
        assertEquals(0, waiter.eventWakeups());
    }

    @Test
    void wakeupFromAnotherThreadEndsAnEndlessWait() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            entered.countDown();
            waiter.await(-1);
            done.countDown();
        });
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        waiter.wakeup();
        assertTrue(done.await(10, TimeUnit.SECONDS), "await(-1) returned after wakeup()");
        t.join();
    }

    @Test
    void wakeupWhileSleepingGoesThroughTheEventfd() throws Exception {
        Thread loop = Thread.ofPlatform().start(() -> waiter.await(-1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // awaits() counts after the waiter declared itself asleep: from then on a wakeup must
        // go through the eventfd.
        while (waiter.awaits() == 0) {
            assertTrue(System.nanoTime() < deadline, "waiter never entered epoll_wait");
            Thread.onSpinWait();
        }
        waiter.wakeup();
        loop.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(loop.isAlive());
        assertEquals(1, waiter.eventWakeups());
    }

    @Test
    void readableRegisteredDescriptorWakesTheWaiter() throws Exception {
        otherFd = Native.eventfd(st, 0, Native.EFD_NONBLOCK | Native.EFD_CLOEXEC);
        assertTrue(otherFd >= 0);
        waiter.register(otherFd);
        MemorySegment one = arena.allocate(8);
        one.set(JAVA_LONG, 0, 1L);
        Native.signal(otherFd, one);
        waiter.await(-1); // returns because otherFd is readable
        assertEquals(1, waiter.fdWakeups());
        assertEquals(0, waiter.eventWakeups());

        waiter.unregister(otherFd);
        waiter.await(1_000L); // still readable, but no longer watched: times out
        assertEquals(1, waiter.fdWakeups());
    }

    @Test
    void installsOnceOnALoopAndNotOnARunningOne() throws Exception {
        EventLoop loop = new EventLoop(Clock.system(), new Timers(Clock.system()));
        EpollWaiter w = EpollWaiter.install(loop);
        try {
            assertSame(w, loop.waiter());
            assertSame(w, EpollWaiter.install(loop), "second install reuses it");

            CountDownLatch ran = new CountDownLatch(1);
            loop.start("epoll-loop");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (w.awaits() == 0) { // an idle loop with no timers goes to sleep in epoll
                assertTrue(System.nanoTime() < deadline, "loop never slept");
                Thread.onSpinWait();
            }
            loop.execute(ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS), "execute() woke the loop sleeping in epoll");
            loop.stop();
            assertTrue(w.eventWakeups() >= 1, "woken through the eventfd");
        } finally {
            loop.stop();
            w.close();
        }

        EventLoop running = new EventLoop(Clock.system(), new Timers(Clock.system()));
        running.start("parked-loop");
        try {
            assertNull(EpollWaiter.install(running), "a running loop keeps its waiter");
        } finally {
            running.stop();
        }
    }

    @Test
    void closedWaiterStillWaitsWithoutSpinning() {
        waiter.close();
        assertTrue(waiter.isClosed());
        waiter.wakeup();
        waiter.await(1_000L);
        waiter.close();
    }
}
