package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.sim.CapturedFrame;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;
import org.lwip4j.testing.SimNet;
import org.lwip4j.wire.ParseResult;
import org.lwip4j.wire.TcpRepr;

/**
 * A packet script for TCP state machines (smoltcp's {@code send!}/{@code recv!}, gVisor's
 * checker): one stack on a virtual clock behind a capturing bare-IP netif; the test plays
 * the peer ({@value #PEER}:{@value #PEER_PORT}) with {@link #send}, checks each segment the
 * stack sends with {@link #expect}, and moves time with {@link #after}.
 *
 * <pre>{@code
 * t.listen();
 * t.send(syn().seq(1000).mss(1460));
 * Seg sa = t.expect(synAck().ack(1001));
 * t.after(ms(1000)).expect(synAck().seq(sa.seq).ack(1001));   // RTO 1 s
 * }</pre>
 */
final class TcpScript implements AutoCloseable {
    static final String US = "10.0.0.1";
    static final String PEER = "10.0.0.9";
    static final int PORT = 80;
    static final int PEER_PORT = 4000;
    /** The ISN the stack uses in scripts (near the wrap unless a test says otherwise). */
    static final int ISS = 0x7fff_f000;

    final VirtualClock clock = new VirtualClock(0);
    final Stack stack;
    final CaptureDriver wire;
    final Netif tun0;
    final Tcp tcp;
    /** Segments the stack sent that no expect took yet. */
    private final List<Seg> pending = new ArrayList<>();
    /** What the application received through onRecv on the pcbs the script made (null = FIN). */
    final List<byte[]> received = new ArrayList<>();
    int fins;
    final List<org.lwip4j.stack.Err> errors = new ArrayList<>();
    final List<Integer> sentLens = new ArrayList<>();
    TcpPcb listener;
    TcpPcb conn;
    /** When false, the script's receiver does not call recved (the window stays closed). */
    boolean autoRecved = true;

    TcpScript() {
        this(b -> { });
    }

    TcpScript(Consumer<StackConfig.TcpOptions.Builder> tcpTweak) {
        this(tcpTweak, 1500);
    }

    TcpScript(Consumer<StackConfig.TcpOptions.Builder> tcpTweak, int mtu) {
        this(tcpTweak, mtu, b -> { });
    }

    TcpScript(Consumer<StackConfig.TcpOptions.Builder> tcpTweak, int mtu, Consumer<StackConfig.Builder> stackTweak) {
        StackConfig.Builder b = StackConfig.builder().randomSeed(11).loopbackNetif(false).tcp(t -> {
            t.delayedAck(Duration.ofMillis(100));
            tcpTweak.accept(t);
            return t;
        });
        stackTweak.accept(b);
        StackConfig cfg = b.build();
        stack = Stack.create(cfg, clock);
        wire = new CaptureDriver(LinkType.IP, mtu);
        tun0 = stack.addNetif(wire, "tun0");
        tun0.ip4().set(Ip4Interface.parse(US + "/24"));
        tun0.setUp(true);
        stack.netifs().setDefault(tun0);
        tcp = stack.tcp();
        tcp.isnOverride = () -> ISS;
    }

    static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    // ---------------------------------------------------------------- the application side

    /** A listener on port {@value #PORT}; accepted connections land in {@link #conn} with the script's callbacks. */
    TcpScript listen() {
        return listen(4);
    }

    TcpScript listen(int backlog) {
        listener = stack.newTcpPcb();
        assertEquals(org.lwip4j.stack.Err.OK, listener.bind(Ip4Address.ANY, PORT));
        assertEquals(org.lwip4j.stack.Err.OK, listener.listen(backlog));
        listener.onAccept((l, c) -> {
            conn = c;
            hook(c);
        });
        return this;
    }

    /** Opens a connection from port {@value #PORT} to the peer; returns the SYN sent. */
    Seg connect() {
        conn = stack.newTcpPcb();
        hook(conn);
        assertEquals(org.lwip4j.stack.Err.OK, conn.bind(Ip4Address.ANY, PORT));
        assertEquals(org.lwip4j.stack.Err.OK, conn.connect(Ip4Address.parse(PEER), PEER_PORT, c -> connected++));
        run();
        return expect(Seg.syn().seq(ISS));
    }

    int connected;

    void hook(TcpPcb c) {
        c.onRecv((pcb, p) -> {
            if (p == null) {
                fins++;
                received.add(null);
                return;
            }
            received.add(p.toByteArray());
            int n = p.totalLength();
            p.free();
            if (autoRecved) {
                pcb.recved(n);
            }
        });
        c.onErr(errors::add);
        c.onSent((pcb, n) -> sentLens.add(n));
    }

    /** Passive open through the three-way handshake with default options; returns the SYN-ACK. */
    Seg established(int peerIsn, Seg synTemplate) {
        listen();
        send(synTemplate.seq(peerIsn));
        Seg sa = expect(Seg.synAck().seq(ISS).ack(peerIsn + 1));
        Seg ack = Seg.ack().seq(peerIsn + 1).ack(ISS + 1);
        if (synTemplate.tsVal != null && sa.tsVal != null) {
            ack.ts(synTemplate.tsVal, sa.tsVal); // RFC 7323 §3.2: once negotiated, on every segment
        }
        send(ack);
        expectNothing();
        assertEquals(TcpState.ESTABLISHED, conn.state());
        return sa;
    }

    /** The data the application received so far, concatenated (FINs left out). */
    byte[] receivedBytes() {
        int n = 0;
        for (byte[] b : received) {
            n += b == null ? 0 : b.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] b : received) {
            if (b != null) {
                System.arraycopy(b, 0, all, at, b.length);
                at += b.length;
            }
        }
        return all;
    }

    // ---------------------------------------------------------------- the wire

    /** Runs the loop at the current time. */
    TcpScript run() {
        for (int i = 0; i < 4; i++) {
            stack.poll(clock.nanoTime());
        }
        collect();
        return this;
    }

    /** Moves time on by {@code d}, firing what is due in order. */
    TcpScript after(Duration d) {
        long end = clock.nanoTime() + d.toNanos();
        while (true) {
            var timers = stack.context().timers();
            if (timers.hasPending() && timers.nextDue() - end <= 0) {
                long due = Math.max(timers.nextDue(), clock.nanoTime());
                clock.advance(due - clock.nanoTime());
                run();
            } else {
                break;
            }
        }
        clock.advance(end - clock.nanoTime());
        return run();
    }

    /** The peer sends {@code s} (IPv4 from {@value #PEER} to {@value #US}, default ports). */
    TcpScript send(Seg s) {
        wire.inject(bytes(s));
        return run();
    }

    /**
     * The peer sends {@code len} zero bytes from {@code seq}, acknowledging {@code ack}, in
     * segments of at most 60,000 bytes; returns the sequence number that follows them.
     */
    int sendData(int seq, int ack, int len) {
        while (len > 0) {
            int n = Math.min(len, 60_000);
            send(Seg.ack().seq(seq).ack(ack).payload(new byte[n]));
            seq += n;
            len -= n;
        }
        return seq;
    }

    /** The segment {@code s} from another source address (spoofed floods, other peers). */
    TcpScript sendFrom(String src, Seg s) {
        wire.inject(bytes(src, s));
        return run();
    }

    /** {@code s} as an IPv4 packet with correct checksums. */
    byte[] bytes(Seg s) {
        return bytes(PEER, s);
    }

    /** {@code s} as an IPv4 packet from {@code src} with correct checksums. */
    byte[] bytes(String src, Seg s) {
        TcpRepr r = s.repr(PEER_PORT, PORT);
        byte[] tcpBytes = new byte[r.bufferLen() + r.payloadLen()];
        if (s.payload != null) {
            System.arraycopy(s.payload, 0, tcpBytes, r.bufferLen(), s.payload.length);
        }
        var seg = java.lang.foreign.MemorySegment.ofArray(tcpBytes);
        r.emit(seg, 0, Checksum.pseudoHeaderV4(Ip4Address.parse(src).bits(), Ip4Address.parse(US).bits(), 6,
                tcpBytes.length));
        return Packets.ipv4(6, src, US, 64, 0x4000, tcpBytes);
    }

    /** Injects raw IPv4 bytes. */
    TcpScript inject(byte[] packet) {
        wire.inject(packet);
        return run();
    }

    private void collect() {
        for (CapturedFrame f : wire.drain()) {
            byte[] d = f.data();
            if ((d[0] >> 4) != 4 || d[9] != 6) {
                continue;
            }
            int ihl = (d[0] & 0xf) * 4;
            int total = ((d[2] & 0xff) << 8) | (d[3] & 0xff);
            var s = java.lang.foreign.MemorySegment.ofArray(d);
            long pseudo = Checksum.pseudoHeaderV4(Ip4Address.of(Arrays.copyOfRange(d, 12, 16)).bits(),
                    Ip4Address.of(Arrays.copyOfRange(d, 16, 20)).bits(), 6, total - ihl);
            ParseResult<TcpRepr> r = TcpRepr.parse(s, ihl, total - ihl, pseudo);
            if (!r.isOk()) {
                fail("the stack sent a bad TCP segment: " + r);
            }
            TcpRepr repr = r.value();
            int realHl = (d[ihl + 12] >>> 4 & 0xf) * 4;
            Seg sent = Seg.of(repr, Arrays.copyOfRange(d, ihl + realHl, total));
            sent.ipTos = d[1] & 0xff;
            sent.ipTtl = d[8] & 0xff;
            pending.add(sent);
            if ((d[6] & 0x40) == 0) {
                fail("TCP segment sent without DF");
            }
        }
    }

    /** The next segment the stack sent, which must match {@code pattern}; returned parsed. */
    Seg expect(Seg pattern) {
        run();
        if (pending.isEmpty()) {
            fail("expected " + pattern + " but the stack sent nothing");
        }
        Seg got = pending.remove(0);
        String why = pattern.mismatch(got);
        if (why != null) {
            fail("expected " + pattern + " but got " + got + ": " + why);
        }
        return got;
    }

    /** Nothing was sent. */
    TcpScript expectNothing() {
        run();
        if (!pending.isEmpty()) {
            fail("expected nothing but the stack sent " + pending);
        }
        return this;
    }

    /** Every segment sent so far, taken. */
    List<Seg> drain() {
        run();
        List<Seg> all = new ArrayList<>(pending);
        pending.clear();
        return all;
    }

    /** The pbuf pools are back to zero. */
    void assertNoLeaks() {
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    Pbuf pbuf(byte[] data) {
        return stack.pbuf(data);
    }

    @Override
    public void close() {
        stack.close();
    }
}
