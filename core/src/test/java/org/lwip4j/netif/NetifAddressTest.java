package org.lwip4j.netif;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.VirtualClock;

/** {@link Netif#hasIp4} and {@link Netif#isBroadcast4} follow every change of the addresses. */
class NetifAddressTest {
    private final StackContext ctx = new StackContext(StackConfig.defaults(), new VirtualClock());
    private final Netif netif = new NetifTable(ctx).add(new CaptureDriver(), "eth0", null);

    private static int ip(String s) {
        return Ip4Address.parse(s).bits();
    }

    @Test
    void addressesAndDirectedBroadcastsFollowSetAddAndRemove() {
        assertFalse(netif.ip4().has(ip("10.0.0.1")));
        assertTrue(netif.ip4().isBroadcast(-1));
        assertTrue(netif.ip4().isBroadcast(0));
        assertFalse(netif.ip4().isBroadcast(ip("10.0.0.255")));

        netif.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        assertTrue(netif.ip4().has(ip("10.0.0.1")));
        assertFalse(netif.ip4().has(ip("10.0.0.2")));
        assertTrue(netif.ip4().isBroadcast(ip("10.0.0.255")));
        assertFalse(netif.ip4().isBroadcast(ip("10.0.1.255")));
        assertFalse(netif.ip4().isBroadcast(ip("10.0.0.254")));

        netif.ip4().add(Ip4Interface.parse("192.168.8.9/16"));
        assertTrue(netif.ip4().has(ip("192.168.8.9")));
        assertTrue(netif.ip4().isBroadcast(ip("192.168.255.255")));
        assertTrue(netif.ip4().isBroadcast(ip("10.0.0.255")));

        netif.ip4().set(Ip4Interface.parse("10.0.0.7/8"));
        assertFalse(netif.ip4().has(ip("10.0.0.1")));
        assertTrue(netif.ip4().has(ip("10.0.0.7")));
        assertFalse(netif.ip4().isBroadcast(ip("10.0.0.255")));
        assertTrue(netif.ip4().isBroadcast(ip("10.255.255.255")));

        assertTrue(netif.ip4().remove(Ip4Address.parse("192.168.8.9")));
        assertFalse(netif.ip4().has(ip("192.168.8.9")));
        assertFalse(netif.ip4().isBroadcast(ip("192.168.255.255")));

        netif.ip4().set(null);
        assertFalse(netif.ip4().has(ip("10.0.0.7")));
        assertFalse(netif.ip4().isBroadcast(ip("10.255.255.255")));
    }

    @Test
    void pointToPointAndHostPrefixesHaveNoDirectedBroadcast() {
        netif.ip4().set(Ip4Interface.parse("10.0.0.0/31"));
        assertFalse(netif.ip4().isBroadcast(ip("10.0.0.1")));
        netif.ip4().add(Ip4Interface.parse("10.9.9.9/32"));
        assertFalse(netif.ip4().isBroadcast(ip("10.9.9.9")));
        assertTrue(netif.ip4().has(ip("10.9.9.9")));
        netif.ip4().add(Ip4Interface.parse("172.16.0.1/30"));
        assertTrue(netif.ip4().isBroadcast(ip("172.16.0.3")));
    }

    @Test
    void withoutTheBroadcastFlagOnlyTheLimitedBroadcastAndZeroAre() {
        netif.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        netif.setFlags(Netif.FLAG_BROADCAST, 0);
        assertFalse(netif.ip4().isBroadcast(ip("10.0.0.255")));
        assertTrue(netif.ip4().isBroadcast(-1));
        assertTrue(netif.ip4().isBroadcast(0));
    }
}
