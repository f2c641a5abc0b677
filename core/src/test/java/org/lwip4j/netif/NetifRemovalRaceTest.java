package org.lwip4j.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.VirtualClock;

/**
 * A driver thread hands frames in while the loop removes the netif: every frame ends up
 * processed, discarded or refused, and freed; none is stranded in the removed netif's queue.
 *
 * <p>Each round the driver hands frames in without pause until the netif refuses one, so the
 * removal always lands while a hand-in is under way; the loop keeps the queue short (so the
 * removal's emptying is quick) and removes after a number of frames that changes per round.
 */
class NetifRemovalRaceTest {
    private static final int ROUNDS = 1000;
    private static final int FRAMES = 256;

    @Test
    void framesRacingARemovalAreAllFreed() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            oneRound(round);
        }
    }

    private static void oneRound(int round) throws Exception {
        VirtualClock clock = new VirtualClock();
        StackContext ctx = new StackContext(StackConfig.builder().netifInputQueue(FRAMES).pbufPoolSize(FRAMES + 8).build(), clock);
        NetifTable table = new NetifTable(ctx);
        Netif netif = table.add(new CaptureDriver(), "race0", MacAddress.parse("02:00:00:00:00:01"));
        netif.setUp(true);
        ctx.loop().poll(0); // this thread drives the loop from now on
        long before = ctx.pbufs().poolStats().used;
        Pbuf[] frames = new Pbuf[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            frames[i] = ctx.pbufs().allocPool(Layer.RAW, 60);
            frames[i].copyFrom(0, new byte[60], 0, 60);
        }
        int removeAfter = 1 + round % 64;
        AtomicInteger handed = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        Thread driver = Thread.ofPlatform().name("race-driver").start(() -> {
            started.countDown();
            int i = 0;
            for (; i < FRAMES; i++) {
                Err e = netif.input(frames[i]);
                handed.incrementAndGet();
                if (e != Err.OK) {
                    refused.incrementAndGet();
                    i++;
                    break;
                }
                ok.incrementAndGet();
            }
            // The frames never handed in go back the way a driver gives up: refused too.
            for (; i < FRAMES; i++) {
                netif.input(frames[i]);
                refused.incrementAndGet();
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        // Process what arrives (bounded) until the driver is about where this round removes.
        for (int spins = 0; handed.get() < removeAfter && spins < 10_000_000; spins++) {
            ctx.loop().poll(0);
        }
        table.remove(netif);
        driver.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(driver.isAlive());
        // Whatever the driver's frames asked of the loop (frees, a second emptying) runs now.
        for (int i = 0; i < 3; i++) {
            ctx.loop().poll(0);
        }
        assertEquals(before, ctx.pbufs().poolStats().used, "round " + round + ": every frame freed");
        NetifCounters c = netif.counters();
        // A processed frame (all zeros: EtherType 0) is counted in and then discarded by the
        // link layer; the others are discarded by the removal or refused after it.
        long discardedByRemoval = c.inDiscards - c.inPackets;
        assertEquals(FRAMES, c.inPackets + discardedByRemoval + c.queueDrops.get(), "round " + round + ": each frame counted once, " + c);
        assertEquals(FRAMES, ok.get() + refused.get());
        assertTrue(ok.get() >= c.inPackets, "only accepted frames are processed");
        assertTrue(refused.get() >= c.queueDrops.get(), "a frame counted as refused was refused");
    }
}
