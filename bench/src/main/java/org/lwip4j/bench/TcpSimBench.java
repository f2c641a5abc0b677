package org.lwip4j.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PoolStats;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One TCP connection (RFC 9293) between two whole stacks on one thread: stack A and stack B
 * on a {@link Simulator}, joined by a {@link VirtualLink} without impairments (MTU 1500, so
 * an MSS of 1460 with timestamps: 1448 payload bytes a segment), the connection established
 * in the setup. Every operation is one full-size data segment from A to B.
 *
 * <p>An invocation writes {@value #SEGMENTS} segments' worth of bytes on A (from one array,
 * topped up from the sent callback as the send buffer drains: {@code copy=true} copies it
 * with {@code WRITE_COPY}, {@code copy=false} writes it zero-copy, the segments then chaining
 * views of the array after their headers) and
 * runs the simulator until B's receive callback has seen all of them; B frees each pbuf and
 * calls {@code recved}. Everything runs: the send queue, segment building and checksums,
 * IPv4, ARP, Ethernet, the link's copy, the receiving stack's input path, ACKs back with
 * their own full path, congestion control and timers.
 *
 * <p>Score: segments per second; Gbit/s is {@code score × payload × 8 / 10^9} (the teardown
 * prints it). With {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes allocated per
 * segment, which must be about 0 in steady state. Run without {@code -ea} (strict pools
 * allocate a node per free).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TcpSimBench {
    /** Full-size segments per invocation. */
    static final int SEGMENTS = 256;
    private static final int PORT = 5001;
    private static final Duration LIMIT = Duration.ofSeconds(10);

    /** RFC 7323 timestamps on every segment (Linux's default), or not. */
    @Param({"true"})
    public boolean timestamps;

    /** {@code WRITE_COPY} writes (the send ring), or zero-copy writes of the never-changed array. */
    @Param({"true"})
    public boolean copy;

    private Simulator sim;
    private Stack a;
    private Stack b;
    private TcpPcb client;
    private TcpPcb server;
    private TcpPcb listener;
    private int payload;
    private final byte[] chunk = new byte[64 << 10];
    private long toSend;
    private long received;
    private long totalBytes;
    private long startNanos;
    private final TcpPcb.SentCallback pump = (pcb, n) -> pump();
    private final TcpPcb.RecvCallback sink = (pcb, p) -> {
        if (p != null) {
            int n = p.totalLength();
            received += n;
            p.free();
            pcb.recved(n);
        }
    };

    /** Two stacks on a cable, one connection from A to B established. */
    @Setup(Level.Trial)
    public void setup() {
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 131);
        }
        sim = new Simulator(1);
        VirtualLink link = new VirtualLink(sim, Impairments.NONE);
        a = stack(link.endpointA(), "10.0.0.1/24");
        b = stack(link.endpointB(), "10.0.0.2/24");
        listener = b.newTcpPcb();
        check(listener.bind(Ip4Address.ANY, PORT));
        check(listener.listen(4));
        listener.onAccept((l, c) -> {
            server = c;
            c.onRecv(sink);
        });
        client = a.newTcpPcb();
        client.onSent(pump);
        check(client.connect(Ip4Address.parse("10.0.0.2"), PORT, c -> { }));
        if (!sim.runUntil(() -> server != null && client.state() == TcpState.ESTABLISHED, LIMIT)) {
            throw new IllegalStateException("no connection during setup");
        }
        payload = client.mss(); // the MSS in use already leaves room for the timestamps option
        startNanos = System.nanoTime();
    }

    /** A stack with one Ethernet netif, large enough windows for a fast link. */
    static Stack stack(Simulator sim, NetifDriver driver, String cidr, boolean timestamps) {
        StackConfig cfg = StackConfig.builder().randomSeed(sim.nextStackSeed()).loopbackNetif(false)
                .tcp(t -> t.timestamps(timestamps))
                .build();
        Stack s = Stack.create(cfg, sim.clock());
        sim.add(s.loop());
        Netif n = s.addNetif(driver, "eth0");
        n.ip4().set(Ip4Interface.parse(cidr));
        n.setUp(true);
        s.netifs().setDefault(n);
        return s;
    }

    private Stack stack(NetifDriver driver, String cidr) {
        return stack(sim, driver, cidr, timestamps);
    }

    private void pump() {
        while (toSend > 0) {
            int n = (int) Math.min(Math.min(client.sndbuf(), chunk.length), toSend);
            if (n <= 0 || client.write(chunk, 0, n, copy ? TcpPcb.WRITE_COPY : 0) != Err.OK) {
                return;
            }
            toSend -= n;
        }
    }

    /** {@value #SEGMENTS} full segments from A to B. */
    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public long oneWay() {
        long bytes = (long) SEGMENTS * payload;
        long want = received + bytes;
        toSend += bytes;
        pump();
        if (!sim.runUntil(() -> received >= want, LIMIT)) {
            throw new IllegalStateException("transfer stalled at " + received + " of " + want);
        }
        totalBytes += bytes;
        return received;
    }

    /** Prints Gbit/s over the whole trial (warm-up included); checks pbufs and drops. */
    @TearDown(Level.Trial)
    public void verify() {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%n[TcpSimBench] payload %d B/segment; whole trial incl. warm-up: %.2f Gbit/s%n",
                payload, totalBytes * 8 / secs / 1e9);
        if (a.stats().tcp.drop != 0 || b.stats().tcp.drop != 0 || a.stats().ip.drop != 0 || b.stats().ip.drop != 0) {
            throw new IllegalStateException("drops counted:\n" + a.stats().table() + b.stats().table());
        }
        client.abort();
        listener.close();
        if (server != null) {
            server.abort();
        }
        sim.runFor(Duration.ofMillis(10));
        for (Stack s : new Stack[] {a, b}) {
            for (PoolStats p : s.stats().pools()) {
                if (p.used != 0 && !p.name.endsWith("_PCB")) {
                    throw new IllegalStateException("pbufs not freed: " + p);
                }
            }
        }
    }

    static void check(Err e) {
        if (e != Err.OK) {
            throw new IllegalStateException("setup failed: " + e);
        }
    }
}
