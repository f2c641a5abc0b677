package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.fin;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;

import org.junit.jupiter.api.Test;

/** TCP_INFO: the options negotiated, bytes acknowledged and received, segments in and out. */
class TcpInfoTest {
    @Test
    void countsBytesAndSegmentsBothWaysLeavingSynAndFinOut() {
        try (TcpScript t = new TcpScript(b -> b.timestamps(false))) {
            t.established(1000, syn().mss(1200).wscale(2));
            TcpInfo i = t.conn.info();
            assertTrue(i.windowScaling());
            assertEquals(1200, i.peerMss());
            assertFalse(i.timestamps());
            assertEquals(0, i.bytesAcked(), "the SYN is not data");
            assertEquals(1, i.segsIn());

        }
    }

    @Test
    void aWholeExchange() {
        try (TcpScript t = new TcpScript(b -> b.timestamps(false))) {
            t.listen();
            t.send(syn().seq(1000).mss(1200));
            t.expect(Seg.synAck());
            t.send(ack().seq(1001).ack(ISS + 1));
            t.send(ack().seq(1001).ack(ISS + 1).payload("hello"));
            t.send(ack().seq(1006).ack(ISS + 1).payload("world!"));
            t.conn.write(new byte[100]);
            t.drain();
            t.send(ack().seq(1012).ack(ISS + 101));
            t.conn.close();
            t.expect(fin().seq(ISS + 101));
            t.send(ack().seq(1012).ack(ISS + 102));
            TcpInfo i = t.conn.info();
            assertEquals(TcpState.FIN_WAIT_2, i.state());
            assertEquals(100, i.bytesAcked());
            assertEquals(11, i.bytesReceived());
            assertFalse(i.windowScaling());
            assertEquals(1200, i.peerMss());
            assertEquals(5, i.segsIn());
            assertEquals(2, i.dataSegsIn());
            assertEquals(1, i.dataSegsOut());
            assertEquals(t.stack.stats().tcp.xmit, i.segsOut(), "every segment the stack sent was this one's");
        }
    }
}
