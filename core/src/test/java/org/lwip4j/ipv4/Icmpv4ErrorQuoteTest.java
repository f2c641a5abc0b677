package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lwip4j.ipv4.Ipv4CaptureTest.ipPacket;
import static org.lwip4j.ipv4.Ipv4CaptureTest.udp;
import static org.lwip4j.ipv4.TunRig.PEER;
import static org.lwip4j.ipv4.TunRig.assertIcmpError;
import static org.lwip4j.ipv4.TunRig.chain;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.wire.Icmpv4Packet;
import org.lwip4j.wire.Ipv4Packet;

/**
 * CONFORMANCE 30 (IPv4): an ICMP error quotes the offending packet's IP header (options
 * included) and at most 8 bytes after it, never more than the packet has, read across pbuf
 * chains (RFC 792; RFC 1122 §3.2.2). Exact bytes on the wire.
 */
class Icmpv4ErrorQuoteTest {
    private static final int PROTO_UNKNOWN = 99;

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    @Test
    void protocolUnreachableQuotesAcrossAThreeNodeChain() {
        TunRig rig = new TunRig();
        byte[] orig = ipPacket(PROTO_UNKNOWN, PEER, TunRig.US, 64, 0, bytes(40, 1));
        // Header and 3 data bytes in the first node, 2 in the second, the rest in the third:
        // the 8 quoted data bytes span all three.
        rig.input(chain(orig, 23, 25));
        List<byte[]> out = rig.sent();
        assertEquals(1, out.size());
        assertIcmpError(out.get(0), PEER, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_PROTOCOL,
                Arrays.copyOf(orig, 28));
        rig.assertNoLeaks();
    }

    @Test
    void portUnreachableQuotesTheHeaderWithItsOptionsPlusEightBytes() {
        TunRig rig = new TunRig();
        byte[] options = {(byte) 0x94, 4, 0, 0, 1, 1, 1, 0};   // router alert, NOPs, end of options
        byte[] orig = Ipv4FragmenterTest.ipv4(0x4242, 0, Ipv4Packet.PROTO_UDP, Ip4Address.parse(PEER).bits(),
                Ip4Address.parse(TunRig.US).bits(), options, udp(1111, 2222, bytes(100, 2)));
        assertEquals(28, Ipv4Packet.headerLen(java.lang.foreign.MemorySegment.ofArray(orig), 0));
        rig.inject(orig);
        List<byte[]> out = rig.sent();
        assertEquals(1, out.size());
        assertIcmpError(out.get(0), PEER, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_PORT,
                Arrays.copyOf(orig, 28 + 8));
        rig.assertNoLeaks();
    }

    @Test
    void portUnreachableForAChainedDatagramQuotesOnlyEightBytes() {
        TunRig rig = new TunRig();
        byte[] orig = ipPacket(17, PEER, TunRig.US, 64, 0, udp(1111, 2222, bytes(1000, 3)));
        // IP and UDP headers in the first node, the data spread over three more.
        rig.input(chain(orig, 28, 29, 600));
        List<byte[]> out = rig.sent();
        assertEquals(1, out.size());
        assertIcmpError(out.get(0), PEER, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_PORT,
                Arrays.copyOf(orig, 28));
        rig.assertNoLeaks();
    }

    @Test
    void aShortChainIsQuotedWholeAndNoMore() {
        TunRig rig = new TunRig();
        // 20-byte header, then 5 and 1 data bytes in nodes of their own: 26 bytes in all.
        byte[] orig = ipPacket(PROTO_UNKNOWN, PEER, TunRig.US, 64, 0, bytes(6, 4));
        Pbuf p = chain(orig, 20, 25);
        assertEquals(Err.OK, rig.stack.ipv4().icmp().sendError(p, Icmpv4Packet.TYPE_DEST_UNREACH,
                Icmpv4Packet.UNREACH_HOST, 0));
        assertEquals(3, p.chainLength(), "the caller's chain is untouched");
        p.free();
        rig.run();
        List<byte[]> out = rig.sent();
        assertEquals(1, out.size());
        assertIcmpError(out.get(0), PEER, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_HOST, orig);

        // A bare header: the quote is the header alone.
        byte[] bare = ipPacket(PROTO_UNKNOWN, PEER, TunRig.US, 64, 0, new byte[0]);
        rig.inject(bare);
        out = rig.sent();
        assertEquals(1, out.size());
        assertIcmpError(out.get(0), PEER, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_PROTOCOL, bare);
        rig.assertNoLeaks();
    }

    @Test
    void timeExceededInTransitQuotesHeaderPlusEight() {
        TunRig rig = new TunRig(1500, b -> b.ipForward(true).ipForwardAllowTxOnRxNetif(true));
        rig.stack.ipv4().routes().add(new org.lwip4j.ip.StaticRoute(org.lwip4j.addr.IpPrefix.parse("10.9.0.0/16"),
                Ip4Address.parse("10.0.0.254"), rig.tun0));
        byte[] orig = ipPacket(17, PEER, "10.9.1.1", 1, 0, udp(5, 6, bytes(300, 5)));
        rig.input(chain(orig, 40, 41));
        List<byte[]> out = rig.sent();
        assertEquals(1, out.size());
        assertIcmpError(out.get(0), PEER, Icmpv4Packet.TYPE_TIME_EXCEEDED, Icmpv4Packet.TIME_EXCEEDED_TTL,
                Arrays.copyOf(orig, 28));
        rig.assertNoLeaks();
    }
}
