package org.lwip4j.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpPrefix;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/** A {@link RouteTable} on its own: longest prefix, the usable-netif rule, and the generation bumped by every change. */
class RouteTableLookupTest {
    private Stack stack;
    private Netif a;
    private Netif b;
    private RouteTable v4;
    private RouteTable v6;

    @BeforeEach
    void setUp() {
        stack = Stack.create(StackConfig.builder().randomSeed(1).build(), new VirtualClock());
        a = stack.addNetif(new CaptureDriver(LinkType.IP, 1500), "a");
        b = stack.addNetif(new CaptureDriver(LinkType.IP, 1500), "b");
        a.setUp(true);
        b.setUp(true);
        v4 = new RouteTable(stack.ip(), 4);
        v6 = new RouteTable(stack.ip(), 6);
    }

    private static int dst(String s) {
        return Ip4Address.parse(s).bits();
    }

    private static StaticRoute route(String prefix, Netif n) {
        IpPrefix p = IpPrefix.parse(prefix);
        return new StaticRoute(p, p.version() == 4 ? Ip4Address.ANY : Ip6Address.ANY, n);
    }

    @Test
    void theLongestMatchingPrefixWinsWhateverTheOrderAdded() {
        StaticRoute all = route("0.0.0.0/0", a);
        StaticRoute net = route("10.1.0.0/16", b);
        StaticRoute host = route("10.1.2.3/32", a);
        StaticRoute mid = route("10.1.2.0/24", b);
        for (StaticRoute r : List.of(all, net, host, mid)) {
            v4.add(r);
        }
        assertSame(host, v4.lookup4(dst("10.1.2.3"), -1, null));
        assertSame(mid, v4.lookup4(dst("10.1.2.4"), -1, null));
        assertSame(net, v4.lookup4(dst("10.1.3.4"), -1, null));
        assertSame(all, v4.lookup4(dst("192.0.2.1"), -1, null));
        assertSame(all, v4.lookup4(dst("10.2.0.1"), -1, null), "10.2 is outside 10.1/16");
    }

    @Test
    void onlyPrefixesLongerThanTheLeastLengthCount() {
        StaticRoute all = route("0.0.0.0/0", a);
        StaticRoute net = route("10.1.0.0/16", b);
        v4.add(all);
        v4.add(net);
        assertSame(all, v4.lookup4(dst("192.0.2.1"), -1, null));
        assertNull(v4.lookup4(dst("192.0.2.1"), 0, null), "a /0 is not longer than 0");
        assertSame(net, v4.lookup4(dst("10.1.0.1"), 15, null));
        assertNull(v4.lookup4(dst("10.1.0.1"), 16, null), "a /16 is not longer than 16");
    }

    @Test
    void aRouteThroughANetifThatIsDownOrLinkDownIsSkipped() {
        StaticRoute viaA = route("10.0.0.0/8", a);
        StaticRoute viaB = route("10.1.0.0/16", b);
        v4.add(viaA);
        v4.add(viaB);
        assertSame(viaB, v4.lookup4(dst("10.1.0.1"), -1, null));
        b.setUp(false);
        assertSame(viaA, v4.lookup4(dst("10.1.0.1"), -1, null));
        b.setUp(true);
        b.setLinkUp(false);
        assertSame(viaA, v4.lookup4(dst("10.1.0.1"), -1, null));
        b.setLinkUp(true);
        assertSame(viaB, v4.lookup4(dst("10.1.0.1"), -1, null));
    }

    @Test
    void aGivenNetifLimitsTheRoutesEvenToOnesThatAreDown() {
        StaticRoute viaA = route("10.0.0.0/8", a);
        StaticRoute viaB = route("10.1.0.0/16", b);
        v4.add(viaA);
        v4.add(viaB);
        assertSame(viaA, v4.lookup4(dst("10.1.0.1"), -1, a));
        b.setUp(false);
        assertSame(viaB, v4.lookup4(dst("10.1.0.1"), -1, b), "the caller named the netif");
        assertNull(v4.lookup4(dst("11.0.0.1"), -1, a));
    }

    @Test
    void ipv6RoutesAreLookedUpByTheirOwnAddresses() {
        StaticRoute doc = route("2001:db8::/32", a);
        StaticRoute sub = route("2001:db8:1::/48", b);
        v6.add(doc);
        v6.add(sub);
        Ip6Address x = Ip6Address.parse("2001:db8:1::5");
        Ip6Address y = Ip6Address.parse("2001:db8:2::5");
        assertSame(sub, v6.lookup6(x.hi(), x.lo(), -1, null));
        assertSame(doc, v6.lookup6(y.hi(), y.lo(), -1, null));
        Ip6Address z = Ip6Address.parse("2001:db9::1");
        assertNull(v6.lookup6(z.hi(), z.lo(), -1, null));
        assertThrows(IllegalArgumentException.class, () -> v6.add(route("10.0.0.0/8", a)));
        assertThrows(IllegalArgumentException.class, () -> v4.add(route("2001:db8::/32", a)));
        assertThrows(NullPointerException.class, () -> v4.add(null));
    }

    @Test
    void everyChangeMakesRoutesStaleAndOnlyChanges() {
        Ip ip = stack.ip();
        long g = ip.generation();
        StaticRoute r = route("10.0.0.0/8", a);
        v4.add(r);
        assertEquals(g + 1, ip.generation());
        assertEquals(List.of(r), v4.all());
        assertTrue(v4.remove(r));
        assertEquals(g + 2, ip.generation());
        assertFalse(v4.remove(r), "not there");
        assertEquals(g + 2, ip.generation(), "nothing changed");
        v4.add(route("10.0.0.0/8", a));
        v4.add(route("11.0.0.0/8", b));
        v4.add(route("12.0.0.0/8", a));
        long before = ip.generation();
        v4.removeAll(b);
        assertEquals(before + 1, ip.generation());
        assertEquals(List.of("10.0.0.0/8", "12.0.0.0/8"), v4.all().stream().map(x -> x.prefix().toString()).toList());
        v4.removeAll(b);
        assertEquals(before + 1, ip.generation(), "no route through b left: nothing changed");
        assertThrows(UnsupportedOperationException.class, () -> v4.all().clear());
    }

    @Test
    void aGatewayIsOfTheFamilyOfThePrefix() {
        assertTrue(new StaticRoute(IpPrefix.parse("0.0.0.0/0"), Ip4Address.parse("10.0.0.254"), a).hasGateway());
        assertFalse(route("0.0.0.0/0", a).hasGateway());
        assertThrows(IllegalArgumentException.class,
                () -> new StaticRoute(IpPrefix.parse("0.0.0.0/0"), Ip6Address.parse("fe80::1"), a));
    }
}
