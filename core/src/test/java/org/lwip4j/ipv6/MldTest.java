package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.sim.CapturedFrame;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/**
 * MLD on one stack against a capture device, in virtual time: reports byte for byte, the
 * solicited-node groups of our addresses, query answers, the MLDv1 fallback (RFC 3810 §8)
 * and the multicast MAC filter.
 */
class MldTest {
    private static final long PEER_MAC = 0x0200_0000_0009L;
    private static final Ip6Address G = Ip6Address.parse("ff05::1:3");
    private final VirtualClock clock = new VirtualClock();
    private Stack stack;
    private CaptureDriver wire;
    private Netif netif;
    private Mld mld;
    private Ip6Address ll;

    @BeforeEach
    void setUp() {
        stack = Stack.create(StackConfig.builder().randomSeed(6).lwipIpv6DupDetectAttempts(0).maxRtrSolicitations(0).build(), clock);
        wire = new CaptureDriver();
        netif = stack.addNetif(wire, "eth0");
        netif.setUp(true);
        mld = stack.ipv6().mld();
        ll = netif.ip6().linkLocal().address();
        advance(Duration.ofSeconds(3));
        wire.clear();
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

    private static String h(Ip6Address a) {
        return HexFormat.of().formatHex(a.toBytes());
    }

    /** Checks the IPv6 and hop-by-hop headers MLD sends and the checksum; returns the MLD message. */
    private byte[] mldOf(byte[] f, String dst, Ip6Address src) {
        Ip6Address d = Ip6Address.parse(dst);
        assertEquals(String.format("%012x", d.multicastMac().bits()), h(f, 0, 6));
        assertEquals("86dd", h(f, 12, 14));
        assertEquals("00" + "01", h(f, 14 + 6, 14 + 8), "next header hop-by-hop, hop limit 1");
        assertEquals(h(src), h(f, 14 + 8, 14 + 24));
        assertEquals(h(d), h(f, 14 + 24, 14 + 40));
        assertEquals("3a00050200000100", h(f, 54, 62), "Router Alert (MLD) and PadN");
        int len = (((f[18] & 0xff) << 8) | (f[19] & 0xff)) - 8;
        assertEquals(f.length - 62, len);
        long ph = Checksum.pseudoHeaderV6(src.hi(), src.lo(), d.hi(), d.lo(), 58, len);
        assertTrue(Checksum.verifies(Checksum.partial(f, 62, len, ph)), "ICMPv6 checksum");
        byte[] m = new byte[len];
        System.arraycopy(f, 62, m, 0, len);
        return m;
    }

    private void inject(String src, String dst, byte[] icmp) {
        wire.inject(Packets6.ethernet(Ip6Address.parse(dst).multicastMac().bits(), PEER_MAC,
                Packets6.ipv6(58, src, dst, 1, icmp)));
        stack.poll(clock.nanoTime());
    }

    private static byte[] queryV1(int maxDelayMs, Ip6Address group, String src, String dst) {
        return Packets6.icmpv6(130, 0, maxDelayMs << 16, group.toBytes(), src, dst);
    }

    private static byte[] queryV2(int maxCode, Ip6Address group, String src, String dst, Ip6Address... sources) {
        byte[] data = new byte[20 + 16 * sources.length];
        System.arraycopy(group.toBytes(), 0, data, 0, 16);
        data[16] = 2;
        data[17] = 125;
        data[19] = (byte) sources.length;
        for (int i = 0; i < sources.length; i++) {
            System.arraycopy(sources[i].toBytes(), 0, data, 20 + 16 * i, 16);
        }
        return Packets6.icmpv6(130, 0, maxCode << 16, data, src, dst);
    }

    @Test
    void theLinkLocalAddressesSolicitedNodeGroupIsJoinedAndReported() {
        Ip6Address sn = ll.solicitedNode();
        assertTrue(mld.isMember(netif, sn.hi(), sn.lo()));
        assertTrue(mld.isMember(netif, Ipv6.ALL_NODES_HI, 1), "all-nodes, never reported");
        assertTrue(wire.multicastFilter().contains(sn.multicastMac()));
        assertTrue(wire.multicastFilter().contains(Ip6Address.parse("ff02::1").multicastMac()));
        assertEquals(2, stack.stats().mld6.xmit, "the solicited-node report and its retransmission");
    }

    @Test
    void joinSendsAnMldv2ReportByteForByteAndLeaveAnotherOne() {
        assertEquals(Err.OK, mld.join(netif, G));
        byte[] m = mldOf(wire.poll().data(), "ff02::16", ll);
        assertEquals("8f00", h(m, 0, 2));
        assertEquals("00000001" + "04000000" + h(G), h(m, 4, 28), "CHANGE_TO_EXCLUDE_MODE of no sources");
        assertEquals(28, m.length);
        advance(Duration.ofMillis(1000));
        assertEquals(1, wire.count(), "one retransmission within a second");
        wire.clear();
        assertEquals(Err.OK, mld.leave(netif, G));
        assertFalse(mld.isMember(netif, G.hi(), G.lo()));
        m = mldOf(wire.poll().data(), "ff02::16", ll);
        assertEquals("00000001" + "03000000" + h(G), h(m, 4, 28), "CHANGE_TO_INCLUDE_MODE of no sources");
        assertFalse(wire.multicastFilter().contains(G.multicastMac()));
    }

    @Test
    void aGeneralQueryGetsOneReportOfEveryGroupButAllNodes() {
        mld.join(netif, G);
        advance(Duration.ofSeconds(2));
        wire.clear();
        inject("fe80::1", "ff02::1", queryV2(1000, Ip6Address.ANY, "fe80::1", "ff02::1"));
        advance(Duration.ofMillis(1010));
        List<CapturedFrame> got = wire.drain();
        assertEquals(1, got.size());
        byte[] m = mldOf(got.get(0).data(), "ff02::16", ll);
        String snRecord = "02000000" + h(ll.solicitedNode());
        String gRecord = "02000000" + h(G);
        assertEquals("00000002", h(m, 4, 8));
        String records = h(m, 8, 48);
        assertTrue(records.equals(snRecord + gRecord) || records.equals(gRecord + snRecord), records);
    }

    @Test
    void aGroupAndSourceQueryIsAnsweredWithTheSources() {
        mld.join(netif, G);
        advance(Duration.ofSeconds(2));
        wire.clear();
        Ip6Address s1 = Ip6Address.parse("2001:db8::1");
        inject("fe80::1", G.toString(), queryV2(500, G, "fe80::1", G.toString(), s1));
        advance(Duration.ofMillis(510));
        byte[] m = mldOf(wire.poll().data(), "ff02::16", ll);
        assertEquals("00000001" + "01000001" + h(G) + h(s1), h(m, 4, 44), "MODE_IS_INCLUDE of the source");
    }

    @Test
    void anMldv1QuerierTurnsTheHostToMldv1() {
        mld.join(netif, G);
        advance(Duration.ofSeconds(2));
        wire.clear();
        inject("fe80::1", "ff02::1", queryV1(2000, Ip6Address.ANY, "fe80::1", "ff02::1"));
        assertEquals(2, mld.membership().mode(netif));
        advance(Duration.ofMillis(2010));
        List<CapturedFrame> got = wire.drain();
        assertEquals(2, got.size(), "one MLDv1 report per group (solicited-node and ours)");
        boolean seen = false;
        for (CapturedFrame c : got) {
            byte[] f = c.data();
            String dst = Ip6Address.of(java.util.Arrays.copyOfRange(f, 38, 54), 0).toString();
            byte[] m = mldOf(f, dst, ll);
            assertEquals("8300", h(m, 0, 2), "MLDv1 report to the group itself");
            assertEquals(24, m.length);
            seen |= dst.equals(G.toString());
        }
        assertTrue(seen);
        mld.leave(netif, G);
        byte[] done = mldOf(wire.poll().data(), "ff02::2", ll);
        assertEquals("8400", h(done, 0, 2));
        assertEquals(h(G), h(done, 8, 24));
    }

    @Test
    void queriesFromANonLinkLocalSourceAreIgnored() {
        mld.join(netif, G);
        advance(Duration.ofSeconds(2));
        wire.clear();
        inject("2001:db8::1", "ff02::1", queryV1(1000, Ip6Address.ANY, "2001:db8::1", "ff02::1"));
        advance(Duration.ofSeconds(2));
        assertEquals(0, wire.count());
        assertEquals(3, mld.membership().mode(netif));
        assertEquals(1, stack.stats().mld6.proterr);
    }

    @Test
    void aTruncatedQueryIsCountedAndDropped() {
        inject("fe80::1", "ff02::1", Packets6.icmpv6(130, 0, 0, new byte[10], "fe80::1", "ff02::1"));
        assertEquals(1, stack.stats().mld6.lenerr);
        inject("fe80::1", "ff02::1", Packets6.icmpv6(130, 0, 0, new byte[18], "fe80::1", "ff02::1"));
        assertEquals(2, stack.stats().mld6.lenerr, "25 to 27 bytes: neither version (RFC 3810 §8.1)");
    }

    @Test
    void noMldTrafficUntilTheNetifIsUpAndItsLinkIsUp() {
        Stack s = Stack.create(StackConfig.builder().randomSeed(8).lwipIpv6DupDetectAttempts(0).build(), clock);
        try {
            CaptureDriver w = new CaptureDriver();
            Netif n = s.addNetif(w, "eth0");
            s.ipv6().mld().join(n, G);
            w.setLinkUp(false);
            n.setUp(true);
            for (int i = 0; i < 300; i++) {
                clock.advance(Duration.ofMillis(10));
                s.poll(clock.nanoTime());
            }
            assertEquals(0, w.count());
            w.setLinkUp(true);
            s.poll(clock.nanoTime());
            assertTrue(w.count() > 0);
            assertEquals(Err.VAL, s.ipv6().mld().leave(n, Ip6Address.parse("ff05::9")));
        } finally {
            s.close();
        }
    }

    @Test
    void joiningAUnicastAddressIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> mld.join(netif, Ip6Address.parse("2001:db8::1")));
    }

    @Test
    void interfaceLocalGroupsAreJoinedButNeverReported() {
        assertEquals(Err.OK, mld.join(netif, Ip6Address.parse("ff01::5")));
        advance(Duration.ofSeconds(2));
        assertEquals(0, wire.count());
    }

    @Test
    void inMldv1AnotherHostsReportSuppressesOursAndThenNoDoneIsSent() {
        mld.join(netif, G);
        advance(Duration.ofSeconds(2));
        inject("fe80::1", "ff02::1", queryV1(10000, Ip6Address.ANY, "fe80::1", "ff02::1"));
        wire.clear();
        inject("fe80::2", G.toString(), Packets6.icmpv6(131, 0, 0, G.toBytes(), "fe80::2", G.toString()));
        advance(Duration.ofSeconds(11));
        List<CapturedFrame> got = wire.drain();
        assertEquals(1, got.size(), "only the solicited-node group's report");
        assertEquals(h(ll.solicitedNode()), h(got.get(0).data(), 38, 54));
        mld.leave(netif, G);
        assertEquals(0, wire.count(), "not the last reporter: no done");
    }

    @Test
    void aQueryForAUnicastAddressIsIgnored() {
        inject("fe80::1", "ff02::1", queryV1(1000, Ip6Address.parse("2001:db8::1"), "fe80::1", "ff02::1"));
        assertEquals(1, stack.stats().mld6.proterr);
        assertThrows(IllegalArgumentException.class, () -> mld.leave(netif, Ip6Address.parse("2001:db8::1")));
    }

    @Test
    void aCurrentStateReportLargerThanTheMtuIsSplit() {
        stack.close();
        stack = Stack.create(StackConfig.builder().randomSeed(6).lwipIpv6DupDetectAttempts(0).maxRtrSolicitations(0).build(), clock);
        wire = new CaptureDriver(org.lwip4j.netif.LinkType.ETHERNET, 1280);
        netif = stack.addNetif(wire, "eth0");
        netif.setUp(true);
        mld = stack.ipv6().mld();
        ll = netif.ip6().linkLocal().address();
        for (int i = 0; i < 61; i++) {
            mld.join(netif, new Ip6Address(G.hi(), G.lo() + i, 0));
        }
        advance(Duration.ofSeconds(3));
        wire.clear();
        inject("fe80::1", "ff02::1", queryV2(1000, Ip6Address.ANY, "fe80::1", "ff02::1"));
        advance(Duration.ofSeconds(2));
        List<CapturedFrame> got = wire.drain();
        assertEquals(2, got.size(), "(1280 - 48 - 8) / 20 = 61 records, then 1 (62 groups)");
        assertEquals(61, mldOf(got.get(0).data(), "ff02::16", ll)[7]);
        assertEquals(1, mldOf(got.get(1).data(), "ff02::16", ll)[7]);
    }

    private org.lwip4j.internal.ip.Group group(Ip6Address g) {
        for (org.lwip4j.internal.ip.Group x : mld.membership().of(netif).groups()) {
            if (x.hi() == g.hi() && x.lo() == g.lo()) {
                return x;
            }
        }
        return null;
    }

    @Test
    void aGroupShowsItsUsersItsNetifAndWhetherWeReportedItLast() {
        stack.ipv6().joinGroup(netif, G);
        assertEquals(org.lwip4j.stack.Err.OK, stack.ipv6().joinGroup(netif, G));
        org.lwip4j.internal.ip.Group g = group(G);
        assertEquals(2, g.users());
        assertSame(netif, g.netif());
        assertEquals(0, g.sources());
        inject("fe80::1", "ff02::1", queryV1(1000, Ip6Address.ANY, "fe80::1", "ff02::1"));
        advance(Duration.ofSeconds(2));
        assertTrue(g.lastReporter(), "MLDv1: we answered the query");
        wire.clear();
        inject("fe80::1", G.toString(), queryV1(1000, G, "fe80::1", G.toString()));
        assertEquals(0, wire.count(), "our answer waits its random delay");
        inject("fe80::2", G.toString(), Packets6.icmpv6(131, 0, 0, G.toBytes(), "fe80::2", G.toString()));
        assertFalse(g.lastReporter(), "another host answered first");
        advance(Duration.ofSeconds(2));
        assertEquals(0, wire.count(), "ours is suppressed");
        assertEquals(org.lwip4j.stack.Err.OK, stack.ipv6().leaveGroup(netif, G));
        assertEquals(1, g.users());
        assertEquals(org.lwip4j.stack.Err.OK, stack.ipv6().leaveGroup(netif, G));
        assertEquals(org.lwip4j.stack.Err.VAL, stack.ipv6().leaveGroup(netif, G), "not joined any more");
    }

    @Test
    void aRemovedNetifsGroupsAndTimersAreGone() {
        mld.join(netif, G);
        inject("fe80::1", "ff02::1", queryV1(10000, Ip6Address.ANY, "fe80::1", "ff02::1"));
        wire.clear();
        stack.netifs().remove(netif);
        advance(Duration.ofSeconds(11));
        assertEquals(0, wire.count(), "no report from a removed netif");
        assertNull(mld.membership().of(netif));
    }
}
