package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code lwip4j run}'s services over IPv6, as a user runs them: kernel clients in the
 * namespace reach the TCP and UDP echo services (RFC 862) and the iperf server on the
 * stack's global IPv6 address ({@code nc -6}, {@code iperf -V -c}); the services listen on
 * {@code ::}, so the same run answers IPv4 too.
 */
@RealNetwork.Required({"iperf", "nc"})
class CliIpv6ServicesTest {
    private static final String READY = "Stop with Ctrl-C";
    private static final Pattern SERVER_DONE = Pattern.compile(
            "lwip4j: iperf SERVER_DONE \\[fd00:79:6::2:5001 <- fd00:79:6::1:\\d+\\] 0\\.0-\\d+\\.\\d sec (\\d+) bytes .*");

    @Test
    void echoAndIperfAnswerKernelClientsOnTheGlobalIpv6Address() throws InterruptedException {
        try (NetNs ns = NetNs.create()) {
            String tap = NetNs.uniqueName("v");
            Cmd.Background cli = Cmd.start(CliTest.lwip4j("run", "--tap", tap, "--ip4", "10.79.6.2/24", "--ip6", "fd00:79:6::2/64",
                    "--netns", ns.name(), "--echo", "--iperf", "--no-warmup"));
            try (cli) {
                cli.awaitLine(l -> l.startsWith(READY), Duration.ofSeconds(30));
                cli.awaitLine(l -> l.equals("lwip4j: " + tap + " IPv6 fd00:79:6::2/64 preferred (DAD done: no other node has it)"),
                        Duration.ofSeconds(15));
                CliIpv6Test.awaitHostIpv6(ns, tap);

                Cmd.Result tcpEcho = Cmd.run(Duration.ofSeconds(20),
                        ns.inside("sh", "-c", "printf 'hello tcp6\\n' | nc -6 -N -w 5 fd00:79:6::2 7"));
                assertEquals("hello tcp6", tcpEcho.check().output().strip());
                Cmd.Result udpEcho = Cmd.run(Duration.ofSeconds(20),
                        ns.inside("sh", "-c", "printf 'hello udp6\\n' | nc -6 -u -w 1 fd00:79:6::2 7"));
                assertEquals("hello udp6", udpEcho.check().output().strip());
                Cmd.Result udp4 = Cmd.run(Duration.ofSeconds(20),
                        ns.inside("sh", "-c", "printf 'hello udp4\\n' | nc -4 -u -w 1 10.79.6.2 7"));
                assertEquals("hello udp4", udp4.check().output().strip(), "the same service answers IPv4");

                Cmd.Result iperf = ns.run(Duration.ofSeconds(30), "iperf", "-V", "-c", "fd00:79:6::2", "-t", "2");
                assertEquals(0, iperf.exit(), iperf.toString());
                assertTrue(iperf.output().contains("fd00:79:6::2 port 5001"), iperf.toString());
                cli.awaitLine(l -> SERVER_DONE.matcher(l).matches(), Duration.ofSeconds(10));
                Matcher m = SERVER_DONE.matcher(cli.output().lines().filter(l -> SERVER_DONE.matcher(l).matches())
                        .findFirst().orElseThrow());
                assertTrue(m.matches());
                assertTrue(Long.parseLong(m.group(1)) > 0, "the stack's server counted the bytes: " + m.group());

                cli.signal("TERM");
                Cmd.Result r = cli.finish(Duration.ofSeconds(20));
                assertEquals(0, r.exit(), r.toString());
            }
        }
    }
}
