package org.lwip4j.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpAddress;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Whole TCP connections per second between two stacks on one thread (the simulator, a
 * {@link VirtualLink} without impairments): each connection is opened by A (three-way
 * handshake), carries 1 KiB from A to B and 1 KiB back (B answers when the request is
 * complete), and is closed by A after the answer, then by B after A's FIN (RFC 9293 §3.6).
 *
 * <p>An invocation runs {@value #BATCH} such connections at once and waits until every one
 * is closed on both sides; A keeps TIME_WAIT pcbs (2 MSL with MSL 1 s of virtual time),
 * which the invocation then lets expire by advancing the virtual clock, so the tables stay
 * the same size. Score: connections per second (each two pcbs, about eleven segments).
 * With {@code -prof gc}, {@code gc.alloc.rate.norm} is the heap allocated per connection.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TcpConnBench {
    /** Connections at once per invocation. */
    static final int BATCH = 64;
    static final int SIZE = 1024;
    private static final int PORT = 80;
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private Simulator sim;
    private Stack a;
    private Stack b;
    private TcpPcb listener;
    private IpAddress serverAddr;
    private final byte[] request = new byte[SIZE];
    private final byte[] response = new byte[SIZE];
    private PoolStats aPcbs;
    private PoolStats bPcbs;
    private int done;
    private long failed;

    /** Per-connection byte counts live in the callbacks' closures, not in maps. */
    private final class Client {
        int got;

        void start() {
            TcpPcb c = a.newTcpPcb();
            c.onRecv((pcb, p) -> {
                if (p == null) {
                    return;
                }
                int n = p.totalLength();
                got += n;
                p.free();
                pcb.recved(n);
                if (got == SIZE) {
                    pcb.close();
                    done++;
                }
            });
            c.onErr(e -> failed++);
            Err e = c.connect(serverAddr, PORT, pcb -> pcb.write(request, 0, SIZE, TcpPcb.WRITE_COPY));
            if (e != Err.OK) {
                throw new IllegalStateException("connect: " + e);
            }
        }
    }

    private final class Server {
        int got;

        void accept(TcpPcb conn) {
            conn.onRecv((pcb, p) -> {
                if (p == null) {
                    pcb.close();
                    done++;
                    return;
                }
                int n = p.totalLength();
                got += n;
                p.free();
                pcb.recved(n);
                if (got == SIZE) {
                    pcb.write(response, 0, SIZE, TcpPcb.WRITE_COPY);
                }
            });
            conn.onErr(e -> failed++);
        }
    }

    /** Two stacks on a cable, a listener on B, ARP resolved by a first connection. */
    @Setup(Level.Trial)
    public void setup() {
        sim = new Simulator(1);
        VirtualLink link = new VirtualLink(sim, Impairments.NONE);
        a = stack(link.endpointA(), "10.0.0.1/24");
        b = stack(link.endpointB(), "10.0.0.2/24");
        serverAddr = Ip4Address.parse("10.0.0.2");
        aPcbs = a.stats().pool("TCP_PCB");
        bPcbs = b.stats().pool("TCP_PCB");
        listener = b.newTcpPcb();
        check(listener.bind(Ip4Address.ANY, PORT));
        check(listener.listen(BATCH));
        listener.onAccept((l, c) -> new Server().accept(c));
        connections();
    }

    private Stack stack(NetifDriver driver, String cidr) {
        StackConfig cfg = StackConfig.builder().randomSeed(sim.nextStackSeed()).loopbackNetif(false)
                .tcp(t -> t.msl(Duration.ofSeconds(1)).memNumPcb(4 * BATCH)).build();
        Stack s = Stack.create(cfg, sim.clock());
        sim.add(s.loop());
        Netif n = s.addNetif(driver, "eth0");
        n.ip4().set(Ip4Interface.parse(cidr));
        n.setUp(true);
        s.netifs().setDefault(n);
        return s;
    }

    /** {@value #BATCH} connections, each open, 1 KiB each way, closed both ways. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int connections() {
        done = 0;
        for (int i = 0; i < BATCH; i++) {
            new Client().start();
        }
        if (!sim.runUntil(() -> done == 2 * BATCH || failed != 0, LIMIT) || failed != 0) {
            throw new IllegalStateException("connections not done: " + done + " of " + 2 * BATCH + ", " + failed
                    + " failed");
        }
        // A's pcbs wait in TIME_WAIT for 2 MSL; let them go so every invocation starts alike.
        if (!sim.runUntil(() -> aPcbs.used == 0 && bPcbs.used == 1, LIMIT)) {
            throw new IllegalStateException("pcbs left: " + a.tcp().pcbs() + " " + b.tcp().pcbs());
        }
        return done;
    }



    /** Nothing left but the listener, every pbuf back. */
    @TearDown(Level.Trial)
    public void verify() {
        listener.close();
        sim.runFor(Duration.ofMillis(10));
        if (!a.tcp().pcbs().isEmpty() || !b.tcp().pcbs().isEmpty()) {
            throw new IllegalStateException("pcbs left: " + a.tcp().pcbs() + " " + b.tcp().pcbs());
        }
        for (Stack s : new Stack[] {a, b}) {
            for (PoolStats p : s.stats().pools()) {
                if (p.used != 0 && !p.name.endsWith("_PCB")) {
                    throw new IllegalStateException("pbufs not freed: " + p);
                }
            }
        }
    }

    private static void check(Err e) {
        if (e != Err.OK) {
            throw new IllegalStateException("setup failed: " + e);
        }
    }

}
