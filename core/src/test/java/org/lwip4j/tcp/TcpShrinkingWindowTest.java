package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.psh;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.stack.Err;

/**
 * A peer that shrinks its window (RFC 9293 §3.8.6: SHLD-14 asks it not to, MUST-34 asks us to
 * cope): the right edge SND.UNA + SND.WND moves left of data already sent, even to zero. No new
 * data goes beyond it (SHLD-15), what is resent fits the window left (SHLD-16), a zero window
 * is probed by the persist timer at once (MUST-35), unacknowledged data beyond the edge never
 * times the connection out (SHLD-17), and once the window opens the transfer ends intact.
 */
class TcpShrinkingWindowTest {
    static final int P = 1000;
    static final int D = P + 1;
    static final int S = ISS + 1;

    /** Established with a peer of MSS 1000 and a 65,535-byte window; NewReno, no SACK. */
    static TcpScript open(java.util.function.Consumer<org.lwip4j.stack.StackConfig.TcpOptions.Builder> tweak) {
        TcpScript t = new TcpScript(b -> {
            b.congestion(org.lwip4j.stack.StackConfig.TcpOptions.Congestion.NEW_RENO);
            tweak.accept(b);
        });
        t.established(P, syn().mss(1000));
        return t;
    }

    static byte[] bytes(int n) {
        return TcpSendTest.bytes(n);
    }

    static byte[] slice(byte[] b, int from, int len) {
        return Arrays.copyOfRange(b, from, from + len);
    }

    /** Data beyond the shrunk edge is not resent by the RTO: only the part of the oldest data that fits the window. */
    @Test
    void shld15_16_aWindowShrunkUnderDataInFlightGetsNoNewDataAndRetransmissionsWithinIt() {
        try (TcpScript t = open(b -> { })) {
            byte[] data = bytes(8000);
            assertEquals(Err.OK, t.conn.write(data));
            for (int i = 0; i < 4; i++) {
                t.expect(ack().seq(S + 1000 * i).payload(slice(data, 1000 * i, 1000)));
            }
            t.expectNothing(); // cwnd: 4 segments
            // The peer takes 1000 and shrinks: its right edge goes from S + 65,535 back to S + 2000,
            // under 2000 bytes already sent, while cwnd (5000) would let new data go.
            t.send(ack().seq(D).ack(S + 1000).window(1000));
            t.expectNothing(); // SHLD-15: nothing new beyond the edge
            t.send(ack().seq(D).ack(S + 1500).window(700)); // edge S + 2200: still under what is out
            t.expectNothing();
            assertEquals(List.of(), t.errors);
            // The peer dropped what lay beyond its edge: the RTO resends from SND.UNA, 700 bytes,
            // all the window holds (SHLD-16), not the MSS.
            t.after(ms(999)).expectNothing();
            t.after(ms(1)).expect(ack().seq(S + 1500).payload(slice(data, 1500, 700)));
            t.expectNothing();
            t.send(ack().seq(D).ack(S + 2200).window(3000)); // edge S + 5200
            t.expect(ack().seq(S + 2200).payload(slice(data, 2200, 1000))); // cwnd 1700 after the RTO
            t.expectNothing();
            finish(t, data, 3200);
            assertEquals(8000, t.sentLens.stream().mapToInt(Integer::intValue).sum());
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
            assertEquals(List.of(), t.errors);
        }
    }

    /**
     * The window shrinks to zero under 3000 bytes in flight: the persist timer starts at once
     * (no retransmission timeout first, no loss assumed: cwnd stays), its probe is a byte of the
     * oldest data, at SND.UNA; when the window opens, what lay beyond the edge goes again.
     */
    @Test
    void must34_aWindowShrunkToZeroUnderDataInFlightIsProbedAtOnceAndTheDataGoesAgainWhenItOpens() {
        try (TcpScript t = open(b -> { })) {
            byte[] data = bytes(4000);
            t.conn.write(data);
            for (int i = 0; i < 4; i++) {
                t.expect(ack().seq(S + 1000 * i).len(1000));
            }
            t.send(ack().seq(D).ack(S + 1000).window(0));
            t.expectNothing();
            int cwnd = t.conn.info().cwnd();
            t.after(ms(999)).expectNothing();
            t.after(ms(1)).expect(ack().seq(S + 1000).ack(D).payload(slice(data, 1000, 1)));
            t.expectNothing();
            assertEquals(cwnd, t.conn.info().cwnd(), "a closed window is not a loss");
            assertEquals(0, t.conn.info().retransmits());
            t.send(ack().seq(D).ack(S + 1000).window(0)); // still shut: the next probe backs off
            t.after(ms(1999)).expectNothing();
            t.after(ms(1)).expect(ack().seq(S + 1000).len(1));
            t.send(ack().seq(D).ack(S + 1000).window(3000)); // open again, to S + 4000
            t.expect(ack().seq(S + 1000).payload(slice(data, 1000, 1000)));
            t.expect(ack().seq(S + 2000).payload(slice(data, 2000, 1000)));
            t.expect(psh().seq(S + 3000).payload(slice(data, 3000, 1000)));
            t.expectNothing();
            t.send(ack().seq(D).ack(S + 4000).window(65535));
            t.after(ms(10_000)).expectNothing();
            assertEquals(List.of(1000, 3000), t.sentLens);
            assertEquals(List.of(), t.errors);
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
        }
    }

    /**
     * SHLD-17 and MUST-37: while a zero window sits over unacknowledged data, nothing is
     * retransmitted into it and nothing times the connection out as long as the probes are
     * answered, even when ACKs of some of that data come in meanwhile (before: each such ACK
     * armed the retransmission timer, whose timeouts counted to {@code maxRtx} and aborted).
     */
    @Test
    void shld17_aZeroWindowOverDataInFlightNeverTimesTheConnectionOutWhileProbesAreAnswered() {
        try (TcpScript t = open(b -> b.maxRtx(3))) {
            byte[] data = bytes(4000);
            t.conn.write(data);
            t.drain();
            t.send(ack().seq(D).ack(S + 1000).window(0));
            t.after(ms(1000)).drain();
            t.send(ack().seq(D).ack(S + 2000).window(0)); // the peer had taken more, and stays shut
            int probes = 0;
            for (int second = 0; second < 600; second++) { // ten minutes
                t.after(ms(1000));
                for (Seg s : t.drain()) {
                    assertEquals(S + 2000, s.seq, "only probes, at SND.UNA: " + s);
                    assertEquals(1, s.dataLen(), "a probe: " + s);
                    probes++;
                    t.send(ack().seq(D).ack(S + 2000).window(0));
                }
            }
            assertEquals(List.of(), t.errors);
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
            assertEquals(true, probes > 10, "probes: " + probes);
            t.send(ack().seq(D).ack(S + 2000).window(65535));
            t.expect(ack().seq(S + 2000).payload(slice(data, 2000, 1000)));
            t.expect(psh().seq(S + 3000).payload(slice(data, 3000, 1000)));
            t.send(ack().seq(D).ack(S + 4000).window(65535));
            assertEquals(4000, t.sentLens.stream().mapToInt(Integer::intValue).sum());
        }
    }

    /**
     * The peer acknowledges each flight with an open window until nothing more comes; the bytes
     * from {@code data[from]} on must have arrived in order and intact.
     */
    static void finish(TcpScript t, byte[] data, int from) {
        byte[] got = new byte[data.length - from];
        int acked = from;
        t.send(ack().seq(D).ack(S + acked).window(65535));
        for (List<Seg> sent = t.drain(); !sent.isEmpty(); sent = t.drain()) {
            for (Seg s : sent) {
                System.arraycopy(s.payload, 0, got, s.seq - (S + from), s.payload.length);
                acked = Math.max(acked, s.seq - S + s.payload.length);
            }
            t.send(ack().seq(D).ack(S + acked).window(65535));
        }
        assertEquals(data.length, acked, "everything sent");
        assertArrayEquals(slice(data, from, data.length - from), got, "in order and intact");
    }

    /**
     * With SACK, RACK's tail loss probe (RFC 8985 §7) is armed by the ACK that shrinks the window
     * to zero; it must not resend the last segment into the closed window (nor start the RTO):
     * the persist timer's probe at SND.UNA is all that goes.
     */
    @Test
    void aTailLossProbeDoesNotGoIntoAWindowShrunkToZero() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            t.send(syn().seq(P).mss(1000).sackPermitted());
            t.expect(Seg.synAck().seq(ISS).ack(D));
            t.after(ms(10));
            t.send(ack().seq(D).ack(S)); // an RTT of 10 ms: the probe timeout (2 SRTT + 200 ms) comes before the RTO
            byte[] data = bytes(4000);
            t.conn.write(data);
            t.drain();
            t.after(ms(10));
            t.send(ack().seq(D).ack(S + 1000).window(0));
            t.after(ms(999)).expectNothing();
            t.after(ms(1)).expect(ack().seq(S + 1000).payload(slice(data, 1000, 1)));
            t.expectNothing();
            assertEquals(0, t.conn.info().tlpProbes());
            assertEquals(0, t.conn.info().retransmits());
            finish(t, data, 1000);
            assertEquals(List.of(), t.errors);
        }
    }

    /** A peer that does not answer the probes of a zero window over data in flight is given up on after maxRtx probes. */
    @Test
    void anUnansweredZeroWindowOverDataInFlightIsAbortedByThePersistTimer() {
        try (TcpScript t = open(b -> b.maxRtx(3))) {
            t.conn.write(bytes(4000));
            t.drain();
            t.send(ack().seq(D).ack(S + 1000).window(0));
            t.after(ms(1000)).expect(ack().seq(S + 1000).len(1));
            t.after(ms(2000)).expect(ack().seq(S + 1000).len(1));
            t.after(ms(4000)).expect(ack().seq(S + 1000).len(1));
            assertEquals(List.of(), t.errors);
            t.after(ms(8000));
            assertEquals(List.of(Err.ABRT), t.errors, "three probes unanswered");
        }
    }
}
