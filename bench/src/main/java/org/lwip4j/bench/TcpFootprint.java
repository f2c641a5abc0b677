package org.lwip4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.Simulator;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.tcp.TcpPcb;
import org.lwip4j.tcp.TcpState;

/**
 * Heap per idle established TCP connection: two stacks on the simulator open N connections
 * (default 100,000) from A to B (from several addresses of A, 30,000 ports each, to one
 * listener), and leave them idle. The
 * heap in use after full collections is measured before and after; the difference, divided
 * by the number of connection endpoints (two per connection: a pcb on A and one on B), is
 * the cost of one idle connection endpoint with everything it holds (pcb, timers, congestion
 * control, queues, table entries). No data is sent, so no send or receive buffer exists.
 *
 * <pre>
 * java -Xmx2g -cp bench/target/lwip4j-bench.jar org.lwip4j.bench.TcpFootprint [--connections N] [--histogram]
 * </pre>
 *
 * <p>{@code --histogram} prints the top of the class histogram ({@code jcmd GC.class_histogram}
 * of this very process) while the connections are open, to see which objects make the cost.
 * A measuring program, not a test: it prints, it never asserts a size.
 */
public final class TcpFootprint {
    private TcpFootprint() {
    }

    /** Runs the measurement; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int n = 100_000;
        boolean histogram = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--connections" -> n = Integer.parseInt(args[++i]);
                case "--histogram" -> histogram = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        int groups = (n + 29_999) / 30_000;
        Simulator sim = new Simulator(1);
        VirtualLink link = new VirtualLink(sim, Impairments.NONE);
        Stack a = stack(sim, link.endpointA(), "10.0.0.1/24", n + 16);
        Stack b = stack(sim, link.endpointB(), "10.0.0.2/24", n + 16);
        List<IpAddress> from = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            Ip4Interface addr = Ip4Interface.parse("10.0.0." + (10 + g) + "/24");
            a.netifs().defaultNetif().ip4().add(addr);
            from.add(addr.address());
        }
        IpAddress server = Ip4Address.parse("10.0.0.2");
        List<TcpPcb> accepted = new ArrayList<>(n);
        List<TcpPcb> clients = new ArrayList<>(n);
        List<TcpPcb> listeners = new ArrayList<>();
        TcpPcb listener = b.newTcpPcb();
        check(listener.bind(Ip4Address.ANY, 5000));
        check(listener.listen(1024));
        listener.onAccept((lst, c) -> accepted.add(c));
        listeners.add(listener);
        // One connection resolves ARP and warms the paths; then the baseline.
        open(sim, a, Ip4Address.ANY, server, 1024, clients, accepted, 1);
        long before = usedAfterGc();
        long t0 = System.nanoTime();
        int opened = 1;
        while (opened < n) {
            IpAddress src = from.get(opened / 30_000);
            int clientPort = 2000 + opened % 30_000;
            int batch = Math.min(1000, Math.min(n - opened, 30_000 - opened % 30_000));
            open(sim, a, src, server, clientPort, clients, accepted, batch);
            opened += batch;
        }
        long openNanos = System.nanoTime() - t0;
        long after = usedAfterGc();
        for (TcpPcb c : clients) {
            if (c.state() != TcpState.ESTABLISHED) {
                throw new IllegalStateException("not established: " + c);
            }
        }
        double per = (after - before) / (2.0 * (n - 1));
        System.out.printf("%d idle established connections (%d pcbs on each stack), opened in %.2f s (%.0f/s)%n",
                n, n, openNanos / 1e9, (n - 1) / (openNanos / 1e9));
        System.out.printf("heap in use: %.1f MiB before, %.1f MiB after: %.0f bytes per connection endpoint"
                + " (%.0f per connection, both ends)%n", before / 1048576.0, after / 1048576.0, per, 2 * per);
        if (histogram) {
            histogram();
        }
        // Keep everything reachable until measured.
        if (clients.size() + accepted.size() + listeners.size() == 0) {
            System.out.println();
        }
        a.close();
        b.close();
    }

    /** Opens {@code count} connections from {@code src} and consecutive ports to port 5000, established on both sides. */
    private static void open(Simulator sim, Stack a, IpAddress src, IpAddress server, int clientPort, List<TcpPcb> clients,
            List<TcpPcb> accepted, int count) {
        int want = accepted.size() + count;
        int[] connected = {0};
        for (int i = 0; i < count; i++) {
            TcpPcb c = a.newTcpPcb();
            check(c.bind(src, clientPort + i));
            check(c.connect(server, 5000, pcb -> connected[0]++));
            clients.add(c);
        }
        if (!sim.runUntil(() -> connected[0] == count && accepted.size() == want, Duration.ofSeconds(30))) {
            throw new IllegalStateException("connections did not open: " + connected[0] + " of " + count);
        }
    }

    private static Stack stack(Simulator sim, NetifDriver driver, String cidr, int pcbs) {
        StackConfig cfg = StackConfig.builder().randomSeed(sim.nextStackSeed()).loopbackNetif(false)
                .tcp(t -> t.memNumPcb(pcbs)).build();
        Stack s = Stack.create(cfg, sim.clock());
        sim.add(s.loop());
        Netif netif = s.addNetif(driver, "eth0");
        netif.ip4().set(Ip4Interface.parse(cidr));
        netif.setUp(true);
        s.netifs().setDefault(netif);
        return s;
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, m.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static void histogram() throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        String jcmd = System.getProperty("java.home") + "/bin/jcmd";
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.class_histogram").redirectErrorStream(true)
                .start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().limit(28).toList();
        p.waitFor();
        lines.forEach(System.out::println);
    }

    private static void check(Err e) {
        if (e != Err.OK) {
            throw new IllegalStateException("failed: " + e);
        }
    }
}
