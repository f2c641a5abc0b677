package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.psh;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.stack.Err;

/**
 * Urgent data (RFC 9293 §3.8.5, §3.10.7.4 sixth; RFC 6093): the pointer taken as the octet
 * after the urgent data, the application told asynchronously when it arrives or advances,
 * the data left in line, and URG with the pointer on what we send with {@link TcpPcb#WRITE_URGENT}.
 */
class TcpUrgentTest {
    static final int P = 1000;
    static final int D = P + 1;
    static final int S = ISS + 1;

    /** An established connection whose urgent callbacks land in {@code ends}, with urgentRemaining() at each. */
    static TcpScript open(List<long[]> ends) {
        TcpScript t = new TcpScript();
        t.established(P, syn().mss(1000));
        t.conn.onUrgent((pcb, end) -> ends.add(new long[] {end, pcb.urgentRemaining(), t.receivedBytes().length}));
        return t;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void theUrgentPointerIsToldBeforeTheDataWhichStaysInLine() {
        List<long[]> ends = new ArrayList<>();
        try (TcpScript t = open(ends)) {
            t.send(ack().seq(D).ack(S).payload("hello"));
            t.send(psh().seq(D + 5).ack(S).payload("abc!").urg(4)); // "abc!" urgent: the pointer is the octet after '!'
            assertEquals(1, ends.size());
            assertArrayEquals(new long[] {9, 4, 5}, ends.get(0), "end 9, 4 bytes to read, told before they came");
            assertArrayEquals(ascii("helloabc!"), t.receivedBytes(), "RFC 6093 §5: in line, nothing taken out");
            assertEquals(0, t.conn.urgentRemaining());
            assertEquals(1, t.tcp.counters().urgentReceived());
        }
    }

    @Test
    void aPointerBeyondTheSegmentIsToldOnceAndAgainOnlyWhenItAdvances() {
        List<long[]> ends = new ArrayList<>();
        try (TcpScript t = open(ends)) {
            t.send(ack().seq(D).ack(S).payload("abc").urg(10)); // the urgent data ends 7 bytes further on
            assertEquals(1, ends.size());
            assertEquals(10, ends.get(0)[0]);
            assertEquals(7, t.conn.urgentRemaining(), "MUST-33: how much remains to be read");
            t.send(ack().seq(D + 3).ack(S).payload("def").urg(7)); // the same pointer again: nothing new
            assertEquals(1, ends.size());
            assertEquals(4, t.conn.urgentRemaining());
            t.send(ack().seq(D + 6).ack(S).payload("ghij")); // no URG: the urgent data is read
            assertEquals(0, t.conn.urgentRemaining());
            t.send(ack().seq(D + 10).ack(S).payload("kl").urg(2)); // advanced: told again (MUST-32)
            assertEquals(2, ends.size());
            assertEquals(12, ends.get(1)[0]);
            assertArrayEquals(ascii("abcdefghijkl"), t.receivedBytes());
        }
    }

    @Test
    void aPointerToDataAlreadyReceivedOrAZeroPointerSaysNothing() {
        List<long[]> ends = new ArrayList<>();
        try (TcpScript t = open(ends)) {
            t.send(ack().seq(D).ack(S).payload("abcdef"));
            t.send(ack().seq(D).ack(S).payload("abcdef").urg(3)); // a retransmission, already delivered
            t.send(ack().seq(D + 6).ack(S).urg(0)); // points at RCV.NXT: no urgent byte
            assertEquals(List.of(), ends);
            assertEquals(0, t.conn.urgentRemaining());
            assertArrayEquals(ascii("abcdef"), t.receivedBytes());
        }
    }

    @Test
    void must66_aClosedWindowStillTakesTheUrgentPointer() {
        List<long[]> ends = new ArrayList<>();
        try (TcpScript t = open(ends)) {
            t.autoRecved = false;
            int d = t.sendData(D, S, 65535); // the application holds the whole buffer
            t.expect(ack().seq(S).ack(d).window(0));
            t.send(ack().seq(d).ack(S).payload("stop!").urg(5));
            t.expect(ack().seq(S).ack(d).window(0)); // the data is not acceptable: an ACK
            assertEquals(1, ends.size(), "the pointer is");
            assertEquals(65535 + 5, ends.get(0)[0]);
            assertEquals(5, t.conn.urgentRemaining());
            assertEquals(65535, t.receivedBytes().length);
        }
    }

    @Test
    void afterThePeersFinUrgIsIgnored() {
        List<long[]> ends = new ArrayList<>();
        try (TcpScript t = open(ends)) {
            t.send(Seg.fin().seq(D).ack(S));
            t.expect(ack().seq(S).ack(D + 1));
            assertEquals(TcpState.CLOSE_WAIT, t.conn.state());
            t.send(ack().seq(D + 1).ack(S).urg(5)); // §3.10.7.4 sixth: CLOSE_WAIT ignores the URG
            assertEquals(List.of(), ends);
            assertEquals(0, t.conn.urgentRemaining());
        }
    }

    @Test
    void aThrowingUrgentCallbackIsCountedAndTheDataStillArrives() {
        try (TcpScript t = new TcpScript()) {
            t.established(P, syn().mss(1000));
            t.conn.onUrgent((pcb, end) -> {
                throw new IllegalStateException("application bug");
            });
            t.send(ack().seq(D).ack(S).payload("xy").urg(2));
            assertArrayEquals(ascii("xy"), t.receivedBytes());
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
        }
    }

    @Test
    void urgentWritesCarryUrgAndThePointerToTheOctetAfterTheUrgentDataUntilAcknowledged() {
        try (TcpScript t = new TcpScript()) {
            t.established(P, syn().mss(1000));
            t.conn.write(TcpSendTest.bytes(2000));
            t.expect(ack().seq(S).len(1000));
            t.expect(psh().seq(S + 1000).len(1000));
            // The urgent byte goes at once (Nagle does not hold it) with the pointer after it.
            assertEquals(Err.OK, t.conn.write(ascii("!"), 0, 1, TcpPcb.WRITE_COPY | TcpPcb.WRITE_URGENT));
            t.expect(psh().seq(S + 2000).payload("!").urg(1));
            t.expectNothing();
            // A retransmission from SND.UNA reaches the pointer too: URG, pointer 2001 from there.
            t.after(ms(1000)).expect(ack().seq(S).len(1000).urg(2001));
            // ACKed up to the urgent byte: urgent mode ends, later data goes without URG.
            t.send(ack().seq(D).ack(S + 2001));
            t.expectNothing();
            t.conn.write(ascii("zz"));
            t.expect(psh().seq(S + 2001).payload("zz"));
            assertEquals(0, t.received.size());
        }
    }

    @Test
    void aPointerMoreThan65535AwayWaitsForASegmentItFits() {
        try (TcpScript t = new TcpScript(b -> b.sndBuf(200_000).wnd(200_000))) {
            t.established(P, syn().mss(1000).wscale(7));
            t.conn.cc.setCwnd(200_000);
            assertEquals(Err.OK, t.conn.write(TcpSendTest.bytes(70_000), 0, 70_000, TcpPcb.WRITE_URGENT));
            List<Seg> out = t.drain();
            assertEquals(70, out.size());
            for (int i = 0; i < 70; i++) {
                int up = 70_000 - 1000 * i;
                Seg s = out.get(i);
                assertEquals(S + 1000 * i, s.seq);
                assertEquals(up <= 0xffff, s.has(org.lwip4j.wire.TcpPacket.URG), "segment " + i);
                assertEquals(up <= 0xffff ? up : 0, s.urgent, "segment " + i);
            }
        }
    }

    @Test
    void anUrgentPbufWriteSetsThePointerAndAFreedPcbRefusesTheUrgentApi() {
        try (TcpScript t = new TcpScript()) {
            t.established(P, syn().mss(1000));
            org.lwip4j.buffer.Pbuf p = t.pbuf(ascii("ab"));
            assertEquals(Err.OK, t.conn.write(p, TcpPcb.WRITE_COPY | TcpPcb.WRITE_URGENT));
            p.free();
            t.expect(psh().seq(S).payload("ab").urg(2));
            TcpPcb gone = t.stack.newTcpPcb();
            assertEquals(false, gone.v6Only(), "off by default (bindv6only=0)");
            gone.close();
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> gone.onUrgent((c, e) -> { }));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, gone::urgentRemaining);
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> gone.setV6Only(true));
        }
    }
}
