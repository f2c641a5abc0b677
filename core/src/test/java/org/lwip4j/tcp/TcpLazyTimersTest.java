package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.SimNet;

/**
 * Idle connections hold only the timers they used (heap per connection: {@code bench}'s
 * {@code TcpFootprint}): after the handshake only the RTO timer exists, the others share one
 * never-armed stand-in and become their own when first armed, then fire as before. And a
 * listener whose port is shared by many established connections still takes new SYNs (the
 * listener lookup walks listeners, not connections).
 */
class TcpLazyTimersTest {
    @Test
    void anIdleConnectionHasOnlyItsRtoTimerAndTheOthersAppearWhenArmed() {
        SimNet net = new SimNet(11);
        StackConfig cfg = StackConfig.builder().loopbackNetif(false).build();
        Stack a = net.stack(cfg);
        Stack b = net.stack(cfg);
        VirtualLink link = net.link(Impairments.NONE);
        SimNet.attach(a, link.endpointA(), "eth0", "10.1.0.1/24");
        SimNet.attach(b, link.endpointB(), "eth0", "10.1.0.2/24");
        List<TcpPcb> accepted = new ArrayList<>();
        TcpPcb listener = b.newTcpPcb();
        assertEquals(Err.OK, listener.bind(Ip4Address.ANY, 80));
        assertEquals(Err.OK, listener.listen(64));
        listener.onAccept((l, c) -> accepted.add(c));
        List<TcpPcb> clients = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            TcpPcb c = a.newTcpPcb();
            assertEquals(Err.OK, c.connect(SimNet.ip("10.1.0.2"), 80, pcb -> { }));
            clients.add(c);
        }
        assertTrue(net.runUntil(() -> accepted.size() == 50, Duration.ofSeconds(10)),
                "50 connections to one port, each SYN finding the listener among the connections on it");

        for (TcpPcb p : List.of(clients.get(0), accepted.get(0))) {
            assertEquals(TcpState.ESTABLISHED, p.state());
            assertFalse(p.rtoTimer.isScheduled());
            assertNotSame(p.rtoTimer, p.persistTimer, "the handshake armed the RTO timer: its own");
            assertSame(p.persistTimer, p.delackTimer);
            assertSame(p.persistTimer, p.keepaliveTimer);
            assertSame(p.persistTimer, p.stateTimer);
            assertSame(p.persistTimer, p.pollTimer);
            assertFalse(p.persistTimer.isScheduled());
        }
        assertSame(clients.get(0).pollTimer, clients.get(1).pollTimer, "one stand-in for all pcbs");

        // Armed for the first time, a timer becomes the pcb's own and fires.
        TcpPcb c = clients.get(0);
        int[] polls = {0};
        c.onPoll(pcb -> polls[0]++, Duration.ofMillis(500));
        assertNotSame(clients.get(1).pollTimer, c.pollTimer);
        assertTrue(c.pollTimer.isScheduled());
        assertFalse(clients.get(1).pollTimer.isScheduled(), "arming one pcb's timer arms no other");
        net.runFor(Duration.ofMillis(1600));
        assertTrue(polls[0] >= 2, "the poll callback ran: " + polls[0]);

        c.setKeepalive(true, Duration.ofSeconds(1), Duration.ofSeconds(1), 3);
        assertTrue(c.keepaliveTimer.isScheduled());
        long acksBefore = b.stats().tcp.recv;
        net.runFor(Duration.ofMillis(1500));
        assertTrue(b.stats().tcp.recv > acksBefore, "a keepalive probe reached the peer");
        assertEquals(TcpState.ESTABLISHED, c.state());

        // The client closes first: FIN_WAIT_2/TIME_WAIT use the state timer, which ends it.
        accepted.get(0).onRecv((pcb, p) -> {
            if (p == null) {
                pcb.close();
            } else {
                p.free();
            }
        });
        c.close();
        assertTrue(net.runUntil(() -> c.state() == TcpState.TIME_WAIT, Duration.ofSeconds(5)));
        assertTrue(c.stateTimer.isScheduled());
        assertTrue(net.runUntil(() -> c.state() == TcpState.CLOSED, Duration.ofMinutes(3)), "TIME_WAIT ended");

        // A new connection to the same port still finds the listener among 49 established ones.
        TcpPcb late = a.newTcpPcb();
        assertEquals(Err.OK, late.connect(SimNet.ip("10.1.0.2"), 80, pcb -> { }));
        assertTrue(net.runUntil(() -> accepted.size() == 51, Duration.ofSeconds(5)));
        a.close();
        b.close();
    }
}
