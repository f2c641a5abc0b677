package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lwip4j run} with its services as a user runs it, against kernel clients in the
 * namespace: TCP and UDP echo, discard, chargen, the iperf server with {@code --stats}
 * showing TCP counters and a connection's TCP_INFO; and {@code run --iperf-client} against
 * {@code iperf -s}, which stops the run with exit code 0 after printing the result.
 */
@RealNetwork.Required({"iperf", "nc"})
class CliServicesTest {
    private static final String READY = "Stop with Ctrl-C";

    @TempDir
    Path dir;

    @Test
    void servicesAnswerKernelClientsAndStatsShowTcpInfo() {
        try (NetNs ns = NetNs.create()) {
            String tap = NetNs.uniqueName("s");
            Cmd.Background cli = Cmd.start(CliTest.lwip4j("run", "--tap", tap, "--ip4", "10.79.0.2/24", "--netns", ns.name(),
                    "--discard", "--chargen", "--iperf", "--stats", "0.5", "--no-warmup"));
            try (cli) {
                cli.awaitLine(l -> l.startsWith(READY), Duration.ofSeconds(30));
                assertTrue(cli.output().contains("iperf -c 10.79.0.2 -t 5"), cli.output());
                // TCP echo: what nc sends comes back; nc -N closes its side at EOF, the service then closes.
                Cmd.Result tcpEcho = Cmd.run(Duration.ofSeconds(20), ns.inside("sh", "-c", "printf 'hello tcp\\n' | nc -N -w 5 10.79.0.2 7"));
                assertEquals("hello tcp", tcpEcho.check().output().strip());
                Cmd.Result udpEcho = Cmd.run(Duration.ofSeconds(20), ns.inside("sh", "-c", "printf 'hello udp\\n' | nc -u -w 1 10.79.0.2 7"));
                assertEquals("hello udp", udpEcho.check().output().strip());
                Cmd.Result chargen = Cmd.run(Duration.ofSeconds(20), ns.inside("sh", "-c", "nc -w 5 10.79.0.2 19 | head -n 2"));
                assertEquals(List.of(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg",
                        "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh"),
                        chargen.check().output().lines().map(String::stripTrailing).toList());
                Cmd.Result discard = Cmd.run(Duration.ofSeconds(20), ns.inside("sh", "-c",
                        "head -c 100000 /dev/zero | nc -N -w 5 10.79.0.2 9 | wc -c"));
                assertEquals("0", discard.check().output().strip());
                // A slow iperf test: the periodic stats show its TCP_INFO while it runs.
                Cmd.Result iperf = ns.run(Duration.ofSeconds(30), "iperf", "-c", "10.79.0.2", "-t", "2", "-b", "10M");
                assertEquals(0, iperf.exit(), iperf.toString());
                cli.awaitLine(l -> l.startsWith("lwip4j: iperf SERVER_DONE"), Duration.ofSeconds(10));
                assertTrue(cli.output().lines().anyMatch(l -> l.matches("  tcp 10\\.79\\.0\\.2:5001 <-> 10\\.79\\.0\\.1:\\d+ "
                        + "ESTABLISHED cwnd \\d+ ssthresh \\d+ srtt .* ts sack .*")), "TCP_INFO while it ran:\n" + cli.output());
                cli.signal("TERM");
                Cmd.Result r = cli.finish(Duration.ofSeconds(20));
                assertEquals(0, r.exit(), r.toString());
                assertTrue(r.output().lines().anyMatch(l -> l.startsWith("TCP ")), "TCP counters in the table:\n" + r);
                assertTrue(r.output().contains("TCP connections (TCP_INFO"), r.toString());
            }
        }
    }

    @Test
    void anIperfClientRunPrintsItsResultAndStops() {
        try (NetNs ns = NetNs.create()) {
            String tap = NetNs.uniqueName("i");
            ns.run("ip", "tuntap", "add", "dev", tap, "mode", "tap").check();
            try {
                ns.run("ip", "addr", "add", "10.79.1.1/24", "dev", tap).check();
                ns.run("ip", "link", "set", "dev", tap, "up").check();
                try (Cmd.Background server = Cmd.start(ns.inside("iperf", "-s", "-B", "10.79.1.1", "-p", "5001"))) {
                    Cmd.Result r = Cmd.run(Duration.ofSeconds(60), CliTest.lwip4j("run", "--tap", tap, "--ip4", "10.79.1.2/24",
                            "--netns", ns.name(), "--no-echo", "--no-warmup", "-c", "10.79.1.1", "--iperf-time", "1"));
                    assertEquals(0, r.exit(), r.toString());
                    assertTrue(r.output().lines().anyMatch(l -> l.matches("lwip4j: iperf CLIENT_DONE \\[10\\.79\\.1\\.2:\\d+ -> "
                            + "10\\.79\\.1\\.1:5001\\] 0\\.0-1\\.\\d sec \\d+ bytes .*bits/sec")), r.toString());
                    assertTrue(r.output().contains("lwip4j: stopped; devices released"), r.toString());
                }
            } finally {
                ns.run("ip", "tuntap", "del", "dev", tap, "mode", "tap");
            }
        }
    }

    @Test
    void anIperfClientRunToNoServerExitsWithThree() {
        try (NetNs ns = NetNs.create()) {
            String tap = NetNs.uniqueName("n");
            Cmd.Result r = Cmd.run(Duration.ofSeconds(60), CliTest.lwip4j("run", "--tap", tap, "--ip4", "10.79.2.2/24", "--netns",
                    ns.name(), "--no-warmup", "-c", "10.79.2.1", "--iperf-time", "1"));
            assertEquals(3, r.exit(), r.toString());
            assertTrue(r.output().contains("iperf ABORTED_REMOTE"), r.toString());
        }
    }
}
