package org.lwip4j.bench.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * End-to-end benchmark, run on demand (never in tests): the Linux kernel talking to an
 * lwip4j stack over a TAP device, side by side with the kernel talking to itself over a veth
 * pair, in the same run. Measures, for IPv4 and then IPv6, ping round-trip time
 * (min/avg/max over N pings) and UDP echo round trips per second with 1 and 32 requests in
 * flight, at 64 and 1400 bytes, and prints both sides and their ratios. Needs root (namespaces, TAP, veth); touches nothing
 * outside the namespaces it makes.
 *
 * <pre>
 * JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 mvn -q -pl bench -am package -DskipTests
 * sudo java --enable-native-access=ALL-UNNAMED -cp bench/target/lwip4j-bench.jar \
 *     org.lwip4j.bench.e2e.E2eBench [--pings N] [--interval S] [--seconds S] [--warmup S] [--max-sleep-us U]
 * </pre>
 */
public final class E2eBench {
    private E2eBench() {
    }

    /** Settings from the command line. */
    private record Settings(int pings, double interval, Duration measure, Duration warmup, Duration maxSleep) {
        static Settings parse(String[] args) {
            int pings = 500;
            double interval = 0.01;
            double seconds = 3;
            double warmup = 1;
            long maxSleepUs = 0;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--pings" -> { pings = Integer.parseInt(need(a, v)); i++; }
                    case "--interval" -> { interval = Double.parseDouble(need(a, v)); i++; }
                    case "--seconds" -> { seconds = Double.parseDouble(need(a, v)); i++; }
                    case "--warmup" -> { warmup = Double.parseDouble(need(a, v)); i++; }
                    case "--max-sleep-us" -> { maxSleepUs = Long.parseLong(need(a, v)); i++; }
                    case "-h", "--help" -> {
                        System.out.println("usage: E2eBench [--pings N (500)] [--interval SECONDS (0.01)] "
                                + "[--seconds PER_UDP_RUN (3)] [--warmup SECONDS (1)] [--max-sleep-us MICROS (0: none)]");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + a + " (try --help)");
                }
            }
            return new Settings(pings, interval, Duration.ofMillis((long) (seconds * 1000)), Duration.ofMillis((long) (warmup * 1000)),
                    Duration.ofNanos(maxSleepUs * 1000));
        }

        private static String need(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }
    }

    /** One line of the table: a name, the stack's and the kernel's figure. */
    private record Row(String name, String unit, double stack, double kernel) {
    }

    /** Runs the benchmark and prints the table. */
    public static void main(String[] args) throws Exception {
        Settings s;
        try {
            s = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("E2eBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println("lwip4j end-to-end: kernel -> lwip4j over TAP  vs  kernel -> kernel over veth (same run)");
        System.out.println(environment());
        List<Row> rows = new ArrayList<>();
        try (Topology t = new Topology()) {
            t.build();
            t.stack().loop().setMaxSleep(s.maxSleep());
            if (!s.maxSleep().isZero()) {
                System.out.println("stack loop sleeps at most " + s.maxSleep().toNanos() / 1000 + " µs at a time");
            }
            // Warm both paths: ARP/ND on each side, and the JIT on the stack (C2 compiles the
            // echo path only after some ten thousand turns; a few hundred leave it interpreted).
            PingRtt.run(t.nsStack, Topology.STACK_IP, 20_000, 0);
            PingRtt.run(t.nsStack, Topology.STACK_IP6, 20_000, 0);
            PingRtt.run(t.nsA, Topology.VETH_B_IP, 20, 0.002);
            PingRtt.run(t.nsA, Topology.VETH_B_IP6, 20, 0.002);
            for (String[] family : new String[][] {
                    {"", Topology.STACK_IP, Topology.VETH_B_IP, Topology.STACK_HOST_IP, Topology.VETH_A_IP},
                    {"6", Topology.STACK_IP6, Topology.VETH_B_IP6, Topology.STACK_HOST_IP6, Topology.VETH_A_IP6}}) {
                measure(t, s, rows, family[0], family[1], family[2], family[3], family[4]);
            }
            String stackStats = t.stack().call(() -> t.stack().stats().table());
            print(rows);
            System.out.println();
            System.out.println("stack counters after the run:");
            System.out.print(stackStats);
        }
    }

    /** Ping and UDP echo of one family: {@code v} is "" for IPv4 and "6" for IPv6 (in the row names). */
    private static void measure(Topology t, Settings s, List<Row> rows, String v, String stackIp, String kernelIp, String stackClientIp,
            String kernelClientIp) throws IOException {
        PingRtt.Result ps = PingRtt.run(t.nsStack, stackIp, s.pings(), s.interval());
        PingRtt.Result pk = PingRtt.run(t.nsA, kernelIp, s.pings(), s.interval());
        String every = String.format(Locale.ROOT, "%d pings %.0f ms apart", s.pings(), s.interval() * 1000);
        rows.add(new Row("ping" + v + " RTT avg (" + every + ")", "ms", ps.avg(), pk.avg()));
        rows.add(new Row("ping" + v + " RTT min", "ms", ps.min(), pk.min()));
        rows.add(new Row("ping" + v + " RTT max", "ms", ps.max(), pk.max()));
        rows.add(new Row("ping" + v + " RTT mdev", "ms", ps.mdev(), pk.mdev()));
        // Back to back (ping -A): the stack's loop never gets to sleep between requests.
        PingRtt.Result as = PingRtt.run(t.nsStack, stackIp, s.pings(), 0);
        PingRtt.Result ak = PingRtt.run(t.nsA, kernelIp, s.pings(), 0);
        rows.add(new Row("ping" + v + " RTT avg (" + s.pings() + " back to back, -A)", "ms", as.avg(), ak.avg()));
        rows.add(new Row("ping" + v + " RTT min (back to back)", "ms", as.min(), ak.min()));
        for (PingRtt.Result[] pair : new PingRtt.Result[][] {{ps, pk}, {as, ak}}) {
            if (pair[0].received() != pair[0].sent() || pair[1].received() != pair[1].sent()) {
                System.out.printf(Locale.ROOT, "note: ping%s losses: stack %d/%d, kernel %d/%d%n", v, pair[0].received(),
                        pair[0].sent(), pair[1].received(), pair[1].sent());
            }
        }
        InetSocketAddress stackEcho = new InetSocketAddress(InetAddress.getByName(stackIp), Topology.ECHO_PORT);
        InetSocketAddress kernelEcho = new InetSocketAddress(InetAddress.getByName(kernelIp), Topology.ECHO_PORT);
        try (DatagramChannel toStack = Topology.open(t.nsStack, new InetSocketAddress(InetAddress.getByName(stackClientIp), 0));
                DatagramChannel toKernel = Topology.open(t.nsA, new InetSocketAddress(InetAddress.getByName(kernelClientIp), 0))) {
            for (int size : new int[] {64, 1400}) {
                for (int window : new int[] {1, 32}) {
                    EchoLoad.Result es = EchoLoad.run(toStack, stackEcho, size, window, s.warmup(), s.measure());
                    EchoLoad.Result ek = EchoLoad.run(toKernel, kernelEcho, size, window, s.warmup(), s.measure());
                    rows.add(new Row(String.format(Locale.ROOT, "UDP%s echo %4d B, %2d in flight", v, size, window), "rt/s",
                            es.roundTripsPerSecond(), ek.roundTripsPerSecond()));
                    if (es.refills() + es.errors() + ek.refills() + ek.errors() > 0) {
                        System.out.printf(Locale.ROOT, "note: UDP%s %d B x%d: stalls stack %d kernel %d, errors stack %d kernel %d%n",
                                v, size, window, es.refills(), ek.refills(), es.errors(), ek.errors());
                    }
                }
            }
        }
    }

    private static void print(List<Row> rows) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-44s %5s %14s %14s %14s%n", "", "", "lwip4j (TAP)", "kernel (veth)", "lwip4j/kernel");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-44s %5s %14s %14s %14.2f%n", r.name(), r.unit(), format(r.stack()), format(r.kernel()),
                    r.kernel() == 0 ? Double.NaN : r.stack() / r.kernel());
        }
    }

    private static String format(double v) {
        return v >= 1000 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String environment() {
        String kernel = "?";
        try {
            kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException ignored) {
            // Not Linux, or no procfs.
        }
        return String.format(Locale.ROOT, "Java %s, Linux %s, %d CPUs", Runtime.version(), kernel,
                Runtime.getRuntime().availableProcessors());
    }
}
