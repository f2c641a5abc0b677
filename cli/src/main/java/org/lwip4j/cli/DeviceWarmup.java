package org.lwip4j.cli;

import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.lwip4j.Stack;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.apps.iperf.IperfResult;
import org.lwip4j.apps.iperf.IperfServer;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.netif.tap.FramePipe;
import org.lwip4j.netif.tap.TapDriver;
import org.lwip4j.netif.tap.Tuntap;
import org.lwip4j.netif.tap.TuntapException;
import org.lwip4j.netif.tap.TuntapOptions;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.udp.UdpPcb;

/**
 * The device half of the warm-up: a throwaway stack with a real {@link TapDriver} over a
 * {@link FramePipe} (a socket pair standing in for {@code /dev/net/tun}), its loop on a
 * thread of its own sleeping in {@code epoll_wait} as {@code lwip4j run}'s does, answers
 * pings (ICMP echo, RFC 792) and UDP echoes (RFC 862) that this class writes into the pipe
 * one at a time, as {@code ping} does. What the simulated sessions of {@link Warmup} leave
 * cold is exactly this path: the event loop's sleep and wakeup, the driver's batched
 * {@code readv}, the frame's way into the netif, the transmit {@code write} and the FFM
 * downcalls under all of them; measured on a fresh process, pings 21–70 took about seven
 * times as long as warmed ones when only the simulated sessions ran.
 *
 * <p>Then, when asked, TCP through the same device: this class plays a minimal TCP sender
 * (RFC 9293: a three-way handshake offering only an MSS, full-sized segments in bursts,
 * each acknowledged before the next, a FIN, the last ACK) to the run's iperf 2 server on the
 * stack, as the kernel's {@code iperf -c} does to a fresh {@code lwip4j run --iperf}: the
 * driver's reads of full frames, TCP's receive path and its ACKs back through the device.
 *
 * <p>Needs no privilege and touches nothing on the host: the pipe is a private socket pair,
 * the addresses are the warm-up's own (10.99.0.0/24). The device gets the options that
 * {@link TuntapPlatform} opens a device with, so the warmed code is the code the run uses.
 */
final class DeviceWarmup {
    private static final MacAddress SELF_MAC = MacAddress.parse("02:00:00:00:99:02");
    private static final byte[] PEER_MAC = {0x02, 0x00, 0x00, 0x00, (byte) 0x99, 0x01};
    private static final int PEER_IP = 0x0a630001; // 10.99.0.1
    private static final int SELF_IP = 0x0a630002; // 10.99.0.2
    private static final int ETH = 14;
    private static final int IP = 20;
    private static final int PING_DATA = 56;
    private static final int UDP_DATA = 64;
    private static final int TCP = 20;
    /** Our segments' payload: a full Ethernet frame, as the kernel sends without timestamps. */
    private static final int SEGMENT = 1460;
    private static final int PEER_PORT = 40100;
    /** Groups joined and left once, one per family (administratively scoped, RFC 2365; site-local scope, RFC 4291). */
    private static final List<IpAddress> GROUPS = List.of(IpAddress.parse("239.255.99.1"), IpAddress.parse("ff05::99:1"));
    private static final int ISS = 0x1000_0000;
    /**
     * Frames per burst: below the queue of an {@code AF_UNIX} datagram socket
     * ({@code net.unix.max_dgram_qlen}, 10 by default), so a burst is never refused.
     */
    private static final int BURST = 8;
    /** How long one answer may take before the warm-up gives up (the loop is stuck or the machine is). */
    private static final long ANSWER_LIMIT_NANOS = 1_000_000_000L;

    private final int hdr;
    private final byte[] frame = new byte[2048];
    private final byte[] reply = new byte[2048];
    private long pings;
    private long udpEchoes;
    /** TCP bytes the stack acknowledged, and its iperf server's report of the stream (null until it came). */
    private long tcpAcked;
    private volatile IperfResult tcpReport;

    private DeviceWarmup(int hdr) {
        this.hdr = hdr;
    }

    /**
     * What a device warm-up did: answered pings and UDP echoes; TCP bytes the stack
     * acknowledged, and whether the TCP connection closed cleanly (FINs both ways, the
     * server's report of every byte).
     */
    record Result(long pings, long udpEchoes, long tcpBytes, boolean tcpClosed) {
    }

    /**
     * Sends frames and takes their answers until {@code deadline} ({@link System#nanoTime()})
     * once {@code minFrames} were answered, or {@code maxFrames} of them; stops early, with what it has, when the stack stops
     * answering or the pipe or device cannot be made (the run then just starts colder).
     */
    static Result run(long deadline, long minFrames, long maxFrames) {
        return run(deadline, minFrames, maxFrames, 0);
    }

    /**
     * As {@link #run(long, long, long)}, then a TCP stream of {@code tcpBytes} (none when 0)
     * to the stack's iperf server, closed at its end.
     */
    static Result run(long deadline, long minFrames, long maxFrames, long tcpBytes) {
        if (Warmup.stopped()) {
            return new Result(0, 0, 0, false);
        }
        TuntapOptions options = TuntapPlatform.deviceOptions(null, null);
        FramePipe pipe;
        try {
            pipe = FramePipe.open("warm-tap", Tuntap.Mode.TAP, options.vnetHeader());
        } catch (IllegalStateException e) {
            return new Result(0, 0, 0, false);
        }
        DeviceWarmup w = new DeviceWarmup(pipe.device().vnetHeaderSize());
        Stack stack = Stack.create(StackConfig.defaults());
        try {
            TapDriver driver = TapDriver.of(pipe.device(), options);
            UdpPcb[] echoPcb = new UdpPcb[1];
            Netif[] warmNetif = new Netif[1];
            stack.call(() -> {
                Netif n = addNetif(stack, driver);
                warmNetif[0] = n;
                UdpPcb echo = stack.newUdpPcb();
                echoPcb[0] = echo;
                if (echo.bind(StackRunner.ECHO_PORT) != Err.OK) {
                    throw new IllegalStateException("the warm-up's echo port is taken");
                }
                echo.onReceive((pcb, p, src, port, netif) -> {
                    pcb.sendTo(p, src, port);
                    p.free();
                });
                if (tcpBytes > 0) {
                    IperfServer.start(stack, r -> w.tcpReport = r);
                }
                return null;
            });
            stack.start();
            boolean answered = w.rounds(pipe, deadline, minFrames, maxFrames, () -> stack.call(() -> null));
            if (answered) {
                // Group reports (IGMP, MLD: RFC 3376 §5.1, RFC 3810 §6.1), which a run sends from
                // its first second on: built in heap buffers, so the device's write of a heap
                // frame gets linked here rather than on the run's loop.
                stack.call(() -> {
                    for (IpAddress g : GROUPS) {
                        echoPcb[0].joinGroup(g, warmNetif[0]);
                        echoPcb[0].leaveGroup(g, warmNetif[0]);
                    }
                    return null;
                });
                pipe.drain();
            }
            if (answered && tcpBytes > 0) {
                w.tcpStream(pipe, tcpBytes);
            }
        } catch (TuntapException | RuntimeException e) {
            // Nothing lost but warmth: the real device is opened independently of this one.
        } finally {
            // Closing waits for the stack's loop: not to be cut short by an interrupt (the run stopping).
            boolean interrupted = Thread.interrupted();
            stack.close();
            pipe.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        IperfResult report = w.tcpReport;
        boolean closed = report != null && report.done() && report.bytes() == tcpBytes && w.tcpAcked == tcpBytes;
        return new Result(w.pings, w.udpEchoes, w.tcpAcked, closed);
    }

    /**
     * The warm-up's netif on {@code driver}, up with its address, set up as a run's netif is
     * (no frame tap, as a run without {@code --pcap}); on the loop.
     */
    static Netif addNetif(Stack stack, NetifDriver driver) {
        Netif n = stack.addNetif(driver, "warm-tap", SELF_MAC);
        n.ip4().set(Ip4Interface.parse("10.99.0.2/24"));
        n.setUp(true);
        return n;
    }

    /** The pings and UDP echoes; false when the stack stopped answering. */
    private boolean rounds(FramePipe pipe, long deadline, long minFrames, long maxFrames, Runnable handOff) {
        pipe.drain();
        // An ARP request first: the stack learns our address from it (RFC 826) and answers.
        if (!pipe.send(frame, arpRequest()) || !awaitAnswer(0x0806, pipe)) {
            return false;
        }
        long i = 0;
        for (int burstNo = 0; !Warmup.stopped() && i < maxFrames && (i < minFrames || System.nanoTime() - deadline < 0); burstNo++) {
            // Mostly bursts, which the loop reads as a batch (each frame's path runs once per
            // frame, the loop's wakeup once per burst); every fourth a lone frame, as ping sends.
            int burst = (int) Math.min((burstNo & 3) == 3 ? 1 : BURST, (i < minFrames ? minFrames : maxFrames) - i);
            int sent = 0;
            while (sent < burst) {
                boolean udp = (i & 7) == 7;
                if (!pipe.send(frame, udp ? udpEcho((int) i) : echoRequest((int) i))) {
                    break; // the socket's queue is full: collect the answers first
                }
                sent++;
                i++;
            }
            for (int k = 0; k < sent; k++) {
                if (!awaitAnswer(0x0800, pipe)) {
                    return false;
                }
                if ((reply[hdr + ETH + 9] & 0xff) == 17) {
                    udpEchoes++;
                } else {
                    pings++;
                }
            }
            if (sent == 0) {
                return false;
            }
            if ((burstNo & 3) == 1) {
                // A task handed to the sleeping loop from another thread, as the run's own
                // threads do (stats, Ctrl-C): the waiter's eventfd wakeup and its drain.
                handOff.run();
            }
        }
        return true;
    }

    /**
     * One TCP connection to the stack's iperf server (RFC 9293 §3.5 handshake, §3.6 close):
     * {@code bytes} in full segments, {@link #BURST} at a time (an even number, so the
     * stack's every-second-segment ACK answers each burst without its delayed-ACK timer; far
     * below the window it advertises), each burst acknowledged before the next; stops early
     * when the stack stops answering.
     */
    private void tcpStream(FramePipe pipe, long bytes) {
        // SYN with an MSS option only: no window scaling, timestamps or SACK to keep track of.
        if (!pipe.send(frame, tcpSegment(ISS, 0, 0x02, 0)) || !awaitTcp(pipe)) {
            return;
        }
        int o = tcpOffset();
        if ((reply[o + 13] & 0x12) != 0x12 || get32(reply, o + 8) != ISS + 1) {
            return; // not our SYN-ACK
        }
        int rcvNxt = get32(reply, o + 4) + 1;
        int sndUna = ISS + 1;
        int sndNxt = sndUna;
        long end = bytes;
        if (!pipe.send(frame, tcpSegment(sndNxt, rcvNxt, 0x10, 0))) {
            return;
        }
        while (true) {
            long left = end - (sndNxt - (ISS + 1));
            int burst = (int) Math.min(BURST, (left + SEGMENT - 1) / SEGMENT);
            int sent = 0;
            for (; sent < burst; sent++) {
                int len = (int) Math.min(SEGMENT, left);
                if (!pipe.send(frame, tcpSegment(sndNxt, rcvNxt, sent == burst - 1 ? 0x18 : 0x10, len))) {
                    break; // the socket's queue is full: take the ACKs first
                }
                sndNxt += len;
                left -= len;
            }
            if (sent == 0) {
                return;
            }
            if (left == 0) {
                break; // the FIN follows at once, and is acknowledged at once with the rest (RFC 9293 §3.10.7.4)
            }
            while (sndUna != sndNxt) {
                if (!awaitTcp(pipe)) {
                    return;
                }
                int ack = get32(reply, o + 8);
                if (ack - sndUna > 0 && ack - sndNxt <= 0) {
                    sndUna = ack;
                }
            }
            tcpAcked = sndUna - (ISS + 1);
        }
        // Our FIN; the server closes on it, so its ACK and its own FIN follow.
        if (!pipe.send(frame, tcpSegment(sndNxt, rcvNxt, 0x11, 0))) {
            return;
        }
        int finSeq = sndNxt + 1;
        boolean finAcked = false;
        boolean theirFin = false;
        while (!(finAcked && theirFin)) {
            if (!awaitTcp(pipe)) {
                return;
            }
            finAcked |= get32(reply, o + 8) == finSeq;
            if ((reply[o + 13] & 0x01) != 0) {
                theirFin = true;
                rcvNxt = get32(reply, o + 4) + 1;
            }
        }
        tcpAcked = bytes;
        pipe.send(frame, tcpSegment(finSeq, rcvNxt, 0x10, 0)); // the last ACK: the stack's pcb is gone after it
        long t0 = System.nanoTime();
        while (tcpReport == null && !Warmup.stopped() && System.nanoTime() - t0 < ANSWER_LIMIT_NANOS) {
            LockSupport.parkNanos(100_000);
        }
    }

    /** Where the TCP header of {@link #reply} starts (after its IPv4 header, RFC 791 IHL). */
    private int tcpOffset() {
        return hdr + ETH + (reply[hdr + ETH] & 0x0f) * 4;
    }

    /** Waits for the stack's next TCP segment of our connection into {@link #reply}; false when none came in time. */
    private boolean awaitTcp(FramePipe pipe) {
        while (awaitAnswer(0x0800, pipe)) {
            if ((reply[hdr + ETH + 9] & 0xff) == 6 && u16(reply, tcpOffset() + 2) == PEER_PORT) {
                if ((reply[tcpOffset() + 13] & 0x04) != 0) {
                    return false; // a reset: the connection is gone
                }
                return true;
            }
        }
        return false;
    }

    /** A TCP segment (RFC 9293 §3.1) from the peer to the iperf port; a SYN carries the MSS option (§3.7.1). */
    private int tcpSegment(int seq, int ack, int flags, int payload) {
        boolean syn = (flags & 0x02) != 0;
        int header = syn ? TCP + 4 : TCP;
        int len = header + payload;
        int o = ipv4(6, len, seq >>> 4);
        put16(frame, o, PEER_PORT);
        put16(frame, o + 2, IperfServer.PORT);
        put32(frame, o + 4, seq);
        put32(frame, o + 8, ack);
        frame[o + 12] = (byte) (header / 4 << 4);
        frame[o + 13] = (byte) flags;
        put16(frame, o + 14, 0xffff);
        put32(frame, o + 16, 0); // checksum and urgent pointer
        if (syn) {
            put32(frame, o + TCP, 0x0204_0000 | SEGMENT);
        }
        for (int i = 0; i < payload; i++) {
            frame[o + header + i] = (byte) (seq + i); // the iperf header of the first segment is all zero-ish: a plain test
        }
        if (payload > 0 && seq == ISS + 1) {
            java.util.Arrays.fill(frame, o + header, o + header + Math.min(payload, 24), (byte) 0);
        }
        long sum = Checksum.partial(frame, o, len, Checksum.pseudoHeaderV4(PEER_IP, SELF_IP, 6, len));
        put16(frame, o + 16, Checksum.finish(sum));
        return o + len;
    }

    /** Waits for the stack's next frame of {@code etherType} (skipping others) into {@link #reply}; false when none came in time. */
    private boolean awaitAnswer(int etherType, FramePipe pipe) {
        long start = System.nanoTime();
        int spins = 0;
        while (true) {
            int n = pipe.receive(reply);
            if (n >= hdr + ETH && u16(reply, hdr + 12) == etherType) {
                return true;
            }
            if (n >= 0) {
                continue; // something else the stack sent (a gratuitous ARP, IPv6 neighbor discovery): not an answer
            }
            if (System.nanoTime() - start > ANSWER_LIMIT_NANOS || Warmup.stopped()) {
                return false;
            }
            // A short spin, then sleep: the run's own stack shares the processors with this.
            if (++spins < 50) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(10_000);
            }
        }
    }

    private int arpRequest() {
        int o = ethernet(SELF_MAC.toBytes(), 0x0806);
        // RFC 826: Ethernet/IPv4, request from the peer for our address.
        put16(frame, o, 1);
        put16(frame, o + 2, 0x0800);
        frame[o + 4] = 6;
        frame[o + 5] = 4;
        put16(frame, o + 6, 1);
        System.arraycopy(PEER_MAC, 0, frame, o + 8, 6);
        put32(frame, o + 14, PEER_IP);
        java.util.Arrays.fill(frame, o + 18, o + 24, (byte) 0);
        put32(frame, o + 24, SELF_IP);
        return o + 28;
    }

    private int echoRequest(int seq) {
        int o = ipv4(1, 8 + PING_DATA, seq);
        frame[o] = 8;
        frame[o + 1] = 0;
        put16(frame, o + 2, 0);
        put16(frame, o + 4, 0x1234);
        put16(frame, o + 6, seq & 0xffff);
        for (int i = 0; i < PING_DATA; i++) {
            frame[o + 8 + i] = (byte) i;
        }
        put16(frame, o + 2, Checksum.of(frame, o, 8 + PING_DATA));
        return o + 8 + PING_DATA;
    }

    private int udpEcho(int seq) {
        int len = 8 + UDP_DATA;
        int o = ipv4(17, len, seq);
        put16(frame, o, 40000 + (seq & 0xff));
        put16(frame, o + 2, StackRunner.ECHO_PORT);
        put16(frame, o + 4, len);
        put16(frame, o + 6, 0);
        for (int i = 0; i < UDP_DATA; i++) {
            frame[o + 8 + i] = (byte) (seq + i);
        }
        long sum = Checksum.partial(frame, o, len, Checksum.pseudoHeaderV4(PEER_IP, SELF_IP, 17, len));
        int c = Checksum.finish(sum);
        put16(frame, o + 6, c == 0 ? 0xffff : c);
        return o + len;
    }

    /** The Ethernet header (after the virtio-net header, all zero: no offload asked); returns where the payload starts. */
    private int ethernet(byte[] dst, int etherType) {
        java.util.Arrays.fill(frame, 0, hdr, (byte) 0);
        System.arraycopy(dst, 0, frame, hdr, 6);
        System.arraycopy(PEER_MAC, 0, frame, hdr + 6, 6);
        put16(frame, hdr + 12, etherType);
        return hdr + ETH;
    }

    /** Ethernet and an IPv4 header (RFC 791) from the peer to us; returns where the payload starts. */
    private int ipv4(int protocol, int payload, int id) {
        int o = ethernet(SELF_MAC.toBytes(), 0x0800);
        frame[o] = 0x45;
        frame[o + 1] = 0;
        put16(frame, o + 2, IP + payload);
        put16(frame, o + 4, id & 0xffff);
        put16(frame, o + 6, 0x4000); // DF, as ping sends
        frame[o + 8] = 64;
        frame[o + 9] = (byte) protocol;
        put16(frame, o + 10, 0);
        put32(frame, o + 12, PEER_IP);
        put32(frame, o + 16, SELF_IP);
        put16(frame, o + 10, Checksum.of(frame, o, IP));
        return o + IP;
    }

    private static int get32(byte[] b, int o) {
        return u16(b, o) << 16 | u16(b, o + 2);
    }

    private static int u16(byte[] b, int o) {
        return (b[o] & 0xff) << 8 | b[o + 1] & 0xff;
    }

    private static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 8);
        b[o + 1] = (byte) v;
    }

    private static void put32(byte[] b, int o, int v) {
        put16(b, o, v >>> 16);
        put16(b, o + 2, v);
    }
}
