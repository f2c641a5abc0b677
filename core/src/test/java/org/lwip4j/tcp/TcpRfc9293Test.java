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
}
