package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/** The ARP table's application API: on the loop only, requests and announcements byte for byte (RFC 826, RFC 5227 §3). */
class ArpApiTest {
    private final VirtualClock clock = new VirtualClock();
    private final Stack stack = Stack.create(StackConfig.builder().randomSeed(20).build(), clock);
    private final CaptureDriver wire = new CaptureDriver();
    private final Netif eth = stack.addNetif(wire, "eth0");

    ArpApiTest() {
        // This test counts frames on the wire; MLD reports are MldTest's (lwIP: no NETIF_FLAG_MLD6).
        eth.setFlags(Netif.FLAG_MLD6, 0);
    }

    @AfterEach
    void tearDown() {
        stack.close();
    }

    private static byte[] arp(long srcMac, String srcIp, long dstMac, String dstIp, int op, long targetMac) {
        byte[] f = new byte[42];
        put48(f, 0, dstMac);
        put48(f, 6, srcMac);
        f[12] = 0x08;
        f[13] = 0x06;
        f[14] = 0;
        f[15] = 1;
        f[16] = 0x08;
        f[17] = 0;
        f[18] = 6;
        f[19] = 4;
        f[21] = (byte) op;
        put48(f, 22, srcMac);
        System.arraycopy(Ip4Address.parse(srcIp).toBytes(), 0, f, 28, 4);
        put48(f, 32, targetMac);
        System.arraycopy(Ip4Address.parse(dstIp).toBytes(), 0, f, 38, 4);
        return f;
    }

    private static void put48(byte[] b, int off, long v) {
        for (int i = 0; i < 6; i++) {
            b[off + i] = (byte) (v >>> (40 - 8 * i));
        }
    }

    @Test
    void aRequestAndAnAnnouncementAreByteExact() {
        eth.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        eth.ip4().add(Ip4Interface.parse("10.0.1.1/24"));
        eth.setUp(true);
        wire.clear(); // the gratuitous ARP of coming up
        long me = eth.mac().bits();
        assertEquals(Err.OK, stack.arp().request(eth, Ip4Address.parse("10.0.0.9")));
        assertArrayEquals(arp(me, "10.0.0.1", 0xffffffffffffL, "10.0.0.9", 1, 0), Arrays.copyOf(wire.poll().data(), 42));
        assertEquals(Err.OK, stack.arp().announce(eth));
        assertArrayEquals(arp(me, "10.0.0.1", 0xffffffffffffL, "10.0.0.1", 1, 0), Arrays.copyOf(wire.poll().data(), 42));
        assertArrayEquals(arp(me, "10.0.1.1", 0xffffffffffffL, "10.0.1.1", 1, 0), Arrays.copyOf(wire.poll().data(), 42));
        assertEquals(0, wire.count());
    }

    @Test
    void anAnnouncementNeedsAnAddress() {
        eth.setUp(true);
        assertEquals(Err.VAL, stack.arp().announce(eth));
        assertEquals(0, wire.count());
    }

    @Test
    void everyTableCallIsRefusedOffTheLoop() throws Exception {
        eth.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        eth.setUp(true);
        stack.poll(clock.nanoTime()); // polled by this thread: the loop is this thread's
        Arp arp = stack.arp();
        Ip4Address peer = Ip4Address.parse("10.0.0.9");
        MacAddress mac = MacAddress.parse("02:00:00:00:00:09");
        List<Runnable> calls = List.of(() -> arp.addStatic(eth, peer, mac), () -> arp.removeStatic(eth, peer),
                () -> arp.lookup(eth, peer), arp::entries, () -> arp.request(eth, peer), () -> arp.announce(eth),
                () -> arp.flush(eth), () -> arp.onConflict((n, a, m, d) -> { }),
                () -> arp.removeConflictListener((n, a, m, d) -> { }), () -> arp.addObserver((n, o, sm, si, tm, ti) -> { }),
                () -> arp.removeObserver((n, o, sm, si, tm, ti) -> { }));
        int before = wire.count();
        List<Integer> passed = new ArrayList<>();
        Thread t = new Thread(() -> {
            for (int i = 0; i < calls.size(); i++) {
                try {
                    calls.get(i).run();
                    passed.add(i);
                } catch (IllegalStateException expected) {
                    // the loop guard
                }
            }
        });
        t.start();
        t.join();
        assertEquals(List.of(), passed, "off-loop calls that were not refused");
        assertEquals(before, wire.count());
        assertEquals(null, arp.lookup(eth, peer));
    }
}
