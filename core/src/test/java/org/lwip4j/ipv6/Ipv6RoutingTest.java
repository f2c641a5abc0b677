package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.ipv6.Packets6.ipv6;
import static org.lwip4j.ipv6.Packets6.udp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.addr.IpPrefix;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.IcmpError;
import org.lwip4j.ip.IpOutput;
import org.lwip4j.ip.Route;
import org.lwip4j.ip.StaticRoute;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifListener;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.udp.UdpPcb;

/** IPv6 routing, source address selection, address lifetimes, loopback, rate limiting, local Packet Too Big. */
class Ipv6RoutingTest {
    private final VirtualClock clock = new VirtualClock();
    private Stack stack;
    private CaptureDriver wire;
    private Netif netif;

    private void setUp(Consumer<StackConfig.Builder> tweak) {
        StackConfig.Builder b = StackConfig.builder().randomSeed(4).ip6LinkLocal(false).lwipIpv6DupDetectAttempts(0);
        tweak.accept(b);
        stack = Stack.create(b.build(), clock);
        wire = new CaptureDriver();
        netif = stack.addNetif(wire, "eth0");
        // This test counts frames on the wire; MLD reports are MldTest's (lwIP: no NETIF_FLAG_MLD6).
        netif.setFlags(Netif.FLAG_MLD6, 0);
        netif.setUp(true);
        stack.netifs().setDefault(netif);
    }

    @AfterEach
    void close() {
        if (stack != null) {
            stack.close();
        }
    }

    private void run() {
        for (int i = 0; i < 10; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    private static Ip6Address a(String s) {
        return Ip6Address.parse(s);
    }

    private String source(String dst) {
        Ip6Address s = stack.ipv6().selectSource(netif, a(dst));
        return s == null ? null : s.withZone(0).toString();
    }

    @Test
    void sourceSelectionFollowsRfc6724Rules1238() {
        setUp(b -> { });
        netif.ip6().add(a("fe80::1"), 64);
        netif.ip6().add(a("2001:db8::1"), 64);
        netif.ip6().add(a("2001:db8:1::1"), 64, null, Duration.ZERO);
        netif.ip6().add(a("2001:db8:1::2"), 64);
        assertEquals(Ip6Addresses.State.DEPRECATED, netif.ip6().find(a("2001:db8:1::1")).state());
        assertEquals("2001:db8:1::1", source("2001:db8:1::1"), "rule 1: the destination itself, even deprecated");
        assertEquals("fe80::1", source("fe80::9"), "rule 2: link-local for a link-local destination");
        assertEquals("fe80::1", source("ff02::1"), "rule 2: link scope for a link-scope group");
        assertEquals("2001:db8:1::2", source("2001:db8:1::99"), "rule 3 before rule 8");
        assertEquals("2001:db8::1", source("2001:db8::5"), "rule 8: longest matching prefix");
        assertEquals("2001:db8:1::2", source("2001:db8:1:8000::5"), "rule 8");
        netif.ip6().setState(a("2001:db8:1::2"), Ip6Addresses.State.DUPLICATE);
        assertEquals("2001:db8::1", source("2001:db8:1::99"), "never a duplicate address");
    }

    @Test
    void addressLifetimesDeprecateThenRemoveAndListenersHear() {
        setUp(b -> { });
        List<String> heard = new ArrayList<>();
        stack.netifs().addListener(new NetifListener() {
            @Override
            public void addressChanged(Netif n, IpAddress oldAddr, IpAddress newAddr) {
                heard.add(oldAddr + ">" + newAddr + (newAddr == null ? "" : " " + n.ip6().find((Ip6Address) newAddr).state()));
            }
        });
        netif.ip6().add(a("2001:db8::5"), 64, Duration.ofSeconds(10), Duration.ofSeconds(4));
        assertTrue(netif.hasAddress(a("2001:db8::5")));
        clock.advance(Duration.ofMillis(3999));
        run();
        assertEquals(Ip6Addresses.State.PREFERRED, netif.ip6().find(a("2001:db8::5")).state());
        clock.advance(Duration.ofMillis(1));
        run();
        assertEquals(Ip6Addresses.State.DEPRECATED, netif.ip6().find(a("2001:db8::5")).state());
        assertTrue(netif.hasAddress(a("2001:db8::5")), "deprecated is still valid");
        clock.advance(Duration.ofSeconds(6));
        run();
        assertNull(netif.ip6().find(a("2001:db8::5")), "invalid: removed");
        assertEquals(List.of("null>2001:db8::5 PREFERRED", "2001:db8::5>2001:db8::5 DEPRECATED", "2001:db8::5>null"), heard);
    }

    @Test
    void aRemovedNetifsAddressesAgeNoMore() {
        setUp(b -> { });
        netif.ip6().add(a("2001:db8::5"), 64, Duration.ofSeconds(10), Duration.ofSeconds(4));
        List<String> heard = new ArrayList<>();
        stack.netifs().addListener(new NetifListener() {
            @Override
            public void addressChanged(Netif n, IpAddress oldAddr, IpAddress newAddr) {
                heard.add(oldAddr + ">" + newAddr);
            }
        });
        int timers = stack.context().timers().pending();
        stack.netifs().remove(netif);
        assertTrue(stack.context().timers().pending() <= timers - 2, "both lifetime timers stopped");
        clock.advance(Duration.ofSeconds(20));
        run();
        assertEquals(List.of(), heard);
    }

    /** The NS target of the first captured frame (what the stack resolves). */
    private String resolving() {
        byte[] f = wire.poll().data();
        assertEquals(135, f[14 + 40] & 0xff);
        byte[] t = java.util.Arrays.copyOfRange(f, 14 + 48, 14 + 64);
        return Ip6Address.of(t, 0).toString();
    }

    @Test
    void offLinkTrafficGoesToTheDefaultRouterOrAStaticRoutesGateway() {
        setUp(b -> { });
        netif.ip6().add(a("2001:db8::1"), 64);
        netif.ip6().add(a("fe80::1"), 64);
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 5000);
        Pbuf p = stack.pbuf(new byte[4]);
        assertEquals(Err.RTE, pcb.sendTo(p, a("2001:db8:99::1"), 7), "off-link without a router");
        netif.ip6().setGateway(a("fe80::fe"));
        assertEquals(Err.OK, pcb.sendTo(p, a("2001:db8:99::1"), 7));
        run();
        assertEquals("fe80::fe", resolving());
        stack.ipv6().routes().add(new StaticRoute(IpPrefix.parse("2001:db8:77::/48"), a("fe80::77"), netif));
        assertEquals(Err.OK, pcb.sendTo(p, a("2001:db8:77::5"), 7));
        run();
        assertEquals("fe80::77", resolving());
        assertEquals(Err.OK, pcb.sendTo(p, a("2001:db8::42"), 7));
        run();
        assertEquals("2001:db8::42", resolving(), "on-link: the destination itself");
        Route r = stack.ip().route(a("2001:db8:77::5"), null, null);
        assertEquals(netif, r.netif());
        assertEquals(a("2001:db8::1"), r.local());
        p.free();
        pcb.close();
    }

    @Test
    void ownAddressesAreLoopedBack() {
        setUp(b -> { });
        netif.ip6().add(a("2001:db8::1"), 64);
        UdpPcb rx = stack.newUdpPcb();
        rx.bind(Ip6Address.ANY, 9);
        List<String> got = new ArrayList<>();
        rx.onReceive((pcb, p, src, port, n) -> {
            got.add(src + " " + new String(p.toByteArray()) + " " + n.name());
            p.free();
        });
        UdpPcb tx = stack.newUdpPcb();
        tx.bind(Ip6Address.ANY, 0);
        Pbuf p = stack.pbuf("me".getBytes());
        assertEquals(Err.OK, tx.sendTo(p, a("2001:db8::1"), 9));
        assertEquals(Err.OK, tx.sendTo(p, Ip6Address.LOOPBACK, 9));
        p.free();
        run();
        assertEquals(List.of("2001:db8::1 me eth0", "::1 me lo"), got);
        assertEquals(0, wire.count(), "nothing on the wire");
        rx.close();
        tx.close();
    }

    @Test
    void errorsAreRateLimited() {
        setUp(b -> b.icmpErrorRate(10).icmpErrorBurst(2));
        netif.ip6().add(a("2001:db8::1"), 64);
        // The peer's address known, so errors leave at once.
        wire.inject(Packets6.ethernet(netif.mac().bits(), 0x0200_0000_0009L, ipv6(58, "2001:db8::9", "ff02::1:ff00:1", 255,
                Packets6.icmpv6(135, 0, 0, Packets6.cat(a("2001:db8::1").toBytes(), Packets6.hex("0101020000000009")),
                        "2001:db8::9", "ff02::1:ff00:1"))));
        run();
        wire.clear();
        for (int i = 0; i < 5; i++) {
            wire.inject(Packets6.ethernet(netif.mac().bits(), 0x0200_0000_0009L,
                    ipv6(17, "2001:db8::9", "2001:db8::1", 64, udp(1, 9, new byte[4], "2001:db8::9", "2001:db8::1"))));
            run();
        }
        assertEquals(2, wire.drain().size(), "the burst");
        clock.advance(Duration.ofMillis(100));
        run();
        wire.inject(Packets6.ethernet(netif.mac().bits(), 0x0200_0000_0009L,
                ipv6(17, "2001:db8::9", "2001:db8::1", 64, udp(1, 9, new byte[4], "2001:db8::9", "2001:db8::1"))));
        run();
        assertEquals(1, wire.drain().stream().filter(f -> (f.data()[14 + 40] & 0xff) == 1).count(), "one token per 100 ms");
    }

    @Test
    void aPacketAboveTheMtuThatMayNotBeFragmentedTellsItsTransport() {
        setUp(b -> { });
        netif.ip6().add(a("2001:db8::1"), 64);
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 5000);
        List<IcmpError> errors = new ArrayList<>();
        pcb.onError(errors::add);
        byte[] seg = udp(5000, 7, new byte[2000], "2001:db8::1", "2001:db8::9");
        Route r = stack.ip().route(a("2001:db8::9"), null, null);
        Pbuf p = stack.pbuf(seg);
        assertEquals(Err.VAL, stack.ip().output(p, r, 17, 64, 0, IpOutput.DONT_FRAGMENT));
        p.free();
        assertEquals(1, errors.size());
        IcmpError e = errors.get(0);
        assertEquals(6, e.version());
        assertEquals(2, e.type());
        assertEquals(1500, e.nextHopMtu());
        assertEquals(7, e.remotePort());
        assertEquals(0, wire.count());
        pcb.close();
    }

    @Test
    void aStackWithoutIpv6DropsIpv6FramesAsAnUnknownProtocol() {
        stack = Stack.create(StackConfig.builder().randomSeed(4).lwipIpv6(false).build(), clock);
        wire = new CaptureDriver();
        netif = stack.addNetif(wire, "eth0");
        // This test counts frames on the wire; MLD reports are MldTest's (lwIP: no NETIF_FLAG_MLD6).
        netif.setFlags(Netif.FLAG_MLD6, 0);
        netif.setUp(true);
        wire.inject(Packets6.ethernet(netif.mac().bits(), 0x0200_0000_0009L,
                ipv6(17, "2001:db8::9", "2001:db8::1", 64, udp(1, 9, new byte[4], "2001:db8::9", "2001:db8::1"))));
        run();
        assertEquals(1, netif.counters().inUnknownProtos);
        assertEquals(0, wire.count());
    }
}
