package org.lwip4j.cli;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.lwip4j.Stack;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.netif.tap.HostInterface;
import org.lwip4j.netif.tap.TuntapException;
import org.lwip4j.raw.RawPcb;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.Simulator;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.udp.UdpPcb;
import org.lwip4j.udp.UdpReceiver;

/**
 * Runs the stack's hot paths in-process, so that the JIT has compiled them before the first
 * real packet. First the device path ({@link DeviceWarmup}): a stack with a real TAP driver
 * over a socket pair, its loop asleep in {@code epoll_wait} as the run's is, answers bursts
 * of pings and UDP echoes; then simulated sessions: a simulated peer pings a stack and sends
 * it UDP datagrams (small, large and fragmented), which the stack answers as {@code lwip4j
 * run} does (ICMP echo, RFC 792; UDP echo, RFC 862; reassembly and fragmentation, RFC 791;
 * ARP, RFC 826, at the start of each session); then simulated TCP sessions ({@link TcpWarmup}:
 * bulk data both ways through the run's iperf 2 server, and connections to its echo, discard
 * and chargen, each opened and closed). Two throwaway stacks on a {@link Simulator}
 * in virtual time, joined by a {@link VirtualLink}. No device of the host, nothing left
 * behind.
 *
 * <p>Used twice: as the warm-up of {@code lwip4j run}, on a thread of its own once the stack
 * runs, behind the banner (half a second; before the devices open it delayed the start by
 * more than it gained; the device path, then one short simulated session of
 * {@value #RUN_ROUNDS} rounds that takes the other paths once), and by the hidden
 * {@code lwip4j train} command, the training run from which the
 * launcher makes the JDK's AOT cache (a few seconds; the cache then holds the classes, linked,
 * and the method profiles of this run).
 *
 * <p>The drivers and the echo receivers of the simulated sessions come in three classes
 * each, used in turn, so that the JIT compiles the calls to them as calls to several types:
 * the real run's TAP driver and echo receiver, a further type, then do not undo the compiled
 * code (a deoptimization in the first seconds is what the warm-up is there to avoid).
 */
public final class Warmup {
    /**
     * What a warm-up did: the simulated UDP sessions' answers, the device path's (its TCP
     * stream's bytes acknowledged, and whether it closed cleanly), and the simulated TCP
     * sessions' ({@link TcpWarmup.Result}).
     */
    public record Result(long sessions, long pings, long udpEchoes, long fragmentedEchoes, long devicePings, long deviceUdpEchoes,
            long deviceTcpBytes, boolean deviceTcpClosed, long tcpSessions, long tcpConnections, long tcpClosedCleanly, long tcpBytesIn,
            long tcpBytesOut, String addressLine, Duration took) {
        /**
         * True when every session got its answers (the paths really ran), the device path's
         * included, and every TCP connection carried its bytes and closed cleanly, the one
         * through the device included.
         */
        public boolean answered() {
            return sessions > 0 && pings > 0 && udpEchoes > 0 && fragmentedEchoes > 0 && devicePings > 0 && deviceUdpEchoes > 0
                    && deviceTcpBytes > 0 && deviceTcpClosed && tcpSessions > 0 && tcpConnections > 0 && tcpClosedCleanly == tcpConnections;
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "%d sessions, %d pings, %d UDP echoes (%d fragmented); through a device: %d pings, %d UDP echoes, "
                            + "TCP %d bytes%s; TCP: %d sessions, %d of %d connections closed cleanly, %d bytes in, %d out; in %d ms",
                    sessions, pings, udpEchoes, fragmentedEchoes, devicePings, deviceUdpEchoes, deviceTcpBytes,
                    deviceTcpClosed ? " closed" : " (not closed)", tcpSessions, tcpClosedCleanly, tcpConnections,
                    tcpBytesIn, tcpBytesOut, took.toMillis());
        }
    }

    /** How long {@code lwip4j run} warms up, at most (after its first session). */
    public static final Duration RUN_BUDGET = Duration.ofMillis(500);
    /** TCP sessions {@code lwip4j run} warms up with, at most. */
    public static final long RUN_SESSIONS = 20;
    /**
     * Rounds of the one simulated UDP session of {@code lwip4j run}'s warm-up: enough to take
     * every path of a session once (fragments, reassembly, the ICMP error of a closed port,
     * the address-event line), too few to make the JIT compile them again with C2. The device
     * path before it is what the run's first packets take; a warm-up that also drove the
     * simulator's sessions hot (1,000 rounds each, for 40 % of its budget) queued more than a
     * second of C2 compiles of simulated-link code and of paths the first packets do not
     * take, and the run's own receive and send path got its C2 code only 1.3–1.7 s after the
     * launch, in the middle of the first minute's pings; with this, by 0.85 s (C2 done with
     * lwip4j's methods by about 1.1 s).
     */
    static final int RUN_ROUNDS = 50;

    /** Frames sent through the device path, at least and at most. */
    private static final long DEVICE_FRAMES_MIN = 200;
    private static final long DEVICE_FRAMES_MAX = 60_000;
    /** The share of the budget the device path takes before the simulated sessions' turn (with TCP, without). */
    private static final double DEVICE_SHARE = 0.5;
    private static final double DEVICE_SHARE_NO_TCP = 0.6;
    /** Where in the budget the simulated UDP sessions give way to the TCP ones. */
    private static final double UDP_SHARE = 0.7;
    /** Request/answer pairs per session: each session starts with ARP on two fresh stacks. */
    private static final int ROUNDS = 1000;
    /** Bytes of each iperf stream of a TCP session, each way. */
    static final int TCP_BULK_BYTES = 2 << 20;
    /** The same in {@code lwip4j run}'s warm-up. */
    static final int RUN_TCP_BYTES = 256 << 10;
    /** Bytes of the TCP stream through the device ({@link DeviceWarmup}), and the same in the run. */
    static final int DEVICE_TCP_BYTES = 4 << 20;
    static final int RUN_DEVICE_TCP_BYTES = 1 << 20;
    private static final int ECHO_PORT = StackRunner.ECHO_PORT;
    private static final int ICMP = 1;
    /** A port nothing listens on in a warm-up session. */
    private static final int CLOSED_PORT = 9;
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final Duration DEVICE_PATH_WAIT = Duration.ofSeconds(10);
    private static final Ip4Interface PEER = Ip4Interface.parse("10.99.0.1/24");
    private static final Ip4Interface SELF = Ip4Interface.parse("10.99.0.2/24");
    /** Bytes the simulated TCP sessions send: 16 KiB of a pattern that does not repeat within a segment. */
    static final byte[] PATTERN = new byte[16 * 1024];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) (i * 31 % 251);
        }
    }

    private final long budgetNanos;
    private final int rounds;
    private long sessions;
    private long pings;
    private long udpEchoes;
    private long fragmented;
    /** The last address-event line the sessions formatted, as the run prints it (null before any). */
    private String addressLine;

    private Warmup(Duration budget, int rounds) {
        this.budgetNanos = budget.toNanos();
        this.rounds = rounds;
    }

    /**
     * Runs round trips through a device ({@link DeviceWarmup}) for a share of {@code budget}
     * (wall clock; at least {@value #DEVICE_FRAMES_MIN}, at most {@value #DEVICE_FRAMES_MAX};
     * {@value #DEVICE_SHARE}, or {@value #DEVICE_SHARE_NO_TCP} in a warm-up without TCP),
     * then a TCP stream of {@value #DEVICE_TCP_BYTES} bytes through it to an iperf server,
     * then simulated sessions of {@value #ROUNDS} rounds until {@value #UDP_SHARE} of the
     * budget has passed (all of it in a warm-up without TCP sessions), then simulated TCP sessions ({@link TcpWarmup}, iperf streams of
     * {@value #TCP_BULK_BYTES} bytes each way) until the whole budget has; each kind stops
     * early at {@code maxSessions} sessions and runs at least one. An interrupt of the calling
     * thread ends it early, every part closed (the interrupt status stays set).
     */
    public static Result run(Duration budget, long maxSessions) {
        return run(budget, maxSessions, TCP_BULK_BYTES, DEVICE_TCP_BYTES);
    }

    /**
     * As {@link #run(Duration, long)}, the iperf streams of the TCP sessions {@code tcpBytes}
     * each way (no TCP session when 0), the TCP stream through the device
     * {@code deviceTcpBytes} (none when 0).
     */
    static Result run(Duration budget, long maxSessions, int tcpBytes, int deviceTcpBytes) {
        return run(budget, maxSessions, ROUNDS, maxSessions, tcpBytes, deviceTcpBytes, false);
    }

    /**
     * As {@link #run(Duration, long, int, int)}, with at most {@code udpSessions} simulated
     * UDP sessions of {@code rounds} rounds each (at least one) and at most
     * {@code maxSessions} TCP sessions; with {@code tcpAtItsShare}, the TCP sessions start no
     * sooner than {@value #UDP_SHARE} of the budget, however early the UDP sessions end.
     */
    static Result run(Duration budget, long udpSessions, int rounds, long maxSessions, int tcpBytes, int deviceTcpBytes,
            boolean tcpAtItsShare) {
        if (budget.isNegative() || udpSessions < 1 || rounds < 1 || maxSessions < 1 || tcpBytes < 0 || deviceTcpBytes < 0) {
            throw new IllegalArgumentException("a warm-up needs a budget >= 0, at least one session and one round");
        }
        Warmup w = new Warmup(budget, rounds);
        long t0 = System.nanoTime();
        Thread devicePath = Thread.ofPlatform().daemon().name("lwip4j-warmup-ffm").start(Warmup::linkDevicePath);
        // The device path first: it is the one the run's first packets take.
        // Without TCP, the shares of before TCP was warmed: the device path 60 %, then UDP.
        boolean withTcp = tcpBytes > 0 || deviceTcpBytes > 0;
        DeviceWarmup.Result d = DeviceWarmup.run(t0 + (long) (w.budgetNanos * (withTcp ? DEVICE_SHARE : DEVICE_SHARE_NO_TCP)),
                DEVICE_FRAMES_MIN, DEVICE_FRAMES_MAX, deviceTcpBytes);
        long udpEnd = t0 + (long) (w.budgetNanos * (tcpBytes > 0 ? UDP_SHARE : 1.0));
        while (!stopped() && (w.sessions == 0 || w.sessions < udpSessions && System.nanoTime() - udpEnd < 0)) {
            w.session(w.sessions);
            w.sessions++;
        }
        if (tcpBytes > 0 && tcpAtItsShare) {
            // The run's one short UDP session ends early; its TCP sessions keep their place in
            // the budget all the same: the pause lets the JIT compile the device path before
            // TCP's compiles queue up behind it (started at once, they left a run with
            // --iperf slower pings 21-70, 0.091 against 0.067 ms, and no faster TCP).
            pauseUntil(udpEnd);
        }
        TcpWarmup.Result tcp = TcpWarmup.Result.NONE;
        while (tcpBytes > 0 && !stopped()
                && (tcp.sessions() == 0 || tcp.sessions() < maxSessions && System.nanoTime() - t0 < w.budgetNanos)) {
            tcp = tcp.plus(TcpWarmup.session(tcp.sessions(), tcpBytes));
        }
        try {
            devicePath.join(DEVICE_PATH_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Result(w.sessions, w.pings, w.udpEchoes, w.fragmented, d.pings(), d.udpEchoes(), d.tcpBytes(), d.tcpClosed(),
                tcp.sessions(), tcp.connections(), tcp.closedCleanly(), tcp.bytesIn(), tcp.bytesOut(),
                w.addressLine, Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * Runs the warm-up with {@link #RUN_BUDGET}, one simulated UDP session of
     * {@link #RUN_ROUNDS} rounds and at most {@link #RUN_SESSIONS} TCP sessions on a daemon thread
     * of its own and returns at once: {@code lwip4j run} answers from its first packet while
     * the warm-up's stacks, which share nothing with it, get the code compiled. With
     * {@code tcp} (the run offers TCP in bulk: iperf, discard, chargen) it exercises TCP too,
     * in the smaller amounts of the run ({@value #RUN_TCP_BYTES} and
     * {@value #RUN_DEVICE_TCP_BYTES} bytes); without, it stays as short as before, which the
     * first pings of a run that competes with it for the CPU prefer. The system properties
     * {@code lwip4j.warmup.tcpBytes} and {@code lwip4j.warmup.deviceTcpBytes} set the amounts
     * either way, for measuring (0: none).
     */
    public static Thread inBackground(boolean tcp) {
        int tcpBytes = Integer.getInteger("lwip4j.warmup.tcpBytes", tcp ? RUN_TCP_BYTES : 0);
        int deviceTcpBytes = Integer.getInteger("lwip4j.warmup.deviceTcpBytes", tcp ? RUN_DEVICE_TCP_BYTES : 0);
        return Thread.ofPlatform().daemon().name("lwip4j-warmup")
                .start(() -> run(RUN_BUDGET, 1, RUN_ROUNDS, RUN_SESSIONS, tcpBytes, deviceTcpBytes, true));
    }

    /** Sleeps until {@code deadline} ({@link System#nanoTime()}), or until interrupted (the status stays set). */
    private static void pauseUntil(long deadline) {
        long left;
        while (!stopped() && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /**
     * True when the thread running the warm-up was interrupted: the run that started it is
     * stopping. Each part then ends at its next round, closing what it made.
     */
    static boolean stopped() {
        return Thread.currentThread().isInterrupted();
    }

    /**
     * Links the device drivers' native calls (the FFM downcall stubs, made once per JVM: about
     * half a second of a fresh process) by asking the loopback interface for its flags, a
     * read-only request that needs no privilege; on a thread of its own, beside the simulated
     * traffic. Where there is no loopback, the first device does it instead.
     */
    private static void linkDevicePath() {
        try (HostInterface lo = HostInterface.open("lo")) {
            lo.flags();
        } catch (TuntapException | RuntimeException | LinkageError e) {
            // Nothing lost: the device's own open links the same calls.
        }
    }

    private void session(long n) {
        Simulator sim = new Simulator(n + 1);
        VirtualLink link = new VirtualLink(sim, Impairments.NONE);
        Stack peer = stack(sim, StackConfig.builder().randomSeed(sim.nextStackSeed()).build(),
                Forwarding.of(link.endpointA(), (int) n), PEER);
        // The answering stack as lwip4j run makes it: the default configuration.
        Stack self = stack(sim, StackConfig.defaults(), Forwarding.of(link.endpointB(), (int) n + 1), SELF);
        // The run prints a line per address event (DAD done a second in, ...): the warm-up
        // formats them too, letting the answering stack's link-local address finish DAD
        // (virtual time, RFC 4862 §5.4) before the traffic.
        Ip6Addresses addrs = self.netifs().byName("warm0").ip6();
        addrs.addListener((netif, e, event) -> addressLine = AddressLog.line(AddressLog.describe(netif, e, event)));
        sim.runUntil(() -> addrs.linkLocal() != null && addrs.linkLocal().state() == Ip6Addresses.State.PREFERRED, SETTLE);
        try {
            UdpPcb echo = self.newUdpPcb();
            check(echo.bind(ECHO_PORT));
            echo.onReceive(Echo.of((int) n));

            long[] got = new long[3]; // pings, udp echoes, fragmented echoes
            UdpPcb client = peer.newUdpPcb();
            check(client.bind(0));
            client.onReceive((pcb, p, src, port, netif) -> {
                got[p.totalLength() > 1472 ? 2 : 1]++;
                p.free();
            });
            RawPcb pinger = peer.newRawPcb(ICMP);
            pinger.onReceive((pcb, p, src) -> {
                if (p.getByte((p.getByte(0) & 0xf) * 4) == 0) { // echo replies (after the IP header); not the port unreachable below
                    got[0]++;
                }
                p.free();
                return true;
            });

            IpAddress dst = SELF.address();
            Pbuf small = udpPayload(peer, 64);
            Pbuf large = udpPayload(peer, 1400);
            Pbuf huge = udpPayload(peer, 3000);
            byte[] icmp = new byte[8 + 2000];
            try {
                for (int i = 0; i < rounds && !stopped(); i++) {
                    ping(peer, pinger, dst, icmp, i, i % 50 == 49 ? 2000 : 56);
                    settle(sim);
                    client.sendTo(i % 8 == 7 ? large : i % 50 == 25 ? huge : small, dst, ECHO_PORT);
                    settle(sim);
                }
                // A datagram to a closed port: the ICMP error path (RFC 1122 §4.1.3.1), which a
                // run meets from its first minute (the host's stray datagrams).
                client.sendTo(small, dst, CLOSED_PORT);
                settle(sim);
            } finally {
                small.free();
                large.free();
                huge.free();
            }
            pings += got[0];
            udpEchoes += got[1] + got[2];
            fragmented += got[2];
        } finally {
            peer.close();
            self.close();
        }
    }

    static Stack stack(Simulator sim, StackConfig config, NetifDriver driver, Ip4Interface addr) {
        Stack s = Stack.create(config, sim.clock());
        sim.add(s.loop());
        Netif n = s.addNetif(driver, "warm0");
        // The run prints a line per address event (DAD done, ...): the warm-up's formats them too.
        n.ip4().set(addr);
        n.setUp(true);
        s.netifs().setDefault(n);
        return s;
    }

    private static Pbuf udpPayload(Stack s, int size) {
        Pbuf p = s.context().pbufs().allocPool(Layer.TRANSPORT, size);
        for (int i = 0; i < size; i++) {
            p.setByte(i, i);
        }
        return p;
    }

    /** An ICMP echo request (RFC 792) with {@code size} data bytes, as {@code ping} sends it. */
    private static void ping(Stack s, RawPcb pcb, IpAddress dst, byte[] msg, int seq, int size) {
        int len = 8 + size;
        java.util.Arrays.fill(msg, 0, len, (byte) 0);
        msg[0] = 8; // echo request
        msg[4] = 0x12;
        msg[5] = 0x34;
        msg[6] = (byte) (seq >>> 8);
        msg[7] = (byte) seq;
        for (int i = 8; i < len; i++) {
            msg[i] = (byte) i;
        }
        int c = Checksum.of(msg, 0, len);
        msg[2] = (byte) (c >>> 8);
        msg[3] = (byte) c;
        Pbuf p = s.context().pbufs().allocPool(Layer.IP, len);
        p.copyFrom(0, msg, 0, len);
        pcb.sendTo(p, dst);
        p.free();
    }

    private static void settle(Simulator sim) {
        if (!sim.runUntilIdle(SETTLE)) {
            throw new IllegalStateException("the warm-up's simulated network did not fall idle");
        }
    }

    private static void check(Err e) {
        if (e != Err.OK) {
            throw new IllegalStateException("warm-up setup failed: " + e);
        }
    }

    /** A driver that hands everything to a simulator endpoint; three subclasses, used in turn. */
    abstract static sealed class Forwarding implements NetifDriver {
        private final VirtualLink.Endpoint to;

        Forwarding(VirtualLink.Endpoint to) {
            this.to = to;
        }

        static NetifDriver of(VirtualLink.Endpoint to, int n) {
            return switch (Math.floorMod(n, 3)) {
                case 0 -> new First(to);
                case 1 -> new Second(to);
                default -> new Third(to);
            };
        }

        @Override
        public LinkType linkType() {
            return to.linkType();
        }

        @Override
        public int mtu() {
            return to.mtu();
        }

        @Override
        public void attach(Netif netif) {
            to.attach(netif);
        }

        @Override
        public Err transmit(Pbuf frame) {
            return to.transmit(frame);
        }

        @Override
        public void close() {
            to.close();
        }

        private static final class First extends Forwarding {
            First(VirtualLink.Endpoint to) {
                super(to);
            }
        }

        private static final class Second extends Forwarding {
            Second(VirtualLink.Endpoint to) {
                super(to);
            }
        }

        private static final class Third extends Forwarding {
            Third(VirtualLink.Endpoint to) {
                super(to);
            }
        }
    }

    /** The RFC 862 echo, as {@code lwip4j run} answers; three classes, used in turn. */
    private abstract static sealed class Echo implements UdpReceiver {
        static UdpReceiver of(int n) {
            return switch (Math.floorMod(n, 3)) {
                case 0 -> new First();
                case 1 -> new Second();
                default -> new Third();
            };
        }

        @Override
        public void receive(UdpPcb pcb, Pbuf p, IpAddress src, int srcPort, Netif netif) {
            pcb.sendTo(p, src, srcPort);
            p.free();
        }

        private static final class First extends Echo {
        }

        private static final class Second extends Echo {
        }

        private static final class Third extends Echo {
        }
    }
}
