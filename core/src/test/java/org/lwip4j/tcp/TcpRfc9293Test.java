package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.Seg.synAck;
import static org.lwip4j.tcp.TcpScript.ISS;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.sim.CapturedFrame;
import org.lwip4j.stack.Err;
import org.lwip4j.testing.Packets;

/** RFC 9293 requirements (Appendix B's numbers) that no other TCP test shows on its own. */
class TcpRfc9293Test {
    @Test
    void must3_aSegmentWithABadChecksumIsDroppedAndCounted() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            byte[] pkt = t.bytes(syn().seq(1000));
            pkt[37] ^= 1;
            t.inject(pkt);
            t.expectNothing();
            assertEquals(1, t.stack.stats().tcp.chkerr);
            assertEquals(1, t.tcp.pcbs().size());
        }
    }

    @Test
    void must6_unknownOptionsAreIgnored_must64_optionsNeedNoAlignment() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            byte[] pkt = t.bytes(syn().seq(1000).mss(1460).wscale(2));
            assertEquals(8, ((pkt[32] & 0xff) >>> 4) * 4 - 20, "8 bytes of options to rewrite");
            byte[] options = {99, 2, 2, 4, 0x04, (byte) 0xb0, 0, 0}; // kind 99, then MSS 1200 at an odd place
            System.arraycopy(options, 0, pkt, 40, 8);
            TcpOptionsAndTimeoutsTest.fixTcpChecksum(pkt);
            t.inject(pkt);
            t.expect(synAck().ack(1001));
            t.send(ack().seq(1001).ack(ISS + 1));
            assertEquals(1200, t.conn.mss());
        }
    }

    @Test
    void must57_segmentsToAGroupAreDiscardedSilently() {
        try (TcpScript t = new TcpScript()) {
            t.listen();
            byte[] unicast = t.bytes(syn().seq(1000));
            byte[] tcp = java.util.Arrays.copyOfRange(unicast, 20, unicast.length);
            byte[] pkt = Packets.ipv4(6, TcpScript.PEER, "224.0.0.1", 64, 0, tcp);
            TcpOptionsAndTimeoutsTest.fixTcpChecksum(pkt);
            t.inject(pkt);
            byte[] bcast = Packets.ipv4(6, TcpScript.PEER, "255.255.255.255", 64, 0, tcp);
            TcpOptionsAndTimeoutsTest.fixTcpChecksum(bcast);
            t.inject(bcast);
            t.expectNothing();
            assertEquals(1, t.tcp.pcbs().size(), "no connection");
        }
    }

    @Test
    void must49_theTtlIsConfigurable() {
        try (TcpScript t = new TcpScript(b -> b.ttl(17))) {
            TcpPcb c = t.stack.newTcpPcb();
            assertEquals(Err.OK, c.connect(Ip4Address.parse(TcpScript.PEER), 80, p -> { }));
            t.stack.poll(t.clock.nanoTime());
            List<CapturedFrame> frames = t.wire.drain();
            assertEquals(1, frames.size());
            assertEquals(17, frames.get(0).data()[8] & 0xff);
        }
    }

    @Test
    void must65_theMssOptionOnlyOnSyns() {
        try (TcpScript t = new TcpScript(b -> b.timestamps(false))) {
            t.established(1000, syn().mss(1000));
            t.conn.write(new byte[10]);
            Seg data = t.expect(Seg.psh().seq(ISS + 1).len(10));
            assertNull(data.mss);
            assertEquals(org.lwip4j.wire.TcpOptionsRepr.NONE, data.parsedOptions);
        }
    }

    @Test
    void must48_theApplicationSetsTheDiffservFieldAndTheTtlOfItsSegments() {
        try (TcpScript t = new TcpScript(b -> b.timestamps(false).ttl(64))) {
            t.listen(1);
            t.listener.setTos(0xb8); // DSCP EF (RFC 3246)
            t.listener.setTtl(9);
            // A SYN-ACK from the SYN queue, then one with a cookie (the queue holds one): both the listener's.
            t.sendFrom("172.16.0.1", syn().seq(1).ports(5555, TcpScript.PORT));
            Seg queued = t.expect(synAck().ack(2));
            assertEquals(0xb8, queued.ipTos);
            assertEquals(9, queued.ipTtl);
            t.send(syn().seq(1000).mss(1460));
            Seg cookie = t.expect(synAck().ack(1001));
            assertEquals(0xb8, cookie.ipTos);
            assertEquals(9, cookie.ipTtl);
            t.send(ack().seq(1001).ack(cookie.seq + 1).window(4000));
            // The accepted connection inherits both.
            assertEquals(0xb8, t.conn.tos());
            assertEquals(9, t.conn.ttl());
            t.conn.write(new byte[10]);
            Seg data = t.expect(Seg.psh().len(10));
            assertEquals(0xb8, data.ipTos);
            assertEquals(9, data.ipTtl);
            t.send(ack().seq(1001).ack(data.seq + 10).window(4000)); // acknowledged: Nagle holds nothing back
            // Changed on the connection: from the next segment on.
            t.conn.setTos(0x28); // AF11 (RFC 2597)
            t.conn.setTtl(200);
            t.conn.write(new byte[5]);
            Seg more = t.expect(Seg.psh().len(5));
            assertEquals(0x28, more.ipTos);
            assertEquals(200, more.ipTtl);
            t.conn.abort();
            Seg rst = t.expect(Seg.rstAck());
            assertEquals(0x28, rst.ipTos);
            assertEquals(200, rst.ipTtl);
            // A connection that set nothing: TOS 0 and the stack's TTL.
            TcpPcb plain = t.stack.newTcpPcb();
            assertEquals(0, plain.tos());
            assertEquals(-1, plain.ttl());
            assertEquals(Err.OK, plain.connect(Ip4Address.parse(TcpScript.PEER), 80, p -> { }));
            Seg syn = t.drain().getLast();
            assertEquals(0, syn.ipTos);
            assertEquals(64, syn.ipTtl);
            plain.abort();
        }
    }

    @Test
    void tosAndTtlOutOfRangeAreRefused() {
        try (TcpScript t = new TcpScript()) {
            TcpPcb c = t.stack.newTcpPcb();
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> c.setTos(-1));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> c.setTos(0x100));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> c.setTtl(0));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> c.setTtl(256));
            c.setTos(0xff);
            c.setTtl(255);
            assertEquals(0xff, c.tos());
            assertEquals(255, c.ttl());
            c.close();
        }
    }
}
