package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpPrefix;
import org.lwip4j.ip.Route;
import org.lwip4j.ip.StaticRoute;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.SimNet;

/** IPv4 route selection (RFC 1122 §3.3.1): netif, source address, next hop, broadcast and MTU of a route. */
class Ipv4RouteTest {
    private final Stack stack = Stack.create(StackConfig.builder().randomSeed(19).build(), new VirtualClock());
    private final Netif wide = SimNet.attach(stack, new CaptureDriver(LinkType.IP, 1500), "wide", "10.0.0.1/24");
    private final Netif narrow = SimNet.attach(stack, new CaptureDriver(LinkType.IP, 1400), "narrow", "10.0.0.129/25");

    @AfterEach
    void tearDown() {
        stack.close();
    }

    private static Ip4Address ip(String s) {
        return Ip4Address.parse(s);
    }

    private Route route(String dst) {
        return stack.ip().route(ip(dst), Ip4Address.ANY, null);
    }

    private String describe(Route r) {
        return r.netif().name() + " from " + r.local() + " via " + r.nextHop() + " mtu " + r.mtu() + (r.broadcast() ? " broadcast" : "");
    }

    @Test
    void theLongestConnectedPrefixWinsAndAnOwnAddressIsItsNetifs() {
        assertEquals("narrow from 10.0.0.129 via 10.0.0.200 mtu 1400", describe(route("10.0.0.200")));
        assertEquals("wide from 10.0.0.1 via 10.0.0.5 mtu 1500", describe(route("10.0.0.5")));
        assertEquals("narrow from 10.0.0.129 via 10.0.0.129 mtu 1400", describe(route("10.0.0.129")));
        assertEquals("wide from 10.0.0.1 via 10.0.0.1 mtu 1500", describe(route("10.0.0.1")));
        assertEquals("narrow from 10.0.0.129 via 10.0.0.255 mtu 1400", describe(route("10.0.0.255")),
                "the /24's broadcast address lies in the /25, which is longer");
        assertEquals("wide from 10.0.0.1 via 10.0.0.127 mtu 1500", describe(route("10.0.0.127")));
    }

    @Test
    void aLongerStaticRouteBeatsAConnectedSubnetAndItsGatewayIsTheNextHop() {
        stack.ipv4().routes().add(new StaticRoute(IpPrefix.parse("10.0.0.0/26"), ip("10.0.0.130"), narrow));
        stack.ipv4().routes().add(new StaticRoute(IpPrefix.parse("10.0.0.0/24"), ip("10.0.0.131"), narrow));
        assertEquals("narrow from 10.0.0.129 via 10.0.0.130 mtu 1400", describe(route("10.0.0.5")));
        assertEquals("wide from 10.0.0.1 via 10.0.0.70 mtu 1500", describe(route("10.0.0.70")), "a /24 is not longer");
    }

    @Test
    void offLinkTrafficGoesToTheDefaultNetifsGatewayUnlessItIsDown() {
        stack.netifs().setDefault(narrow);
        assertEquals("narrow from 10.0.0.129 via 192.0.2.1 mtu 1400", describe(route("192.0.2.1")), "no gateway: direct");
        narrow.ip4().setGateway(ip("10.0.0.254"));
        assertEquals("narrow from 10.0.0.129 via 10.0.0.254 mtu 1400", describe(route("192.0.2.1")));
        assertEquals("narrow from 10.0.0.129 via 255.255.255.255 mtu 1400 broadcast", describe(route("255.255.255.255")));
        assertEquals("narrow from 10.0.0.129 via 224.0.0.9 mtu 1400", describe(route("224.0.0.9")));
        narrow.setUp(false);
        assertNull(route("192.0.2.1"));
        assertEquals(1, stack.stats().ip.rterr);
    }

    @Test
    void theSourceIsTheAddressOnTheDestinationsSubnetElseThePrimary() {
        wide.ip4().add(Ip4Interface.parse("10.5.0.1/16"));
        assertEquals(ip("10.5.0.1"), route("10.5.3.3").local());
        stack.netifs().setDefault(wide);
        assertEquals(ip("10.0.0.1"), route("192.0.2.1").local());
    }

    @Test
    void aGivenLocalAddressMustBeOnTheOutgoingNetif() {
        assertEquals(ip("10.0.0.1"), stack.ip().route(ip("10.0.0.5"), ip("10.0.0.1"), null).local());
        assertNull(stack.ip().route(ip("10.0.0.5"), ip("10.0.0.129"), null));
        assertEquals(0, stack.stats().ip.rterr, "the transport counts that, not IP");
        assertEquals(ip("10.0.0.1"), stack.ip().route(ip("10.0.0.5"), ip("224.0.0.1"), null).local(), "a group is no source");
        assertEquals("narrow", stack.ip().route(ip("10.0.0.5"), Ip4Address.ANY, narrow).netif().name(), "a given netif");
    }
}
