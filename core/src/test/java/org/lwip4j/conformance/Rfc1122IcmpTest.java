package org.lwip4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lwip4j.conformance.Rig.addr;
import static org.lwip4j.conformance.Rig.echo;
import static org.lwip4j.conformance.Rig.hex;
import static org.lwip4j.conformance.Rig.icmp;
import static org.lwip4j.conformance.Rig.ip;
import static org.lwip4j.conformance.Rig.ipPacket;
import static org.lwip4j.conformance.Rig.udp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.ip.IcmpError;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.raw.RawPcb;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.udp.UdpPcb;

/**
 * RFC 1122 §3.2.2 (ICMP of a host) on a capturing bare-IP netif tun0, 10.0.0.1/24; the
 * peer is 10.0.0.9.
 */
class Rfc1122IcmpTest {
    private final Rig rig = new Rig();
    private final CaptureDriver tun0 = rig.tun("tun0", "10.0.0.1/24", 1500);

    @Test
    void s3_2_2_unknownTypesAndQueriesWeDoNotImplementAreSilentlyDiscarded() {
        // 42: unknown; 13 timestamp (MAY, not implemented); 15 information request (§3.2.2.7
        // SHOULD NOT); 17 address mask request (§3.2.2.9: never answered unless authoritative).
        long drops = rig.stack.stats().icmp.drop;
        for (int type : new int[] {42, 13, 15, 17}) {
            rig.inject(tun0, ipPacket(1, "10.0.0.9", "10.0.0.1", 64, icmp(type, 0, 0x00010001, new byte[12])));
        }
        assertEquals(0, tun0.count());
        assertEquals(drops + 4, rig.stack.stats().icmp.drop);
        rig.assertNoLeaks();
    }

    @Test
    void s3_2_2_noErrorAboutMulticastDestinationsOrSourcesThatAreNotOneHost() {
        // Multicast destination (closed port, unknown protocol); class E and zero-network
        // sources (the IP layer may accept class E: the error must still not go out).
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "224.0.0.9", 64, udp(1, 9, new byte[4])));
        rig.inject(tun0, ipPacket(99, "10.0.0.9", "239.1.2.3", 64, new byte[4]));
        rig.inject(tun0, ipPacket(17, "240.0.0.1", "10.0.0.1", 64, udp(1, 9, new byte[4])));
        rig.inject(tun0, ipPacket(99, "240.0.0.1", "10.0.0.1", 64, new byte[4]));
        rig.inject(tun0, ipPacket(17, "0.0.0.7", "10.0.0.1", 64, udp(1, 9, new byte[4])));
        assertEquals(0, tun0.count());
        // Control: the same from a host address is answered.
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.0.1", 64, udp(1, 9, new byte[4])));
        assertEquals(1, tun0.count());
        rig.assertNoLeaks();
    }

    @Test
    void s3_2_2_errorsAreSentWithTosZeroAndQuoteTheDatagramUnchanged() {
        byte[] orig = ipPacket(17, "10.0.0.9", "10.0.0.1", 0x10, 64, 0, new byte[0], udp(1, 9, new byte[12]));
        rig.inject(tun0, orig);
        Rig.assertIcmpError(tun0.poll().data(), "10.0.0.1", "10.0.0.9", 3, 3, Arrays.copyOf(orig, 28));
    }

    /** Our datagram 10.0.0.1:5000 -> 10.0.0.9:9 as a peer would quote it (header + 8 bytes). */
    private static byte[] ourDatagram() {
        return Arrays.copyOf(ipPacket(17, "10.0.0.1", "10.0.0.9", 64, udp(5000, 9, new byte[20])), 28);
    }

    @Test
    void s3_2_2_1_and_s3_2_2_3_to_5_errorsReceivedReachThePcbTheyConcern() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        assertEquals(Err.OK, pcb.bind(5000));
        assertEquals(Err.OK, pcb.connect(ip("10.0.0.9"), 9));
        List<IcmpError> errors = new ArrayList<>();
        pcb.onError(errors::add);
        int[][] typeCode = {{3, 1}, {4, 0}, {11, 0}, {12, 0}};
        for (int[] tc : typeCode) {
            rig.inject(tun0, ipPacket(1, "10.0.0.254", "10.0.0.1", 64, icmp(tc[0], tc[1], 0, ourDatagram())));
        }
        assertEquals(4, errors.size());
        for (int i = 0; i < typeCode.length; i++) {
            IcmpError e = errors.get(i);
            assertEquals(typeCode[i][0], e.type());
            assertEquals(typeCode[i][1], e.code());
            assertEquals(ip("10.0.0.254"), e.reporter());
            assertEquals(ip("10.0.0.9"), e.remoteAddr());
            assertEquals(9, e.remotePort());
        }
        // Host unreachable is only a hint (§3.2.2.1): the pcb stays connected and usable.
        assertEquals(true, pcb.isConnected());
        assertEquals(0, tun0.count(), "no ICMP about ICMP errors");
        rig.assertNoLeaks();
    }

    @Test
    void s3_2_2_6_echoReplyComesFromTheSpecificDestinationWithTheSameData() {
        rig.netif("tun0").ip4().add(Ip4Interface.parse("10.0.0.2/24"));
        byte[] data = "0123456789abcdef!".getBytes();
        byte[] req = echo(0x4242, 7, data);
        rig.inject(tun0, ipPacket(1, "10.0.0.9", "10.0.0.2", 64, req));
        byte[] out = tun0.poll().data();
        assertEquals("10.0.0.2", addr(out, 12));
        assertEquals("10.0.0.9", addr(out, 16));
        assertEquals(0, out[20], "echo reply");
        assertEquals(hex(req, 4, req.length), hex(out, 24, out.length), "identifier, sequence and data");
    }

    @Test
    void s3_2_2_6_echoToABroadcastOrMulticastAddressIsIgnoredByDefault() {
        rig.inject(tun0, ipPacket(1, "10.0.0.9", "255.255.255.255", 64, echo(1, 1, new byte[4])));
        rig.inject(tun0, ipPacket(1, "10.0.0.9", "10.0.0.255", 64, echo(1, 2, new byte[4])));
        rig.inject(tun0, ipPacket(1, "10.0.0.9", "224.0.0.1", 64, echo(1, 3, new byte[4])));
        assertEquals(0, tun0.count());
        rig.assertNoLeaks();
    }

    @Test
    void s3_2_2_6_aBroadcastEchoWhenAnsweredIsAnsweredFromTheArrivalInterfacesAddress() {
        Rig r = new Rig(b -> b.broadcastPing(true));
        CaptureDriver e0 = r.eth("eth0", "192.168.0.1/24", "192.168.0.9");
        CaptureDriver e1 = r.eth("eth1", "192.168.1.1/24", "192.168.1.9");
        r.inject(e1, Rig.ethernet(Rig.BROADCAST_MAC, ipPacket(1, "192.168.1.9", "192.168.1.255", 64, echo(1, 1, new byte[4]))));
        r.inject(e1, Rig.ethernet(Rig.BROADCAST_MAC, ipPacket(1, "192.168.1.9", "255.255.255.255", 64, echo(1, 2, new byte[4]))));
        List<byte[]> out = Rig.sent(e1);
        assertEquals(2, out.size());
        for (byte[] o : out) {
            assertEquals("192.168.1.1", addr(o, 14 + 12), "a unicast address of eth1, never the broadcast");
            assertEquals("192.168.1.9", addr(o, 14 + 16));
            assertEquals(0, o[14 + 20], "echo reply");
        }
        assertEquals(0, e0.count());
    }

    @Test
    void s3_2_2_6_aBroadcastEchoIsAnsweredFromTheArrivalInterfaceEvenWhenTheReplyLeavesByAnother() {
        // The requester is off every subnet: the reply is routed out of the default netif
        // eth0, but its source is still the specific destination, eth1's address.
        Rig r = new Rig(b -> b.broadcastPing(true));
        CaptureDriver e0 = r.eth("eth0", "192.168.0.1/24");
        CaptureDriver e1 = r.eth("eth1", "192.168.1.1/24");
        r.netif("eth0").ip4().setGateway(ip("192.168.0.254"));
        r.stack.arp().addStatic(r.netif("eth0"), ip("192.168.0.254"), new MacAddress(Rig.PEER_MAC));
        r.inject(e1, Rig.ethernet(Rig.BROADCAST_MAC, ipPacket(1, "10.9.9.9", "255.255.255.255", 64, echo(1, 1, new byte[4]))));
        byte[] out = e0.poll().data();
        assertEquals("192.168.1.1", addr(out, 14 + 12));
        assertEquals("10.9.9.9", addr(out, 14 + 16));
        assertEquals(0, e1.count());
    }

    @Test
    void s3_2_2_6_echoRepliesArePassedToTheApplication() {
        RawPcb pcb = rig.stack.newRawPcb(1);
        List<String> got = new ArrayList<>();
        pcb.onReceive((pc, p, src) -> {
            byte[] b = p.toByteArray();
            got.add(src + " " + hex(b, 20, b.length));
            p.free();
            return true;
        });
        byte[] reply = icmp(0, 0, 0x00090001, new byte[] {1, 2, 3});
        rig.inject(tun0, ipPacket(1, "10.0.0.9", "10.0.0.1", 64, reply));
        assertEquals(List.of("10.0.0.9 " + hex(reply, 0, reply.length)), got);
        assertEquals(0, tun0.count());
        rig.assertNoLeaks();
    }
}
