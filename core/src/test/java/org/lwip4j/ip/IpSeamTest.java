package org.lwip4j.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpPrefix;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.raw.RawPcb;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;
import org.lwip4j.testing.SimNet;
import org.lwip4j.udp.UdpPcb;

/** The family-neutral IP seam: routes and their staleness, registries, loopback, and the bugs the seam's review found. */
class IpSeamTest {
    private static final long PEER_MAC = 0x02_00_00_00_00_09L;

    private VirtualClock clock;
    private Stack stack;
    private CaptureDriver eth;
    private Netif eth0;

    @BeforeEach
    void setUp() {
        clock = new VirtualClock();
        stack = Stack.create(StackConfig.builder().randomSeed(5).build(), clock);
        eth = new CaptureDriver(LinkType.ETHERNET, 1500);
        eth0 = stack.addNetif(eth, "eth0");
        eth0.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        eth0.setUp(true);
        stack.netifs().setDefault(eth0);
        run();
        eth.clear();
    }

    private void run() {
        for (int i = 0; i < 6; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    private Pbuf data(String s) {
        Pbuf p = stack.context().pbufs().allocPool(Layer.TRANSPORT, s.length());
        p.copyFrom(0, s.getBytes(), 0, s.length());
        return p;
    }

    private static String text(Pbuf p) {
        byte[] b = new byte[p.totalLength()];
        p.copyTo(0, b, 0, b.length);
        return new String(b);
    }

    @Test
    void udpAndPingToOwnAddressWorkOverEthernet() {
        UdpPcb echo = stack.newUdpPcb();
        echo.bind(7);
        echo.onReceive((pcb, p, src, port, netif) -> {
            pcb.sendTo(p, src, port);
            p.free();
        });
        List<String> got = new ArrayList<>();
        UdpPcb client = stack.newUdpPcb();
        client.onReceive((pcb, p, src, port, netif) -> {
            got.add(text(p) + " from " + src + ":" + port);
            p.free();
        });
        Pbuf p = data("hi");
        assertEquals(Err.OK, client.sendTo(p, Ip4Address.parse("10.0.0.1"), 7));
        p.free();
        List<String> pings = new ArrayList<>();
        RawPcb icmp = stack.newRawPcb(1);
        icmp.onReceive((pcb, q, src) -> {
            if (q.getByte(20) == 0) {
                pings.add("reply from " + src);
            }
            return false;
        });
        Pbuf req = stack.context().pbufs().allocPool(Layer.TRANSPORT, 12);
        req.copyFrom(0, Packets.echoRequest(1, 1, "abcd".getBytes()), 0, 12);
        assertEquals(Err.OK, icmp.sendTo(req, Ip4Address.parse("10.0.0.1")));
        req.free();
        run();
        assertEquals(List.of("hi from 10.0.0.1:7"), got);
        assertEquals(List.of("reply from 10.0.0.1"), pings);
        assertEquals(0, eth.count(), "looped back in the stack, nothing on the wire");
        assertEquals(0, stack.stats().link.proterr);
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    @Test
    void callbacksMayCloseAndOpenPcbsDuringBroadcastDelivery() {
        List<UdpPcb> pcbs = new ArrayList<>();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UdpPcb u = stack.newUdpPcb();
            u.setReuseAddress(true);
            assertEquals(Err.OK, u.bind(67));
            int me = i;
            u.onReceive((pcb, p, src, port, netif) -> {
                got.add("pcb" + me);
                p.free();
                for (UdpPcb other : pcbs) {
                    if (other != pcb) {
                        other.close();
                    }
                }
                UdpPcb fresh = stack.newUdpPcb();
                fresh.setReuseAddress(true);
                fresh.bind(67);
                fresh.close();
            });
            pcbs.add(u);
        }
        byte[] dgram = Packets.ipv4(17, "10.0.0.9", "255.255.255.255", 64, 0, Packets.udp(68, 67, "x".getBytes()));
        eth.inject(Packets.ethernet(0xffff_ffff_ffffL, PEER_MAC, 0x0800, dgram));
        run();
        assertEquals(List.of("pcb0"), got, "the others were closed by the first callback before their turn");
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    @Test
    void aThrowingReceiveCallbackHasItsDatagramFreed() {
        UdpPcb u = stack.newUdpPcb();
        u.bind(9);
        u.onReceive((pcb, p, src, port, netif) -> {
            throw new IllegalStateException("application bug");
        });
        long errs = stack.stats().udp.err;
        byte[] dgram = Packets.ipv4(17, "10.0.0.9", "10.0.0.1", 64, 0, Packets.udp(1000, 9, "lost?".getBytes()));
        eth.inject(Packets.ethernet(eth0.mac().bits(), PEER_MAC, 0x0800, dgram));
        run();
        assertEquals(errs + 1, stack.stats().udp.err);
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    @Test
    void aCallbackThatKeepsItsDatagramStillOwnsIt() {
        UdpPcb u = stack.newUdpPcb();
        u.bind(9);
        AtomicReference<Pbuf> kept = new AtomicReference<>();
        u.onReceive((pcb, p, src, port, netif) -> kept.set(p));
        byte[] dgram = Packets.ipv4(17, "10.0.0.9", "10.0.0.1", 64, 0, Packets.udp(1000, 9, "keep".getBytes()));
        eth.inject(Packets.ethernet(eth0.mac().bits(), PEER_MAC, 0x0800, dgram));
        run();
        assertEquals("keep", text(kept.get()));
        assertEquals(1, kept.get().refCount());
        kept.get().free();
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    @Test
    void everyPcbMutatorChecksTheLoop() throws Exception {
        UdpPcb u = stack.newUdpPcb();
        RawPcb r = stack.newRawPcb(99);
        List<Runnable> calls = List.of(
                () -> u.connect(Ip4Address.parse("10.0.0.9"), 9), u::disconnect, () -> u.bindNetif(eth0),
                () -> u.onReceive(null), () -> u.onError(null), () -> u.setBroadcast(true),
                () -> u.setReuseAddress(true), () -> u.setNoChecksum(true), () -> u.setTtl(9), () -> u.setTos(1),
                () -> r.bindNetif(eth0), r::disconnect, () -> r.onReceive(null), () -> r.setHeaderIncluded(true),
                () -> r.setTtl(9), () -> r.setTos(1));
        List<String> passed = new ArrayList<>();
        Thread t = new Thread(() -> {
            for (int i = 0; i < calls.size(); i++) {
                try {
                    calls.get(i).run();
                    passed.add("call " + i);
                } catch (IllegalStateException expected) {
                    // the loop guard
                }
            }
        });
        t.start();
        t.join();
        assertEquals(List.of(), passed, "off-loop calls that were not refused");
    }

    @Test
    void routesGoStaleOnEveryChangeThatCanMoveThem() {
        Ip ip = stack.ip();
        Ip4Address peer = Ip4Address.parse("10.0.0.9");
        Route r = ip.route(peer, null, null);
        assertNotNull(r);
        assertSame(eth0, r.netif());
        assertEquals(Ip4Address.parse("10.0.0.1"), r.local());
        assertEquals(peer, r.nextHop());
        assertEquals(1500, r.mtu());
        assertFalse(ip.stale(r));

        eth0.setUp(false);
        assertTrue(ip.stale(r));
        assertNull(ip.route(peer, null, null), "no route while down");
        eth0.setUp(true);

        Route r2 = ip.route(Ip4Address.parse("192.168.5.5"), null, null);
        assertEquals(Ip4Address.parse("192.168.5.5"), r2.nextHop(), "no gateway: the default netif, on-link");
        eth0.ip4().setGateway(Ip4Address.parse("10.0.0.254"));
        assertTrue(ip.stale(r2));
        Route r3 = ip.route(Ip4Address.parse("192.168.5.5"), null, null);
        assertEquals(Ip4Address.parse("10.0.0.254"), r3.nextHop());

        stack.ipv4().routes().add(new StaticRoute(IpPrefix.parse("192.168.0.0/16"), Ip4Address.parse("10.0.0.253"), eth0));
        assertTrue(ip.stale(r3));
        assertEquals(Ip4Address.parse("10.0.0.253"), ip.route(Ip4Address.parse("192.168.5.5"), null, null).nextHop());

        Route r4 = ip.route(peer, null, null);
        eth0.ip4().set(Ip4Interface.parse("10.0.0.2/24"));
        assertTrue(ip.stale(r4));
        assertEquals(Ip4Address.parse("10.0.0.2"), ip.route(peer, null, null).local());

        Route r5 = ip.route(peer, null, null);
        stack.netifs().setDefault(null);
        assertTrue(ip.stale(r5));
    }

    @Test
    void aPcbBoundToAnAddressTheNetifLacksGetsNoRoute() {
        assertNull(stack.ip().route(Ip4Address.parse("10.0.0.9"), Ip4Address.parse("10.9.9.9"), null));
        assertNotNull(stack.ip().route(Ip4Address.parse("10.0.0.9"), Ip4Address.parse("10.0.0.1"), null));
    }

    @Test
    void aPcbReroutesAfterItsRouteWentStale() {
        UdpPcb u = stack.newUdpPcb();
        stack.arp().addStatic(eth0, Ip4Address.parse("10.0.0.9"), org.lwip4j.addr.MacAddress.parse("02:00:00:00:00:09"));
        Pbuf p = data("a");
        assertEquals(Err.OK, u.sendTo(p, Ip4Address.parse("10.0.0.9"), 9));
        eth0.ip4().set(Ip4Interface.parse("10.0.0.3/24"));
        assertEquals(Err.OK, u.sendTo(p, Ip4Address.parse("10.0.0.9"), 9));
        p.free();
        run();
        List<byte[]> frames = eth.drain().stream().map(f -> f.data()).filter(f -> f[23] == 17).toList();
        assertEquals(2, frames.size());
        assertEquals("10.0.0.1", Ip4Address.of(java.util.Arrays.copyOfRange(frames.get(0), 26, 30)).toString());
        assertEquals("10.0.0.3", Ip4Address.of(java.util.Arrays.copyOfRange(frames.get(1), 26, 30)).toString(),
                "the new source address: the cached route was stale");
    }

    @Test
    void registriesRefuseASecondRegistration() {
        assertThrows(IllegalStateException.class, () -> stack.ip().registerTransport(17, (p, i) -> p.free(), null));
        assertThrows(IllegalStateException.class, () -> stack.ip().addFamily(stack.ipv4()));
        assertThrows(IllegalStateException.class, () -> stack.netifs().ethernet().register(0x0800, (n, p, b) -> p.free()));
        assertThrows(IllegalStateException.class, () -> stack.netifs().ethernet().register(0x0806, (n, p, b) -> p.free()));
        assertThrows(IllegalStateException.class, () -> stack.netifs().ethernet().registerResolver(4, (n, p, h) -> Err.OK));
        assertThrows(IllegalStateException.class, () -> stack.netifs().ipLink().register(4, (n, p, b) -> p.free()));
        assertThrows(IllegalStateException.class, () -> stack.ip().setRawInput((p, i) -> RawInput.NONE));
        assertThrows(IllegalArgumentException.class, () -> stack.netifs().ethernet().register(0x05dc, (n, p, b) -> p.free()),
                "a length, not an EtherType");
    }

    @Test
    void aNewEtherTypeCanBePluggedIn() {
        List<Integer> seen = new ArrayList<>();
        stack.netifs().ethernet().register(0x88b5, (n, p, b) -> {
            seen.add(p.totalLength());
            p.free();
        });
        eth.inject(Packets.ethernet(eth0.mac().bits(), PEER_MAC, 0x88b5, new byte[50]));
        run();
        assertEquals(List.of(50), seen);
    }

    @Test
    void aStackWithoutUdpHasNoUdpPcbsAndAnswersProtocolUnreachable() {
        Stack noUdp = Stack.create(StackConfig.builder().randomSeed(6).udpEnabled(false).build(), clock);
        CaptureDriver tun = new CaptureDriver(LinkType.IP, 1500);
        Netif n = noUdp.addNetif(tun, "tun0");
        n.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        n.setUp(true);
        assertThrows(IllegalStateException.class, noUdp::newUdpPcb);
        tun.inject(Packets.ipv4(17, "10.0.0.9", "10.0.0.1", 64, 0, Packets.udp(5, 6, new byte[4])));
        for (int i = 0; i < 4; i++) {
            noUdp.poll(clock.nanoTime());
        }
        byte[] out = tun.poll().data();
        assertEquals(3, out[20], "destination unreachable");
        assertEquals(2, out[21], "protocol unreachable");
    }

    @Test
    void aFamilyTheStackLacksIsAProgrammingError() {
        // Since IPv6 landed a default stack has both families: the IPv6-less stack is configured.
        Stack v4only = Stack.create(StackConfig.builder().randomSeed(7).lwipIpv6(false).build(), clock);
        assertNull(v4only.ip().family(6));
        assertThrows(IllegalStateException.class, v4only::ipv6);
        UdpPcb u = v4only.newUdpPcb();
        assertThrows(IllegalArgumentException.class, () -> u.bind(org.lwip4j.addr.Ip6Address.parse("2001:db8::1"), 5));
        Pbuf p = v4only.pbuf("x".getBytes());
        assertThrows(IllegalArgumentException.class, () -> u.sendTo(p, org.lwip4j.addr.Ip6Address.parse("2001:db8::1"), 5));
        p.free();
        assertNull(v4only.ip().route(org.lwip4j.addr.Ip6Address.parse("2001:db8::1"), null, null));
        u.close();
        org.lwip4j.raw.RawPcb r = v4only.newRawPcb(17);
        assertThrows(IllegalArgumentException.class, () -> r.connect(org.lwip4j.addr.Ip6Address.parse("2001:db8::1")));
        assertEquals("RAW proto 17 0.0.0.0", r.toString(), "left unconnected");
        r.connect(org.lwip4j.addr.Ip4Address.parse("10.0.0.9"));
        assertEquals("RAW proto 17 0.0.0.0 -> 10.0.0.9", r.toString());
        r.close();
        v4only.close();
    }

    @Test
    void manyConnectedPcbsOnOnePortEachGetTheirOwnDatagrams() {
        Stack big = Stack.create(StackConfig.builder().randomSeed(8).memNumUdpPcb(20_000).build(), clock);
        CaptureDriver tun = new CaptureDriver(LinkType.IP, 1500);
        Netif n = big.addNetif(tun, "tun0");
        n.ip4().set(Ip4Interface.parse("10.0.0.1/8"));
        n.setUp(true);
        int count = 10_000;
        int[] hits = new int[count];
        for (int i = 0; i < count; i++) {
            UdpPcb u = big.newUdpPcb();
            u.setReuseAddress(true);
            assertEquals(Err.OK, u.bind(Ip4Address.ANY, 4000));
            assertEquals(Err.OK, u.connect(Ip4Address.of(0x0a010000 + i), 5000 + (i & 7)));
            int me = i;
            u.onReceive((pcb, p, src, port, netif) -> {
                hits[me]++;
                p.free();
            });
        }
        UdpPcb wildcard = big.newUdpPcb();
        wildcard.setReuseAddress(true);
        wildcard.bind(Ip4Address.ANY, 4000);
        int[] wild = new int[1];
        wildcard.onReceive((pcb, p, src, port, netif) -> {
            wild[0]++;
            p.free();
        });
        for (int i : new int[] {0, 1, 4321, count - 1}) {
            String src = Ip4Address.of(0x0a010000 + i).toString();
            tun.inject(Packets.ipv4(17, src, "10.0.0.1", 64, 0, Packets.udp(5000 + (i & 7), 4000, new byte[1])));
        }
        tun.inject(Packets.ipv4(17, "10.1.0.5", "10.0.0.1", 64, 0, Packets.udp(4999, 4000, new byte[1])));
        for (int i = 0; i < 4; i++) {
            big.poll(clock.nanoTime());
        }
        assertEquals(1, hits[0]);
        assertEquals(1, hits[1]);
        assertEquals(1, hits[4321]);
        assertEquals(1, hits[count - 1]);
        assertEquals(4, java.util.Arrays.stream(hits).sum());
        assertEquals(1, wild[0], "the wrong source port reaches only the unconnected pcb");
        assertNotEquals(0, big.udp().pcbs().size());
    }
}
