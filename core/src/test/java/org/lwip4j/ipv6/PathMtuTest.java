package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.ipv6.Packets6.icmpv6;
import static org.lwip4j.ipv6.Packets6.ipv6;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip6Address;

/** Path MTU per destination from Packet Too Big (RFC 8201 §4, §5.2) in the destination cache. */
class PathMtuTest {
    private static final String US = "2001:db8:1::5";
    private Nd6Fixture f;

    @BeforeEach
    void setUp() {
        f = new Nd6Fixture(b -> b.ip6LinkLocal(false).lwipIpv6DupDetectAttempts(0).lwipNd6NumDestinations(4));
        f.netif.ip6().add(Ip6Address.parse(US), 64);
        f.netif.ip6().setGateway(Ip6Address.parse("fe80::1"));
    }

    @AfterEach
    void close() {
        f.close();
    }

    /** A Packet Too Big from a router about a UDP packet from {@code src} to {@code dst}. */
    private void tooBig(String src, String dst, long mtu) {
        byte[] quoted = ipv6(17, src, dst, 64, new byte[8]);
        f.inject(0x0200_00aa_bbccL, Nd6Fixture.ROUTER_MAC, ipv6(58, "2001:db8:ff::1", US, 60,
                icmpv6(2, 0, (int) mtu, quoted, "2001:db8:ff::1", US)));
    }

    private int pmtu(String dst) {
        return f.stack.ipv6().pathMtu(f.netif, Ip6Address.parse(dst));
    }

    @Test
    void theEstimateIsLoweredNeverRaisedNeverBelow1280AndAgesOut() {
        tooBig(US, "2001:db8:9::1", 1400);
        assertEquals(1400, pmtu("2001:db8:9::1"));
        tooBig(US, "2001:db8:9::1", 1450);
        assertEquals(1400, pmtu("2001:db8:9::1"), "a Packet Too Big never raises it");
        tooBig(US, "2001:db8:9::1", 600);
        assertEquals(1280, pmtu("2001:db8:9::1"), "never below the IPv6 minimum");
        tooBig(US, "2001:db8:9::1", 9000);
        assertEquals(1280, pmtu("2001:db8:9::1"));
        f.advance(Duration.ofMinutes(9));
        assertEquals(1280, pmtu("2001:db8:9::1"));
        f.advance(Duration.ofMinutes(1));
        assertEquals(1500, pmtu("2001:db8:9::1"), "RFC 8201 §4: aged out");
        assertEquals(0, f.rd().destinations().size());
    }

    @Test
    void aPacketTooBigAboutAPacketNotOursTeachesNothing() {
        tooBig("2001:db8:1::77", "2001:db8:9::1", 1300);
        assertEquals(1500, pmtu("2001:db8:9::1"));
        assertEquals(0, f.rd().destinations().size());
    }

    @Test
    void theCacheIsBoundedAndDropsTheEntryUsedLongestAgo() {
        for (int i = 1; i <= 50; i++) {
            tooBig(US, "2001:db8:9::" + Integer.toHexString(i), 1300);
            f.advance(Duration.ofMillis(1));
        }
        assertEquals(4, f.rd().destinations().size(), "LWIP_ND6_NUM_DESTINATIONS");
        assertEquals(1300, pmtu("2001:db8:9::32"));
        assertEquals(1500, pmtu("2001:db8:9::1"), "evicted");
    }

    @Test
    void aLocallyTooBigPacketIsFragmentedToThePathMtu() {
        tooBig(US, "2001:db8:9::1", 1300);
        var pcb = f.stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 0);
        // The router's link-layer address known (its NS with SLLAO): the packet leaves at once.
        String sn = Ip6Address.parse(US).solicitedNode().toString();
        f.inject(Ip6Address.parse(US).solicitedNode().multicastMac().bits(), Nd6Fixture.ROUTER_MAC, ipv6(58, "fe80::1", sn,
                255, icmpv6(135, 0, 0, Packets6.cat(Ip6Address.parse(US).toBytes(), Nd6Fixture.sllao(Nd6Fixture.ROUTER_MAC)),
                        "fe80::1", sn)));
        f.wire.drain();
        var p = f.stack.pbuf(new byte[1400]);
        pcb.sendTo(p, Ip6Address.parse("2001:db8:9::1"), 9);
        p.free();
        f.run();
        var frames = f.wire.drain().stream().map(x -> x.data()).filter(d -> d[14 + 6] == 44).toList();
        assertEquals(2, frames.size(), "two fragments");
        assertTrue(frames.get(0).length - 14 <= 1300);
        pcb.close();
    }

    @Test
    void theSenderHearsAddressUnreachableWhenResolutionFails() {
        var pcb = f.stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 0);
        java.util.List<org.lwip4j.ip.IcmpError> errors = new java.util.ArrayList<>();
        pcb.onError(errors::add);
        var p = f.stack.pbuf(new byte[20]);
        pcb.sendTo(p, Ip6Address.parse("2001:db8:1::77"), 9);
        p.free();
        f.advance(Duration.ofSeconds(2));
        assertEquals(List.of(), errors);
        f.advance(Duration.ofSeconds(2));
        assertEquals(1, errors.size(), "RFC 4861 §7.2.2, RFC 4443 §3.1");
        assertEquals(1, errors.get(0).type());
        assertEquals(3, errors.get(0).code());
        assertEquals(0, f.stack.stats().pool("ND6_QUEUE").used);
        pcb.close();
    }

    @Test
    void upperLayerProgressConfirmsTheNextHopReachable() {
        String sn = Ip6Address.parse(US).solicitedNode().toString();
        f.inject(Ip6Address.parse(US).solicitedNode().multicastMac().bits(), Nd6Fixture.ROUTER_MAC, ipv6(58, "fe80::1", sn,
                255, icmpv6(135, 0, 0, Packets6.cat(Ip6Address.parse(US).toBytes(), Nd6Fixture.sllao(Nd6Fixture.ROUTER_MAC)),
                        "fe80::1", sn)));
        var n = f.stack.ipv6().nd().cache().find(f.netif, Ip6Address.parse("fe80::1"));
        assertEquals(NeighborState.DELAY, n.state(), "learned STALE, then our NA went to it");
        var route = f.stack.ip().route(Ip6Address.parse("2001:db8:9::1"), null, null);
        f.stack.ip().confirmReachable(route);
        assertEquals(NeighborState.REACHABLE, n.state(), "RFC 4861 §7.3.1");
        long due = n.timerDue();
        f.advance(Duration.ofSeconds(1));
        f.stack.ip().confirmReachable(route);
        assertEquals(due, n.timerDue(), "confirmed recently: the timer is left alone");
        f.advance(Duration.ofSeconds(60));
        assertEquals(NeighborState.STALE, n.state());
        f.stack.ip().confirmReachable(route);
        assertEquals(NeighborState.REACHABLE, n.state());
    }
}
