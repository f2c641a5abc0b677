package org.lwip4j.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.VirtualClock;
import org.junit.jupiter.api.Test;

class SimulatorTest {
    private static final long MS = 1_000_000L;

    @Test
    void timersOfEveryLoopFireInVirtualTimeDuringRunFor() {
        Simulator sim = new Simulator(1);
        StackContext one = new StackContext(StackConfig.defaults(), sim.clock());
        StackContext two = new StackContext(StackConfig.defaults(), sim.clock());
        sim.add(one.loop());
        sim.add(two.loop());
        int[] ticks = new int[1];
        long[] at = new long[2];
        one.timers().periodic(10 * MS, () -> ticks[0]++);
        two.timers().once(250 * MS, () -> at[0] = sim.now());
        two.timers().once(1000 * MS, () -> at[1] = one.now());
        sim.runFor(Duration.ofSeconds(1));
        assertEquals(1000 * MS, sim.now());
        assertEquals(100, ticks[0]);
        assertEquals(250 * MS, at[0]);
        assertEquals(1000 * MS, at[1]);
        assertEquals(List.of(one.loop(), two.loop()), sim.loops());
    }

    @Test
    void stepMovesToTheNextEventAndReportsIdleness() {
        Simulator sim = new Simulator(1);
        StackContext ctx = new StackContext(StackConfig.defaults(), sim.clock());
        sim.add(ctx.loop());
        assertFalse(sim.step());
        assertEquals(0, sim.now());
        List<Long> fired = new ArrayList<>();
        ctx.timers().once(7 * MS, () -> fired.add(sim.now()));
        ctx.timers().once(3 * MS, () -> fired.add(sim.now()));
        assertTrue(sim.step());
        assertEquals(3 * MS, sim.now());
        assertTrue(sim.step());
        assertEquals(7 * MS, sim.now());
        assertEquals(List.of(3 * MS, 7 * MS), fired);
        assertFalse(sim.step());
    }

    @Test
    void runUntilStopsWhenTheConditionHoldsOrAtTheLimit() {
        Simulator sim = new Simulator(1);
        StackContext ctx = new StackContext(StackConfig.defaults(), sim.clock());
        sim.add(ctx.loop());
        boolean[] done = new boolean[1];
        ctx.timers().once(42 * MS, () -> done[0] = true);
        assertFalse(sim.runUntil(() -> done[0], Duration.ofMillis(10)));
        assertEquals(10 * MS, sim.now());
        assertTrue(sim.runUntil(() -> done[0], Duration.ofSeconds(1)));
        assertEquals(42 * MS, sim.now());
    }

    @Test
    void runUntilIdleWaitsForFramesInFlightButNotForTimers() {
        Simulator sim = new Simulator(1);
        VirtualLink link = new VirtualLink(sim, Impairments.builder().delay(Duration.ofMillis(30)).build());
        SimNode a = new SimNode(sim, link.endpointA(), "02:00:00:00:00:0a");
        SimNode b = new SimNode(sim, link.endpointB(), "02:00:00:00:00:0b");
        a.ctx.timers().periodic(1000 * MS, () -> { });
        a.send(b.mac(), 1, 64);
        assertEquals(1, sim.framesInFlight());
        assertFalse(sim.runUntilIdle(Duration.ofMillis(20)));
        assertEquals(20 * MS, sim.now());
        assertTrue(sim.runUntilIdle(Duration.ofMillis(20)));
        assertEquals(30 * MS, sim.now());
        assertEquals(1, b.received.size());
    }

    @Test
    void aLivelockIsReportedNotHung() {
        Simulator sim = new Simulator(1);
        sim.setLivelockLimit(1000);
        VirtualLink link = new VirtualLink(sim);
        SimNode a = new SimNode(sim, link.endpointA(), "02:00:00:00:00:0a");
        SimNode b = new SimNode(sim, link.endpointB(), "02:00:00:00:00:0b");
        // Each side answers every frame at once, over a link with no delay: time never moves.
        a.table.ethernet().register(0x0800, (n, p, bc) -> { p.free(); a.send(b.mac(), 0, 64); });
        b.table.ethernet().register(0x0800, (n, p, bc) -> { p.free(); b.send(a.mac(), 0, 64); });
        a.send(b.mac(), 0, 64);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sim.runFor(Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("livelock"), e.getMessage());
        assertEquals(0, sim.now());
    }

    @Test
    void aLoopOnAnotherClockIsRefused() {
        Simulator sim = new Simulator(1);
        StackContext other = new StackContext(StackConfig.defaults(), new VirtualClock());
        assertThrows(IllegalArgumentException.class, () -> sim.add(other.loop()));
        VirtualLink link = new VirtualLink(sim);
        NetifTable table = new NetifTable(other);
        assertThrows(IllegalArgumentException.class, () -> table.add(link.endpointA(), "eth0", null));
    }

    @Test
    void timeMayCrossTheWrapOfLong() {
        VirtualClock clock = new VirtualClock(Long.MAX_VALUE - 2 * MS);
        Simulator sim = new Simulator(clock, 1);
        VirtualLink link = new VirtualLink(sim, LinkType.ETHERNET, 1500,
                Impairments.builder().delay(Duration.ofMillis(5)).build(), Impairments.NONE);
        SimNode a = new SimNode(sim, link.endpointA(), "02:00:00:00:00:0a");
        SimNode b = new SimNode(sim, link.endpointB(), "02:00:00:00:00:0b");
        long t0 = sim.now();
        for (int k = 0; k < 4; k++) {
            int seq = k;
            a.ctx.timers().once(k * MS, () -> a.send(b.mac(), seq, 64));
        }
        sim.runFor(Duration.ofMillis(20));
        assertEquals(List.of(0, 1, 2, 3), b.seqs());
        for (int k = 0; k < 4; k++) {
            assertEquals(t0 + 5 * MS + k * MS, b.received.get(k).timeNanos());
        }
        assertTrue(sim.now() < 0, "the clock wrapped");
    }

    @Test
    void framesAreHandedOverInsideAPollOfTheReceivingLoop() {
        Simulator sim = new Simulator(1);
        VirtualLink link = new VirtualLink(sim);
        SimNode a = new SimNode(sim, link.endpointA(), "02:00:00:00:00:0a");
        SimNode b = new SimNode(sim, link.endpointB(), "02:00:00:00:00:0b");
        List<Boolean> othersMayEnter = new ArrayList<>();
        b.table.ethernet().register(0x0800, (n, p, bc) -> {
            // Inside a poll the loop has an owner: another thread is not in the loop.
            boolean[] seen = new boolean[1];
            Thread t = new Thread(() -> seen[0] = b.ctx.loop().inEventLoop());
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            othersMayEnter.add(seen[0]);
            p.free();
        });
        a.send(b.mac(), 1, 64);
        sim.runFor(Duration.ZERO);
        assertEquals(List.of(false), othersMayEnter);
        assertEquals(1, link.aToB().counters().delivered());
    }

    @Test
    void stackSeedsRepeatWithTheSimulatorSeedAndDifferFromEachOther() {
        Simulator a = new Simulator(7);
        Simulator b = new Simulator(7);
        long a1 = a.nextStackSeed();
        long a2 = a.nextStackSeed();
        org.junit.jupiter.api.Assertions.assertEquals(a1, b.nextStackSeed());
        org.junit.jupiter.api.Assertions.assertEquals(a2, b.nextStackSeed());
        org.junit.jupiter.api.Assertions.assertNotEquals(a1, a2);
        org.junit.jupiter.api.Assertions.assertNotEquals(a1, new Simulator(8).nextStackSeed());
    }
}
