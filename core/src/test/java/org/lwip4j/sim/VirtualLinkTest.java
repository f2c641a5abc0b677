package org.lwip4j.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.LinkType;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.junit.jupiter.api.Test;

class VirtualLinkTest {
    private static final long MS = 1_000_000L;
    private static final long US = 1_000L;

    private static final class Pair {
        final Simulator sim;
        final VirtualLink link;
        final SimNode a;
        final SimNode b;

        Pair(long seed, Impairments aToB) {
            this(seed, aToB, StackConfig.defaults());
        }

        Pair(long seed, Impairments aToB, StackConfig bConfig) {
            sim = new Simulator(seed);
            link = new VirtualLink(sim, LinkType.ETHERNET, 1500, aToB, Impairments.NONE);
            a = new SimNode(sim, link.endpointA(), "02:00:00:00:00:0a");
            b = new SimNode(sim, link.endpointB(), "02:00:00:00:00:0b", bConfig);
        }

        /** A sends frame k (seq k, {@code size} bytes) at time k * interval, from a's loop. */
        void sendSeries(int count, long interval, int size) {
            for (int k = 0; k < count; k++) {
                int seq = k;
                a.ctx.timers().once(k * interval, () -> a.send(b.mac(), seq, size));
            }
        }

        LinkCounters ab() {
            return link.aToB().counters();
        }
    }

    @Test
    void perfectLinkDeliversIntactAtTheSameInstantBothWays() {
        Pair p = new Pair(1, Impairments.NONE);
        byte[] f = SimNode.frame(p.b.mac(), p.a.mac(), 7, 100);
        assertEquals(Err.OK, p.a.send(f));
        byte[] g = SimNode.frame(p.a.mac(), p.b.mac(), 8, 60);
        assertEquals(Err.OK, p.b.send(g));
        assertTrue(p.sim.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(0, p.sim.now());
        assertEquals(1, p.b.received.size());
        assertArrayEquals(f, p.b.received.get(0).data());
        assertEquals(0, p.b.received.get(0).timeNanos());
        assertEquals(1, p.a.received.size());
        assertArrayEquals(g, p.a.received.get(0).data());
        assertEquals(1, p.ab().sent());
        assertEquals(1, p.ab().delivered());
        assertEquals(100, p.ab().bytesDelivered());
        assertEquals(1, p.link.bToA().counters().delivered());
        assertEquals(0, p.a.poolUsed());
        assertEquals(0, p.b.poolUsed());
    }

    @Test
    void lossOfThirtyPercentIsExactForTheSeedAndRoughlyRight() {
        Pair p = new Pair(1234, Impairments.builder().loss(0.3).build());
        for (int k = 0; k < 10_000; k++) {
            p.a.send(p.b.mac(), k, 64);
        }
        assertTrue(p.sim.runUntilIdle(Duration.ofSeconds(1)));
        int got = p.b.received.size();
        assertEquals(LOSS_SEED_1234_DELIVERED, got, "delivered frames for seed 1234");
        assertTrue(got > 6_800 && got < 7_200, "about 70% delivered: " + got);
        assertEquals(10_000, p.ab().sent());
        assertEquals(10_000 - got, p.ab().lost());
        assertEquals(got, p.ab().delivered());
        // Loss never reorders: survivors arrive in sending order.
        List<Integer> seqs = p.b.seqs();
        for (int i = 1; i < seqs.size(); i++) {
            assertTrue(seqs.get(i - 1) < seqs.get(i));
        }
    }

    private static final int LOSS_SEED_1234_DELIVERED = 7015;

    private static List<CapturedFrame> trace(long seed) {
        Impairments imp = Impairments.builder()
                .loss(0.1)
                .delay(Duration.ofMillis(1), Duration.ofMillis(2))
                .reorder(0.1, Duration.ofMillis(3))
                .duplicate(0.1)
                .corrupt(0.05)
                .rate(100_000_000, 50)
                .build();
        Pair p = new Pair(seed, imp);
        p.link.bToA().setImpairments(imp);
        p.sendSeries(500, 50 * US, 200);
        for (int k = 0; k < 100; k++) {
            p.b.send(p.a.mac(), 1000 + k, 300);
        }
        p.sim.runFor(Duration.ofSeconds(5));
        assertEquals(0, p.sim.framesInFlight());
        List<CapturedFrame> all = new ArrayList<>(p.b.received);
        all.addAll(p.a.received);
        assertEquals(0, p.a.poolUsed());
        assertEquals(0, p.b.poolUsed());
        assertConserved(p.link.aToB().counters());
        assertConserved(p.link.bToA().counters());
        return all;
    }

    static void assertConserved(LinkCounters c) {
        assertEquals(c.sent() + c.duplicated(), c.delivered() + c.lost() + c.queueDrops() + c.rxDrops(), c.toString());
    }

    @Test
    void sameSeedGivesTheSameTraceAndAnotherSeedAnother() {
        List<CapturedFrame> first = trace(7);
        assertFalse(first.isEmpty());
        assertEquals(first, trace(7));
        assertNotEquals(first, trace(8));
    }

    @Test
    void fixedDelayIsExactInVirtualTime() {
        Pair p = new Pair(1, Impairments.builder().delay(Duration.ofMillis(10)).build());
        p.sendSeries(3, MS, 64);
        p.sim.runFor(Duration.ofMillis(9));
        assertEquals(0, p.b.received.size());
        p.sim.runFor(Duration.ofMillis(100));
        assertEquals(3, p.b.received.size());
        for (int k = 0; k < 3; k++) {
            assertEquals(10 * MS + k * MS, p.b.received.get(k).timeNanos());
            assertEquals(k, SimNode.seqOf(p.b.received.get(k).data()));
        }
    }

    @Test
    void jitterStaysWithinBoundsAndNeverReorders() {
        Pair p = new Pair(99, Impairments.builder().delay(Duration.ofMillis(10), Duration.ofMillis(2)).build());
        p.sendSeries(200, MS, 64);
        p.sim.runFor(Duration.ofSeconds(2));
        assertEquals(0, p.sim.framesInFlight());
        assertEquals(200, p.b.received.size());
        Set<Long> latencies = new HashSet<>();
        long last = Long.MIN_VALUE;
        for (int k = 0; k < 200; k++) {
            CapturedFrame f = p.b.received.get(k);
            assertEquals(k, SimNode.seqOf(f.data()));
            long latency = f.timeNanos() - k * MS;
            assertTrue(latency >= 10 * MS && latency <= 12 * MS, "latency " + latency);
            assertTrue(f.timeNanos() >= last);
            last = f.timeNanos();
            latencies.add(latency);
        }
        assertTrue(latencies.size() > 100, "jitter varies the delay: " + latencies.size());
    }

    @Test
    void reorderHoldsFramesBackSoLaterOnesOvertake() {
        Pair p = new Pair(5, Impairments.builder().delay(Duration.ofMillis(1)).reorder(0.25, Duration.ofMillis(5)).build());
        p.sendSeries(200, 100 * US, 64);
        p.sim.runFor(Duration.ofSeconds(1));
        assertEquals(0, p.sim.framesInFlight());
        assertEquals(200, p.b.received.size());
        List<Integer> seqs = p.b.seqs();
        List<Integer> sorted = new ArrayList<>(seqs);
        sorted.sort(null);
        assertNotEquals(sorted, seqs, "arrival order differs from sending order");
        assertEquals(200, new HashSet<>(seqs).size());
        long held = 0;
        for (CapturedFrame f : p.b.received) {
            long latency = f.timeNanos() - SimNode.seqOf(f.data()) * 100 * US;
            if (latency == 6 * MS) {
                held++;
            } else {
                assertEquals(MS, latency);
            }
        }
        assertEquals(p.ab().reordered(), held);
        assertTrue(held > 30 && held < 70, "about a quarter held back: " + held);
    }

    @Test
    void duplicatesArriveTwice() {
        Pair p = new Pair(3, Impairments.builder().duplicate(1.0).build());
        p.sendSeries(50, MS, 80);
        p.sim.runFor(Duration.ofSeconds(1));
        assertEquals(0, p.sim.framesInFlight());
        assertEquals(100, p.b.received.size());
        for (int k = 0; k < 50; k++) {
            CapturedFrame x = p.b.received.get(2 * k);
            CapturedFrame y = p.b.received.get(2 * k + 1);
            assertEquals(k, SimNode.seqOf(x.data()));
            assertEquals(x, y);
        }
        assertEquals(50, p.ab().duplicated());
        assertEquals(100, p.ab().delivered());
        assertEquals(0, p.b.poolUsed());
    }

    @Test
    void someDuplicatesForAProbability() {
        Pair p = new Pair(3, Impairments.builder().duplicate(0.2).build());
        p.sendSeries(1000, 10 * US, 80);
        p.sim.runFor(Duration.ofSeconds(1));
        assertEquals(0, p.sim.framesInFlight());
        long dups = p.ab().duplicated();
        assertEquals(1000 + dups, p.b.received.size());
        assertTrue(dups > 150 && dups < 250, "about 20%: " + dups);
    }

    @Test
    void corruptionFlipsExactlyOneBit() {
        Pair p = new Pair(11, Impairments.builder().corrupt(0.5).build());
        p.sendSeries(400, 10 * US, 120);
        p.sim.runFor(Duration.ofSeconds(1));
        assertEquals(0, p.sim.framesInFlight());
        assertEquals(400, p.b.received.size());
        int flipped = 0;
        for (int k = 0; k < 400; k++) {
            byte[] sent = SimNode.frame(p.b.mac(), p.a.mac(), k, 120);
            byte[] got = p.b.received.get(k).data();
            int bits = 0;
            for (int i = 0; i < sent.length; i++) {
                bits += Integer.bitCount((sent[i] ^ got[i]) & 0xff);
            }
            assertTrue(bits <= 1, "frame " + k + " has " + bits + " flipped bits");
            flipped += bits;
        }
        assertEquals(p.ab().corrupted(), flipped);
        assertTrue(flipped > 160 && flipped < 240, "about half: " + flipped);
        assertEquals(0, p.b.poolUsed());
    }

    @Test
    void rateLimitSpacesFramesBySerialisationTimeAndTailDrops() {
        // 8 Mbit/s: one byte per microsecond, so a 1000-byte frame holds the wire for 1 ms.
        Pair p = new Pair(1, Impairments.builder().rate(8_000_000, 5).delay(Duration.ofMillis(2)).build());
        for (int k = 0; k < 10; k++) {
            assertEquals(Err.OK, p.a.send(p.b.mac(), k, 1000));
        }
        assertEquals(5, p.link.aToB().queued());
        assertTrue(p.sim.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(5, p.b.received.size());
        for (int k = 0; k < 5; k++) {
            assertEquals((k + 1) * MS + 2 * MS, p.b.received.get(k).timeNanos());
            assertEquals(k, SimNode.seqOf(p.b.received.get(k).data()));
        }
        assertEquals(5, p.ab().queueDrops());
        // The queue has drained by now: the next frame is accepted and serialised at once.
        long t0 = p.sim.now();
        assertEquals(0, p.link.aToB().queued());
        p.a.send(p.b.mac(), 10, 500);
        assertTrue(p.sim.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(t0 + 500 * US + 2 * MS, p.b.received.get(5).timeNanos());
    }

    @Test
    void receiverPoolExhaustionIsCountedNotThrown() {
        StackConfig tiny = StackConfig.builder().pbufPoolSize(4).build();
        Pair p = new Pair(1, Impairments.NONE, tiny);
        List<Pbuf> held = new ArrayList<>();
        p.b.table.ethernet().register(0x0800, (netif, pkt, bcast) -> held.add(pkt));
        for (int k = 0; k < 10; k++) {
            p.a.send(p.b.mac(), k, 100);
        }
        assertTrue(p.sim.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(4, held.size());
        assertEquals(6, p.ab().rxDrops());
        assertEquals(4, p.ab().delivered());
        assertEquals(6, p.b.ctx.stats().link.memerr);
        assertEquals(6, p.b.netif.counters().inDiscards);
        assertConserved(p.ab());
        held.forEach(Pbuf::free);
        assertEquals(0, p.b.poolUsed());
        // With room again, frames get through.
        p.a.send(p.b.mac(), 10, 100);
        assertTrue(p.sim.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(5, held.size());
        held.get(4).free();
    }

    @Test
    void framesLongerThanTheMtuAreRefused() {
        Pair p = new Pair(1, Impairments.NONE);
        assertEquals(Err.OK, p.a.send(p.b.mac(), 1, 1500 + 18));
        assertEquals(Err.VAL, p.a.send(p.b.mac(), 2, 1500 + 19));
        assertEquals(1, p.ab().oversize());
        assertEquals(1, p.ab().sent());
        assertEquals(1, p.a.netif.counters().outDiscards);
    }

    @Test
    void ipLinkCarriesBarePacketsAndReportsItsMtu() {
        Simulator sim = new Simulator(1);
        VirtualLink link = new VirtualLink(sim, LinkType.IP, 1280, Impairments.NONE, Impairments.NONE);
        SimNode a = new SimNode(sim, link.endpointA(), null);
        SimNode b = new SimNode(sim, link.endpointB(), null);
        assertEquals(1280, a.netif.mtu());
        List<byte[]> got = new ArrayList<>();
        b.table.ipLink().register(4, (netif, pkt, bcast) -> {
            got.add(pkt.toByteArray());
            pkt.free();
        });
        byte[] pkt = new byte[40];
        pkt[0] = 0x45;
        pkt[39] = 42;
        assertEquals(Err.OK, a.send(pkt));
        assertEquals(Err.VAL, a.send(new byte[1281]));
        assertTrue(sim.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(1, got.size());
        assertArrayEquals(pkt, got.get(0));
    }

    @Test
    void unpluggingTheCableDropsCarrierAndFramesInFlightStillArrive() {
        Pair p = new Pair(1, Impairments.builder().delay(Duration.ofMillis(5)).build());
        p.a.send(p.b.mac(), 1, 64);
        p.link.setConnected(false);
        assertFalse(p.a.netif.isLinkUp());
        assertFalse(p.b.netif.isLinkUp());
        assertEquals(Err.IF, p.a.send(p.b.mac(), 2, 64));
        assertTrue(p.sim.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(List.of(1), p.b.seqs());
        p.link.setConnected(true);
        assertTrue(p.a.netif.isLinkUp());
        p.a.send(p.b.mac(), 3, 64);
        assertTrue(p.sim.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(List.of(1, 3), p.b.seqs());
    }

    @Test
    void poolsAreEmptyAndNothingIsInFlightAfterABusyScenario() {
        Impairments imp = Impairments.builder().loss(0.05).delay(Duration.ofMillis(2), Duration.ofMillis(1))
                .duplicate(0.05).reorder(0.05).rate(50_000_000, 20).build();
        Pair p = new Pair(21, imp);
        p.link.bToA().setImpairments(imp);
        p.sendSeries(2000, 20 * US, 1400);
        for (int k = 0; k < 500; k++) {
            int seq = k;
            p.b.ctx.timers().once(k * 50 * US, () -> p.b.send(p.a.mac(), seq, 600));
        }
        p.sim.runFor(Duration.ofSeconds(10));
        assertEquals(0, p.sim.framesInFlight());
        assertEquals(0, p.sim.framesInFlight());
        assertEquals(0, p.a.poolUsed());
        assertEquals(0, p.b.poolUsed());
        assertConserved(p.ab());
        assertConserved(p.link.bToA().counters());
        assertTrue(p.ab().queueDrops() > 0, "the rate limit's queue overflowed: " + p.ab());
    }
}
