package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.lwip4j.stack.StackConfig;

/**
 * The stack as a router between two namespaces, each with its own TAP to the stack and a
 * default route through it: ping and UDP across (TTL decremented once), and ICMP "net
 * unreachable" for a network it has no route to (RFC 1812 §5.2.7.1).
 */
@RealNetwork.Required
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouterTest {
    private TestStack net;
    private TapPeer red;
    private TapPeer blue;
    @TempDir
    Path dir;

    @BeforeAll
    void setUp() {
        net = new TestStack(StackConfig.builder().ipForward(true).build());
        red = net.link(net.namespace(), "10.73.1.1/24", "10.73.1.2/24");
        blue = net.link(net.namespace(), "10.73.2.1/24", "10.73.2.2/24");
        red.ns().run("ip", "route", "add", "default", "via", red.stackIp()).check();
        blue.ns().run("ip", "route", "add", "default", "via", blue.stackIp()).check();
        net.start();
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void pingCrossesTheStackWithTheTtlDecremented() {
        Cmd.Result r = red.ns().run(Duration.ofSeconds(30), "ping", "-n", "-c", "5", "-i", "0.05", "-W", "2", "-w", "30", blue.hostIp());
        assertArrayEquals(new int[] {5, 5}, KernelPingTest.summary(r), r.toString());
        // Replies leave blue's kernel with TTL 64 and cross the stack once.
        assertEquals(5, r.output().lines().filter(l -> l.contains("from " + blue.hostIp()) && l.contains("ttl=63")).count(),
                r.toString());
        assertTrue(net.call(() -> net.stack().stats().ip.fw) >= 10, "the stack counted forwarded packets");
    }

    @Test
    void udpCrossesTheStackWithTheTtlDecremented() {
        for (int size : new int[] {32, 3000}) { // 3000 bytes arrive in fragments, forwarded one by one
            byte[] payload = new byte[size];
            for (int i = 0; i < size; i++) {
                payload[i] = (byte) (i * 13 + 1);
            }
            String hex = HexFormat.of().formatHex(payload);
            try (Cmd.Background rx = Cmd.start(blue.ns().inside("/usr/bin/python3", Scripts.copy(dir, "udp_ttl_recv.py").toString(),
                    blue.hostIp(), "5001", "10"))) {
                rx.awaitLine("ready"::equals, Duration.ofSeconds(10));
                red.ns().python(Duration.ofSeconds(10), Scripts.copy(dir, "udp_send.py"), blue.hostIp(), "5001", hex).check();
                String line = rx.awaitLine(l -> l.startsWith("ttl=") || l.equals("timeout"), Duration.ofSeconds(15));
                assertEquals("ttl=63 len=" + size + " from=" + red.hostIp(), line.substring(0, line.indexOf(':')), line);
                assertEquals(hex, line.substring(line.indexOf("data=") + 5), "payload of " + size + " bytes intact");
            }
        }
    }

    @Test
    void aNetWithoutRouteGetsIcmpNetUnreachable() {
        Cmd.Result r = red.ns().run(Duration.ofSeconds(30), "ping", "-n", "-c", "1", "-W", "3", "10.73.99.1");
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.output().contains("From " + red.stackIp()) && r.output().contains("Destination Net Unreachable"),
                r.toString());
    }
}
