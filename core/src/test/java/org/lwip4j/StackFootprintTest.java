package org.lwip4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/**
 * An idle stack with one Ethernet netif (addressed, up) costs at most 64 KiB of heap: pools
 * are carved lazily, tables start small. Measured as the heap retained by many such stacks
 * after full collections, divided by their number.
 */
class StackFootprintTest {
    private static final int STACKS = 400;
    private static final long LIMIT = 64 * 1024;

    private static Stack idleStack(VirtualClock clock, int i) {
        Stack s = Stack.create(StackConfig.builder().randomSeed(i + 1).build(), clock);
        Netif n = s.addNetif(new CaptureDriver(), "eth0");
        n.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        n.setUp(true);
        s.poll(0);
        return s;
    }

    private static long heapUsed() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            // The leak detector's weak map of freed pbufs drops its dead entries only when touched:
            // without this, what an earlier test freed is counted in "before" and vanishes later.
            org.lwip4j.testing.LeakDetector.installed().history(org.lwip4j.buffer.Pbuf.wrap(new byte[1]));
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Test
    void anIdleStackWithOneNetifCostsAtMost64KiB() {
        VirtualClock clock = new VirtualClock();
        List<Stack> keep = new ArrayList<>(STACKS);
        for (int i = 0; i < 20; i++) {
            idleStack(clock, i); // load and initialise every class first
        }
        long before = heapUsed();
        for (int i = 0; i < STACKS; i++) {
            keep.add(idleStack(clock, i));
        }
        long with = heapUsed();
        int n = keep.size();
        keep.clear();
        long after = heapUsed();
        // Two views of the same stacks: what they added, and what letting them go gave back. Heap
        // an earlier test left behind that the JVM lets go of lazily (soft references, cleaners)
        // can fall into either window and only ever lowers that view's figure; the larger holds.
        long perStack = Math.max(with - before, with - after) / STACKS;
        System.out.println("idle stack + one netif: " + perStack + " bytes of heap (" + n + " stacks; added "
                + (with - before) / STACKS + ", given back " + (with - after) / STACKS + ")");
        assertTrue(perStack <= LIMIT, perStack + " bytes per idle stack, over " + LIMIT);
        assertTrue(perStack > 0, "the measurement saw the stacks");
    }
}
