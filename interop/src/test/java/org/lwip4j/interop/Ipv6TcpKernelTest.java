package org.lwip4j.interop;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * TCP over IPv6 (RFC 8200, RFC 9293) between the stack and the Linux kernel over a TAP,
 * as {@link TcpKernelTest} does over IPv4: bulk data each way with the kernel as client and
 * as server, on the global addresses, SHA-256 equal at both ends (16 MiB each way by
 * default; {@code -Dlwip4j.interop.bulkMiB=64} for more). The stack's listeners are bound to
 * {@code ::} (dual-stack); its clients connect to the kernel's IPv6 address, resolving it by
 * Neighbor Discovery (RFC 4861 §7.2). Segments carry 1440 bytes of payload at most (MSS
 * 1440 from the 1500-byte MTU less 60 bytes of headers, RFC 8200 §5).
 */
@RealNetwork.Required
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Ipv6TcpKernelTest {
    private static final String STACK = "fd00:83::2";
    private static final String HOST = "fd00:83::1";

    private TestStack net;
    private TapPeer peer;
    @TempDir
    Path dir;

    @BeforeAll
    void setUp() throws InterruptedException {
        net = new TestStack();
        peer = net.link6(net.namespace(), "10.83.0.2/24", "10.83.0.1/24", STACK + "/64", HOST + "/64", 1500);
        net.start();
        net.awaitIpv6Ready(Duration.ofSeconds(15));
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void kernelClientSendsBulkToAStackServerOverIpv6Intact() throws Exception {
        TcpKernelTest.kernelToStack(net, peer, STACK, dir, 6201, TcpKernelTest.BULK);
    }

    @Test
    void stackServerSendsBulkToAKernelClientOverIpv6Intact() throws Exception {
        TcpKernelTest.stackToKernel(net, peer, STACK, dir, 6202, TcpKernelTest.BULK);
    }

    @Test
    void stackClientSendsBulkToAKernelServerOverIpv6Intact() throws Exception {
        TcpKernelTest.stackClientToKernelServer(net, peer, HOST, dir, 6203, TcpKernelTest.BULK);
    }

    @Test
    void kernelServerSendsBulkToAStackClientOverIpv6Intact() throws Exception {
        TcpKernelTest.kernelServerToStackClient(net, peer, HOST, dir, 6204, TcpKernelTest.BULK);
    }
}
