package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.apps.iperf.IperfClient;
import org.lwip4j.apps.iperf.IperfMode;
import org.lwip4j.apps.iperf.IperfResult;
import org.lwip4j.apps.iperf.IperfServer;

/**
 * The stack's iperf 2 server and client against Linux's {@code iperf} (2.x) over TAP: the
 * kernel's client to the stack's server (normal, dual and tradeoff tests), the stack's client
 * to the kernel's {@code iperf -s}; bytes equal at both ends.
 */
@RealNetwork.Required({"iperf"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IperfKernelTest {
    /** iperf -y C: time,src,sport,dst,dport,id,interval,bytes,bits/s. */
    private static final Pattern CSV = Pattern.compile("\\d{14},([0-9.]+),(\\d+),([0-9.]+),(\\d+),-?\\d+,[0-9.]+-[0-9.]+,(\\d+),(\\d+)");

    private TestStack net;
    private TapPeer peer;
    private IperfServer server;
    private final IperfResults results = new IperfResults();

    @BeforeAll
    void setUp() {
        net = new TestStack();
        peer = net.link(net.namespace(), "10.78.0.2/24", "10.78.0.1/24");
        server = net.call(() -> IperfServer.start(net.stack(), results));
        net.start();
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    /** The CSV lines of iperf's output, as {src, sport, dst, dport, bytes, bps}. */
    private static List<String[]> csv(String output) {
        return output.lines().map(CSV::matcher).filter(Matcher::matches)
                .map(m -> new String[] {m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6)}).toList();
    }

    private List<IperfResult> awaitResults(int n) throws InterruptedException {
        return results.await(n);
    }

    @Test
    void kernelIperfClientToTheStacksServer() throws Exception {
        results.clear();
        Cmd.Result r = peer.ns().run(Duration.ofSeconds(30), "iperf", "-c", peer.stackIp(), "-t", "2", "-y", "C");
        assertEquals(0, r.exit(), r.toString());
        List<String[]> lines = csv(r.output());
        assertEquals(1, lines.size(), r.toString());
        IperfResult got = awaitResults(1).getFirst();
        assertEquals(IperfResult.Kind.SERVER_DONE, got.kind(), got.toString());
        assertEquals(Long.parseLong(lines.getFirst()[4]), got.bytes(), "bytes the kernel sent = bytes the stack counted\n" + r);
        assertEquals(Ip4Address.parse(peer.hostIp()), got.remote());
        assertTrue(got.bitsPerSecond() > 1e6, got.toString());
    }

    @Test
    void kernelIperfDualTestGetsTheStacksStreamBack() throws Exception {
        results.clear();
        Cmd.Result r = peer.ns().run(Duration.ofSeconds(40), "iperf", "-c", peer.stackIp(), "-t", "2", "-d", "-y", "C");
        assertEquals(0, r.exit(), r.toString());
        List<IperfResult> got = awaitResults(2);
        assertTrue(got.stream().allMatch(IperfResult::done), got.toString());
        assertTrue(got.stream().anyMatch(x -> x.kind() == IperfResult.Kind.CLIENT_DONE && x.remotePort() == 5001), got.toString());
        List<String[]> lines = csv(r.output());
        assertEquals(2, lines.size(), "the kernel reports both streams:\n" + r);
    }

    @Test
    void kernelIperfTradeoffTestGetsTheStacksStreamAfterItsOwn() throws Exception {
        results.clear();
        Cmd.Result r = peer.ns().run(Duration.ofSeconds(40), "iperf", "-c", peer.stackIp(), "-t", "1", "-r", "-y", "C");
        assertEquals(0, r.exit(), r.toString());
        List<IperfResult> got = awaitResults(2);
        assertEquals(IperfResult.Kind.SERVER_DONE, got.get(0).kind(), got.toString());
        assertEquals(IperfResult.Kind.CLIENT_DONE, got.get(1).kind(), got.toString());
        assertEquals(2, csv(r.output()).size(), "the kernel reports both streams:\n" + r);
    }

    @Test
    void theStacksIperfClientToKernelIperfServer() throws Exception {
        try (Cmd.Background s = Cmd.start(peer.ns().inside("iperf", "-s", "-B", peer.hostIp(), "-p", "5201", "-y", "C"))) {
            waitForListener(5201);
            IperfClient c = net.call(() -> IperfClient.start(net.stack(), Ip4Address.parse(peer.hostIp()),
                    IperfClient.Options.timed(Duration.ofSeconds(2)).withPort(5201)));
            List<IperfResult> mine = c.results().get(30, TimeUnit.SECONDS);
            assertEquals(1, mine.size(), mine.toString());
            IperfResult sent = mine.getFirst();
            assertEquals(IperfResult.Kind.CLIENT_DONE, sent.kind(), sent.toString());
            String line = s.awaitLine(l -> CSV.matcher(l).matches(), Duration.ofSeconds(20));
            String[] f = csv(line).getFirst();
            // iperf 2.1's server reads the first word of a stream (the header flags; 0 here, a
            // normal test) apart and leaves it out of its count: at most the header is missing.
            long counted = Long.parseLong(f[4]);
            assertTrue(counted <= sent.bytes() && counted >= sent.bytes() - org.lwip4j.apps.iperf.IperfHeader.LENGTH,
                    "bytes the kernel counted " + counted + " of the " + sent.bytes() + " the stack sent: " + line);
            assertEquals(peer.stackIp(), f[0], "iperf -s names the stack as the stream's source: " + line);
        }
    }

    private void waitForListener(int port) throws InterruptedException {
        waitForListener(peer, port);
    }

    /** Waits (10 s at most) until something listens on TCP {@code port} in {@code peer}'s namespace. */
    static void waitForListener(TapPeer peer, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (peer.ns().run("ss", "-Hlnt", "sport = :" + port).output().contains(":" + port)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("iperf -s did not listen on " + port);
    }

    @Test
    void theStacksDualTestAgainstKernelIperfServer() throws Exception {
        try (Cmd.Background s = Cmd.start(peer.ns().inside("iperf", "-s", "-B", peer.hostIp(), "-p", "5202", "-y", "C"))) {
            waitForListener(5202);
            IperfClient c = net.call(() -> IperfClient.start(net.stack(), Ip4Address.parse(peer.hostIp()),
                    IperfClient.Options.timed(Duration.ofSeconds(1)).withPort(5202).withMode(IperfMode.DUAL).withListenPort(5003)));
            List<IperfResult> mine = c.results().get(30, TimeUnit.SECONDS);
            assertEquals(2, mine.size(), mine + "\niperf -s:\n" + s.output());
            assertTrue(mine.stream().allMatch(IperfResult::done), mine.toString());
        }
    }
}
