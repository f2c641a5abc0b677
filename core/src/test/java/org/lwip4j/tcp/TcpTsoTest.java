package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.SimNet;

/**
 * TCP segmentation offload: when the outgoing driver cuts TCP super-frames itself
 * ({@code NetifDriver.gsoTypes()}), TCP sends segments of up to 64 KiB (whole MSS each, GSO
 * size the MSS, a partial checksum from the pseudo-header); elsewhere it sends MSS-sized
 * segments. The wire here is a test device that, as the kernel's TAP does, carries the
 * offload marks to the other side, completing the partial checksum as a device would: a
 * stack receiving a super-frame takes it whole (GSO in), a router forwarding one to a device
 * without TSO cuts it in software, and every byte arrives intact either way.
 */
class TcpTsoTest {
    private static final int TOTAL = 1 << 20;
    private final VirtualClock clock = new VirtualClock(0);
    private final List<Stack> stacks = new ArrayList<>();
    private final List<Wire> wires = new ArrayList<>();

    /** One direction's device: IP frames, MTU 1500, queued for the peer's netif. */
    static final class End implements NetifDriver {
        final int gso;
        Netif netif;
        End peer;
        final ArrayDeque<Pbuf> inbox = new ArrayDeque<>();
        int frames;
        int superFrames;
        /** Super-frames with a node over referenced memory (a zero-copy write). */
        int chained;
        int overMtu;
        int largest;
        final List<Integer> gsoSizes = new ArrayList<>();
        final List<Integer> gsoTypes = new ArrayList<>();

        End(int gso) {
            this.gso = gso;
        }

        @Override
        public LinkType linkType() {
            return LinkType.IP;
        }

        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public void attach(Netif n) {
            netif = n;
        }

        @Override
        public int gsoTypes() {
            return gso;
        }

        @Override
        public boolean completesChecksums() {
            return gso != 0;
        }

        @Override
        public Err transmit(Pbuf frame) {
            int len = frame.totalLength();
            frames++;
            largest = Math.max(largest, len);
            if (frame.gsoType() != Pbuf.GSO_NONE) {
                superFrames++;
                for (Pbuf q = frame; q != null; q = q.next()) {
                    if (q.kind() == Pbuf.Kind.REF) {
                        chained++;
                        break;
                    }
                }
                gsoSizes.add(frame.gsoSize());
                gsoTypes.add(frame.gsoType());
            } else if (len > mtu()) {
                overMtu++;
            }
            Pbuf p = peer.netif.context().pbufs().allocPool(Layer.RAW, len);
            p.copyFrom(0, frame, 0, len);
            p.copyOffloadFrom(frame, 0);
            Checksum.completePartial(p); // the device's part: the peer then checks the whole sum
            peer.inbox.add(p);
            return Err.OK;
        }

        int deliver() {
            int n = 0;
            for (Pbuf p; (p = inbox.poll()) != null; n++) {
                netif.input(p);
            }
            return n;
        }

        void drop() {
            for (Pbuf p; (p = inbox.poll()) != null; ) {
                p.free();
            }
        }
    }

    /** A cable: {@code a} sends with the GSO types {@code gsoA}, {@code b} without any. */
    record Wire(End a, End b) {
        static Wire of(int gsoA) {
            End a = new End(gsoA);
            End b = new End(0);
            a.peer = b;
            b.peer = a;
            return new Wire(a, b);
        }
    }

    private Stack stack(boolean forward) {
        Stack s = Stack.create(StackConfig.builder().randomSeed(stacks.size() + 1).loopbackNetif(false)
                .ipForward(forward).build(), clock);
        stacks.add(s);
        return s;
    }

    private static Netif attach(Stack s, End end, String name, String cidr) {
        Netif n = s.addNetif(end, name);
        n.ip4().set(Ip4Interface.parse(cidr));
        n.setUp(true);
        if (s.netifs().defaultNetif() == null) {
            s.netifs().setDefault(n);
        }
        return n;
    }

    private Wire wire(int gsoA) {
        Wire w = Wire.of(gsoA);
        wires.add(w);
        return w;
    }

    /** Polls every stack and carries frames until {@code done}, moving the clock to the next timer when idle. */
    private boolean run(BooleanSupplier done, Duration limit) {
        long end = clock.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            int moved = 0;
            for (Stack s : stacks) {
                moved += s.poll(clock.nanoTime()) > 0 ? 1 : 0;
            }
            for (Wire w : wires) {
                moved += w.a().deliver() + w.b().deliver();
            }
            if (moved == 0) {
                long next = end;
                for (Stack s : stacks) {
                    var t = s.context().timers();
                    if (t.hasPending()) {
                        next = Math.min(next, Math.max(t.nextDue(), clock.nanoTime() + 1));
                    }
                }
                if (next - end >= 0) {
                    return done.getAsBoolean();
                }
                clock.advance(next - clock.nanoTime());
            }
        }
        return true;
    }

    /** As {@code TcpTransferTest}: let the leak detector forget these pbufs before heap measurements in this JVM. */
    @AfterAll
    static void letTheLeakDetectorForgetTheseStacks() {
        TcpTransferTest.letTheLeakDetectorForgetTheseStacks();
    }

    @AfterEach
    void close() {
        for (Wire w : wires) {
            w.a().drop();
            w.b().drop();
        }
        for (Stack s : stacks) {
            s.close();
            assertEquals(List.of(), SimNet.leakedPbufs(s));
        }
    }

    private static byte pattern(long i) {
        return (byte) (i * 131 + (i >>> 11));
    }

    /** Sends {@link #TOTAL} bytes from {@code a} to {@code dst}:5001 on {@code b}; checks each byte there. */
    private void transfer(Stack a, Stack b, String dst) {
        transfer(a, b, IpAddress.parse(dst));
    }

    private void transfer(Stack a, Stack b, IpAddress dst) {
        transfer(a, b, dst, false);
    }

    /** As {@link #transfer(Stack, Stack, IpAddress)}; {@code mixed}: every other write is zero-copy (a pool chain of A's). */
    private void transfer(Stack a, Stack b, IpAddress dst, boolean mixed) {
        long[] received = {0};
        long[] bad = {-1};
        TcpPcb l = b.newTcpPcb();
        assertEquals(Err.OK, l.bind(dst.version() == 6 ? Ip6Address.ANY : Ip4Address.ANY, 5001));
        assertEquals(Err.OK, l.listen(1));
        l.onAccept((lst, c) -> c.onRecv((pcb, p) -> {
            if (p == null) {
                return;
            }
            byte[] d = p.toByteArray();
            for (int k = 0; k < d.length; k++) {
                if (d[k] != pattern(received[0] + k) && bad[0] < 0) {
                    bad[0] = received[0] + k;
                }
            }
            received[0] += d.length;
            p.free();
            pcb.recved(d.length);
        }));
        TcpPcb c = a.newTcpPcb();
        long[] sent = {0};
        int[] writes = {0};
        byte[] chunk = new byte[32768];
        TcpPcb.SentCallback pump = (pcb, n) -> {
            while (sent[0] < TOTAL) {
                int len = (int) Math.min(Math.min(pcb.sndbuf(), chunk.length), TOTAL - sent[0]);
                if (len <= 0) {
                    return;
                }
                for (int k = 0; k < len; k++) {
                    chunk[k] = pattern(sent[0] + k);
                }
                Err e;
                if (mixed && writes[0] % 2 == 1) {
                    Pbuf p = a.context().pbufs().allocPool(Layer.TRANSPORT, len);
                    if (p == null) {
                        return;
                    }
                    p.copyFrom(0, chunk, 0, len);
                    e = pcb.write(p, 0);
                    p.free();
                } else {
                    e = pcb.write(chunk, 0, len, TcpPcb.WRITE_COPY);
                }
                if (e != Err.OK) {
                    return;
                }
                sent[0] += len;
                writes[0]++;
            }
        };
        c.onSent(pump);
        assertEquals(Err.OK, c.connect(dst, 5001, pcb -> pump.sent(pcb, 0)));
        assertTrue(run(() -> received[0] == TOTAL, Duration.ofSeconds(60)), "transfer stalled at " + received[0]);
        assertEquals(-1, bad[0], "corrupted at byte " + bad[0]);
        c.abort();
        l.close();
    }

    @Test
    void withTsoTcpSendsSuperSegmentsAndAStackTakesThemWhole() {
        Stack a = stack(false);
        Stack b = stack(false);
        Wire w = wire((1 << Pbuf.GSO_TCPV4) | (1 << Pbuf.GSO_TCPV6));
        attach(a, w.a(), "tso0", "10.0.0.1/24");
        attach(b, w.b(), "eth0", "10.0.0.2/24");
        transfer(a, b, "10.0.0.2");

        assertTrue(w.a().superFrames > 0, "super-segments sent: " + w.a().superFrames + " of " + w.a().frames);
        assertTrue(w.a().largest > 1500 && w.a().largest <= 0xffff, "largest frame " + w.a().largest);
        assertTrue(w.a().gsoSizes.stream().allMatch(s -> s == 1448), "GSO size is the MSS in use (1460 less the"
                + " timestamps option): " + w.a().gsoSizes);
        assertEquals(0, w.a().overMtu, "frames over the MTU without a GSO request");
        // GSO in: B got far fewer segments than the 1460-byte segments the bytes stand for,
        // and counted no checksum error (the partial sums were right).
        assertTrue(b.stats().tcp.recv < TOTAL / 1460, "B's segments: " + b.stats().tcp.recv);
        assertEquals(0, b.stats().tcp.chkerr);
        assertEquals(0, b.stats().tcp.drop);
        // B's own driver has no TSO: its segments (the ACKs) stay small.
        assertEquals(0, w.b().superFrames);
    }

    @Test
    void zeroCopyWritesGoOutInSuperSegmentsAndArriveIntact() {
        Stack a = stack(false);
        Stack b = stack(false);
        Wire w = wire(1 << Pbuf.GSO_TCPV4);
        attach(a, w.a(), "tso0", "10.0.0.1/24");
        attach(b, w.b(), "eth0", "10.0.0.2/24");
        transfer(a, b, IpAddress.parse("10.0.0.2"), true);
        assertTrue(w.a().superFrames > 0, "super-segments sent: " + w.a().superFrames + " of " + w.a().frames);
        assertTrue(w.a().chained > 0, "super-segments chaining referenced pool memory: " + w.a().chained);
        assertEquals(0, b.stats().tcp.chkerr, "the partial checksum covered the chained bytes");
        assertEquals(0, w.a().overMtu);
    }

    @Test
    void overIpv6TcpSendsTcpv6SuperSegmentsAndAStackTakesThemWhole() {
        Stack a = stack(false);
        Stack b = stack(false);
        Wire w = wire(1 << Pbuf.GSO_TCPV6);
        Netif na = attach(a, w.a(), "tso0", "10.0.0.1/24");
        Netif nb = attach(b, w.b(), "eth0", "10.0.0.2/24");
        Ip6Address ga = Ip6Address.parse("fd00:77::1");
        Ip6Address gb = Ip6Address.parse("fd00:77::2");
        na.ip6().add(ga, 64);
        nb.ip6().add(gb, 64);
        assertTrue(run(() -> preferred(na, ga) && preferred(nb, gb), Duration.ofSeconds(10)), "DAD done");
        transfer(a, b, gb);

        assertTrue(w.a().superFrames > 0, "TCPv6 super-segments sent: " + w.a().superFrames);
        assertTrue(w.a().gsoTypes.stream().allMatch(t -> t == Pbuf.GSO_TCPV6), "GSO types " + w.a().gsoTypes);
        assertTrue(b.stats().tcp.recv < TOTAL / 1440, "B took them whole: " + b.stats().tcp.recv);
        assertEquals(0, b.stats().tcp.chkerr);
        assertEquals(0, w.a().overMtu);
    }

    private static boolean preferred(Netif n, Ip6Address a) {
        var e = n.ip6().find(a);
        return e != null && e.state() == org.lwip4j.netif.Ip6Addresses.State.PREFERRED;
    }

    @Test
    void superSegmentsForwardedToADeviceWithoutTsoAreCutInSoftwareAndEveryByteArrives() {
        Stack a = stack(false);
        Stack r = stack(true);
        Stack c = stack(false);
        Wire ar = wire(1 << Pbuf.GSO_TCPV4);
        Wire rc = wire(0);
        attach(a, ar.a(), "tso0", "10.0.0.1/24");
        attach(r, ar.b(), "eth0", "10.0.0.254/24");
        attach(r, rc.a(), "eth1", "10.1.0.254/24");
        attach(c, rc.b(), "eth0", "10.1.0.2/24");
        transfer(a, c, "10.1.0.2");

        assertTrue(ar.a().superFrames > 0, "A sent super-segments");
        assertEquals(0, rc.a().superFrames, "the router cut them");
        assertEquals(0, rc.a().overMtu, "no frame over the MTU towards C");
        assertTrue(rc.a().largest <= 1500);
        assertTrue(c.stats().tcp.recv >= TOTAL / 1460, "C got MSS-sized segments: " + c.stats().tcp.recv);
        assertEquals(0, c.stats().tcp.chkerr, "every cut segment's checksum verified");
    }

    @Test
    void withoutTsoNoSegmentExceedsTheMss() {
        Stack a = stack(false);
        Stack b = stack(false);
        Wire w = wire(0);
        attach(a, w.a(), "eth0", "10.0.0.1/24");
        attach(b, w.b(), "eth0", "10.0.0.2/24");
        transfer(a, b, "10.0.0.2");
        assertEquals(0, w.a().superFrames);
        assertEquals(0, w.a().overMtu);
        assertEquals(1500, w.a().largest);
    }
}
