package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.fin;
import static org.lwip4j.tcp.Seg.psh;
import static org.lwip4j.tcp.Seg.rstAck;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.stack.Err;

/** The user timeout (RFC 9293 §3.8.3, RFC 5482 as TCP_USER_TIMEOUT) and SO_LINGER on the raw API. */
class TcpUserTimeoutLingerTest {
    static final int P = 1000;
    static final int D = P + 1;
    static final int S = ISS + 1;

    static TcpScript open(java.util.function.Consumer<org.lwip4j.stack.StackConfig.TcpOptions.Builder> tweak) {
        TcpScript t = new TcpScript(tweak);
        t.established(P, syn().mss(1000));
        return t;
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 5 + 1);
        }
        return b;
    }

    @Test
    void optionsAreOffByDefaultAndRejectNegativeTimes() {
        try (TcpScript t = open(b -> { })) {
            assertEquals(Duration.ZERO, t.conn.userTimeout());
            assertNull(t.conn.linger());
            t.conn.setUserTimeout(ms(1500));
            t.conn.setLinger(Duration.ZERO);
            assertEquals(ms(1500), t.conn.userTimeout());
            assertEquals(Duration.ZERO, t.conn.linger());
            t.conn.setLinger(null);
            assertNull(t.conn.linger());
            assertThrows(IllegalArgumentException.class, () -> t.conn.setUserTimeout(ms(-1)));
            assertThrows(IllegalArgumentException.class, () -> t.conn.setLinger(ms(-1)));
        }
    }

    @Test
    void userTimeoutAbortsUnacknowledgedDataAtItsExactTimeWithRst() {
        try (TcpScript t = open(b -> { })) {
            t.conn.setUserTimeout(ms(2500));
            t.conn.write(bytes(100));
            t.expect(psh().seq(S).len(100));
            t.after(ms(999)).expectNothing();
            t.after(ms(1)).expect(psh().seq(S).len(100)); // RTO 1 s, next one 2 s later: past the user timeout
            t.after(ms(1499)).expectNothing();
            assertEquals(List.of(), t.errors);
            t.after(ms(1)).expect(rstAck().seq(S + 100).ack(D));
            t.expectNothing();
            assertEquals(List.of(Err.ABRT), t.errors);
            assertEquals(TcpState.CLOSED, t.conn.state());
            assertEquals(1, t.tcp.pcbs().size(), "the connection's pcb is freed");
        }
    }

    @Test
    void userTimeoutReplacesTheRetransmissionCount() {
        try (TcpScript t = open(b -> b.maxRtx(2).maxRto(ms(2000)))) {
            t.conn.setUserTimeout(ms(10_000));
            t.conn.write(bytes(100));
            t.expect(psh().seq(S).len(100));
            t.after(ms(9_999));
            assertEquals(5, t.drain().size(), "retransmissions at 1, 3, 5, 7 and 9 s: more than maxRtx");
            assertEquals(List.of(), t.errors);
            t.after(ms(1)).expect(rstAck().seq(S + 100));
            assertEquals(List.of(Err.ABRT), t.errors);
        }
    }

    @Test
    void userTimeoutDoesNotAbortWhileAcksKeepComing() {
        try (TcpScript t = open(b -> { })) {
            t.conn.setUserTimeout(ms(1500));
            t.conn.setNoDelay(true); // a new segment while the last is in flight
            int una = S;
            t.conn.write(bytes(100));
            t.expect(psh().seq(una).len(100));
            for (int i = 0; i < 6; i++) { // data always in flight for 5.4 s, each byte acked within 900 ms
                t.after(ms(900));
                t.conn.write(bytes(100));
                t.expect(psh().seq(una + 100).len(100));
                t.send(ack().seq(D).ack(una + 100));
                una += 100;
            }
            t.send(ack().seq(D).ack(una + 100));
            t.after(ms(10_000)).expectNothing();
            assertEquals(List.of(), t.errors);
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
        }
    }

    @Test
    void userTimeoutEndsZeroWindowProbingEvenWhenTheProbesAreAnswered() {
        try (TcpScript t = open(b -> { })) {
            t.conn.setUserTimeout(ms(2500));
            t.send(ack().seq(D).ack(S).window(0));
            t.conn.write(bytes(100));
            t.expectNothing();
            t.after(ms(1000)).expect(ack().seq(S).len(1));
            t.send(ack().seq(D).ack(S).window(0)); // answered, the window stays shut
            t.after(ms(1499)).expectNothing();
            assertEquals(List.of(), t.errors);
            t.after(ms(1)).expect(rstAck().seq(S));
            assertEquals(List.of(Err.ABRT), t.errors);
        }
    }

    @Test
    void userTimeoutWithKeepaliveAbortsWhenProbesGoUnansweredPastIt() {
        try (TcpScript t = open(b -> { })) {
            t.conn.setKeepalive(true, Duration.ofSeconds(10), Duration.ofSeconds(2), 9);
            t.conn.setUserTimeout(Duration.ofSeconds(15));
            t.after(ms(10_000)).expect(ack().seq(S - 1).len(0));
            t.after(ms(2000)).expect(ack().seq(S - 1));
            t.after(ms(2000)).expect(ack().seq(S - 1));
            t.after(ms(1999)).expectNothing();
            assertEquals(List.of(), t.errors);
            t.after(ms(1)).expect(rstAck().seq(S)); // 16 s of silence, probes out: not nine probes
            assertEquals(List.of(Err.ABRT), t.errors);
        }
    }

    @Test
    void lingerZeroMakesCloseAnAbortDiscardingUnsentData() {
        try (TcpScript t = open(b -> { })) {
            t.send(ack().seq(D).ack(S).window(0));
            t.conn.write(bytes(100)); // cannot go: the window is shut
            t.expectNothing();
            t.conn.setLinger(Duration.ZERO);
            assertEquals(Err.OK, t.conn.close());
            t.expect(rstAck().seq(S).ack(D));
            t.after(ms(60_000)).expectNothing();
            assertEquals(TcpState.CLOSED, t.conn.state());
            assertEquals(1, t.tcp.pcbs().size(), "freed at once");
            assertEquals(List.of(), t.errors, "no callback after close");
        }
    }

    @Test
    void positiveLingerAbortsACloseThatDoesNotFinishInTime() {
        try (TcpScript t = open(b -> { })) {
            t.conn.setLinger(ms(2500));
            t.conn.write(bytes(100));
            assertEquals(Err.OK, t.conn.close());
            t.expect(psh().seq(S).len(100));
            t.expect(fin().seq(S + 100).ack(D));
            t.send(ack().seq(D).ack(S + 100)); // the data, not the FIN
            t.after(ms(2499));
            t.drain(); // the FIN retransmitted
            assertEquals(TcpState.FIN_WAIT_1, t.conn.state());
            t.after(ms(1)).expect(rstAck().seq(S + 101).ack(D));
            assertEquals(TcpState.CLOSED, t.conn.state());
            assertEquals(1, t.tcp.pcbs().size());
            assertEquals(List.of(), t.errors);
        }
    }

    @Test
    void positiveLingerMetLeavesTheCloseGraceful() {
        try (TcpScript t = open(b -> b.msl(Duration.ofSeconds(30)))) {
            t.conn.setLinger(ms(2500));
            assertEquals(Err.OK, t.conn.close());
            t.expect(fin().seq(S).ack(D));
            t.send(ack().seq(D).ack(S + 1));
            assertEquals(TcpState.FIN_WAIT_2, t.conn.state());
            t.after(ms(5000)).expectNothing();
            assertEquals(TcpState.FIN_WAIT_2, t.conn.state());
            t.send(fin().seq(D).ack(S + 1));
            t.expect(ack().seq(S + 1).ack(D + 1));
            assertEquals(TcpState.TIME_WAIT, t.conn.state());
            t.after(ms(60_000));
            assertEquals(1, t.tcp.pcbs().size(), "TIME_WAIT over: freed");
            assertEquals(List.of(), t.errors);
        }
    }

    @Test
    void lingerOffKeepsRetransmittingTheFinWithoutRst() {
        try (TcpScript t = open(b -> { })) {
            assertEquals(Err.OK, t.conn.close());
            t.expect(fin().seq(S).ack(D));
            t.after(ms(1000)).expect(fin().seq(S));
            t.after(ms(2000)).expect(fin().seq(S));
            t.expectNothing();
            assertEquals(TcpState.FIN_WAIT_1, t.conn.state());
            t.send(ack().seq(D).ack(S + 1));
            assertEquals(TcpState.FIN_WAIT_2, t.conn.state());
        }
    }

    @Test
    void acceptedConnectionsInheritBothFromTheirListener() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            t.listener.setUserTimeout(ms(4000));
            t.listener.setLinger(ms(700));
            t.send(syn().seq(P).mss(1000));
            t.expect(Seg.synAck().seq(ISS).ack(D));
            t.send(ack().seq(D).ack(S));
            assertEquals(ms(4000), t.conn.userTimeout());
            assertEquals(ms(700), t.conn.linger());
        }
    }

    @Test
    void positiveLingerAbortsAPassiveCloseStuckInLastAck() {
        try (TcpScript t = open(b -> { })) {
            t.conn.setLinger(ms(1500));
            t.send(fin().seq(D).ack(S));
            t.expect(ack().seq(S).ack(D + 1));
            assertEquals(TcpState.CLOSE_WAIT, t.conn.state());
            assertEquals(Err.OK, t.conn.close());
            t.expect(fin().seq(S).ack(D + 1));
            assertEquals(TcpState.LAST_ACK, t.conn.state());
            t.after(ms(1000)).expect(fin().seq(S));
            t.after(ms(499)).expectNothing();
            t.after(ms(1)).expect(rstAck().seq(S + 1).ack(D + 1));
            assertEquals(1, t.tcp.pcbs().size());
            assertEquals(List.of(), t.errors);
        }
    }

    @Test
    void aWindowOpeningAfterLongIdleIsNotMistakenForAnExpiredUserTimeout() {
        try (TcpScript t = open(b -> { })) {
            t.conn.setUserTimeout(ms(5000));
            t.after(ms(10_000)); // idle far longer than the user timeout
            t.send(ack().seq(D).ack(S).window(0));
            t.conn.write(bytes(100));
            t.after(ms(1000)).expect(ack().seq(S).len(1));
            t.send(ack().seq(D).ack(S).window(0));
            t.after(ms(500));
            t.send(ack().seq(D).ack(S).window(1000)); // opens without taking the probe byte
            t.expect(psh().seq(S).len(100));
            t.expectNothing();
            assertEquals(List.of(), t.errors);
            t.send(ack().seq(D).ack(S + 100));
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
        }
    }
}
