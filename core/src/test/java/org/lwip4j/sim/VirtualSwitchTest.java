package org.lwip4j.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.lwip4j.addr.MacAddress;
import org.junit.jupiter.api.Test;

class VirtualSwitchTest {
    private static final long MS = 1_000_000L;

    private final Simulator sim = new Simulator(17);
    private final VirtualSwitch sw = new VirtualSwitch(sim);
    private final SimNode a = new SimNode(sim, sw.newPort(), "02:00:00:00:00:01");
    private final SimNode b = new SimNode(sim, sw.newPort(), "02:00:00:00:00:02");
    private final SimNode c = new SimNode(sim, sw.newPort(), "02:00:00:00:00:03");

    private void settle() {
        assertTrue(sim.runUntilIdle(Duration.ofSeconds(1)));
    }

    private static void clearAll(SimNode... nodes) {
        for (SimNode n : nodes) {
            n.received.clear();
        }
    }

    @Test
    void broadcastFloodsToAllButTheIngressPortAndTeachesTheSource() {
        a.send(MacAddress.BROADCAST, 1, 64);
        settle();
        assertEquals(List.of(), a.seqs());
        assertEquals(List.of(1), b.seqs());
        assertEquals(List.of(1), c.seqs());
        assertEquals(1, sw.flooded());
        assertEquals(0, sw.portOf(a.mac()));
        assertEquals(-1, sw.portOf(b.mac()));
    }

    @Test
    void afterLearningUnicastGoesToOnePortOnly() {
        a.send(MacAddress.BROADCAST, 1, 64);
        settle();
        clearAll(a, b, c);

        b.send(a.mac(), 2, 64);
        settle();
        assertEquals(List.of(2), a.seqs());
        assertEquals(List.of(), c.seqs());
        assertEquals(1, sw.forwarded());
        assertEquals(1, sw.portOf(b.mac()));

        // C is still unknown: a frame for it is flooded (B sees it too).
        a.send(c.mac(), 3, 64);
        settle();
        assertEquals(List.of(3), b.seqs());
        assertEquals(List.of(3), c.seqs());
        assertEquals(2, sw.flooded());
        clearAll(a, b, c);

        c.send(a.mac(), 4, 64);
        a.send(c.mac(), 5, 64);
        a.send(b.mac(), 6, 64);
        settle();
        assertEquals(List.of(4), a.seqs());
        assertEquals(List.of(6), b.seqs());
        assertEquals(List.of(5), c.seqs());
        assertEquals(4, sw.forwarded());
        assertEquals(0, a.poolUsed() + b.poolUsed() + c.poolUsed());
    }

    @Test
    void multicastFloods() {
        b.send(a.mac(), 1, 64);
        a.send(b.mac(), 2, 64);
        settle();
        clearAll(a, b, c);
        a.send(MacAddress.parse("01:00:5e:00:00:fb"), 3, 64);
        settle();
        assertEquals(List.of(3), b.seqs());
        assertEquals(List.of(3), c.seqs());
        assertEquals(List.of(), a.seqs());
    }

    @Test
    void framesForAStationBehindTheIngressPortAreFiltered() {
        MacAddress ghost = MacAddress.parse("02:00:00:00:00:99");
        a.send(SimNode.frame(MacAddress.BROADCAST, ghost, 1, 64));
        settle();
        assertEquals(0, sw.portOf(ghost));
        clearAll(a, b, c);
        a.send(ghost, 2, 64);
        settle();
        assertEquals(1, sw.filtered());
        assertEquals(List.of(), b.seqs());
        assertEquals(List.of(), c.seqs());
    }

    @Test
    void learnedEntriesAgeOut() {
        b.send(MacAddress.BROADCAST, 1, 64);
        settle();
        assertEquals(1, sw.portOf(b.mac()));
        sim.runFor(Duration.ofSeconds(299));
        assertEquals(1, sw.portOf(b.mac()));
        sim.runFor(Duration.ofSeconds(1));
        assertEquals(-1, sw.portOf(b.mac()));
        clearAll(a, b, c);
        a.send(b.mac(), 2, 64);
        settle();
        assertEquals(List.of(2), c.seqs(), "an aged-out destination is flooded again");
    }

    @Test
    void impairmentsApplyPerPortAndDirection() {
        Simulator s = new Simulator(3);
        VirtualSwitch sw2 = new VirtualSwitch(s);
        Impairments d2 = Impairments.builder().delay(Duration.ofMillis(2)).build();
        Impairments d3 = Impairments.builder().delay(Duration.ofMillis(3)).build();
        SimNode x = new SimNode(s, sw2.newPort(d2, Impairments.NONE), "02:00:00:00:00:11");
        SimNode y = new SimNode(s, sw2.newPort(), "02:00:00:00:00:12");
        SimNode z = new SimNode(s, sw2.newPort(Impairments.NONE, d3), "02:00:00:00:00:13");
        x.send(MacAddress.BROADCAST, 1, 64);
        s.runFor(Duration.ofMillis(10));
        assertEquals(2 * MS, y.received.get(0).timeNanos());
        assertEquals(5 * MS, z.received.get(0).timeNanos());
        VirtualSwitch.Port px = (VirtualSwitch.Port) x.netif.driver();
        VirtualSwitch.Port pz = (VirtualSwitch.Port) z.netif.driver();
        assertEquals(1, px.toSwitch().counters().delivered());
        assertEquals(1, pz.fromSwitch().counters().delivered());
        assertEquals(0, s.framesInFlight());
    }

    @Test
    void tooShortFramesAreCountedAsErrors() {
        a.send(new byte[10]);
        settle();
        assertEquals(1, sw.errors());
        assertEquals(List.of(), b.seqs());
    }
}
