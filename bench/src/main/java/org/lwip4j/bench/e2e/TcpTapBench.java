package org.lwip4j.bench.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.tap.DriverStats;
import org.lwip4j.netif.tap.Offload;
import org.lwip4j.netif.tap.TapDriver;
import org.lwip4j.netif.tap.TuntapOptions;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.tcp.TcpPcb;

/**
 * TCP throughput over a real wire, run on demand (never in tests): the kernel's {@code iperf}
 * (2) client sending to an lwip4j stack over a TAP device, beside the kernel's {@code iperf}
 * client sending to the kernel's {@code iperf -s} over a veth pair, in the same run, and the
 * ratio. The stack's side is a discard sink on the raw TCP API (port 5001: it reads and frees
 * everything, iperf 2's header included), so the figure is the stack's receive path and the
 * device, not an application.
 *
 * <p>Each path lives in network namespaces of its own ({@link Namespaces}): the TAP's host
 * side (10.203.0.1/24) in one, the stack (10.203.0.2) behind it in this JVM; the veth pair
 * (10.204.0.1 and .2) between two others. Both iperf clients run in their namespaces with
 * the same arguments. By default the TAP is opened with the virtio-net header and the
 * kernel's offloads ({@code TUNSETOFFLOAD} CSUM+TSO4+TSO6: the kernel hands 64 KiB TCP
 * super-frames with partial checksums, which the stack takes whole);
 * {@code --no-offload} opens it plain, one 1500-byte frame per read, for comparison.
 *
 * <p>It also measures the other direction, the stack's raw-API client sending to the
 * kernel's {@code iperf -s} on the TAP's host side (with the header, TCP hands the kernel
 * 64 KiB super-frames to cut: TSO).
 *
 * <p>What it prints: first, the first 16 MiB through the just-started stack in this fresh
 * process (the time of {@code iperf -n 16M} from launch to exit, beside the same over veth),
 * then {@code --seconds} of each path, repeated {@code --rounds} times alternating, then the
 * first 16 MiB again with the stack warmed. Needs root and {@code iperf}; removes all it made.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/lwip4j-bench.jar \
 *     org.lwip4j.bench.e2e.TcpTapBench [--seconds 10] [--rounds 2] [--no-offload] [--wnd BYTES] [--send-only]
 * </pre>
 *
 * <p>The stack's sends run twice a round: copied writes ({@code WRITE_COPY} of a heap array)
 * and zero-copy writes (views of an off-heap buffer, which the TAP driver hands to
 * {@code writev} in place). {@code --send-only} measures that direction alone.
 */
public final class TcpTapBench {
    static final String STACK_IP = "10.203.0.2";
    static final String TAP_HOST_IP = "10.203.0.1";
    static final String VETH_A_IP = "10.204.0.1";
    static final String VETH_B_IP = "10.204.0.2";
    static final int PORT = 5001;

    private TcpTapBench() {
    }

    /** Runs the comparison; see the class comment. */
    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int rounds = 2;
        boolean offload = true;
        int wnd = 1 << 20;
        boolean sendOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--no-offload" -> offload = false;
                case "--wnd" -> wnd = Integer.parseInt(args[++i]);
                case "--send-only" -> sendOnly = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--seconds N, --rounds N, --no-offload, --wnd BYTES, --send-only)");
            }
        }
        long launched = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli)
                .orElse(System.currentTimeMillis());
        try (Namespaces ns = new Namespaces()) {
            String nsS = ns.add("s");
            String nsA = ns.add("a");
            String nsB = ns.add("b");
            ns.veth(nsA, VETH_A_IP + "/24", nsB, VETH_B_IP + "/24");
            Process kernelServer = new ProcessBuilder("ip", "netns", "exec", nsB, "iperf", "-s", "-p",
                    Integer.toString(PORT)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Sink sink = new Sink();
            Stack stack = null;
            try {
                stack = stackOverTap(ns, nsS, offload, wnd, sink);
                Thread.sleep(300); // the kernel's iperf -s is listening
                if (sendOnly) {
                    stackSendRounds(stack, nsS, seconds, rounds, offload);
                    System.out.println(stack.stats().table());
                    return;
                }
                System.out.printf("TCP, kernel iperf 2 client -> receiver; TAP %s, stack TCP_WND %d%n",
                        offload ? "with virtio-net header, CSUM+TSO4+TSO6 offloads (GSO frames in)" : "plain (no offloads)",
                        wnd);
                double cold = first16MiB(nsS, STACK_IP);
                long sinceLaunch = System.currentTimeMillis() - launched;
                double coldKernel = first16MiB(nsA, VETH_B_IP);
                System.out.printf("fresh process, first 16 MiB: stack %.0f ms (done %.2f s after the JVM's launch),"
                        + " kernel veth %.0f ms%n", cold, sinceLaunch / 1000.0, coldKernel);
                List<double[]> results = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    double k = throughput(nsA, VETH_B_IP, seconds);
                    long before = sink.bytes.get();
                    long t0 = System.nanoTime();
                    double s = throughput(nsS, STACK_IP, seconds);
                    double sinkGbps = (sink.bytes.get() - before) * 8 / ((System.nanoTime() - t0) / 1e9) / 1e9;
                    System.out.printf("round %d: kernel veth %.2f Gbit/s, stack over TAP %.2f Gbit/s"
                            + " (sink saw %.2f), ratio %.3f%n", r + 1, k, s, sinkGbps, s / k);
                    results.add(new double[] {k, s});
                }
                stackSendRounds(stack, nsS, seconds, rounds, offload);
                double warm = first16MiB(nsS, STACK_IP);
                double warmKernel = first16MiB(nsA, VETH_B_IP);
                System.out.printf("warmed, 16 MiB: stack %.0f ms, kernel veth %.0f ms (fresh: %.0f ms, %.0f ms)%n",
                        warm, warmKernel, cold, coldKernel);
                double k = results.stream().mapToDouble(x -> x[0]).average().orElse(0);
                double s = results.stream().mapToDouble(x -> x[1]).average().orElse(0);
                System.out.printf("mean: kernel veth %.2f Gbit/s, stack %.2f Gbit/s, ratio %.3f%n", k, s, s / k);
                DriverStats ds = sink.tap.stats();
                System.out.println("TAP driver: " + ds);
                System.out.println(stack.stats().table());
                if (sink.errors.get() != 0) {
                    System.out.println("connections that ended in an error: " + sink.errors.get());
                }
            } finally {
                kernelServer.destroy();
                kernelServer.waitFor();
                if (stack != null) {
                    stack.close();
                } else if (sink.tap != null) {
                    sink.tap.close();
                }
            }
        }
    }

    /** Counts and frees everything received on port 5001, on any number of connections. */
    static final class Sink {
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        TapDriver tap;

        void accept(TcpPcb conn) {
            conn.onRecv((pcb, p) -> {
                if (p == null) {
                    pcb.close();
                    return;
                }
                int n = p.totalLength();
                p.free();
                pcb.recved(n);
                bytes.addAndGet(n);
            });
            conn.onErr(e -> errors.incrementAndGet());
        }
    }

    private static Stack stackOverTap(Namespaces ns, String nsS, boolean offload, int wnd, Sink sink)
            throws IOException {
        String t = ns.name("t");
        TuntapOptions.Builder o = TuntapOptions.builder();
        if (offload) {
            o.vnetHeader(true).offloads(EnumSet.of(Offload.CSUM, Offload.TSO4, Offload.TSO6));
        }
        sink.tap = TapDriver.open(t, o.build());
        Shell.check("ip", "link", "set", "dev", t, "netns", nsS);
        Shell.check("ip", "netns", "exec", nsS, "sysctl", "-qw", "net.ipv6.conf." + t + ".disable_ipv6=1");
        Shell.check("ip", "-n", nsS, "addr", "add", TAP_HOST_IP + "/24", "dev", t);
        Shell.check("ip", "-n", nsS, "link", "set", "dev", t, "up");
        StackConfig cfg = StackConfig.builder().tcp(c -> c.wnd(wnd).sndBuf(Math.max(wnd, 1460))
                .ooseqMax(wnd, 1024)).build();
        Stack stack = Stack.create(cfg);
        stack.call(() -> {
            Netif n = stack.addNetif(sink.tap, t);
            n.ip4().set(Ip4Interface.parse(STACK_IP + "/24"));
            n.setUp(true);
            stack.netifs().setDefault(n);
            TcpPcb l = stack.newTcpPcb();
            if (l.bind(Ip4Address.ANY, PORT) != Err.OK || l.listen(16) != Err.OK) {
                throw new IllegalStateException("cannot listen on the stack's port " + PORT);
            }
            l.onAccept((lst, c) -> sink.accept(c));
            return null;
        });
        stack.start();
        return stack;
    }

    /** {@code rounds} of the stack's sends, copied then zero-copy writes each round. */
    private static void stackSendRounds(Stack stack, String nsS, int seconds, int rounds, boolean offload)
            throws Exception {
        for (int r = 0; r < rounds; r++) {
            double copied = stackSends(stack, nsS, seconds, true);
            double zero = stackSends(stack, nsS, seconds, false);
            System.out.printf("round %d: stack over TAP -> kernel iperf -s: copied writes %.2f Gbit/s,"
                    + " zero-copy writes %.2f Gbit/s (%s)%n", r + 1, copied, zero,
                    offload ? "TSO: 64 KiB super-frames out" : "MSS-sized frames");
        }
    }

    /**
     * The other direction: the stack's raw-API client sends to the kernel's {@code iperf -s}
     * on the TAP's host side for {@code seconds}; Gbit/s acknowledged by the kernel.
     */
    private static double stackSends(Stack stack, String nsS, int seconds, boolean copy) throws Exception {
        Process server = new ProcessBuilder("ip", "netns", "exec", nsS, "iperf", "-s", "-B", TAP_HOST_IP, "-p",
                "5002").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(300);
            AtomicLong acked = new AtomicLong();
            byte[] chunk = new byte[65536];
            // Zero-copy writes: slices of one off-heap buffer that is never changed.
            java.lang.foreign.MemorySegment offHeap = java.lang.foreign.Arena.ofAuto().allocate(65536, 64);
            TcpPcb[] conn = new TcpPcb[1];
            long[] window = new long[2];
            stack.call(() -> {
                TcpPcb c = stack.newTcpPcb();
                TcpPcb.SentCallback pump = (pcb, n) -> {
                    acked.addAndGet(n);
                    while (pcb.sndbuf() > 0) {
                        int len = Math.min(pcb.sndbuf(), chunk.length);
                        if (copy) {
                            if (pcb.write(chunk, 0, len, TcpPcb.WRITE_COPY) != Err.OK) {
                                return;
                            }
                        } else {
                            org.lwip4j.buffer.Pbuf p = org.lwip4j.buffer.Pbuf.wrap(offHeap.asSlice(0, len));
                            Err e = pcb.write(p, 0);
                            p.free();
                            if (e != Err.OK) {
                                return;
                            }
                        }
                    }
                };
                c.onSent(pump);
                c.onErr(e -> System.out.println("stack client: " + e));
                if (c.connect(Ip4Address.parse(TAP_HOST_IP), 5002, pcb -> pump.sent(pcb, 0)) != Err.OK) {
                    throw new IllegalStateException("connect failed");
                }
                conn[0] = c;
                return null;
            });
            Thread.sleep(1000); // slow start and the JIT
            window[0] = acked.get();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            window[1] = acked.get();
            double secs = (System.nanoTime() - t0) / 1e9;
            stack.call(() -> {
                conn[0].onErr(e -> { });
                conn[0].abort();
                return null;
            });
            return (window[1] - window[0]) * 8 / secs / 1e9;
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /** {@code iperf -c host -t seconds} from namespace {@code ns}: the client's Gbit/s. */
    private static double throughput(String ns, String host, int seconds) throws IOException {
        Shell.Result r = Shell.run(seconds + 30L, List.of("ip", "netns", "exec", ns, "iperf", "-c", host, "-p",
                Integer.toString(PORT), "-t", Integer.toString(seconds), "-y", "C"));
        return gbps(r);
    }

    /** Milliseconds of {@code iperf -c host -n 16M} from launch to exit. */
    private static double first16MiB(String ns, String host) throws IOException {
        long t0 = System.nanoTime();
        Shell.Result r = Shell.run(120, List.of("ip", "netns", "exec", ns, "iperf", "-c", host, "-p",
                Integer.toString(PORT), "-n", "16M", "-y", "C"));
        double ms = (System.nanoTime() - t0) / 1e6;
        gbps(r);
        return ms;
    }

    /** The bits per second of iperf 2's CSV report (its last field), in Gbit/s. */
    private static double gbps(Shell.Result r) throws IOException {
        String last = null;
        for (String line : r.output().lines().toList()) {
            if (line.split(",").length >= 9) {
                last = line;
            }
        }
        if (r.exit() != 0 || last == null) {
            throw new IOException("iperf failed (" + r.exit() + "): " + r.output().strip());
        }
        String[] f = last.split(",");
        return Double.parseDouble(f[f.length - 1].strip()) / 1e9;
    }
}
