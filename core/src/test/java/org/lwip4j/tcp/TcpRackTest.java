package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import org.junit.jupiter.api.Test;
import org.lwip4j.stack.StackConfig.TcpOptions.Congestion;

/**
 * RACK-TLP (RFC 8985) on a SACK connection whose handshake took 10 ms (SRTT 10 ms,
 * min_RTT 10 ms, RTO at its 1 s floor): the reordering window and its timer, the zero
 * window once DupThresh segments are SACKed, tail loss probes and what their ACK says.
 */
class TcpRackTest {
    static final int P = 1000;
    static final int D = P + 1;
    static final int S = ISS + 1;

    static TcpScript open() {
        TcpScript t = new TcpScript(b -> b.congestion(Congestion.NEW_RENO));
        t.listen();
        t.send(syn().seq(P).mss(1000).sackPermitted());
        t.expect(Seg.synAck().seq(ISS).ack(D));
        t.after(ms(10));
        t.send(ack().seq(D).ack(S));
        assertEquals(10_000_000L, t.conn.info().srtt());
        return t;
    }

    static void inFlight(TcpScript t, int n) {
        t.conn.cc.setCwnd(n * 1000);
        t.conn.write(TcpSendTest.bytes(n * 1000));
        for (int i = 0; i < n; i++) {
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
    void aHoleIsLostOnlyAfterTheReorderingWindowOfAQuarterMinRtt() {
        try (TcpScript t = open()) {
            inFlight(t, 10);
            t.after(ms(10)).send(sackAck(0, 1000, 2000)); // segment 1 delivered, segment 0 not (yet)
            t.expectNothing();
            assertEquals(2_500_000L, t.tcp.rack().reoWnd(t.conn), "min_RTT / 4");
            t.after(ms(2)).expectNothing();
            t.after(ms(1)).expect(ack().seq(S).len(1000)); // 10 ms + 2.5 ms after it left: lost
            assertTrue(t.conn.inRecovery);
        }
    }

    @Test
    void aSegmentThatArrivesInsideTheWindowIsNotResentAndReorderingIsSeen() {
        try (TcpScript t = open()) {
            inFlight(t, 10);
            t.after(ms(10)).send(sackAck(0, 1000, 2000));
            t.after(ms(1)).send(sackAck(2000)); // segment 0 was only late
            t.after(ms(5)).expectNothing();
            assertFalse(t.conn.inRecovery);
            assertEquals(1, t.conn.info().reordering());
            assertEquals(0, t.conn.info().totalRetrans());
            // Reordering seen: even three SACKed segments above a hole wait for the window now.
            t.send(sackAck(2000, 3000, 6000));
            t.expectNothing();
            assertFalse(t.conn.inRecovery);
            t.after(ms(3)).expect(ack().seq(S + 2000).len(1000));
        }
    }

    @Test
    void withoutReorderingThreeSackedSegmentsMakeTheHoleLostAtOnce() {
        try (TcpScript t = open()) {
            inFlight(t, 10);
            t.after(ms(10)).send(sackAck(0, 1000, 4000));
            t.expect(ack().seq(S).len(1000));
            assertEquals(0L, t.tcp.rack().reoWnd(t.conn));
        }
    }

    @Test
    void noReorderingIsSeenOnTheFirstDeliveryWhateverTheIsn() {
        for (int isn : new int[] {0x7fff_f000, 0x8000_1000, -5000, 3}) {
            try (TcpScript t = new TcpScript()) {
                t.tcp.isnOverride = () -> isn;
                t.listen();
                t.send(syn().seq(P).mss(1000).sackPermitted());
                t.expect(Seg.synAck().seq(isn).ack(D));
                t.after(ms(10));
                t.send(ack().seq(D).ack(isn + 1));
                t.conn.cc.setCwnd(5000);
                t.conn.write(TcpSendTest.bytes(5000));
                t.drain();
                t.after(ms(10)).send(ack().seq(D).ack(isn + 1).sack(isn + 1001, isn + 4001));
                assertEquals(0, t.conn.info().reordering(), "ISN " + isn);
                t.expect(ack().seq(isn + 1).len(1000)); // reo_wnd 0: lost at once
            }
        }
    }

    @Test
    void threeDuplicatesAloneDoNotStartRecoveryWhileTheWindowRuns() {
        try (TcpScript t = open()) {
            inFlight(t, 10);
            t.after(ms(10));
            t.send(sackAck(0, 1000, 2000));
            t.send(sackAck(0, 1000, 2000).window(60000));
            t.send(sackAck(0, 1000, 2000).window(50000));
            t.expectNothing();
            assertFalse(t.conn.inRecovery);
            t.after(ms(3)).expect(ack().seq(S).len(1000));
        }
    }

    @Test
    void aTailLossProbeResendsTheLastSegmentAfterTwoSrtt() {
        try (TcpScript t = open()) {
            inFlight(t, 3);
            t.after(ms(19)).expectNothing();
            t.after(ms(1)).expect(ack().seq(S + 2000).len(1000)); // PTO = 2 SRTT; no new data: the last again
            t.expectNothing();
            assertEquals(1, t.conn.info().tlpProbes());
            // Its ACK SACKs the probe: RACK finds the two before it lost at once.
            t.after(ms(10)).send(sackAck(0, 2000, 3000));
            t.expect(ack().seq(S).len(1000));
            assertTrue(t.conn.inRecovery);
            t.drain();
            t.send(sackAck(3000));
            assertFalse(t.conn.inRecovery);
        }
    }

    @Test
    void aProbeSendsNewDataWhenThereIsSomeBeyondTheWindow() {
        try (TcpScript t = open()) {
            t.conn.cc.setCwnd(2000);
            t.conn.write(TcpSendTest.bytes(3000));
            t.expect(ack().seq(S).len(1000));
            t.expect(ack().seq(S + 1000).len(1000));
            t.expectNothing();
            t.after(ms(20)).expect(ack().seq(S + 2000).len(1000)); // beyond cwnd, inside the peer's window
            assertEquals(1, t.conn.info().tlpProbes());
        }
    }

    @Test
    void oneSegmentInFlightWaitsForTheWorstCaseDelayedAckToo() {
        try (TcpScript t = open()) {
            t.conn.write(TcpSendTest.bytes(500));
            t.expect(Seg.psh().seq(S).len(500));
            t.after(ms(219)).expectNothing();
            t.after(ms(1)).expect(Seg.psh().seq(S).len(500)); // 2 SRTT + WCDelAckT (200 ms)
        }
    }

    @Test
    void aProbeThatRepairedALossBringsTheWindowDownAndADsackSaysNothingWasLost() {
        for (boolean dsack : new boolean[] {false, true}) {
            try (TcpScript t = open()) {
                t.conn.cc.setCwnd(10_000);
                t.conn.write(TcpSendTest.bytes(500));
                t.expect(Seg.psh().seq(S).len(500));
                t.after(ms(220)).expect(Seg.psh().seq(S).len(500));
                Seg a = ack().seq(D).ack(S + 500);
                if (dsack) {
                    a.sack(S, S + 500); // the original arrived too: the probe was a duplicate
                }
                t.after(ms(10)).send(a);
                if (dsack) {
                    assertEquals(10_000, t.conn.info().cwnd(), "no loss: cwnd stays (500 bytes out of 10,000 do not grow it, RFC 7661)");
                } else {
                    assertEquals(2000, t.conn.info().cwnd(), "RFC 8985 §7.4.2: the loss the probe repaired counts");
                }
            }
        }
    }

    @Test
    void noProbeBeforeAnRtoThatComesFirst() {
        try (TcpScript t = new TcpScript(b -> b.minRto(ms(200)))) {
            t.listen();
            t.send(syn().seq(P).mss(1000).sackPermitted());
            t.expect(Seg.synAck().seq(ISS).ack(D));
            t.after(ms(100));
            t.send(ack().seq(D).ack(S)); // SRTT 100 ms, RTO 300 ms; 2 SRTT + 200 ms > RTO
            t.conn.write(TcpSendTest.bytes(500));
            t.expect(Seg.psh().seq(S).len(500));
            t.after(ms(299)).expectNothing();
            t.after(ms(1)).expect(Seg.psh().seq(S).len(500));
            assertEquals(0, t.conn.info().tlpProbes());
            assertEquals(1, t.conn.info().retransmits());
        }
    }
    @Test
    void aLostRetransmissionIsFoundByItsOwnSendTimeAndResentBeforeTheRto() {
        try (TcpScript t = open()) {
            inFlight(t, 10);
            // Two holes: segments 0 and 5. Eight SACKed segments: reo_wnd 0, both lost at once.
            t.after(ms(10)).send(sackAck(0, 1000, 5000, 6000, 10_000));
            t.expect(ack().seq(S).len(1000));
            t.expect(ack().seq(S + 5000).len(1000));
            t.expectNothing();
            assertTrue(t.conn.inRecovery);
            // The retransmission of segment 5 arrives, that of segment 0 is lost again. It left
            // before the one just delivered and more than RACK.rtt ago (RFC 8985 §6.2 step 5,
            // with its retransmission's xmit_ts): lost now, not at the RTO one second later.
            t.after(ms(11)).send(sackAck(0, 1000, 10_000));
            t.expect(ack().seq(S).len(1000));
            t.expectNothing();
            assertEquals(3, t.conn.info().totalRetrans());
            assertEquals(0, t.conn.info().retransmits(), "no retransmission timeout");
            t.after(ms(10)).send(sackAck(10_000));
            assertFalse(t.conn.inRecovery);
            assertEquals(S + 10_000, t.conn.info().sndUna());
            t.after(ms(2000)).expectNothing(); // nothing left to resend
            assertEquals(1, t.conn.info().recoveries());
        }
    }

    @Test
    void aRetransmissionNotYetDueWaitsForTheReorderingTimer() {
        try (TcpScript t = open()) {
            inFlight(t, 10);
            t.after(ms(10)).send(sackAck(0, 1000, 5000, 6000, 10_000));
            t.expect(ack().seq(S).len(1000));
            t.expect(ack().seq(S + 5000).len(1000));
            // Reordering seen before (a late segment 0 of an earlier flight is not needed: the
            // window is min_RTT / 4 once reordering was seen), so a retransmission delivered
            // after another one sent later leaves the earlier one a reordering window.
            t.conn.rackReorderingSeen = true;
            t.after(ms(11)).send(sackAck(0, 1000, 10_000));
            t.expectNothing(); // 11 ms < RACK.rtt 11 ms + reo_wnd 2.5 ms
            t.after(ms(3)).expect(ack().seq(S).len(1000));
            assertEquals(0, t.conn.info().retransmits());
        }
    }

    @Test
    void dsacksWidenTheReorderingWindowUpToEightQuartersAndSixteenRecoveriesResetIt() {
        try (TcpScript t = open()) {
            inFlight(t, 4);
            t.conn.rackReorderingSeen = true;
            t.after(ms(10)).send(sackAck(1000));
            assertEquals(2_500_000L, t.tcp.rack().reoWnd(t.conn), "min_RTT / 4");
            t.send(sackAck(1000, 0, 1000).window(60_000)); // a D-SACK: segment 0 arrived twice
            assertEquals(1, t.conn.info().dsacksReceived());
            assertEquals(2, t.conn.rackReoWndMult);
            assertEquals(5_000_000L, t.tcp.rack().reoWnd(t.conn), "§6.2 step 4: two quarters");
            for (int i = 0; i < 9; i++) {
                t.send(sackAck(1000, 0, 1000).window(50_000 - i));
            }
            assertEquals(8, t.conn.rackReoWndMult, "at most 8");
            assertEquals(10_000_000L, t.tcp.rack().reoWnd(t.conn), "and never above SRTT");
            for (int i = 0; i < 15; i++) {
                t.tcp.rack().recoveryStarted(t.conn);
            }
            assertEquals(8, t.conn.rackReoWndMult);
            t.tcp.rack().recoveryStarted(t.conn);
            assertEquals(1, t.conn.rackReoWndMult, "16 recoveries without a D-SACK: back to 1");
            t.drain();
        }
    }

    @Test
    void exactlyOneSegmentInFlightWaitsForTheWorstCaseDelayedAck() {
        try (TcpScript t = open()) {
            t.conn.write(TcpSendTest.bytes(1000));
            t.expect(Seg.psh().seq(S).len(1000));
            t.after(ms(219)).expectNothing();
            t.after(ms(1)).expect(Seg.psh().seq(S).len(1000)); // 2 SRTT + WCDelAckT: one MSS counts as one segment
        }
        try (TcpScript t = open()) {
            t.conn.cc.setCwnd(10_000);
            t.conn.write(TcpSendTest.bytes(2000));
            t.expect(ack().seq(S).len(1000));
            t.expect(Seg.psh().seq(S + 1000).len(1000));
            t.after(ms(19)).expectNothing();
            t.after(ms(1)).expect(Seg.psh().seq(S + 1000).len(1000)); // more than one MSS: 2 SRTT alone
        }
    }

    @Test
    void aTailLossProbeAfterCloseResendsTheLastSegmentWithTheFin() {
        try (TcpScript t = open()) {
            inFlight(t, 3);
            t.conn.close();
            t.expect(Seg.fin().seq(S + 3000).len(0));
            t.after(ms(20)).expect(Seg.fin().seq(S + 2000).len(1000)); // PTO: the last data and the FIN again
            t.expectNothing();
            // The probe's ACK SACKs it: the two segments before it are lost and go again.
            t.after(ms(10)).send(sackAck(0, 2000, 3001));
            t.expect(ack().seq(S).len(1000));
            t.drain();
            t.send(sackAck(3001));
            assertEquals(TcpState.FIN_WAIT_2, t.conn.state());
        }
    }
}
