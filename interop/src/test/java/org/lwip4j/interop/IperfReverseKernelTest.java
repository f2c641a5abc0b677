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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.apps.iperf.IperfClient;
import org.lwip4j.apps.iperf.IperfMode;
import org.lwip4j.apps.iperf.IperfResult;
import org.lwip4j.apps.iperf.IperfServer;

/**
 * iperf 2.1's reverse ({@code -R}) and full-duplex ({@code --full-duplex}) tests over TAP,
 * both ways round: Linux's {@code iperf} client against the stack's iperf server (the server
 * sends on the client's connection), and the stack's iperf client against Linux's
 * {@code iperf -s}. The bytes the kernel's iperf counts are the bytes the stack reports. Each
 * test is bounded: a byte count or one second, and a time limit on the process.
 */
@RealNetwork.Required({"iperf"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IperfReverseKernelTest {
    /** iperf -y C: time,src,sport,dst,dport,id,interval,bytes,bits/s (a full-duplex line may name {@code ::}). */
    private static final Pattern CSV = Pattern.compile("\\d{14},([0-9a-f.:]+),(\\d+),([0-9a-f.:]+),(\\d+),-?\\d+,[0-9.]+-[0-9.]+,(\\d+),(\\d+)");
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private TestStack net;
    private TapPeer peer;
    private final IperfResults results = new IperfResults();

    @BeforeAll
    void setUp() {
        net = new TestStack();
        peer = net.link(net.namespace(), "10.79.0.2/24", "10.79.0.1/24");
        net.call(() -> IperfServer.start(net.stack(), results));
        net.start();
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    @BeforeEach
    void clear() {
        results.clear();
    }

    /** The byte counts of iperf's CSV lines. */
    private static List<Long> csvBytes(String output) {
        return output.lines().map(CSV::matcher).filter(Matcher::matches).map(m -> Long.parseLong(m.group(5))).toList();
    }

    private List<IperfResult> awaitResults(int n) throws InterruptedException {
        List<IperfResult> got = results.await(n);
        got.forEach(r -> System.out.println("stack: " + r));
        return got;
    }

    /** Runs iperf's client in the peer's namespace; it must end well and print its lines. */
    private Cmd.Result iperf(String... args) {
        String[] cmd = new String[args.length + 5];
        cmd[0] = "iperf";
        cmd[1] = "-c";
        cmd[2] = peer.stackIp();
        System.arraycopy(args, 0, cmd, 3, args.length);
        cmd[cmd.length - 2] = "-y";
        cmd[cmd.length - 1] = "C";
        Cmd.Result r = peer.ns().run(LIMIT, cmd);
        assertEquals(0, r.exit(), r.toString());
        System.out.println("iperf " + String.join(" ", args) + ":\n" + r.output().strip());
        return r;
    }

    @Test
    void reverseTestOfEightMegabytesArrivesWholeAtTheKernelsClient() throws Exception {
        Cmd.Result r = iperf("-R", "-n", "8M");
        List<Long> got = csvBytes(r.output());
        assertEquals(List.of(8L << 20), got, "the kernel's iperf received the amount:\n" + r);
        IperfResult sent = awaitResults(1).getFirst();
        assertEquals(IperfResult.Kind.CLIENT_DONE, sent.kind(), sent.toString());
        assertEquals(8L << 20, sent.bytes());
        assertEquals(Ip4Address.parse(peer.hostIp()), sent.remote());
        assertEquals(IperfServer.PORT, sent.localPort());
    }

    @Test
    void timedReverseTestSendsForASecond() throws Exception {
        Cmd.Result r = iperf("-R", "-t", "1");
        List<Long> got = csvBytes(r.output());
        assertEquals(1, got.size(), r.toString());
        assertTrue(got.getFirst() > 1_000_000, "the kernel's iperf received the stream:\n" + r);
        IperfResult sent = awaitResults(1).getFirst();
        assertEquals(IperfResult.Kind.CLIENT_DONE, sent.kind(), sent.toString());
        assertEquals(got.getFirst(), sent.bytes(), "iperf read to the stack's FIN: what it counted is what the stack sent");
        assertTrue(sent.duration().toMillis() >= 1000, "sent for the header's second: " + sent);
    }

    @Test
    void fullDuplexTestCarriesBothStreamsOnOneConnection() throws Exception {
        Cmd.Result r = iperf("--full-duplex", "-n", "4M");
        List<IperfResult> both = awaitResults(2);
        IperfResult in = both.stream().filter(x -> x.kind() == IperfResult.Kind.SERVER_DONE).findFirst().orElseThrow();
        IperfResult out = both.stream().filter(x -> x.kind() == IperfResult.Kind.CLIENT_DONE).findFirst().orElseThrow();
        assertEquals(4L << 20, in.bytes(), "the kernel's stream, its header included");
        assertEquals(4L << 20, out.bytes());
        assertEquals(in.remotePort(), out.remotePort(), "one connection");
        assertEquals(List.of(4L << 20, 4L << 20), csvBytes(r.output()), "the kernel's iperf counted both ways:\n" + r);
    }

    /**
     * The stack's client runs {@code mode} against the kernel's {@code iperf -s} on
     * {@code port} for {@code bytes}; returns the stack's results and the kernel server's CSV
     * byte counts (one per stream).
     */
    private Outcome stacksClient(IperfMode mode, int port, long bytes, int streams) throws Exception {
        try (Cmd.Background s = Cmd.start(peer.ns().inside("iperf", "-s", "-B", peer.hostIp(), "-p", Integer.toString(port), "-y",
                "C"))) {
            IperfKernelTest.waitForListener(peer, port);
            IperfClient c = net.call(() -> IperfClient.start(net.stack(), Ip4Address.parse(peer.hostIp()),
                    IperfClient.Options.bytes(bytes).withPort(port).withMode(mode)));
            List<IperfResult> mine = c.results().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            mine.forEach(r -> System.out.println("stack: " + r));
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < streams; i++) {
                lines.append(s.awaitLine(l -> CSV.matcher(l).matches(), LIMIT)).append('\n');
            }
            System.out.println("iperf -s:\n" + s.output().strip());
            return new Outcome(mine, csvBytes(lines.toString()));
        }
    }

    private record Outcome(List<IperfResult> stack, List<Long> kernel) {
        IperfResult one(IperfResult.Kind kind) {
            return stack.stream().filter(r -> r.kind() == kind).findFirst().orElseThrow(() -> new AssertionError(kind + ": " + stack));
        }
    }

    @Test
    void theStacksReverseTestGetsTheKernelServersStreamOnItsConnection() throws Exception {
        Outcome o = stacksClient(IperfMode.REVERSE, 5211, 8L << 20, 1);
        assertEquals(1, o.stack().size(), o.stack().toString());
        IperfResult got = o.one(IperfResult.Kind.SERVER_DONE);
        assertEquals(8L << 20, got.bytes(), "the header's amount, sent by the kernel's server");
        assertEquals(Ip4Address.parse(peer.hostIp()), got.remote());
        assertEquals(5211, got.remotePort());
        assertEquals(List.of(8L << 20), o.kernel(), "the kernel's server counted what it sent");
    }

    @Test
    void theStacksFullDuplexTestCarriesBothStreamsOnOneConnection() throws Exception {
        Outcome o = stacksClient(IperfMode.FULL_DUPLEX, 5212, 4L << 20, 2);
        IperfResult out = o.one(IperfResult.Kind.CLIENT_DONE);
        IperfResult in = o.one(IperfResult.Kind.SERVER_DONE);
        assertEquals(4L << 20, out.bytes(), "the stack's stream, its header included");
        assertEquals(4L << 20, in.bytes(), "the kernel's stream back");
        assertEquals(out.localPort(), in.localPort(), "one connection");
        assertEquals(2, o.kernel().size(), "the kernel's server reports both streams: " + o.kernel());
        assertTrue(o.kernel().contains(4L << 20), "it sent the amount: " + o.kernel());
        long counted = o.kernel().stream().mapToLong(Long::longValue).min().orElseThrow();
        assertTrue(counted <= 4L << 20 && counted >= (4L << 20) - org.lwip4j.apps.iperf.IperfHeader.V1_AND_EXTENSION,
                "and received the stack's, at most the header left out: " + o.kernel());
    }
}
