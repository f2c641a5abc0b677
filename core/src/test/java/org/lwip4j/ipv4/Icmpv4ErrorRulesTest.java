package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lwip4j.ipv4.TunRig.PEER;
import static org.lwip4j.ipv4.TunRig.US;
import static org.lwip4j.ipv4.TunRig.assertIcmpError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.IcmpError;
import org.lwip4j.stack.Err;
import org.lwip4j.testing.Packets;
import org.lwip4j.udp.UdpPcb;
import org.lwip4j.wire.Icmpv4Packet;

/**
 * When the stack sends an ICMP error and what it says (RFC 792; RFC 1122 §3.2.2, §3.2.2.5,
 * §3.2.1.3; RFC 1812 §4.3.2.7), and what a received one tells the transport that sent the
 * quoted datagram (RFC 1122 §3.2.2, §4.1.3.3): the return value of each refusal, the bytes of
 * each error, the fields of each report.
 */
class Icmpv4ErrorRulesTest {
    private static final int PROTO_UNKNOWN = 99;

    private static byte[] datagram(String src, String dst, int flagsFrag, byte[] payload) {
        return Packets.ipv4(PROTO_UNKNOWN, src, dst, 64, flagsFrag, payload);
    }

    /** The ICMP errors a UDP pcb bound to port 4000 of {@code rig}'s stack hears, as they come. */
    private static List<IcmpError> errorsOfPort4000(TunRig rig) {
        List<IcmpError> got = new ArrayList<>();
        UdpPcb pcb = rig.stack.newUdpPcb();
        assertEquals(Err.OK, pcb.bind(4000));
        pcb.onError(got::add);
        return got;
    }

    private static Err sendError(TunRig rig, byte[] orig, int type, int code, int extra) {
        Pbuf p = rig.stack.pbuf(orig);
        try {
            return rig.stack.ipv4().icmp().sendError(p, type, code, extra);
        } finally {
            p.free();
        }
    }

    /**
     * RFC 1122 §3.2.2: no error about a datagram whose source is not one host (0/8, the
     * limited broadcast, multicast, class E: §3.2.1.3, RFC 1812 §4.3.2.7), to the limited
     * broadcast or a group, or about a fragment other than the first. Each refusal is
     * {@link Err#VAL} and sends nothing. (A directed broadcast counts only on a netif that
     * broadcasts; this one, a TUN, does not: {@code Rfc1122IpTest} has the Ethernet case.)
     */
    @ParameterizedTest
    @CsvSource({
            "0.1.2.3, 10.0.0.1, 0", // source in network 0
            "255.255.255.255, 10.0.0.1, 0", // the limited broadcast as source
            "224.0.0.5, 10.0.0.1, 0", // a multicast source
            "240.0.0.1, 10.0.0.1, 0", // class E source
            "10.0.0.9, 255.255.255.255, 0", // to the limited broadcast
            "10.0.0.9, 239.1.2.3, 0", // to a group
            "10.0.0.9, 10.0.0.1, 1", // a non-initial fragment (offset 8 bytes)
    })
    void noErrorAboutAGroupABroadcastABadSourceOrALaterFragment(String src, String dst, int offsetUnits) {
        TunRig rig = new TunRig();
        byte[] orig = datagram(src, dst, offsetUnits, new byte[16]);
        assertEquals(Err.VAL, sendError(rig, orig, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_PROTOCOL, 0));
        assertEquals(List.of(), rig.sent());
        assertEquals(0, rig.stack.stats().icmp.xmit);
        rig.assertNoLeaks();
    }

    /** RFC 1122 §3.2.2: never about an ICMP error, nor about an ICMP message of a type we do not know. */
    @ParameterizedTest
    @ValueSource(ints = {Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.TYPE_TIME_EXCEEDED, Icmpv4Packet.TYPE_PARAM_PROBLEM, 42})
    void noErrorAboutAnIcmpErrorOrAnUnknownType(int type) {
        TunRig rig = new TunRig();
        byte[] orig = Packets.ipv4(1, PEER, US, 64, 0, Packets.icmp(type, 0, 0, new byte[28]));
        assertEquals(Err.VAL, sendError(rig, orig, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_HOST, 0));
        assertEquals(List.of(), rig.sent());
        rig.assertNoLeaks();
    }

    @Test
    void noErrorAboutAnIcmpDatagramWithoutItsIcmpHeader() {
        TunRig rig = new TunRig();
        byte[] bare = Packets.ipv4(1, PEER, US, 64, 0, new byte[0]);
        assertEquals(Err.VAL, sendError(rig, bare, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_HOST, 0));
        assertEquals(List.of(), rig.sent());
        rig.assertNoLeaks();
    }

    /** Errors about the ICMP queries (RFC 792: echo, timestamp and their replies) are sent. */
    @ParameterizedTest
    @ValueSource(ints = {Icmpv4Packet.TYPE_ECHO, Icmpv4Packet.TYPE_ECHO_REPLY, Icmpv4Packet.TYPE_TIMESTAMP,
            Icmpv4Packet.TYPE_TIMESTAMP_REPLY})
    void anErrorAboutAnIcmpQueryIsSent(int type) {
        TunRig rig = new TunRig();
        byte[] orig = Packets.ipv4(1, PEER, US, 64, 0, Packets.icmp(type, 0, 0x01020304, new byte[12]));
        assertEquals(Err.OK, sendError(rig, orig, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_HOST, 0));
        List<byte[]> out = rig.sent();
        assertEquals(1, out.size());
        assertIcmpError(out.get(0), PEER, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_HOST, Arrays.copyOf(orig, 28));
        assertEquals(1, rig.stack.stats().icmp.xmit);
        rig.assertNoLeaks();
    }

    /**
     * The word after the checksum (RFC 792): a parameter problem's pointer in its first byte,
     * "fragmentation needed"'s next-hop MTU in its low 16 bits (RFC 1191 §4), zero otherwise.
     */
    @Test
    void theWordAfterTheChecksumCarriesThePointerOrTheMtu() {
        TunRig rig = new TunRig();
        byte[] orig = datagram(PEER, US, 0, new byte[16]);
        assertEquals(Err.OK, sendError(rig, orig, Icmpv4Packet.TYPE_PARAM_PROBLEM, 0, 12));
        assertEquals(Err.OK, sendError(rig, orig, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_FRAG_NEEDED, 0x10576));
        assertEquals(Err.OK, sendError(rig, orig, Icmpv4Packet.TYPE_DEST_UNREACH, Icmpv4Packet.UNREACH_PORT, 0x7777));
        List<byte[]> out = rig.sent();
        assertEquals(3, out.size());
        assertEquals("0c000000", java.util.HexFormat.of().formatHex(out.get(0), 24, 28), "pointer 12, then zeros");
        assertEquals("00000576", java.util.HexFormat.of().formatHex(out.get(1), 24, 28), "the MTU's 16 bits, 1398");
        assertEquals("00000000", java.util.HexFormat.of().formatHex(out.get(2), 24, 28), "unused: zero");
        for (byte[] o : out) {
            assertIcmpError(o, PEER, o[20] & 0xff, o[21] & 0xff, Arrays.copyOf(orig, 28));
        }
        assertEquals(3, rig.stack.stats().icmp.xmit);
        rig.assertNoLeaks();
    }

    /** A received error about our datagram reaches the pcb that sent it, with what the quote carried. */
    @Test
    void aReceivedErrorTellsTheSendingPcbThePortsTheMtuAndTheQuotedBytes() {
        TunRig rig = new TunRig();
        List<IcmpError> got = errorsOfPort4000(rig);
        byte[] ours = Packets.ipv4(17, US, PEER, 64, 0, Packets.udp(4000, 53, new byte[] {1, 2, 3}));
        // Fragmentation needed, MTU 1280, the whole UDP header quoted (length 11, checksum as sent).
        rig.inject(Packets.ipv4(1, "10.0.0.254", US, 64, 0, Packets.icmp(3, 4, 1280, Arrays.copyOf(ours, 28))));
        assertEquals(1, got.size());
        IcmpError e = got.get(0);
        assertEquals(4, e.version());
        assertEquals(3, e.type());
        assertEquals(4, e.code());
        assertEquals(Ip4Address.parse("10.0.0.254"), e.reporter());
        assertEquals(Ip4Address.parse(US), e.localAddr());
        assertEquals(4000, e.localPort());
        assertEquals(Ip4Address.parse(PEER), e.remoteAddr());
        assertEquals(53, e.remotePort());
        assertEquals(1280, e.nextHopMtu());
        assertEquals(8, e.quotedLen());
        long udpHeader = java.nio.ByteBuffer.wrap(ours, 20, 8).getLong();
        assertEquals(udpHeader, e.quotedHeader(), "ports, length and checksum, as on the wire");

        // Another kind than "fragmentation needed" carries no MTU, whatever its word says.
        got.clear();
        rig.inject(Packets.ipv4(1, PEER, US, 64, 0, Packets.icmp(3, 3, 1280, Arrays.copyOf(ours, 28))));
        assertEquals(1, got.size());
        assertEquals(0, got.get(0).nextHopMtu());
        assertEquals(8, got.get(0).quotedLen());
        rig.assertNoLeaks();
    }

    /**
     * A quoted header with options is read past them; with them, 28 quoted bytes hold only
     * four of the transport header (RFC 1122 §3.2.2 asks for the header and eight bytes, a
     * router may send less): the ports alone.
     */
    @Test
    void aQuoteWithOptionsIsReadPastThemAndFourTransportBytesGiveThePorts() {
        TunRig rig = new TunRig();
        List<IcmpError> got = errorsOfPort4000(rig);
        byte[] options = {1, 1, 1, 0}; // NOPs, end of options: a 24-byte header
        byte[] ours = Ipv4FragmenterTest.ipv4(7, 0, 17, Ip4Address.parse(US).bits(), Ip4Address.parse(PEER).bits(), options,
                Packets.udp(4000, 5353, new byte[4]));
        rig.inject(Packets.ipv4(1, PEER, US, 64, 0, Packets.icmp(3, 3, 0, Arrays.copyOf(ours, 24 + 8))));
        rig.inject(Packets.ipv4(1, PEER, US, 64, 0, Packets.icmp(3, 3, 0, Arrays.copyOf(ours, 24 + 4))));
        assertEquals(2, got.size(), "the second quote, 28 bytes, is as long as the least one read");
        assertEquals(5353, got.get(0).remotePort());
        assertEquals(8, got.get(0).quotedLen());
        assertEquals(java.nio.ByteBuffer.wrap(ours, 24, 8).getLong(), got.get(0).quotedHeader());
        assertEquals(5353, got.get(1).remotePort());
        assertEquals(4, got.get(1).quotedLen());
        assertEquals(4000L << 48 | 5353L << 32, got.get(1).quotedHeader());
        rig.assertNoLeaks();
    }

    /** A quote too short for an IP header and four transport bytes, or not IPv4, is dropped and counted. */
    @ParameterizedTest
    @CsvSource({
            "0x45, 27", // four bytes short of header + 8
            "0x46, 27", // an IHL of 24 that the quote cannot hold with four more bytes
            "0x65, 28", // version 6 in an ICMPv4 quote
            "0x44, 28", // an IHL below 20
    })
    void aQuoteThatCannotBeReadIsDroppedAndCounted(int versionIhl, int quoteLength) {
        TunRig rig = new TunRig();
        List<IcmpError> got = errorsOfPort4000(rig);
        byte[] ours = Packets.ipv4(17, US, PEER, 64, 0, Packets.udp(4000, 53, new byte[8]));
        byte[] quote = Arrays.copyOf(ours, quoteLength);
        quote[0] = (byte) versionIhl;
        long lenerr = rig.stack.stats().icmp.lenerr;
        long drop = rig.stack.stats().icmp.drop;
        rig.inject(Packets.ipv4(1, PEER, US, 64, 0, Packets.icmp(3, 3, 0, quote)));
        assertEquals(List.of(), got);
        assertEquals(lenerr + 1, rig.stack.stats().icmp.lenerr);
        assertEquals(drop + 1, rig.stack.stats().icmp.drop);
        rig.assertNoLeaks();
    }
}
