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

    /** The default window, 256 KiB, goes with a scale of 3: the window field counts units of 8 bytes. */
    static final int WND = 262_144;
    static final int SCALE = 3;

    /** The right edge an ACK announces: SEG.ACK + (SEG.WND << Rcv.Wind.Shift). */
    static long edge(Seg ack) {
        return Integer.toUnsignedLong(ack.ack) + ((long) ack.window << SCALE);
    }

    /**
     * SHLD-14 (RFC 9293 §3.8.6.2.2) with the window scale (RFC 7323 §2.4): rounding the window
     * down to the scale's unit would move the right edge left when RCV.NXT advances by less
     * than a unit, so it is rounded up instead, past the free buffer; and the receiver honours
     * that edge (§2.4 rule 1, MUST): the peer's bytes up to it are taken.
     */
    @Test
    void shld14_theWindowIsRoundedUpRatherThanMoveTheRightEdgeLeftAndTheEdgeIsHonoured() {
        try (TcpScript t = new TcpScript()) {
            t.established(P, syn().mss(1000).wscale(0));
            t.autoRecved = false;
            t.send(ack().seq(D).ack(ISS + 1).payload(new byte[1000]));
            // 261,144 free: 32,643 units of 8 exactly; the edge is the buffer's, D + 262,144.
            Seg first = t.after(ms(100)).expect(ack().ack(D + 1000).window(32_643));
            t.send(ack().seq(D + 1000).ack(ISS + 1).payload(new byte[5]));
            // 261,139 free: rounded down (32,642) the edge would go back 3 bytes, to D + 262,141.
            Seg second = t.after(ms(100)).expect(ack().ack(D + 1005).window(32_643));
            assertEquals(edge(first) + 5, edge(second), "5 bytes past the buffer, not 3 short of the last edge");
            // The peer fills the window to the edge announced: every byte is taken, 5 beyond the buffer.
            int end = t.sendData(D + 1005, ISS + 1, 261_144);
            assertEquals(D + WND + 5, end);
            t.after(ms(100));
            long last = edge(second);
            for (Seg a : t.drain()) {
                assertEquals(true, edge(a) >= last, "the right edge moved left: " + a);
                last = edge(a);
            }
            assertEquals(D + WND + 5, (int) last, "the window closed at the edge it had announced");
            assertEquals(WND + 5, t.receivedBytes().length);
            assertEquals(-5, t.conn.info().rcvWnd(), "the application holds 5 bytes more than the buffer");
            t.conn.recved(WND + 5);
            t.expect(ack().ack(end).window(WND >> SCALE)); // all read: the whole buffer again
            t.expectNothing();
        }
    }

    /**
     * Pieces smaller than the scale unit keep a rounded-up window from ever closing while the
     * application reads nothing (each ACK moves the edge on by what arrived), so the edge runs
     * at most a sixteenth of the window past the buffer, then goes back by less than one unit;
     * the peer's data up to the furthest edge announced is still taken (RFC 7323 §2.4 rule 1).
     */
    @Test
    void aPeerSendingLessThanAScaleUnitPerAckCannotRunTheEdgeMoreThanASixteenthPastTheBuffer() {
        try (TcpScript t = new TcpScript()) {
            t.established(P, syn().mss(1000).wscale(0));
            t.autoRecved = false;
            long buffer = Integer.toUnsignedLong(D) + WND;
            long last = 0;
            long furthest = 0;
            int seq = D;
            int retreats = 0;
            for (int i = 0; i < 3_000 && retreats == 0; i++) { // ~2,340 pieces of 7 to reach 16 KiB past
                t.send(ack().seq(seq).ack(ISS + 1).payload(new byte[7]));
                seq += 7;
                Seg a = t.after(ms(100)).expect(ack().ack(seq));
                long e = edge(a);
                assertEquals(true, e - buffer <= WND / 16, "past the buffer by " + (e - buffer));
                if (e < last) {
                    assertEquals(true, last - e < 1 << SCALE, "back by less than a unit: " + (last - e));
                    assertEquals(true, last + 7 - buffer > WND / 16, "back only where moving on would pass the bound");
                    retreats++;
                }
                last = e;
                furthest = Math.max(furthest, e);
            }
            assertEquals(1, retreats, "the bound was reached");
            assertEquals(true, furthest - buffer > WND / 16 - 8, "it was: " + (furthest - buffer));
            // The peer sends up to the furthest edge announced, beyond the last one: all of it is taken.
            int end = t.sendData(seq, ISS + 1, (int) (furthest - Integer.toUnsignedLong(seq)));
            t.after(ms(100));
            java.util.List<Seg> acks = t.drain();
            assertEquals(end, acks.get(acks.size() - 1).ack);
            assertEquals(0, acks.get(acks.size() - 1).window);
            assertEquals(furthest - Integer.toUnsignedLong(D), t.receivedBytes().length);
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
