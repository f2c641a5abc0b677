package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.apps.Echo;
import org.lwip4j.stack.Err;
import org.lwip4j.tcp.TcpPcb;
import org.lwip4j.tcp.TcpState;

/**
 * TCP between the stack and the Linux kernel (python3 sockets in the namespace) over TAP:
 * bulk data each way with the kernel as client and as server, SHA-256 equal at both ends
 * (16 MiB each way by default; {@code -Dlwip4j.interop.bulkMiB=64} for the 64 MiB);
 * 1,000 short connections to the echo service; RSTs for closed ports both ways.
 */
@RealNetwork.Required
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TcpKernelTest {
    static final long BULK = Long.getLong("lwip4j.interop.bulkMiB", 16) << 20;
    private static final Pattern RESULT = Pattern.compile("(sent|received) (\\d+) sha256 ([0-9a-f]{64})");

    private TestStack net;
    private TapPeer peer;
    private Echo echo;
    @TempDir
    Path dir;

    @BeforeAll
    void setUp() {
        net = new TestStack();
        peer = net.link(net.namespace(), "10.73.0.2/24", "10.73.0.1/24");
        echo = net.call(() -> Echo.start(net.stack()));
        net.start();
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    /** "N HEX" from the python helper's line. */
    static String bytesAndDigest(Cmd.Result r) {
        Matcher m = RESULT.matcher(r.output());
        assertTrue(m.find(), r.toString());
        return m.group(2) + " " + m.group(3);
    }

    static String await(TestStack net, CompletableFuture<String> f, String what) throws Exception {
        try {
            return f.get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what + " did not finish within 120 s; the stack's TCP pcbs: " + pcbs(net), e);
        }
    }

    /** Every TCP pcb of the stack with its TCP_INFO (for failure messages). */
    static String pcbs(TestStack net) {
        return net.call(() -> {
            StringBuilder sb = new StringBuilder();
            for (TcpPcb p : net.stack().tcp().pcbs()) {
                sb.append("\n  ").append(p).append(p.state() == TcpState.LISTEN ? "" : " " + p.info());
            }
            sb.append("\n  TCP stats: ").append(java.util.Arrays.toString(net.stack().stats().tcp.values()));
            return sb.toString();
        });
    }

    /** The wildcard of {@code ip}'s family: {@code ::} (both families) for an IPv6 address. */
    static IpAddress anyOf(String ip) {
        return ip.contains(":") ? IpAddress.ANY_TYPE : Ip4Address.ANY;
    }

    /** Kernel client sends to a stack server, which hashes and answers with its digest. */
    static void kernelToStack(TestStack net, TapPeer peer, Path dir, int port, long bytes) throws Exception {
        kernelToStack(net, peer, peer.stackIp(), dir, port, bytes);
    }

    /** As above, the kernel connecting to {@code stackIp} (an IPv4 or IPv6 address of the stack). */
    static void kernelToStack(TestStack net, TapPeer peer, String stackIp, Path dir, int port, long bytes) throws Exception {
        TcpBulk.Sink sink = new TcpBulk.Sink(true);
        TcpPcb l = TcpBulk.listen(net.stack(), anyOf(stackIp), port, sink::attach);
        try {
            Cmd.Result r = peer.ns().python(Duration.ofSeconds(180), Scripts.copy(dir, "tcp_bulk.py"), "send", stackIp,
                    Integer.toString(port), Long.toString(bytes));
            assertEquals(0, r.exit(), r.toString());
            String kernel = bytesAndDigest(r);
            String stack = await(net, sink.done, "the stack's sink");
            assertEquals(bytes + " " + kernel.split(" ")[1], stack, "what the stack received is what the kernel sent");
            assertTrue(r.output().contains("reply sha256 " + kernel.split(" ")[1] + " len " + bytes), r.toString());
        } finally {
            net.call(l::close);
        }
    }

    /** A stack server sends to a kernel client. */
    static void stackToKernel(TestStack net, TapPeer peer, Path dir, int port, long bytes) throws Exception {
        stackToKernel(net, peer, peer.stackIp(), dir, port, bytes);
    }

    /** As above, the kernel connecting to {@code stackIp} (an IPv4 or IPv6 address of the stack). */
    static void stackToKernel(TestStack net, TapPeer peer, String stackIp, Path dir, int port, long bytes) throws Exception {
        TcpBulk.Source source = new TcpBulk.Source(bytes, port);
        TcpPcb l = TcpBulk.listen(net.stack(), anyOf(stackIp), port, source::attach);
        try {
            Cmd.Result r = peer.ns().python(Duration.ofSeconds(180), Scripts.copy(dir, "tcp_bulk.py"), "recv", stackIp,
                    Integer.toString(port));
            assertEquals(0, r.exit(), r.toString());
            assertEquals(await(net, source.done, "the stack's source"), bytesAndDigest(r), "what the kernel received is what the stack sent");
        } finally {
            net.call(l::close);
        }
    }

    /** The stack's client sends to a kernel server. */
    static void stackClientToKernelServer(TestStack net, TapPeer peer, Path dir, int port, long bytes) throws Exception {
        stackClientToKernelServer(net, peer, peer.hostIp(), dir, port, bytes);
    }

    /** As above, the kernel server listening on {@code hostIp} (an IPv4 or IPv6 address of the namespace). */
    static void stackClientToKernelServer(TestStack net, TapPeer peer, String hostIp, Path dir, int port, long bytes)
            throws Exception {
        stackClientToKernelServer(net, peer, hostIp, dir, port, bytes, false);
    }

    /** As above; {@code zeroCopy}: the stack's writes mix copied and zero-copy ones ({@link TcpBulk.Source}). */
    static void stackClientToKernelServer(TestStack net, TapPeer peer, String hostIp, Path dir, int port, long bytes,
            boolean zeroCopy) throws Exception {
        try (Cmd.Background server = Cmd.start(peer.ns().inside("/usr/bin/python3", Scripts.copy(dir, "tcp_bulk.py").toString(),
                "serve-recv", hostIp, Integer.toString(port)))) {
            server.awaitLine("listening"::equals, Duration.ofSeconds(20));
            TcpBulk.Source source = new TcpBulk.Source(bytes, port, zeroCopy);
            TcpBulk.connect(net.stack(), IpAddress.parse(hostIp), port, source::attach, source.done);
            String sent = await(net, source.done, "the stack's client");
            Cmd.Result r = server.finish(Duration.ofSeconds(120));
            assertEquals(0, r.exit(), r.toString());
            assertEquals(sent, bytesAndDigest(r), "what the kernel server received is what the stack's client sent");
        }
    }

    /** A kernel server sends to the stack's client. */
    static void kernelServerToStackClient(TestStack net, TapPeer peer, Path dir, int port, long bytes) throws Exception {
        kernelServerToStackClient(net, peer, peer.hostIp(), dir, port, bytes);
    }

    /** As above, the kernel server listening on {@code hostIp} (an IPv4 or IPv6 address of the namespace). */
    static void kernelServerToStackClient(TestStack net, TapPeer peer, String hostIp, Path dir, int port, long bytes)
            throws Exception {
        try (Cmd.Background server = Cmd.start(peer.ns().inside("/usr/bin/python3", Scripts.copy(dir, "tcp_bulk.py").toString(),
                "serve-send", hostIp, Integer.toString(port), Long.toString(bytes)))) {
            server.awaitLine("listening"::equals, Duration.ofSeconds(20));
            TcpBulk.Sink sink = new TcpBulk.Sink(false);
            TcpBulk.connect(net.stack(), IpAddress.parse(hostIp), port, sink::attach, sink.done);
            String got = await(net, sink.done, "the stack's client");
            Cmd.Result r = server.finish(Duration.ofSeconds(120));
            assertEquals(0, r.exit(), r.toString());
            assertEquals(bytesAndDigest(r), got, "what the stack's client received is what the kernel server sent");
        }
    }

    @Test
    void kernelClientSendsBulkToAStackServerIntact() throws Exception {
        kernelToStack(net, peer, dir, 6001, BULK);
    }

    @Test
    void stackServerSendsBulkToAKernelClientIntact() throws Exception {
        stackToKernel(net, peer, dir, 6002, BULK);
    }

    @Test
    void stackClientSendsBulkToAKernelServerIntact() throws Exception {
        stackClientToKernelServer(net, peer, dir, 6003, BULK);
    }

    @Test
    void zeroCopyAndCopiedWritesFromTheStackReachAKernelServerIntact() throws Exception {
        // Frames chain views of heap arrays and of off-heap memory after their headers: the
        // TAP driver gathers the off-heap ones with writev and copies the others once.
        stackClientToKernelServer(net, peer, peer.hostIp(), dir, 6005, 8 << 20, true);
    }

    @Test
    void kernelServerSendsBulkToAStackClientIntact() throws Exception {
        kernelServerToStackClient(net, peer, dir, 6004, BULK);
    }

    @Test
    void aThousandShortConnectionsToTheEchoService() {
        long before = net.call(echo::accepted);
        Cmd.Result r = peer.ns().python(Duration.ofSeconds(120), Scripts.copy(dir, "tcp_bulk.py"), "many", peer.stackIp(),
                Integer.toString(Echo.PORT), "1000");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("ok 1000", r.output().strip());
        assertEquals(before + 1000, net.call(echo::accepted));
        // Every connection ends: none left but the listeners (TIME_WAIT is the kernel's, the active closer).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String open;
        do {
            open = net.call(() -> net.stack().tcp().pcbs().stream()
                    .filter(p -> p.localPort() == Echo.PORT && p.state() != TcpState.LISTEN).toList().toString());
        } while (!open.equals("[]") && System.nanoTime() < deadline);
        assertEquals("[]", open, "echo connections left on the stack");
        assertEquals(0, net.call(echo::openConnections));
    }

    @Test
    void aSynToAClosedPortOfTheStackGetsARst() {
        Cmd.Result r = peer.ns().python(Duration.ofSeconds(30), Scripts.copy(dir, "tcp_bulk.py"), "refused", peer.stackIp(), "6999");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("refused", r.output().strip());
    }

    @Test
    void theStacksSynToAClosedKernelPortIsReset() throws Exception {
        CompletableFuture<Err> err = new CompletableFuture<>();
        net.call(() -> {
            TcpPcb c = net.stack().newTcpPcb();
            c.onErr(err::complete);
            return c.connect(Ip4Address.parse(peer.hostIp()), 6998, p -> err.complete(Err.OK));
        });
        assertEquals(Err.RST, err.get(10, TimeUnit.SECONDS), "the kernel's RST ends the connect");
    }
}
