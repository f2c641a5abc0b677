package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.fin;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.lwip4j.wire.TcpPacket;

/** The receive side: trimming, out-of-order queue, FIN, delayed ACKs, window updates. */
class TcpReceiveTest {
    static final int P = 1000; // peer ISN
    static final int D = P + 1; // first data byte from the peer

    static TcpScript open() {
        TcpScript t = new TcpScript();
        t.established(P, syn().mss(1000));
        return t;
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void conformance2_segmentStartingBelowRcvNxtIsTrimmed() {
        try (TcpScript t = open()) {
            t.send(ack().seq(D).ack(ISS + 1).payload("abcd"));
            t.send(ack().seq(D + 2).ack(ISS + 1).payload("cdefgh"));
            assertEquals("abcdefgh", text(t.receivedBytes()));
            assertEquals(2, t.received.size());
            assertArrayEquals("efgh".getBytes(), t.received.get(1));
            t.assertNoLeaks();
        }
    }

    @Test
    void conformance3_dataAndFinInOneSegment_dataFirstThenOneEndOfStream() {
        try (TcpScript t = open()) {
            t.send(Seg.flags(TcpPacket.FIN | TcpPacket.ACK | TcpPacket.PSH).seq(D).ack(ISS + 1).payload("bye"));
            t.expect(ack().seq(ISS + 1).ack(D + 4));
            assertEquals(2, t.received.size());
            assertEquals("bye", text(t.received.get(0)));
            assertEquals(null, t.received.get(1));
            assertEquals(TcpState.CLOSE_WAIT, t.conn.state());
            t.send(fin().seq(D + 3).ack(ISS + 1));
            t.expect(ack().ack(D + 4));
            assertEquals(1, t.fins);
        }
    }

    @Test
    void conformance5_badDataOffsetDiscardedWithoutCallbacks() {
        try (TcpScript t = open()) {
            byte[] pkt = t.bytes(ack().seq(D).ack(ISS + 1).payload("xy"));
            byte[] small = pkt.clone();
            small[20 + 12] = (byte) (4 << 4); // data offset 4 words
            t.inject(small);
            byte[] big = pkt.clone();
            big[20 + 12] = (byte) (15 << 4); // beyond the 22-byte segment
            t.inject(big);
            t.expectNothing();
            assertEquals(0, t.received.size());
            assertEquals(2, t.stack.stats().tcp.lenerr);
        }
    }

    @Test
    void conformance14_outOfOrderQueuedSortedTrimmedAndDeliveredAtOnceWhenTheHoleFills() {
        try (TcpScript t = open()) {
            t.send(ack().seq(D + 10).ack(ISS + 1).payload("KLMNO")); // 10..15
            t.expect(ack().ack(D)); // immediate duplicate ACK
            t.send(ack().seq(D + 5).ack(ISS + 1).payload("FGHIJK")); // 5..11 overlaps 10..15
            t.expect(ack().ack(D));
            t.send(ack().seq(D + 12).ack(ISS + 1).payload("MN")); // contained: dropped
            t.expect(ack().ack(D));
            t.send(ack().seq(D + 20).ack(ISS + 1).payload("UV"));
            t.expect(ack().ack(D));
            assertEquals(0, t.received.size());
            int[][] r = t.conn.ooseq.ranges();
            assertEquals(3, r.length);
            assertEquals(D + 5, r[0][0]);
            assertEquals(D + 10, r[0][1]);
            assertEquals(D + 10, r[1][0]);
            assertEquals(D + 15, r[1][1]);
            t.send(ack().seq(D).ack(ISS + 1).payload("ABCDE"));
            t.expect(ack().ack(D + 15)); // hole filled: ACK at once
            assertEquals("ABCDEFGHIJKLMNO", text(t.receivedBytes()));
            assertEquals(1, t.received.size(), "delivered in one callback");
            assertEquals(1, t.conn.ooseq.size());
            t.conn.abort();
            t.assertNoLeaks();
        }
    }

    @Test
    void conformance14_nothingQueuedBeyondTheWindowAndByteCapHonoured() {
        try (TcpScript t = new TcpScript(b -> b.wnd(4000).ooseqMax(1500, 8).windowScaling(false))) {
            t.established(P, syn().mss(1000));
            t.send(ack().seq(D + 3990).ack(ISS + 1).payload(new byte[20])); // straddles the right edge
            t.expect(ack().ack(D));
            assertEquals(10, t.conn.ooseq.bytes(), "trimmed to the window");
            t.send(ack().seq(D + 100).ack(ISS + 1).payload(new byte[1000]));
            t.expect(ack().ack(D));
            t.send(ack().seq(D + 1200).ack(ISS + 1).payload(new byte[1000]));
            t.expect(ack().ack(D));
            // Over 1500 bytes: the higher segments gave way to the lower.
            assertEquals(1000, t.conn.ooseq.bytes());
            assertEquals(D + 100, t.conn.ooseq.ranges()[0][0]);
            t.conn.abort();
            t.expect(Seg.rstAck().seq(ISS + 1).ack(D));
            t.assertNoLeaks();
        }
    }

    @Test
    void conformance15_finOutOfOrderRememberedUntilTheGapFillsDataAfterFinIgnored() {
        try (TcpScript t = open()) {
            t.send(fin().seq(D + 3).ack(ISS + 1).payload("def"));
            t.expect(ack().ack(D));
            assertEquals(0, t.fins);
            t.send(ack().seq(D).ack(ISS + 1).payload("abc"));
            t.expect(ack().ack(D + 7));
            assertEquals("abcdef", text(t.receivedBytes()));
            assertEquals(1, t.fins);
            t.send(ack().seq(D + 7).ack(ISS + 1).payload("zz")); // data after FIN
            t.send(fin().seq(D + 6).ack(ISS + 1)); // second FIN
            t.drain();
            assertEquals(1, t.fins);
            assertEquals("abcdef", text(t.receivedBytes()));
            assertEquals(TcpState.CLOSE_WAIT, t.conn.state());
            t.assertNoLeaks();
        }
    }

    @Test
    void conformance24_delayedAckOneTimeoutLaterOrAtOnceOnTheSecondFullSegment() {
        try (TcpScript t = open()) {
            t.send(ack().seq(D).ack(ISS + 1).payload("small"));
            t.expectNothing();
            t.after(ms(99)).expectNothing();
            t.after(ms(1)).expect(ack().ack(D + 5));
            t.send(ack().seq(D + 5).ack(ISS + 1).payload(new byte[1000]));
            t.expectNothing();
            t.send(ack().seq(D + 1005).ack(ISS + 1).payload(new byte[1000]));
            t.expect(ack().ack(D + 2005));
            t.after(ms(500)).expectNothing();
        }
    }

    @Test
    void conformance24_windowUpdateWhenTheApplicationReads() {
        try (TcpScript t = new TcpScript(b -> b.wnd(4000).windowScaling(false))) {
            t.established(P, syn().mss(1000));
            t.autoRecved = false;
            t.send(ack().seq(D).ack(ISS + 1).payload(new byte[1000]));
            t.send(ack().seq(D + 1000).ack(ISS + 1).payload(new byte[1000]));
            t.expect(ack().ack(D + 2000).window(2000));
            t.send(ack().seq(D + 2000).ack(ISS + 1).payload(new byte[2000]));
            t.after(ms(100)).expect(ack().ack(D + 4000).window(0));
            t.conn.recved(500);
            t.expectNothing(); // below the threshold (min(wnd/4, 2 MSS))
            t.conn.recved(500);
            t.expect(ack().ack(D + 4000).window(1000));
            t.conn.recved(999);
            t.expectNothing(); // 999 more than the 1000 announced: below the threshold again
            t.conn.recved(1);
            t.expect(ack().ack(D + 4000).window(2000));
        }
    }

    /**
     * MUST-39 (RFC 9293 §3.8.6.2.2, RFC 1122 §4.2.3.3): an ACK sent for any reason moves the
     * announced right edge only by min(RCV.BUFF/2, MSS) or more; a small read keeps it where
     * it was, so the peer never sees a sliver of window open.
     */
    @Test
    void must39_anAckSentForDataKeepsTheRightEdgeUntilItCanMoveByAnMss() {
        try (TcpScript t = new TcpScript(b -> b.wnd(8000).windowScaling(false))) {
            t.established(P, syn().mss(1000));
            t.autoRecved = false;
            t.send(ack().seq(D).ack(ISS + 1).payload(new byte[1000]));
            t.send(ack().seq(D + 1000).ack(ISS + 1).payload(new byte[1000]));
            t.expect(ack().ack(D + 2000).window(6000)); // right edge D + 8000
            t.conn.recved(300);
            t.expectNothing(); // no window update for 300 (below min(wnd/4, 2 MSS))
            // Data arrives: its ACK keeps the edge at D + 8000, not D + 8300 (before: window 4300).
            t.send(ack().seq(D + 2000).ack(ISS + 1).payload(new byte[1000]));
            t.send(ack().seq(D + 3000).ack(ISS + 1).payload(new byte[1000]));
            t.expect(ack().ack(D + 4000).window(4000));
            // The application reads on: once the edge can move by an MSS (1000 <= min(8000/2, 1000)), it does.
            t.conn.recved(700);
            t.send(ack().seq(D + 4000).ack(ISS + 1).payload(new byte[1000]));
            t.send(ack().seq(D + 5000).ack(ISS + 1).payload(new byte[1000]));
            t.expect(ack().ack(D + 6000).window(3000)); // free 3000: the edge moves to D + 9000
        }
    }

    /**
     * A zero-window probe while the SWS rule holds the right edge where it was (the
     * application read less than the update threshold) is refused: the acceptability test
     * uses the window as offered (RFC 9293 §3.10.7.4), so probes do not slip into the free
     * buffer a byte at a time, as Linux.
     */
    @Test
    void aProbeIntoTheOfferedZeroWindowIsRefusedEvenWithALittleFreeBuffer() {
        try (TcpScript t = new TcpScript(b -> b.wnd(4000).windowScaling(false))) {
            t.established(P, syn().mss(1000));
            t.autoRecved = false;
            t.send(ack().seq(D).ack(ISS + 1).payload(new byte[2000]));
            t.send(ack().seq(D + 2000).ack(ISS + 1).payload(new byte[2000]));
            t.expect(ack().ack(D + 4000).window(0));
            t.conn.recved(500);
            t.expectNothing(); // 500 free: below the update threshold, the window stays shut
            t.send(ack().seq(D + 4000).ack(ISS + 1).payload(new byte[] {42}));
            t.expect(ack().ack(D + 4000).window(0)); // before: the byte was taken (ack D + 4001)
            assertEquals(4000, t.receivedBytes().length);
        }
    }

    @Test
    void conformance22_synInSynchronizedStateIsNeverDataButAChallengeAck() {
        try (TcpScript t = open()) {
            t.send(syn().seq(D + 5).payload("evil"));
            t.expect(ack().seq(ISS + 1).ack(D));
            t.send(syn().seq(77777));
            t.expect(ack().seq(ISS + 1).ack(D));
            assertEquals(0, t.received.size());
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
            assertEquals(2, t.tcp.challengeAcks());
        }
    }

    @Test
    void conformance20_rstOnlyAtRcvNxtInWindowGetsChallengeAckRateLimited() {
        try (TcpScript t = new TcpScript(b -> b.challengeAckLimit(2))) {
            t.established(P, syn().mss(1000));
            t.send(Seg.rst().seq(D + 100));
            t.expect(ack().seq(ISS + 1).ack(D));
            t.send(Seg.rst().seq(D + 200));
            t.expect(ack().seq(ISS + 1).ack(D));
            t.send(Seg.rst().seq(D + 300));
            t.expectNothing(); // over the limit of 2 per second
            t.send(Seg.rst().seq(D + 10_000_000)); // outside the window: ignored
            t.expectNothing();
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
            t.after(ms(1000));
            t.send(Seg.rst().seq(D + 300));
            t.expect(ack().ack(D));
            t.send(Seg.rst().seq(D));
            t.expectNothing();
            assertEquals(java.util.List.of(org.lwip4j.stack.Err.RST), t.errors);
            assertEquals(0, t.tcp.pcbs().size() - 1, "only the listener is left");
        }
    }

    @Test
    void conformance14_outOfOrderDataDroppedUnderMemoryPressure() {
        try (TcpScript t = new TcpScript(b -> { }, 1500, c -> c.pbufPoolSize(4))) {
            t.established(P, syn().mss(1000));
            for (int k = 1; k <= 3; k++) {
                t.send(ack().seq(D + 100 * k).ack(ISS + 1).payload(new byte[10]));
                t.expect(ack().ack(D));
            }
            assertEquals(3, t.conn.ooseq.size());
            // The fourth takes the last pool buffer: its ACK finds no memory, the queue gives way.
            t.send(ack().seq(D + 400).ack(ISS + 1).payload(new byte[10]));
            assertEquals(0, t.conn.ooseq.size());
            assertEquals(1, t.stack.stats().tcp.memerr);
            t.send(ack().seq(D).ack(ISS + 1).payload("abc"));
            t.expect(ack().ack(D + 3));
            t.assertNoLeaks();
        }
    }
}
