package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.lwip4j.ipv6.Packets6.cat;
import static org.lwip4j.ipv6.Packets6.ethernet;
import static org.lwip4j.ipv6.Packets6.hex;
import static org.lwip4j.ipv6.Packets6.icmpv6;
import static org.lwip4j.ipv6.Packets6.ipv6;
import static org.lwip4j.ipv6.Packets6.udp;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/**
 * IPv6 output (RFC 8200 §3) and routing (RFC 4861 §5.2, RFC 4007 zones) seen on a capturing
 * netif: the header written into a payload without header room, the length limit, whole
 * packets from raw pcbs checked and routed, ::1 never leaving the node (RFC 4291 §2.5.3),
 * which netif a scoped destination leaves by, and source selection (RFC 6724 §5).
 */
class Ipv6OutputTest {
    private static final String US = "2001:db8::1";
    private static final String PEER = "2001:db8::9";
    private static final long PEER_MAC = 0x0200_0000_0009L;

    private final VirtualClock clock = new VirtualClock();
    private Stack stack;
    private CaptureDriver wire;
    private CaptureDriver wire2;
    private Netif netif;
    private Netif n2;

    @BeforeEach
    void setUp() {
        stack = Stack.create(StackConfig.builder().randomSeed(3).ip6LinkLocal(false).lwipIpv6DupDetectAttempts(0)
                .maxRtrSolicitations(0).build(), clock);
        wire = new CaptureDriver();
        netif = stack.addNetif(wire, "eth0");
        netif.setFlags(Netif.FLAG_MLD6, 0);
        netif.setUp(true);
        netif.ip6().add(Ip6Address.parse(US), 64);
        wire2 = new CaptureDriver();
        n2 = stack.addNetif(wire2, "eth1");
        n2.setFlags(Netif.FLAG_MLD6, 0);
        n2.setUp(true);
        n2.ip6().add(Ip6Address.parse("2001:db8:2::1"), 64);
        stack.netifs().setDefault(netif);
        // The peer's MAC is known on eth0.
        wire.inject(ethernet(netif.mac().bits(), PEER_MAC, ipv6(58, PEER, US, 255,
                icmpv6(135, 0, 0, cat(Ip6Address.parse(US).toBytes(), hex("0101020000000009")), PEER, US))));
        run();
        wire.clear();
        wire2.clear();
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private void run() {
        for (int i = 0; i < 5; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    @Test
    void aPayloadWithoutHeaderRoomGetsAHeaderBufferAndIsLeftAsItWas() {
        byte[] data = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        Pbuf p = Pbuf.copyOf(data, 0);
        Ip6Address us = Ip6Address.parse(US);
        Ip6Address peer = Ip6Address.parse(PEER);
        assertEquals(Err.OK, stack.ipv6().output(p, us.hi(), us.lo(), peer.hi(), peer.lo(), 253, 17, 0xb8, netif, peer, false));
        assertEquals(9, p.totalLength(), "the caller's pbuf is unchanged");
        assertArrayEquals(data, p.toByteArray());
        p.free();
        byte[] f = wire.poll().data();
        byte[] ip = Arrays.copyOfRange(f, 14, f.length);
        assertEquals(0x6b, ip[0] & 0xff, "version 6, traffic class 0xb8");
        assertEquals(0x80, ip[1] & 0xff);
        assertEquals(9, ip[5]);
        assertEquals(253, ip[6] & 0xff);
        assertEquals(17, ip[7]);
        assertEquals(us, Ip6Address.of(Arrays.copyOfRange(ip, 8, 24), 0));
        assertEquals(peer, Ip6Address.of(Arrays.copyOfRange(ip, 24, 40), 0));
        assertArrayEquals(data, Arrays.copyOfRange(ip, 40, 49));
    }

    @Test
    void aPayloadAbove65535BytesIsALengthError() {
        Pbuf p = stack.context().pbufs().allocRam(org.lwip4j.buffer.Layer.TRANSPORT, 65536);
        Ip6Address us = Ip6Address.parse(US);
        long lenerr = stack.stats().ip6.lenerr;
        assertEquals(Err.VAL, stack.ipv6().output(p, us.hi(), us.lo(), us.hi(), 9, 17, 64, 0, netif, us, false));
        assertEquals(lenerr + 1, stack.stats().ip6.lenerr);
        p.free();
        assertEquals(0, wire.count());
    }

    @Test
    void wholePacketsAreCheckedAndLoopbackAddressesNeverLeave() {
        Pbuf bad = stack.pbuf(new byte[39]);
        assertEquals(Err.VAL, stack.ip().outputPacket(bad, netif), "shorter than a header");
        bad.free();
        byte[] lying = ipv6(17, US, PEER, 64, udp(1, 2, new byte[4], US, PEER));
        lying[5] += 1;
        Pbuf l = stack.pbuf(lying);
        assertEquals(Err.VAL, stack.ip().outputPacket(l, netif), "a payload length beyond the bytes");
        l.free();
        long rterr = stack.stats().ip6.rterr;
        for (String[] sd : new String[][] {{US, "::1"}, {"::1", PEER}}) {
            Pbuf p = stack.pbuf(ipv6(17, sd[0], sd[1], 64, udp(1, 2, new byte[4], sd[0], sd[1])));
            assertEquals(Err.RTE, stack.ip().outputPacket(p, netif), sd[0] + " -> " + sd[1]);
            p.free();
        }
        assertEquals(rterr + 2, stack.stats().ip6.rterr);
        // No route (off-link, no router): RTE, counted.
        Pbuf far = stack.pbuf(ipv6(17, US, "2001:db8:77::1", 64, udp(1, 2, new byte[4], US, "2001:db8:77::1")));
        assertEquals(Err.RTE, stack.ip().outputPacket(far, null));
        far.free();
        assertEquals(rterr + 3, stack.stats().ip6.rterr);
        assertEquals(0, wire.count());
        // Routed by its destination when no netif is given: out of eth1 for eth1's prefix.
        Pbuf ok = stack.pbuf(ipv6(17, "2001:db8:2::1", "2001:db8:2::9", 64,
                udp(1, 2, new byte[4], "2001:db8:2::1", "2001:db8:2::9")));
        assertEquals(Err.OK, stack.ip().outputPacket(ok, null));
        ok.free();
        run();
        assertEquals(0, wire.count());
        assertEquals(135, wire2.poll().data()[14 + 40] & 0xff, "eth1 resolves the neighbour first");
    }

    @Test
    void scopedDestinationsLeaveByTheirZoneTheSourcesZoneOrTheDefaultNetif() {
        Ipv6 ip = stack.ipv6();
        Ip6Address ll = Ip6Address.parse("fe80::9");
        Ip6Address group = Ip6Address.parse("ff02::1:3");
        assertSame(n2, ip.route(ll.withZone(n2.index()), null));
        assertSame(n2, ip.route(group.withZone(n2.index()), null));
        assertSame(n2, ip.route(group, Ip6Address.parse("fe80::1").withZone(n2.index())), "the source's zone");
        assertSame(netif, ip.route(ll, null), "no zone: the default netif");
        assertSame(netif, ip.route(Ip6Address.parse("ff01::1"), null), "interface-local scope is scoped too");
        assertSame(netif, ip.route(Ip6Address.parse("ff05::1:3"), null), "site scope: routed, to the default netif");
        n2.setUp(false);
        assertNull(ip.route(ll.withZone(n2.index()), null), "a zone whose netif is down");
        assertNull(ip.route(group, Ip6Address.parse("fe80::1").withZone(n2.index())));
        assertSame(stack.netifs().loopbackNetif(), ip.route(Ip6Address.parse("::1"), null));
    }

    @Test
    void sourceSelectionPrefersTheRightScopeThenNotDeprecatedThenTheLongestMatch() {
        Ipv6 ip = stack.ipv6();
        netif.ip6().add(Ip6Address.parse("fe80::1"), 64);
        netif.ip6().add(Ip6Address.parse("2001:db8:0:1::1"), 64);
        run();
        assertEquals(Ip6Address.parse(US), ip.selectSource(netif, Ip6Address.parse("2001:db8::99")), "rule 8: longest match");
        assertEquals(Ip6Address.parse("2001:db8:0:1::1"), ip.selectSource(netif, Ip6Address.parse("2001:db8:0:1::99")));
        assertEquals(Ip6Address.parse("fe80::1"), ip.selectSource(netif, Ip6Address.parse("fe80::99")).withZone(0),
                "rule 2: link-local for a link-local destination");
        assertEquals(Ip6Address.parse(US), ip.selectSource(netif, Ip6Address.parse("2001:db9::1")), "rule 2: global for global");
        assertEquals(Ip6Address.parse(US), ip.selectSource(netif, Ip6Address.parse(US)), "rule 1: the destination itself");
        netif.ip6().setState(Ip6Address.parse(US), Ip6Addresses.State.DEPRECATED);
        assertEquals(Ip6Address.parse("2001:db8:0:1::1"), ip.selectSource(netif, Ip6Address.parse("2001:db8::99")),
                "rule 3 before rule 8");
    }

    @Test
    void icmpWithoutARouteIsARoutingError() {
        Pbuf m = stack.pbuf(icmpv6(128, 0, 1, new byte[4], US, "2001:db8:77::1"));
        long rterr = stack.stats().ip6.rterr;
        assertEquals(Err.RTE, stack.ipv6().sendIcmp(m, Ip6Address.parse("2001:db8:77::1"), null, 64, 0, null));
        assertEquals(rterr + 1, stack.stats().ip6.rterr);
        m.free();
    }
}
