package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.ipv6.Nd6Fixture.ALL_NODES_MAC;
import static org.lwip4j.ipv6.Nd6Fixture.pio;
import static org.lwip4j.ipv6.Nd6Fixture.raMsg;
import static org.lwip4j.ipv6.Packets6.cat;
import static org.lwip4j.ipv6.Packets6.hex;
import static org.lwip4j.ipv6.Packets6.icmpv6;
import static org.lwip4j.ipv6.Packets6.ipv6;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.stack.ProtoStats;

/**
 * Neighbor solicitations and advertisements about our own addresses (RFC 4861 §7.1, §7.2.4;
 * RFC 4862 §5.4.3, §5.4.4) and duplicate address detection around netif and address changes,
 * checked as counters, address states and frames on the wire.
 */
class NdSolicitationRulesTest {
    private static final long PEER_MAC = 0x0200_0000_0009L;
    private static final String US = "2001:db8:1::5";
    private Nd6Fixture f;
    private ProtoStats nd;

    @AfterEach
    void close() {
        f.close();
    }

    /** A stack without a link-local address, DAD (one probe, 1 s) on. */
    private void up() {
        f = new Nd6Fixture(b -> b.ip6LinkLocal(false).maxRtrSolicitations(0).maxRtrSolicitationDelay(Duration.ZERO));
        nd = f.stack.stats().nd6;
    }

    private long ourMac() {
        return f.netif.mac().bits();
    }

    private static String solicitedNode(String addr) {
        long lo = Ip6Address.parse(addr).lo();
        return String.format("ff02::1:ff%02x:%04x", (lo >>> 16) & 0xff, lo & 0xffff);
    }

    private static long solicitedNodeMac(String addr) {
        return 0x3333_ff00_0000L | (Ip6Address.parse(addr).lo() & 0xff_ffffL);
    }

    /** An NS for {@code target} from {@code src} (:: for DAD) to {@code dst}, with an SLLAO when asked. */
    private void ns(String src, String dst, long dstMac, String target, boolean sllao) {
        byte[] data = cat(Ip6Address.parse(target).toBytes(), sllao ? hex("0101020000000009") : new byte[0]);
        f.inject(dstMac, PEER_MAC, ipv6(58, src, dst, 255, icmpv6(135, 0, 0, data, src, dst)));
    }

    private void na(String src, String dst, long dstMac, String target, int flags) {
        byte[] data = cat(Ip6Address.parse(target).toBytes(), hex("0201020000000009"));
        f.inject(dstMac, PEER_MAC, ipv6(58, src, dst, 255, icmpv6(136, 0, flags << 24, data, src, dst)));
    }

    private Ip6Addresses.Entry addTentative() {
        f.netif.ip6().add(Ip6Address.parse(US), 64);
        f.run();
        Ip6Addresses.Entry e = f.netif.ip6().find(Ip6Address.parse(US));
        assertEquals(Ip6Addresses.State.TENTATIVE, e.state());
        return e;
    }

    @Test
    void anotherNodesDadProbeForOurTentativeAddressMakesItDuplicateAndAUnicastOneIsIgnored() {
        up();
        Ip6Addresses.Entry e = addTentative();
        long conflicts = f.stack.ipv6().nd().conflicts();
        ns("2001:db8:1::9", US, ourMac(), US, true);
        assertEquals(Ip6Addresses.State.TENTATIVE, e.state(), "§5.4.3: from a unicast source, silently ignored");
        assertEquals(List.of(), f.sent(136), "and not answered");
        ns("::", solicitedNode(US), solicitedNodeMac(US), US, false);
        assertEquals(Ip6Addresses.State.DUPLICATE, e.state());
        assertEquals(conflicts + 1, f.stack.ipv6().nd().conflicts());
        f.wire.clear();
        f.advance(Duration.ofSeconds(3));
        assertEquals(List.of(), f.sent(135), "DAD stopped: no more probes");
        assertEquals(Ip6Addresses.State.DUPLICATE, e.state(), "a manual address stays duplicate: nothing replaces it");
        assertEquals(1, f.netif.ip6().count());
    }

    @Test
    void aDadProbeForOurValidAddressIsAnsweredToAllNodesWithoutTheSolicitedFlag() {
        up();
        addTentative();
        f.advance(Duration.ofSeconds(3));
        assertEquals(Ip6Addresses.State.PREFERRED, f.netif.ip6().find(Ip6Address.parse(US)).state());
        f.wire.clear();
        long conflicts = f.stack.ipv6().nd().conflicts();
        ns("::", solicitedNode(US), solicitedNodeMac(US), US, false);
        List<byte[]> nas = f.sent(136);
        assertEquals(1, nas.size());
        byte[] fr = nas.get(0);
        assertEquals(Ip6Address.parse("ff02::1"), Ip6Address.of(Arrays.copyOfRange(fr, 14 + 24, 14 + 40), 0));
        assertEquals(0x20, fr[14 + 44] & 0xff, "override only, not solicited");
        assertEquals(conflicts + 1, f.stack.ipv6().nd().conflicts());
    }

    @Test
    void malformedSolicitationsAreDroppedAndCounted() {
        up();
        addTentative();
        f.advance(Duration.ofSeconds(3));
        f.wire.clear();
        long proterr = nd.proterr;
        long drop = nd.drop;
        // From :: with a source link-layer option, or to a unicast address: §7.1.1.
        ns("::", solicitedNode(US), solicitedNodeMac(US), US, true);
        ns("::", US, ourMac(), US, false);
        assertEquals(proterr + 2, nd.proterr);
        assertEquals(drop + 2, nd.drop);
        // For an address not ours: dropped, no proxy.
        ns("2001:db8:1::9", US, ourMac(), "2001:db8:1::77", true);
        assertEquals(drop + 3, nd.drop);
        assertEquals(List.of(), f.sent(136));
        // Hop limit below 255.
        byte[] data = cat(Ip6Address.parse(US).toBytes(), hex("0101020000000009"));
        f.inject(ourMac(), PEER_MAC, ipv6(58, "2001:db8:1::9", US, 254, icmpv6(135, 0, 0, data, "2001:db8:1::9", US)));
        assertEquals(proterr + 3, nd.proterr, () -> f.stack.stats().table());
        assertEquals(List.of(), f.sent(136));
        // A router solicitation: a host sends no RAs.
        f.inject(ALL_NODES_MAC, PEER_MAC, ipv6(58, "fe80::9", "ff02::2", 255, icmpv6(133, 0, 0, new byte[0], "fe80::9", "ff02::2")));
        assertEquals(List.of(), f.sent(134));
    }

    @Test
    void advertisementsAboutOurAddressesAndSolicitedOnesToAGroupAreNotTaken() {
        up();
        addTentative();
        f.advance(Duration.ofSeconds(3));
        long conflicts = f.stack.ipv6().nd().conflicts();
        na("2001:db8:1::9", "ff02::1", ALL_NODES_MAC, US, 0x20);
        assertEquals(conflicts + 1, f.stack.ipv6().nd().conflicts(), "another node claims our address: counted");
        assertEquals(Ip6Addresses.State.PREFERRED, f.netif.ip6().find(Ip6Address.parse(US)).state(), "ours still");
        long proterr = nd.proterr;
        na("2001:db8:1::9", "ff02::1", ALL_NODES_MAC, "2001:db8:1::9", 0x60);
        assertEquals(proterr + 1, nd.proterr, "solicited to a group (§7.1.2)");
    }

    @Test
    void goingDownStopsDadAndFlushesTheCacheComingUpStartsDadAgain() {
        up();
        Ip6Addresses.Entry e = addTentative();
        ns("2001:db8:1::9", solicitedNode(US), ourMac(), US, true); // (ignored while tentative)
        na("2001:db8:1::9", US, ourMac(), "2001:db8:1::9", 0x20);
        f.netif.setUp(false);
        f.run();
        f.wire.clear();
        f.advance(Duration.ofSeconds(3));
        assertEquals(Ip6Addresses.State.TENTATIVE, e.state(), "no DAD while down");
        assertEquals(0, f.stack.ipv6().nd().cache().size());
        f.netif.setUp(true);
        f.advance(Duration.ofSeconds(3));
        List<byte[]> probes = f.sent(135);
        assertEquals(1, probes.size(), "DAD again, one probe");
        assertEquals(Ip6Address.ANY, Ip6Address.of(Arrays.copyOfRange(probes.get(0), 14 + 8, 14 + 24), 0));
        assertEquals(Ip6Addresses.State.PREFERRED, e.state());
    }

    @Test
    void anAddressRemovedDuringDadIsProbedNoMore() {
        up();
        addTentative();
        f.netif.ip6().remove(Ip6Address.parse(US));
        f.run();
        f.wire.clear();
        f.advance(Duration.ofSeconds(3));
        assertEquals(List.of(), f.sent(135));
        assertNull(f.netif.ip6().find(Ip6Address.parse(US)));
    }

    @Test
    void aDuplicateSlaacAddressKeepsItsRemainingLifetimes() {
        up();
        f.netif.ip6().setAutoconfig(true);
        f.ra(raMsg(1800, pio("2001:db8:7::", 64, 0xc0, 7200, 3600)));
        Ip6Addresses.Entry e = f.slaac("2001:db8:7::");
        Ip6Address a = e.address();
        long validEnd = e.validUntil();
        long preferredEnd = e.preferredUntil();
        f.clock.advance(Duration.ofMillis(300));
        f.run();
        na("fe80::9", "ff02::1", ALL_NODES_MAC, a.toString(), 0x20);
        Ip6Addresses.Entry again = f.slaac("2001:db8:7::");
        assertNotNull(again);
        assertNotEquals(a, again.address());
        assertEquals(validEnd, again.validUntil(), "the same end of the valid lifetime, not 300 ms later");
        assertEquals(preferredEnd, again.preferredUntil());
        assertTrue(again.state() == Ip6Addresses.State.TENTATIVE);
    }

    @Test
    void aMalformedNdMessageIsALengthErrorAndARemovedNetifsNeighboursAreForgotten() {
        up();
        addTentative();
        f.advance(Duration.ofSeconds(3));
        long lenerr = nd.lenerr;
        long drop = nd.drop;
        // An NS of 16 bytes: shorter than its 24-byte fixed part.
        f.inject(ourMac(), PEER_MAC, ipv6(58, "2001:db8:1::9", US, 255, icmpv6(135, 0, 0, new byte[8], "2001:db8:1::9", US)));
        assertEquals(lenerr + 1, nd.lenerr);
        assertEquals(drop + 1, nd.drop);
        ns("2001:db8:1::9", US, ourMac(), US, true);
        assertEquals(1, f.stack.ipv6().nd().cache().size());
        f.stack.netifs().remove(f.netif);
        f.run();
        assertEquals(0, f.stack.ipv6().nd().cache().size());
    }
}
