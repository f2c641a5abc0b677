package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.stack.Err;

/** Callbacks: poll, a recv callback that throws, recv without a callback, the delivery problem (R1). */
class TcpCallbackTest {
    @Test
    void pollRunsEveryIntervalUntilStopped() {
        try (TcpScript t = new TcpScript()) {
            t.established(1000, syn());
            int[] polls = new int[1];
            t.conn.onPoll(p -> polls[0]++, Duration.ofMillis(500));
            t.after(ms(1600));
            assertEquals(3, polls[0]);
            t.conn.onPoll(null, Duration.ofMillis(500));
            t.after(ms(2000));
            assertEquals(3, polls[0]);
        }
    }

    @Test
    void recvCallbackThatThrowsLosesNoPbufAndTheConnectionGoesOn() {
        try (TcpScript t = new TcpScript()) {
            t.established(1000, syn());
            t.conn.onRecv((pcb, p) -> {
                throw new IllegalStateException("application bug");
            });
            t.send(ack().seq(1001).ack(ISS + 1).payload("abc"));
            assertEquals(1, t.stack.stats().tcp.err);
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
            t.assertNoLeaks();
        }
    }

    @Test
    void withoutRecvCallbackDataIsConsumedAndTheWindowStaysOpen() {
        try (TcpScript t = new TcpScript(b -> b.wnd(4000).windowScaling(false))) {
            t.established(1000, syn());
            t.conn.onRecv(null);
            t.send(ack().seq(1001).ack(ISS + 1).payload(new byte[3000]));
            t.after(ms(100)).expect(ack().ack(4001).window(4000));
            t.assertNoLeaks();
        }
    }

    static final int S = ISS + 1;

    /**
     * SHLD-9 (RFC 9293 §3.8.3, RFC 1122 §4.2.3.5): from the third retransmission of a segment
     * (R1) on, the application hears of the delivery problem at each timeout, after the segment
     * left, with the count, until R2 ends the connection; an ACK of new data starts the count again.
     */
    @Test
    void shld9_theApplicationHearsOfTheDeliveryProblemAtEachRetransmissionFromR1On() {
        try (TcpScript t = new TcpScript(b -> b.maxRtx(5).maxRto(ms(5000)))) {
            t.established(1000, syn().mss(1000));
            List<String> told = new ArrayList<>();
            t.conn.onDeliveryProblem((pcb, n) -> told.add(n + " at " + t.clock.nanoTime() / 1_000_000 + " ms"));
            t.conn.write(TcpSendTest.bytes(100));
            t.expect(Seg.psh().seq(S).len(100));
            t.after(ms(1000)).expect(Seg.psh().seq(S).len(100)); // 1st retransmission
            t.after(ms(2000)).expect(Seg.psh().seq(S).len(100)); // 2nd
            assertEquals(List.of(), told);
            t.after(ms(3999)).expectNothing();
            assertEquals(List.of(), told);
            t.after(ms(1)).expect(Seg.psh().seq(S).len(100)); // 3rd: R1
            assertEquals(List.of("3 at 7000 ms"), told);
            t.after(ms(5000)).expect(Seg.psh().seq(S).len(100));
            assertEquals(List.of("3 at 7000 ms", "4 at 12000 ms"), told);
            assertEquals(4, t.conn.info().retransmits());
            t.send(ack().seq(1001).ack(S + 100)); // acknowledged at last
            t.conn.write(TcpSendTest.bytes(10));
            t.expect(Seg.psh().seq(S + 100).len(10));
            t.after(ms(5000)).expect(Seg.psh().seq(S + 100).len(10));
            t.after(ms(5000)).expect(Seg.psh().seq(S + 100).len(10));
            assertEquals(2, told.size(), "a new segment counts from 0: " + told);
            t.after(ms(5000)).expect(Seg.psh().seq(S + 100).len(10));
            assertEquals("3 at 27000 ms", told.get(2));
            t.after(ms(5000)).expect(Seg.psh().seq(S + 100).len(10));
            t.after(ms(5000)).expect(Seg.psh().seq(S + 100).len(10));
            assertEquals(List.of("3 at 7000 ms", "4 at 12000 ms", "3 at 27000 ms", "4 at 32000 ms", "5 at 37000 ms"), told);
            assertEquals(List.of(), t.errors);
            t.after(ms(5000)); // R2: the sixth timeout aborts, and says nothing more of a problem
            assertEquals(List.of(Err.ABRT), t.errors);
            assertEquals(5, told.size());
        }
    }

    /** The SYN's retransmissions (MUST-22) tell of the problem from R1 on too, while the open is pending. */
    @Test
    void shld9_anOpenWhoseSynGoesUnansweredToldFromTheThirdRetransmission() {
        try (TcpScript t = new TcpScript()) {
            t.conn = t.stack.newTcpPcb();
            List<Integer> told = new ArrayList<>();
            t.conn.onDeliveryProblem((pcb, n) -> told.add(n));
            assertEquals(Err.OK, t.conn.connect(org.lwip4j.addr.Ip4Address.parse(TcpScript.PEER), TcpScript.PEER_PORT, c -> { }));
            t.expect(syn().seq(ISS));
            t.after(ms(1000)).expect(syn().seq(ISS));
            t.after(ms(2000)).expect(syn().seq(ISS));
            assertEquals(List.of(), told);
            t.after(ms(4000)).expect(syn().seq(ISS));
            assertEquals(List.of(3), told);
            assertEquals(TcpState.SYN_SENT, t.conn.state());
        }
    }

    /** A delivery problem callback that throws is counted; the retransmissions go on and it is called again. */
    @Test
    void aThrowingDeliveryProblemCallbackIsCountedAndTheConnectionGoesOn() {
        try (TcpScript t = new TcpScript()) {
            t.established(1000, syn().mss(1000));
            int[] calls = new int[1];
            t.conn.onDeliveryProblem((pcb, n) -> {
                calls[0]++;
                throw new IllegalStateException("application bug");
            });
            t.conn.write(TcpSendTest.bytes(100));
            t.after(ms(1000 + 2000 + 4000));
            assertEquals(4, t.drain().size(), "the segment and three retransmissions");
            assertEquals(1, calls[0]);
            assertEquals(1, t.stack.stats().tcp.err);
            t.after(ms(8000)).expect(Seg.psh().seq(S).len(100));
            assertEquals(2, calls[0]);
            assertEquals(2, t.stack.stats().tcp.err);
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
        }
    }

    /** The application may give up at the first sign: an abort from the callback sends a RST and ends it there. */
    @Test
    void theApplicationMayAbortFromTheDeliveryProblemCallback() {
        try (TcpScript t = new TcpScript()) {
            t.established(1000, syn().mss(1000));
            t.conn.onDeliveryProblem((pcb, n) -> pcb.abort());
            t.conn.write(TcpSendTest.bytes(100));
            t.after(ms(1000 + 2000 + 4000));
            List<Seg> sent = t.drain();
            assertEquals(5, sent.size(), "the segment, three retransmissions, the RST: " + sent);
            assertEquals(null, Seg.rstAck().seq(S + 100).ack(1001).mismatch(sent.get(4)));
            assertEquals(List.of(Err.ABRT), t.errors);
            t.after(ms(60_000)).expectNothing();
            assertEquals(1, t.tcp.pcbs().size(), "only the listener is left");
        }
    }
}
