package org.lwip4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.lwip4j.Stack;
import org.lwip4j.buffer.PoolStats;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifCounters;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.apps.Chargen;
import org.lwip4j.apps.Discard;
import org.lwip4j.apps.Echo;
import org.lwip4j.apps.iperf.IperfClient;
import org.lwip4j.apps.iperf.IperfResult;
import org.lwip4j.apps.iperf.IperfServer;
import org.lwip4j.stack.ErrException;

/**
 * Runs one stack as a {@link RunPlan} says: opens the devices (setting up the host side of
 * those it creates), adds a netif per device, captures, starts the services (echo, discard,
 * chargen, iperf) and the loop, runs the iperf client test if asked (then stops); prints the stats periodically; and on {@link #stop()} releases everything in order
 * (stats taken, drivers closed with the stack, captures flushed and closed) and prints the
 * final stats.
 */
public final class StackRunner {
    /** The echo port (RFC 862), TCP and UDP. */
    public static final int ECHO_PORT = Echo.PORT;

    private final RunPlan plan;
    private final Platform platform;
    private final PrintWriter out;
    private final List<Attached> attached = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Stack stack;
    private ScheduledExecutorService ticker;
    private StatsSnapshot lastReported;
    private long lastReportedAt;
    private long startedAt;
    private boolean started;
    private boolean done;
    private volatile boolean iperfFailed;
    /** The services started (echo, discard, chargen, iperf server); closed with the stack. */
    private final List<AutoCloseable> services = new ArrayList<>();
    private AddressLog addressLog;
    /** Writes what the loop has to say (address events, iperf reports), so the loop never waits for the terminal. */
    private ConsoleLines console;

    /** One interface: what was asked, the device, its netif and capture. */
    private static final class Attached {
        final InterfaceSpec spec;
        final OpenedDevice device;
        Netif netif;
        Capture capture;

        Attached(InterfaceSpec spec, OpenedDevice device) {
            this.spec = spec;
            this.device = device;
        }
    }

    /** A runner for {@code plan} on {@code platform}, printing to {@code out}. */
    public StackRunner(RunPlan plan, Platform platform, PrintWriter out) {
        this.plan = plan;
        this.platform = platform;
        this.out = out;
    }

    /**
     * Opens everything and starts the stack's loop. On failure whatever was opened is
     * released again before the exception leaves.
     *
     * @throws DeviceException when a device cannot be opened or set up
     * @throws IOException     when a capture file cannot be created
     */
    public synchronized void start() throws DeviceException, IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        // --forward routes both families.
        StackConfig config = StackConfig.builder().ipForward(plan.forward()).lwipIpv6Forward(plan.forward()).build();
        stack = Stack.create(config);
        boolean ok = false;
        try {
            for (InterfaceSpec s : plan.interfaces()) {
                OpenedDevice d = platform.open(s);
                Attached a = new Attached(s, d);
                attached.add(a);
                if (d.created()) {
                    platform.configureHost(s, d);
                }
                if (s.pcap() != null) {
                    a.capture = platform.openCapture(s.pcap(), d.driver().linkType(), d.name());
                }
            }
            String failure = stack.call(this::configureOnLoop);
            if (failure != null) {
                throw new DeviceException(failure);
            }
            if (plan.maxSleep() != null) {
                stack.loop().setMaxSleep(plan.maxSleep());
            }
            stack.start();
            startedAt = System.nanoTime();
            startIperfClient();
            if (plan.statsInterval() != null) {
                long ms = Math.max(1, plan.statsInterval().toMillis());
                ticker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("lwip4j-stats").unstarted(r));
                ticker.scheduleAtFixedRate(this::printStats, ms, ms, TimeUnit.MILLISECONDS);
            }
            ok = true;
        } finally {
            if (!ok) {
                release();
                stopped.countDown();
                done = true;
            }
        }
    }

    /** On the loop, before it runs: netifs, addresses, captures, default netif, echo. Returns a failure, or null. */
    private String configureOnLoop() {
        for (Attached a : attached) {
            InterfaceSpec s = a.spec;
            // The CLI's default MAC is stable across runs: derived from the device name alone.
            MacAddress mac = s.mac() != null ? s.mac() : MacAddress.derivedFrom(s.name());
            Netif n = stack.addNetif(a.device.driver(), s.name(), mac);
            a.netif = n;
            if (s.mtu() != null) {
                n.setMtu(s.mtu());
            }
            if (s.ip4() != null) {
                n.ip4().set(s.ip4());
            }
            for (Ip6Cidr c : s.ip6()) {
                n.ip6().add(c.address(), c.prefixLength());
            }
            if (a.capture != null) {
                n.setTap(a.capture.tap());
            }
        }
        InterfaceSpec def = plan.defaultInterface();
        for (Attached a : attached) {
            if (a.spec == def) {
                if (plan.gw4() != null) {
                    a.netif.ip4().setGateway(plan.gw4());
                }
                stack.netifs().setDefault(a.netif);
            }
        }
        InterfaceSpec def6 = plan.gateway6Interface();
        for (Attached a : attached) {
            if (a.spec == def6) {
                a.netif.ip6().setGateway(plan.gw6().address());
            }
        }
        for (Attached a : attached) {
            a.netif.ip6().setAutoconfig(plan.slaac()); // before up: the first RS goes out on link-up
            a.netif.setUp(true);
        }
        // From here on every address change is one line (the banner shows the states up to now).
        console = new ConsoleLines(out);
        addressLog = new AddressLog(console);
        for (Attached a : attached) {
            a.netif.ip6().addListener(addressLog);
        }
        stack.netifs().addListener(addressLog);
        String failure = startServices();
        if (failure != null) {
            return failure;
        }
        return null;
    }

    /** On the loop: the services of the plan (apps module); a failure to bind is returned as text. */
    private String startServices() {
        Services sv = plan.services();
        try {
            if (sv.echo()) {
                services.add(Echo.start(stack));
            }
            if (sv.discard()) {
                services.add(Discard.start(stack));
            }
            if (sv.chargen()) {
                services.add(Chargen.start(stack));
            }
            if (sv.iperf()) {
                services.add(IperfServer.start(stack, this::printIperf));
            }
        } catch (ErrException e) {
            return e.getMessage();
        }
        return null;
    }

    /** On the loop: an iperf report, written by the console. */
    private void printIperf(IperfResult r) {
        console.print("lwip4j: " + r);
    }

    /**
     * Runs the plan's iperf client test, if any: its results are printed as they come, and
     * once all are in the run stops (from a thread of its own, since stopping waits for the loop).
     */
    private void startIperfClient() {
        Services sv = plan.services();
        if (sv.iperfServer() == null) {
            return;
        }
        IperfClient c = stack.call(() -> IperfClient.start(stack, sv.iperfServer(), sv.iperfOptions(), this::printIperf));
        c.results().whenComplete((results, error) -> {
            boolean ok = error == null && !results.isEmpty() && results.stream().allMatch(IperfResult::done);
            iperfFailed = !ok;
            Thread.ofPlatform().name("lwip4j-iperf-done").start(this::stop);
        });
    }

    /** True when the iperf client test ran and failed (a stream aborted or refused). */
    public boolean iperfFailed() {
        return iperfFailed;
    }

    /** The text printed once the stack runs: what it is and how to reach it (addresses read on the loop). */
    public synchronized String banner() {
        return stack == null ? bannerOnLoop() : stack.call(this::bannerOnLoop);
    }

    /** Every address of {@code a}'s netif with its state, one per line, indented: what banner and stats show. */
    private static void addresses(StringBuilder sb, Attached a, String indent) {
        if (a.netif == null) {
            return;
        }
        for (var v4 : a.netif.ip4().all()) {
            sb.append(indent).append("IPv4 ").append(v4).append('\n');
        }
        for (Ip6Addresses.Entry e : a.netif.ip6().all()) {
            sb.append(indent).append("IPv6 ").append(AddressLog.display(a.netif, e.address())).append('/')
                    .append(e.prefixLength()).append(' ').append(AddressLog.state(e.state())).append('\n');
        }
        if (!a.netif.ip6().gateway().isAny()) {
            sb.append(indent).append("IPv6 default router ").append(AddressLog.display(a.netif, a.netif.ip6().gateway()))
                    .append('\n');
        }
    }

    private String bannerOnLoop() {
        StringBuilder sb = new StringBuilder();
        sb.append("lwip4j: stack running on ").append(attached.size()).append(attached.size() == 1 ? " interface" : " interfaces")
                .append(plan.forward() ? ", forwarding between them" : "").append('\n');
        for (Attached a : attached) {
            InterfaceSpec s = a.spec;
            sb.append(String.format(Locale.ROOT, "  %-8s %s %-8s stack %-18s", s.name(), s.kind(),
                    a.device.created() ? "created" : "attached", s.ip4() != null ? s.ip4() : "no IPv4"));
            if (a.netif != null && s.kind() == InterfaceSpec.Kind.TAP) {
                sb.append(" mac ").append(a.netif.mac());
            }
            sb.append(" mtu ").append(a.netif != null ? a.netif.mtu() : "?");
            if (!a.device.created()) {
                sb.append("  host side left as it was");
            } else if (s.hostIp4() != null) {
                sb.append("  host side ").append(s.hostIp4());
            } else {
                sb.append("  host side without address");
            }
            if (s.netns() != null) {
                sb.append("  in netns ").append(s.netns());
            }
            if (a.capture != null) {
                sb.append("  capture ").append(s.pcap());
            }
            sb.append('\n');
            if (a.device.created() && s.hostIp6() != null) {
                sb.append("           host side IPv6 ").append(s.hostIp6()).append('\n');
            }
            addresses(sb, a, "           ");
        }
        if (plan.slaac()) {
            sb.append("  IPv6 addresses and default routers from router advertisements (SLAAC)\n");
        }
        if (plan.gw4() != null) {
            sb.append("  default gateway ").append(plan.gw4()).append('\n');
        }
        sb.append("Reach it:\n");
        for (Attached a : attached) {
            InterfaceSpec s = a.spec;
            String prefix = s.netns() != null ? "ip netns exec " + s.netns() + " " : "";
            if (a.device.created() && s.hostIp4() == null && s.ip4() != null) {
                // host-ip4=none: nothing on the host reaches the stack until the host side gets an address.
                sb.append("  ").append(prefix).append("ip addr add ADDR/").append(s.ip4().prefixLength()).append(" dev ")
                        .append(s.name()).append("    (the host side has no address yet; then:)\n");
            }
            if (s.ip4() != null) {
                sb.append("  ").append(prefix).append("ping ").append(s.ip4().address()).append('\n');
                String addr = s.ip4().address().toString();
                Services sv = plan.services();
                if (sv.echo()) {
                    sb.append("  echo hello | ").append(prefix).append("nc -u -w1 ").append(addr).append(' ').append(ECHO_PORT)
                            .append("    (echo, RFC 862: UDP; without -u TCP)\n");
                }
                if (sv.discard()) {
                    sb.append("  ").append(prefix).append("nc ").append(addr).append(" 9 < FILE    (discard, RFC 863: TCP and UDP)\n");
                }
                if (sv.chargen()) {
                    sb.append("  ").append(prefix).append("nc ").append(addr).append(" 19 | head    (chargen, RFC 864: TCP and UDP)\n");
                }
                if (sv.iperf()) {
                    sb.append("  ").append(prefix).append("iperf -c ").append(addr).append(" -t 5    (iperf 2 server, TCP port ")
                            .append(IperfServer.PORT).append(")\n");
                }
            }
            if (a.netif != null) {
                for (Ip6Addresses.Entry e : a.netif.ip6().all()) {
                    if (e.state() != Ip6Addresses.State.DUPLICATE) {
                        sb.append("  ").append(prefix).append("ping ").append(AddressLog.display(a.netif, e.address()))
                                .append('\n');
                    }
                }
            }
        }
        if (plan.forward() && attached.size() > 1) {
            sb.append("Route through it (on each side):\n");
            for (Attached a : attached) {
                String prefix = a.spec.netns() != null ? "ip netns exec " + a.spec.netns() + " " : "";
                for (Attached b : attached) {
                    if (b == a) {
                        continue;
                    }
                    if (a.spec.ip4() != null && b.spec.ip4() != null) {
                        sb.append("  ").append(prefix).append("ip route add ").append(b.spec.ip4().network()).append('/')
                                .append(b.spec.ip4().prefixLength()).append(" via ").append(a.spec.ip4().address()).append('\n');
                    }
                    if (!a.spec.ip6().isEmpty()) {
                        for (Ip6Cidr p : b.spec.ip6()) {
                            sb.append("  ").append(prefix).append("ip -6 route add ").append(p.prefix()).append(" via ")
                                    .append(a.spec.ip6().getFirst().address()).append('\n');
                        }
                    }
                }
            }
        }
        sb.append("Stop with Ctrl-C (SIGINT) or SIGTERM.\n");
        return sb.toString();
    }

    private void printStats() {
        try {
            String r = periodicReport();
            synchronized (out) {
                out.print(r);
                out.flush();
            }
        } catch (RuntimeException e) {
            synchronized (out) {
                out.println("lwip4j: cannot read the stats: " + e.getMessage());
                out.flush();
            }
        }
    }

    /**
     * What {@code --stats N} prints every N seconds: one line with the counters that changed
     * since the last such line (since the start for the first), then a line of TCP_INFO per
     * open TCP connection; or nothing when no counter changed.
     * The whole table is printed at exit ({@link #report()}).
     */
    String periodicReport() {
        Stack s;
        synchronized (this) {
            s = stack;
        }
        if (s == null) {
            return "";
        }
        StatsSnapshot now = s.call(this::snapshotOnLoop);
        long t = System.nanoTime();
        String changes = now.changesSince(lastReported);
        long from = lastReported == null ? startedAt : lastReportedAt;
        double since = from == 0 ? 0 : (t - from) / 1e9;
        double up = startedAt == 0 ? 0 : (t - startedAt) / 1e9;
        lastReported = now;
        lastReportedAt = t;
        if (changes.isEmpty()) {
            return "";
        }
        String conns = s.call(() -> TcpConnections.lines(stack, false)); // the connections' TCP_INFO, not the listeners
        return String.format(Locale.ROOT, "lwip4j: stats, last %.1f s (up %.1f s): %s%n", since, up, changes) + conns;
    }

    /** The counters the periodic line compares, read on the loop. */
    private StatsSnapshot snapshotOnLoop() {
        StatsSnapshot snap = new StatsSnapshot();
        for (Attached a : attached) {
            if (a.netif == null) {
                continue;
            }
            NetifCounters c = a.netif.counters();
            snap.put(a.netif.name(), "in", c.inPackets).put(a.netif.name(), "in-bytes", c.inOctets)
                    .put(a.netif.name(), "in-drop", c.inDiscards).put(a.netif.name(), "out", c.outPackets)
                    .put(a.netif.name(), "out-bytes", c.outOctets).put(a.netif.name(), "out-drop", c.outDiscards)
                    .put(a.netif.name(), "q-drop", c.queueDrops.get());
            snap.put(a.netif.name(), "filtered", c.inFiltered).put(a.netif.name(), "not-handled", c.inUnknownProtos);
            if (a.capture != null) {
                snap.put("capture " + a.spec.pcap(), "frames", a.capture.frames());
            }
        }
        for (ProtoStats p : stack.stats().protocols()) {
            long[] v = p.values();
            for (int i = 0; i < v.length; i++) {
                snap.put(p.name, ProtoStats.FIELDS.get(i), v[i]);
            }
        }
        for (PoolStats p : stack.stats().pools()) {
            snap.put("pool " + p.name, "err", p.err).put("pool " + p.name, "illegal", p.illegal).put("pool " + p.name, "max", p.max);
        }
        return snap;
    }

    /** The stats: per interface, the drivers', then the stack's table (read on the loop). */
    public String report() {
        Stack s;
        synchronized (this) {
            s = stack;
        }
        if (s == null) {
            return "";
        }
        return s.call(this::reportOnLoop);
    }

    private String reportOnLoop() {
        StringBuilder sb = new StringBuilder();
        double up = startedAt == 0 ? 0 : (System.nanoTime() - startedAt) / 1e9;
        sb.append(String.format(Locale.ROOT, "--- lwip4j stats after %.1f s ---%n", up));
        sb.append(String.format(Locale.ROOT, "%-10s %10s %12s %8s %10s %12s %8s %8s%n", "netif", "in", "in-bytes", "in-drop",
                "out", "out-bytes", "out-drop", "q-drop"));
        for (Attached a : attached) {
            if (a.netif == null) {
                continue;
            }
            NetifCounters c = a.netif.counters();
            sb.append(String.format(Locale.ROOT, "%-10s %10d %12d %8d %10d %12d %8d %8d%n", a.netif.name(), c.inPackets,
                    c.inOctets, c.inDiscards, c.outPackets, c.outOctets, c.outDiscards, c.queueDrops.get()));
        }
        sb.append("addresses:\n");
        for (Attached a : attached) {
            if (a.netif != null) {
                sb.append("  ").append(a.netif.name()).append('\n');
                addresses(sb, a, "    ");
            }
        }
        for (Attached a : attached) {
            if (a.netif == null) {
                continue;
            }
            NetifCounters c = a.netif.counters();
            if (c.inFiltered > 0) {
                sb.append(String.format(Locale.ROOT, "filtered on %s: %d frames for another station or a multicast group not joined "
                        + "(what a NIC's filter keeps out; counted in in-drop and LINK drop)%n", a.netif.name(), c.inFiltered));
            }
            if (c.inUnknownProtos > 0) {
                sb.append(String.format(Locale.ROOT, "not handled on %s: %d frames of protocols this stack does not speak "
                        + "(counted in in-drop and LINK proterr/drop)%n", a.netif.name(), c.inUnknownProtos));
            }
        }
        for (Attached a : attached) {
            String d = a.device.driverStats() == null ? null : a.device.driverStats().get();
            if (d != null && !d.isEmpty()) {
                sb.append("driver ").append(a.device.name()).append(": ").append(d).append('\n');
            }
            if (a.capture != null) {
                sb.append("capture ").append(a.spec.pcap()).append(": ").append(a.capture.frames()).append(" frames\n");
            }
        }
        sb.append(stack.stats().table());
        sb.append(TcpConnections.table(stack));
        var loop = stack.loop();
        sb.append(String.format(Locale.ROOT, "event loop: failed tasks %d, sources %d, timers %d%n", loop.failedTasks(),
                loop.failedSources(), loop.failedTimers()));
        return sb.toString();
    }

    /**
     * Stops: no more periodic stats, stats taken, stack closed (which closes the drivers and
     * so releases the devices; devices this run created disappear), captures flushed and
     * closed, final stats printed. Idempotent; a second caller waits for the first.
     */
    public synchronized void stop() {
        if (done) {
            return;
        }
        done = true;
        try {
            if (ticker != null) {
                ticker.shutdownNow();
            }
            String last;
            try {
                last = report();
            } catch (RuntimeException e) {
                last = "lwip4j: cannot read the final stats: " + e.getMessage() + "\n";
            }
            release();
            synchronized (out) {
                out.println("lwip4j: stopped; devices released" + (hasCaptures() ? ", captures flushed" : ""));
                out.print(last);
                out.flush();
            }
        } finally {
            stopped.countDown();
        }
    }

    private boolean hasCaptures() {
        for (Attached a : attached) {
            if (a.capture != null) {
                return true;
            }
        }
        return false;
    }

    /** Closes the stack (and with it the drivers of added netifs), drivers never added, and captures. */
    private void release() {
        if (addressLog != null) {
            addressLog.mute();
        }
        if (stack != null) {
            stack.close();
        }
        if (console != null) {
            console.close(); // what the loop said comes before the stop line
        }
        for (Attached a : attached) {
            if (a.netif == null) {
                try {
                    a.device.driver().close();
                } catch (RuntimeException e) {
                    out.println("lwip4j: closing " + a.device.name() + " failed: " + e.getMessage());
                }
            }
        }
        for (Attached a : attached) {
            if (a.capture != null) {
                try {
                    a.capture.close();
                } catch (IOException | RuntimeException e) {
                    out.println("lwip4j: closing capture " + a.spec.pcap() + " failed: " + e.getMessage());
                }
            }
        }
    }

    /** Waits until {@link #stop()} finished (or start failed). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Waits at most {@code timeout} for {@link #stop()} to finish; true when it did. */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The stack (after {@link #start()}), for tests. */
    public synchronized Stack stack() {
        return stack;
    }
}
