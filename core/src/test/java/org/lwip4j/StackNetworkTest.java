package org.lwip4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.testing.SimNet.ip;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.IcmpError;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.Pinger;
import org.lwip4j.testing.SimNet;
import org.lwip4j.udp.UdpPcb;
import org.lwip4j.wire.Icmpv4Packet;

/** Whole stacks on the virtual network: ping, UDP, routing, fragmentation, errors. */
class StackNetworkTest {

    /** A UDP echo server (RFC 862) on {@code port}: sends every datagram back. */
    static UdpPcb echoServer(Stack s, int port) {
        UdpPcb pcb = s.newUdpPcb();
        assertEquals(Err.OK, pcb.bind(port));
        pcb.onReceive((pc, p, src, sport, netif) -> {
            pc.sendTo(p, src, sport);
            p.free();
        });
        return pcb;
    }

    static Pbuf payload(Stack s, byte[] data) {
        Pbuf p = s.context().pbufs().allocPool(Layer.TRANSPORT, data.length);
        p.copyFrom(0, data, 0, data.length);
        return p;
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    @Test
    void twoStacksPingEachOther() {
        SimNet net = new SimNet(1);
        Stack a = net.stack();
        Stack b = net.stack();
        VirtualLink link = net.link(Impairments.NONE);
        SimNet.attach(a, link.endpointA(), "eth0", "10.0.0.1/24");
        SimNet.attach(b, link.endpointB(), "eth0", "10.0.0.2/24");
        Pinger ping = new Pinger(a);
        for (int seq = 1; seq <= 5; seq++) {
            assertEquals(Err.OK, ping.ping(ip("10.0.0.2"), 0x1234, seq, 56));
        }
        assertTrue(net.runUntil(() -> ping.replies.size() == 5, Duration.ofSeconds(5)), "5 echo replies");
        for (int i = 0; i < 5; i++) {
            Pinger.Reply r = ping.replies.get(i);
            assertEquals(Icmpv4Packet.TYPE_ECHO_REPLY, r.type());
            assertEquals(ip("10.0.0.2"), r.from());
            assertEquals(0x1234, r.ident());
            assertEquals(i + 1, r.seq());
            assertArrayEquals(Pinger.pattern(56, i + 1), r.data());
        }
        assertEquals(5, b.stats().icmp.xmit);
        assertEquals(List.of(), SimNet.leakedPbufs(a));
        assertEquals(List.of(), SimNet.leakedPbufs(b));
    }

    @Test
    void stacksGetDistinctDefaultMacsThatRepeatWithTheSeed() {
        SimNet net = new SimNet(11);
        VirtualLink link = net.link(Impairments.NONE);
        Netif a = SimNet.attach(net.stack(), link.endpointA(), "eth0", "10.0.0.1/24");
        Netif b = SimNet.attach(net.stack(), link.endpointB(), "eth0", "10.0.0.2/24");
        assertNotEquals(a.mac(), b.mac(), "two stacks' eth0 must not share a MAC");
        assertTrue(!a.mac().isMulticast() && (a.mac().bits() >> 40 & 0x02) != 0, "unicast, locally administered");
        SimNet again = new SimNet(11);
        VirtualLink link2 = again.link(Impairments.NONE);
        assertEquals(a.mac(), SimNet.attach(again.stack(), link2.endpointA(), "eth0", "10.0.0.1/24").mac());
    }

    @Test
    void udpEchoIsByteExactForManySizes() {
        SimNet net = new SimNet(2);
        Stack a = net.stack();
        Stack b = net.stack();
        VirtualLink link = net.link(Impairments.NONE);
        SimNet.attach(a, link.endpointA(), "eth0", "10.0.0.1/24");
        SimNet.attach(b, link.endpointB(), "eth0", "10.0.0.2/24");
        echoServer(b, 7);
        UdpPcb client = a.newUdpPcb();
        List<byte[]> got = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        client.onReceive((pc, p, src, sport, netif) -> {
            got.add(p.toByteArray());
            ports.add(sport);
            p.free();
        });
        int[] sizes = {0, 1, 100, 1472, 1473, 3000, 8000, 60000};
        for (int i = 0; i < sizes.length; i++) {
            Pbuf p = payload(a, bytes(sizes[i], i));
            assertEquals(Err.OK, client.sendTo(p, ip("10.0.0.2"), 7));
            p.free();
            int want = i + 1;
            assertTrue(net.runUntil(() -> got.size() == want, Duration.ofSeconds(5)), "echo of " + sizes[i]);
            assertArrayEquals(bytes(sizes[i], i), got.get(i), "size " + sizes[i]);
            assertEquals(7, ports.get(i));
        }
        assertTrue(a.stats().ipfrag.xmit > 0 && b.stats().ipfrag.recv > 0, "big datagrams were fragmented");
        net.runFor(Duration.ofSeconds(1));
        assertEquals(List.of(), SimNet.leakedPbufs(a));
        assertEquals(List.of(), SimNet.leakedPbufs(b));
    }

    @Test
    void routerForwardsDecrementsTtlAndAnswersTtlExpiry() {
        SimNet net = new SimNet(3);
        Stack a = net.stack();
        Stack r = net.stack(StackConfig.builder().ipForward(true).build());
        Stack b = net.stack();
        VirtualLink left = net.link(Impairments.NONE);
        VirtualLink right = net.link(Impairments.NONE);
        Netif an = SimNet.attach(a, left.endpointA(), "eth0", "10.1.0.2/24");
        SimNet.attach(r, left.endpointB(), "eth0", "10.1.0.1/24");
        SimNet.attach(r, right.endpointA(), "eth1", "10.2.0.1/24");
        Netif bn = SimNet.attach(b, right.endpointB(), "eth0", "10.2.0.2/24");
        an.ip4().setGateway(ip("10.1.0.1"));
        bn.ip4().setGateway(ip("10.2.0.1"));
        // The router knows only its two nets: no default route.
        r.execute(() -> r.netifs().setDefault(null));

        Pinger ping = new Pinger(a);
        ping.ping(ip("10.2.0.2"), 7, 1, 32);
        assertTrue(net.runUntil(() -> ping.replies.size() == 1, Duration.ofSeconds(5)));
        Pinger.Reply reply = ping.replies.get(0);
        assertEquals(Icmpv4Packet.TYPE_ECHO_REPLY, reply.type());
        // b answers with TTL 64; one router hop later it is 63.
        assertEquals(63, reply.ttl());
        assertEquals(2, r.stats().ip.fw);

        // TTL 1: the router answers with time exceeded (code 0), from its address on a's side.
        ping.replies.clear();
        ping.pcb().setTtl(1);
        ping.ping(ip("10.2.0.2"), 7, 2, 32);
        assertTrue(net.runUntil(() -> ping.replies.size() == 1, Duration.ofSeconds(5)));
        Pinger.Reply te = ping.replies.get(0);
        assertEquals(Icmpv4Packet.TYPE_TIME_EXCEEDED, te.type());
        assertEquals(Icmpv4Packet.TIME_EXCEEDED_TTL, te.code());
        assertEquals(ip("10.1.0.1"), te.from());
        // The quote is the original IP header (20 bytes) plus 8 bytes of ICMP.
        assertEquals(28, te.data().length);

        // UDP through the router, byte-exact.
        echoServer(b, 9);
        UdpPcb c = a.newUdpPcb();
        List<byte[]> got = new ArrayList<>();
        c.onReceive((pc, p, src, sp, nf) -> {
            got.add(p.toByteArray());
            p.free();
        });
        Pbuf p = payload(a, bytes(1200, 5));
        c.sendTo(p, ip("10.2.0.2"), 9);
        p.free();
        assertTrue(net.runUntil(() -> got.size() == 1, Duration.ofSeconds(5)));
        assertArrayEquals(bytes(1200, 5), got.get(0));

        // No route: the router answers net unreachable.
        ping.replies.clear();
        ping.pcb().setTtl(64);
        ping.ping(ip("10.9.0.9"), 7, 3, 8);
        assertTrue(net.runUntil(() -> ping.replies.size() == 1, Duration.ofSeconds(5)));
        assertEquals(Icmpv4Packet.TYPE_DEST_UNREACH, ping.replies.get(0).type());
        assertEquals(Icmpv4Packet.UNREACH_NET, ping.replies.get(0).code());
    }

    @Test
    void sixtyKilobyteDatagramCrossesA576LinkWithReorderingAndDuplicates() {
        SimNet net = new SimNet(4);
        Stack a = net.stack();
        Stack b = net.stack();
        Impairments imp = Impairments.builder().reorder(0.2).duplicate(0.1).delay(Duration.ofMillis(2)).build();
        VirtualLink link = new VirtualLink(net.sim, org.lwip4j.netif.LinkType.ETHERNET, 576, imp, imp);
        SimNet.attach(a, link.endpointA(), "eth0", "10.0.0.1/24");
        SimNet.attach(b, link.endpointB(), "eth0", "10.0.0.2/24");
        echoServer(b, 7);
        UdpPcb c = a.newUdpPcb();
        List<byte[]> got = new ArrayList<>();
        c.onReceive((pc, p, src, sp, nf) -> {
            got.add(p.toByteArray());
            p.free();
        });
        byte[] data = bytes(60000, 9);
        Pbuf p = payload(a, data);
        c.sendTo(p, ip("10.0.0.2"), 7);
        p.free();
        boolean done = net.runUntil(() -> got.size() == 1, Duration.ofSeconds(10));
        assertTrue(done, () -> "a:\n" + a.stats().table() + "b:\n" + b.stats().table() + "\nlink " + link.aToB().counters() + " / " + link.bToA().counters());
        assertArrayEquals(data, got.get(0));
        assertTrue(link.aToB().counters().duplicated() > 0, "duplicates were injected");
        net.runFor(Duration.ofSeconds(30));
        assertEquals(List.of(), SimNet.leakedPbufs(a));
        assertEquals(List.of(), SimNet.leakedPbufs(b));
    }

    @Test
    void lostFragmentTimesOutAndFreesEverything() {
        SimNet net = new SimNet(5);
        Stack a = net.stack();
        Stack b = net.stack();
        Impairments lossy = Impairments.builder().loss(0.05).build();
        VirtualLink link = new VirtualLink(net.sim, org.lwip4j.netif.LinkType.ETHERNET, 576, lossy, Impairments.NONE);
        SimNet.attach(a, link.endpointA(), "eth0", "10.0.0.1/24");
        SimNet.attach(b, link.endpointB(), "eth0", "10.0.0.2/24");
        // Resolve ARP first over a clean link so only fragments are lost.
        link.setImpairments(Impairments.NONE, Impairments.NONE);
        Pinger ping = new Pinger(a);
        ping.ping(ip("10.0.0.2"), 1, 1, 8);
        assertTrue(net.runUntil(() -> ping.replies.size() == 1, Duration.ofSeconds(5)));
        link.setImpairments(lossy, Impairments.NONE);
        UdpPcb sink = b.newUdpPcb();
        sink.bind(9);
        List<byte[]> got = new ArrayList<>();
        sink.onReceive((pc, p, src, sp, nf) -> {
            got.add(p.toByteArray());
            p.free();
        });
        UdpPcb c = a.newUdpPcb();
        Pbuf p = payload(a, bytes(60000, 1));
        c.sendTo(p, ip("10.0.0.2"), 9);
        p.free();
        net.runFor(Duration.ofSeconds(1));
        assertTrue(link.aToB().counters().lost() >= 1, "the seed loses at least one fragment");
        assertEquals(0, got.size());
        assertTrue(b.ipv4().reassembly().pendingDatagrams() == 1);
        net.runFor(b.config().ip4().reassMaxAge().plusSeconds(2));
        assertEquals(0, b.ipv4().reassembly().pendingDatagrams());
        assertEquals(List.of(), SimNet.leakedPbufs(b));
        assertEquals(List.of(), SimNet.leakedPbufs(a));
    }

    @Test
    void portUnreachableReachesTheSendersPcb() {
        SimNet net = new SimNet(6);
        Stack a = net.stack();
        Stack b = net.stack();
        VirtualLink link = net.link(Impairments.NONE);
        SimNet.attach(a, link.endpointA(), "eth0", "10.0.0.1/24");
        SimNet.attach(b, link.endpointB(), "eth0", "10.0.0.2/24");
        UdpPcb c = a.newUdpPcb();
        assertEquals(Err.OK, c.connect(ip("10.0.0.2"), 4444));
        List<IcmpError> errors = new ArrayList<>();
        c.onError(errors::add);
        Pbuf p = payload(a, bytes(10, 1));
        assertEquals(Err.OK, c.send(p));
        p.free();
        assertTrue(net.runUntil(() -> errors.size() == 1, Duration.ofSeconds(5)));
        IcmpError e = errors.get(0);
        assertTrue(e.isPortUnreachable());
        assertEquals(ip("10.0.0.2"), e.reporter());
        assertEquals(4444, e.remotePort());
        assertEquals(c.localPort(), e.localPort());
        assertEquals(1, b.stats().udp.proterr);
    }

    @Test
    void unknownProtocolGetsProtocolUnreachable() {
        SimNet net = new SimNet(7);
        Stack a = net.stack();
        Stack b = net.stack();
        VirtualLink link = net.link(Impairments.NONE);
        SimNet.attach(a, link.endpointA(), "eth0", "10.0.0.1/24");
        SimNet.attach(b, link.endpointB(), "eth0", "10.0.0.2/24");
        Pinger icmp = new Pinger(a);
        var raw = a.newRawPcb(200);
        Pbuf p = payload(a, bytes(16, 3));
        assertEquals(Err.OK, raw.sendTo(p, ip("10.0.0.2")));
        p.free();
        assertTrue(net.runUntil(() -> icmp.replies.size() == 1, Duration.ofSeconds(5)));
        assertEquals(Icmpv4Packet.TYPE_DEST_UNREACH, icmp.replies.get(0).type());
        assertEquals(Icmpv4Packet.UNREACH_PROTOCOL, icmp.replies.get(0).code());
    }

    @Test
    void rawPcbThatEatsHidesPacketFromTransport() {
        SimNet net = new SimNet(8);
        Stack a = net.stack();
        Stack b = net.stack();
        VirtualLink link = net.link(Impairments.NONE);
        SimNet.attach(a, link.endpointA(), "eth0", "10.0.0.1/24");
        SimNet.attach(b, link.endpointB(), "eth0", "10.0.0.2/24");
        UdpPcb server = b.newUdpPcb();
        server.bind(9);
        List<byte[]> udpGot = new ArrayList<>();
        server.onReceive((pc, p, src, sp, nf) -> {
            udpGot.add(p.toByteArray());
            p.free();
        });
        List<IpAddress> rawSeen = new ArrayList<>();
        boolean[] eat = {false};
        var raw = b.newRawPcb(17);
        raw.onReceive((pcb, p, src) -> {
            rawSeen.add(src);
            if (eat[0]) {
                p.free();
                return true;
            }
            return false;
        });
        UdpPcb c = a.newUdpPcb();
        Pbuf p = payload(a, bytes(5, 1));
        c.sendTo(p, ip("10.0.0.2"), 9);
        net.runUntil(() -> udpGot.size() == 1, Duration.ofSeconds(2));
        assertEquals(1, rawSeen.size(), "raw pcb saw it and passed it on");
        assertEquals(1, udpGot.size());
        eat[0] = true;
        c.sendTo(p, ip("10.0.0.2"), 9);
        p.free();
        net.runFor(Duration.ofSeconds(1));
        assertEquals(2, rawSeen.size());
        assertEquals(1, udpGot.size(), "eaten packet never reached UDP");
        assertNotNull(server);
    }
}
