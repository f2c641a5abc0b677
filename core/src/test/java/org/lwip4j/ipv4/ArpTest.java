package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.VirtualClock;

/**
 * ARP (RFC 826, RFC 1122 §2.3.2, RFC 5227) against a capturing driver, on virtual time.
 * The clock starts 30 s before the {@code long} wraps, so every timing here also crosses
 * the wrap. Expected frames are written out byte by byte, independent of the code that
 * emits them.
 */
class ArpTest {
    private static final long START = Long.MAX_VALUE - Duration.ofSeconds(30).toNanos();
    private static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:01");
    private static final long PEER = 0x020000000002L;
    private static final long OTHER = 0x020000000099L;
    private static final int OUR_IP = ip("192.168.1.1");
    private static final int PEER_IP = ip("192.168.1.2");

    /** Our request for 192.168.1.2, broadcast. */
    private static final String REQUEST_FOR_PEER =
            "ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 c0a80101 000000000000 c0a80102";
    /** Our announcement of 192.168.1.1 (RFC 5227 §3). */
    private static final String ANNOUNCE_OUR_IP =
            "ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 c0a80101 000000000000 c0a80101";

    private VirtualClock clock;
    private StackContext ctx;
    private NetifTable netifs;
    private Arp arp;
    private CaptureDriver drv;
    private Netif eth0;

    // ---------------------------------------------------------------------------------
    // Harness

    /** A driver that records every frame it is given. */
    static final class CaptureDriver implements NetifDriver {
        final List<byte[]> frames = new ArrayList<>();
        boolean capture = true;
        long transmitted;

        @Override
        public LinkType linkType() {
            return LinkType.ETHERNET;
        }

        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public void attach(Netif netif) {
        }

        @Override
        public Err transmit(Pbuf frame) {
            transmitted++;
            if (capture) {
                frames.add(frame.toByteArray());
            }
            return Err.OK;
        }

        /** The frames sent since the last call, as hex. */
        List<String> take() {
            List<String> out = new ArrayList<>();
            for (byte[] f : frames) {
                out.add(HexFormat.of().formatHex(f));
            }
            frames.clear();
            return out;
        }
    }

    private void start() {
        start(b -> { });
    }

    /** A stack with small ARP bounds (table 4, queue 3 per entry and 8 in all, 1 s retries, 5 s pending, 300 s age). */
    private void start(Consumer<StackConfig.Builder> tweak) {
        StackConfig.Builder b = StackConfig.builder()
                .pbufPoolSize(64)
                .arpTableSize(4)
                .arpQueueLen(3)
                .memNumArpQueue(8)
                .arpRetryInterval(Duration.ofSeconds(1))
                .arpMaxPending(Duration.ofSeconds(5))
                .arpMaxAge(Duration.ofSeconds(300));
        tweak.accept(b);
        clock = new VirtualClock(START);
        ctx = new StackContext(b.build(), clock);
        netifs = new NetifTable(ctx);
        arp = new Arp(ctx, netifs);
        drv = new CaptureDriver();
        eth0 = netifs.add(drv, "eth0", OUR_MAC);
        eth0.ip4().set(Ip4Interface.parse("192.168.1.1/24"));
        eth0.setUp(true);
        drv.frames.clear();
        drv.transmitted = 0;
        ProtoStats s = ctx.stats().etharp; // count from here: the announcement of eth0 is not part of any test
        s.xmit = s.recv = s.drop = s.lenerr = s.memerr = s.rterr = s.proterr = s.err = s.cachehit = 0;
    }

    @AfterEach
    void noLeaks() {
        if (ctx == null) {
            return;
        }
        for (Netif n : netifs.all()) {
            netifs.remove(n);
        }
        ctx.loop().poll(clock.nanoTime());
        assertEquals(0, ctx.stats().pool("ARP_QUEUE").used, "ARP_QUEUE in use");
        assertEquals(0, arp.tableStats().used, "ARP_TABLE in use");
        assertEquals(0, ctx.stats().pool("PBUF_POOL").used, "PBUF_POOL in use");
        assertEquals(0, ctx.stats().pool("MEM_RAM").used, "MEM_RAM in use");
        assertEquals(0, ctx.stats().pool("ARP_QUEUE").illegal + ctx.stats().pool("PBUF_POOL").illegal);
    }

    private ProtoStats st() {
        return ctx.stats().etharp;
    }

    private static int ip(String s) {
        return Ip4Address.parse(s).bits();
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static String norm(String s) {
        return s.replace(" ", "");
    }

    /** Moves time on by {@code ms} and runs what is due. */
    private void advanceMs(long ms) {
        clock.advance(Duration.ofMillis(ms));
        ctx.loop().poll(clock.nanoTime());
    }

    private long elapsedMs() {
        return Duration.ofNanos(clock.nanoTime() - START).toMillis();
    }

    /** An Ethernet frame carrying an ARP packet, built byte by byte (not with ArpPacket). */
    private static byte[] arpFrame(long ethDst, long ethSrc, int op, long sha, int spa, long tha, int tpa, int padTo) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(42, padTo));
        put48(b, ethDst);
        put48(b, ethSrc);
        b.putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) op);
        put48(b, sha);
        b.putInt(spa);
        put48(b, tha);
        b.putInt(tpa);
        return b.array();
    }

    private static void put48(ByteBuffer b, long v) {
        b.putShort((short) (v >>> 32)).putInt((int) v);
    }

    private void inject(Netif n, byte[] frame) {
        n.input(Pbuf.copyOf(frame, 0));
    }

    /** The peer answers our request for {@code spa} (unicast reply to us). */
    private void reply(Netif n, long mac, int spa) {
        inject(n, arpFrame(n.mac().bits(), mac, 2, mac, spa, n.mac().bits(), n.ip4().address().bits(), 60));
    }

    /** The peer asks for our address (broadcast), which makes us learn it. */
    private void askUs(Netif n, long mac, int spa) {
        inject(n, arpFrame(0xffffffffffffL, mac, 1, mac, spa, 0, n.ip4().address().bits(), 60));
    }

    /** A 20-byte stand-in for an IPv4 packet whose last byte is {@code tag}, in a pool pbuf. */
    private Pbuf packet(int tag) {
        Pbuf p = ctx.pbufs().allocPool(Layer.IP, 20);
        byte[] b = hex("4500001400000000401100000a0000010a0000" + String.format("%02x", tag));
        p.copyFrom(0, b, 0, b.length);
        return p;
    }

    /** Sends a tagged packet to {@code nextHop} through ARP, as IP output would, and frees our reference. */
    private Err send(Netif n, int tag, int nextHop) {
        Pbuf p = packet(tag);
        Err e = arp.output(n, p, Ip4Address.of(nextHop));
        p.free();
        return e;
    }

    private static String ipFrame(long dst, long src, int tag) {
        return String.format("%012x%012x0800", dst, src) + "4500001400000000401100000a0000010a0000" + String.format("%02x", tag);
    }

    private ArpEntry entry(Netif n, int ipBits) {
        for (ArpEntry e : arp.entries()) {
            if (e.netif() == n && e.ip().bits() == ipBits) {
                return e;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------------------------
    // Sending and resolving

    @Test
    void requestOnMissIsByteExactAndPacketIsQueued() {
        start();
        assertEquals(Err.OK, send(eth0, 1, PEER_IP));
        assertEquals(List.of(norm(REQUEST_FOR_PEER)), drv.take());
        ArpEntry e = entry(eth0, PEER_IP);
        assertEquals(ArpState.PENDING, e.state());
        assertNull(e.mac());
        assertEquals(1, e.queued());
        assertEquals(1, ctx.stats().pool("ARP_QUEUE").used);
        assertEquals(1, st().xmit);
        assertNull(arp.lookup(eth0, Ip4Address.of(PEER_IP)));
    }

    @Test
    void requestForOurAddressGetsByteExactUnicastReplyAndSenderIsLearned() {
        start();
        // Broadcast request from 192.168.1.2, padded to the Ethernet minimum of 60 bytes.
        inject(eth0, hex("ffffffffffff 020000000002 0806 0001 0800 06 04 0001 020000000002 c0a80102 000000000000 c0a80101"
                + " 000000000000000000000000000000000000"));
        assertEquals(List.of(norm("020000000002 020000000001 0806 0001 0800 06 04 0002 020000000001 c0a80101 020000000002 c0a80102")),
                drv.take());
        ArpEntry e = entry(eth0, PEER_IP);
        assertEquals(ArpState.STABLE, e.state());
        assertEquals(new MacAddress(PEER), e.mac());
        assertEquals(1, st().recv);
        assertEquals(1, st().xmit);
    }

    @Test
    void requestForASecondaryAddressIsAnsweredFromThatAddress() {
        start();
        eth0.ip4().add(Ip4Interface.parse("10.0.0.1/8"));
        drv.frames.clear();
        inject(eth0, arpFrame(0xffffffffffffL, PEER, 1, PEER, ip("10.0.0.2"), 0, ip("10.0.0.1"), 60));
        assertEquals(List.of(norm("020000000002 020000000001 0806 0001 0800 06 04 0002 020000000001 0a000001 020000000002 0a000002")),
                drv.take());
    }

    @Test
    void probeForOurAddressIsAnsweredAndIsNoConflict() {
        start();
        List<Ip4Address> conflicts = new ArrayList<>();
        arp.onConflict((n, a, m, d) -> conflicts.add(a));
        // RFC 5227 §2.1.1 probe: sender IP 0.0.0.0.
        inject(eth0, arpFrame(0xffffffffffffL, OTHER, 1, OTHER, 0, 0, OUR_IP, 60));
        assertEquals(List.of(norm("020000000099 020000000001 0806 0001 0800 06 04 0002 020000000001 c0a80101 020000000099 00000000")),
                drv.take());
        assertTrue(conflicts.isEmpty());
        assertTrue(arp.entries().isEmpty(), "nothing learned from 0.0.0.0");
    }

    @Test
    void queueIsFlushedInOrderWhenTheReplyComes() {
        start();
        assertEquals(Err.OK, send(eth0, 1, PEER_IP));
        assertEquals(Err.OK, send(eth0, 2, PEER_IP));
        assertEquals(Err.OK, send(eth0, 3, PEER_IP));
        assertEquals(List.of(norm(REQUEST_FOR_PEER)), drv.take(), "one request, not one per packet");
        assertEquals(3, entry(eth0, PEER_IP).queued());
        reply(eth0, PEER, PEER_IP);
        assertEquals(List.of(ipFrame(PEER, OUR_MAC.bits(), 1), ipFrame(PEER, OUR_MAC.bits(), 2), ipFrame(PEER, OUR_MAC.bits(), 3)),
                drv.take());
        assertEquals(ArpState.STABLE, entry(eth0, PEER_IP).state());
        assertEquals(0, ctx.stats().pool("ARP_QUEUE").used);
        // Resolved: sent at once, counted as a cache hit.
        assertEquals(Err.OK, send(eth0, 4, PEER_IP));
        assertEquals(List.of(ipFrame(PEER, OUR_MAC.bits(), 4)), drv.take());
        assertEquals(1, st().cachehit);
        assertEquals(new MacAddress(PEER), arp.lookup(eth0, Ip4Address.of(PEER_IP)));
    }

    @Test
    void queueOfAnEntryKeepsTheLatestPackets() {
        start();
        for (int tag = 1; tag <= 5; tag++) {
            assertEquals(Err.OK, send(eth0, tag, PEER_IP));
        }
        assertEquals(3, entry(eth0, PEER_IP).queued());
        assertEquals(2, st().drop);
        assertEquals(3, ctx.stats().pool("ARP_QUEUE").used);
        drv.frames.clear();
        reply(eth0, PEER, PEER_IP);
        assertEquals(List.of(ipFrame(PEER, OUR_MAC.bits(), 3), ipFrame(PEER, OUR_MAC.bits(), 4), ipFrame(PEER, OUR_MAC.bits(), 5)),
                drv.take());
    }

    @Test
    void queuesOfAllEntriesAreBoundedTogether() {
        start(b -> b.memNumArpQueue(4));
        int a = ip("192.168.1.2");
        int b = ip("192.168.1.3");
        int c = ip("192.168.1.4");
        for (int tag = 1; tag <= 3; tag++) {
            assertEquals(Err.OK, send(eth0, tag, a));
        }
        assertEquals(Err.OK, send(eth0, 4, b));
        assertEquals(4, ctx.stats().pool("ARP_QUEUE").used);
        // No room and nothing of its own to give up: refused.
        assertEquals(Err.MEM, send(eth0, 5, c));
        assertEquals(1, st().memerr);
        assertEquals(1, st().drop);
        assertEquals(1, ctx.stats().pool("ARP_QUEUE").err);
        assertEquals(ArpState.PENDING, entry(eth0, c).state(), "the request still goes out");
        assertEquals(0, entry(eth0, c).queued());
        // An entry that queues something replaces its oldest packet with the latest.
        assertEquals(Err.OK, send(eth0, 6, b));
        assertEquals(2, st().drop);
        assertEquals(4, ctx.stats().pool("ARP_QUEUE").used);
        drv.frames.clear();
        reply(eth0, 0x02000000000bL, b);
        assertEquals(List.of(ipFrame(0x02000000000bL, OUR_MAC.bits(), 6)), drv.take());
        assertEquals(3, ctx.stats().pool("ARP_QUEUE").used);
    }

    @Test
    void pendingEntryRetriesEveryIntervalThenGivesUpAndFreesItsQueue() {
        start();
        advanceMs(300); // retries count from the entry's first request, not from a global tick
        long t0 = elapsedMs();
        send(eth0, 1, PEER_IP);
        send(eth0, 2, PEER_IP);
        List<Long> requests = new ArrayList<>();
        for (String f : drv.take()) {
            assertEquals(norm(REQUEST_FOR_PEER), f);
            requests.add(elapsedMs() - t0);
        }
        assertEquals(2, ctx.stats().pool("ARP_QUEUE").used);
        long gaveUpAt = -1;
        while (elapsedMs() - t0 < 7000) {
            advanceMs(100);
            for (String f : drv.take()) {
                assertEquals(norm(REQUEST_FOR_PEER), f);
                requests.add(elapsedMs() - t0);
            }
            if (gaveUpAt < 0 && entry(eth0, PEER_IP) == null) {
                gaveUpAt = elapsedMs() - t0;
            }
        }
        assertEquals(List.of(0L, 1000L, 2000L, 3000L, 4000L), requests);
        assertEquals(5000, gaveUpAt);
        assertEquals(1, st().rterr);
        assertEquals(2, st().drop);
        assertEquals(0, ctx.stats().pool("ARP_QUEUE").used);
        assertEquals(0, ctx.stats().pool("PBUF_POOL").used);
        assertEquals(0, ctx.timers().pending(), "an idle ARP arms no timer");
    }

    @Test
    void noMoreThanOneRequestPerIntervalHoweverManyPackets() {
        start(b -> b.arpQueueLen(100).memNumArpQueue(100));
        for (int i = 0; i < 30; i++) {
            send(eth0, i, PEER_IP);
            advanceMs(100);
        }
        // 3 s of sending: the first request and retries at 1 s, 2 s and 3 s.
        assertEquals(4, drv.take().size());
    }

    // ---------------------------------------------------------------------------------
    // Table bounds, eviction, static entries

    @Test
    void fullTableEvictsTheStableEntryConfirmedLongestAgo() {
        start();
        for (int i = 2; i <= 5; i++) {
            askUs(eth0, 0x020000000000L + i, ip("192.168.1." + i));
            advanceMs(1000);
        }
        assertEquals(4, arp.entries().size());
        // .3 confirms itself again (gratuitous ARP): .2 is the oldest now.
        inject(eth0, arpFrame(0xffffffffffffL, 0x020000000003L, 1, 0x020000000003L, ip("192.168.1.3"), 0, ip("192.168.1.3"), 60));
        send(eth0, 6, ip("192.168.1.6"));
        assertNull(entry(eth0, ip("192.168.1.2")));
        assertNotNull(entry(eth0, ip("192.168.1.3")));
        // Next: .4 is the oldest (.3 was refreshed after it).
        send(eth0, 7, ip("192.168.1.7"));
        assertNull(entry(eth0, ip("192.168.1.4")));
        assertNotNull(entry(eth0, ip("192.168.1.3")));
        assertNotNull(entry(eth0, ip("192.168.1.5")));
        assertEquals(4, arp.entries().size());
        assertEquals(4, arp.tableStats().max, "never more than arpTableSize");
    }

    @Test
    void evictionPrefersPendingWithoutQueueThenOldestPending() {
        start(b -> b.arpTableSize(3).memNumArpQueue(1));
        assertEquals(Err.OK, arp.addStatic(eth0, Ip4Address.of(ip("192.168.1.9")), new MacAddress(0x020000000009L)));
        assertEquals(Err.OK, send(eth0, 1, ip("192.168.1.2")));   // pending, queues the only slot
        advanceMs(100);
        assertEquals(Err.MEM, send(eth0, 2, ip("192.168.1.3")));  // pending, nothing queued
        advanceMs(100);
        // Full: the static entry stays, the pending entry without packets goes, although it is younger.
        assertEquals(Err.MEM, send(eth0, 3, ip("192.168.1.4")));
        assertNull(entry(eth0, ip("192.168.1.3")));
        assertNotNull(entry(eth0, ip("192.168.1.2")));
        assertNotNull(entry(eth0, ip("192.168.1.9")));
        // Only pending entries with packets and the new empty one are left: the empty one goes first again.
        advanceMs(100);
        assertEquals(Err.MEM, send(eth0, 4, ip("192.168.1.5")));
        assertNull(entry(eth0, ip("192.168.1.4")));
        assertEquals(1, entry(eth0, ip("192.168.1.2")).queued());
        assertEquals(Err.OK, arp.removeStatic(eth0, Ip4Address.of(ip("192.168.1.9"))));
    }

    @Test
    void evictingAPendingEntryDropsItsPackets() {
        start(b -> b.arpTableSize(2));
        send(eth0, 1, ip("192.168.1.2"));
        send(eth0, 2, ip("192.168.1.2"));
        advanceMs(100);
        send(eth0, 3, ip("192.168.1.3"));
        long drops = st().drop;
        send(eth0, 4, ip("192.168.1.4"));
        assertNull(entry(eth0, ip("192.168.1.2")), "the oldest pending entry goes");
        assertEquals(drops + 2, st().drop);
        assertEquals(2, ctx.stats().pool("ARP_QUEUE").used);
    }

    @Test
    void staticEntriesAreNeverEvictedAndATableOfThemRefusesMore() {
        start(b -> b.arpTableSize(2));
        assertEquals(Err.OK, arp.addStatic(eth0, Ip4Address.of(ip("192.168.1.2")), new MacAddress(PEER)));
        assertEquals(Err.OK, arp.addStatic(null, Ip4Address.of(ip("192.168.1.3")), new MacAddress(0x020000000003L)));
        assertEquals(Err.MEM, arp.addStatic(eth0, Ip4Address.of(ip("192.168.1.4")), new MacAddress(0x020000000004L)));
        assertEquals(Err.MEM, send(eth0, 1, ip("192.168.1.5")));
        assertEquals(1, st().memerr);
        askUs(eth0, 0x020000000006L, ip("192.168.1.6"));
        assertNull(entry(eth0, ip("192.168.1.6")), "no room to learn");
        assertEquals(2, arp.entries().size());
        assertEquals(3, arp.tableStats().err, "static add, send and learn refused");
        // The wildcard static entry applies on this netif.
        drv.frames.clear();
        assertEquals(Err.OK, send(eth0, 7, ip("192.168.1.3")));
        assertEquals(List.of(ipFrame(0x020000000003L, OUR_MAC.bits(), 7)), drv.take());
        assertEquals(Err.OK, arp.removeStatic(null, Ip4Address.of(ip("192.168.1.3"))));
        assertEquals(Err.ARG, arp.removeStatic(null, Ip4Address.of(ip("192.168.1.3"))));
    }

    @Test
    void staticEntriesAreNeverAgedNorOverwritten() {
        start();
        assertEquals(Err.OK, arp.addStatic(eth0, Ip4Address.of(PEER_IP), new MacAddress(PEER)));
        for (int i = 0; i < 60; i++) {
            advanceMs(60_000);
        }
        ArpEntry e = entry(eth0, PEER_IP);
        assertEquals(ArpState.STATIC, e.state());
        assertEquals(Duration.ofHours(1), e.age());
        // ARP from the address claiming another MAC changes nothing.
        reply(eth0, OTHER, PEER_IP);
        askUs(eth0, OTHER, PEER_IP);
        assertEquals(new MacAddress(PEER), arp.lookup(eth0, Ip4Address.of(PEER_IP)));
        drv.frames.clear();
        send(eth0, 1, PEER_IP);
        assertEquals(List.of(ipFrame(PEER, OUR_MAC.bits(), 1)), drv.take(), "no re-request of a static entry");
        // Not even a netif going down removes it.
        eth0.setUp(false);
        eth0.setUp(true);
        assertEquals(ArpState.STATIC, entry(eth0, PEER_IP).state());
        assertEquals(Err.OK, arp.removeStatic(eth0, Ip4Address.of(PEER_IP)));
        assertNull(entry(eth0, PEER_IP));
        assertEquals(Err.ARG, arp.removeStatic(eth0, Ip4Address.of(PEER_IP)));
    }

    @Test
    void staticEntryForAPendingAddressSendsItsQueue() {
        start();
        send(eth0, 1, PEER_IP);
        drv.frames.clear();
        assertEquals(Err.OK, arp.addStatic(eth0, Ip4Address.of(PEER_IP), new MacAddress(PEER)));
        assertEquals(List.of(ipFrame(PEER, OUR_MAC.bits(), 1)), drv.take());
        advanceMs(10_000);
        assertEquals(ArpState.STATIC, entry(eth0, PEER_IP).state());
        assertTrue(drv.take().isEmpty(), "no retries for a static entry");
        arp.removeStatic(eth0, Ip4Address.of(PEER_IP));
    }

    @Test
    void staticEntriesCheckTheirArguments() {
        start(b -> b.etharpSupportStaticEntries(false));
        assertEquals(Err.VAL, arp.addStatic(eth0, Ip4Address.of(PEER_IP), new MacAddress(PEER)));
        ctx = null; // nothing to check
        start();
        assertEquals(Err.ARG, arp.addStatic(eth0, Ip4Address.BROADCAST, new MacAddress(PEER)));
        assertEquals(Err.ARG, arp.addStatic(eth0, Ip4Address.parse("224.0.0.1"), new MacAddress(PEER)));
        assertEquals(Err.ARG, arp.addStatic(eth0, Ip4Address.of(PEER_IP), MacAddress.BROADCAST));
        assertEquals(Err.ARG, arp.addStatic(eth0, Ip4Address.of(PEER_IP), MacAddress.ZERO));
    }

    // ---------------------------------------------------------------------------------
    // Ageing

    @Test
    void usedEntryIsReRequestedBeforeItExpiresAndNeverExpiresWhileInUse() {
        start();
        askUs(eth0, PEER, PEER_IP);
        drv.frames.clear();
        long t0 = elapsedMs();
        String unicastRequest = "020000000002 020000000001 0806 0001 0800 06 04 0001 020000000001 c0a80101 000000000000 c0a80102";
        advanceMs(269_999);
        send(eth0, 1, PEER_IP);
        assertEquals(List.of(ipFrame(PEER, OUR_MAC.bits(), 1)), drv.take());
        advanceMs(1);
        // 30 s before expiry: unicast poll of the known address (RFC 1122 §2.3.2.1).
        send(eth0, 2, PEER_IP);
        assertEquals(List.of(norm(unicastRequest), ipFrame(PEER, OUR_MAC.bits(), 2)), drv.take());
        assertEquals(ArpState.STABLE_REREQUESTING, entry(eth0, PEER_IP).state());
        advanceMs(500);
        send(eth0, 3, PEER_IP);
        assertEquals(List.of(ipFrame(PEER, OUR_MAC.bits(), 3)), drv.take(), "at most one re-request per interval");
        advanceMs(500);
        send(eth0, 4, PEER_IP);
        assertEquals(List.of(norm(unicastRequest), ipFrame(PEER, OUR_MAC.bits(), 4)), drv.take());
        // 15 s before expiry and still no answer: broadcast.
        advanceMs(14_000);
        send(eth0, 5, PEER_IP);
        assertEquals(List.of(norm(REQUEST_FOR_PEER), ipFrame(PEER, OUR_MAC.bits(), 5)), drv.take());
        reply(eth0, PEER, PEER_IP);
        ArpEntry e = entry(eth0, PEER_IP);
        assertEquals(ArpState.STABLE, e.state());
        assertEquals(Duration.ZERO, e.age());
        assertEquals(285_000, elapsedMs() - t0);

        // Twenty minutes of traffic every 10 s with a peer that answers: never pending, never gone.
        int requests = 0;
        for (int i = 0; i < 120; i++) {
            advanceMs(10_000);
            send(eth0, 6, PEER_IP);
            for (String f : drv.take()) {
                if (f.startsWith(norm("020000000002 020000000001 0806"))) {
                    requests++;
                    reply(eth0, PEER, PEER_IP);
                } else {
                    assertEquals(ipFrame(PEER, OUR_MAC.bits(), 6), f);
                }
            }
            assertTrue(entry(eth0, PEER_IP).state().isResolved(), "resolved at " + elapsedMs());
        }
        assertEquals(4, requests, "one unicast poll per 270 s");
    }

    @Test
    void unusedEntryExpiresAtMaxAge() {
        start();
        askUs(eth0, PEER, PEER_IP);
        drv.frames.clear();
        advanceMs(299_999);
        assertEquals(ArpState.STABLE, entry(eth0, PEER_IP).state());
        advanceMs(1);
        assertNull(entry(eth0, PEER_IP));
        assertTrue(drv.take().isEmpty(), "an unused entry is not re-requested");
        assertEquals(Err.OK, send(eth0, 1, PEER_IP));
        assertEquals(List.of(norm(REQUEST_FOR_PEER)), drv.take());
        advanceMs(5_000);
    }

    @Test
    void arpFromAKnownHostRefreshesItsEntry() {
        start();
        askUs(eth0, PEER, PEER_IP);
        drv.frames.clear();
        advanceMs(200_000);
        // The peer asks someone else: not for us, but its entry is updated (RFC 826 merge).
        inject(eth0, arpFrame(0xffffffffffffL, PEER, 1, PEER, PEER_IP, 0, ip("192.168.1.77"), 60));
        assertTrue(drv.take().isEmpty());
        assertEquals(Duration.ZERO, entry(eth0, PEER_IP).age());
        advanceMs(299_999);
        assertNotNull(entry(eth0, PEER_IP));
        assertNull(entry(eth0, ip("192.168.1.77")));
    }

    // ---------------------------------------------------------------------------------
    // Input checks

    @Test
    void arpShorterThan28BytesIsCountedAndDropped() {
        start();
        byte[] full = arpFrame(0xffffffffffffL, PEER, 1, PEER, PEER_IP, 0, OUR_IP, 42);
        byte[] shortFrame = java.util.Arrays.copyOf(full, 14 + 27);
        inject(eth0, shortFrame);
        assertEquals(1, st().recv);
        assertEquals(1, st().lenerr);
        assertEquals(1, st().drop);
        assertTrue(drv.take().isEmpty());
        assertTrue(arp.entries().isEmpty());
        // Exactly 28 bytes (no padding) is fine.
        inject(eth0, full);
        assertEquals(1, drv.take().size());
    }

    @Test
    void otherHardwareOrProtocolIsAProtocolError() {
        start();
        byte[] f = arpFrame(0xffffffffffffL, PEER, 1, PEER, PEER_IP, 0, OUR_IP, 60);
        f[16] = (byte) 0x86; // protocol type 0x86dd
        f[17] = (byte) 0xdd;
        inject(eth0, f);
        assertEquals(1, st().proterr);
        assertEquals(1, st().drop);
        assertTrue(drv.take().isEmpty());
    }

    @Test
    void packetSplitOverTwoPbufsIsRead() {
        start();
        byte[] f = arpFrame(0xffffffffffffL, PEER, 1, PEER, PEER_IP, 0, OUR_IP, 60);
        Pbuf head = Pbuf.copyOf(java.util.Arrays.copyOf(f, 30), 0);
        head.concat(Pbuf.copyOf(java.util.Arrays.copyOfRange(f, 30, f.length), 0));
        eth0.input(head);
        assertEquals(List.of(norm("020000000002 020000000001 0806 0001 0800 06 04 0002 020000000001 c0a80101 020000000002 c0a80102")),
                drv.take());
    }

    @Test
    void ourOwnAndGroupSenderAddressesAreIgnored() {
        start();
        List<Ip4Address> conflicts = new ArrayList<>();
        arp.onConflict((n, a, m, d) -> conflicts.add(a));
        // Our own announcement, request and probe, reflected back.
        inject(eth0, hex(ANNOUNCE_OUR_IP));
        inject(eth0, hex(REQUEST_FOR_PEER));
        inject(eth0, arpFrame(0xffffffffffffL, OUR_MAC.bits(), 1, OUR_MAC.bits(), 0, 0, OUR_IP, 60));
        inject(eth0, arpFrame(0xffffffffffffL, PEER, 1, 0x01005e000001L, PEER_IP, 0, OUR_IP, 60));
        inject(eth0, arpFrame(0xffffffffffffL, PEER, 1, 0xffffffffffffL, PEER_IP, 0, OUR_IP, 60));
        assertTrue(drv.take().isEmpty());
        assertTrue(arp.entries().isEmpty());
        assertTrue(conflicts.isEmpty(), "our own announcement is no conflict");
        assertEquals(5, st().drop);
        assertEquals(2, st().proterr);
    }

    @Test
    void anotherStationWithOurMacButItsOwnAddressIsStillHeard() {
        start();
        // Misconfigured (or a simulator that derives MACs from netif names): our MAC, their address.
        askUs(eth0, OUR_MAC.bits(), PEER_IP);
        assertEquals(List.of(norm("020000000001 020000000001 0806 0001 0800 06 04 0002 020000000001 c0a80101 020000000001 c0a80102")),
                drv.take());
        assertEquals(OUR_MAC, arp.lookup(eth0, Ip4Address.of(PEER_IP)));
    }

    @Test
    void gratuitousArpUpdatesAnExistingEntryButMakesNone() {
        start();
        askUs(eth0, PEER, PEER_IP);
        drv.frames.clear();
        // The peer moved to another MAC and announces it.
        inject(eth0, arpFrame(0xffffffffffffL, OTHER, 1, OTHER, PEER_IP, 0, PEER_IP, 60));
        assertEquals(new MacAddress(OTHER), arp.lookup(eth0, Ip4Address.of(PEER_IP)));
        // A stranger announcing itself is not learned (the packet is not for us).
        inject(eth0, arpFrame(0xffffffffffffL, 0x020000000007L, 2, 0x020000000007L, ip("192.168.1.7"), 0xffffffffffffL,
                ip("192.168.1.7"), 60));
        assertNull(entry(eth0, ip("192.168.1.7")));
        assertTrue(drv.take().isEmpty());
    }

    @Test
    void replyResolvesAPendingEntryEvenWhenNotAddressedToUs() {
        start();
        send(eth0, 1, PEER_IP);
        drv.frames.clear();
        // The peer answers somebody else's request, broadcast: RFC 826 merges it anyway.
        inject(eth0, arpFrame(0xffffffffffffL, PEER, 2, PEER, PEER_IP, 0x020000000055L, ip("192.168.1.55"), 60));
        assertEquals(List.of(ipFrame(PEER, OUR_MAC.bits(), 1)), drv.take());
    }

    // ---------------------------------------------------------------------------------
    // Announcements and conflicts

    @Test
    void gratuitousArpWhenTheAddressIsSetAndWhenTheLinkComesUp() {
        start();
        eth0.ip4().set(null);
        drv.frames.clear();
        eth0.ip4().set(Ip4Interface.parse("192.168.1.1/24"));
        assertEquals(List.of(norm(ANNOUNCE_OUR_IP)), drv.take());
        eth0.setLinkUp(false);
        assertTrue(drv.take().isEmpty());
        eth0.setLinkUp(true);
        assertEquals(List.of(norm(ANNOUNCE_OUR_IP)), drv.take());
        // Down: a new address is not announced until the netif comes up.
        eth0.setUp(false);
        eth0.ip4().set(Ip4Interface.parse("192.168.1.20/24"));
        assertTrue(drv.take().isEmpty());
        eth0.setUp(true);
        assertEquals(List.of(norm("ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 c0a80114 000000000000 c0a80114")),
                drv.take());
        assertEquals(Err.OK, arp.announce(eth0));
        assertEquals(1, drv.take().size());
    }

    @Test
    void conflictIsReportedNotLearnedAndDefendedOncePerDefendInterval() {
        start();
        record Conflict(Netif netif, Ip4Address address, MacAddress other, boolean defended) {
        }
        List<Conflict> seen = new ArrayList<>();
        arp.onConflict((n, a, m, d) -> seen.add(new Conflict(n, a, m, d)));
        // Another station announces our address.
        byte[] theirAnnouncement = arpFrame(0xffffffffffffL, OTHER, 1, OTHER, OUR_IP, 0, OUR_IP, 60);
        inject(eth0, theirAnnouncement);
        assertEquals(List.of(norm(ANNOUNCE_OUR_IP)), drv.take(), "defended with one announcement (RFC 5227 §2.4)");
        assertEquals(List.of(new Conflict(eth0, Ip4Address.of(OUR_IP), new MacAddress(OTHER), true)), seen);
        assertTrue(arp.entries().isEmpty(), "our own address is not learned");
        advanceMs(5_000);
        inject(eth0, theirAnnouncement);
        assertTrue(drv.take().isEmpty(), "no second defence within DEFEND_INTERVAL");
        assertEquals(false, seen.get(1).defended());
        advanceMs(4_999);
        // A request from the other station for our address: still a conflict, still not answered.
        inject(eth0, arpFrame(0xffffffffffffL, OTHER, 1, OTHER, OUR_IP, 0, OUR_IP, 60));
        assertTrue(drv.take().isEmpty());
        advanceMs(1);
        inject(eth0, theirAnnouncement);
        assertEquals(List.of(norm(ANNOUNCE_OUR_IP)), drv.take(), "10 s after the last defence");
        assertEquals(4, seen.size());
        assertEquals(4, arp.conflicts());
        assertEquals(4, st().err);
    }

    @Test
    void observerSeesEveryPacket() {
        start();
        List<String> seen = new ArrayList<>();
        arp.addObserver((n, op, sha, spa, tha, tpa) -> seen.add(op + " " + Ip4Address.of(spa) + " " + Ip4Address.of(tpa)));
        askUs(eth0, PEER, PEER_IP);
        inject(eth0, arpFrame(0xffffffffffffL, OTHER, 1, OTHER, 0, 0, ip("192.168.1.50"), 60));
        assertEquals(List.of("1 192.168.1.2 192.168.1.1", "1 0.0.0.0 192.168.1.50"), seen);
    }

    // ---------------------------------------------------------------------------------
    // Netifs

    @Test
    void sameAddressOnTwoNetifsIsTwoEntries() {
        start();
        CaptureDriver drv1 = new CaptureDriver();
        Netif eth1 = netifs.add(drv1, "eth1", MacAddress.parse("02:00:00:00:00:03"));
        eth1.ip4().set(Ip4Interface.parse("192.168.1.100/24"));
        eth1.setUp(true);
        drv1.frames.clear();
        send(eth0, 1, PEER_IP);
        send(eth1, 2, PEER_IP);
        assertEquals(1, drv.take().size());
        assertEquals(List.of(norm("ffffffffffff 020000000003 0806 0001 0800 06 04 0001 020000000003 c0a80164 000000000000 c0a80102")),
                drv1.take());
        reply(eth0, PEER, PEER_IP);
        reply(eth1, OTHER, PEER_IP);
        assertEquals(List.of(ipFrame(PEER, OUR_MAC.bits(), 1)), drv.take());
        assertEquals(List.of(ipFrame(OTHER, 0x020000000003L, 2)), drv1.take());
        assertEquals(new MacAddress(PEER), arp.lookup(eth0, Ip4Address.of(PEER_IP)));
        assertEquals(new MacAddress(OTHER), arp.lookup(eth1, Ip4Address.of(PEER_IP)));
        assertEquals(2, arp.entries().size());
        arp.flush(eth0);
        assertNull(entry(eth0, PEER_IP));
        assertNotNull(entry(eth1, PEER_IP));
        netifs.remove(eth1);
        assertTrue(arp.entries().isEmpty());
    }

    @Test
    void broadcastAndMulticastNextHopsAreMappedWithoutArp() {
        start();
        Pbuf p = packet(1);
        arp.output(eth0, p, Ip4Address.BROADCAST);
        arp.output(eth0, p, Ip4Address.parse("192.168.1.255"));
        arp.output(eth0, p, Ip4Address.parse("224.0.0.251"));
        arp.output(eth0, p, Ip4Address.parse("239.255.255.250"));
        p.free();
        List<String> f = drv.take();
        assertEquals(4, f.size());
        assertEquals(ipFrame(0xffffffffffffL, OUR_MAC.bits(), 1), f.get(0));
        assertEquals(ipFrame(0xffffffffffffL, OUR_MAC.bits(), 1), f.get(1));
        assertEquals(ipFrame(0x01005e0000fbL, OUR_MAC.bits(), 1), f.get(2));
        assertEquals(ipFrame(0x01005e7ffffaL, OUR_MAC.bits(), 1), f.get(3)); // RFC 1112 §6.4: low 23 bits
        assertTrue(arp.entries().isEmpty());
    }

    @Test
    void downOrAddressChangeFlushesDynamicEntriesAndTheirQueues() {
        start();
        askUs(eth0, PEER, PEER_IP);
        send(eth0, 1, ip("192.168.1.3"));
        arp.addStatic(eth0, Ip4Address.of(ip("192.168.1.9")), new MacAddress(0x020000000009L));
        eth0.ip4().set(Ip4Interface.parse("192.168.1.20/24"));
        assertEquals(List.of(ArpState.STATIC), arp.entries().stream().map(ArpEntry::state).toList());
        assertEquals(1, st().drop);
        assertEquals(0, ctx.stats().pool("ARP_QUEUE").used);
        askUs(eth0, PEER, PEER_IP);
        eth0.setUp(false);
        assertEquals(List.of(ArpState.STATIC), arp.entries().stream().map(ArpEntry::state).toList());
        assertEquals(0, ctx.timers().pending());
    }

    @Test
    void aStaticEntryForAllNetifsTakesOverDynamicOnes() {
        start();
        send(eth0, 1, PEER_IP);
        drv.frames.clear();
        assertEquals(Err.OK, arp.addStatic(null, Ip4Address.of(PEER_IP), new MacAddress(PEER)));
        assertEquals(List.of(ipFrame(PEER, OUR_MAC.bits(), 1)), drv.take(), "the pending packet goes out");
        assertEquals(1, arp.entries().size());
        assertNull(arp.entries().getFirst().netif());
        // Packets for the address are not learned on the netif while the static entry exists.
        reply(eth0, OTHER, PEER_IP);
        assertEquals(new MacAddress(PEER), arp.lookup(eth0, Ip4Address.of(PEER_IP)));
        assertEquals(1, arp.entries().size());
        assertEquals(Err.OK, arp.removeStatic(null, Ip4Address.of(PEER_IP)));
    }

    // ---------------------------------------------------------------------------------
    // Hot path

    @Test
    void sendingToAResolvedAddressAllocatesNothing() {
        start();
        askUs(eth0, PEER, PEER_IP);
        drv.capture = false;
        Ip4Address peer = Ip4Address.of(PEER_IP);
        Pbuf p = packet(1);
        for (int i = 0; i < 200_000; i++) {
            arp.output(eth0, p, peer);
        }
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            arp.output(eth0, p, peer);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        p.free();
        // A few bytes of noise from the measurement itself at most; a per-packet allocation would be megabytes.
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes for 100000 packets");
        assertEquals(300_000 + 1, drv.transmitted);
    }
}
