package org.lwip4j.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Layer;
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
import org.lwip4j.udp.UdpPcb;
import org.lwip4j.udp.UdpReceiver;
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
 * UDP datagrams (RFC 768) between two whole stacks on one thread: stack A and stack B on a
 * {@link Simulator}, joined by a {@link VirtualLink} without impairments, each with an
 * Ethernet netif on 10.0.0.0/24 and ARP already resolved, or ({@code -p family=6}) on
 * 2001:db8::/64 with the neighbour resolved (RFC 4861 §7.2).
 *
 * <p>Every datagram takes the full path: {@code UdpPcb.sendTo}, UDP header and checksum,
 * IPv4 header and checksum (IPv6: header, neighbour cache lookup), ARP lookup, Ethernet header, the driver's copy onto the cable,
 * the simulator's frame queue, the copy into a pool pbuf of the receiving stack, Ethernet,
 * IPv4 and UDP input with checksum checks, and the receive callback, which frees the pbuf.
 * The sender reuses one payload pbuf, as {@code sendTo} does not take its reference.
 *
 * <ul>
 *   <li>{@link #oneWay}: A sends {@value #BATCH} datagrams to a counting pcb on B, then the
 *       simulator runs until all have arrived. Score: datagrams delivered per second.</li>
 *   <li>{@link #echo}: B's pcb sends every datagram back (an RFC 862 echo server) and A
 *       counts the echoes. Score: round trips per second; each is two datagrams through
 *       two stacks each.</li>
 * </ul>
 *
 * <p>Run with {@code -prof gc}: in steady state {@code gc.alloc.rate.norm} must be about
 * 0 B/op. Run without {@code -ea}: with assertions on, the pbuf pools are strict and
 * allocate a node object per free. Each invocation checks that every datagram arrived, so a
 * silent drop cannot inflate the score.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class UdpSimBench {
    /** Datagrams sent before the simulator runs: a burst, as a batching driver delivers them. */
    static final int BATCH = 256;
    private static final int PORT = 7;
    private static final Duration LIMIT = Duration.ofSeconds(1);

    /**
     * UDP payload bytes: a small datagram, or 1472, the largest that fits a 1500-byte MTU
     * unfragmented over IPv4. Over IPv6 the header is 20 bytes longer, so a payload above
     * 1452 is sent as 1452: both families then fill the same 1500-byte frame.
     */
    @Param({"64", "1472"})
    public int payload;

    /** IP version: {@code 4} (RFC 791) or {@code 6} (RFC 8200); {@code -p family=4,6} runs both. */
    @Param({"4"})
    public int family;

    /**
     * Software checksums (RFC 791, RFC 768) made and checked: {@code true}, lwIP's default;
     * {@code -p checksums=false} leaves them to an imagined offloading NIC and shows the rest.
     */
    @Param({"true"})
    public boolean checksums;

    private Simulator sim;
    private Stack a;
    private Stack b;
    private UdpPcb client;
    private UdpPcb server;
    private Pbuf data;
    private IpAddress serverAddr;
    private final Counting atClient = new Counting();
    private final Counting atServer = new Counting();
    private final Echoing echoing = new Echoing();
    private long linkDropsAfterSetup;

    /** Frees and counts each datagram. */
    private static final class Counting implements UdpReceiver {
        long count;

        @Override
        public void receive(UdpPcb pcb, Pbuf p, IpAddress src, int srcPort, Netif netif) {
            count++;
            p.free();
        }
    }

    /** Sends each datagram back where it came from, then frees it. */
    private final class Echoing implements UdpReceiver {
        @Override
        public void receive(UdpPcb pcb, Pbuf p, IpAddress src, int srcPort, Netif netif) {
            atServer.count++;
            pcb.sendTo(p, src, srcPort);
            p.free();
        }
    }

    /** Two stacks on a cable, a client pcb on A, a server pcb on B, ARP resolved both ways. */
    @Setup(Level.Trial)
    public void setup() {
        sim = new Simulator(1);
        VirtualLink link = new VirtualLink(sim, Impairments.NONE);
        if (family != 4 && family != 6) {
            throw new IllegalArgumentException("family must be 4 or 6, not " + family);
        }
        a = stack(1, link.endpointA(), 1);
        b = stack(2, link.endpointB(), 2);
        serverAddr = family == 4 ? Ip4Address.parse("10.0.0.2") : Ip6Address.parse("2001:db8::2");
        // IPv6: both pcbs on "::", the wildcard of both families (lwIP's IPADDR_TYPE_ANY).
        IpAddress any = family == 4 ? Ip4Address.ANY : IpAddress.ANY_TYPE;
        server = b.newUdpPcb();
        check(server.bind(any, PORT));
        client = a.newUdpPcb();
        check(client.bind(any, 0));
        int size = family == 6 ? Math.min(payload, 1452) : payload;
        data = a.context().pbufs().allocPool(Layer.TRANSPORT, size);
        for (int i = 0; i < size; i++) {
            data.setByte(i, i);
        }
        // One echo resolves ARP (or the neighbour) on both sides (A asks for B; B learns A from the request).
        server.onReceive(echoing);
        client.onReceive(atClient);
        check(client.sendTo(data, serverAddr, PORT));
        if (!sim.runUntil(() -> atClient.count == 1, LIMIT)) {
            throw new IllegalStateException("no echo during setup");
        }
        // The MLD reports of link-up (RFC 3810 §6.1) to groups the other stack has not joined are
        // dropped by its multicast MAC filter and counted: only drops after the setup count.
        linkDropsAfterSetup = a.stats().link.drop + b.stats().link.drop;
    }

    private Stack stack(long seed, NetifDriver driver, int host) {
        // IPv6: no DAD delay and no router solicitations, so the setup's echo is the only traffic.
        StackConfig cfg = StackConfig.builder().randomSeed(seed)
                .checksumGenIp(checksums).checksumGenUdp(checksums)
                .checksumCheckIp(checksums).checksumCheckUdp(checksums)
                .lwipIpv6DupDetectAttempts(0).maxRtrSolicitations(0)
                .build();
        Stack s = Stack.create(cfg, sim.clock());
        sim.add(s.loop());
        Netif n = s.addNetif(driver, "eth0");
        if (family == 4) {
            n.ip4().set(Ip4Interface.parse("10.0.0." + host + "/24"));
        } else {
            n.ip6().add(Ip6Address.parse("2001:db8::" + host), 64);
        }
        n.setUp(true);
        s.netifs().setDefault(n);
        return s;
    }

    /** Zeroes the counts. */
    @Setup(Level.Iteration)
    public void reset() {
        atClient.count = 0;
        atServer.count = 0;
    }

    /** {@value #BATCH} datagrams from A to B. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long oneWay() {
        server.onReceive(atServer);
        long want = atServer.count + BATCH;
        for (int i = 0; i < BATCH; i++) {
            client.sendTo(data, serverAddr, PORT);
        }
        settle();
        if (atServer.count != want) {
            throw new IllegalStateException("lost datagrams: " + (want - atServer.count));
        }
        return atServer.count;
    }

    /** {@value #BATCH} datagrams from A to B and back. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long echo() {
        server.onReceive(echoing);
        long want = atClient.count + BATCH;
        for (int i = 0; i < BATCH; i++) {
            client.sendTo(data, serverAddr, PORT);
        }
        settle();
        if (atClient.count != want) {
            throw new IllegalStateException("lost echoes: " + (want - atClient.count));
        }
        return atClient.count;
    }

    private void settle() {
        if (!sim.runUntilIdle(LIMIT)) {
            throw new IllegalStateException("the simulation did not fall idle");
        }
    }

    /** Every pbuf back in its pool, no drops counted. */
    @TearDown(Level.Trial)
    public void verify() {
        data.free();
        if (a.stats().link.drop + b.stats().link.drop != linkDropsAfterSetup) {
            throw new IllegalStateException("frames dropped:\n" + a.stats().table() + "\n" + b.stats().table());
        }
        for (Stack s : new Stack[] {a, b}) {
            for (PoolStats p : s.stats().pools()) {
                if (p.used != 0 && !p.name.endsWith("_PCB")) {
                    throw new IllegalStateException("pbufs not freed: " + p);
                }
            }
            if (s.stats().udp.drop != 0 || s.stats().ip.drop != 0 || s.stats().ip6.drop != 0) {
                throw new IllegalStateException("drops counted:\n" + s.stats().table());
            }
        }
    }

    private static void check(Err e) {
        if (e != Err.OK) {
            throw new IllegalStateException("setup failed: " + e);
        }
    }
}
