package org.lwip4j.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first minute of a fresh {@code lwip4j run} process, as a user meets it, N times: the
 * time from launching the process to its first answered ping (a ping every 10 ms from the
 * launch on), then the round-trip times of 70 pings 20 ms apart, side by side with the
 * kernel answering the same pings over a veth pair in the same run. Pings 21–70 are the
 * figure of the first minute (the first 20 show the very start); with {@code --warmed} the
 * same 70 are measured again after 20,000 back-to-back pings, for reference. {@code --series}
 * prints every RTT of each run's two series as well (where in the window the time goes).
 *
 * <p>With {@code --tcp}, the process also runs its iperf 2 server ({@code --iperf}) and,
 * right after the 70 pings, the kernel's {@code iperf -c -n 16M} (iperf 2, in the TAP's
 * namespace) sends it the first 16 MiB of its life, timed from the client's launch to its
 * exit; beside it the same 16 MiB to the kernel's {@code iperf -s} over the veth pair, then a
 * second 16 MiB to the process (warmed by the first). Also the time from the process's
 * launch to the end of its first 16 MiB. Needs {@code iperf} (2) as well.
 *
 * <p>Each run makes its own namespaces: {@code s}, where the process creates its TAP
 * ({@code --netns}; host side 10.203.0.1/24, stack 10.203.0.2/24), and {@code a}/{@code b}
 * joined by a veth pair (10.202.0.1/24, 10.202.0.2/24). It stops the process with SIGTERM
 * and removes the namespaces afterwards. Needs root and {@code ping} (iputils).
 *
 * <p>Several configurations are compared with {@code --variant 'NAME|ENV=V,...|RUN_ARGS|LAUNCHER'}:
 * each round starts one fresh process of every variant in turn, so a drifting machine load
 * weighs on all alike. {@code --nice -10} runs the measured process at a higher priority,
 * for a machine shared with other work.
 *
 * <pre>
 * java -cp bench/target/lwip4j-bench.jar org.lwip4j.bench.e2e.FirstMinute [--runs 5] [--warmed] [--tcp] [--series] [--nice N]
 *     [--launcher ./lwip4j | --jar cli/target/lwip4j-cli.jar [--java-opt OPT]...] [--arg ARG]... [--env K=V]...
 *     [--variant 'NAME|ENV=V,...|RUN_ARGS|LAUNCHER']...
 * </pre>
 */
public final class FirstMinute {
    static final String STACK_IP = "10.203.0.2";
    static final String KERNEL_A = "10.202.0.1";
    static final String KERNEL_B = "10.202.0.2";
    /** Pings measured per series; the first-minute figure is the mean of {@link #FROM}..{@link #COUNT}. */
    static final int COUNT = 70;
    static final int FROM = 21;
    private static final double INTERVAL = 0.02;
    private static final long START_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final Pattern REPLY = Pattern.compile("icmp_seq=(\\d+) .*time=([\\d.]+) ms");
    /** What the TCP figure sends, each time (iperf's {@code -n}). */
    static final String TCP_AMOUNT = "16M";
    static final int IPERF_PORT = 5001;

    private FirstMinute() {
    }

    /** Settings from the command line. */
    record Settings(int runs, boolean warmed, boolean tcp, boolean series, List<String> launch, List<String> args, Map<String, String> env, List<Variant> variants,
            Integer nice) {
        static Settings parse(String[] argv) {
            int runs = 5;
            boolean warmed = false;
            boolean tcp = false;
            boolean series = false;
            String launcher = "./lwip4j";
            String jar = null;
            List<String> javaOpts = new ArrayList<>();
            List<String> args = new ArrayList<>();
            Map<String, String> env = new java.util.LinkedHashMap<>();
            List<Variant> variants = new ArrayList<>();
            Integer nice = null;
            for (int i = 0; i < argv.length; i++) {
                String a = argv[i];
                String v = i + 1 < argv.length ? argv[i + 1] : null;
                switch (a) {
                    case "--runs" -> { runs = Integer.parseInt(need(a, v)); i++; }
                    case "--warmed" -> warmed = true;
                    case "--tcp" -> tcp = true;
                    case "--series" -> series = true;
                    case "--nice" -> { nice = Integer.parseInt(need(a, v)); i++; }
                    case "--launcher" -> { launcher = need(a, v); i++; }
                    case "--jar" -> { jar = need(a, v); i++; }
                    case "--java-opt" -> { javaOpts.add(need(a, v)); i++; }
                    case "--arg" -> { args.add(need(a, v)); i++; }
                    case "--variant" -> { variants.add(Variant.parse(need(a, v))); i++; }
                    case "--env" -> {
                        String kv = need(a, v);
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--env needs NAME=VALUE, not " + kv);
                        }
                        env.put(kv.substring(0, eq), kv.substring(eq + 1));
                        i++;
                    }
                    case "-h", "--help" -> {
                        System.out.println("usage: FirstMinute [--runs N (5)] [--warmed] [--tcp] [--series] [--nice N] [--launcher PATH (./lwip4j) | --jar JAR "
                                + "[--java-opt OPT]...] [--arg RUN_ARG]... [--env NAME=VALUE]... "
                                + "[--variant 'NAME|ENV=V,...|RUN_ARG ...|LAUNCHER']...");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + a + " (try --help)");
                }
            }
            if (runs < 1 || runs > 100) {
                throw new IllegalArgumentException("--runs needs 1 to 100");
            }
            List<String> launch = new ArrayList<>();
            if (jar != null) {
                launch.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                launch.add("--enable-native-access=ALL-UNNAMED");
                launch.addAll(javaOpts);
                launch.add("-jar");
                launch.add(jar);
            } else {
                if (!javaOpts.isEmpty()) {
                    throw new IllegalArgumentException("--java-opt goes with --jar (the launcher picks its own options)");
                }
                launch.add(launcher);
            }
            if (variants.isEmpty()) {
                variants.add(new Variant("", Map.of(), List.of(), null));
            }
            return new Settings(runs, warmed, tcp, series, launch, args, env, variants, nice);
        }

        private static String need(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }
    }

    /**
     * One configuration measured beside the others: a name, environment variables and
     * arguments added to the common ones. Rounds take every variant in turn, so a machine
     * whose load drifts weighs on all of them alike.
     */
    record Variant(String name, Map<String, String> env, List<String> args, String launcher) {
        /** {@code NAME|ENV=V,ENV2=V|ARG ARG|LAUNCHER} (the parts after the name optional; LAUNCHER replaces --launcher). */
        static Variant parse(String spec) {
            String[] parts = spec.split("\\|", -1);
            Map<String, String> env = new java.util.LinkedHashMap<>();
            if (parts.length > 1 && !parts[1].isBlank()) {
                for (String kv : parts[1].split(",")) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--variant: NAME=VALUE expected, not " + kv);
                    }
                    env.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
                }
            }
            List<String> args = parts.length > 2 && !parts[2].isBlank() ? List.of(parts[2].strip().split("\\s+")) : List.of();
            String launcher = parts.length > 3 && !parts[3].isBlank() ? parts[3].strip() : null;
            return new Variant(parts[0].strip(), env, args, launcher);
        }
    }

    /**
     * One fresh process: start times in ms, RTT series in ms (index = icmp_seq - 1, NaN if
     * lost); with {@code --tcp} the times of 16 MiB in ms (else NaN): the process's first,
     * the kernel's over veth, the process's second, and from the launch to the end of the first.
     */
    record Run(double toBanner, double toFirstAnswer, double[] stack, double[] kernel, double[] stackWarm, double[] kernelWarm,
            double tcpFirst, double tcpKernel, double tcpSecond, double toTcpDone) {
    }

    /** Runs the measurement and prints the table. */
    public static void main(String[] argv) throws Exception {
        Settings s;
        try {
            s = Settings.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("FirstMinute: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println("lwip4j first minute: " + String.join(" ", s.launch()) + " run ... " + String.join(" ", s.args())
                + (s.env().isEmpty() ? "" : "   env " + s.env()));
        System.out.printf(Locale.ROOT, "Java %s (harness), %d CPUs, %d fresh processes%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), s.runs());
        Map<Variant, List<Run>> byVariant = new java.util.LinkedHashMap<>();
        for (Variant v : s.variants()) {
            byVariant.put(v, new ArrayList<>());
        }
        for (int i = 0; i < s.runs(); i++) {
            for (Variant v : s.variants()) {
                Run r = once(s, v);
                byVariant.get(v).add(r);
                System.out.printf(Locale.ROOT,
                        "%s run %d: banner %5.0f ms, first answer %5.0f ms; pings 1-20 %.3f ms; %d-%d lwip4j %.3f ms, kernel %.3f ms, "
                                + "ratio %.1f%s%n",
                        v.name(), i + 1, r.toBanner(), r.toFirstAnswer(), mean(r.stack(), 1, 20), FROM, COUNT,
                        mean(r.stack(), FROM, COUNT), mean(r.kernel(), FROM, COUNT),
                        mean(r.stack(), FROM, COUNT) / mean(r.kernel(), FROM, COUNT),
                        s.warmed() ? String.format(Locale.ROOT, "; warmed %.3f vs %.3f ms, ratio %.1f", mean(r.stackWarm(), FROM, COUNT),
                                mean(r.kernelWarm(), FROM, COUNT),
                                mean(r.stackWarm(), FROM, COUNT) / mean(r.kernelWarm(), FROM, COUNT)) : "");
                if (s.series()) {
                    System.out.println(seriesLine(v.name() + " run " + (i + 1) + " stack", r.stack()));
                    System.out.println(seriesLine(v.name() + " run " + (i + 1) + " kernel", r.kernel()));
                }
                if (s.tcp()) {
                    System.out.printf(Locale.ROOT,
                            "%s run %d: TCP %s: first %5.0f ms (done %5.0f ms after launch), kernel veth %4.0f ms, second %4.0f ms%n",
                            v.name(), i + 1, TCP_AMOUNT, r.tcpFirst(), r.toTcpDone(), r.tcpKernel(), r.tcpSecond());
                }
            }
        }
        for (Map.Entry<Variant, List<Run>> e : byVariant.entrySet()) {
            Variant v = e.getKey();
            System.out.println();
            System.out.println("== " + (v.name().isEmpty() ? "" : v.name() + ": ") + "env " + v.env() + ", run args " + v.args());
            summary(e.getValue(), s.warmed(), s.tcp());
        }
    }

    /** {@code --series}: every RTT of a series in ms, in icmp_seq order ({@code -} when lost). */
    static String seriesLine(String label, double[] rtt) {
        StringBuilder b = new StringBuilder(label).append(" series:");
        for (double t : rtt) {
            b.append(' ').append(Double.isNaN(t) ? "-" : String.format(Locale.ROOT, "%.3f", t));
        }
        return b.toString();
    }

    private static void summary(List<Run> runs, boolean warmed, boolean tcp) {
        double banner = runs.stream().mapToDouble(Run::toBanner).average().orElse(Double.NaN);
        double first = runs.stream().mapToDouble(Run::toFirstAnswer).average().orElse(Double.NaN);
        double firstMax = runs.stream().mapToDouble(Run::toFirstAnswer).max().orElse(Double.NaN);
        double early = runs.stream().mapToDouble(r -> mean(r.stack(), 1, 20)).average().orElse(Double.NaN);
        double st = runs.stream().mapToDouble(r -> mean(r.stack(), FROM, COUNT)).average().orElse(Double.NaN);
        double kt = runs.stream().mapToDouble(r -> mean(r.kernel(), FROM, COUNT)).average().orElse(Double.NaN);
        double ratio = runs.stream().mapToDouble(r -> mean(r.stack(), FROM, COUNT) / mean(r.kernel(), FROM, COUNT)).average()
                .orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "averages over %d fresh processes:%n", runs.size());
        System.out.printf(Locale.ROOT, "  launch -> banner (Stop with Ctrl-C)     %7.0f ms%n", banner);
        System.out.printf(Locale.ROOT, "  launch -> first answered ping           %7.0f ms (worst %.0f ms)%n", first, firstMax);
        System.out.printf(Locale.ROOT, "  pings 1-20 RTT (lwip4j)                 %7.3f ms%n", early);
        System.out.printf(Locale.ROOT, "  pings %d-%d RTT lwip4j / kernel (veth)  %7.3f / %.3f ms = %.1fx (mean of per-run ratios)%n", FROM,
                COUNT, st, kt, ratio);
        if (warmed) {
            double sw = runs.stream().mapToDouble(r -> mean(r.stackWarm(), FROM, COUNT)).average().orElse(Double.NaN);
            double kw = runs.stream().mapToDouble(r -> mean(r.kernelWarm(), FROM, COUNT)).average().orElse(Double.NaN);
            double rw = runs.stream().mapToDouble(r -> mean(r.stackWarm(), FROM, COUNT) / mean(r.kernelWarm(), FROM, COUNT))
                    .average().orElse(Double.NaN);
            System.out.printf(Locale.ROOT, "  warmed (after 20,000 pings) lwip4j / kernel %.3f / %.3f ms = %.1fx%n", sw, kw, rw);
        }
        if (tcp) {
            System.out.printf(Locale.ROOT, "  TCP %s from the kernel's iperf -c (ms, median [min-max]):%n", TCP_AMOUNT);
            System.out.printf(Locale.ROOT, "    lwip4j first (fresh process)          %s%n", spread(runs, Run::tcpFirst));
            System.out.printf(Locale.ROOT, "    kernel over veth                      %s%n", spread(runs, Run::tcpKernel));
            System.out.printf(Locale.ROOT, "    lwip4j second (warmed by the first)   %s%n", spread(runs, Run::tcpSecond));
            System.out.printf(Locale.ROOT, "    launch -> end of the first            %s%n", spread(runs, Run::toTcpDone));
        }
        System.out.printf(Locale.ROOT, "  medians: first answer %.0f ms, pings %d-%d ratio %.1fx%s%n", median(runs, Run::toFirstAnswer), FROM,
                COUNT, median(runs, r -> mean(r.stack(), FROM, COUNT) / mean(r.kernel(), FROM, COUNT)),
                tcp ? String.format(Locale.ROOT, ", TCP first %.0f ms (kernel %.0f), second %.0f ms", median(runs, Run::tcpFirst),
                        median(runs, Run::tcpKernel), median(runs, Run::tcpSecond)) : "");
    }

    /** The median of {@code f} over the runs (NaN values left out; NaN when none is left). */
    static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        double[] v = runs.stream().mapToDouble(f).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String spread(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        double min = runs.stream().mapToDouble(f).min().orElse(Double.NaN);
        double max = runs.stream().mapToDouble(f).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%7.0f [%.0f-%.0f]", median(runs, f), min, max);
    }

    /** Mean of the pings with icmp_seq {@code from}..{@code to} that were answered. */
    static double mean(double[] rtt, int from, int to) {
        if (rtt == null) {
            return Double.NaN;
        }
        double sum = 0;
        int n = 0;
        for (int seq = from; seq <= to && seq <= rtt.length; seq++) {
            if (!Double.isNaN(rtt[seq - 1])) {
                sum += rtt[seq - 1];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static Run once(Settings s, Variant v) throws IOException, InterruptedException {
        try (Namespaces ns = new Namespaces()) {
            String nsS = ns.add("s");
            String nsA = ns.add("a");
            String nsB = ns.add("b");
            ns.veth(nsA, KERNEL_A + "/24", nsB, KERNEL_B + "/24");
            Process kernelIperf = s.tcp() ? new ProcessBuilder("ip", "netns", "exec", nsB, "iperf", "-s", "-p",
                    Integer.toString(IPERF_PORT)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    : null;
            try {
                return measure(s, v, ns, nsS, nsA);
            } finally {
                if (kernelIperf != null) {
                    kernelIperf.destroy();
                    kernelIperf.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static Run measure(Settings s, Variant v, Namespaces ns, String nsS, String nsA) throws IOException, InterruptedException {
        String tap = ns.name("t");
        List<String> cmd = new ArrayList<>(s.launch());
        if (v.launcher() != null) {
            cmd = new ArrayList<>(List.of(v.launcher()));
        }
        if (s.nice() != null) {
            // On a shared machine: more of the CPU for the measured process, as on an idle one.
            cmd.addAll(0, List.of("nice", "-n", Integer.toString(s.nice())));
        }
        cmd.addAll(List.of("run", "--tap", tap, "--ip4", STACK_IP + "/24", "--netns", nsS));
        cmd.addAll(s.args());
        cmd.addAll(v.args());
        if (s.tcp() && !cmd.contains("--iperf")) {
            cmd.add("--iperf");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(s.env());
        pb.environment().putAll(v.env());
        long t0 = System.nanoTime();
        Process p = pb.start();
        Output out = new Output(p);
        try {
            long first = firstAnswer(nsS, p, out, t0);
            double[] stack = series(nsS, STACK_IP, COUNT, INTERVAL);
            double[] kernel = series(nsA, KERNEL_B, COUNT, INTERVAL);
            double tcpFirst = Double.NaN;
            double tcpKernel = Double.NaN;
            double tcpSecond = Double.NaN;
            double toTcpDone = Double.NaN;
            if (s.tcp()) {
                tcpFirst = iperf16MiB(nsS, STACK_IP);
                toTcpDone = (System.nanoTime() - t0) / 1e6;
                tcpKernel = iperf16MiB(nsA, KERNEL_B);
                tcpSecond = iperf16MiB(nsS, STACK_IP);
            }
            double[] stackWarm = null;
            double[] kernelWarm = null;
            if (s.warmed()) {
                Shell.run(120, List.of("ip", "netns", "exec", nsS, "ping", "-n", "-q", "-A", "-c", "20000", "-W", "2", STACK_IP));
                Shell.run(30, List.of("ip", "netns", "exec", nsA, "ping", "-n", "-q", "-c", "20", "-i", "0.002", KERNEL_B));
                stackWarm = series(nsS, STACK_IP, COUNT, INTERVAL);
                kernelWarm = series(nsA, KERNEL_B, COUNT, INTERVAL);
            }
            double banner = out.bannerAt == 0 ? Double.NaN : (out.bannerAt - t0) / 1e6;
            return new Run(banner, (first - t0) / 1e6, stack, kernel, stackWarm, kernelWarm, tcpFirst, tcpKernel, tcpSecond,
                    toTcpDone);
        } finally {
            stop(p, out);
        }
    }

    /** The process's output, drained by a thread; notes when the banner's last line came. */
    private static final class Output {
        final StringBuilder text = new StringBuilder();
        volatile long bannerAt;
        final Thread reader;

        Output(Process p) {
            reader = Thread.ofPlatform().daemon().name("lwip4j-output").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (bannerAt == 0 && line.startsWith("Stop with Ctrl-C")) {
                            bannerAt = System.nanoTime();
                        }
                        synchronized (text) {
                            text.append(line).append('\n');
                        }
                    }
                } catch (IOException ignored) {
                    // The process went away.
                }
            });
        }

        String get() {
            synchronized (text) {
                return text.toString();
            }
        }
    }

    /**
     * Pings every 10 ms from namespace {@code ns} until one is answered (a ping that cannot
     * even be sent, before the process made the TAP and its route, is retried 10 ms later);
     * returns the {@link System#nanoTime()} at which the answer was read.
     */
    private static long firstAnswer(String ns, Process lwip4j, Output out, long t0) throws IOException, InterruptedException {
        while (System.nanoTime() - t0 < START_LIMIT_NANOS) {
            if (!lwip4j.isAlive()) {
                throw new IOException("lwip4j exited with " + lwip4j.exitValue() + " before answering:\n" + out.get());
            }
            Process ping = new ProcessBuilder("ip", "netns", "exec", ns, "ping", "-n", "-c", "1", "-w", "5", "-i", "0.01", STACK_IP)
                    .redirectErrorStream(true).start();
            ping.getOutputStream().close();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(ping.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.contains("bytes from")) {
                        long at = System.nanoTime();
                        ping.waitFor(10, TimeUnit.SECONDS);
                        return at;
                    }
                }
            } finally {
                if (!ping.waitFor(10, TimeUnit.SECONDS)) {
                    ping.destroyForcibly();
                }
            }
            Thread.sleep(10);
        }
        throw new IOException("no answer within " + TimeUnit.NANOSECONDS.toSeconds(START_LIMIT_NANOS) + " s:\n" + out.get());
    }

    /** {@code count} pings {@code interval} s apart: the RTT of each in ms by icmp_seq - 1 (NaN when unanswered). */
    static double[] series(String ns, String dst, int count, double interval) throws IOException {
        Shell.Result r = Shell.run((long) (count * interval) + 30, List.of("ip", "netns", "exec", ns, "ping", "-n", "-c",
                Integer.toString(count), "-i", Double.toString(interval), "-W", "2", dst));
        double[] rtt = new double[count];
        Arrays.fill(rtt, Double.NaN);
        Matcher m = REPLY.matcher(r.output());
        while (m.find()) {
            int seq = Integer.parseInt(m.group(1));
            if (seq >= 1 && seq <= count) {
                rtt[seq - 1] = Double.parseDouble(m.group(2));
            }
        }
        return rtt;
    }

    /**
     * Milliseconds of {@code iperf -c host -n 16M} (iperf 2) from namespace {@code ns}, from its
     * launch to its exit; fails unless it reports a whole test.
     */
    static double iperf16MiB(String ns, String host) throws IOException {
        long t0 = System.nanoTime();
        Shell.Result r = Shell.run(120, List.of("ip", "netns", "exec", ns, "iperf", "-c", host, "-p", Integer.toString(IPERF_PORT), "-n",
                TCP_AMOUNT, "-y", "C"));
        double ms = (System.nanoTime() - t0) / 1e6;
        boolean reported = r.output().lines().anyMatch(l -> l.split(",").length >= 9);
        if (r.exit() != 0 || !reported) {
            throw new IOException("iperf -c " + host + " -n " + TCP_AMOUNT + " failed (" + r.exit() + "): " + r.output().strip());
        }
        return ms;
    }

    /** SIGTERM, then (after 15 s) SIGKILL to it and its children. */
    private static void stop(Process p, Output out) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            System.err.println("lwip4j did not stop on SIGTERM within 15 s; killing it");
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        out.reader.join(5000);
    }
}
