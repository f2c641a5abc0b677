package org.lwip4j.netif.tap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.testing.Frames;
import org.lwip4j.netif.testing.Host;
import org.lwip4j.netif.testing.Netns;
import org.lwip4j.netif.testing.StackHarness;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;

/**
 * The TAP driver against the Linux kernel: the TAP is opened in the root namespace, moved
 * into a namespace of the test's own, and the kernel there answers ARP requests and pings
 * built by hand. Needs root and /dev/net/tun (skips without, fails in CI).
 */
class TapDriverTest {
    static final long OUR_MAC = 0x020000000202L;
    static final String OUR_MAC_TEXT = "02:00:00:00:02:02";
    static final long HOST_MAC = 0x020000000101L;
    static final String HOST_MAC_TEXT = "02:00:00:00:01:01";
    static final int HOST_IP = 0x0ac90001; // 10.201.0.1
    static final int OUR_IP = 0x0ac90002; // 10.201.0.2

    Netns ns;
    String tap;
    StackHarness stack;
    TapDriver driver;

    @BeforeEach
    void setUp() {
        Host.requireRootAndTun();
        ns = new Netns();
        tap = Host.uniqueName("t");
        ns.cleanupRootDevice(tap);
    }

    @AfterEach
    void tearDown() {
        try {
            if (stack != null) {
                stack.close();
            }
            if (driver != null) {
                driver.close();
            }
        } finally {
            if (ns != null) {
                ns.close();
            }
        }
    }

    private void open(TuntapOptions options, StackConfig config, boolean startLoopFirst) throws Exception {
        driver = TapDriver.open(tap, options);
        ns.adopt(tap, HOST_MAC_TEXT, "10.201.0.1/24", "10.201.0.2", OUR_MAC_TEXT);
        stack = new StackHarness(config);
        if (startLoopFirst) {
            stack.start();
            stack.addOnLoop(driver, "tap0", OUR_MAC);
        } else {
            stack.addBeforeStart(driver, "tap0", OUR_MAC);
            stack.start();
        }
    }

    private static byte[] payload(int n) {
        byte[] d = new byte[n];
        for (int i = 0; i < n; i++) {
            d[i] = (byte) (i * 7 + 3);
        }
        return d;
    }

    private StackHarness.Rx expectEchoReply(int id, int seq, byte[] data) {
        StackHarness.Rx r = stack.expect(f -> Frames.u16(f, 12) == 0x0800 && Frames.echoReplyAt(f, 14, id, seq) >= 0,
                "echo reply id " + id + " seq " + seq);
        byte[] f = r.data();
        assertEquals(OUR_MAC, Frames.mac48(f, 0));
        assertEquals(HOST_MAC, Frames.mac48(f, 6));
        assertEquals(0, Frames.checksum(f, 14, 20), "IPv4 header checksum");
        int icmp = 14 + 20;
        assertArrayEquals(data, Arrays.copyOfRange(f, icmp + 8, f.length), "echoed data");
        if ((r.offloadFlags() & Pbuf.OFFLOAD_NEEDS_CSUM) == 0) {
            assertEquals(0, Frames.checksum(f, icmp, f.length - icmp), "ICMP checksum");
        }
        return r;
    }

    @Test
    void kernelAnswersArpRequestWrittenOnTheLoopPath() throws Exception {
        open(TuntapOptions.defaults(), StackConfig.defaults(), false);
        assertEquals("loop-epoll", driver.receivePath());
        assertTrue(stack.ctx.loop().waiter() instanceof EpollWaiter);

        assertEquals(Err.OK, stack.send(Frames.arpRequest(OUR_MAC, OUR_IP, HOST_IP)));
        StackHarness.Rx r = stack.expect(f -> Frames.isArpReply(f, OUR_MAC, HOST_IP), "ARP reply");
        assertEquals(HOST_MAC, Frames.mac48(r.data(), 22), "sender MAC in the reply");
        assertTrue(r.firstNodeNative(), "received into off-heap pool buffers");
        assertEquals(2, r.headroom(), "IP header aligned after the Ethernet header");
        assertTrue(driver.stats().rxFrames >= 1);
        assertEquals(1, driver.stats().txHeapDirect, "one heap frame written in place");
    }

    @Test
    void pingsAreAnsweredOnEveryTransmitPathAndReceivedAsChains() throws Exception {
        // 592-byte pool buffers (lwIP's default): a 1442-byte frame spans three of them.
        open(TuntapOptions.defaults(), StackConfig.builder().pbufPoolBufSize(592).build(), false);
        byte[] data = payload(1400);
        byte[] frame = Frames.ping(OUR_MAC, HOST_MAC, OUR_IP, HOST_IP, 77, 1, data, false);

        // 1. One heap node: written in place.
        assertEquals(Err.OK, stack.send(frame));
        StackHarness.Rx r = expectEchoReply(77, 1, data);
        assertEquals(3, r.nodes(), "a 1442-byte frame in 590-byte nodes");
        assertEquals(1, driver.stats().txHeapDirect);

        // 2. A chain of off-heap pool buffers: gathered by writev from pbuf memory.
        byte[] frame2 = Frames.ping(OUR_MAC, HOST_MAC, OUR_IP, HOST_IP, 77, 2, data, false);
        assertEquals(Err.OK, stack.send(c -> {
            Pbuf p = c.pbufs().allocPool(Layer.RAW, frame2.length);
            p.copyFrom(0, frame2, 0, frame2.length);
            assertTrue(p.chainLength() > 1);
            return p;
        }));
        expectEchoReply(77, 2, data);
        assertEquals(0, driver.stats().txCopies, "native chain needs no copy");

        // 3. Off-heap header + heap payload: copied into the scratch buffer.
        byte[] frame3 = Frames.ping(OUR_MAC, HOST_MAC, OUR_IP, HOST_IP, 77, 3, data, false);
        assertEquals(Err.OK, stack.send(c -> {
            Pbuf h = c.pbufs().allocPool(Layer.RAW, 34);
            h.copyFrom(0, frame3, 0, 34);
            h.concat(Pbuf.wrap(Arrays.copyOfRange(frame3, 34, frame3.length)));
            return h;
        }));
        expectEchoReply(77, 3, data);
        assertEquals(1, driver.stats().txCopies);
        assertEquals(3, driver.stats().txFrames);
    }

    @Test
    void readerThreadModeDeliversThroughItsQueue() throws Exception {
        open(TuntapOptions.builder().receiveMode(ReceiveMode.THREAD).build(), StackConfig.defaults(), false);
        assertEquals("reader-thread", driver.receivePath());
        byte[] data = payload(56);
        for (int seq = 1; seq <= 3; seq++) {
            assertEquals(Err.OK, stack.send(Frames.ping(OUR_MAC, HOST_MAC, OUR_IP, HOST_IP, 9, seq, data, false)));
            StackHarness.Rx r = expectEchoReply(9, seq, data);
            assertEquals(2, r.headroom());
        }
        assertTrue(driver.stats().rxThreadReads.get() >= 3);
        assertEquals(0, driver.stats().rxQueueDrops.get());
    }

    @Test
    void loopStartedBeforeAttachFallsBackToWatcherThread() throws Exception {
        open(TuntapOptions.defaults(), StackConfig.defaults(), true);
        assertEquals("loop-watcher", driver.receivePath());
        byte[] data = payload(32);
        for (int seq = 1; seq <= 3; seq++) {
            assertEquals(Err.OK, stack.send(Frames.ping(OUR_MAC, HOST_MAC, OUR_IP, HOST_IP, 5, seq, data, false)));
            expectEchoReply(5, seq, data);
        }
        // Replies to our own writes may be read before the loop sleeps (the kernel answers
        // inside write()); a frame the kernel sends on its own reaches an idle loop only
        // through the watcher.
        long before = driver.stats().loopWakeups.get();
        ns.exec("/usr/bin/python3", "-c", "import socket; socket.socket(2, 2).sendto(b'hello', ('10.201.0.2', 7777))");
        stack.expect(f -> Frames.u16(f, 12) == 0x0800 && f[23] == 17 && Frames.u32(f, 30) == OUR_IP && Frames.u16(f, 36) == 7777,
                "datagram from the kernel");
        assertTrue(driver.stats().loopWakeups.get() > before, "the watcher woke the loop");
    }

    @Test
    void virtioHeaderCarriesPartialChecksumOut() throws Exception {
        open(TuntapOptions.builder().offloads(EnumSet.of(Offload.CSUM, Offload.TSO4, Offload.TSO6)).build(),
                StackConfig.defaults(), false);
        assertEquals(VirtioNetHeader.SIZE, driver.device().vnetHeaderSize());
        byte[] data = payload(100);
        // ICMP checksum left 0: the kernel completes it from csum_start/csum_offset.
        byte[] frame = Frames.ping(OUR_MAC, HOST_MAC, OUR_IP, HOST_IP, 31, 1, data, true);
        assertEquals(Err.OK, stack.send(c -> {
            Pbuf p = c.pbufs().allocPool(Layer.RAW, frame.length);
            p.copyFrom(0, frame, 0, frame.length);
            p.setChecksumPartial(34, 2);
            return p;
        }));
        expectEchoReply(31, 1, data);
    }

    @Test
    void udpSegmentationOffloadArrivesAsOneSuperFrame() throws Exception {
        open(TuntapOptions.builder().offloads(EnumSet.of(Offload.CSUM, Offload.USO4, Offload.USO6)).build(),
                StackConfig.defaults(), false);
        // The kernel in the namespace sends 8000 bytes as one GSO datagram (UDP_SEGMENT 1000).
        String py = "import socket\n"
                + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                + "s.setsockopt(17,103,1000)\n"
                + "s.sendto(bytes(i%251 for i in range(8000)),('10.201.0.2',9999))\n";
        ns.exec("/usr/bin/python3", "-c", py);
        StackHarness.Rx r = stack.expect(f -> f.length > 42 && Frames.u16(f, 12) == 0x0800 && f[23] == 17
                && Frames.u16(f, 36) == 9999, "UDP super-frame");
        assertEquals(14 + 20 + 8 + 8000, r.data().length, "one frame, not eight");
        assertEquals(VirtioNetHeader.GSO_UDP_L4, r.gsoType());
        assertEquals(1000, r.gsoSize());
        assertTrue((r.offloadFlags() & Pbuf.OFFLOAD_NEEDS_CSUM) != 0, "partial checksum flagged");
        assertEquals(34, r.csumStart());
        assertEquals(6, r.csumOffset());
        assertEquals(4, r.nodes(), "8042 bytes in 2046-byte pool nodes");
        for (int i = 0; i < 8000; i++) {
            if ((r.data()[42 + i] & 0xff) != i % 251) {
                throw new AssertionError("payload byte " + i);
            }
        }
        assertEquals(1, driver.stats().rxGsoFrames);
    }

    @Test
    void removingTheNetifClosesTheDevice() throws Exception {
        open(TuntapOptions.defaults(), StackConfig.defaults(), false);
        assertTrue(ns.hasLink(tap));
        stack.onLoop(() -> {
            stack.netifs.remove(stack.netif);
            return null;
        });
        assertEquals("closed", driver.receivePath());
        assertFalse(ns.hasLink(tap), "a non-persistent TAP disappears with its descriptor");
        assertEquals(Err.IF, driver.transmit(Pbuf.wrap(new byte[60])));
    }

    @Test
    void deletedDeviceTakesTheLinkDown() throws Exception {
        open(TuntapOptions.defaults(), StackConfig.defaults(), false);
        assertTrue(stack.onLoop(() -> stack.netif.isLinkUp()));
        ns.ip("link", "del", tap);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(StackHarness.WAIT_SECONDS);
        while (stack.onLoop(() -> stack.netif.isLinkUp())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("link still up after the device was deleted");
            }
            Thread.onSpinWait();
        }
        assertEquals(Err.IF, stack.send(Frames.arpRequest(OUR_MAC, OUR_IP, HOST_IP)));
    }
}
