package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Callbacks: poll, a recv callback that throws, recv without a callback. */
class TcpCallbackTest {
    @Test
    void pollRunsEveryIntervalUntilStopped() {
        try (TcpScript t = new TcpScript()) {
            t.established(1000, syn());
            int[] polls = new int[1];
            t.conn.onPoll(p -> polls[0]++, Duration.ofMillis(500));
            t.after(ms(1600));
            assertEquals(3, polls[0]);
            t.conn.onPoll(null, Duration.ofMillis(500));
            t.after(ms(2000));
            assertEquals(3, polls[0]);
        }
    }

    @Test
    void recvCallbackThatThrowsLosesNoPbufAndTheConnectionGoesOn() {
        try (TcpScript t = new TcpScript()) {
            t.established(1000, syn());
            t.conn.onRecv((pcb, p) -> {
                throw new IllegalStateException("application bug");
            });
            t.send(ack().seq(1001).ack(ISS + 1).payload("abc"));
            assertEquals(1, t.stack.stats().tcp.err);
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
            t.assertNoLeaks();
        }
    }

    @Test
    void withoutRecvCallbackDataIsConsumedAndTheWindowStaysOpen() {
        try (TcpScript t = new TcpScript(b -> b.wnd(4000).windowScaling(false))) {
            t.established(1000, syn());
            t.conn.onRecv(null);
            t.send(ack().seq(1001).ack(ISS + 1).payload(new byte[3000]));
            t.after(ms(100)).expect(ack().ack(4001).window(4000));
            t.assertNoLeaks();
        }
    }
}
