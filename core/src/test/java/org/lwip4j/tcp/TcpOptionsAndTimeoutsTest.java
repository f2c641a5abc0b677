package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.Seg.synAck;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;

/** Options on the wire (CONFORMANCE 23) and half-open timeouts (CONFORMANCE 17). */
class TcpOptionsAndTimeoutsTest {
    @Test
    void conformance23_optionsSplitAcrossPbufsAreParsed() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            byte[] pkt = t.bytes(syn().seq(1000).mss(1200).wscale(5).sackPermitted().ts(9, 0));
            // IP header and the first 23 TCP bytes in one pbuf, the rest (inside the options) in others.
            Pbuf head = Pbuf.wrap(pkt, 0, 20 + 23);
            head.concat(Pbuf.wrap(pkt, 43, 5));
            head.concat(Pbuf.wrap(pkt, 48, pkt.length - 48));
            t.tun0.input(head);
            t.run();
            Seg sa = t.expect(synAck().ack(1001).wscale(3).sackPermitted());
            t.send(ack().seq(1001).ack(ISS + 1).ts(10, sa.tsVal));
            assertEquals(1200 - 12, t.conn.mss());
            assertEquals(5, t.conn.info().sndScale());
        }
    }

    @Test
    void conformance23_optionLengthPastTheOptionAreaDropsTheSegment() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            byte[] pkt = t.bytes(syn().seq(1000).mss(1460));
            // The MSS option (kind 2, length 4) becomes kind 2 with length 40: past the area.
            pkt[20 + 21] = 40;
            fixTcpChecksum(pkt);
            t.inject(pkt);
            t.expectNothing();
            assertEquals(1, t.stack.stats().tcp.opterr);
        }
    }

    @Test
    void conformance23_windowScaleAbove14IsClamped() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            t.send(syn().seq(1000).wscale(14));
            t.expect(synAck().ack(1001).wscale(3));
        }
    }

    @Test
    void conformance17_synRcvdTimesOutAfterSynMaxRtxAndReturnsTheBacklogSlot() {
        try (TcpScript t = new TcpScript(b -> b.synMaxRtx(2))) {
            t.listen(1);
            t.send(syn().seq(1000));
            t.expect(synAck().ack(1001));
            t.after(ms(1000)).expect(synAck().ack(1001));
            t.after(ms(2000)).expect(synAck().ack(1001));
            t.after(ms(4000)).expectNothing();
            assertEquals(1, t.tcp.pcbs().size(), "the half-open pcb is gone");
            assertEquals(List.of(), t.errors);
            t.send(syn().seq(5000).ports(4001, 80));
            t.expect(synAck().ack(5001).ports(80, 4001));
        }
    }

    @Test
    void closeAfterTheStackEndedTheConnectionDoesNothing() {
        try (TcpScript t = new TcpScript()) {
            t.established(1000, syn());
            t.send(Seg.rst().seq(1001));
            assertEquals(List.of(Err.RST), t.errors);
            assertEquals(Err.OK, t.conn.close());
        }
    }

    static void fixTcpChecksum(byte[] pkt) {
        pkt[36] = 0;
        pkt[37] = 0;
        int len = pkt.length - 20;
        long sum = org.lwip4j.buffer.Checksum.pseudoHeaderV4(
                org.lwip4j.addr.Ip4Address.of(Arrays.copyOfRange(pkt, 12, 16)).bits(),
                org.lwip4j.addr.Ip4Address.of(Arrays.copyOfRange(pkt, 16, 20)).bits(), 6, len);
        int c = org.lwip4j.buffer.Checksum.finish(org.lwip4j.buffer.Checksum.partial(pkt, 20, len, sum));
        pkt[36] = (byte) (c >>> 8);
        pkt[37] = (byte) c;
    }
}
