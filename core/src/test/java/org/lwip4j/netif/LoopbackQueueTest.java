package org.lwip4j.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.raw.RawPcb;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;
import org.lwip4j.testing.SimNet;

/** Packets a netif sends to itself ({@link Netif#loopOutput}): a bounded queue, delivered in order a turn later. */
class LoopbackQueueTest {
    private final VirtualClock clock = new VirtualClock();
    private final Stack stack = Stack.create(StackConfig.builder().randomSeed(8).loopbackMaxPbufs(2).build(), clock);
    private final Netif tun0 = SimNet.attach(stack, new CaptureDriver(LinkType.IP, 1500), "tun0", "10.0.0.1/24");
    private final Netif tun1 = SimNet.attach(stack, new CaptureDriver(LinkType.IP, 1500), "tun1", "10.0.1.1/24");
    private final List<String> seen = new ArrayList<>();
    private final RawPcb pcb = stack.newRawPcb(200);

    LoopbackQueueTest() {
        pcb.onReceive((pc, p, src) -> {
            seen.add(p.totalLength() - 20 + " from " + src);
            return false;
        });
    }

    @AfterEach
    void tearDown() {
        stack.close();
    }

    private Err loop(Netif n, int size) {
        String src = n == tun0 ? "10.0.0.1" : "10.0.1.1";
        Pbuf p = stack.pbuf(Packets.ipv4(200, src, src, 64, 0, new byte[size]));
        Err e = n.loopOutput(p);
        p.free();
        return e;
    }

    private void turn() {
        stack.poll(clock.nanoTime());
    }

    @Test
    void theQueueHoldsAtMostItsBoundAndCountsBothWays() {
        assertEquals(Err.OK, loop(tun0, 1));
        assertEquals(Err.OK, loop(tun0, 2));
        assertEquals(Err.MEM, loop(tun0, 3));
        NetifCounters c = tun0.counters();
        assertEquals(2, c.outPackets);
        assertEquals(20 + 1 + 20 + 2, c.outOctets);
        assertEquals(1, c.outDiscards);
        assertEquals(2, stack.stats().link.xmit);
        assertEquals(1, stack.stats().link.drop);
        turn();
        assertEquals(List.of("1 from 10.0.0.1", "2 from 10.0.0.1"), seen);
        assertEquals(2, c.inPackets);
        assertEquals(20 + 1 + 20 + 2, c.inOctets);
        assertEquals(2, stack.stats().link.recv);
    }

    @Test
    void packetsComeOutInOrderAcrossTheWrapOfTheRing() {
        loop(tun0, 1);
        turn();
        loop(tun0, 2);
        loop(tun1, 3);
        assertEquals(Err.MEM, loop(tun0, 4), "full");
        turn();
        loop(tun1, 5);
        loop(tun0, 6);
        turn();
        assertEquals(List.of("1 from 10.0.0.1", "2 from 10.0.0.1", "3 from 10.0.1.1", "5 from 10.0.1.1", "6 from 10.0.0.1"),
                seen);
        assertEquals(3, tun0.counters().inPackets);
        assertEquals(2, tun1.counters().inPackets);
    }

    @Test
    void aPacketLoopedDuringDeliveryWaitsForTheNextTurn() {
        RawPcb echo = stack.newRawPcb(201);
        echo.onReceive((pc, p, src) -> {
            seen.add("echo");
            assertEquals(Err.OK, loop(tun0, 9));
            return false;
        });
        Pbuf p = stack.pbuf(Packets.ipv4(201, "10.0.0.1", "10.0.0.1", 64, 0, new byte[1]));
        tun0.loopOutput(p);
        p.free();
        turn();
        assertEquals(List.of("echo"), seen);
        turn();
        assertEquals(List.of("echo", "9 from 10.0.0.1"), seen);
    }

    @Test
    void aPacketForANetifThatWentDownIsDiscarded() {
        loop(tun0, 1);
        loop(tun1, 2);
        tun0.setUp(false);
        turn();
        assertEquals(List.of("2 from 10.0.1.1"), seen);
        assertEquals(1, tun0.counters().inDiscards);
        assertEquals(0, tun0.counters().inPackets);
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    @Test
    void removingANetifFreesOnlyItsQueuedPackets() {
        loop(tun0, 1);
        loop(tun1, 2);
        stack.netifs().remove(tun0);
        turn();
        assertEquals(List.of("2 from 10.0.1.1"), seen);
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
        assertEquals(Err.OK, loop(tun1, 3), "the freed slot is usable again");
        assertEquals(Err.OK, loop(tun1, 4));
        turn();
        assertEquals(List.of("2 from 10.0.1.1", "3 from 10.0.1.1", "4 from 10.0.1.1"), seen);
    }
}
