package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.fin;
import static org.lwip4j.tcp.Seg.psh;
import static org.lwip4j.tcp.Seg.rstAck;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.Seg.synAck;
import static org.lwip4j.tcp.TcpSendTest.D;
import static org.lwip4j.tcp.TcpSendTest.S;
import static org.lwip4j.tcp.TcpSendTest.bytes;

import org.junit.jupiter.api.Test;
import org.lwip4j.stack.Err;
import org.lwip4j.wire.TcpPacket;

/**
 * What the sender puts on the wire at its edges, exactly: PSH only with data and again on a
 * retransmitted last segment, a FIN that Nagle does not hold back, an ACK after a timeout at
 * SND.MAX, a small buffer's window opening by half of it, the options of a SYN cookie's
 * SYN-ACK, and every segment sent without a connection counted. Each test kills mutants of
 * {@code TcpOutput} that the rest of the suite let live (a boundary of the PSH rule, the PSH
 * of a retransmission, the FIN exception of Nagle's rule, the sequence number of a bare ACK,
 * half the buffer in the receiver's SWS rule, the options cleared before a cookie SYN-ACK,
 * the counting of RSTs and cookie SYN-ACKs).
 */
class TcpOutputEdgeTest {

    @Test
    void aBareFinCarriesNoPush() {
        try (TcpScript t = TcpSendTest.open()) {
            t.conn.write(bytes(10));
            t.expect(psh().seq(S).ack(D).len(10));
            t.send(ack().seq(D).ack(S + 10));
            assertEquals(Err.OK, t.conn.close());
            t.run();
            Seg f = t.expect(fin().seq(S + 10).ack(D));
            // RFC 9293 §3.9.1 (SEND): PSH marks where the sender's data ends; a FIN carries none.
            assertFalse(f.has(TcpPacket.PSH), "PSH on a segment without data: " + f);
            t.expectNothing();
        }
    }

    @Test
    void nagleDoesNotHoldTheLastSmallSegmentWhenItCarriesTheFin() {
        try (TcpScript t = TcpSendTest.open()) {
            t.conn.write(bytes(10));
            t.expect(psh().seq(S).len(10));
            t.conn.write(bytes(10));
            t.expectNothing(); // Nagle (RFC 1122 §4.2.3.4): 10 bytes wait while 10 are unacknowledged
            assertEquals(Err.OK, t.conn.close());
            t.run();
            // With the FIN queued, the last data and the FIN go at once in one segment: nothing
            // more would come to fill it, and holding it only delays the close.
            Seg last = t.expect(fin().seq(S + 10).ack(D).len(10));
            assertEquals(10, last.dataLen());
            t.expectNothing();
        }
    }

    @Test
    void aResetForAPortNobodyListensOnIsCountedAsSent() {
        try (TcpScript t = new TcpScript()) {
            long sent = t.stack.stats().tcp.xmit;
            long errors = t.stack.stats().tcp.err;
            t.send(syn().seq(1000).mss(1460)); // nothing listens on the script's port
            t.expect(rstAck().seq(0).ack(1001));
            t.expectNothing();
            assertEquals(sent + 1, t.stack.stats().tcp.xmit);
            assertEquals(errors, t.stack.stats().tcp.err);
        }
    }

    @Test
    void aCookieSynAckCarriesTheOptionsOfItsOwnSynOnlyAndIsCounted() {
        try (TcpScript t = new TcpScript()) {
            t.listen(1);
            t.sendFrom("172.16.0.1", syn().seq(100).ports(10001, TcpScript.PORT).mss(1460)); // fills the SYN queue
            t.expect(synAck().ack(101));
            // A SYN with every option: its cookie SYN-ACK answers them all.
            t.sendFrom("172.16.0.2", syn().seq(200).ports(10002, TcpScript.PORT).mss(1460).ts(77, 0).wscale(7).sackPermitted());
            t.expect(synAck().ack(201).mss(1460).wscale(3).sackPermitted().ts(0, 77));
            assertEquals(1, t.tcp.counters().synCookiesSent());
            long sent = t.stack.stats().tcp.xmit;
            // A SYN with the MSS alone right after: nothing of the one before may stick to its answer.
            t.sendFrom("172.16.0.3", syn().seq(300).ports(10003, TcpScript.PORT).mss(1400));
            Seg bare = t.expect(synAck().ack(301).mss(1460));
            assertEquals(2, t.tcp.counters().synCookiesSent());
            assertNull(bare.wscale, "window scale answered to a SYN without it (RFC 7323 §2.2): " + bare);
            assertFalse(bare.sackPermitted, "SACK-permitted answered to a SYN without it (RFC 2018 §2): " + bare);
            assertFalse(bare.timestamps, "timestamps answered to a SYN without them (RFC 7323 §3.2): " + bare);
            assertEquals(sent + 1, t.stack.stats().tcp.xmit, "the cookie SYN-ACK counts as a segment sent");
            t.expectNothing();
        }
    }

    @Test
    void aFastRetransmissionOfTheLastSegmentKeepsItsPush() {
        try (TcpScript t = TcpSendTest.openReno()) {
            t.conn.write(bytes(1000));
            t.expect(psh().seq(S).ack(D).len(1000));
            for (int i = 0; i < 3; i++) {
                t.send(ack().seq(D).ack(S)); // three duplicate ACKs (RFC 5681 §2)
            }
            // RFC 5681 §3.2: the segment again, as it went the first time: the end of the data, so PSH.
            t.expect(psh().seq(S).ack(D).len(1000));
            t.expectNothing();
        }
    }

    @Test
    void anAckAfterATimeoutCarriesTheHighestSequenceNumberSent() {
        try (TcpScript t = TcpSendTest.openReno()) {
            t.conn.write(bytes(4000));
            for (int i = 0; i < 4; i++) {
                t.expect(ack().seq(S + 1000 * i).len(1000));
            }
            t.after(TcpScript.ms(1000)).expect(ack().seq(S).len(1000)); // the RTO takes SND.NXT back to S + 1000
            t.expectNothing();
            t.send(ack().seq(D).ack(S).payload("hi"));
            // The peer's RCV.NXT may already be S + 4000: an ACK below it would be unacceptable
            // there (RFC 9293 §3.10.7.4), so the ACK goes at SND.MAX, not at the rewound SND.NXT.
            t.after(TcpScript.ms(100)).expect(ack().seq(S + 4000).ack(D + 2).len(0));
            t.expectNothing();
        }
    }

    /**
     * Receiver SWS avoidance (RFC 9293 §3.8.6.2.2, MUST-39) moves the right edge by at least
     * min(RCV.BUFF / 2, MSS): with a buffer smaller than two segments, half the buffer.
     */
    @Test
    void aBufferSmallerThanTwoSegmentsOpensByHalfOfIt() {
        try (TcpScript t = new TcpScript(b -> b.wnd(1500).windowScaling(false))) {
            t.established(TcpSendTest.P, syn().mss(1000));
            t.autoRecved = false;
            t.send(ack().seq(D).ack(S).payload(new byte[1000]));
            t.after(TcpScript.ms(100)).expect(ack().ack(D + 1000).window(500)); // the edge at D + 1500
            t.conn.recved(800);
            // 1300 free: the edge can move by 800, more than min(1500 / 2, 1000) = 750, so it does.
            t.expect(ack().seq(S).ack(D + 1000).window(1300));
            t.expectNothing();
        }
    }
}
