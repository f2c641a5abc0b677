package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk TCP between the stack and Linux while nftables in the namespace drops a share of the
 * frames each way ({@code numgen random}; netdev ingress for the stack's frames, egress for
 * the kernel's): SHA-256 equal at both ends, kernel and stack as client and as server.
 * {@value #DEFAULT_MIB} MiB each way by default, the 64 MiB with
 * {@code -Dlwip4j.interop.lossyMiB=64} (the four tests took 23 s at 2 % loss on 2026-12-03;
 * early in TCP's life 4 MiB took 18-30 s); {@code -Dlwip4j.interop.lossPercent} sets the
 * drop rate (default 2).
 */
@RealNetwork.Required({"nft"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TcpLossKernelTest {
    static final int DEFAULT_MIB = 8;
    static final long BULK = Long.getLong("lwip4j.interop.lossyMiB", DEFAULT_MIB) << 20;
    static final int LOSS = Integer.getInteger("lwip4j.interop.lossPercent", 2);

    private TestStack net;
    private TapPeer peer;
    @TempDir
    Path dir;

    @BeforeAll
    void setUp() {
        net = new TestStack();
        peer = net.link(net.namespace(), "10.76.0.2/24", "10.76.0.1/24");
        net.start();
        String dev = peer.device();
        // Frames the stack sends are dropped as they enter the kernel, frames the kernel sends as they leave it.
        String rules = "table netdev l4jloss {\n"
                + "  chain in { type filter hook ingress device \"" + dev + "\" priority 0; numgen random mod 100 < " + LOSS
                + " drop; }\n"
                + "  chain out { type filter hook egress device \"" + dev + "\" priority 0; numgen random mod 100 < " + LOSS
                + " drop; }\n"
                + "}\n";
        Cmd.Result r = Cmd.run(java.time.Duration.ofSeconds(10), peer.ns().inside("nft", "-f", "-"), rules.getBytes());
        r.check();
        String listed = peer.ns().run("nft", "list", "table", "netdev", "l4jloss").check().output();
        assertTrue(listed.contains("numgen random mod 100 < " + LOSS + " drop"), listed);
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void kernelClientToStackServerThroughLoss() throws Exception {
        TcpKernelTest.kernelToStack(net, peer, dir, 6101, BULK);
    }

    @Test
    void stackServerToKernelClientThroughLoss() throws Exception {
        TcpKernelTest.stackToKernel(net, peer, dir, 6102, BULK);
    }

    @Test
    void stackClientToKernelServerThroughLoss() throws Exception {
        TcpKernelTest.stackClientToKernelServer(net, peer, dir, 6103, BULK);
    }

    @Test
    void kernelServerToStackClientThroughLoss() throws Exception {
        TcpKernelTest.kernelServerToStackClient(net, peer, dir, 6104, BULK);
    }
}
