package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    private static final String DAD_DONE = " preferred (DAD done: no other node has it)";
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
                Cmd.Result g = ns.run(Duration.ofSeconds(30), "ping", "-6", "-n", "-c", "3", "-i", "0.05", "-W", "2", "-w", "30", "fd00:76:6::2");
                assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(g), g.toString());
                Cmd.Result l = ns.run(Duration.ofSeconds(30), "ping", "-6", "-n", "-c", "3", "-i", "0.05", "-W", "2", "-w", "30", ll);
                assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(l), l.toString());
                Cmd.Result v4 = ns.run(Duration.ofSeconds(30), "ping", "-n", "-c", "3", "-i", "0.05", "-W", "2", "-w", "30", "10.76.6.2");
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

    @Test
    void routesIpv4AndIpv6BetweenTwoNamespacesWithPacketTooBigTowardASmallerMtu() throws InterruptedException {
        try (NetNs red = NetNs.create(); NetNs blue = NetNs.create()) {
            String r0 = NetNs.uniqueName("r");
            String b0 = NetNs.uniqueName("b");
            Cmd.Background cli = Cmd.start(CliTest.lwip4j("run", "--forward", "--no-warmup",
                    "--if", "tap:" + r0 + ",ip4=10.76.21.1/24,ip6=fd00:76:21::1/64,netns=" + red.name(),
                    "--if", "tap:" + b0 + ",ip4=10.76.22.1/24,ip6=fd00:76:22::1/64,mtu=1280,netns=" + blue.name()));
            try (cli) {
                cli.awaitLine(l -> l.startsWith(READY), Duration.ofSeconds(30));
                String banner = cli.output();
                // What the banner says to type, on each side.
                assertTrue(banner.contains("ip netns exec " + red.name() + " ip -6 route add fd00:76:22::/64 via fd00:76:21::1\n"),
                        banner);
                assertTrue(banner.contains("ip netns exec " + blue.name() + " ip -6 route add fd00:76:21::/64 via fd00:76:22::1\n"),
                        banner);
                red.run("ip", "route", "add", "10.76.22.0/24", "via", "10.76.21.1").check();
                blue.run("ip", "route", "add", "10.76.21.0/24", "via", "10.76.22.1").check();
                red.run("ip", "-6", "route", "add", "fd00:76:22::/64", "via", "fd00:76:21::1").check();
                blue.run("ip", "-6", "route", "add", "fd00:76:21::/64", "via", "fd00:76:22::1").check();
                for (int i = 0; i < 2; i++) {
                    cli.awaitLine(l -> l.equals("lwip4j: " + r0 + " IPv6 fd00:76:21::1/64" + DAD_DONE)
                            || l.equals("lwip4j: " + b0 + " IPv6 fd00:76:22::1/64" + DAD_DONE), Duration.ofSeconds(15));
                }
                awaitHostIpv6(red, r0);
                awaitHostIpv6(blue, b0);

                Cmd.Result v4 = red.run(Duration.ofSeconds(30), "ping", "-n", "-c", "3", "-i", "0.05", "-W", "2", "-w", "30", "10.76.22.2");
                assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(v4), v4.toString());
                assertTrue(v4.output().contains("ttl=63"), v4.toString());
                Cmd.Result v6 = red.run(Duration.ofSeconds(30), "ping", "-6", "-n", "-c", "3", "-i", "0.05", "-W", "2", "-w", "30",
                        "fd00:76:22::2");
                assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(v6), v6.toString());
                assertTrue(v6.output().contains("ttl=63"), "hop limit decremented once by the stack: " + v6);

                // 1448-byte packets toward blue's 1280-byte link: the stack answers Packet Too Big (RFC 4443 §3.2,
                // RFC 8200 §5: a router never fragments), the kernel learns the path MTU and fragments the rest itself.
                Cmd.Result big = red.run(Duration.ofSeconds(30), "ping", "-6", "-n", "-c", "4", "-i", "0.3", "-W", "2",
                        "-s", "1400", "fd00:76:22::2");
                assertTrue(big.output().contains("From fd00:76:21::1 icmp_seq=1 Packet too big: mtu=1280"), big.toString());
                assertTrue(KernelPingTest.summary(big)[1] >= 3, "after the first, the replies came: " + big);
                String route = red.run("ip", "-6", "route", "get", "fd00:76:22::2").check().output();
                assertTrue(route.contains("mtu 1280"), "red's kernel keeps the path MTU it learned: " + route);
                // IPv4: with DF the stack answers "fragmentation needed" with the next-hop MTU (RFC 1191);
                // without DF it fragments (RFC 791).
                Cmd.Result df = red.run(Duration.ofSeconds(30), "ping", "-n", "-c", "1", "-W", "2", "-M", "do", "-s", "1400",
                        "10.76.22.2");
                assertTrue(df.output().contains("From 10.76.21.1 icmp_seq=1 Frag needed and DF set (mtu = 1280)"), df.toString());
                Cmd.Result big4 = red.run(Duration.ofSeconds(30), "ping", "-n", "-c", "2", "-i", "0.05", "-W", "2", "-w", "30", "-M", "dont",
                        "-s", "1400", "10.76.22.2");
                assertArrayEquals(new int[] {2, 2}, KernelPingTest.summary(big4), "IPv4 is fragmented by the router: " + big4);

                cli.signal("TERM");
                Cmd.Result r = cli.finish(Duration.ofSeconds(20));
                assertEquals(0, r.exit(), r.toString());
            }
        }
    }

    @Test
    void slaacTakesAGlobalAddressAndTheDefaultRouterFromRadvd() throws Exception {
        Path radvd = Path.of("/usr/sbin/radvd");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(radvd), "radvd is not installed (.ci/run installs it)");
        try (NetNs ns = NetNs.create()) {
            String tap = NetNs.uniqueName("s");
            Cmd.Background cli = Cmd.start(CliTest.lwip4j("run", "--tap", tap, "--ip4", "10.76.23.2/24", "--slaac",
                    "--netns", ns.name(), "--no-warmup"));
            try (cli) {
                cli.awaitLine(l -> l.startsWith(READY), Duration.ofSeconds(30));
                assertTrue(cli.output().contains("IPv6 addresses and default routers from router advertisements (SLAAC)"),
                        cli.output());
                // The host side as a router: a prefix on the link, and an address of its own elsewhere (on lo),
                // which the stack reaches only through its default router.
                ns.run("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1").check();
                ns.run("sysctl", "-qw", "net.ipv6.conf." + tap + ".accept_dad=0").check();
                ns.run("ip", "-6", "addr", "add", "fd00:76:23::1/64", "dev", tap, "nodad").check();
                ns.run("ip", "link", "set", "dev", "lo", "up").check();
                ns.run("ip", "-6", "addr", "add", "fd00:76:99::1/128", "dev", "lo").check();
                awaitHostIpv6(ns, tap);
                Path conf = dir.resolve("radvd.conf");
                Files.writeString(conf, "interface " + tap + " {\n"
                        + "  AdvSendAdvert on;\n  MinRtrAdvInterval 3;\n  MaxRtrAdvInterval 4;\n  AdvDefaultLifetime 600;\n"
                        + "  prefix fd00:76:23::/64 {\n    AdvOnLink on;\n    AdvAutonomous on;\n"
                        + "    AdvValidLifetime 3600;\n    AdvPreferredLifetime 1800;\n  };\n};\n");
                List<String> cmd = ns.inside(radvd.toString(), "-n", "-C", conf.toString(), "-p", dir.resolve("radvd.pid").toString(),
                        "-m", "stderr");
                try (Cmd.Background ra = Cmd.start(cmd)) {
                    Pattern formed = Pattern.compile("lwip4j: " + tap + " IPv6 (fd00:76:23:0:[0-9a-f:]+)/64 SLAAC address formed "
                            + "from a router advertisement, tentative \\(duplicate address detection running\\)");
                    String line = cli.awaitLine(l -> formed.matcher(l).matches(), Duration.ofSeconds(30));
                    Matcher m = formed.matcher(line);
                    assertTrue(m.matches(), line);
                    String global = m.group(1);
                    cli.awaitLine(l -> l.equals("lwip4j: " + tap + " IPv6 " + global + "/64" + DAD_DONE), Duration.ofSeconds(15));
                    // Our own address, reached on-link; then from an address off the link: the reply needs the default router.
                    Cmd.Result on = ns.run(Duration.ofSeconds(30), "ping", "-6", "-n", "-c", "3", "-i", "0.05", "-W", "2", "-w", "30", global);
                    assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(on), on.toString());
                    Cmd.Result off = ns.run(Duration.ofSeconds(30), "ping", "-6", "-n", "-c", "3", "-i", "0.05", "-W", "2", "-w", "30",
                            "-I", "fd00:76:99::1", global);
                    assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(off), "replies via the RA's router: " + off);
                    ra.signal("TERM");
                    ra.finish(Duration.ofSeconds(10));
                }
                cli.signal("TERM");
                Cmd.Result r = cli.finish(Duration.ofSeconds(20));
                assertEquals(0, r.exit(), r.toString());
            }
        }
    }

    @Test
    void anAddressTheKernelHasAlreadyFailsDadAndSaysSo() throws InterruptedException {
        try (NetNs ns = NetNs.create()) {
            String tap = NetNs.uniqueName("d");
            ns.run("ip", "tuntap", "add", "dev", tap, "mode", "tap").check();
            try {
                ns.run("sysctl", "-qw", "net.ipv6.conf." + tap + ".accept_ra=0").check();
                ns.run("ip", "-6", "addr", "add", "fd00:76:8::2/64", "dev", tap, "nodad").check();
                ns.run("ip", "link", "set", "dev", tap, "up").check();
                Cmd.Background cli = Cmd.start(CliTest.lwip4j("run", "--tap", tap, "--ip4", "10.76.8.2/24", "--ip6",
                        "fd00:76:8::2/64", "--ip6", "fd00:76:8::3/64", "--netns", ns.name(), "--no-warmup", "--no-echo"));
                try (cli) {
                    cli.awaitLine(l -> l.startsWith(READY), Duration.ofSeconds(30));
                    // RFC 4862 §5.4.4: the kernel defends its address with an NA; the stack never uses it.
                    cli.awaitLine(l -> l.equals("lwip4j: " + tap + " IPv6 fd00:76:8::2/64 duplicate (DAD failed: another node "
                            + "on the link has it; not used)"), Duration.ofSeconds(15));
                    cli.awaitLine(l -> l.equals("lwip4j: " + tap + " IPv6 fd00:76:8::3/64" + DAD_DONE), Duration.ofSeconds(15));
                    Cmd.Result g = ns.run(Duration.ofSeconds(30), "ping", "-6", "-n", "-c", "3", "-i", "0.05", "-W", "2", "-w", "30",
                            "fd00:76:8::3");
                    assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(g), g.toString());
                    cli.signal("TERM");
                    Cmd.Result r = cli.finish(Duration.ofSeconds(20));
                    assertEquals(0, r.exit(), r.toString());
                    assertTrue(r.output().contains("    IPv6 fd00:76:8::2/64 duplicate\n"), r.toString());
                }
            } finally {
                ns.run("ip", "tuntap", "del", "dev", tap, "mode", "tap");
            }
        }
    }
}
