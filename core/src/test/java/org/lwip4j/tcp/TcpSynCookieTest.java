package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.rst;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.Seg.synAck;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Listeners under a SYN flood: the SYN queue bound and SYN cookies (RFC 4987 §3.6). */
class TcpSynCookieTest {
    private static final int FLOOD = 5000;

    /** Fills the listener's SYN queue (backlog) from {@code n} spoofed sources; returns the SYN-ACKs sent to them. */
    private static int flood(TcpScript t, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int synAcks = 0;
        for (int i = 0; i < n; i++) {
            String src = "172.16." + r.nextInt(256) + "." + (1 + r.nextInt(254));
            t.sendFrom(src, syn().seq(r.nextInt()).ports(10000 + r.nextInt(50000), TcpScript.PORT).mss(1460)
                    .ts(r.nextInt(), 0).wscale(7).sackPermitted());
            if (i % 256 == 255) {
                synAcks += count(t.drain());
            }
        }
        return synAcks + count(t.drain());
    }

    private static int count(List<Seg> segs) {
        int n = 0;
        for (Seg s : segs) {
            n += s.has(org.lwip4j.wire.TcpPacket.SYN) ? 1 : 0;
        }
        return n;
    }

    @Test
    void aSynFloodCostsOnlyTheSynQueueAndARealClientStillConnects() {
        try (TcpScript t = new TcpScript()) {
            t.listen(8);
            int synAcks = flood(t, FLOOD, 7);
            assertEquals(FLOOD, synAcks, "every SYN is answered: 8 from the queue, the rest with cookies");
            assertEquals(1 + 8, t.tcp.pcbs().size(), "the listener and a full SYN queue, nothing more");
            assertEquals(FLOOD - 8, t.tcp.counters().synCookiesSent());
            // A real client now: its SYN-ACK carries a cookie and the options in the timestamp.
            t.send(syn().seq(1000).mss(1460).wscale(7).sackPermitted().ts(5000, 0));
            Seg sa = t.expect(synAck().ack(1001).mss(1460).wscale(3).sackPermitted().ts(0, 5000).window(65535));
            assertNotEquals(ISS, sa.seq, "a cookie, not the ISN of a queued connection");
            assertEquals(7, SynCookies.tsWindowScale(sa.tsVal), "the SYN's window scale rides in our TSval");
            assertTrue(SynCookies.tsSackPermitted(sa.tsVal));
            assertEquals(1 + 8, t.tcp.pcbs().size(), "the cookie kept nothing");
            t.after(ms(30));
            t.send(ack().seq(1001).ack(sa.seq + 1).ts(5030, sa.tsVal).window(100).payload("hello"));
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
            assertEquals("hello", new String(t.receivedBytes(), StandardCharsets.US_ASCII));
            TcpInfo i = t.conn.info();
            assertEquals(1460 - 12, i.mss());
            assertEquals(7, i.sndScale());
            assertEquals(3, i.rcvScale());
            assertEquals(100 << 7, i.sndWnd());
            assertTrue(i.timestamps());
            assertTrue(i.sack());
            assertEquals(1, t.tcp.counters().synCookiesAccepted());
            t.after(ms(100)).expect(ack().seq(sa.seq + 1).ack(1006).ts(0, 5030));
            // The connection works both ways.
            t.conn.write("world".getBytes(StandardCharsets.US_ASCII));
            t.expect(Seg.psh().seq(sa.seq + 1).ack(1006).payload("world"));
            t.assertNoLeaks();
        }
    }

    @Test
    void withoutTimestampsTheCookieCarriesOnlyTheMssRoundedDownToItsTable() {
        try (TcpScript t = new TcpScript()) {
            t.listen(1);
            t.sendFrom("172.16.0.1", syn().seq(1).ports(5555, TcpScript.PORT));
            t.drain();
            t.send(syn().seq(1000).mss(1400).wscale(7).sackPermitted());
            Seg sa = t.expect(synAck().ack(1001).mss(1460));
            assertNull(sa.wscale, "no window scale without timestamps to carry it");
            assertFalse(sa.sackPermitted);
            assertFalse(sa.timestamps);
            t.send(ack().seq(1001).ack(sa.seq + 1).window(4000));
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
            assertEquals(1300, t.conn.mss(), "1400 read back as the table's 1300");
            assertEquals(0, t.conn.info().sndScale());
            assertEquals(4000, t.conn.info().sndWnd());
            assertEquals(65535, t.conn.info().rcvWnd(), "no scaling: no more than 65535 offered");
        }
    }

    @Test
    void aForgedCookieGetsARstAndNoConnection() {
        try (TcpScript t = new TcpScript()) {
            t.listen(1);
            t.sendFrom("172.16.0.1", syn().seq(1).ports(5555, TcpScript.PORT));
            t.send(syn().seq(1000));
            Seg sa = t.drain().get(1);
            t.send(ack().seq(1001).ack(sa.seq + 1 + (1 << 24))); // another counter value
            t.expect(rst().seq(sa.seq + 1 + (1 << 24)));
            t.send(ack().seq(1001).ack(sa.seq + 1 + 0x1234));
            t.expect(rst().seq(sa.seq + 1 + 0x1234));
            t.send(ack().seq(1002).ack(sa.seq + 1)); // the client ISN is part of the cookie too
            t.expect(rst().seq(sa.seq + 1));
            assertEquals(3, t.tcp.counters().synCookiesRejected());
            assertEquals(0, t.tcp.counters().synCookiesAccepted());
            assertNull(t.conn);
            assertEquals(2, t.tcp.pcbs().size());
        }
    }

    @Test
    void aCookieOlderThanTwoCounterPeriodsIsRefused() {
        try (TcpScript t = new TcpScript()) {
            t.listen(1);
            t.sendFrom("172.16.0.1", syn().seq(1).ports(5555, TcpScript.PORT));
            t.send(syn().seq(1000));
            Seg sa = t.drain().get(1);
            t.sendFrom("172.16.0.2", syn().seq(1).ports(5556, TcpScript.PORT)); // keeps the listener "overflowed"
            t.after(java.time.Duration.ofSeconds(121));
            t.sendFrom("172.16.0.2", syn().seq(1).ports(5556, TcpScript.PORT));
            t.drain();
            t.send(ack().seq(1001).ack(sa.seq + 1));
            t.expect(rst().seq(sa.seq + 1));
            assertNull(t.conn);
        }
    }

    @Test
    void aCookieStillValidInTheNextCounterPeriod() {
        try (TcpScript t = new TcpScript()) {
            t.listen(1);
            t.sendFrom("172.16.0.1", syn().seq(1).ports(5555, TcpScript.PORT));
            t.send(syn().seq(1000));
            Seg sa = t.drain().get(1);
            t.after(java.time.Duration.ofSeconds(61));
            t.send(ack().seq(1001).ack(sa.seq + 1));
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
        }
    }

    @Test
    void aStrayAckToAListenerThatNeverOverflowedIsResetWithoutACookieCheck() {
        try (TcpScript t = new TcpScript()) {
            t.listen(4);
            t.send(ack().seq(1001).ack(777));
            t.expect(rst().seq(777));
            assertEquals(0, t.tcp.counters().synCookiesRejected());
        }
    }

    @Test
    void withCookiesOffAFullQueueDropsTheSyn() {
        try (TcpScript t = new TcpScript(b -> b.synCookies(false))) {
            t.listen(1);
            t.sendFrom("172.16.0.1", syn().seq(1).ports(5555, TcpScript.PORT));
            t.drain();
            t.send(syn().seq(1000));
            t.expectNothing();
            assertEquals(1, t.tcp.counters().synQueueDrops());
            assertEquals(0, t.tcp.counters().synCookiesSent());
        }
    }

    @Test
    void anEchoOfATimestampNotYetSentIsNoCookie() {
        try (TcpScript t = new TcpScript()) {
            t.listen(1);
            t.sendFrom("172.16.0.1", syn().seq(1).ports(5555, TcpScript.PORT));
            t.send(syn().seq(1000).ts(9, 0));
            Seg sa = t.drain().get(1);
            t.send(ack().seq(1001).ack(sa.seq + 1).ts(10, sa.tsVal + 100_000));
            t.expect(rst().seq(sa.seq + 1));
            assertNull(t.conn);
            t.send(ack().seq(1001).ack(sa.seq + 1).ts(10, sa.tsVal));
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
        }
    }
}
