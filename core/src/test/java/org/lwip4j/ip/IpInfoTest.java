package org.lwip4j.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/** {@link IpInfo} reused for packets of both families: addresses, zones, hashes and pseudo-headers follow the last set. */
class IpInfoTest {
    private final Stack stack = Stack.create(StackConfig.builder().randomSeed(12).build(), new VirtualClock());
    private final Netif tun = stack.addNetif(new CaptureDriver(LinkType.IP, 1500), "tun0");
    private final Pbuf packet = stack.pbuf(new byte[40]);
    private final IpInfo info = new IpInfo();

    @AfterEach
    void tearDown() {
        packet.free();
        stack.close();
    }

    private void set6(String src, String dst) {
        Ip6Address s = Ip6Address.parse(src);
        Ip6Address d = Ip6Address.parse(dst);
        info.set6(tun, packet, s.hi(), s.lo(), d.hi(), d.lo(), 40, 17, 64, 0, d.isMulticast(), true, 2);
    }

    @Test
    void theAddressesFollowTheFamilyOfTheLastPacket() {
        Ip4Address a = Ip4Address.parse("10.0.0.9");
        Ip4Address b = Ip4Address.parse("10.0.0.1");
        info.set4(tun, packet, a.bits(), b.bits(), 20, 6, 33, 0x10, true, false, true, 4);
        assertEquals(a, info.src());
        assertEquals(b, info.dst());
        assertTrue(info.srcIs(a));
        assertFalse(info.srcIs(b));
        assertTrue(info.dstIs(b));
        assertFalse(info.dstIs(a));
        assertEquals(4, info.version());
        assertEquals(20, info.headerLen());
        assertEquals(6, info.protocol());
        assertEquals(33, info.ttl());
        assertEquals(0x10, info.tos());
        assertTrue(info.isBroadcast());
        assertFalse(info.isMulticast());
        assertTrue(info.isLinkBroadcast());
        assertEquals(4, info.headerOffset());
        assertSame(packet, info.packet());
        assertSame(tun, info.netif());
        assertEquals(a.bits(), info.srcHash32());
        assertEquals(Checksum.pseudoHeaderV4(a.bits(), b.bits(), 17, 12), info.pseudoHeader(17, 12));

        set6("2001:db8::9", "2001:db8::1");
        Ip6Address s6 = Ip6Address.parse("2001:db8::9");
        Ip6Address d6 = Ip6Address.parse("2001:db8::1");
        assertEquals(s6, info.src());
        assertEquals(d6, info.dst());
        assertTrue(info.srcIs(s6));
        assertFalse(info.srcIs(a), "an IPv4 address never matches an IPv6 packet");
        assertFalse(info.dstIs(b));
        assertFalse(info.dstIs(s6));
        assertFalse(info.isBroadcast(), "IPv6 has no broadcast");
        assertEquals(6, info.version());
        assertEquals(IpInfo.hash32(s6), info.srcHash32());
        assertEquals(Checksum.pseudoHeaderV6(s6.hi(), s6.lo(), d6.hi(), d6.lo(), 17, 12), info.pseudoHeader(17, 12));

        info.set4(tun, packet, b.bits(), a.bits(), 20, 6, 33, 0, false, false, false, 0);
        assertEquals(b, info.src(), "not the IPv6 address of the packet before");
        assertFalse(info.srcIs(s6));
        info.clear();
        assertNull(info.packet());
        assertNull(info.netif());
    }

    @Test
    void linkLocalAndLinkScopeMulticastAddressesCarryTheArrivalNetifAsZone() {
        set6("fe80::9", "ff02::1");
        assertEquals(tun.index(), ((Ip6Address) info.src()).zone());
        assertEquals(tun.index(), ((Ip6Address) info.dst()).zone());
        assertTrue(info.isMulticast());
        set6("2001:db8::9", "ff05::1");
        assertEquals(0, ((Ip6Address) info.src()).zone());
        assertEquals(0, ((Ip6Address) info.dst()).zone(), "site scope: no zone");
        set6("febf::1", "fec0::1");
        assertEquals(tun.index(), ((Ip6Address) info.src()).zone(), "fe80::/10 ends at febf");
        assertEquals(0, ((Ip6Address) info.dst()).zone());
        Ip6Address s = Ip6Address.parse("fe80::9");
        info.set6(null, packet, s.hi(), s.lo(), s.hi(), s.lo(), 40, 17, 64, 0, false, false, 0);
        assertEquals(0, ((Ip6Address) info.src()).zone(), "no netif, no zone");
    }

    @Test
    void ipv6HashesSpreadOverBothHalves() {
        int a = IpInfo.hash32(Ip6Address.parse("2001:db8::1"));
        int b = IpInfo.hash32(Ip6Address.parse("2001:db8::2"));
        int c = IpInfo.hash32(Ip6Address.parse("2001:db9::1"));
        int d = IpInfo.hash32(Ip6Address.parse("::1:0:0:1"));
        assertTrue(a != b && a != c && b != c && a != d, a + " " + b + " " + c + " " + d);
        assertEquals(0x0a000001, IpInfo.hash32(Ip4Address.parse("10.0.0.1")));
    }
}
