package org.lwip4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.lwip4j.conformance.Rig.addr;
import static org.lwip4j.conformance.Rig.echo;
import static org.lwip4j.conformance.Rig.ethernet;
import static org.lwip4j.conformance.Rig.hex;
import static org.lwip4j.conformance.Rig.ip;
import static org.lwip4j.conformance.Rig.ipPacket;
import static org.lwip4j.conformance.Rig.udp;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpPrefix;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.ip.StaticRoute;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.udp.UdpPcb;

/**
 * RFC 1122 §3.2.1 and §3.3 (IP of a host) on a capturing bare-IP netif tun0, 10.0.0.1/24;
 * the peer is 10.0.0.9. See docs/RFC1122-AUDIT.md for the table these tests back.
 */
class Rfc1122IpTest {
    private final Rig rig = new Rig();
    private final CaptureDriver tun0 = rig.tun("tun0", "10.0.0.1/24", 1500);

    /** What a transport registered for protocol 253 was told about each packet. */
    private record Seen(int tos, int ttl, int headerLen, String options, String netif, String dst, boolean broadcast) {
    }

    private List<Seen> transport253() {
        List<Seen> seen = new ArrayList<>();
        rig.stack.ip().registerTransport(253, (p, info) -> {
            byte[] hdr = new byte[info.headerLen()];
            for (int i = 0; i < hdr.length; i++) {
                hdr[i] = (byte) Bytes.u8(p.segment(), info.headerOffset() + i);
            }
            seen.add(new Seen(info.tos(), info.ttl(), info.headerLen(), hex(hdr, 20, hdr.length), info.netif().name(),
                    info.dst().toString(), info.isBroadcast()));
            p.free();
        }, null);
        return seen;
    }

    @Test
    void s3_2_1_3_discardsDatagramsFromAnInvalidSource() {
        // On Ethernet, where 192.168.1.255 is the subnet's directed broadcast.
        Rig r = new Rig();
        CaptureDriver eth0 = r.eth("eth0", "192.168.1.1/24", "192.168.1.9");
        List<byte[]> got = new ArrayList<>();
        r.udpSink(7, got);
        long drops = r.stack.stats().ip.drop;
        // Broadcast (limited and directed) and multicast sources are never valid; 0.0.0.0 only
        // while a host learns its address, which it does by broadcasting.
        for (String src : List.of("255.255.255.255", "192.168.1.255", "224.0.0.5", "0.0.0.0")) {
            r.inject(eth0, ethernet(Rig.OUR_MAC.bits(), ipPacket(17, src, "192.168.1.1", 64, udp(1, 7, new byte[] {1}))));
            r.inject(eth0, ethernet(Rig.OUR_MAC.bits(), ipPacket(17, src, "192.168.1.1", 64, udp(1, 8, new byte[] {1}))));
            r.inject(eth0, ethernet(Rig.OUR_MAC.bits(), ipPacket(1, src, "192.168.1.1", 64, echo(1, 1, new byte[4]))));
        }
        assertEquals(List.of(), got, "nothing delivered");
        assertEquals(0, eth0.count(), "nothing answered");
        assertEquals(drops + 12, r.stack.stats().ip.drop);
        // Control: from a host address, all three get through.
        r.inject(eth0, ethernet(Rig.OUR_MAC.bits(), ipPacket(17, "192.168.1.9", "192.168.1.1", 64, udp(1, 7, new byte[] {1}))));
        r.inject(eth0, ethernet(Rig.OUR_MAC.bits(), ipPacket(17, "192.168.1.9", "192.168.1.1", 64, udp(1, 8, new byte[] {1}))));
        r.inject(eth0, ethernet(Rig.OUR_MAC.bits(), ipPacket(1, "192.168.1.9", "192.168.1.1", 64, echo(1, 1, new byte[4]))));
        assertEquals(1, got.size());
        assertEquals(2, eth0.count(), "port unreachable and echo reply");
        r.assertNoLeaks();
    }

    @Test
    void s3_2_1_3_aBroadcastAddressOfAnotherNetifIsNoValidSourceEither() {
        // 192.168.1.255 is eth1's directed broadcast; arriving on eth0 it is still a broadcast
        // address, and answering it would broadcast on eth1.
        Rig r = new Rig();
        CaptureDriver eth0 = r.eth("eth0", "192.168.0.1/24", "192.168.0.9");
        CaptureDriver eth1 = r.eth("eth1", "192.168.1.1/24", "192.168.1.9");
        List<byte[]> got = new ArrayList<>();
        r.udpSink(7, got);
        long mac = Rig.OUR_MAC.bits();
        r.inject(eth0, ethernet(mac, ipPacket(17, "192.168.1.255", "192.168.0.1", 64, udp(1, 7, new byte[] {1}))));
        r.inject(eth0, ethernet(mac, ipPacket(17, "192.168.1.255", "192.168.0.1", 64, udp(1, 8, new byte[] {1}))));
        r.inject(eth0, ethernet(mac, ipPacket(1, "192.168.1.255", "192.168.0.1", 64, echo(1, 1, new byte[4]))));
        assertEquals(List.of(), got);
        assertEquals(0, eth0.count());
        assertEquals(0, eth1.count(), "no broadcast answer on eth1");
        r.assertNoLeaks();
    }

    @Test
    void s3_2_1_3_zeroSourceIsAcceptedOnlyWhenSentToTheLimitedBroadcast() {
        // A BOOTP/DHCP client without an address: 0.0.0.0 -> 255.255.255.255 is delivered.
        List<byte[]> got = new ArrayList<>();
        rig.udpSink(67, got);
        rig.inject(tun0, ipPacket(17, "0.0.0.0", "255.255.255.255", 64, udp(68, 67, new byte[] {42})));
        assertEquals(1, got.size());
        assertEquals("2a", hex(got.get(0), 0, 1));
        // The same to our unicast address is not.
        rig.inject(tun0, ipPacket(17, "0.0.0.0", "10.0.0.1", 64, udp(68, 67, new byte[] {42})));
        assertEquals(1, got.size());
        assertEquals(0, tun0.count());
        rig.assertNoLeaks();
    }

    @Test
    void s3_2_1_3_zeroNetworkSourceIsTreatedAsZero() {
        // {0, Host-number} is also only a source while a host learns its address (§3.2.1.3 (b));
        // RFC 1812 §4.3.2.7: no ICMP error about it. Linux drops it as a martian.
        List<byte[]> got = new ArrayList<>();
        rig.udpSink(7, got);
        rig.inject(tun0, ipPacket(17, "0.1.2.3", "10.0.0.1", 64, udp(1, 7, new byte[] {1})));
        rig.inject(tun0, ipPacket(17, "0.1.2.3", "10.0.0.1", 64, udp(1, 8, new byte[] {1})));
        rig.inject(tun0, ipPacket(1, "0.1.2.3", "10.0.0.1", 64, echo(1, 1, new byte[4])));
        assertEquals(List.of(), got);
        assertEquals(0, tun0.count(), "nothing answered");
        rig.inject(tun0, ipPacket(17, "0.1.2.3", "255.255.255.255", 64, udp(1, 7, new byte[] {1})));
        assertEquals(1, got.size(), "to the limited broadcast: delivered");
        rig.assertNoLeaks();
    }

    @Test
    void s3_2_1_3_neverSendsToTheZeroNetwork() {
        // (a) {0,0} and (b) {0, Host-number} MUST NOT be sent (as destinations).
        UdpPcb pcb = rig.stack.newUdpPcb();
        assertEquals(Err.RTE, rig.send(pcb, new byte[1], ip("0.0.0.0"), 9));
        assertEquals(Err.RTE, rig.send(pcb, new byte[1], ip("0.1.2.3"), 9));
        assertEquals(0, tun0.count());
        rig.assertNoLeaks();
    }

    @Test
    void s3_2_1_3_discardsDatagramsNotForUs() {
        // Forwarding is off: a datagram for another host is dropped, not delivered to a
        // wildcard pcb, not answered (and a host never sends a Redirect, §3.2.2.2).
        List<byte[]> got = new ArrayList<>();
        rig.udpSink(7, got);
        long drops = rig.stack.stats().ip.drop;
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.0.77", 64, udp(1, 7, new byte[] {1})));
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "192.0.2.1", 64, udp(1, 8, new byte[] {1})));
        rig.inject(tun0, ipPacket(1, "10.0.0.9", "10.0.0.77", 64, echo(1, 1, new byte[4])));
        assertEquals(List.of(), got);
        assertEquals(0, tun0.count());
        assertEquals(drops + 3, rig.stack.stats().ip.drop);
        assertEquals(0, rig.stack.stats().ip.fw);
        rig.assertNoLeaks();
    }

    @Test
    void s3_2_1_3_sourceIsAlwaysOneOfOurAddresses() {
        UdpPcb any = rig.stack.newUdpPcb();
        assertEquals(Err.OK, rig.send(any, new byte[1], ip("10.0.0.9"), 9));
        assertEquals("10.0.0.1", addr(tun0.poll().data(), 12));
        // Bound to an address the stack does not have: refused, nothing sent.
        UdpPcb foreign = rig.stack.newUdpPcb();
        assertEquals(Err.OK, foreign.bind(ip("10.0.0.50"), 5000));
        assertEquals(Err.RTE, rig.send(foreign, new byte[1], ip("10.0.0.9"), 9));
        assertEquals(0, tun0.count());
        rig.assertNoLeaks();
    }

    @Test
    void s3_2_1_5_everyDatagramGetsAFreshIdentification() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        rig.send(pcb, new byte[1], ip("10.0.0.9"), 9);
        rig.send(pcb, new byte[1], ip("10.0.0.9"), 9);
        rig.send(pcb, new byte[1], ip("10.0.0.9"), 9);
        List<byte[]> out = Rig.sent(tun0);
        int a = Rig.u16(out.get(0), 4);
        int b = Rig.u16(out.get(1), 4);
        int c = Rig.u16(out.get(2), 4);
        assertEquals((a + 1) & 0xffff, b);
        assertEquals((b + 1) & 0xffff, c);
    }

    @Test
    void s3_2_1_6_and_s3_4_receivedTosTtlOptionsAndInterfaceArePassedToTheTransport() {
        List<Seen> seen = transport253();
        byte[] options = {(byte) 0x94, 4, 0, 0}; // router alert
        rig.inject(tun0, ipPacket(253, "10.0.0.9", "10.0.0.1", 0xb8, 17, 0, options, new byte[] {1, 2}));
        assertEquals(List.of(new Seen(0xb8, 17, 24, "94040000", "tun0", "10.0.0.1", false)), seen);
        rig.assertNoLeaks();
    }

    @Test
    void s3_2_1_7_ttlOfZeroOrOneIsNoReasonToDiscardADatagramForUs() {
        List<byte[]> got = new ArrayList<>();
        rig.udpSink(7, got);
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.0.1", 1, udp(1, 7, new byte[] {1})));
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.0.1", 0, udp(1, 7, new byte[] {2})));
        assertEquals(2, got.size());
        rig.assertNoLeaks();
    }

    @Test
    void s3_2_1_7_ttlIsSetByTheTransportNeverZeroAndItsDefaultIsConfigurable() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        assertThrows(IllegalArgumentException.class, () -> pcb.setTtl(0));
        assertThrows(IllegalArgumentException.class, () -> StackConfig.builder().udpTtl(0).build());
        assertThrows(IllegalArgumentException.class, () -> StackConfig.builder().ipDefaultTtl(0).build());
        pcb.setTtl(3);
        rig.send(pcb, new byte[1], ip("10.0.0.9"), 9);
        assertEquals(3, tun0.poll().data()[8]);
        Rig other = new Rig(b -> b.udpTtl(200));
        CaptureDriver d = other.tun("tun0", "10.0.0.1/24", 1500);
        other.send(other.stack.newUdpPcb(), new byte[1], ip("10.0.0.9"), 9);
        assertEquals(200, d.poll().data()[8] & 0xff);
    }

    @Test
    void s3_2_1_8_unknownAndStreamIdentifierOptionsAreIgnored() {
        List<byte[]> got = new ArrayList<>();
        rig.udpSink(7, got);
        byte[] unknown = {(byte) 0x9e, 4, 1, 2};  // type 158: not one we know
        byte[] streamId = {(byte) 0x88, 4, 0, 9}; // RFC 791 stream identifier (obsolete)
        byte[] both = {(byte) 0x9e, 4, 1, 2, (byte) 0x88, 4, 0, 9};
        for (byte[] o : List.of(unknown, streamId, both)) {
            rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.0.1", 0, 64, 0, o, udp(1, 7, new byte[] {5})));
        }
        assertEquals(3, got.size());
        assertEquals(0, tun0.count());
        rig.assertNoLeaks();
    }

    @Test
    void s3_2_1_8c_sourceRoutedDatagramsAreDiscardedAsLinuxDoesByDefault() {
        // Deliberately different (docs/RFC1122-AUDIT.md): no source routing, so no reply
        // could carry the reversed route §3.2.2.6 and §4 ask for; RFC 7126 §4.3, §4.4.
        List<byte[]> got = new ArrayList<>();
        rig.udpSink(7, got);
        long opterr = rig.stack.stats().ip.opterr;
        byte[] lsrrIncomplete = {(byte) 0x83, 7, 4, 10, 0, 0, 5, 0};     // next hop 10.0.0.5, then end
        byte[] ssrrCompleted = {1, (byte) 0x89, 7, 8, 10, 0, 0, 5};      // NOP, pointer past the route
        for (byte[] o : List.of(lsrrIncomplete, ssrrCompleted)) {
            rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.0.1", 0, 64, 0, o, udp(1, 7, new byte[] {1})));
            rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.0.1", 0, 64, 0, o, udp(1, 8, new byte[] {1})));
            rig.inject(tun0, ipPacket(1, "10.0.0.9", "10.0.0.1", 0, 64, 0, o, echo(1, 1, new byte[4])));
        }
        assertEquals(List.of(), got);
        assertEquals(0, tun0.count(), "no echo reply without the reversed route, no ICMP error");
        assertEquals(opterr + 6, rig.stack.stats().ip.opterr);
        rig.assertNoLeaks();
    }

    @Test
    void s3_2_1_1_versionOtherThanFourIsSilentlyDiscarded() {
        // On Ethernet the EtherType says IPv4; the version nibble says otherwise.
        Rig r = new Rig();
        CaptureDriver eth0 = r.eth("eth0", "192.168.1.1/24", "192.168.1.9");
        List<byte[]> got = new ArrayList<>();
        r.udpSink(7, got);
        long proterr = r.stack.stats().ip.proterr;
        for (int version : new int[] {5, 6, 0}) {
            byte[] p = ipPacket(17, "192.168.1.9", "192.168.1.1", 64, udp(1, 7, new byte[] {1}));
            p[0] = (byte) (version << 4 | 5);
            r.inject(eth0, ethernet(Rig.OUR_MAC.bits(), p));
        }
        assertEquals(List.of(), got);
        assertEquals(0, eth0.count());
        assertEquals(proterr + 3, r.stack.stats().ip.proterr);
        r.assertNoLeaks();
    }

    @Test
    void s3_3_3_theTransportLearnsTheMtuOfItsRoute() {
        // MMS_S: the route a transport gets carries the outgoing netif's MTU.
        CaptureDriver small = rig.tun("tun1", "10.0.1.1/24", 576);
        assertEquals(1500, rig.stack.ip().route(ip("10.0.0.9"), Ip4Address.ANY, null).mtu());
        assertEquals(576, rig.stack.ip().route(ip("10.0.1.9"), Ip4Address.ANY, null).mtu());
        assertEquals(0, small.count());
    }

    @Test
    void s3_3_4_2_anApplicationChoosesItsSourceAddress() {
        rig.netif("tun0").ip4().add(Ip4Interface.parse("10.0.0.2/24"));
        UdpPcb pcb = rig.stack.newUdpPcb();
        assertEquals(Err.OK, pcb.bind(ip("10.0.0.2"), 5000));
        rig.send(pcb, new byte[1], ip("10.0.0.9"), 9);
        byte[] out = tun0.poll().data();
        assertEquals("10.0.0.2", addr(out, 12));
        assertEquals(5000, Rig.u16(out, 20));
    }

    @Test
    void s3_3_4_2_errorsAboutADatagramComeFromItsSpecificDestination() {
        // A port unreachable about a datagram sent to our second address comes from it.
        rig.netif("tun0").ip4().add(Ip4Interface.parse("10.0.0.2/24"));
        byte[] orig = ipPacket(17, "10.0.0.9", "10.0.0.2", 64, udp(1, 9, new byte[] {1}));
        rig.inject(tun0, orig);
        Rig.assertIcmpError(tun0.poll().data(), "10.0.0.2", "10.0.0.9", 3, 3, java.util.Arrays.copyOf(orig, 28));
        // The same for a protocol nobody takes.
        byte[] proto = ipPacket(99, "10.0.0.9", "10.0.0.2", 64, new byte[] {1, 2});
        rig.inject(tun0, proto);
        Rig.assertIcmpError(tun0.poll().data(), "10.0.0.2", "10.0.0.9", 3, 2, proto);
        rig.assertNoLeaks();
    }

    @Test
    void s3_3_4_2_weakHostAcceptsOurAddressOfAnotherNetif() {
        // (A) is a MAY: like lwIP and Linux we accept our address of tun1 arriving on tun0.
        CaptureDriver tun1 = rig.tun("tun1", "10.0.1.1/24", 1500);
        List<byte[]> got = new ArrayList<>();
        rig.udpSink(7, got);
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.1.1", 64, udp(1, 7, new byte[] {1})));
        assertEquals(1, got.size());
        assertEquals(0, tun1.count());
        // Two netifs do not make a host a gateway (§3.1: no auto-configuration as one).
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.1.9", 64, udp(1, 7, new byte[] {1})));
        assertEquals(0, tun1.count());
        assertEquals(0, rig.stack.stats().ip.fw);
    }

    @Test
    void s3_3_1_2_aStaticRouteBeatsTheDefaultGateway() {
        Rig r = new Rig();
        CaptureDriver eth0 = r.eth("eth0", "192.168.1.1/24");
        r.netif("eth0").ip4().setGateway(ip("192.168.1.254"));
        r.stack.ipv4().routes().add(new StaticRoute(IpPrefix.parse("198.51.100.0/24"),
                ip("192.168.1.253"), r.netif("eth0")));
        UdpPcb pcb = r.stack.newUdpPcb();
        r.send(pcb, new byte[1], ip("198.51.100.7"), 9);
        r.send(pcb, new byte[1], ip("203.0.113.1"), 9);
        List<byte[]> out = Rig.sent(eth0);
        assertEquals("192.168.1.253", addr(out.get(0), 14 + 24), "ARP for the route's gateway");
        assertEquals("192.168.1.254", addr(out.get(1), 14 + 24), "ARP for the default gateway");
        r.stack.close();
    }

    @Test
    void s3_3_6_everyBroadcastFormIsRecognisedAndNeverAnswered() {
        // Limited, directed (subnet) and the obsolete 0.0.0.0 form, in link-layer broadcasts:
        // delivered to the wildcard pcb as broadcasts; to a closed port, no ICMP.
        Rig r = new Rig();
        CaptureDriver eth0 = r.eth("eth0", "192.168.1.1/24", "192.168.1.9");
        List<Seen> seen = new ArrayList<>();
        r.stack.ip().registerTransport(253, (p, info) -> {
            seen.add(new Seen(info.tos(), info.ttl(), info.headerLen(), "", info.netif().name(), info.dst().toString(),
                    info.isBroadcast()));
            p.free();
        }, null);
        List<byte[]> got = new ArrayList<>();
        r.udpSink(7, got);
        for (String dst : List.of("255.255.255.255", "192.168.1.255", "0.0.0.0")) {
            r.inject(eth0, ethernet(Rig.BROADCAST_MAC, ipPacket(17, "192.168.1.9", dst, 64, udp(1, 7, new byte[] {1}))));
            r.inject(eth0, ethernet(Rig.BROADCAST_MAC, ipPacket(17, "192.168.1.9", dst, 64, udp(1, 8, new byte[] {1}))));
            r.inject(eth0, ethernet(Rig.BROADCAST_MAC, ipPacket(253, "192.168.1.9", dst, 64, new byte[] {1})));
        }
        assertEquals(3, got.size());
        assertEquals(3, seen.size());
        seen.forEach(s -> assertEquals(true, s.broadcast()));
        assertEquals(0, eth0.count());
        r.assertNoLeaks();
    }

    @Test
    void s3_3_1_1_offLinkDestinationsGoThroughTheGatewayOnLinkOnesDirectly() {
        Rig r = new Rig();
        CaptureDriver eth0 = r.eth("eth0", "192.168.1.1/24");
        r.netif("eth0").ip4().setGateway(ip("192.168.1.254"));
        UdpPcb pcb = r.stack.newUdpPcb();
        r.send(pcb, new byte[1], ip("192.168.1.2"), 9);
        r.send(pcb, new byte[1], ip("198.51.100.7"), 9);
        List<byte[]> out = Rig.sent(eth0);
        assertEquals(2, out.size());
        // Both are ARP requests (EtherType 0x0806); the target is the destination itself, then the gateway.
        assertEquals("0806", hex(out.get(0), 12, 14));
        assertEquals("192.168.1.2", addr(out.get(0), 14 + 24));
        assertEquals("0806", hex(out.get(1), 12, 14));
        assertEquals("192.168.1.254", addr(out.get(1), 14 + 24));
        // Without any gateway the connected network still works (§3.3.1.1's minimal environment).
        Rig bare = new Rig();
        CaptureDriver e = bare.eth("eth0", "192.168.1.1/24");
        bare.send(bare.stack.newUdpPcb(), new byte[1], ip("192.168.1.2"), 9);
        assertEquals("192.168.1.2", addr(e.poll().data(), 14 + 24));
        // The datagrams still wait for ARP: closing the stacks frees them.
        r.stack.close();
        bare.stack.close();
    }

    @Test
    void s3_3_2_reassemblyTimeoutIsFixedNotTakenFromTheTtl() {
        // Fragment 0 with TTL 1 waits the configured 15 s all the same, then time exceeded.
        byte[] frag0 = ipPacket(17, "10.0.0.9", "10.0.0.1", 0, 1, 0x2000, new byte[0], udp(1, 7, new byte[16]));
        rig.inject(tun0, frag0);
        rig.advanceSeconds(14);
        assertEquals(0, tun0.count());
        rig.advanceSeconds(1);
        byte[] out = tun0.poll().data();
        assertEquals(11, out[20]);
        assertEquals(1, out[21]);
        rig.assertNoLeaks();
    }
}
