package org.lwip4j.netif.tap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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

    @BeforeAll
    static void needsRoot() {
        Host.requireRootAndTun(TapDriverTest.class);
    }

    @BeforeEach
    void setUp() {
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
    void openCreatesTheDeviceUpWithTheHostAddressAndMtu() throws Exception {
        String name = Host.uniqueName("c");
        TuntapOptions o = TuntapOptions.builder().namespace(ns.name).mtu(1400)
                .hostIp4(org.lwip4j.addr.Ip4Address.parse("10.201.9.1"), 24).build();
        driver = TapDriver.open(name, o);
        assertTrue(driver.created());
        try (HostInterface host = HostInterface.open(name, ns.name)) {
            assertTrue(host.isUp(), "a created device is brought up, so the host can reach the stack at once");
            assertEquals(org.lwip4j.addr.Ip4Address.parse("10.201.9.1"), host.address4());
            assertEquals(1400, host.mtu());
        }
        assertTrue(ns.ip("-4", "addr", "show", "dev", name).contains("inet 10.201.9.1/24"));
    }

    @Test
    void openWithoutHostAddressCreatesTheDeviceDown() throws Exception {
        // Down, so a caller that moves it into another namespace first gets no frames the host sent meanwhile.
        String name = Host.uniqueName("d");
        driver = TapDriver.open(name, TuntapOptions.builder().namespace(ns.name).mtu(1400).build());
        assertTrue(driver.created());
        try (HostInterface host = HostInterface.open(name, ns.name)) {
            assertFalse(host.isUp());
            assertEquals(1400, host.mtu());
        }
    }

    @Test
    void openAttachesToADeviceThatExistsAndLeavesItsHostSideAlone() throws Exception {
        String name = Host.uniqueName("p");
        try (Tuntap made = Tuntap.open(name, Tuntap.Mode.TAP, TuntapOptions.builder().namespace(ns.name).persistent(true).build())) {
            assertEquals(name, made.name());
        }
        driver = TapDriver.open(name, TuntapOptions.builder().namespace(ns.name)
                .hostIp4(org.lwip4j.addr.Ip4Address.parse("10.201.9.1"), 24).build());
        assertFalse(driver.created());
        try (HostInterface host = HostInterface.open(name, ns.name)) {
            assertFalse(host.isUp(), "an attached device is left as it was");
        }
        assertFalse(ns.ip("-4", "addr", "show", "dev", name).contains("inet "));
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
    void loopStartedBeforeAttachSwitchesToEpoll() throws Exception {
        open(TuntapOptions.defaults(), StackConfig.defaults(), true);
        assertEquals("loop-epoll", driver.receivePath());
        assertTrue(stack.ctx.loop().waiter() instanceof EpollWaiter, "the running loop now waits in epoll");
        byte[] data = payload(32);
        for (int seq = 1; seq <= 3; seq++) {
            assertEquals(Err.OK, stack.send(Frames.ping(OUR_MAC, HOST_MAC, OUR_IP, HOST_IP, 5, seq, data, false)));
            expectEchoReply(5, seq, data);
        }
        // A frame the kernel sends on its own reaches the idle loop through epoll.
        ns.exec("/usr/bin/python3", "-c", "import socket; socket.socket(2, 2).sendto(b'hello', ('10.201.0.2', 7777))");
        stack.expect(f -> Frames.u16(f, 12) == 0x0800 && f[23] == 17 && Frames.u32(f, 30) == OUR_IP && Frames.u16(f, 36) == 7777,
                "datagram from the kernel");
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
    void udpSuperFrameWrittenIsSegmentedByTheKernel() throws Exception {
        open(TuntapOptions.builder().vnetHeader(true).build(), StackConfig.defaults(), false);
        Process rx = new ProcessBuilder("ip", "netns", "exec", ns.name, "/usr/bin/python3", "-c",
                "import socket\n"
                        + "s=socket.socket(2,2); s.bind(('10.201.0.1',6000)); s.settimeout(10)\n"
                        + "print('ready',flush=True)\n"
                        + "got=[]\n"
                        + "while len(got)<3:\n"
                        + "  d,a=s.recvfrom(65535); got.append('%d:%d' % (len(d), d[0]))\n"
                        + "print(' '.join(got),flush=True)\n").redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(rx.getInputStream()))) {
            assertEquals("ready", out.readLine());
            // One UDP datagram of 3000 bytes, to be cut into 1000-byte segments (USO), with the
            // pseudo-header sum in the checksum field for the kernel to complete.
            int payload = 3000;
            byte[] udp = new byte[8 + payload];
            java.nio.ByteBuffer.wrap(udp).putShort((short) 5555).putShort((short) 6000).putShort((short) udp.length);
            for (int i = 0; i < payload; i++) {
                udp[8 + i] = (byte) (i / 1000 + 1);
            }
            long pseudo = (OUR_IP >>> 16) + (OUR_IP & 0xffff) + (HOST_IP >>> 16) + (HOST_IP & 0xffff) + 17 + udp.length;
            while ((pseudo >>> 16) != 0) {
                pseudo = (pseudo & 0xffff) + (pseudo >>> 16);
            }
            udp[6] = (byte) (pseudo >>> 8);
            udp[7] = (byte) pseudo;
            byte[] frame = Frames.ethernet(HOST_MAC, OUR_MAC, 0x0800, Frames.ipv4(OUR_IP, HOST_IP, 17, udp));
            assertEquals(Err.OK, stack.send(c -> {
                Pbuf p = c.pbufs().allocPool(Layer.RAW, frame.length);
                p.copyFrom(0, frame, 0, frame.length);
                p.setChecksumPartial(34, 6);
                p.setGso(VirtioNetHeader.GSO_UDP_L4, 1000);
                return p;
            }));
            assertEquals("1000:1 1000:2 1000:3", out.readLine(), "three datagrams with verified checksums");
        } finally {
            rx.destroy();
            rx.waitFor();
        }
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

    /** The kernel in the namespace sends {@code n} small datagrams to the stack's address. */
    private void kernelSends(int n, int port) {
        ns.exec("/usr/bin/python3", "-c", "import socket\ns=socket.socket(2,2)\nfor i in range(" + n + "): s.sendto(b'x%d' % i, ('10.201.0.2', "
                + port + "))");
    }

    private static boolean isDatagramTo(byte[] f, int port) {
        return f.length > 42 && Frames.u16(f, 12) == 0x0800 && f[23] == 17 && Frames.u16(f, 36) == port;
    }

    private static void awaitCount(java.util.function.LongSupplier value, long expected, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(StackHarness.WAIT_SECONDS);
        while (value.getAsLong() < expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": " + value.getAsLong() + " of " + expected);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void fullReaderQueueDropsAndCounts() throws Exception {
        // The loop is not running: the reader thread fills its two slots and must drop the rest.
        driver = TapDriver.open(tap, TuntapOptions.builder().receiveMode(ReceiveMode.THREAD).queueCapacity(2).build());
        ns.adopt(tap, HOST_MAC_TEXT, "10.201.0.1/24", "10.201.0.2", OUR_MAC_TEXT);
        stack = new StackHarness();
        stack.addBeforeStart(driver, "tap0", OUR_MAC);
        kernelSends(10, 5000);
        awaitCount(driver.stats().rxQueueDrops::get, 8, "frames dropped by the reader");
        assertEquals(8, stack.netif.counters().queueDrops.get(), "counted where the netif reports queue drops");
        int delivered = 0;
        while (stack.ctx.loop().poll() > 0) {
            delivered++;
        }
        assertTrue(delivered >= 1);
        assertEquals(2, stack.received.stream().filter(r -> isDatagramTo(r.data(), 5000)).count(), "the two queued frames");
        assertEquals(8, driver.stats().rxQueueDrops.get());
    }

    @Test
    void emptyPoolDropsOnTheLoopPathAndRecovers() throws Exception {
        driver = TapDriver.open(tap, TuntapOptions.defaults());
        ns.adopt(tap, HOST_MAC_TEXT, "10.201.0.1/24", "10.201.0.2", OUR_MAC_TEXT);
        stack = new StackHarness(StackConfig.builder().pbufPoolSize(8).build());
        stack.addBeforeStart(driver, "tap0", OUR_MAC);
        // The test thread drives the loop: take every pool buffer first.
        java.util.List<Pbuf> hoard = new java.util.ArrayList<>();
        Pbuf p;
        while ((p = stack.ctx.pbufs().allocPool(Layer.RAW, 100)) != null) {
            hoard.add(p);
        }
        kernelSends(3, 5001);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(StackHarness.WAIT_SECONDS);
        while (driver.stats().rxMemDrops < 3) {
            assertTrue(System.nanoTime() < deadline, "frames read and dropped for want of buffers");
            stack.ctx.loop().poll();
        }
        assertEquals(3, stack.ctx.stats().link.memerr);
        assertEquals(0, driver.stats().rxFrames);
        hoard.forEach(Pbuf::free);

        kernelSends(1, 5002);
        while (stack.received.stream().noneMatch(r -> isDatagramTo(r.data(), 5002))) {
            assertTrue(System.nanoTime() < deadline, "delivered again once buffers are back");
            stack.ctx.loop().poll();
        }
        assertEquals(1, driver.stats().rxFrames);
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
