package org.lwip4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.apps.iperf.IperfClient;
import org.lwip4j.apps.iperf.IperfMode;
import org.lwip4j.netif.Ip4Interface;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lwip4j run}: one stack on one or more TAP/TUN devices, until SIGINT or SIGTERM.
 * Exit codes: 0 after a clean stop, 1 when a device cannot be opened (the message says what
 * is needed), 2 for a bad command line, 3 when the iperf client test ({@code --iperf-client}) failed.
 */
@Command(name = "run",
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Runs one lwip4j stack on TAP/TUN devices until Ctrl-C (SIGINT) or SIGTERM.",
            "",
            "With no options: TAP lwip0, stack 192.168.7.2/24, host side 192.168.7.1/24,",
            "echo on TCP and UDP port 7; IPv6 on every interface with a link-local address (RFC 7217",
            "identifier, after DAD), more with --ip6 or --slaac. A device that exists is",
            "attached to and its host side left alone; one that does not is created, brought",
            "up, and its host side gets --host-ip4 (default: the first other address of the",
            "stack's subnet) and --host-ip6 (likewise in the first --ip6 prefix).",
            "Several interfaces: repeat --if; with --forward the stack routes between them.",
            "",
        },
        footer = {
            "",
            "Examples:",
            "  lwip4j run                 # TAP lwip0; then from the host: ping 192.168.7.2",
            "  lwip4j run --tap tap1 --ip4 10.0.0.2/24 --gw4 10.0.0.1 --pcap tap1.pcap --stats 5",
            "  lwip4j run --tun tun0 --ip4 10.8.0.2/24 --host-ip4 10.8.0.1/24",
            "  lwip4j run --iperf --discard --chargen   # then from the host: iperf -c 192.168.7.2",
            "  lwip4j run --no-echo -c 192.168.7.1 --iperf-time 5   # iperf -s on the host first",
            "  lwip4j run --ip6 fd00:7::2/64           # host side fd00:7::1/64; ping fd00:7::2",
            "  lwip4j run --slaac --tap tap2           # addresses and router from the host's RAs",
            "  lwip4j run --forward --ready-file router.ready \\",
            "      --if tap:red0,ip4=10.1.0.1/24,host-ip4=10.1.0.2/24,netns=red \\",
            "      --if tap:blue0,ip4=10.2.0.1/24,host-ip4=10.2.0.2/24,netns=blue &",
            "  while [ ! -e router.ready ]; do kill -0 $! || break; sleep 0.2; done   # its devices are up",
            "",
            "Exit codes: 0 stopped cleanly, 1 a device could not be opened, 2 bad arguments, 3 the iperf client test failed.",
        })
public final class RunCommand implements Callable<Integer> {
    /** The TAP device used when no interface is named. */
    public static final String DEFAULT_TAP = "lwip0";
    /** The stack's address when none is given. */
    public static final String DEFAULT_IP4 = "192.168.7.2/24";

    @Spec
    private CommandSpec spec;

    @Option(names = "--tap", paramLabel = "NAME", description = "TAP device to attach to or create (default " + DEFAULT_TAP + ").")
    private String tap;

    @Option(names = "--tun", paramLabel = "NAME", description = "TUN device (bare IP packets) instead of a TAP.")
    private String tun;

    @Option(names = "--ip4", paramLabel = "ADDR/LEN|none",
            description = "The stack's IPv4 address and prefix (default " + DEFAULT_IP4 + "; none: IPv6 only).")
    private String ip4;

    @Option(names = "--gw4", paramLabel = "ADDR", description = "Default gateway; must lie in an interface's subnet.")
    private String gw4;

    @Option(names = "--mtu", paramLabel = "N", description = "MTU of the device, both sides when created (default 1500).")
    private String mtu;

    @Option(names = "--mac", paramLabel = "MAC", description = "The stack's MAC (default: stable, locally administered, derived from the name).")
    private String mac;

    @Option(names = "--host-ip4", paramLabel = "ADDR/LEN|none",
            description = "Address for the host side of a created device (default: first other address of the subnet).")
    private String hostIp4;

    @Option(names = "--netns", paramLabel = "NS", description = "Network namespace (ip netns) the device is in or is created in.")
    private String netns;

    @Option(names = "--pcap", paramLabel = "FILE", description = "Capture the interface's frames, both directions, to a pcap file.")
    private String pcap;

    // ---- Services and iperf (apps module): keep these options together. ----
    @Option(names = "--echo", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Echo service on TCP and UDP port 7, RFC 862 (default on; --no-echo turns it off).")
    private boolean echo;

    @Option(names = "--discard", description = "Discard service on TCP and UDP port 9 (RFC 863).")
    private boolean discard;

    @Option(names = "--chargen", description = "Character generator on TCP and UDP port 19 (RFC 864).")
    private boolean chargen;

    @Option(names = "--iperf", description = "iperf 2 server on TCP port 5001 (from the host: iperf -c ADDR); each test's result is printed.")
    private boolean iperf;

    @Option(names = {"-c", "--iperf-client"}, paramLabel = "ADDR",
            description = "Once up, run an iperf 2 test to the iperf server (iperf -s) at ADDR, print its result and stop "
                    + "(exit code 3 if the test failed).")
    private String iperfClient;

    @Option(names = "--iperf-time", paramLabel = "SECONDS", description = "How long the client test sends (default 10).")
    private String iperfTime;

    @Option(names = "--iperf-bytes", paramLabel = "N", description = "Send N bytes (K, M, G: powers of 1024) instead of for a time.")
    private String iperfBytes;

    @Option(names = "--iperf-mode", paramLabel = "MODE",
            description = "normal (default); dual: both ways at once (iperf -d); tradeoff: one way, then back (iperf -r); "
                    + "reverse: the server sends, on this connection (iperf 2.1's -R); full-duplex: both ways on this connection "
                    + "(iperf 2.1's --full-duplex).")
    private String iperfMode;

    @Option(names = "--iperf-port", paramLabel = "PORT", description = "The iperf server's port (default 5001).")
    private String iperfPort;

    @Option(names = "--stats", paramLabel = "SECONDS", description = "Every SECONDS print one line of the counters that changed (TCP's among them) and a line of "
                    + "TCP_INFO per TCP connection (the whole table, listeners too, is printed on exit).")
    private String stats;

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = {"Once the devices are up and the stack answers, write the process id to FILE (removed again "
                + "on stop), so a script can wait for it: ./lwip4j run --ready-file F ... &  then  "
                + "while [ ! -e F ]; do kill -0 $! || break; sleep 0.2; done"})
    private String readyFile;

    @Option(names = "--max-sleep-us", paramLabel = "MICROS",
            description = "Wake the idle stack at least every MICROS µs: keeps the CPU ready, so the first packet after a pause "
                    + "is answered up to twice as fast, for a few thousand cheap wakeups a second (default: sleep until needed).")
    private String maxSleepUs;

    @Option(names = "--warmup", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Once the stack runs, exercise its hot paths on a simulated link for half a second on a thread of "
                    + "their own, so the JIT compiles them sooner than a trickle of real traffic would (default on).")
    private boolean warmup;

    // ---- IPv6 (every interface also gets a link-local address with an RFC 7217 identifier)
    @Option(names = "--ip6", paramLabel = "ADDR/LEN",
            description = "An IPv6 address of the stack beside its link-local one (repeatable; e.g. fd00:7::2/64).")
    private List<String> ip6 = new ArrayList<>();

    @Option(names = "--host-ip6", paramLabel = "ADDR/LEN|none",
            description = "IPv6 address for the host side of a created device (default: first other address of the first --ip6 prefix).")
    private String hostIp6;

    @Option(names = "--gw6", paramLabel = "ADDR[%IF]",
            description = "IPv6 default router: a link-local address (with %IF when there are several interfaces) or one in an --ip6 prefix.")
    private String gw6;

    @Option(names = "--slaac",
            description = "Take IPv6 addresses and default routers from router advertisements (SLAAC, RFC 4862) on every interface.")
    private boolean slaac;
    // ---- end of IPv6 options

    @Option(names = "--if", paramLabel = "SPEC",
            description = {"A further interface (repeatable): tap:NAME or tun:NAME, then",
                ",ip4=ADDR/LEN|none[,host-ip4=ADDR/LEN|none][,ip6=ADDR/LEN]...[,host-ip6=ADDR/LEN|none]",
                "[,mtu=N][,mac=MAC][,pcap=FILE][,netns=NS]"})
    private List<String> ifs = new ArrayList<>();

    @Option(names = "--forward", description = "Forward IPv4 and IPv6 between the interfaces (the stack as a router).")
    private boolean forward;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    private final Platform platform;
    private final StopSignal stopSignal;

    /** A run command opening devices through {@code platform}, stopped by {@code stopSignal}. */
    public RunCommand(Platform platform, StopSignal stopSignal) {
        this.platform = platform;
        this.stopSignal = stopSignal;
    }

    /**
     * The plan the options describe.
     *
     * @throws UsageException with a one-line reason when they do not make sense
     */
    RunPlan plan() {
        List<InterfaceSpec> list = new ArrayList<>();
        boolean primary = tap != null || tun != null || ip4 != null || mtu != null || mac != null || hostIp4 != null
                || !ip6.isEmpty() || hostIp6 != null || ifs.isEmpty();
        if (tap != null && tun != null) {
            throw new UsageException("--tap and --tun exclude each other (use --if for several interfaces)");
        }
        if (!primary && (pcap != null || netns != null)) {
            throw new UsageException((pcap != null ? "--pcap" : "--netns") + " belongs to the --tap/--tun interface; "
                    + "for an --if interface write pcap=FILE or netns=NS inside its spec");
        }
        if (primary) {
            InterfaceSpec.Kind kind = tun != null ? InterfaceSpec.Kind.TUN : InterfaceSpec.Kind.TAP;
            String name = tun != null ? tun : tap != null ? tap : DEFAULT_TAP;
            InterfaceSpec.checkIfName(name, kind == InterfaceSpec.Kind.TUN ? "--tun name" : "--tap name");
            Ip4Interface addr = ip4 != null && ip4.equalsIgnoreCase("none") ? null
                    : InterfaceSpec.parseCidr(ip4 != null ? ip4 : DEFAULT_IP4, "--ip4");
            Ip4Interface host;
            if (hostIp4 == null) {
                host = addr == null ? null : InterfaceSpec.defaultHostAddress(addr);
            } else if (hostIp4.equalsIgnoreCase("none")) {
                host = null;
            } else {
                host = InterfaceSpec.parseCidr(hostIp4, "--host-ip4");
            }
            Integer m = mtu == null ? null : InterfaceSpec.parseMtu(mtu, "--mtu");
            List<Ip6Cidr> addr6 = new ArrayList<>();
            for (String a : ip6) {
                addr6.add(Ip6Cidr.parse(a, "--ip6"));
            }
            Ip6Cidr host6;
            if (hostIp6 == null) {
                host6 = InterfaceSpec.defaultHostAddress6(addr6);
            } else if (hostIp6.equalsIgnoreCase("none")) {
                host6 = null;
            } else {
                host6 = Ip6Cidr.parse(hostIp6, "--host-ip6");
            }
            list.add(new InterfaceSpec(kind, name, addr, host, m,
                    mac == null ? null : InterfaceSpec.parseMac(mac, "--mac"),
                    pcap == null ? null : InterfaceSpec.parsePath(pcap, "--pcap"), netns, addr6, host6));
        }
        for (String s : ifs) {
            list.add(InterfaceSpec.parse(s));
        }
        Ip4Address gw = gw4 == null ? null : InterfaceSpec.parseAddress(gw4, "--gw4");
        Duration interval = null;
        if (stats != null) {
            double secs;
            try {
                secs = Double.parseDouble(stats);
            } catch (NumberFormatException e) {
                throw new UsageException("--stats: not a number of seconds: \"" + stats + "\"");
            }
            if (!(secs > 0) || secs > 86400 * 365) {
                throw new UsageException("--stats needs a positive number of seconds, not " + stats);
            }
            interval = Duration.ofNanos((long) (secs * 1e9));
        }
        Duration maxSleep = null;
        if (maxSleepUs != null) {
            long us;
            try {
                us = Long.parseLong(maxSleepUs);
            } catch (NumberFormatException e) {
                throw new UsageException("--max-sleep-us: not a whole number of microseconds: \"" + maxSleepUs + "\"");
            }
            if (us <= 0 || us > 60_000_000L) {
                throw new UsageException("--max-sleep-us needs 1 to 60000000 microseconds, not " + maxSleepUs);
            }
            maxSleep = Duration.ofNanos(us * 1000);
        }
        if (forward && list.size() < 2) {
            throw new UsageException("--forward needs at least two interfaces (add them with --if)");
        }
        RunPlan.Gateway6 g6 = gw6 == null ? null : RunPlan.Gateway6.parse(gw6);
        return new RunPlan(list, gw, forward, services(), interval, maxSleep, g6, slaac);
    }

    /** The services and the iperf client test the options ask for. */
    private Services services() {
        boolean clientOption = iperfTime != null || iperfBytes != null || iperfMode != null || iperfPort != null;
        if (iperfClient == null) {
            if (clientOption) {
                throw new UsageException("--iperf-time, --iperf-bytes, --iperf-mode and --iperf-port belong to an iperf client "
                        + "test: add --iperf-client ADDR");
            }
            return new Services(echo, discard, chargen, iperf, null, null);
        }
        org.lwip4j.addr.IpAddress server;
        try {
            server = org.lwip4j.addr.IpAddress.parse(iperfClient);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--iperf-client: not an IPv4 or IPv6 address: \"" + iperfClient + "\"");
        }
        if (iperfTime != null && iperfBytes != null) {
            throw new UsageException("--iperf-time and --iperf-bytes exclude each other");
        }
        IperfClient.Options o;
        if (iperfBytes != null) {
            o = IperfClient.Options.bytes(parseBytes(iperfBytes));
        } else {
            double secs = 10;
            if (iperfTime != null) {
                try {
                    secs = Double.parseDouble(iperfTime);
                } catch (NumberFormatException e) {
                    throw new UsageException("--iperf-time: not a number of seconds: \"" + iperfTime + "\"");
                }
                if (!(secs >= 0.01) || secs > 86400) {
                    throw new UsageException("--iperf-time needs 0.01 to 86400 seconds, not " + iperfTime);
                }
            }
            o = IperfClient.Options.timed(Duration.ofMillis((long) (secs * 1000)));
        }
        if (iperfMode != null) {
            try {
                o = o.withMode(IperfMode.valueOf(iperfMode.toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--iperf-mode: normal, dual, tradeoff, reverse or full-duplex, not \"" + iperfMode + "\"");
            }
        }
        if (iperfPort != null) {
            if (!iperfPort.matches("\\d{1,5}") || Integer.parseInt(iperfPort) < 1 || Integer.parseInt(iperfPort) > 65535) {
                throw new UsageException("--iperf-port needs a port 1..65535, not " + iperfPort);
            }
            o = o.withPort(Integer.parseInt(iperfPort));
        }
        return new Services(echo, discard, chargen, iperf, server, o);
    }

    /** {@code 1000}, {@code 64K}, {@code 16M}, {@code 1G} (powers of 1024), at most 2^31-1. */
    static long parseBytes(String v) {
        var m = java.util.regex.Pattern.compile("(\\d{1,10})([KMG]?)", java.util.regex.Pattern.CASE_INSENSITIVE).matcher(v);
        if (!m.matches()) {
            throw new UsageException("--iperf-bytes: not a byte count (like 1000, 64K, 16M): \"" + v + "\"");
        }
        long n = Long.parseLong(m.group(1)) << switch (m.group(2).toUpperCase(java.util.Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            default -> 0;
        };
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new UsageException("--iperf-bytes needs 1 to 2147483647 bytes, not " + v);
        }
        return n;
    }

    /** Writes our process id to {@code file} at once (a temporary file renamed), so a reader never sees it half written. */
    private static void writeReadyFile(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp" + ProcessHandle.current().pid());
        Files.writeString(tmp, ProcessHandle.current().pid() + "\n");
        try {
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public Integer call() throws Exception {
        RunPlan plan;
        try {
            plan = plan();
        } catch (UsageException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path ready = readyFile == null ? null : InterfaceSpec.parsePath(readyFile, "--ready-file");
        if (ready != null) {
            Path dir = ready.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--ready-file " + ready + ": "
                        + (Files.exists(dir) ? dir + " is not a directory" : "directory " + dir + " does not exist"));
            }
            try {
                Files.deleteIfExists(ready); // a stale one from a run that was killed must not say "ready"
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--ready-file " + ready + ": cannot remove the "
                        + "old one: " + TuntapPlatform.reason(ready, e), e);
            }
        }
        StackRunner runner = new StackRunner(plan, platform, out);
        try (AutoCloseable signals = stopSignal.onStop(runner::stop)) {
            try {
                runner.start();
            } catch (DeviceException e) {
                err.println("lwip4j: " + e.getMessage());
                err.flush();
                return 1;
            } catch (IOException e) {
                err.println("lwip4j: " + e.getMessage());
                err.flush();
                return 1;
            }
            out.print(runner.banner());
            out.flush();
            if (ready != null) {
                try {
                    writeReadyFile(ready);
                } catch (IOException e) {
                    err.println("lwip4j: cannot write the ready file " + ready + ": " + TuntapPlatform.reason(ready, e));
                    err.flush();
                    runner.stop();
                    return 1;
                }
            }
            Thread warming = warmup ? Warmup.inBackground(plan.services().bulkTcp()) : null;
            try {
                runner.awaitStop();
            } finally {
                if (ready != null) {
                    Files.deleteIfExists(ready);
                }
                if (warming != null) {
                    // The warm-up's own stacks close when it ends (it ends early when
                    // interrupted): a run that stops leaves nothing running behind it.
                    warming.interrupt();
                    warming.join(Warmup.RUN_BUDGET.toMillis() * 4);
                }
            }
        }
        return runner.iperfFailed() ? 3 : 0;
    }
}
