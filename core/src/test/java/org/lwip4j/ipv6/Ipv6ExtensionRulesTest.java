package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lwip4j.ipv6.Packets6.cat;
import static org.lwip4j.ipv6.Packets6.hex;
import static org.lwip4j.ipv6.Packets6.icmpv6;
import static org.lwip4j.ipv6.Packets6.ipv6;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip6Address;

/**
 * RFC 8200 extension header rules (options by their high bits, Pad1/PadN/Router Alert,
 * routing headers with no segments left), RFC 5095, RFC 7112 and RFC 4443 echo rules, each
 * seen on the wire from one host.
 */
class Ipv6ExtensionRulesTest {
    private static final String US = "2001:db8:1::5";
    private static final String PEER = "2001:db8:1::9";
    private static final long OUR_MAC = 0x0200_00aa_bbccL;
    private static final long PEER_MAC = 0x0200_0000_0009L;
    private Nd6Fixture f;

    @BeforeEach
    void setUp() {
        f = new Nd6Fixture(b -> b.ip6LinkLocal(false).lwipIpv6DupDetectAttempts(0).maxRtrSolicitations(0));
        f.netif.ip6().add(Ip6Address.parse(US), 64);
        // The peer's link-layer address known: answers go out at once.
        String sn = Ip6Address.parse(US).solicitedNode().toString();
        f.inject(Ip6Address.parse(US).solicitedNode().multicastMac().bits(), PEER_MAC, ipv6(58, PEER, sn, 255,
                icmpv6(135, 0, 0, cat(Ip6Address.parse(US).toBytes(), Nd6Fixture.sllao(PEER_MAC)), PEER, sn)));
        f.wire.drain();
    }

    @AfterEach
    void close() {
        f.close();
    }

    private static byte[] echo(String dst) {
        return icmpv6(128, 0, 0x0101_0001, hex("00112233"), PEER, dst);
    }

    /** Sends {@code pkt} to us and returns the ICMPv6 types (and codes) we sent back, as "type/code". */
    private List<String> send(long dstMac, byte[] pkt) {
        f.inject(dstMac, PEER_MAC, pkt);
        return f.wire.drain().stream().map(x -> x.data())
                .map(d -> (d[14 + 40] & 0xff) + "/" + (d[14 + 41] & 0xff)).toList();
    }

    @Test
    void hopByHopWithPad1PadNAndRouterAlertIsAccepted() {
        // Hop-by-hop: next 58, length 1 (16 bytes): Pad1, PadN (no data), Router Alert (value 0), PadN (5 bytes).
        byte[] hbh = hex("3a01" + "00" + "0100" + "05020000" + "01050000000000");
        assertEquals(16, hbh.length);
        assertEquals(List.of("129/0"), send(OUR_MAC, ipv6(0, PEER, US, 64, cat(hbh, echo(US)))));
    }

    @Test
    void unknownOptionsAreSkippedOrDiscardedByTheirHighBits() {
        // 00: skip, and process the packet.
        assertEquals(List.of("129/0"), send(OUR_MAC, ipv6(60, PEER, US, 64, cat(hex("3a001e04aabbccdd"), echo(US)))));
        // 01: discard silently.
        assertEquals(List.of(), send(OUR_MAC, ipv6(60, PEER, US, 64, cat(hex("3a005e04aabbccdd"), echo(US)))));
        // 10: discard and Parameter Problem code 2.
        assertEquals(List.of("4/2"), send(OUR_MAC, ipv6(60, PEER, US, 64, cat(hex("3a009e04aabbccdd"), echo(US)))));
        // 11 to unicast: the same.
        assertEquals(List.of("4/2"), send(OUR_MAC, ipv6(60, PEER, US, 64, cat(hex("3a00de04aabbccdd"), echo(US)))));
        // 11 to multicast: discarded without a word.
        assertEquals(List.of(), send(0x3333_0000_0001L,
                ipv6(60, PEER, "ff02::1", 64, cat(hex("3a00de04aabbccdd"), echo("ff02::1")))));
    }

    @Test
    void routingHeadersWithNoSegmentsLeftAreIgnoredAndType0WithSegmentsIsRefused() {
        // Type 0 and an unknown type 4, segments left 0: ignored, the echo answered (RFC 8200 §4.4, RFC 5095 §3).
        byte[] rh0 = cat(hex("3a02" + "00" + "00" + "00000000"), new byte[16]);
        byte[] rh4 = cat(hex("3a02" + "04" + "00" + "00000000"), new byte[16]);
        assertEquals(List.of("129/0"), send(OUR_MAC, ipv6(43, PEER, US, 64, cat(rh0, echo(US)))));
        assertEquals(List.of("129/0"), send(OUR_MAC, ipv6(43, PEER, US, 64, cat(rh4, echo(US)))));
        byte[] rh0left = cat(hex("3a02" + "00" + "01" + "00000000"), Ip6Address.parse("2001:db8:5::1").toBytes());
        assertEquals(List.of("4/0"), send(OUR_MAC, ipv6(43, PEER, US, 64, cat(rh0left, echo(US)))));
    }

    @Test
    void aFirstFragmentWithoutTheUpperLayerHeaderGetsParameterProblemCode3() {
        // Fragment header (next: destination options, offset 0, M), then a destination options
        // header of 8 bytes naming TCP, and no TCP header at all (RFC 7112 §5).
        byte[] frag = hex("3c000001" + "00000007");
        byte[] dest = hex("0600" + "010400000000");
        assertEquals(List.of("4/3"), send(OUR_MAC, ipv6(44, PEER, US, 64, cat(frag, dest))));
        // A header running past the first fragment: the same.
        byte[] longDest = hex("0602" + "010400000000");
        assertEquals(List.of("4/3"), send(OUR_MAC, ipv6(44, PEER, US, 64, cat(frag, longDest))));
    }

    @Test
    void anAtomicFragmentIsProcessedAtOnce() {
        byte[] frag = hex("3a000000" + "00000009");
        assertEquals(List.of("129/0"), send(OUR_MAC, ipv6(44, PEER, US, 64, cat(frag, echo(US)))));
    }

    @Test
    void echoToAGroupWeDoNotListenToIsNotAnswered() {
        assertEquals(List.of(), send(0x3333_0000_0077L, ipv6(58, PEER, "ff02::77", 64, echo("ff02::77"))));
        assertEquals(List.of("129/0"), send(0x3333_0000_0001L, ipv6(58, PEER, "ff02::1", 64, echo("ff02::1"))));
    }
}
