package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.sim.CapturedFrame;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;

/**
 * IGMP on one stack against a capture device, in virtual time: reports byte for byte, their
 * retransmissions, query answers with their delays, the version fallback of RFC 3376 §7 and
 * the multicast MAC filter.
 */
class IgmpTest {
    private static final long PEER_MAC = 0x0200_0000_0009L;
    private static final int G = Ip4Address.parse("239.1.2.3").bits();
    private static final int G2 = Ip4Address.parse("239.9.9.9").bits();
    private final VirtualClock clock = new VirtualClock();
    private Stack stack;
    private CaptureDriver wire;
    private Netif netif;
    private Igmp igmp;

    @BeforeEach
    void setUp() {
        stack = Stack.create(StackConfig.builder().randomSeed(5).lwipIpv6(false).build(), clock);
        wire = new CaptureDriver();
        netif = stack.addNetif(wire, "eth0");
        netif.ip4().set(Ip4Interface.parse("192.168.1.2/24"));
        netif.setUp(true);
        igmp = stack.ipv4().igmp();
        advance(Duration.ofSeconds(5));
        wire.clear(); // ARP's announcements
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private void advance(Duration d) {
        long steps = d.toMillis() / 10;
        for (long i = 0; i < steps; i++) {
            clock.advance(Duration.ofMillis(10));
            stack.poll(clock.nanoTime());
        }
    }

    private static String h(byte[] b, int from, int to) {
        return HexFormat.of().formatHex(b, from, to);
    }

    /** An IGMP message (IPv4 payload) from the querier 192.168.1.1 to {@code dst}, on the wire. */
    private void inject(String dst, byte[] igmpMsg) {
        long mac = 0x0100_5e00_0000L | (Ip4Address.parse(dst).bits() & 0x7f_ffff);
        wire.inject(Packets.ethernet(mac, PEER_MAC, 0x0800, Packets.ipv4(2, "192.168.1.1", dst, 1, 0, igmpMsg)));
        stack.poll(clock.nanoTime());
    }

    private static byte[] queryV2(int maxTenths, int group) {
        return Packets.icmp(0x11, maxTenths, group, new byte[0]);
    }

    private static byte[] queryV3(int code, int group, int qrv, int qqic, int... sources) {
        byte[] body = new byte[4 + 4 * sources.length];
        body[0] = (byte) qrv;
        body[1] = (byte) qqic;
        body[3] = (byte) sources.length;
        for (int i = 0; i < sources.length; i++) {
            for (int k = 0; k < 4; k++) {
                body[4 + 4 * i + k] = (byte) (sources[i] >>> (24 - 8 * k));
            }
        }
        return Packets.icmp(0x11, code, group, body);
    }

    /** Checks the IPv4 header IGMP sends (TTL 1, Router Alert, DF, from our address to {@code dst}) and both checksums; returns the IGMP message. */
    private static byte[] igmpOf(byte[] f, String dst) {
        assertEquals(String.format("%012x", 0x0100_5e00_0000L | (Ip4Address.parse(dst).bits() & 0x7f_ffff)), h(f, 0, 6));
        assertEquals("0800", h(f, 12, 14));
        assertEquals("46c0", h(f, 14, 16), "IHL 6 (Router Alert), TOS 0xc0");
        assertEquals("00004000" + "0102", h(f, 18, 24), "id 0, DF, TTL 1, protocol 2");
        assertEquals("c0a80102" + h(Ip4Address.parse(dst).toBytes(), 0, 4), h(f, 26, 34));
        assertEquals("94040000", h(f, 34, 38), "Router Alert (RFC 2113)");
        assertTrue(Checksum.verifies(Checksum.partial(f, 14, 24, 0)), "IP header checksum");
        int total = ((f[16] & 0xff) << 8) | (f[17] & 0xff);
        assertEquals(f.length - 14, total);
        assertTrue(Checksum.verifies(Checksum.partial(f, 38, total - 24, 0)), "IGMP checksum");
        byte[] m = new byte[total - 24];
        System.arraycopy(f, 38, m, 0, m.length);
        return m;
    }

    @Test
    void joinSendsAnIgmpv3StateChangeReportAndRetransmitsItOnceWithinASecond() {
        assertEquals(Err.OK, igmp.join(netif, G));
        CapturedFrame first = wire.poll();
        byte[] m = igmpOf(first.data(), "224.0.0.22");
        // Type 0x22, one record: CHANGE_TO_EXCLUDE_MODE (4), no aux data, no sources, the group.
        assertEquals("2200", h(m, 0, 2));
        assertEquals("00000001" + "04000000" + "ef010203", h(m, 4, 16));
        assertEquals(16, m.length);
        assertEquals(0, wire.count());
        advance(Duration.ofMillis(1000));
        assertEquals(1, wire.count(), "[Robustness Variable] - 1 = one retransmission within the unsolicited report interval");
        assertEquals(h(m, 0, m.length), h(igmpOf(wire.poll().data(), "224.0.0.22"), 0, m.length));
        advance(Duration.ofSeconds(30));
        assertEquals(0, wire.count());
        assertEquals(2, stack.stats().igmp.xmit);
    }

    @Test
    void joinsAreCountedAndOnlyTheLastLeaveIsReported() {
        igmp.join(netif, G);
        advance(Duration.ofSeconds(2));
        wire.clear();
        assertEquals(Err.OK, igmp.join(netif, G));
        assertEquals(Err.OK, igmp.leave(netif, G));
        assertEquals(0, wire.count(), "still one user");
        assertTrue(igmp.isMember(netif, G));
        assertEquals(Err.OK, igmp.leave(netif, G));
        assertFalse(igmp.isMember(netif, G));
        byte[] m = igmpOf(wire.poll().data(), "224.0.0.22");
        assertEquals("00000001" + "03000000" + "ef010203", h(m, 4, 16), "CHANGE_TO_INCLUDE_MODE of no sources");
        advance(Duration.ofSeconds(1));
        assertEquals(1, wire.count(), "retransmitted once");
        assertEquals(Err.VAL, igmp.leave(netif, G), "not joined");
    }

    @Test
    void theAllSystemsGroupIsJoinedSilentlyAndItsMacIsInTheFilter() {
        assertTrue(igmp.isMember(netif, Igmp.ALL_SYSTEMS));
        assertEquals(List.of("+01:00:5e:00:00:01"), wire.multicastFilterCalls().subList(0, 1));
        assertEquals(0, wire.count(), "224.0.0.1 is never reported");
        assertEquals(Err.OK, igmp.join(netif, G));
        assertEquals(Err.OK, igmp.leave(netif, G));
        List<String> calls = wire.multicastFilterCalls();
        assertEquals(List.of("+01:00:5e:00:00:01", "+01:00:5e:01:02:03", "-01:00:5e:01:02:03"), calls);
    }

    @Test
    void groupsSharingAMacKeepItInTheFilterUntilTheLastLeaves() {
        int other = Ip4Address.parse("238.129.2.3").bits(); // the same low 23 bits as 239.1.2.3
        igmp.join(netif, G);
        igmp.join(netif, other);
        igmp.leave(netif, G);
        assertTrue(netif.multicastMacs().accepts(0x0100_5e01_0203L));
        igmp.leave(netif, other);
        assertFalse(netif.multicastMacs().accepts(0x0100_5e01_0203L));
        assertEquals(List.of("+01:00:5e:00:00:01", "+01:00:5e:01:02:03", "-01:00:5e:01:02:03"), wire.multicastFilterCalls());
    }

    @Test
    void aGeneralQueryIsAnsweredWithOneCurrentStateReportWithinTheMaxResponseTime() {
        igmp.join(netif, G);
        igmp.join(netif, G2);
        advance(Duration.ofSeconds(2));
        wire.clear();
        long t0 = clock.nanoTime();
        inject("224.0.0.1", queryV3(20, 0, 2, 125)); // 2 s
        advance(Duration.ofMillis(2010));
        List<CapturedFrame> got = wire.drain();
        assertEquals(1, got.size());
        assertTrue(got.get(0).timeNanos() - t0 <= 2_000_000_000L);
        byte[] m = igmpOf(got.get(0).data(), "224.0.0.22");
        assertEquals("00000002" + "02000000" + "ef010203" + "02000000" + "ef090909", h(m, 4, 24),
                "MODE_IS_EXCLUDE of no sources, every group but 224.0.0.1");
    }

    @Test
    void aGroupSpecificQueryIsAnsweredForThatGroupOnly() {
        igmp.join(netif, G);
        igmp.join(netif, G2);
        advance(Duration.ofSeconds(2));
        wire.clear();
        inject("239.9.9.9", queryV3(10, G2, 2, 125));
        advance(Duration.ofMillis(1010));
        byte[] m = igmpOf(wire.poll().data(), "224.0.0.22");
        assertEquals("00000001" + "02000000" + "ef090909", h(m, 4, 16));
        assertEquals(0, wire.count());
        inject("239.7.7.7", queryV3(10, Ip4Address.parse("239.7.7.7").bits(), 2, 125));
        advance(Duration.ofMillis(1010));
        assertEquals(0, wire.count(), "a group we are not in");
    }

    @Test
    void aGroupAndSourceSpecificQueryIsAnsweredWithTheQueriedSources() {
        igmp.join(netif, G);
        advance(Duration.ofSeconds(2));
        wire.clear();
        int s1 = Ip4Address.parse("10.0.0.1").bits();
        int s2 = Ip4Address.parse("10.0.0.2").bits();
        inject("239.1.2.3", queryV3(10, G, 2, 125, s1, s2));
        advance(Duration.ofMillis(1010));
        byte[] m = igmpOf(wire.poll().data(), "224.0.0.22");
        assertEquals("00000001" + "01000002" + "ef010203" + "0a000001" + "0a000002", h(m, 4, 24),
                "MODE_IS_INCLUDE of the queried sources (we exclude none)");
    }

    @Test
    void anIgmpv2QuerierTurnsTheHostToIgmpv2UntilItsTimeoutPasses() {
        igmp.join(netif, G);
        advance(Duration.ofSeconds(2));
        wire.clear();
        inject("224.0.0.1", queryV2(50, 0));
        assertEquals(2, igmp.membership().mode(netif));
        advance(Duration.ofMillis(5010));
        byte[] m = igmpOf(wire.poll().data(), "239.1.2.3");
        assertEquals("1600", h(m, 0, 2), "IGMPv2 report, to the group");
        assertEquals("ef010203", h(m, 4, 8));
        assertEquals(8, m.length);
        // A leave: we were the last to report, so an IGMPv2 leave to 224.0.0.2.
        igmp.leave(netif, G);
        byte[] leave = igmpOf(wire.poll().data(), "224.0.0.2");
        assertEquals("1700", h(leave, 0, 2));
        assertEquals("ef010203", h(leave, 4, 8));
        // Older Version Querier Present Timeout: 2 * 125 s + 5 s; then IGMPv3 again.
        advance(Duration.ofSeconds(245));
        assertEquals(2, igmp.membership().mode(netif));
        advance(Duration.ofSeconds(6));
        assertEquals(3, igmp.membership().mode(netif));
        wire.clear();
        igmp.join(netif, G);
        assertEquals("2200", h(igmpOf(wire.poll().data(), "224.0.0.22"), 0, 2));
    }

    @Test
    void inIgmpv2AnotherHostsReportSuppressesOursAndThenNoLeaveIsSent() {
        igmp.join(netif, G);
        advance(Duration.ofSeconds(2));
        inject("224.0.0.1", queryV2(100, 0));
        wire.clear();
        inject("239.1.2.3", Packets.icmp(0x16, 0, G, new byte[0]));
        advance(Duration.ofSeconds(11));
        assertEquals(0, wire.count(), "suppressed");
        igmp.leave(netif, G);
        assertEquals(0, wire.count(), "not the last reporter: no leave (RFC 2236 §3)");
    }

    @Test
    void anIgmpv1QueryMeansVersion1ReportsWithin10SecondsAndNoLeave() {
        igmp.join(netif, G);
        advance(Duration.ofSeconds(2));
        wire.clear();
        inject("224.0.0.1", queryV2(0, 0));
        assertEquals(1, igmp.membership().mode(netif));
        advance(Duration.ofMillis(10010));
        byte[] m = igmpOf(wire.poll().data(), "239.1.2.3");
        assertEquals("1200", h(m, 0, 2), "IGMPv1 report");
        igmp.leave(netif, G);
        assertEquals(0, wire.count(), "IGMPv1 has no leave");
    }

    @Test
    void nothingIsSentWhileDownAndJoinedGroupsAreReportedWhenItComesUp() {
        netif.setUp(false);
        igmp.join(netif, G);
        advance(Duration.ofSeconds(3));
        assertEquals(0, wire.count());
        netif.setUp(true);
        List<byte[]> ip = wire.drain().stream().map(CapturedFrame::data).filter(f -> f[12] == 8 && f[13] == 0).toList();
        assertEquals(1, ip.size(), "the report (beside ARP's announcement)");
        byte[] m = igmpOf(ip.get(0), "224.0.0.22");
        assertEquals("04000000" + "ef010203", h(m, 8, 16));
        wire.setLinkUp(false);
        advance(Duration.ofSeconds(3));
        wire.clear();
        inject("224.0.0.1", queryV3(10, 0, 2, 125));
        advance(Duration.ofSeconds(2));
        assertEquals(0, wire.count(), "link down");
    }

    /**
     * A netif that goes down with a report retransmission pending and comes straight back
     * reports its groups afresh, the whole Robustness Variable's worth (RFC 3376 §5.1: the
     * state-change report, then one retransmission): the pending retransmission went with
     * the link, it does not stand in for the new reports.
     */
    @Test
    void aNetifThatComesBackUpReportsItsGroupsAfreshNotWithALeftOverRetransmission() {
        igmp.join(netif, G);
        assertEquals(1, igmpReports(), "the state-change report at once");
        netif.setUp(false);
        netif.setUp(true);
        advance(Duration.ofSeconds(3));
        assertEquals(2, igmpReports(), "a report and its retransmission after coming up");
    }

    /** IGMP messages (IPv4 protocol 2) the stack sent since the last call. */
    private int igmpReports() {
        int n = 0;
        for (CapturedFrame f : wire.drain()) {
            byte[] d = f.data();
            if (d.length > 23 && d[12] == 8 && d[13] == 0 && d[23] == 2) {
                n++;
            }
        }
        return n;
    }

    @Test
    void multicastForGroupsNotJoinedIsDroppedAndJoinedOnesAreDelivered() {
        List<String> got = new java.util.ArrayList<>();
        var pcb = stack.newUdpPcb();
        pcb.bind(5000);
        pcb.onReceive((pc, p, src, port, n) -> {
            got.add(src + ":" + port);
            p.free();
        });
        byte[] dgram = Packets.ipv4(17, "192.168.1.9", "239.1.2.3", 1, 0, Packets.udp(7, 5000, new byte[] {1}));
        wire.inject(Packets.ethernet(0x0100_5e01_0203L, PEER_MAC, 0x0800, dgram));
        stack.poll(clock.nanoTime());
        assertEquals(List.of(), got, "not joined: the Ethernet filter drops it");
        long linkDrops = stack.stats().link.drop;
        igmp.join(netif, G);
        wire.inject(Packets.ethernet(0x0100_5e01_0203L, PEER_MAC, 0x0800, dgram));
        stack.poll(clock.nanoTime());
        assertEquals(List.of("192.168.1.9:7"), got);
        // Same MAC, another group: through the filter, dropped by IP.
        long ipDrops = stack.stats().ip.drop;
        byte[] other = Packets.ipv4(17, "192.168.1.9", "238.129.2.3", 1, 0, Packets.udp(7, 5000, new byte[] {1}));
        wire.inject(Packets.ethernet(0x0100_5e01_0203L, PEER_MAC, 0x0800, other));
        stack.poll(clock.nanoTime());
        assertEquals(1, got.size());
        assertEquals(ipDrops + 1, stack.stats().ip.drop);
        assertEquals(linkDrops, stack.stats().link.drop);
        pcb.close();
    }

    @Test
    void badMessagesAreCountedAndDropped() {
        igmp.join(netif, G);
        advance(Duration.ofSeconds(2));
        wire.clear();
        byte[] q = queryV2(10, 0);
        q[2] ^= 1;
        inject("224.0.0.1", q);
        assertEquals(1, stack.stats().igmp.chkerr);
        inject("224.0.0.1", new byte[] {0x11, 0, 0});
        assertEquals(1, stack.stats().igmp.lenerr);
        inject("224.0.0.1", Packets.icmp(0x11, 10, Ip4Address.parse("10.1.1.1").bits(), new byte[0]));
        assertEquals(1, stack.stats().igmp.proterr, "a query for a unicast group");
        advance(Duration.ofSeconds(2));
        assertEquals(0, wire.count());
        assertEquals(3, igmp.membership().mode(netif), "none of them counted as a querier");
    }

    @Test
    void joiningAUnicastAddressIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> igmp.join(netif, Ip4Address.parse("10.0.0.1").bits()));
    }

    @Test
    void aNetifHoldsAtMost64Groups() {
        for (int i = 1; i < 64; i++) {
            assertEquals(Err.OK, igmp.join(netif, G + i));
        }
        assertEquals(Err.MEM, igmp.join(netif, G + 100));
    }

    @Test
    void theLearnedRobustnessAndQueryIntervalSetTheOlderQuerierTimeout() {
        igmp.join(netif, G);
        advance(Duration.ofSeconds(2));
        inject("224.0.0.1", queryV3(10, 0, 3, 60)); // QRV 3, QQI 60 s
        assertEquals(3, igmp.membership().of(netif).robustness());
        inject("224.0.0.1", queryV2(20, 0));
        advance(Duration.ofSeconds(180)); // 3 * 60 s + 2 s
        assertEquals(2, igmp.membership().mode(netif));
        advance(Duration.ofSeconds(3));
        assertEquals(3, igmp.membership().mode(netif));
    }

    @Test
    void aModeChangeCancelsThePendingVersion3Response() {
        igmp.join(netif, G);
        advance(Duration.ofSeconds(2));
        wire.clear();
        inject("224.0.0.1", queryV3(100, 0, 2, 125)); // a general response within 10 s
        inject("224.0.0.1", queryV2(100, 0)); // now IGMPv2
        advance(Duration.ofSeconds(11));
        List<CapturedFrame> got = wire.drain();
        assertEquals(1, got.size());
        assertEquals("1600", h(igmpOf(got.get(0).data(), "239.1.2.3"), 0, 2), "only the IGMPv2 report");
    }

    @Test
    void joiningInIgmpv2ModeSendsAnUnsolicitedV2ReportRepeatedOnceWithin10Seconds() {
        inject("224.0.0.1", queryV2(10, 0));
        advance(Duration.ofSeconds(2));
        wire.clear();
        igmp.join(netif, G2);
        assertEquals("1600", h(igmpOf(wire.poll().data(), "239.9.9.9"), 0, 2));
        advance(Duration.ofSeconds(10));
        assertEquals(1, wire.count(), "repeated once ([Robustness Variable] - 1)");
        assertEquals("1600", h(igmpOf(wire.poll().data(), "239.9.9.9"), 0, 2));
        advance(Duration.ofSeconds(20));
        assertEquals(0, wire.count());
    }

    @Test
    void aGroupQueryWhileAGeneralResponseIsDueSoonerAddsNothing() {
        igmp.join(netif, G);
        advance(Duration.ofSeconds(2));
        wire.clear();
        inject("224.0.0.1", queryV3(1, 0, 2, 125)); // general, within 0.1 s
        inject("239.1.2.3", queryV3(100, G, 2, 125)); // group, within 10 s: covered
        advance(Duration.ofSeconds(11));
        assertEquals(1, wire.count(), "the general response only");
    }

    @Test
    void sourceQueriesMergeAndAPendingGroupResponseStaysGroupWide() {
        igmp.join(netif, G);
        advance(Duration.ofSeconds(2));
        wire.clear();
        int s1 = Ip4Address.parse("10.0.0.1").bits();
        int s2 = Ip4Address.parse("10.0.0.2").bits();
        inject("239.1.2.3", queryV3(100, G, 2, 125, s1));
        inject("239.1.2.3", queryV3(100, G, 2, 125, s2, s1));
        advance(Duration.ofSeconds(11));
        byte[] m = igmpOf(wire.poll().data(), "224.0.0.22");
        assertEquals("00000001" + "01000002" + "ef010203" + "0a000001" + "0a000002", h(m, 4, 24), "the union");
        inject("239.1.2.3", queryV3(100, G, 2, 125));
        inject("239.1.2.3", queryV3(100, G, 2, 125, s1));
        advance(Duration.ofSeconds(11));
        m = igmpOf(wire.poll().data(), "224.0.0.22");
        assertEquals("00000001" + "02000000" + "ef010203", h(m, 4, 16), "group-specific pending: the whole group");
        assertEquals(0, wire.count());
    }

    @Test
    void aCurrentStateReportLargerThanTheMtuIsSplit() {
        stack.close();
        stack = Stack.create(StackConfig.builder().randomSeed(5).lwipIpv6(false).build(), clock);
        wire = new CaptureDriver(org.lwip4j.netif.LinkType.ETHERNET, 300);
        netif = stack.addNetif(wire, "eth0");
        netif.ip4().set(Ip4Interface.parse("192.168.1.2/24"));
        netif.setUp(true);
        igmp = stack.ipv4().igmp();
        for (int i = 0; i < 40; i++) {
            igmp.join(netif, G + i);
        }
        advance(Duration.ofSeconds(5));
        wire.clear();
        inject("224.0.0.1", queryV3(10, 0, 2, 125));
        advance(Duration.ofSeconds(2));
        List<CapturedFrame> got = wire.drain();
        assertEquals(2, got.size(), "(300 - 24 - 8) / 8 = 33 records, then 7");
        assertEquals(33, igmpOf(got.get(0).data(), "224.0.0.22")[7]);
        assertEquals(7, igmpOf(got.get(1).data(), "224.0.0.22")[7]);
        assertTrue(got.get(0).data().length - 14 <= 300);
    }
}
