package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.psh;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.stack.Err;

/** The send side: segmentation, Nagle, windows, retransmission, fast retransmit, congestion control, persist. */
class TcpSendTest {
    static final int P = 1000;
    static final int D = P + 1;
    static final int S = ISS + 1; // our first data byte

    static TcpScript open() {
        return open(b -> { });
    }

    static TcpScript open(java.util.function.Consumer<org.lwip4j.stack.StackConfig.TcpOptions.Builder> tweak) {
        TcpScript t = new TcpScript(tweak);
        t.established(P, syn().mss(1000));
        return t;
    }

    /** Open with NewReno (RFC 5681/6582): the tests that pin its window arithmetic. */
    static TcpScript openReno() {
        return open(b -> b.congestion(org.lwip4j.stack.StackConfig.TcpOptions.Congestion.NEW_RENO));
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }

    @Test
    void writeIsSegmentedByMssWithinTheInitialWindow() {
        try (TcpScript t = open()) {
            assertEquals(Err.OK, t.conn.write(bytes(5000)));
            t.expect(ack().seq(S).ack(D).len(1000));
            t.expect(ack().seq(S + 1000).len(1000));
            t.expect(ack().seq(S + 2000).len(1000));
            t.expect(ack().seq(S + 3000).len(1000));
            t.expectNothing(); // initial window: 4 segments of 1000 (RFC 5681 §3.1)
            t.send(ack().seq(D).ack(S + 1000));
            t.expect(psh().seq(S + 4000).len(1000));
            assertEquals(List.of(1000), t.sentLens);
        }
    }

    @Test
    void conformance7_nagleHoldsSmallSegmentsWhileDataIsUnacknowledged() {
        try (TcpScript t = open()) {
            t.conn.write(bytes(10));
            t.expect(psh().seq(S).len(10));
            t.conn.write(bytes(10));
            t.conn.write(bytes(10));
            t.expectNothing();
            t.send(ack().seq(D).ack(S + 10));
            t.expect(psh().seq(S + 10).len(20));
            t.conn.write(bytes(1500)); // a full MSS goes even with data in flight
            t.expect(ack().seq(S + 30).len(1000));
            t.expectNothing();
        }
    }

    @Test
    void conformance7_noDelaySendsSmallSegmentsAtOnce() {
        try (TcpScript t = open()) {
            t.conn.setNoDelay(true);
            t.conn.write(bytes(10));
            t.conn.write(bytes(10));
            t.expect(psh().seq(S).len(10));
            t.expect(psh().seq(S + 10).len(10));
        }
    }

    @Test
    void conformance13_windowSmallerThanTheNextSegmentGetsAWindowSizedSegment() {
        try (TcpScript t = open()) {
            t.send(ack().seq(D).ack(S).window(300));
            t.conn.write(bytes(1000));
            t.expect(ack().seq(S).len(300));
            t.expectNothing();
            t.send(ack().seq(D).ack(S + 300).window(1000));
            t.expect(psh().seq(S + 300).len(700));
        }
    }

    @Test
    void conformance10_rtoResendsOnlyTheOldestSegmentWithALossWindowThenSlowStartGrows() {
        try (TcpScript t = openReno()) {
            t.conn.write(bytes(4000));
            for (int i = 0; i < 4; i++) {
                t.expect(ack().seq(S + 1000 * i).len(1000));
            }
            t.after(ms(999)).expectNothing();
            t.after(ms(1)).expect(ack().seq(S).len(1000));
            t.expectNothing();
            assertEquals(1000, t.conn.info().cwnd());
            assertEquals(2000, t.conn.info().ssthresh());
            t.send(ack().seq(D).ack(S + 1000));
            // cwnd 2000 (slow start +1 MSS): two segments.
            t.expect(ack().seq(S + 1000).len(1000));
            t.expect(ack().seq(S + 2000).len(1000));
            t.expectNothing();
        }
    }

    @Test
    void conformance11_rtoBacksOffExponentiallyAndAbortsAfterMaxRtx() {
        try (TcpScript t = open(b -> b.maxRtx(4).maxRto(ms(5000)))) {
            t.conn.write(bytes(100));
            t.expect(psh().seq(S).len(100));
            long[] gaps = {1000, 2000, 4000, 5000};
            for (long g : gaps) {
                t.after(ms(g - 1)).expectNothing();
                t.after(ms(1)).expect(psh().seq(S).len(100));
            }
            t.after(ms(5000));
            t.expectNothing();
            assertEquals(List.of(Err.ABRT), t.errors);
            assertEquals(1, t.tcp.pcbs().size(), "the connection's pcb is freed");
        }
    }

    @Test
    void conformance11_retransmissionsCountWhileTheLinkIsDown() {
        try (TcpScript t = open(b -> b.maxRtx(3))) {
            t.conn.write(bytes(100));
            t.expect(psh().seq(S).len(100));
            t.tun0.setLinkUp(false);
            t.after(ms(1000 + 2000 + 4000 + 8000));
            assertEquals(List.of(Err.ABRT), t.errors);
        }
    }

    @Test
    void rttSamplesSetTheRtoPerRfc6298() {
        try (TcpScript t = open(b -> b.minRto(ms(200)))) {
            t.conn.write(bytes(100));
            t.expect(psh().seq(S).len(100));
            t.after(ms(100));
            t.send(ack().seq(D).ack(S + 100));
            TcpInfo i = t.conn.info();
            // The handshake gave the first sample (0 ms); this one is 100 ms.
            assertTrue(i.srtt() > 0);
            assertEquals(i.srtt() + 4 * i.rttvar() < 200_000_000L ? 200_000_000L : i.srtt() + 4 * i.rttvar(), i.rto());
        }
    }

    @Test
    void conformance6_threeDuplicateAcksTriggerFastRetransmitOnlyPureDuplicatesCount() {
        try (TcpScript t = openReno()) {
            t.conn.write(bytes(4000));
            for (int i = 0; i < 4; i++) {
                t.expect(ack().seq(S + 1000 * i).len(1000));
            }
            t.send(ack().seq(D).ack(S));
            t.send(ack().seq(D).ack(S).window(60000)); // window changed: not a duplicate
            t.send(ack().seq(D).ack(S).window(60000).payload("x")); // carries data: not a duplicate
            t.drain();
            t.send(ack().seq(D + 1).ack(S).window(60000));
            t.send(ack().seq(D + 1).ack(S).window(60000));
            t.expectNothing();
            assertEquals(2, t.conn.info().dupAcks());
            t.send(ack().seq(D + 1).ack(S).window(60000));
            t.expect(ack().seq(S).len(1000));
            assertEquals(2000, t.conn.info().ssthresh());
            assertEquals(5000, t.conn.info().cwnd());
        }
    }

    @Test
    void newRenoPartialAckResendsTheNextHoleAndFullAckEndsRecovery() {
        try (TcpScript t = openReno()) {
            t.conn.write(bytes(4000));
            for (int i = 0; i < 4; i++) {
                t.expect(ack().seq(S + 1000 * i).len(1000));
            }
            for (int i = 0; i < 3; i++) {
                t.send(ack().seq(D).ack(S));
            }
            t.expect(ack().seq(S).len(1000));
            t.send(ack().seq(D).ack(S + 2000)); // partial: segment 3 lost too
            t.expect(ack().seq(S + 2000).len(1000));
            assertTrue(t.conn.inRecovery);
            t.send(ack().seq(D).ack(S + 4000)); // full
            assertTrue(!t.conn.inRecovery);
            assertEquals(2000, t.conn.info().cwnd(), "min(ssthresh, flight + MSS)");
        }
    }

    @Test
    void conformance8_queuesAndFastRetransmitHoldAcrossTheSequenceWrap() {
        try (TcpScript t = new TcpScript()) {
            t.tcp.isnOverride = () -> -1500;
            t.listen();
            t.send(syn().seq(-10).mss(1000));
            t.expect(Seg.synAck().seq(-1500).ack(-9));
            t.send(ack().seq(-9).ack(-1499));
            int s = -1499;
            t.conn.write(bytes(4000));
            for (int i = 0; i < 4; i++) {
                t.expect(ack().seq(s + 1000 * i).len(1000));
            }
            for (int i = 0; i < 4; i++) {
                t.send(ack().seq(-9).ack(s + 1000)); // a new ACK, then three duplicates
            }
            t.expect(ack().seq(s + 1000).len(1000));
            t.send(ack().seq(-9).ack(s + 4000));
            assertEquals(0, t.conn.info().sendQueued());
            t.conn.write(bytes(500));
            t.expect(psh().seq(s + 4000).len(500));
            t.after(ms(1000)).expect(psh().seq(s + 4000).len(500));
        }
    }

    /**
     * A sender the peer's window paces does not grow cwnd (RFC 7661 §4.1, RFC 9438 §5.8):
     * an ACK grows it only while cwnd is what holds the sender back, here until it is twice
     * the 4000 bytes the window lets out. Before, every ACK grew it, and on a long transfer
     * cwnd reached hundreds of megabytes that meant nothing.
     */
    @Test
    void aSenderThePeersWindowPacesStopsGrowingCwndAtTwiceTheFlight() {
        for (boolean reno : new boolean[] {true, false}) {
            try (TcpScript t = reno ? openReno() : open()) {
                t.send(ack().seq(D).ack(S).window(4000));
                t.conn.write(bytes(20_000));
                int[] cwnd = new int[5];
                for (int round = 0; round < 5; round++) {
                    int off = round * 4000;
                    for (int i = 0; i < 4; i++) {
                        t.expect(ack().seq(S + off + 1000 * i).len(1000));
                    }
                    t.expectNothing(); // the peer's window, not cwnd, holds the rest
                    t.send(ack().seq(D).ack(S + off + 4000).window(4000));
                    cwnd[round] = t.conn.info().cwnd();
                }
                assertArrayEquals(new int[] {6000, 8000, 8000, 8000, 8000}, cwnd, reno ? "NewReno" : "CUBIC");
            }
        }
    }

    @Test
    void conformance9_congestionAvoidanceWithByteCountingLetsOneMssOutPerMssAcked() {
        try (TcpScript t = openReno()) {
            t.conn.cc.setCwnd(3000);
            ((NewReno) t.conn.cc).forceSsthresh(3000);
            t.conn.write(bytes(8000));
            for (int i = 0; i < 3; i++) {
                t.expect(ack().seq(S + 1000 * i).len(1000));
            }
            t.expectNothing();
            t.send(ack().seq(D).ack(S + 1000));
            t.expect(ack().seq(S + 3000).len(1000));
            t.expectNothing();
            assertEquals(3000, t.conn.info().cwnd());
            t.send(ack().seq(D).ack(S + 2000));
            t.expect(ack().seq(S + 4000).len(1000));
            t.send(ack().seq(D).ack(S + 3000)); // 3000 bytes acked: cwnd grows by one MSS
            assertEquals(4000, t.conn.info().cwnd());
            t.expect(ack().seq(S + 5000).len(1000));
            t.expect(ack().seq(S + 6000).len(1000));
        }
    }

    @Test
    void conformance12_persistTimerProbesAZeroWindowWithOneByteAndAbortsAfterMaxProbes() {
        try (TcpScript t = open(b -> b.maxRtx(3))) {
            t.send(ack().seq(D).ack(S).window(0));
            t.conn.write(bytes(100));
            t.expectNothing();
            t.after(ms(1000)).expect(ack().seq(S).len(1));
            t.send(ack().seq(D).ack(S).window(0)); // zero-window answer: backoff kept
            t.after(ms(1999)).expectNothing();
            t.after(ms(1)).expect(ack().seq(S).len(1));
            t.send(ack().seq(D).ack(S).window(0)); // answered: the count of unanswered probes starts again
            t.after(ms(4000)).expect(ack().seq(S).len(1));
            t.after(ms(8000)).expect(ack().seq(S).len(1));
            t.after(ms(16000)).expect(ack().seq(S).len(1));
            assertEquals(List.of(), t.errors);
            t.after(ms(32000));
            assertEquals(List.of(Err.ABRT), t.errors, "three probes unanswered");
        }
    }

    @Test
    void must37_aZeroWindowMayStayClosedAsLongAsTheProbesAreAnswered() {
        try (TcpScript t = open(b -> b.maxRtx(3))) {
            t.send(ack().seq(D).ack(S).window(0));
            t.conn.write(bytes(100));
            int probes = 0;
            for (int second = 0; second < 600; second++) { // ten minutes, every probe answered
                t.after(ms(1000));
                List<Seg> sent = t.drain();
                if (!sent.isEmpty()) {
                    assertEquals(1, sent.size());
                    assertEquals(1, sent.get(0).dataLen(), "a probe: " + sent);
                    probes++;
                    t.send(ack().seq(D).ack(S).window(0));
                }
            }
            assertTrue(probes > 10, "probes: " + probes);
            assertEquals(List.of(), t.errors);
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
        }
    }

    @Test
    void must66_aClosedReceiveWindowStillTakesTheAckOfASegmentWhoseTextItCannotTake() {
        try (TcpScript t = open()) {
            t.conn.write(bytes(100));
            t.expect(psh().seq(S).len(100));
            t.autoRecved = false;
            int d = t.sendData(D, S, 65535); // the application holds the whole receive buffer
            t.expect(ack().seq(S + 100).ack(d).window(0));
            // §3.10.7.4: "special allowance should be made to accept valid ACKs, URGs and RSTs":
            // the text is refused (an ACK says the window is still shut), the ACK is taken.
            t.send(ack().seq(d).ack(S + 100).payload(new byte[10]));
            t.expect(ack().seq(S + 100).ack(d).window(0));
            assertEquals(List.of(100), t.sentLens, "our data acknowledged");
            assertEquals(65535, t.receivedBytes().length, "no text past the closed window");
            assertEquals(S + 100, t.conn.info().sndUna());
        }
    }

    @Test
    void conformance12_windowOpeningEndsProbing() {
        try (TcpScript t = open()) {
            t.send(ack().seq(D).ack(S).window(0));
            t.conn.write(bytes(100));
            t.after(ms(1000)).expect(ack().seq(S).len(1));
            t.send(ack().seq(D).ack(S + 1).window(1000)); // the probe byte was taken
            t.expect(psh().seq(S + 1).len(99));
            t.send(ack().seq(D).ack(S + 100).window(1000));
            t.after(ms(10_000)).expectNothing();
        }
    }

    @Test
    void sndbufLimitsWritesAndSentCallbackReportsAckedBytes() {
        try (TcpScript t = open(b -> b.sndBuf(3000))) {
            assertEquals(3000, t.conn.sndbuf());
            assertEquals(Err.MEM, t.conn.write(bytes(3001)));
            assertEquals(Err.OK, t.conn.write(bytes(3000)));
            assertEquals(0, t.conn.sndbuf());
            t.drain();
            t.send(ack().seq(D).ack(S + 2000));
            assertEquals(List.of(2000), t.sentLens);
            assertEquals(2000, t.conn.sndbuf());
        }
    }

    @Test
    void fragmentationNeededLowersTheMssAndResendsWhatIsInFlight() {
        try (TcpScript t = open()) {
            t.conn.write(bytes(2000));
            t.expect(ack().seq(S).len(1000));
            t.expect(ack().seq(S + 1000).len(1000));
            // ICMP "fragmentation needed" (RFC 1191) from a router, MTU 576, quoting our first segment.
            byte[] quote = java.util.Arrays.copyOf(org.lwip4j.testing.Packets.ipv4(6, TcpScript.US, TcpScript.PEER, 64,
                    0x4000, new byte[] {0, 80, 0x0f, (byte) 0xa0, 0x7f, (byte) 0xff, (byte) 0xf0, 0x01}), 28);
            byte[] icmp = new byte[8 + quote.length];
            icmp[0] = 3;
            icmp[1] = 4;
            icmp[6] = (byte) (576 >>> 8);
            icmp[7] = (byte) 576;
            System.arraycopy(quote, 0, icmp, 8, quote.length);
            int c = org.lwip4j.buffer.Checksum.of(icmp, 0, icmp.length);
            icmp[2] = (byte) (c >>> 8);
            icmp[3] = (byte) c;
            t.inject(org.lwip4j.testing.Packets.ipv4(1, "10.0.0.254", TcpScript.US, 64, 0, icmp));
            assertEquals(536, t.conn.mss());
            t.expect(ack().seq(S).len(536));
            t.expect(ack().seq(S + 536).len(536));
        }
    }
}
