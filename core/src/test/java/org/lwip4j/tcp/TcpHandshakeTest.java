package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.fin;
import static org.lwip4j.tcp.Seg.rst;
import static org.lwip4j.tcp.Seg.rstAck;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.Seg.synAck;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.stack.Err;

/** Opening connections (RFC 9293 §3.5, §3.10.7.2-3): passive, active, simultaneous, options negotiated. */
class TcpHandshakeTest {
    @Test
    void passiveOpenNegotiatesMssWindowScaleTimestampsAndSack() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            t.send(syn().seq(1000).mss(1400).wscale(7).sackPermitted().ts(555, 0));
            Seg sa = t.expect(synAck().seq(ISS).ack(1001).mss(1460).wscale(3).sackPermitted().ts(0, 555)
                    .window(65535).len(0));
            assertTrue(sa.timestamps);
            t.send(ack().seq(1001).ack(ISS + 1).ts(556, sa.tsVal).window(1000));
            t.expectNothing();
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
            TcpInfo i = t.conn.info();
            assertEquals(1400 - 12, i.mss(), "peer MSS less the timestamp option");
            assertEquals(7, i.sndScale());
            assertEquals(3, i.rcvScale());
            assertEquals(1000 << 7, i.sndWnd());
            assertTrue(i.timestamps());
            assertTrue(i.sack());
            t.assertNoLeaks();
        }
    }

    @Test
    void windowScaleOnlyWhenBothSynsCarryIt() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            t.send(syn().seq(1000).mss(1460));
            Seg sa = t.expect(synAck().ack(1001).mss(1460));
            assertEquals(null, sa.wscale);
            assertEquals(false, sa.timestamps);
            assertEquals(false, sa.sackPermitted);
            t.send(ack().seq(1001).ack(ISS + 1).window(1000));
            assertEquals(1000, t.conn.info().sndWnd());
            assertEquals(0, t.conn.info().rcvScale());
        }
    }

    @Test
    void mssIsClampedToTheRouteMtu() {
        try (TcpScript t = new TcpScript(b -> { }, 576)) {
            t.listen();
            t.send(syn().seq(1000).mss(1460));
            t.expect(synAck().ack(1001).mss(576 - 40));
            t.send(ack().seq(1001).ack(ISS + 1));
            assertEquals(536, t.conn.mss());
        }
    }

    @Test
    void synWithoutMssAssumes536() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            t.send(syn().seq(1000));
            t.expect(synAck().ack(1001));
            t.send(ack().seq(1001).ack(ISS + 1));
            assertEquals(536, t.conn.mss());
        }
    }

    @Test
    void activeOpenSendsSynWithOptionsAndCompletesOnSynAck() {
        try (TcpScript t = new TcpScript()) {
            Seg s = t.connect();
            assertEquals(1460, s.mss);
            assertEquals(3, s.wscale);
            assertTrue(s.sackPermitted);
            assertTrue(s.timestamps);
            assertEquals(TcpState.SYN_SENT, t.conn.state());
            t.send(synAck().seq(5000).ack(ISS + 1).mss(1000).window(8192));
            t.expect(ack().seq(ISS + 1).ack(5001));
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
            assertEquals(1, t.connected);
            assertEquals(1000, t.conn.mss());
            assertEquals(8192, t.conn.info().sndWnd());
        }
    }

    @Test
    void synRetransmittedAtInitialRtoThenBackedOffThenAborts() {
        try (TcpScript t = new TcpScript(b -> b.synMaxRtx(3))) {
            t.connect();
            t.after(ms(999)).expectNothing();
            t.after(ms(1)).expect(syn().seq(ISS));
            t.after(ms(1999)).expectNothing();
            t.after(ms(1)).expect(syn().seq(ISS));
            t.after(ms(4000)).expect(syn().seq(ISS));
            t.after(ms(8000)).expectNothing();
            assertEquals(List.of(Err.ABRT), t.errors);
            assertEquals(0, t.tcp.pcbs().size());
        }
    }

    @Test
    void lwipInitialRtoOfThreeSecondsIsAnOption() {
        try (TcpScript t = new TcpScript(b -> b.initialRto(ms(3000)))) {
            t.connect();
            t.after(ms(2999)).expectNothing();
            t.after(ms(1)).expect(syn().seq(ISS));
        }
    }

    @Test
    void synAckRetransmittedWhenTheFinalAckIsLostAndOnARetransmittedSyn() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            t.send(syn().seq(1000));
            t.expect(synAck().seq(ISS).ack(1001));
            t.after(ms(1000)).expect(synAck().seq(ISS).ack(1001));
            t.send(syn().seq(1000));
            t.expect(synAck().seq(ISS).ack(1001));
            t.send(ack().seq(1001).ack(ISS + 1));
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
        }
    }

    @Test
    void simultaneousOpenGoesThroughSynRcvd() {
        try (TcpScript t = new TcpScript()) {
            t.connect();
            t.send(syn().seq(5000).mss(1460));
            t.expect(synAck().seq(ISS).ack(5001));
            assertEquals(TcpState.SYN_RCVD, t.conn.state());
            t.send(synAck().seq(5000).ack(ISS + 1));
            // Our SYN is acknowledged: ESTABLISHED; the peer's SYN again is answered by a challenge ACK.
            t.drain();
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
            assertEquals(1, t.connected);
        }
    }

    @Test
    void resetInSynSentWithAcceptableAckRefusesTheConnection() {
        try (TcpScript t = new TcpScript()) {
            t.connect();
            t.send(rstAck().seq(0).ack(ISS + 1));
            assertEquals(List.of(Err.RST), t.errors);
            assertEquals(0, t.tcp.pcbs().size());
            t.expectNothing();
        }
    }

    @Test
    void conformance19_unacceptableAckInSynSentGetsRstAndSynIsRetransmitted() {
        try (TcpScript t = new TcpScript()) {
            t.connect();
            t.send(synAck().seq(5000).ack(ISS + 77));
            t.expect(rst().seq(ISS + 77).noOptions());
            assertEquals(TcpState.SYN_SENT, t.conn.state());
            t.after(ms(1000)).expect(syn().seq(ISS));
        }
    }

    @Test
    void conformance1_truncatedSynDroppedValidSynGetsExactlyOneSynAck() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            byte[] full = t.bytes(syn().seq(1000));
            byte[] cut = org.lwip4j.testing.Packets.ipv4(6, TcpScript.PEER, TcpScript.US, 64, 0,
                    java.util.Arrays.copyOfRange(full, 20, 20 + 19));
            t.inject(cut);
            t.expectNothing();
            assertEquals(1, t.stack.stats().tcp.lenerr);
            t.send(syn().seq(1000));
            t.expect(synAck().ack(1001));
            t.expectNothing();
        }
    }

    @Test
    void conformance21_rstInSynRcvdFreesTheHalfOpenPcbAndItsBacklogSlot() {
        try (TcpScript t = new TcpScript()) {
            t.listen(1);
            t.send(syn().seq(1000));
            t.expect(synAck().ack(1001));
            t.send(syn().seq(3000).ports(4001, 80));
            Seg cookie = t.expect(synAck().ack(3001).ports(80, 4001)); // backlog of 1 is full: a SYN cookie
            assertTrue(cookie.seq != ISS);
            assertEquals(2, t.tcp.pcbs().size(), "the cookie kept no pcb");
            t.send(rst().seq(1001));
            assertEquals(1, t.tcp.pcbs().size(), "only the listener is left");
            assertEquals(List.of(), t.errors);
            t.send(syn().seq(3000).ports(4001, 80));
            t.expect(synAck().seq(ISS).ack(3001).ports(80, 4001)); // a queued half-open connection again
            assertEquals(2, t.tcp.pcbs().size());
        }
    }

    @Test
    void conformance18_segmentToClosedPortGetsRstPerRfc9293() {
        try (TcpScript t = new TcpScript()) {
            t.send(syn().seq(1000).ports(4000, 81).payload("ab"));
            t.expect(rstAck().seq(0).ack(1003).ports(81, 4000).window(0));
            t.send(ack().seq(1000).ack(777).ports(4000, 81));
            t.expect(rst().seq(777).ports(81, 4000));
            t.send(rst().seq(1000).ports(4000, 81));
            t.expectNothing();
            t.listen();
            t.send(ack().seq(1000).ack(4242));
            t.expect(rst().seq(4242));
            assertEquals(TcpState.LISTEN, t.listener.state());
            t.send(syn().seq(1000));
            t.expect(synAck().ack(1001));
            t.send(fin().seq(1).ack(1).ports(4000, 81));
            t.expect(rst().seq(1));
            t.assertNoLeaks();
        }
    }

    @Test
    void realIsnsComeFromTheGeneratorAndTimestampsCountMilliseconds() {
        try (TcpScript t = new TcpScript()) {
            t.tcp.isnOverride = null;
            t.conn = t.stack.newTcpPcb();
            t.hook(t.conn);
            assertEquals(Err.OK, t.conn.connect(org.lwip4j.addr.Ip4Address.parse(TcpScript.PEER), 4000, c -> { }));
            Seg first = t.expect(syn());
            int offset = t.tcp.tsOffset(t.conn.localAddr(), t.conn.localPort(), t.conn.remoteAddr(), 4000);
            assertEquals((int) (t.clock.nanoTime() / 1_000_000L) + offset, first.tsVal, "clock plus the keyed offset");
            TcpPcb second = t.stack.newTcpPcb();
            assertEquals(Err.OK, second.connect(org.lwip4j.addr.Ip4Address.parse(TcpScript.PEER), 4001, c -> { }));
            Seg other = t.expect(syn());
            assertTrue(first.seq != 0 && other.seq != 0, "RFC 6528 ISNs, not 0");
            assertTrue(first.seq != other.seq, "another 4-tuple, another ISN");
            // RFC 7323 §5.4: the timestamp clock ticks once a millisecond; the retransmitted SYN shows it.
            t.after(ms(1000));
            Seg again = t.drain().stream().filter(x -> x.seq.equals(first.seq)).findFirst().orElseThrow();
            assertEquals(first.tsVal + 1000, again.tsVal);
        }
    }

    @Test
    void theWindowScaleIsTheSmallestShiftThatFitsTheWindow() {
        int[][] cases = {{65_535, 0}, {65_536, 1}, {131_071, 1}, {131_072, 2}};
        for (int[] c : cases) {
            try (TcpScript t = new TcpScript(b -> b.wnd(c[0]).sndBuf(Math.max(c[0], 8192)))) {
                t.listen();
                t.send(syn().seq(1000).mss(1400).wscale(7));
                Seg sa = t.expect(synAck().seq(ISS).ack(1001));
                assertEquals(c[1], sa.wscale, "window " + c[0]);
            }
        }
    }
}
