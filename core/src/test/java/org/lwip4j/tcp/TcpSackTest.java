package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The SACK blocks the stack sends as a receiver (RFC 2018 §4): one per out-of-order range,
 * the one holding the latest segment first, the rest most recent first, as many as fit
 * beside the timestamps; D-SACK (RFC 2883) first for data received twice, once.
 */
class TcpSackTest {
    static final int P = 1000;
    static final int D = P + 1;
    static final int S = ISS + 1;

    static Seg data(int seq, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seq + i);
        }
        return ack().seq(seq).ack(S).payload(b);
    }

    static TcpScript open(boolean timestamps) {
        TcpScript t = new TcpScript();
        Seg s = syn().mss(1000).sackPermitted();
        if (timestamps) {
            s.ts(100, 0);
        }
        t.established(P, s);
        return t;
    }

    @Test
    void outOfOrderRangesAreSackedMostRecentFirstAndMergedWhenTheyTouch() {
        try (TcpScript t = open(false)) {
            t.send(data(D + 100, 100));
            t.expect(ack().ack(D).sack(D + 100, D + 200));
            t.send(data(D + 300, 100));
            t.expect(ack().ack(D).sack(D + 300, D + 400).sack(D + 100, D + 200));
            t.send(data(D + 500, 100));
            t.expect(ack().ack(D).sack(D + 500, D + 600).sack(D + 300, D + 400).sack(D + 100, D + 200));
            t.send(data(D + 200, 100)); // joins the first two ranges: that block goes first
            t.expect(ack().ack(D).sack(D + 100, D + 400).sack(D + 500, D + 600));
            t.send(data(D, 100)); // the hole fills: what remains above is SACKed
            t.expect(ack().ack(D + 400).sack(D + 500, D + 600));
            t.send(data(D + 400, 100));
            t.expect(ack().ack(D + 600).noSack());
            assertEquals(600, t.receivedBytes().length);
            byte[] want = new byte[600];
            for (int i = 0; i < 600; i++) {
                want[i] = (byte) (D + i);
            }
            assertEquals(new String(want, StandardCharsets.ISO_8859_1),
                    new String(t.receivedBytes(), StandardCharsets.ISO_8859_1));
            t.assertNoLeaks();
        }
    }

    @Test
    void fourBlocksWithoutTimestampsThreeWithThem() {
        for (boolean ts : new boolean[] {false, true}) {
            try (TcpScript t = open(ts)) {
                for (int i = 1; i <= 5; i++) {
                    Seg d = data(D + 200 * i, 100);
                    if (ts) {
                        d.ts(200 + i, 0);
                    }
                    t.send(d);
                    t.drain();
                }
                Seg d = data(D + 1200, 100);
                if (ts) {
                    d.ts(300, 0);
                }
                t.send(d);
                Seg got = t.expect(ack().ack(D));
                int n = ts ? 3 : 4;
                assertEquals(n, got.sack.size(), "blocks with timestamps " + ts);
                for (int i = 0; i < n; i++) {
                    int start = D + 1200 - 200 * i;
                    assertEquals(new org.lwip4j.wire.TcpOptionsRepr.SackBlock(start, start + 100), got.sack.get(i));
                }
            }
        }
    }

    @Test
    void dsackReportsAnOldDuplicateFirstAndOnlyOnce() {
        try (TcpScript t = open(false)) {
            t.send(data(D, 100));
            t.after(TcpScript.ms(200)).expect(ack().ack(D + 100).noSack()); // the delayed ACK
            t.send(data(D + 300, 100));
            t.expect(ack().ack(D + 100).sack(D + 300, D + 400));
            t.send(data(D, 100)); // received twice: below RCV.NXT
            t.expect(ack().ack(D + 100).sack(D, D + 100).sack(D + 300, D + 400));
            t.send(data(D + 350, 10).ack(S)); // inside queued data: D-SACK, then the block holding it
            t.expect(ack().ack(D + 100).sack(D + 350, D + 360).sack(D + 300, D + 400));
            t.send(data(D + 50, 100)); // half old: the old half is reported
            t.expect(ack().ack(D + 150).sack(D + 50, D + 100).sack(D + 300, D + 400));
            t.send(data(D + 400, 50)); // the next ACK has no D-SACK again
            t.expect(ack().ack(D + 150).sack(D + 300, D + 450));
            assertEquals(3, t.conn.info().dsacksSent());
        }
    }

    @Test
    void noSackBlocksWhenTheyWereNotNegotiated() {
        try (TcpScript t = new TcpScript()) {
            t.established(P, syn().mss(1000));
            t.send(data(D + 100, 100));
            t.expect(ack().ack(D).noSack());
            t.send(data(D, 100));
            t.expect(ack().ack(D + 200).noSack());
        }
    }

    @Test
    void dataSegmentsCarrySackBlocksOnlyWhenTheyFitInTheMss() {
        try (TcpScript t = open(false)) {
            t.conn.setNoDelay(true);
            t.send(data(D + 100, 100));
            t.expect(ack().ack(D).sack(D + 100, D + 200));
            t.conn.write(new byte[10]);
            t.expect(Seg.psh().seq(S).ack(D).len(10).sack(D + 100, D + 200));
            t.send(ack().seq(D).ack(S + 10));
            t.conn.write(new byte[1000]);
            t.expect(Seg.psh().seq(S + 10).ack(D).len(1000).noSack()); // a full segment: no room
        }
    }
}
