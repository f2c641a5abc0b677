package org.lwip4j.netif.tap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Layer;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.testing.Frames;
import org.lwip4j.netif.testing.Host;
import org.lwip4j.netif.testing.Netns;
import org.lwip4j.netif.testing.StackHarness;
import org.lwip4j.stack.Err;

/** The TUN driver: bare IP packets, opened straight inside a namespace of the test's own. */
class TunDriverTest {
    static final int HOST_IP = 0x0ac90101; // 10.201.1.1
    static final int OUR_IP = 0x0ac90102; // 10.201.1.2

    Netns ns;
    StackHarness stack;
    TunDriver driver;

    @BeforeAll
    static void needsRoot() {
        Host.requireRootAndTun(TunDriverTest.class);
    }

    @BeforeEach
    void setUp() {
        ns = new Netns();
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
            if (ns != null) { // null when setUp skipped (not root)
                ns.close();
            }
        }
    }

    @Test
    void pingThroughTunIsAnswered() throws Exception {
        driver = TunDriver.open(Host.uniqueName("u"), TuntapOptions.builder().namespace(ns.name).build());
        assertEquals(LinkType.IP, driver.linkType());
        try (HostInterface host = driver.device().host()) {
            host.setAddress4(org.lwip4j.addr.Ip4Address.of(HOST_IP), 24);
            host.setUp(true);
        }
        stack = new StackHarness();
        stack.addBeforeStart(driver, "tun0", 0);
        stack.start();

        byte[] data = new byte[64];
        Arrays.fill(data, (byte) 0x5a);
        byte[] packet = Frames.ipv4(OUR_IP, HOST_IP, 1, Frames.icmpEcho(4, 1, data, false));
        assertEquals(Err.OK, stack.send(packet));
        StackHarness.Rx r = stack.expect(p -> Frames.echoReplyAt(p, 0, 4, 1) >= 0, "echo reply over TUN");
        assertEquals(Frames.IP_HDR + 8 + 64, r.data().length, "bare IPv4, no link header");
        assertArrayEquals(data, Arrays.copyOfRange(r.data(), 28, r.data().length));
        assertEquals(Layer.LINK.headroom(), r.headroom(), "room to forward onto Ethernet without a copy");
        assertEquals("loop-epoll", driver.receivePath());
    }
}
