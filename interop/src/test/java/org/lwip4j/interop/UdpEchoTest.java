package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** UDP between a kernel socket (python3 in the namespace) and the stack. */
@RealNetwork.Required
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UdpEchoTest {
    private TestStack net;
    private TapPeer peer;
    @TempDir
    Path dir;

    @BeforeAll
    void setUp() {
        net = new TestStack();
        peer = net.link(net.namespace(), "10.72.0.2/24", "10.72.0.1/24");
        UdpEcho.start(net.stack(), 7);
        net.start();
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void echoIsByteExactFromOneByteTo60000() {
        // 1472 is the most one 1500-byte frame holds; 1473 and up are fragmented both ways.
        Cmd.Result r = peer.ns().python(Duration.ofSeconds(60), Scripts.copy(dir, "udp_echo_client.py"), peer.stackIp(), "7",
                "1", "1472", "1473", "3000", "60000");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(5, r.output().lines().filter(l -> l.matches("size \\d+ ok from " + peer.stackIp().replace(".", "\\.") + ":7")).count(),
                r.toString());
    }

    @Test
    void portUnreachableReachesAConnectedKernelSocket() {
        long before = net.call(() -> net.stack().stats().icmp.xmit);
        Cmd.Result r = peer.ns().python(Duration.ofSeconds(30), Scripts.copy(dir, "udp_refused.py"), peer.stackIp(), "9");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.output().startsWith("refused"), r.toString());
        assertTrue(net.call(() -> net.stack().stats().icmp.xmit) > before, "the stack sent the ICMP error");
    }
}
