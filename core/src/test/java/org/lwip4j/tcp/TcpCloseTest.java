package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.fin;
import static org.lwip4j.tcp.Seg.rstAck;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ErrException;

/** Closing (RFC 9293 §3.6): active, passive, simultaneous, half-close, TIME_WAIT, abort, keepalive, pcb exhaustion. */
class TcpCloseTest {
    static final int P = 1000;
    static final int D = P + 1;
    static final int S = ISS + 1;

    static TcpScript open(java.util.function.Consumer<org.lwip4j.stack.StackConfig.TcpOptions.Builder> tweak) {
        TcpScript t = new TcpScript(tweak);
        t.established(P, syn().mss(1000));
        return t;
    }

    @Test
    void conformance17_activeCloseThroughFinWait1FinWait2TimeWaitForTwoMsl() {
        try (TcpScript t = open(b -> b.msl(Duration.ofSeconds(30)))) {
            TcpPcb c = t.conn;
            assertEquals(Err.OK, c.close());
            t.expect(fin().seq(S).ack(D));
            assertEquals(TcpState.FIN_WAIT_1, c.state());
            t.send(ack().seq(D).ack(S + 1));
            assertEquals(TcpState.FIN_WAIT_2, c.state());
            t.send(fin().seq(D).ack(S + 1));
            t.expect(ack().seq(S + 1).ack(D + 1));
            assertEquals(TcpState.TIME_WAIT, c.state());
            t.after(ms(10_000));
            t.send(fin().seq(D).ack(S + 1)); // a retransmitted FIN is ACKed and restarts 2 MSL
            t.expect(ack().seq(S + 1).ack(D + 1));
            t.after(ms(59_999));
            assertEquals(2, t.tcp.pcbs().size());
            t.after(ms(1));
            assertEquals(1, t.tcp.pcbs().size(), "TIME_WAIT over: freed");
            assertEquals(List.of(), t.errors);
            t.assertNoLeaks();
        }
    }

    @Test
    void conformance17_simultaneousCloseThroughClosing() {
        try (TcpScript t = open(b -> { })) {
            TcpPcb c = t.conn;
            c.close();
            t.expect(fin().seq(S).ack(D));
            t.send(fin().seq(D).ack(S)); // the peer's FIN crosses ours
            t.expect(ack().seq(S + 1).ack(D + 1));
            assertEquals(TcpState.CLOSING, c.state());
            t.send(ack().seq(D + 1).ack(S + 1));
            assertEquals(TcpState.TIME_WAIT, c.state());
        }
    }

    @Test
    void conformance17_finWait2TimesOutAfterClose() {
        try (TcpScript t = open(b -> b.finWait2Timeout(Duration.ofSeconds(20)))) {
            t.conn.close();
            t.expect(fin().seq(S));
            t.send(ack().seq(D).ack(S + 1));
            assertEquals(TcpState.FIN_WAIT_2, t.conn.state());
            t.after(ms(20_000));
            assertEquals(1, t.tcp.pcbs().size());
        }
    }

    @Test
    void passiveCloseThroughCloseWaitAndLastAck() {
        try (TcpScript t = open(b -> { })) {
            TcpPcb c = t.conn;
            t.send(fin().seq(D).ack(S));
            t.expect(ack().ack(D + 1));
            assertEquals(1, t.fins);
            assertEquals(TcpState.CLOSE_WAIT, c.state());
            c.write("last".getBytes()); // half-close: we may still send
            t.expect(Seg.psh().seq(S).payload("last"));
            c.close();
            t.expect(fin().seq(S + 4).ack(D + 1));
            assertEquals(TcpState.LAST_ACK, c.state());
            t.send(ack().seq(D + 1).ack(S + 5));
            assertEquals(1, t.tcp.pcbs().size());
            assertThrows(IllegalStateException.class, () -> c.write("x".getBytes()));
        }
    }

    @Test
    void halfCloseKeepsReceivingAfterShutdownOfTheSendSide() {
        try (TcpScript t = open(b -> { })) {
            TcpPcb c = t.conn;
            c.shutdown(false, true);
            t.expect(fin().seq(S));
            t.send(ack().seq(D).ack(S + 1));
            assertEquals(TcpState.FIN_WAIT_2, c.state());
            t.send(ack().seq(D).ack(S + 1).payload("still"));
            assertEquals("still", new String(t.receivedBytes()));
            assertEquals(Err.CONN, c.write("no".getBytes()));
        }
    }

    @Test
    void conformance4_abortInEstablishedSendsExactlyOneRst() {
        try (TcpScript t = open(b -> { })) {
            t.send(ack().seq(D).ack(S).payload("abc"));
            t.after(ms(200)).drain();
            t.conn.abort();
            t.expect(rstAck().seq(S).ack(D + 3).ports(80, 4000).len(0));
            t.expectNothing();
            assertEquals(List.of(Err.ABRT), t.errors);
            t.after(ms(60_000)).expectNothing();
        }
    }

    @Test
    void closeWithUnreadDataResets() {
        try (TcpScript t = open(b -> { })) {
            t.autoRecved = false;
            t.send(ack().seq(D).ack(S).payload("unread"));
            t.conn.close();
            t.expect(rstAck().seq(S).ack(D + 6));
            assertEquals(List.of(), t.errors, "no callback after close");
        }
    }

    @Test
    void dataAfterCloseGetsRst() {
        try (TcpScript t = open(b -> { })) {
            t.conn.close();
            t.expect(fin().seq(S));
            t.send(ack().seq(D).ack(S + 1).payload("late"));
            t.expect(rstAck().seq(S + 1));
            assertEquals(1, t.tcp.pcbs().size());
        }
    }

    @Test
    void conformance20_rstIgnoredInTimeWait() {
        try (TcpScript t = open(b -> { })) {
            TcpPcb c = t.conn;
            c.close();
            t.expect(fin().seq(S));
            t.send(fin().seq(D).ack(S + 1));
            t.expect(ack().ack(D + 1));
            assertEquals(TcpState.TIME_WAIT, c.state());
            t.send(Seg.rst().seq(D + 1));
            assertEquals(TcpState.TIME_WAIT, c.state());
        }
    }

    @Test
    void conformance25_keepaliveProbesAfterIdleThenAborts() {
        try (TcpScript t = open(b -> { })) {
            t.conn.setKeepalive(true, Duration.ofSeconds(10), Duration.ofSeconds(2), 3);
            t.after(ms(9_999)).expectNothing();
            t.after(ms(1)).expect(ack().seq(S - 1).ack(D).len(0));
            t.send(ack().seq(D).ack(S)); // answered: idle again
            t.after(ms(9_999)).expectNothing();
            t.after(ms(1)).expect(ack().seq(S - 1));
            t.after(ms(2000)).expect(ack().seq(S - 1));
            t.after(ms(2000)).expect(ack().seq(S - 1));
            t.after(ms(2000)).expect(rstAck().seq(S));
            assertEquals(List.of(Err.ABRT), t.errors);
        }
    }

    @Test
    void conformance16_pcbExhaustionRecyclesTimeWaitElseFailsWithMem() {
        try (TcpScript t = open(b -> b.memNumPcb(3))) {
            TcpPcb c = t.conn;
            c.close();
            t.expect(fin().seq(S));
            t.send(fin().seq(D).ack(S + 1));
            t.drain();
            assertEquals(TcpState.TIME_WAIT, c.state());
            TcpPcb a = t.stack.newTcpPcb(); // third pcb: listener, TIME_WAIT, this one
            TcpPcb b = t.stack.newTcpPcb(); // recycles the TIME_WAIT pcb
            assertEquals(TcpState.CLOSED, c.state());
            ErrException e = assertThrows(ErrException.class, t.stack::newTcpPcb);
            assertEquals(Err.MEM, e.err());
            a.close();
            b.close();
        }
    }

    @Test
    void misuseIsAClearException() {
        try (TcpScript t = new TcpScript()) {
            TcpPcb p = t.stack.newTcpPcb();
            assertEquals(Err.OK, p.bind(Ip4Address.ANY, 5000));
            assertThrows(IllegalStateException.class, () -> p.bind(Ip4Address.ANY, 5001));
            TcpPcb q = t.stack.newTcpPcb();
            assertEquals(Err.USE, q.bind(Ip4Address.ANY, 5000));
            assertEquals(Err.CONN, p.write("x".getBytes()));
            p.listen(1);
            assertThrows(IllegalStateException.class, () -> p.listen(1));
            p.close();
            assertThrows(IllegalStateException.class, () -> p.listen(1));
            q.close();
        }
    }

    @Test
    void callbacksMayReenter_closeFromRecvAndWriteFromAccept() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            t.listener.onAccept((l, c) -> {
                t.conn = c;
                c.write("hello".getBytes());
                c.onRecv((pcb, p) -> {
                    if (p != null) {
                        pcb.recved(p.totalLength());
                        p.free();
                        pcb.close();
                    }
                });
            });
            t.send(syn().seq(P).mss(1000));
            t.expect(Seg.synAck().ack(D));
            t.send(ack().seq(D).ack(S));
            t.expect(Seg.psh().seq(S).payload("hello"));
            t.send(ack().seq(D).ack(S + 5).payload("bye"));
            t.expect(fin().seq(S + 5).ack(D + 3));
            assertEquals(TcpState.FIN_WAIT_1, t.conn.state());
        }
    }

    @Test
    void newSynAboveTheOldSequenceSpaceReopensFromTimeWait() {
        try (TcpScript t = open(b -> { })) {
            TcpPcb old = t.conn;
            old.close();
            t.expect(fin().seq(S));
            t.send(fin().seq(D).ack(S + 1));
            t.expect(ack().ack(D + 1));
            assertEquals(TcpState.TIME_WAIT, old.state());
            t.send(syn().seq(D - 5)); // an old SYN: a challenge ACK, TIME_WAIT stays
            t.expect(ack().seq(S + 1).ack(D + 1));
            assertEquals(TcpState.TIME_WAIT, old.state());
            t.send(syn().seq(D + 100_000).mss(1000)); // a new incarnation
            t.expect(Seg.synAck().ack(D + 100_001));
            assertEquals(TcpState.CLOSED, old.state());
        }
    }

    @Test
    void withoutAReceiveCallbackThePeersFinIsAcknowledgedAndTheConnectionClosed() {
        try (TcpScript t = open(b -> { })) {
            TcpPcb c = t.conn;
            c.onRecv(null); // lwIP's tcp_recv_null
            t.send(fin().seq(D).ack(S));
            t.expect(ack().seq(S).ack(D + 1));
            t.expect(fin().seq(S).ack(D + 1));
            assertEquals(TcpState.LAST_ACK, c.state());
            t.send(ack().seq(D + 1).ack(S + 1));
            assertEquals(1, t.tcp.pcbs().size(), "freed; the listener stays");
        }
    }

    @Test
    void closeSaysOkInEveryStateItAccepts() {
        try (TcpScript t = open(b -> { })) {
            assertEquals(Err.OK, t.conn.close(), "ESTABLISHED");
            t.expect(fin().seq(S).ack(D));
            assertEquals(Err.OK, t.listener.close(), "LISTEN");
            TcpPcb fresh = t.stack.newTcpPcb();
            assertEquals(Err.OK, fresh.close(), "CLOSED");
        }
        try (TcpScript t = open(b -> { })) {
            t.autoRecved = false;
            t.send(ack().seq(D).ack(S).payload("unread"));
            assertEquals(Err.OK, t.conn.close(), "with unread data: a reset, still OK");
            t.expect(rstAck().seq(S));
        }
    }

    @Test
    void pcbsAreListedByLocalThenRemotePort() {
        try (TcpScript t = open(b -> { })) {
            TcpPcb other = t.stack.newTcpPcb();
            assertEquals(Err.OK, other.bind(Ip4Address.ANY, 79));
            assertEquals(Err.OK, other.listen(1));
            List<TcpPcb> all = t.tcp.pcbs();
            assertEquals(3, all.size());
            assertEquals(79, all.get(0).localPort());
            assertEquals(0, all.get(1).remotePort(), "the listener on 80 before its connection");
            assertEquals(TcpScript.PEER_PORT, all.get(2).remotePort());
        }
    }

    @Test
    void closingInFinWait2AfterAShutdownStartsTheFinWait2Timer() {
        try (TcpScript t = open(b -> b.finWait2Timeout(Duration.ofSeconds(20)))) {
            TcpPcb c = t.conn;
            assertEquals(Err.OK, c.shutdown(false, true));
            t.expect(fin().seq(S).ack(D));
            t.send(ack().seq(D).ack(S + 1));
            assertEquals(TcpState.FIN_WAIT_2, c.state());
            t.after(ms(60_000));
            assertEquals(TcpState.FIN_WAIT_2, c.state(), "open for reading: no timer");
            assertEquals(Err.OK, c.close());
            t.after(ms(19_999));
            assertEquals(2, t.tcp.pcbs().size());
            t.after(ms(1));
            assertEquals(1, t.tcp.pcbs().size(), "closed in FIN_WAIT_2: freed after the timeout");
        }
    }

    @Test
    void closeWithUnreadDataInCloseWaitResetsToo() {
        try (TcpScript t = open(b -> { })) {
            t.autoRecved = false;
            t.send(ack().seq(D).ack(S).payload("unread"));
            t.send(fin().seq(D + 6).ack(S));
            t.drain();
            assertEquals(TcpState.CLOSE_WAIT, t.conn.state());
            t.conn.close();
            t.expect(rstAck().seq(S));
            assertEquals(1, t.tcp.pcbs().size());
        }
    }

    @Test
    void closeStopsThePollCallback() {
        try (TcpScript t = open(b -> { })) {
            int[] polls = new int[1];
            t.conn.onPoll(pcb -> polls[0]++, Duration.ofMillis(500));
            t.after(ms(1000));
            int before = polls[0];
            assertEquals(true, before >= 1, "polled while open: " + before);
            t.conn.close();
            t.expect(fin().seq(S).ack(D));
            t.after(ms(5000));
            assertEquals(before, polls[0], "no poll after close");
            t.drain();
        }
    }

    @Test
    void timeWaitKeepsOnlyItsStateTimerAndAFreedPcbNone() {
        try (TcpScript t = open(b -> { })) {
            TcpPcb c = t.conn;
            c.setKeepalive(true, Duration.ofSeconds(10), Duration.ofSeconds(1), 3);
            assertEquals(true, c.keepaliveTimer.isScheduled());
            c.close();
            t.expect(fin().seq(S).ack(D));
            assertEquals(true, c.rtoTimer.isScheduled(), "the FIN is timed");
            t.send(ack().seq(D).ack(S + 1));
            t.send(fin().seq(D).ack(S + 1));
            t.expect(ack().seq(S + 1).ack(D + 1));
            assertEquals(TcpState.TIME_WAIT, c.state());
            assertEquals(false, c.rtoTimer.isScheduled());
            assertEquals(false, c.keepaliveTimer.isScheduled(), "no keepalive in TIME_WAIT");
            assertEquals(false, c.persistTimer.isScheduled());
            assertEquals(false, c.delackTimer.isScheduled());
            assertEquals(true, c.stateTimer.isScheduled());
        }
        try (TcpScript t = open(b -> { })) {
            TcpPcb c = t.conn;
            c.setKeepalive(true, Duration.ofSeconds(10), Duration.ofSeconds(1), 3);
            c.onPoll(pcb -> { }, Duration.ofSeconds(1));
            c.write(new byte[100]);
            t.drain();
            t.send(ack().seq(D).ack(S).payload("x")); // a delayed ACK is due
            assertEquals(true, c.delackTimer.isScheduled());
            assertEquals(true, c.rtoTimer.isScheduled());
            c.abort();
            t.expect(rstAck().seq(S + 100));
            for (org.lwip4j.stack.Timer timer : List.of(c.rtoTimer, c.keepaliveTimer, c.pollTimer, c.delackTimer,
                    c.persistTimer, c.stateTimer)) {
                assertEquals(false, timer.isScheduled(), "a freed pcb holds no armed timer");
            }
            t.after(ms(20_000)).expectNothing();
        }
    }
}
