package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.ipv6.Packets6.cat;
import static org.lwip4j.ipv6.Packets6.ethernet;
import static org.lwip4j.ipv6.Packets6.icmpv6;
import static org.lwip4j.ipv6.Packets6.ipv6;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.sim.CapturedFrame;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.udp.UdpPcb;

/**
 * The neighbour cache's state machine (RFC 4861 §7.2.3–§7.3.3, Appendix C) entry by entry:
 * what each advertisement does to an INCOMPLETE, REACHABLE or STALE entry with and without
 * the override and solicited flags, upper-layer confirmations, the bounded queue, eviction
 * and unicast probes, checked as state, link-layer address and frames on the wire.
 */
class NeighborCacheStatesTest {
    private static final String US = "2001:db8::1";
    private static final String PEER = "2001:db8::9";
    private static final long MAC1 = 0x0200_0000_0009L;
    private static final long MAC2 = 0x0200_0000_0077L;
    private static final int S = 0x40; // solicited
    private static final int O = 0x20; // override
    private static final int R = 0x80; // router

    private final VirtualClock clock = new VirtualClock();
    private Stack stack;
    private CaptureDriver wire;
    private Netif netif;
    private UdpPcb pcb;

    private void setUp(Consumer<StackConfig.Builder> tweak) {
        QuietIpv6Stack q = QuietIpv6Stack.create(clock, US, tweak);
        stack = q.stack();
        wire = q.wire();
        netif = q.netif();
        pcb = stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 5000);
        run();
        wire.clear();
    }

    private void setUp() {
        setUp(b -> { });
    }

    @AfterEach
    void close() {
        if (stack != null) {
            stack.close();
        }
    }

    private void run() {
        for (int i = 0; i < 5; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    private void advance(Duration d) {
        for (long i = 0, n = d.toMillis() / 50; i < n; i++) {
            clock.advance(Duration.ofMillis(50));
            run();
        }
    }

    private Err send(String dst, int marker) {
        Pbuf p = stack.pbuf(new byte[] {(byte) marker});
        Err e = pcb.sendTo(p, Ip6Address.parse(dst), 7);
        p.free();
        run();
        return e;
    }

    private Neighbor entry(String addr) {
        return stack.ipv6().nd().cache().find(netif, Ip6Address.parse(addr));
    }

    private static byte[] macOption(int type, long mac) {
        byte[] o = new byte[8];
        o[0] = (byte) type;
        o[1] = 1;
        for (int i = 0; i < 6; i++) {
            o[2 + i] = (byte) (mac >>> (40 - 8 * i));
        }
        return o;
    }

    /** An NA for {@code target} from it with {@code flags} and a target link-layer option when {@code mac} is not -1. */
    private void na(String target, int flags, long mac) {
        byte[] data = cat(Ip6Address.parse(target).toBytes(), mac < 0 ? new byte[0] : macOption(2, mac));
        wire.inject(ethernet(netif.mac().bits(), mac < 0 ? MAC1 : mac,
                ipv6(58, target, US, 255, icmpv6(136, 0, flags << 24, data, target, US))));
        run();
    }

    /** An NS from {@code src} for our address with a source link-layer option {@code mac}. */
    private void ns(String src, long mac) {
        byte[] data = cat(Ip6Address.parse(US).toBytes(), macOption(1, mac));
        wire.inject(ethernet(netif.mac().bits(), mac, ipv6(58, src, US, 255, icmpv6(135, 0, 0, data, src, US))));
        run();
    }

    /** The UDP datagrams on the wire since the last look, as "dstmac:marker". */
    private List<String> datagrams() {
        List<String> out = new ArrayList<>();
        for (CapturedFrame f : wire.drain()) {
            byte[] b = f.data();
            if (b[14 + 6] == 17) {
                long mac = 0;
                for (int i = 0; i < 6; i++) {
                    mac = mac << 8 | (b[i] & 0xff);
                }
                out.add(String.format("%012x:%d", mac, b[14 + 48]));
            }
        }
        return out;
    }

    /** The neighbour solicitations on the wire since the last look, as "dstmac". */
    private List<String> solicitations() {
        List<String> out = new ArrayList<>();
        for (CapturedFrame f : wire.drain()) {
            byte[] b = f.data();
            if (b[14 + 6] == 58 && (b[14 + 40] & 0xff) == 135) {
                long mac = 0;
                for (int i = 0; i < 6; i++) {
                    mac = mac << 8 | (b[i] & 0xff);
                }
                out.add(String.format("%012x", mac));
            }
        }
        return out;
    }

    @Test
    void anAdvertisementForAnAddressWithoutAnEntryMakesNone() {
        setUp();
        na(PEER, S | O, MAC1);
        assertNull(entry(PEER));
    }

    @Test
    void anIncompleteEntryIgnoresAnAdvertisementWithoutALinkLayerAddressAndTakesOneWithIt() {
        setUp();
        assertEquals(Err.OK, send(PEER, 1));
        assertEquals(List.of("3333ff000009"), solicitations(), "multicast NS to the solicited-node group");
        na(PEER, S | O, -1);
        assertEquals(NeighborState.INCOMPLETE, entry(PEER).state(), "no address to send to");
        assertEquals(1, entry(PEER).queued());
        na(PEER, O | R, MAC1); // unsolicited: STALE (§7.2.5), with the router flag
        assertEquals(NeighborState.STALE, entry(PEER).state());
        assertEquals(MAC1, entry(PEER).mac());
        assertTrue(entry(PEER).isRouter());
        assertEquals(0, entry(PEER).queued());
        assertEquals(List.of("020000000009:1"), datagrams(), "the queued datagram went to the advertised address");
    }

    @Test
    void aSolicitedAdvertisementMakesAnIncompleteEntryReachable() {
        setUp();
        send(PEER, 1);
        na(PEER, S, MAC1);
        assertEquals(NeighborState.REACHABLE, entry(PEER).state());
        assertFalse(entry(PEER).isRouter());
        assertEquals(List.of("020000000009:1"), datagrams());
    }

    @Test
    void withoutOverrideADifferentAddressOnlyMakesAReachableEntryStale() {
        setUp();
        send(PEER, 1);
        na(PEER, S, MAC1);
        na(PEER, S, MAC2);
        assertEquals(NeighborState.STALE, entry(PEER).state(), "REACHABLE to STALE");
        assertEquals(MAC1, entry(PEER).mac(), "the address is kept");
        na(PEER, S, MAC2);
        assertEquals(NeighborState.STALE, entry(PEER).state(), "STALE stays STALE");
        assertEquals(MAC1, entry(PEER).mac());
        wire.clear();
        send(PEER, 2);
        assertEquals(List.of("020000000009:2"), datagrams());
    }

    @Test
    void withOverrideADifferentAddressIsTakenStaleWhenUnsolicitedReachableWhenSolicited() {
        setUp();
        send(PEER, 1);
        na(PEER, S | R, MAC1);
        assertTrue(entry(PEER).isRouter());
        na(PEER, O, MAC2);
        assertEquals(NeighborState.STALE, entry(PEER).state());
        assertEquals(MAC2, entry(PEER).mac());
        assertFalse(entry(PEER).isRouter(), "R clear: no longer a router");
        na(PEER, S | O, MAC1);
        assertEquals(NeighborState.REACHABLE, entry(PEER).state());
        assertEquals(MAC1, entry(PEER).mac());
        // Solicited without an address option: confirms, keeps the address.
        na(PEER, O, MAC1);
        assertEquals(NeighborState.REACHABLE, entry(PEER).state(), "unsolicited, same address: no change");
        advance(Duration.ofSeconds(46)); // past any ReachableTime (at most 1.5 x 30 s)
        assertEquals(NeighborState.STALE, entry(PEER).state());
        na(PEER, S, -1);
        assertEquals(NeighborState.REACHABLE, entry(PEER).state());
        assertEquals(MAC1, entry(PEER).mac());
    }

    @Test
    void aSolicitationWithAnotherSourceAddressMakesTheEntryStaleWithIt() {
        setUp();
        ns(PEER, MAC1);
        // A new entry from an NS is STALE (§7.2.3); our NA to it made it DELAY (§7.3.3).
        assertEquals(NeighborState.DELAY, entry(PEER).state());
        assertEquals(MAC1, entry(PEER).mac());
        send(PEER, 1); // (it answered the NS too)
        na(PEER, S, -1);
        assertEquals(NeighborState.REACHABLE, entry(PEER).state());
        ns(PEER, MAC1);
        assertEquals(NeighborState.REACHABLE, entry(PEER).state(), "the same address changes nothing");
        ns(PEER, MAC2);
        assertEquals(NeighborState.DELAY, entry(PEER).state(), "STALE with the new address, then DELAY by our NA");
        assertEquals(MAC2, entry(PEER).mac());
    }

    @Test
    void upperLayerConfirmationMakesAStaleEntryReachableButNotAnIncompleteOne() {
        setUp();
        var cache = stack.ipv6().nd().cache();
        send(PEER, 1);
        cache.confirm(netif, Ip6Address.parse(PEER));
        assertEquals(NeighborState.INCOMPLETE, entry(PEER).state());
        cache.confirm(netif, Ip6Address.parse("2001:db8::55"));
        assertNull(entry("2001:db8::55"), "no entry made");
        na(PEER, 0, MAC1);
        assertEquals(NeighborState.STALE, entry(PEER).state());
        cache.confirm(netif, Ip6Address.parse(PEER));
        assertEquals(NeighborState.REACHABLE, entry(PEER).state());
        long due = entry(PEER).timerDue();
        clock.advance(Duration.ofMillis(100));
        cache.confirm(netif, Ip6Address.parse(PEER));
        assertEquals(due, entry(PEER).timerDue(), "confirmed recently: the timer is left");
        clock.advance(Duration.ofNanos(cache.reachableTimeNanos() / 2 + 1));
        cache.confirm(netif, Ip6Address.parse(PEER));
        assertTrue(entry(PEER).timerDue() > due, "half of ReachableTime gone: the timer starts again");
    }

    @Test
    void theQueueKeepsTheNewestPacketsAndCountsTheDroppedOnes() {
        setUp(b -> b.lwipNd6Queueing(2));
        long drop = stack.stats().nd6.drop;
        send(PEER, 1);
        send(PEER, 2);
        send(PEER, 3);
        assertEquals(2, entry(PEER).queued());
        assertEquals(drop + 1, stack.stats().nd6.drop);
        na(PEER, S, MAC1);
        assertEquals(List.of("020000000009:2", "020000000009:3"), datagrams(), "the oldest went (§7.2.2)");
        assertEquals(0, stack.ipv6().nd().cache().queuePool().used);
    }

    @Test
    void withoutQueueingAPacketForAnUnresolvedNeighbourFails() {
        setUp(b -> b.lwipNd6Queueing(0));
        long memerr = stack.stats().nd6.memerr;
        assertEquals(Err.MEM, send(PEER, 1));
        assertEquals(memerr + 1, stack.stats().nd6.memerr);
        assertEquals(NeighborState.INCOMPLETE, entry(PEER).state(), "resolution goes on");
    }

    @Test
    void aFullCacheEvictsAStaleEntryFirstThenTheEntryUsedLongestAgo() {
        setUp(b -> b.lwipNd6NumNeighbors(3));
        ns("2001:db8::a", MAC1);          // DELAY (our NA used it), oldest
        clock.advance(Duration.ofMillis(10));
        send("2001:db8::b", 1);
        na("2001:db8::b", 0, MAC1);       // unsolicited: STALE
        clock.advance(Duration.ofMillis(10));
        send("2001:db8::c", 2);           // INCOMPLETE, queues one
        clock.advance(Duration.ofMillis(10));
        assertEquals(NeighborState.STALE, entry("2001:db8::b").state());
        send("2001:db8::d", 3);
        assertNull(entry("2001:db8::b"), "a STALE entry goes first, though not the oldest");
        assertEquals(NeighborState.DELAY, entry("2001:db8::a").state());
        assertEquals(3, stack.ipv6().nd().cache().size());
        clock.advance(Duration.ofMillis(10));
        send("2001:db8::e", 4);
        assertNull(entry("2001:db8::a"), "then one that is not INCOMPLETE");
        long drop = stack.stats().nd6.drop;
        clock.advance(Duration.ofMillis(10));
        send("2001:db8::f", 5);           // only INCOMPLETE entries left: the oldest goes with its queue
        assertNull(entry("2001:db8::c"));
        assertEquals(NeighborState.INCOMPLETE, entry("2001:db8::d").state());
        assertEquals(drop + 1, stack.stats().nd6.drop, "its queued packet was dropped and counted");
        assertEquals(3, stack.ipv6().nd().cache().size());
    }

    @Test
    void aStaleEntryInUseIsProbedByUnicastThenForgotten() {
        setUp();
        ns(PEER, MAC1);
        wire.clear();
        send(PEER, 1);
        assertEquals(NeighborState.DELAY, entry(PEER).state());
        assertEquals(List.of("020000000009:1"), datagrams(), "sent at once to the stale address");
        advance(Duration.ofMillis(5000)); // DELAY_FIRST_PROBE_TIME
        assertEquals(NeighborState.PROBE, entry(PEER).state());
        List<String> probes = solicitations();
        advance(Duration.ofMillis(3100)); // two more, RetransTimer (1 s) apart, then the entry goes
        probes.addAll(solicitations());
        assertEquals(List.of("020000000009", "020000000009", "020000000009"), probes, "MAX_UNICAST_SOLICIT unicast probes");
        assertNull(entry(PEER));
    }

    @Test
    void aSolicitationWithASourceAddressResolvesAnIncompleteEntryAndSendsItsQueue() {
        setUp();
        send(PEER, 1);
        send(PEER, 2);
        wire.clear();
        ns(PEER, MAC2);
        assertEquals(MAC2, entry(PEER).mac());
        assertEquals(0, entry(PEER).queued());
        assertEquals(List.of("020000000077:1", "020000000077:2"), datagrams(), "the queue, to the learned address (§7.2.3)");
        assertEquals(0, stack.ipv6().nd().cache().queuePool().used);
    }

    @Test
    void theSharedQueuePoolBoundsEveryEntryAndItsExhaustionIsCounted() {
        setUp(b -> b.memNumNd6Queue(1));
        var pool = stack.ipv6().nd().cache().queuePool();
        assertEquals(Err.OK, send(PEER, 1));
        long memerr = stack.stats().nd6.memerr;
        long drop = stack.stats().nd6.drop;
        assertEquals(Err.MEM, send("2001:db8::8", 2), "the pool's one packet is taken");
        assertEquals(1, pool.err);
        assertEquals(memerr + 1, stack.stats().nd6.memerr);
        assertEquals(drop + 1, stack.stats().nd6.drop);
        assertEquals(1, pool.used);
        // The same entry replaces its oldest packet instead.
        assertEquals(Err.OK, send(PEER, 3));
        assertEquals(drop + 2, stack.stats().nd6.drop);
        na(PEER, S, MAC1);
        assertEquals(List.of("020000000009:3"), datagrams());
        assertEquals(0, pool.used);
    }

    @Test
    void failedResolutionCountsAnErrorAndEveryQueuedPacketAsDropped() {
        setUp();
        long err = stack.stats().nd6.err;
        long drop = stack.stats().nd6.drop;
        send(PEER, 1);
        send(PEER, 2);
        advance(Duration.ofMillis(3100)); // three solicitations, RetransTimer (1 s) apart
        assertNull(entry(PEER));
        assertEquals(err + 1, stack.stats().nd6.err);
        assertEquals(drop + 2, stack.stats().nd6.drop);
        assertEquals(0, stack.ipv6().nd().cache().queuePool().used);
    }

    @Test
    void entriesArePerNetifAndGoingDownFlushesOnlyThatNetifsWithTheirQueues() {
        setUp();
        CaptureDriver wire2 = new CaptureDriver();
        Netif n2 = stack.addNetif(wire2, "eth1");
        n2.setFlags(Netif.FLAG_MLD6, 0);
        n2.setUp(true);
        n2.ip6().add(Ip6Address.parse("2001:db8:2::1"), 64);
        run();
        var cache = stack.ipv6().nd().cache();
        String fe = "fe80::9";
        // The same link-local address on both links: resolved on each, to different MACs.
        for (Netif n : new Netif[] {netif, n2}) {
            Pbuf p = stack.pbuf(new byte[] {1});
            pcb.sendTo(p, Ip6Address.parse(fe).withZone(n.index()), 7);
            p.free();
        }
        run();
        for (Netif n : new Netif[] {netif, n2}) {
            long mac = n == netif ? MAC1 : MAC2;
            (n == netif ? wire : wire2).inject(ethernet(n.mac().bits(), mac, ipv6(58, fe, "ff02::1", 255,
                    icmpv6(136, 0, O << 24, cat(Ip6Address.parse(fe).toBytes(), macOption(2, mac)), fe, "ff02::1"))));
        }
        run();
        assertEquals(MAC1, cache.find(netif, Ip6Address.parse(fe)).mac());
        assertEquals(MAC2, cache.find(n2, Ip6Address.parse(fe)).mac());
        assertEquals(MAC1, cache.find(netif, Ip6Address.parse(fe)).mac(), "each lookup finds its own netif's entry");
        send("2001:db8:2::9", 3); // queued on eth1
        assertEquals(1, cache.queuePool().used);
        n2.setUp(false);
        run();
        assertNull(cache.find(n2, Ip6Address.parse(fe)));
        assertNull(cache.find(n2, Ip6Address.parse("2001:db8:2::9")));
        assertEquals(0, cache.queuePool().used, "its queue went back to the pool");
        assertEquals(MAC1, cache.find(netif, Ip6Address.parse(fe)).mac());
    }

    @Test
    void anEntryShowsItsProbesAndPrintsItsAddressStateAndMac() {
        setUp();
        send(PEER, 1);
        assertEquals(1, entry(PEER).probes(), "the first multicast solicitation");
        assertEquals("2001:db8::9 INCOMPLETE", entry(PEER).toString(), "no link-layer address yet");
        advance(Duration.ofMillis(1000));
        assertEquals(2, entry(PEER).probes());
        na(PEER, S, MAC1);
        assertEquals(0, entry(PEER).probes());
        assertTrue(entry(PEER).toString().endsWith(" REACHABLE 20000000009"), entry(PEER).toString());
    }
}
