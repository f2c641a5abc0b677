package org.lwip4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.sim.CapturedFrame;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.tcp.TcpInfo;
import org.lwip4j.tcp.TcpPcb;
import org.lwip4j.testing.Packets;
import org.lwip4j.testing.SimNet;

/**
 * The TCP input path under arbitrary segments, against a listener and an established
 * connection (timestamps, SACK-permitted, window scaling negotiated): the fuzzer picks
 * ports (the connection's, the listener's with another source port, a closed port),
 * sequence and acknowledgment numbers near the connection's or anywhere, flags, window,
 * raw option bytes, payload, a wrong checksum now and then, and time steps. Nothing may
 * escape the loop; once the application closed everything and time ran out, every pbuf is
 * back in its pool and every pcb is freed. {@link #seededMutations()} runs the same harness
 * on mutated real segments in every {@code mvn test}.
 */
class TcpInputFuzzTest {
    private static final String US = "10.0.0.1";
    private static final String PEER = "10.0.0.9";
    private static final int PORT = 80;
    private static final int PEER_PORT = 4000;

    @BeforeAll
    static void regressionModeWithoutHooks() {
        RegressionMode.configure();
    }

    /** One stack with a listener and one established connection, driven by hand. */
    static final class Harness {
        final VirtualClock clock = new VirtualClock();
        final Stack stack;
        final CaptureDriver wire = new CaptureDriver(LinkType.IP, 1500);
        final List<TcpPcb> conns = new ArrayList<>();
        final TcpPcb listener;
        TcpPcb conn;
        long receivedBytes;

        Harness(boolean cookies) {
            stack = Stack.create(StackConfig.builder().randomSeed(3).loopbackNetif(false).pbufPoolSize(256)
                    .tcp(t -> t.synCookies(cookies).ooseqMax(8 << 10, 16).maxTimeWait(4)).build(), clock);
            Netif n = stack.addNetif(wire, "tun0");
            n.ip4().set(Ip4Interface.parse(US + "/24"));
            n.setUp(true);
            stack.netifs().setDefault(n);
            listener = stack.newTcpPcb();
            listener.bind(Ip4Address.ANY, PORT);
            listener.listen(2);
            listener.onAccept((l, c) -> {
                conns.add(c);
                c.onRecv((pcb, p) -> {
                    if (p != null) {
                        int len = p.totalLength();
                        receivedBytes += len;
                        if (len > 3) {
                            pcb.write(p, 0); // echo, which exercises the send side too
                        }
                        p.free();
                        pcb.recved(len);
                    }
                });
            });
            // The handshake with options, by hand.
            wire.inject(segment(PEER_PORT, PORT, 1000, 0, 0x02, 65535,
                    new byte[] {2, 4, 5, (byte) 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7}, new byte[0], true));
            stack.poll(clock.nanoTime());
            int iss = 0;
            int tsVal = 0;
            for (CapturedFrame f : wire.drain()) {
                byte[] d = f.data();
                iss = u32(d, 24);
                tsVal = timestampOf(d);
            }
            inject(segment(PEER_PORT, PORT, 1001, iss + 1, 0x10, 1000,
                    new byte[] {1, 1, 8, 10, 0, 0, 0, 2, (byte) (tsVal >>> 24), (byte) (tsVal >>> 16),
                        (byte) (tsVal >>> 8), (byte) tsVal}, new byte[0], true));
            conn = conns.isEmpty() ? null : conns.get(0);
        }

        void inject(byte[] packet) {
            wire.inject(packet);
            stack.poll(clock.nanoTime());
            wire.drain();
        }

        void advance(long millis) {
            clock.advance(Duration.ofMillis(millis).toNanos());
            stack.poll(clock.nanoTime());
            wire.drain();
        }

        /** The application closes everything; time runs out; all must be back. */
        void finish() {
            for (TcpPcb c : new ArrayList<>(conns)) {
                if (c.state() != org.lwip4j.tcp.TcpState.CLOSED) {
                    c.abort();
                }
            }
            listener.close();
            for (int i = 0; i < 200; i++) {
                advance(1000);
            }
            assertEquals(0, stack.loop().failedTasks(), "nothing escaped the loop");
            assertEquals(List.of(), stack.tcp().pcbs(), "every pcb freed");
            assertEquals(0, stack.tcp().counters().ooseqBytes());
            stack.close();
            assertEquals(List.of(), SimNet.leakedPbufs(stack));
        }

        int sndNxt() {
            TcpInfo i = conn == null ? null : conn.info();
            return i == null ? 0 : i.sndNxt();
        }

        int rcvNxt() {
            TcpInfo i = conn == null ? null : conn.info();
            return i == null ? 0 : i.rcvNxt();
        }
    }

    static int u32(byte[] d, int off) {
        return ((d[off] & 0xff) << 24) | ((d[off + 1] & 0xff) << 16) | ((d[off + 2] & 0xff) << 8) | (d[off + 3] & 0xff);
    }

    /** The TSval of a segment the stack sent (IPv4 without options), or 0. */
    static int timestampOf(byte[] d) {
        int hl = ((d[32] & 0xff) >>> 4) * 4;
        for (int i = 40; i < 20 + hl;) {
            int kind = d[i] & 0xff;
            if (kind == 0) {
                break;
            }
            if (kind == 1) {
                i++;
                continue;
            }
            if (kind == 8) {
                return u32(d, i + 2);
            }
            i += Math.max(2, d[i + 1] & 0xff);
        }
        return 0;
    }

    /** An IPv4 packet from the peer with a TCP segment; options padded with EOL to a multiple of 4 (at most 40). */
    static byte[] segment(int sport, int dport, int seq, int ack, int flags, int window, byte[] options,
            byte[] payload, boolean goodChecksum) {
        int olen = Math.min(40, (options.length + 3) & ~3);
        int hl = 20 + olen;
        byte[] t = new byte[hl + payload.length];
        t[0] = (byte) (sport >>> 8);
        t[1] = (byte) sport;
        t[2] = (byte) (dport >>> 8);
        t[3] = (byte) dport;
        for (int i = 0; i < 4; i++) {
            t[4 + i] = (byte) (seq >>> (24 - 8 * i));
            t[8 + i] = (byte) (ack >>> (24 - 8 * i));
        }
        t[12] = (byte) ((hl / 4) << 4);
        t[13] = (byte) flags;
        t[14] = (byte) (window >>> 8);
        t[15] = (byte) window;
        System.arraycopy(options, 0, t, 20, Math.min(options.length, olen));
        System.arraycopy(payload, 0, t, hl, payload.length);
        long sum = Checksum.partial(t, 0, t.length,
                Checksum.pseudoHeaderV4(Ip4Address.parse(PEER).bits(), Ip4Address.parse(US).bits(), 6, t.length));
        int c = Checksum.finish(sum) ^ (goodChecksum ? 0 : 0x5a5a);
        t[16] = (byte) (c >>> 8);
        t[17] = (byte) c;
        return Packets.ipv4(6, PEER, US, 64, 0x4000, t);
    }

    @FuzzTest(maxDuration = "10s")
    void segments(FuzzedDataProvider data) {
        Harness h = new Harness(data.consumeBoolean());
        int n = data.consumeInt(1, 24);
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            int sport = switch (data.consumeInt(0, 3)) {
                case 0, 1 -> PEER_PORT;
                case 2 -> 4001 + data.consumeInt(0, 3);
                default -> data.consumeInt(1, 0xffff);
            };
            int dport = data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 0xffff) : PORT;
            int seq = data.consumeBoolean() ? h.rcvNxt() + data.consumeInt(-70000, 70000) : data.consumeInt();
            int ack = data.consumeBoolean() ? h.sndNxt() + data.consumeInt(-70000, 70000) : data.consumeInt();
            int flags = data.consumeInt(0, 0xff);
            int window = data.consumeInt(0, 0xffff);
            byte[] options = data.consumeBytes(data.consumeInt(0, 40));
            byte[] payload = data.consumeBytes(data.consumeInt(0, 1460));
            h.inject(segment(sport, dport, seq, ack, flags, window, options, payload, data.consumeInt(0, 15) != 0));
            h.advance(data.consumeInt(0, 3000));
        }
        h.finish();
    }

    /** Real segments of a session, mutated: the deep paths in every plain {@code mvn test}, deterministically. */
    @Test
    void seededMutations() {
        Mutator m = new Mutator(20261203);
        SplittableRandom r = m.random();
        int established = 0;
        long delivered = 0;
        for (int round = 0; round < 60; round++) {
            Harness h = new Harness(round % 2 == 0);
            if (h.conn != null) {
                established++;
            }
            for (int i = 0; i < 40; i++) {
                int seq = h.rcvNxt() + (r.nextInt(8) == 0 ? r.nextInt(-5000, 5000) : 0);
                int ack = h.sndNxt() - (r.nextInt(4) == 0 ? r.nextInt(0, 3000) : 0);
                int flags = new int[] {0x10, 0x18, 0x11, 0x04, 0x14, 0x02, 0x12, 0x01, 0x19}[r.nextInt(9)];
                byte[] ts = {1, 1, 8, 10, 0, 0, 1, (byte) i, 0, 0, 0, 0};
                byte[] base = segment(r.nextInt(6) == 0 ? 4001 : PEER_PORT, PORT, seq, ack, flags, 2000, ts,
                        new byte[r.nextInt(0, 1500)], true);
                byte[] pkt = r.nextInt(3) == 0 ? m.mutate(base) : base;
                h.inject(pkt);
                h.advance(r.nextInt(0, 400));
            }
            delivered += h.receivedBytes;
            h.finish();
        }
        assertTrue(delivered > 10_000, "data reached the application: " + delivered);
        assertTrue(established >= 60, "every harness got its connection: " + established);
    }
}
