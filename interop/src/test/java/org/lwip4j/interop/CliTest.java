package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lwip4j run} as a separate process, as a user runs it: it creates a TAP (in a test
 * namespace, with {@code --netns}) or attaches to one, answers ping and UDP echo, routes
 * between two namespaces as the README shows, stops cleanly on SIGTERM and SIGINT with exit
 * code 0, and without CAP_NET_ADMIN says what it needs and exits with 1.
 */
@RealNetwork.Required({"tshark", "setpriv"})
class CliTest {
    private static final String READY = "Stop with Ctrl-C";

    @TempDir
    Path dir;

    /** The command line that runs the CLI's main class in a new JVM, with this test's class path. */
    static List<String> lwip4j(String... args) {
        List<String> c = new ArrayList<>();
        c.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        c.add("--enable-native-access=ALL-UNNAMED");
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        c.add("org.lwip4j.cli.Main");
        c.addAll(List.of(args));
        return c;
    }

    @Test
    void createsItsTapAnswersAndStopsCleanlyOnSigterm() {
        try (NetNs ns = NetNs.create()) {
            String tap = NetNs.uniqueName("c");
            Path pcap = dir.resolve("cli.pcap");
            Cmd.Background cli = Cmd.start(lwip4j("run", "--tap", tap, "--ip4", "10.76.0.2/24", "--netns", ns.name(),
                    "--mac", "02:00:00:00:00:42", "--pcap", pcap.toString(), "--stats", "3600"));
            try (cli) {
                cli.awaitLine(l -> l.startsWith(READY), Duration.ofSeconds(30));
                assertTrue(cli.output().contains("ip netns exec " + ns.name() + " ping 10.76.0.2"), cli.output());
                String addr = ns.run("ip", "-4", "-o", "addr", "show", "dev", tap).check().output();
                assertTrue(addr.contains("inet 10.76.0.1/24"), "host side got the first address: " + addr);
                Cmd.Result ping = ns.run(Duration.ofSeconds(30), "ping", "-n", "-c", "3", "-i", "0.05", "-W", "2", "-w", "30", "10.76.0.2");
                assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(ping), ping.toString());
                ns.python(Duration.ofSeconds(30), Scripts.copy(dir, "udp_echo_client.py"), "10.76.0.2", "7", "1", "1472").check();
                String neigh = ns.run("ip", "neigh", "show", "10.76.0.2", "dev", tap).check().output();
                assertTrue(neigh.contains("lladdr 02:00:00:00:00:42"), "the kernel resolved the --mac: " + neigh);

                cli.signal("TERM");
                Cmd.Result r = cli.finish(Duration.ofSeconds(20));
                assertEquals(0, r.exit(), r.toString());
                assertTrue(r.output().contains("lwip4j: stopped; devices released, captures flushed"), r.toString());
                assertTrue(r.output().lines().anyMatch(l -> l.startsWith("ICMP ")), "stats printed on exit:\n" + r);
            }
            assertFalse(ns.run("ip", "link", "show", "dev", tap).ok(), "the TAP the CLI created is gone");
            List<String> protocols = PcapTest.checkCapture(pcap, PcapTest.tshark("-r", pcap.toString()).size());
            assertTrue(protocols.stream().anyMatch(p -> p.startsWith("eth:ethertype:ip:udp")), "UDP echo captured");
        }
    }

    @Test
    void attachesToAnExistingTapLeavingItsHostSideAndStopsOnSigint() {
        try (NetNs ns = NetNs.create()) {
            String tap = NetNs.uniqueName("a");
            ns.run("ip", "tuntap", "add", "dev", tap, "mode", "tap").check();
            try {
                ns.run("ip", "addr", "add", "10.76.1.9/24", "dev", tap).check();
                ns.run("ip", "link", "set", "dev", tap, "up").check();
                Cmd.Background cli = Cmd.start(lwip4j("run", "--tap", tap, "--ip4", "10.76.1.2/24", "--netns", ns.name(),
                        "--no-echo"));
                try (cli) {
                    cli.awaitLine(l -> l.startsWith(READY), Duration.ofSeconds(30));
                    assertTrue(cli.output().contains("attached"), cli.output());
                    assertTrue(cli.output().contains("host side left as it was"), cli.output());
                    String addr = ns.run("ip", "-4", "-o", "addr", "show", "dev", tap).check().output().strip();
                    assertEquals(1, addr.lines().count(), addr);
                    assertTrue(addr.contains("inet 10.76.1.9/24"), "host side untouched: " + addr);
                    Cmd.Result ping = ns.run(Duration.ofSeconds(30), "ping", "-n", "-c", "3", "-i", "0.05", "-W", "2", "-w", "30", "10.76.1.2");
                    assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(ping), ping.toString());

                    cli.signal("INT");
                    Cmd.Result r = cli.finish(Duration.ofSeconds(20));
                    assertEquals(0, r.exit(), r.toString());
                    assertTrue(r.output().contains("lwip4j: stopped; devices released"), r.toString());
                }
                String after = ns.run("ip", "-4", "-o", "addr", "show", "dev", tap).check().output();
                assertTrue(after.contains("inet 10.76.1.9/24"), "a persistent TAP survives the CLI with its address: " + after);
            } finally {
                ns.run("ip", "tuntap", "del", "dev", tap, "mode", "tap");
            }
        }
    }

    @Test
    void runsOnATunDeviceWithItsMtuAndAPcapngCapture() {
        try (NetNs ns = NetNs.create()) {
            String tun = NetNs.uniqueName("u");
            Path pcapng = dir.resolve("tun.pcapng");
            Cmd.Background cli = Cmd.start(lwip4j("run", "--tun", tun, "--ip4", "10.76.2.2/24", "--netns", ns.name(),
                    "--mtu", "9000", "--pcap", pcapng.toString()));
            try (cli) {
                cli.awaitLine(l -> l.startsWith(READY), Duration.ofSeconds(30));
                assertTrue(ns.run("ip", "link", "show", "dev", tun).check().output().contains("mtu 9000"), "host side MTU");
                // 8028-byte packets in one piece each way (don't fragment): both sides use the MTU.
                Cmd.Result big = ns.run(Duration.ofSeconds(30), "ping", "-n", "-c", "2", "-i", "0.05", "-W", "2", "-w", "30", "-M", "do",
                        "-s", "8000", "10.76.2.2");
                assertArrayEquals(new int[] {2, 2}, KernelPingTest.summary(big), big.toString());
                Cmd.Result ping = ns.run(Duration.ofSeconds(30), "ping", "-n", "-c", "3", "-i", "0.05", "-W", "2", "-w", "30", "10.76.2.2");
                assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(ping), ping.toString());
                ns.python(Duration.ofSeconds(30), Scripts.copy(dir, "udp_echo_client.py"), "10.76.2.2", "7", "1", "3000").check();
                cli.signal("TERM");
                assertEquals(0, cli.finish(Duration.ofSeconds(20)).exit());
            }
            List<String> protocols = PcapTest.checkCapture(pcapng, PcapTest.tshark("-r", pcapng.toString()).size());
            assertTrue(protocols.stream().anyMatch(p -> p.equals("raw:ip:icmp:data")), "raw IP frames: " + protocols);
        }
    }

    @Test
    void routesBetweenTwoNamespacesAsTheReadmeShows() {
        try (NetNs red = NetNs.create(); NetNs blue = NetNs.create()) {
            String r0 = NetNs.uniqueName("r");
            String b0 = NetNs.uniqueName("b");
            Cmd.Background cli = Cmd.start(lwip4j("run", "--forward",
                    "--if", "tap:" + r0 + ",ip4=10.76.11.1/24,host-ip4=10.76.11.2/24,netns=" + red.name(),
                    "--if", "tap:" + b0 + ",ip4=10.76.12.1/24,host-ip4=10.76.12.2/24,netns=" + blue.name()));
            try (cli) {
                cli.awaitLine(l -> l.startsWith(READY), Duration.ofSeconds(30));
                red.run("ip", "route", "add", "10.76.12.0/24", "via", "10.76.11.1").check();
                blue.run("ip", "route", "add", "10.76.11.0/24", "via", "10.76.12.1").check();
                Cmd.Result ping = red.run(Duration.ofSeconds(30), "ping", "-n", "-c", "3", "-i", "0.05", "-W", "2", "-w", "30", "10.76.12.2");
                assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(ping), ping.toString());
                assertTrue(ping.output().contains("ttl=63"), ping.toString());
                cli.signal("TERM");
                assertEquals(0, cli.finish(Duration.ofSeconds(20)).exit());
            }
        }
    }

    @Test
    void withoutCapNetAdminItSaysWhatIsNeededAndExits1() {
        String tap = NetNs.uniqueName("n");
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin"));
        cmd.addAll(lwip4j("run", "--tap", tap));
        Cmd.Result r = Cmd.run(Duration.ofSeconds(30), cmd);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.output().startsWith("lwip4j: ") && r.output().contains("CAP_NET_ADMIN"), r.toString());
        // The one hint that works without root: a persistent device the user owns; never setcap on java.
        assertTrue(r.output().contains("'sudo ip tuntap add dev " + tap + " mode tap user $USER'"), r.toString());
        assertFalse(r.output().contains("setcap"), r.toString());
        assertFalse(Cmd.run("ip", "link", "show", "dev", tap).ok(), "nothing was created");
    }
}
