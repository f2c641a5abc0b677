package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.fin;
import static org.lwip4j.tcp.Seg.rst;
import static org.lwip4j.tcp.Seg.rstAck;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.Seg.synAck;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.stack.Err;

/**
 * Timestamps' protections (RFC 7323 §5: PAWS and the TS.Recent rules), TIME_WAIT's cap and
 * reuse by a new incarnation (RFC 6191, RFC 1122 §4.2.2.13), and lwIP's recycling of pcbs
 * when none is free.
 */
class TcpPawsTimeWaitTest {
    static final int P = 1000;
    static final int D = P + 1;
    static final int S = ISS + 1;

    /** An established connection with timestamps; the peer's clock starts at 100. */
    static Seg open(TcpScript t) {
        t.listen();
        t.send(syn().seq(P).mss(1000).ts(100, 0));
        Seg sa = t.expect(synAck().ack(D).ts(0, 100));
        t.send(ack().seq(D).ack(S).ts(101, sa.tsVal));
        assertEquals(TcpState.ESTABLISHED, t.conn.state());
        return sa;
    }

    static String text(TcpScript t) {
        return new String(t.receivedBytes(), StandardCharsets.US_ASCII);
    }

    @Test
    void pawsDropsASegmentWithAnOlderTimestampAndAcks() {
        try (TcpScript t = new TcpScript()) {
            Seg sa = open(t);
            t.send(ack().seq(D).ack(S).ts(200, sa.tsVal).payload("ab"));
            t.after(ms(100)).expect(ack().ack(D + 2).ts(0, 200));
            t.send(ack().seq(D + 2).ack(S).ts(150, sa.tsVal).payload("cd")); // an old duplicate from a wrap
            t.expect(ack().seq(S).ack(D + 2).ts(0, 200));
            assertEquals("ab", text(t));
            assertEquals(1, t.tcp.counters().pawsDrops());
            t.send(ack().seq(D + 2).ack(S).ts(199, sa.tsVal).payload("cd")); // one tick older passes (reordering)
            assertEquals("abcd", text(t));
            t.assertNoLeaks();
        }
    }

    @Test
    void tsRecentComesOnlyFromSegmentsAtTheLeftEdge() {
        try (TcpScript t = new TcpScript()) {
            Seg sa = open(t);
            t.send(ack().seq(D + 2).ack(S).ts(500, sa.tsVal).payload("cd")); // out of order: not TS.Recent
            t.expect(ack().ack(D).ts(0, 101));
            t.send(ack().seq(D).ack(S).ts(300, sa.tsVal).payload("ab"));
            t.expect(ack().ack(D + 4).ts(0, 300));
            assertEquals("abcd", text(t));
        }
    }

    @Test
    void onceNegotiatedASegmentWithoutTimestampsIsDroppedButARstIsNot() {
        try (TcpScript t = new TcpScript()) {
            open(t);
            t.send(ack().seq(D).ack(S).payload("zz"));
            t.expectNothing();
            assertEquals("", text(t));
            assertEquals(1, t.tcp.counters().pawsDrops());
            t.send(rst().seq(D)); // RFC 7323 §5.3 R1: a RST is not subject to PAWS
            assertEquals(List.of(Err.RST), t.errors);
        }
    }

    @Test
    void afterTwentyFourDaysIdleTsRecentIsNoLongerValid() {
        try (TcpScript t = new TcpScript()) {
            Seg sa = open(t);
            t.after(Duration.ofDays(25));
            t.send(ack().seq(D).ack(S).ts(5, sa.tsVal).payload("ab")); // the peer's clock wrapped meanwhile
            assertEquals("ab", text(t));
            assertEquals(0, t.tcp.counters().pawsDrops());
        }
    }

    @Test
    void aReorderedPureDuplicateAckStillCountsAsDuplicate() {
        try (TcpScript t = new TcpScript()) {
            Seg sa = open(t);
            t.send(ack().seq(D).ack(S).ts(200, sa.tsVal).window(65535));
            t.conn.write(new byte[100]);
            t.expect(Seg.psh().seq(S).len(100));
            t.send(ack().seq(D).ack(S).ts(150, sa.tsVal).window(65535)); // overtaken by the one at 200
            assertEquals(0, t.tcp.counters().pawsDrops());
            assertEquals(1, t.conn.info().dupAcks());
            t.send(ack().seq(D).ack(S).ts(150, sa.tsVal).window(60000)); // not a pure duplicate: dropped
            assertEquals(1, t.tcp.counters().pawsDrops());
        }
    }

    /** Closes {@code c} actively, through to TIME_WAIT, with the peer on {@code port}. */
    static void toTimeWait(TcpScript t, TcpPcb c, int port, int peerTs) {
        c.close();
        t.expect(fin().seq(S).ack(D).ports(TcpScript.PORT, port));
        t.send(fin().seq(D).ack(S + 1).ports(port, TcpScript.PORT).ts(peerTs, 0));
        t.expect(ack().seq(S + 1).ack(D + 1).ports(TcpScript.PORT, port));
        assertEquals(TcpState.TIME_WAIT, c.state());
    }

    static TcpPcb connectFrom(TcpScript t, int port) {
        t.send(syn().seq(P).ports(port, TcpScript.PORT).ts(100, 0));
        Seg sa = t.expect(synAck().ack(D).ports(TcpScript.PORT, port));
        t.send(ack().seq(D).ack(S).ports(port, TcpScript.PORT).ts(101, sa.tsVal));
        return t.conn;
    }

    @Test
    void theTimeWaitCapRecyclesTheOldestFirst() {
        try (TcpScript t = new TcpScript(b -> b.maxTimeWait(2))) {
            t.listen();
            TcpPcb a = connectFrom(t, 4001);
            TcpPcb b = connectFrom(t, 4002);
            TcpPcb c = connectFrom(t, 4003);
            toTimeWait(t, b, 4002, 200);
            t.after(ms(10));
            toTimeWait(t, a, 4001, 200);
            assertEquals(4, t.tcp.pcbs().size());
            t.after(ms(10));
            toTimeWait(t, c, 4003, 200);
            assertEquals(TcpState.CLOSED, b.state(), "the first to enter TIME_WAIT goes first");
            assertEquals(TcpState.TIME_WAIT, a.state());
            assertEquals(TcpState.TIME_WAIT, c.state());
            assertEquals(1, t.tcp.counters().timeWaitRecycled());
            assertEquals(3, t.tcp.pcbs().size());
            t.expectNothing(); // no RST for a recycled TIME_WAIT
        }
    }

    @Test
    void rfc6191_aSynWithAHigherTimestampReopensTimeWaitWhateverItsSequenceNumber() {
        try (TcpScript t = new TcpScript()) {
            open(t);
            TcpPcb old = t.conn;
            toTimeWait(t, old, TcpScript.PEER_PORT, 200);
            t.send(syn().seq(D - 500).ts(150, 0)); // older clock: the old connection's segment
            t.expect(ack().seq(S + 1).ack(D + 1));
            assertEquals(TcpState.TIME_WAIT, old.state());
            t.send(syn().seq(D + 500_000).ts(199, 0)); // a higher sequence number does not outvote the clock
            t.expect(ack().seq(S + 1).ack(D + 1));
            assertEquals(TcpState.TIME_WAIT, old.state());
            t.send(syn().seq(D - 500).mss(1000).ts(201, 0)); // a new incarnation, ISN below the old RCV.NXT
            t.expect(synAck().ack(D - 499).ts(0, 201));
            assertEquals(TcpState.CLOSED, old.state());
            assertEquals(1, t.tcp.counters().timeWaitReused());
        }
    }

    @Test
    void outOfPcbsTheLongestIdleConnectionOfTheLowestPriorityIsAborted() {
        try (TcpScript t = new TcpScript(b -> b.memNumPcb(4))) {
            t.listen();
            TcpPcb a = connectFrom(t, 4001);
            TcpPcb b = connectFrom(t, 4002);
            TcpPcb c = connectFrom(t, 4003);
            c.setPriority(10);
            t.after(ms(1000));
            t.send(ack().seq(D).ack(S).ports(4001, TcpScript.PORT).ts(300, 0)); // a is active again
            t.drain();
            TcpPcb fresh = t.stack.newTcpPcb();
            assertEquals(TcpState.CLOSED, c.state(), "lowest priority goes first, idle or not");
            t.expect(rstAck().ports(TcpScript.PORT, 4003));
            TcpPcb fresh2 = t.stack.newTcpPcb();
            assertEquals(TcpState.CLOSED, b.state(), "then, at equal priority, the longest idle");
            assertSame(TcpState.ESTABLISHED, a.state());
            t.expect(rstAck().ports(TcpScript.PORT, 4002));
            assertEquals(List.of(Err.ABRT, Err.ABRT), t.errors);
            fresh.close();
            fresh2.close();
        }
    }

    @Test
    void outOfPcbsLastAckGoesBeforeAnyActiveConnection() {
        try (TcpScript t = new TcpScript(b -> b.memNumPcb(3))) {
            t.listen();
            TcpPcb a = connectFrom(t, 4001);
            TcpPcb b = connectFrom(t, 4002);
            t.send(fin().seq(D).ack(S).ports(4002, TcpScript.PORT).ts(200, 0));
            t.drain();
            b.close(); // CLOSE_WAIT -> LAST_ACK
            t.drain();
            assertEquals(TcpState.LAST_ACK, b.state());
            TcpPcb fresh = t.stack.newTcpPcb();
            assertTrue(b.state() == TcpState.CLOSED);
            assertEquals(TcpState.ESTABLISHED, a.state());
            fresh.close();
        }
    }
}
