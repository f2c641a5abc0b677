package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.stack.StackConfig.TcpOptions.Congestion;

/**
 * The sender's loss recovery: SACK-based (RFC 6675, DupThresh rules, RACK off) with PRR (RFC 6937) when SACK is on,
 * NewReno (RFC 6582) with limited transmit (RFC 3042) when it is not. The peer is the
 * script; windows are pinned with NewReno, whose ssthresh is FlightSize / 2.
 */
class TcpSackRecoveryTest {
    static final int P = 1000;
    static final int D = P + 1;
    static final int S = ISS + 1;

    static TcpScript open(boolean sack) {
        TcpScript t = new TcpScript(b -> b.congestion(Congestion.NEW_RENO));
        t.tcp.rackEnabled = false; // RFC 6675's own rules; TcpRackTest has RACK-TLP
        Seg s = syn().mss(1000);
        if (sack) {
            s.sackPermitted();
        }
        t.established(P, s);
        return t;
    }

    /** Ten segments of 1000 in flight from a 10000-byte window. */
    static void tenInFlight(TcpScript t) {
        t.conn.cc.setCwnd(10_000);
        t.conn.write(TcpSendTest.bytes(10_000));
        for (int i = 0; i < 10; i++) {
            t.expect(ack().seq(S + 1000 * i).len(1000));
        }
        t.expectNothing();
    }

    static Seg sackAck(int ack, int... edges) {
        Seg s = ack().seq(D).ack(S + ack);
        for (int i = 0; i < edges.length; i += 2) {
            s.sack(S + edges[i], S + edges[i + 1]);
        }
        return s;
    }

    @Test
    void severalHolesInOneWindowAreRepairedWithPrrSettingTheWindowOnEveryAck() {
        try (TcpScript t = open(true)) {
            tenInFlight(t);
            // Segments 1, 4 and 7 are lost; the others arrive and are SACKed.
            t.send(sackAck(1000));
            t.send(sackAck(1000, 2000, 3000));
            t.send(sackAck(1000, 2000, 4000));
            t.expectNothing();
            assertFalse(t.conn.inRecovery);
            t.send(sackAck(1000, 5000, 6000, 2000, 4000)); // the third duplicate: recovery
            t.expect(ack().seq(S + 1000).len(1000));
            t.expectNothing();
            assertTrue(t.conn.inRecovery);
            assertEquals(4500, t.conn.info().ssthresh(), "FlightSize 9000 / 2");
            assertEquals(6000, t.conn.info().cwnd(), "pipe 6000 above ssthresh: proportional, nothing more yet");
            t.send(sackAck(1000, 5000, 7000, 2000, 4000));
            t.expectNothing();
            assertEquals(5000, t.conn.info().cwnd());
            t.send(sackAck(1000, 8000, 9000, 5000, 7000, 2000, 4000)); // segment 4 is now lost (3 SACKed above)
            t.expect(ack().seq(S + 4000).len(1000));
            t.expectNothing();
            assertEquals(4500, t.conn.info().cwnd(), "pipe 3000 at or below ssthresh: slow-start reduction bound");
            assertEquals(2000, t.conn.info().lostBytes(), "segments 1 (resent, not yet acknowledged) and 4");
            t.send(sackAck(1000, 8000, 10000, 5000, 7000, 2000, 4000));
            t.expect(ack().seq(S + 7000).len(1000)); // rule 3: unSACKed below the highest SACKed
            t.expectNothing();
            t.send(sackAck(4000, 8000, 10000, 5000, 7000)); // the first retransmission arrived
            t.expectNothing();
            assertEquals(4500, t.conn.info().cwnd());
            t.send(sackAck(7000, 8000, 10000));
            t.expectNothing();
            assertTrue(t.conn.inRecovery);
            t.send(sackAck(10000));
            assertFalse(t.conn.inRecovery);
            assertEquals(4500, t.conn.info().cwnd(), "recovery ends at ssthresh");
            TcpInfo i = t.conn.info();
            assertEquals(3, i.totalRetrans());
            assertEquals(1, i.recoveries());
            assertEquals(0, i.sackedBytes());
            t.assertNoLeaks();
        }
    }

    @Test
    void oneAckSackingThreeSegmentsAboveAHoleStartsRecoveryAtOnce() {
        try (TcpScript t = open(true)) {
            tenInFlight(t);
            t.send(sackAck(0, 1000, 4000)); // IsLost(SND.UNA): 3000 bytes SACKed above it
            t.expect(ack().seq(S).len(1000));
            assertTrue(t.conn.inRecovery);
            assertEquals(1, t.conn.dupAcks);
        }
    }

    @Test
    void sackedDataIsNotResentAndNothingBelowDupThreshIsLost() {
        try (TcpScript t = open(true)) {
            tenInFlight(t);
            t.send(sackAck(0, 1000, 2000));
            t.send(sackAck(0, 1000, 3000));
            t.expectNothing();
            assertEquals(2000, t.conn.info().sackedBytes());
            assertEquals(0, t.conn.info().lostBytes());
            t.send(sackAck(0, 1000, 4000));
            t.expect(ack().seq(S).len(1000));
            assertEquals(1000, t.conn.info().lostBytes());
            // Further SACKs without loss below: the holes above the SACKed data are not resent.
            t.send(sackAck(0, 1000, 5000));
            t.send(sackAck(0, 1000, 6000));
            for (Seg s : t.drain()) {
                assertFalse(s.seq >= S + 1000 && s.seq < S + 6000, "resent SACKed data " + s);
            }
        }
    }

    @Test
    void withSackButNoBlocksPartialAcksResendTheNextHoleAsNewReno() {
        try (TcpScript t = open(true)) {
            tenInFlight(t);
            for (int i = 0; i < 3; i++) {
                t.send(sackAck(0));
            }
            t.expect(ack().seq(S).len(1000));
            assertTrue(t.conn.inRecovery);
            t.send(sackAck(3000)); // partial: segment 3 lost too
            t.expect(ack().seq(S + 3000).len(1000));
            t.send(sackAck(10000));
            assertFalse(t.conn.inRecovery);
        }
    }

    @Test
    void timeoutInRecoveryForgetsTheScoreboardAndGoesBackToSndUna() {
        try (TcpScript t = open(true)) {
            tenInFlight(t);
            t.send(sackAck(0, 1000, 4000));
            t.expect(ack().seq(S).len(1000));
            t.after(ms(1000));
            t.expect(ack().seq(S).len(1000)); // the RTO: one segment (cwnd 1 SMSS), from SND.UNA
            t.expectNothing();
            assertFalse(t.conn.inRecovery);
            assertEquals(0, t.conn.info().sackedBytes(), "RFC 2018 §8: SACKed bits cleared");
            t.send(sackAck(1000));
            t.expect(ack().seq(S + 1000).len(1000)); // SACKed before the timeout, resent now
            t.expect(ack().seq(S + 2000).len(1000));
        }
    }

    @Test
    void afterATimeoutPureAcksAreNumberedAtSndMaxSoThePeerAcceptsThem() {
        try (TcpScript t = open(false)) {
            t.conn.write(TcpSendTest.bytes(3000));
            for (int i = 0; i < 3; i++) {
                t.expect(ack().seq(S + 1000 * i).len(1000));
            }
            t.after(ms(1000)).expect(ack().seq(S).len(1000)); // go-back-N from SND.UNA
            t.send(ack().seq(D).ack(S).payload("abc"));
            t.after(ms(200)).expect(ack().seq(S + 3000).ack(D + 3)); // not S + 1000: below the peer's RCV.NXT
        }
    }

    @Test
    void dsackReceivedIsCountedNotTakenAsData() {
        try (TcpScript t = open(true)) {
            tenInFlight(t);
            t.send(sackAck(2000));
            t.send(ack().seq(D).ack(S + 2000).sack(S + 1000, S + 2000)); // D-SACK below the ACK
            t.send(ack().seq(D).ack(S + 2000).sack(S + 5500, S + 5600).sack(S + 5000, S + 6000)); // inside the 2nd
            TcpInfo i = t.conn.info();
            assertEquals(2, i.dsacksReceived());
            assertEquals(1000, i.sackedBytes());
        }
    }

    @Test
    void limitedTransmitSendsOneNewSegmentForEachOfTheFirstTwoDuplicates() {
        try (TcpScript t = open(false)) {
            t.conn.write(TcpSendTest.bytes(8000));
            for (int i = 0; i < 4; i++) {
                t.expect(ack().seq(S + 1000 * i).len(1000));
            }
            t.send(ack().seq(D).ack(S));
            t.expect(ack().seq(S + 4000).len(1000)); // RFC 3042
            t.expectNothing();
            t.send(ack().seq(D).ack(S));
            t.expect(ack().seq(S + 5000).len(1000));
            t.expectNothing();
            assertEquals(4000, t.conn.info().cwnd(), "cwnd itself unchanged");
            t.send(ack().seq(D).ack(S));
            t.expect(ack().seq(S).len(1000)); // the third: fast retransmit
            assertEquals(3000, t.conn.info().ssthresh(), "FlightSize 6000 / 2");
        }
    }

    @Test
    void newRenoRecoversThreeHolesWithPartialAcksOneRttEach() {
        try (TcpScript t = open(false)) {
            tenInFlight(t);
            for (int i = 0; i < 4; i++) {
                t.send(ack().seq(D).ack(S + 1000)); // a new ACK, then three duplicates
            }
            t.expect(ack().seq(S + 1000).len(1000));
            t.send(ack().seq(D).ack(S + 4000));
            t.expect(ack().seq(S + 4000).len(1000));
            t.send(ack().seq(D).ack(S + 7000));
            t.expect(ack().seq(S + 7000).len(1000));
            assertTrue(t.conn.inRecovery);
            t.send(ack().seq(D).ack(S + 10000));
            assertFalse(t.conn.inRecovery);
            assertEquals(List.of(1000, 3000, 3000, 3000), t.sentLens);
            assertEquals(3, t.conn.info().totalRetrans());
        }
    }
    @Test
    void aLostTailGetsOneRescueRetransmissionPerRecovery() {
        try (TcpScript t = open(true)) {
            tenInFlight(t);
            // Segment 0 and the tail (segments 8 and 9) are lost; 1 to 7 arrive.
            t.send(sackAck(0, 1000, 2000));
            t.send(sackAck(0, 1000, 3000));
            t.send(sackAck(0, 1000, 4000)); // the third duplicate: recovery, segment 0 again
            t.expect(ack().seq(S).len(1000));
            t.expectNothing();
            t.send(sackAck(0, 1000, 5000));
            t.send(sackAck(0, 1000, 6000));
            t.expectNothing(); // PRR: pipe still too large
            // No lost segment (rule 1), no new data (rule 2), no hole below the highest SACKed
            // byte (rule 3): RFC 6675 §4 rule 4 resends the segment with the highest unSACKed
            // byte, HighRxt unmoved, once.
            t.send(sackAck(0, 1000, 7000));
            t.expect(ack().seq(S + 9000).len(1000));
            t.expectNothing();
            t.send(sackAck(0, 1000, 8000));
            t.expectNothing(); // room again, but rule 4 is spent
            assertTrue(t.tcp.recovery().pipe(t.conn) + 1000 <= t.conn.info().cwnd(), "a segment would fit");
            assertEquals(S + 1000, t.conn.highRxt, "HighRxt MUST NOT be updated");
            t.send(sackAck(1000, 9000, 10_000).window(60_000)); // segment 0's retransmission and the rescue
            t.expect(ack().seq(S + 8000).len(1000)); // rule 3: the hole below the highest SACKed byte
            t.expectNothing();
            t.send(sackAck(10_000));
            assertFalse(t.conn.inRecovery);
            assertEquals(3, t.conn.info().totalRetrans());
            assertEquals(0, t.conn.info().retransmits(), "no retransmission timeout");
        }
    }

    @Test
    void newRenoInflatesOnEachFurtherDuplicateAndDeflatesOnAPartialAck() {
        try (TcpScript t = open(false)) {
            tenInFlight(t);
            for (int i = 0; i < 3; i++) {
                t.send(ack().seq(D).ack(S).window(65535)); // three duplicates
            }
            t.expect(ack().seq(S).len(1000));
            assertEquals(5000, t.conn.info().ssthresh(), "FlightSize 10000 / 2");
            assertEquals(8000, t.conn.info().cwnd(), "RFC 5681 §3.2 step 3: ssthresh + 3 SMSS");
            assertEquals(1, t.conn.info().recoveries());
            t.send(ack().seq(D).ack(S).window(65535));
            assertEquals(9000, t.conn.info().cwnd(), "step 4: one SMSS per further duplicate");
            t.send(ack().seq(D).ack(S).window(65535));
            assertEquals(10_000, t.conn.info().cwnd());
            t.send(ack().seq(D).ack(S).window(65535));
            assertEquals(11_000, t.conn.info().cwnd());
            t.expectNothing(); // no new data to send
            // A partial ACK of 3000: the next hole goes again, cwnd deflates by the amount
            // acknowledged less one SMSS (RFC 6582 §3.2 step 5).
            t.send(ack().seq(D).ack(S + 3000).window(65535));
            t.expect(ack().seq(S + 3000).len(1000));
            assertEquals(11_000 - 3000 + 1000, t.conn.info().cwnd());
            assertTrue(t.conn.inRecovery);
            // A partial ACK smaller than an SMSS deflates by itself alone.
            t.send(ack().seq(D).ack(S + 3500).window(65535));
            t.expect(ack().seq(S + 3500).len(1000));
            assertEquals(9000 - 500, t.conn.info().cwnd());
            // Recovery ends at the recovery point: cwnd = ssthresh (RFC 6582 §3.2 step 6, as the CC says).
            t.send(ack().seq(D).ack(S + 10_000).window(65535));
            assertFalse(t.conn.inRecovery);
            assertEquals(0, t.conn.info().retransmits(), "no timeout on the way");
        }
    }
}
