package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import org.junit.jupiter.api.Test;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackConfig.TcpOptions.Congestion;

/**
 * Congestion control and the retransmission timer by themselves: CUBIC's window against
 * RFC 9438's formula, its reduction and fast convergence, the Reno-friendly region; byte
 * counting (RFC 3465) in slow start; restart after idle (RFC 5681 §4.1); RFC 6298's
 * estimator, backoff and bounds; RTT samples from timestamps (RFC 7323 §4).
 */
class TcpCongestionTest {
    static final int MSS = 1000;
    static final long RTT = 100_000_000L; // 100 ms

    /** Feeds {@code cc} one window of ACKs (one per segment) per RTT from {@code t0} for {@code seconds}. */
    static long ackClock(CongestionControl cc, long t0, double seconds) {
        long now = t0;
        long end = t0 + (long) (seconds * 1e9);
        while (now < end) {
            int segs = cc.cwnd() / MSS;
            for (int i = 0; i < segs; i++) {
                cc.onAck(MSS, cc.cwnd(), MSS, now + RTT * i / segs, RTT);
            }
            now += RTT;
        }
        return now;
    }

    @Test
    void cubicIsTheDefaultAndNewRenoTheLwipChoice() {
        assertEquals(Congestion.CUBIC, StackConfig.TcpOptions.defaults().congestion());
        assertEquals(Congestion.NEW_RENO, StackConfig.TcpOptions.lwipDefaults().congestion());
        assertInstanceOf(Cubic.class, CongestionControl.of(Congestion.CUBIC));
        assertInstanceOf(NewReno.class, CongestionControl.of(Congestion.NEW_RENO));
    }

    @Test
    void cubicReducesByBetaAndComputesKFromWmax() {
        Cubic c = new Cubic();
        c.start(MSS);
        c.setCwnd(100 * MSS);
        c.onCongestion(100 * MSS, MSS, 0);
        assertEquals(70 * MSS, c.ssthresh(), "RFC 9438 §4.6: cwnd * 0.7");
        assertEquals(100.0, c.wMax(), 1e-9);
        c.onRecoveryEnd(0, MSS);
        assertEquals(70 * MSS, c.cwnd());
        c.onAck(MSS, 70 * MSS, MSS, 1, RTT); // the avoidance epoch starts
        assertEquals(Math.cbrt((100 - 70) / 0.4), c.k(), 1e-9, "RFC 9438 equation 2");
    }

    @Test
    void cubicWindowFollowsTheCubicFunctionOfTimeSinceTheEpoch() {
        Cubic c = new Cubic();
        c.start(MSS);
        c.setCwnd(100 * MSS);
        c.onCongestion(100 * MSS, MSS, 0);
        c.onRecoveryEnd(0, MSS);
        long t0 = 1;
        // Concave up to K (about 4.2 s), the plateau near W_max, then convex.
        for (double at : new double[] {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0}) {
            Cubic d = new Cubic();
            d.start(MSS);
            d.setCwnd(100 * MSS);
            d.onCongestion(100 * MSS, MSS, 0);
            d.onRecoveryEnd(0, MSS);
            ackClock(d, t0, at);
            double want = d.wCubic(at); // W_cubic(t) at the end of the ACK clock
            double got = (double) d.cwnd() / MSS;
            assertTrue(Math.abs(got - want) <= 0.05 * want + 1,
                    "t=" + at + " s: cwnd " + got + " segments, W_cubic " + want);
        }
        assertEquals(70 * MSS, c.cwnd());
    }

    @Test
    void cubicNeverGrowsSlowerThanRenoWouldInTheFriendlyRegion() {
        // A small window and a long RTT: W_cubic barely moves; W_est grows by alpha per RTT.
        Cubic c = new Cubic();
        c.start(MSS);
        c.setCwnd(10 * MSS);
        c.onCongestion(10 * MSS, MSS, 0);
        c.onRecoveryEnd(0, MSS);
        int before = c.cwnd();
        long now = 1;
        for (int r = 0; r < 10; r++) {
            int segs = c.cwnd() / MSS;
            for (int i = 0; i < segs; i++) {
                c.onAck(MSS, c.cwnd(), MSS, now, 10_000_000L);
            }
            now += 10_000_000L; // 10 ms RTT
        }
        // W_est after 10 RTTs: 7 + 10 * alpha (alpha 0.529 until it reaches cwnd_prior = 10).
        double west = 7 + 10 * Cubic.ALPHA;
        assertTrue(c.cwnd() >= (int) ((west - 1) * MSS), "cwnd " + c.cwnd() + " below W_est " + west);
        assertTrue(c.cwnd() > before);
    }

    @Test
    void cubicFastConvergenceLowersWmaxWhenTheWindowHadNotRegrown() {
        Cubic c = new Cubic();
        c.start(MSS);
        c.setCwnd(100 * MSS);
        c.onCongestion(100 * MSS, MSS, 0);
        c.onRecoveryEnd(0, MSS);
        c.onCongestion(70 * MSS, MSS, 1); // again at 70 < W_max 100
        assertEquals(70 * (1 + Cubic.BETA) / 2, c.wMax(), 1e-9);
        assertEquals(49 * MSS, c.ssthresh());
    }

    @Test
    void cubicTimeoutSetsOneSegmentAndIdleRestartTheInitialWindow() {
        Cubic c = new Cubic();
        c.start(MSS);
        c.setCwnd(50 * MSS);
        c.onRetransmitTimeout(50 * MSS, MSS, 0);
        assertEquals(MSS, c.cwnd());
        assertEquals(35 * MSS, c.ssthresh());
        c.setCwnd(50 * MSS);
        c.onIdleRestart(MSS, 0);
        assertEquals(4 * MSS, c.cwnd());
    }

    @Test
    void byteCountingInSlowStartGrowsAtMostTwoSegmentsPerAck() {
        for (CongestionControl cc : new CongestionControl[] {new NewReno(), new Cubic()}) {
            cc.start(MSS);
            assertEquals(4 * MSS, cc.cwnd(), "RFC 5681 §3.1 initial window");
            cc.onAck(4 * MSS, 4 * MSS, MSS, 0, 0); // a stretch ACK of four segments
            assertEquals(6 * MSS, cc.cwnd(), "RFC 3465 §2.2: L = 2 SMSS " + cc);
            cc.onAck(500, 6 * MSS, MSS, 0, 0);
            assertEquals(6 * MSS + 500, cc.cwnd(), "bytes, not ACKs, count " + cc);
        }
    }

    @Test
    void restartAfterIdleFallsBackToTheInitialWindow() {
        try (TcpScript t = new TcpScript(b -> b.congestion(Congestion.NEW_RENO))) {
            t.established(1000, syn().mss(1000));
            int s = ISS + 1;
            t.conn.cc.setCwnd(20_000);
            t.conn.write(TcpSendTest.bytes(1000));
            t.expect(Seg.psh().seq(s).len(1000));
            t.send(ack().seq(1001).ack(s + 1000));
            t.after(ms(1001)); // idle longer than the RTO (1 s)
            t.conn.write(TcpSendTest.bytes(8000));
            for (int i = 0; i < 4; i++) {
                t.expect(ack().seq(s + 1000 + 1000 * i).len(1000));
            }
            t.expectNothing();
            assertEquals(4000, t.conn.info().cwnd(), "RFC 5681 §4.1: the restart window");
        }
    }

    @Test
    void rfc6298EstimatorBackoffAndBounds() {
        RetransmitTimer r = new RetransmitTimer(1_000_000_000L, 200_000_000L, 60_000_000_000L);
        assertEquals(1_000_000_000L, r.rto(), "§2.1: 1 s before any sample");
        r.sample(100_000_000L);
        assertEquals(100_000_000L, r.srtt(), "§2.2: SRTT = R");
        assertEquals(50_000_000L, r.rttvar(), "RTTVAR = R / 2");
        assertEquals(300_000_000L, r.rto(), "RTO = SRTT + 4 RTTVAR");
        r.sample(200_000_000L);
        assertEquals(62_500_000L, r.rttvar(), "§2.3: 3/4 RTTVAR + 1/4 |SRTT - R'|");
        assertEquals(112_500_000L, r.srtt(), "7/8 SRTT + 1/8 R'");
        assertEquals(362_500_000L, r.rto());
        r.backOff();
        r.backOff();
        assertEquals(1_450_000_000L, r.rto(), "§5.5: doubled per expiry");
        assertEquals(2, r.backoffCount());
        for (int i = 0; i < 10; i++) {
            r.backOff();
        }
        assertEquals(60_000_000_000L, r.rto(), "§2.5: at most the maximum");
        r.sample(1_000_000L);
        assertEquals(0, r.backoffCount(), "a new sample ends the backoff");
        RetransmitTimer fast = new RetransmitTimer(1_000_000_000L, 200_000_000L, 60_000_000_000L);
        fast.sample(1_000_000L);
        assertEquals(200_000_000L, fast.rto(), "§2.4: 3 ms computed, the minimum RTO applies");
    }

    @Test
    void timestampsGiveAnRttSampleEvenForARetransmittedSegment() {
        try (TcpScript t = new TcpScript()) {
            t.established(1000, syn().mss(1000).ts(500, 0));
            int s = ISS + 1;
            t.conn.write(TcpSendTest.bytes(100));
            t.expect(Seg.psh().seq(s).len(100));
            Seg again = t.after(ms(1000)).expect(Seg.psh().seq(s).len(100)); // RTO
            assertEquals(0L, t.conn.info().srtt(), "the handshake's sample: 0 ms");
            t.after(ms(30)).send(ack().seq(1001).ack(s + 100).ts(501, again.tsVal));
            // RFC 7323 §4: the echo dates the retransmission: 30 ms, no Karn needed.
            assertEquals(3_750_000L, t.conn.info().srtt(), "SRTT 0 + 30 ms / 8");
            assertEquals(7_500_000L, t.conn.info().rttvar(), "RTTVAR 0 + 30 ms / 4");
        }
    }

    @Test
    void withoutTimestampsKarnTakesNoSampleFromARetransmission() {
        try (TcpScript t = new TcpScript()) {
            t.established(1000, syn().mss(1000));
            int s = ISS + 1;
            t.conn.write(TcpSendTest.bytes(100));
            t.expect(Seg.psh().seq(s).len(100));
            t.after(ms(1000)).expect(Seg.psh().seq(s).len(100));
            t.after(ms(30)).send(ack().seq(1001).ack(s + 100));
            assertEquals(0L, t.conn.info().srtt());
            assertEquals(2_000_000_000L, t.conn.info().rto(), "the backed-off RTO stays until a valid sample");
        }
    }

    @Test
    void withTimestampsTheGainsAreDividedByTheSamplesExpectedPerWindow() {
        try (TcpScript t = new TcpScript()) {
            t.established(1000, syn().mss(1000).ts(500, 0));
            int s = ISS + 1;
            t.conn.write(TcpSendTest.bytes(4 * 988)); // MSS 1000 less 12 for timestamps
            Seg first = t.expect(ack().seq(s).len(988));
            assertEquals(3, t.drain().size());
            // Four segments in flight: RFC 7323 §4.2 ExpectedSamples = floor((3952 + 2 * 988 - 1) / (2 * 988)) = 2.
            t.after(ms(40)).send(ack().seq(1001).ack(s + 4 * 988).ts(501, first.tsVal));
            assertEquals(2_500_000L, t.conn.info().srtt(), "SRTT 0 + 40 ms / (8 * 2)");
            assertEquals(5_000_000L, t.conn.info().rttvar(), "RTTVAR 0 + 40 ms / (4 * 2)");
        }
    }

    @Test
    void withoutTimestampsTheTimedSegmentMeasuresFromWhenItLeft() {
        try (TcpScript t = new TcpScript()) {
            t.established(1000, syn().mss(1000));
            int s = ISS + 1;
            t.after(ms(100));
            t.conn.write(TcpSendTest.bytes(100));
            t.expect(Seg.psh().seq(s).len(100));
            t.after(ms(30)).send(ack().seq(1001).ack(s + 100));
            assertEquals(3_750_000L, t.conn.info().srtt(), "SRTT 0 + 30 ms / 8: sent at 100 ms, ACKed at 130 ms");
        }
    }
}
