package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lwip4j run} with IPv6, as a separate process: {@code --ip6} and the host side's
 * default address, the banner listing every address with its state, one line per address
 * change (DAD done), the kernel pinging the link-local and global addresses, the exit stats
 * with the addresses.
 */
@RealNetwork.Required
class CliIpv6Test {
    private static final String READY = "Stop with Ctrl-C";
    private static final Pattern LINK_LOCAL = Pattern.compile("IPv6 (fe80::[0-9a-f:]+)%(\\S+)/64 tentative");

    @TempDir
    Path dir;

    /** Waits until the kernel's addresses on {@code dev} have left DAD (INTEROP.md gotcha 2). */
    static void awaitHostIpv6(NetNs ns, String dev) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (true) {
            String out = ns.run("ip", "-6", "addr", "show", "dev", dev).check().output();
            if (out.contains("inet6 ") && !out.contains("tentative")) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the host side's IPv6 addresses stay tentative: " + out);
            Thread.sleep(100);
        }
    }

    @Test
    void dualStackRunShowsAddressStatesLogsDadAndAnswersPing6() throws InterruptedException {
        try (NetNs ns = NetNs.create()) {
            String tap = NetNs.uniqueName("6");
            Cmd.Background cli = Cmd.start(CliTest.lwip4j("run", "--tap", tap, "--ip4", "10.76.6.2/24", "--ip6",
                    "fd00:76:6::2/64", "--netns", ns.name(), "--stats", "3600", "--no-warmup"));
            try (cli) {
                cli.awaitLine(l -> l.startsWith(READY), Duration.ofSeconds(30));
                String banner = cli.output();
                assertTrue(banner.contains("IPv6 fd00:76:6::2/64 tentative"), banner);
                assertTrue(banner.contains("host side IPv6 fd00:76:6::1/64"), banner);
                Matcher m = LINK_LOCAL.matcher(banner);
                assertTrue(m.find(), "the link-local address in the banner:\n" + banner);
                assertEquals(tap, m.group(2));
                String ll = m.group(1) + "%" + tap;
                assertTrue(banner.contains("ip netns exec " + ns.name() + " ping fd00:76:6::2\n"), banner);
                String dadGlobal = "lwip4j: " + tap + " IPv6 fd00:76:6::2/64 preferred (DAD done: no other node has it)";
                String dadLinkLocal = "lwip4j: " + tap + " IPv6 " + ll + "/64 preferred (DAD done: no other node has it)";
                // Both come within about two seconds, in either order.
                cli.awaitLine(l -> l.equals(dadGlobal) || l.equals(dadLinkLocal), Duration.ofSeconds(15));
                cli.awaitLine(l -> l.equals(dadGlobal) || l.equals(dadLinkLocal), Duration.ofSeconds(15));
                assertTrue(cli.output().contains(dadGlobal + "\n") && cli.output().contains(dadLinkLocal + "\n"), cli.output());
                String addr = ns.run("ip", "-6", "-o", "addr", "show", "dev", tap).check().output();
                assertTrue(addr.contains("inet6 fd00:76:6::1/64"), "host side got the first address: " + addr);
                awaitHostIpv6(ns, tap);
                Cmd.Result g = ns.run(Duration.ofSeconds(30), "ping", "-6", "-n", "-c", "3", "-i", "0.05", "-W", "2", "fd00:76:6::2");
                assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(g), g.toString());
                Cmd.Result l = ns.run(Duration.ofSeconds(30), "ping", "-6", "-n", "-c", "3", "-i", "0.05", "-W", "2", ll);
                assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(l), l.toString());
                Cmd.Result v4 = ns.run(Duration.ofSeconds(30), "ping", "-n", "-c", "3", "-i", "0.05", "-W", "2", "10.76.6.2");
                assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(v4), v4.toString());

                cli.signal("TERM");
                Cmd.Result r = cli.finish(Duration.ofSeconds(20));
                assertEquals(0, r.exit(), r.toString());
                assertTrue(r.output().contains("addresses:\n  " + tap + "\n    IPv4 10.76.6.2/24\n"), r.toString());
                assertTrue(r.output().contains("    IPv6 fd00:76:6::2/64 preferred\n"), r.toString());
                assertTrue(r.output().contains("    IPv6 " + ll + "/64 preferred\n"), r.toString());
            }
        }
    }
}
