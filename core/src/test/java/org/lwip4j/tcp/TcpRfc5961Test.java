package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.rst;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.Seg.synAck;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.stack.Err;

/** RFC 5961: blind RST, SYN and data injection, each case and the challenge ACK rate limit. */
class TcpRfc5961Test {
    static final int P = 1000;
    static final int D = P + 1;
    static final int S = ISS + 1;

    static TcpScript open(java.util.function.Consumer<org.lwip4j.stack.StackConfig.TcpOptions.Builder> tweak) {
        TcpScript t = new TcpScript(tweak.andThen(b -> b.timestamps(false)));
        t.established(P, syn().mss(1000).window(10_000));
        return t;
    }

    @Test
    void s3_rstExactlyAtRcvNxtResetsInEveryStateButTimeWait() {
        try (TcpScript t = open(b -> { })) {
            t.conn.close();
            t.drain();
            assertEquals(TcpState.FIN_WAIT_1, t.conn.state());
            t.send(rst().seq(D + 1));
            t.expect(ack().seq(S + 1).ack(D)); // in the window but not RCV.NXT: a challenge
            assertEquals(TcpState.FIN_WAIT_1, t.conn.state());
            t.send(rst().seq(D));
            assertEquals(TcpState.CLOSED, t.conn.state());
            t.expectNothing();
        }
    }

    @Test
    void s3_rstInSynRcvdOnlyAtRcvNxt() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            t.send(syn().seq(P));
            t.expect(synAck().ack(D));
            t.send(rst().seq(D + 10));
            t.expect(ack().seq(S).ack(D)); // a challenge, whose answer (a RST at RCV.NXT) would count
            assertEquals(2, t.tcp.pcbs().size());
            t.send(rst().seq(D));
            assertEquals(1, t.tcp.pcbs().size());
        }
    }

    @Test
    void s4_aSynInAnySynchronizedStateGetsAChallengeAckWhateverItsSequenceNumber() {
        try (TcpScript t = open(b -> { })) {
            for (int seq : new int[] {D, D - 50_000, D + 1_000_000_000}) {
                t.send(syn().seq(seq));
                t.expect(ack().seq(S).ack(D));
            }
            t.conn.shutdown(false, true);
            t.drain();
            t.send(syn().seq(D));
            t.expect(ack().seq(S + 1).ack(D));
            assertEquals(TcpState.FIN_WAIT_1, t.conn.state());
            assertEquals(4, t.tcp.counters().challengeAcksSent());
        }
    }

    @Test
    void s5_anAckBelowSndUnaLessTheMaxWindowIsChallengedAndItsDataDropped() {
        try (TcpScript t = open(b -> { })) {
            t.conn.write(new byte[500]);
            t.drain();
            t.send(ack().seq(D).ack(S + 500));
            // The acceptable range is SND.UNA - MAX.SND.WND (65535, the handshake's ACK) ..= SND.MAX.
            t.send(ack().seq(D).ack(S + 500 - 65_536).payload("inject"));
            t.expect(ack().seq(S + 500).ack(D));
            assertEquals(0, t.receivedBytes().length);
            assertEquals(1, t.tcp.counters().challengeAcksSent());
            t.send(ack().seq(D).ack(S + 500 - 65_535).payload("ok")); // an old but acceptable ACK
            assertEquals("ok", new String(t.receivedBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void s5_anAckForDataNeverSentGetsAnAckAndItsDataIsDropped() {
        try (TcpScript t = open(b -> { })) {
            t.send(ack().seq(D).ack(S + 1).payload("inject"));
            t.expect(ack().seq(S).ack(D));
            assertEquals(0, t.receivedBytes().length);
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
        }
    }

    @Test
    void s7_theLimitIsStackWideAcrossConnections() {
        try (TcpScript t = new TcpScript(b -> b.challengeAckLimit(1).timestamps(false))) {
            t.listen();
            t.send(syn().seq(P));
            t.expect(synAck());
            t.send(ack().seq(D).ack(S));
            TcpPcb a = t.conn;
            t.send(syn().seq(P).ports(4001, TcpScript.PORT));
            t.expect(synAck());
            t.send(ack().seq(D).ack(S).ports(4001, TcpScript.PORT));
            assertTrue(t.conn != a);
            t.send(rst().seq(D + 5));
            t.expect(ack().ports(TcpScript.PORT, TcpScript.PEER_PORT));
            t.send(rst().seq(D + 5).ports(4001, TcpScript.PORT));
            t.expectNothing();
            assertEquals(1, t.tcp.counters().challengeAcksLimited());
            t.after(ms(1000));
            t.send(rst().seq(D + 5).ports(4001, TcpScript.PORT));
            t.expect(ack().ports(TcpScript.PORT, 4001));
            assertEquals(List.of(), t.errors);
        }
    }

    @Test
    void s7_eachSecondsBudgetIsRandomizedBetweenHalfAndAllOfTheLimit() {
        try (TcpScript t = open(b -> b.challengeAckLimit(100))) {
            int[] sent = new int[5];
            for (int sec = 0; sec < sent.length; sec++) {
                for (int i = 0; i < 150; i++) {
                    t.send(rst().seq(D + 1 + i));
                }
                sent[sec] = t.drain().size();
                assertTrue(sent[sec] > 50 && sent[sec] <= 100, "second " + sec + ": " + sent[sec]);
                t.after(ms(1000));
            }
            boolean varies = false;
            for (int s : sent) {
                varies |= s != sent[0];
            }
            assertTrue(varies, "the budget is not the same every second: " + java.util.Arrays.toString(sent));
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
            assertEquals(List.of(), t.errors);
            assertEquals(Err.OK, t.conn.write(new byte[1]));
        }
    }
}
