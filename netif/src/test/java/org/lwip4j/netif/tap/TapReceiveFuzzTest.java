package org.lwip4j.netif.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.lwip4j.Stack;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.fuzz.RegressionMode;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.testing.Frames;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.SimNet;

/**
 * The TAP receive path under arbitrary frames and virtio-net headers, through the driver's
 * real code ({@code readv} into pool buffers, chaining, header decoding, the netif) over a
 * socket pair standing in for the device ({@link FramePipe}). Frames are forwarded to
 * a TUN with a virtio-net header (so the header encoder sees what the decoder made of them)
 * and echoed by UDP. Invariants: nothing throws on the loop (no failed task, source or
 * timer), malformed frames are counted, and once the stack is closed every pbuf is back in
 * its pool.
 */
class TapReceiveFuzzTest {
    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:01");
    private static final int[] POOL_BUFFERS = {256, 592, 1600, 2048};

    @BeforeAll
    static void regressionMode() {
        RegressionMode.configure();
    }

    @FuzzTest(maxDuration = "10s")
    void anyFramesFromTheDeviceAreHandledWithoutThrowingOrLeaking(FuzzedDataProvider data) {
        boolean vnet = data.consumeBoolean();
        boolean superFrames = vnet && data.consumeBoolean();
        TuntapOptions tapOptions = TuntapOptions.builder().vnetHeader(vnet)
                .offloads(superFrames ? Set.of(Offload.CSUM, Offload.TSO4, Offload.TSO6, Offload.USO4) : Set.of())
                .rxBatch(data.consumeInt(1, 8)).build();
        VirtualClock clock = new VirtualClock();
        Stack stack = Stack.create(StackConfig.builder().ipForward(true).broadcastPing(true).pbufPoolSize(384)
                .pbufPoolBufSize(data.pickValue(POOL_BUFFERS)).build(), clock);
        try (FramePipe tapDev = FramePipe.open("fz-tap", Tuntap.Mode.TAP, vnet);
                FramePipe tunDev = FramePipe.open("fz-tun", Tuntap.Mode.TUN, true)) {
            TapDriver tap;
            TunDriver tun;
            try {
                tap = TapDriver.of(tapDev.device(), tapOptions);
                tun = TunDriver.of(tunDev.device(), TuntapOptions.builder().vnetHeader(true).mtu(576).build());
            } catch (TuntapException e) {
                throw new AssertionError(e);
            }
            Netif n = stack.addNetif(tap, "tap0", MAC);
            n.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
            n.setUp(true);
            Netif o = stack.addNetif(tun, "tun1");
            o.ip4().set(Ip4Interface.parse("10.1.0.1/16"));
            o.setUp(true);
            stack.netifs().setDefault(o);
            var echo = stack.newUdpPcb();
            echo.bind(7);
            echo.onReceive((pcb, p, src, port, netif) -> {
                pcb.sendTo(p, src, port);
                p.free();
            });
            int frames = data.consumeInt(1, 8);
            int sent = 0;
            for (int i = 0; i < frames && data.remainingBytes() > 0; i++) {
                byte[] header = vnet ? header(data) : new byte[0];
                byte[] body = body(data, superFrames ? 9000 : 1600);
                byte[] f = new byte[header.length + body.length];
                System.arraycopy(header, 0, f, 0, header.length);
                System.arraycopy(body, 0, f, header.length, body.length);
                if (f.length > 0 && tapDev.send(f)) {
                    sent++; // an empty datagram is not a frame (a device never reads one)
                }
                turn(stack, clock, tapDev, tunDev);
                clock.advance(data.consumeInt(0, 2_000) * 1_000_000L);
                turn(stack, clock, tapDev, tunDev);
            }
            // Let reassembly, ARP queues and timers run out.
            for (int i = 0; i < 40; i++) {
                clock.advance(1_000_000_000L);
                turn(stack, clock, tapDev, tunDev);
            }
            assertEquals(0, stack.loop().failedSources() + stack.loop().failedTasks() + stack.loop().failedTimers(),
                    "nothing threw on the loop");
            DriverStats s = tap.stats();
            assertEquals(sent, s.rxFrames + s.rxLengthErrors + s.rxMemDrops,
                    "each frame read is delivered or counted as dropped: " + s);
            assertEquals(s.rxFrames, n.counters().inPackets, "each frame delivered reached the netif");
            stack.close();
        } finally {
            stack.close();
        }
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    private static final long OUR_MAC = 0x020000000001L;
    private static final long PEER_MAC = 0x020000000002L;
    private static final int OUR_IP = 0x0a000001;
    private static final int PEER_IP = 0x0a000002;
    private static final int BEYOND_TUN = 0x0a010005;

    /** Well-formed frames the fuzzer starts from, so it gets past the parsers to the paths behind them. */
    private static final byte[][] TEMPLATES = {
        Frames.arpRequest(PEER_MAC, PEER_IP, OUR_IP),
        Frames.ping(PEER_MAC, OUR_MAC, PEER_IP, OUR_IP, 1, 1, new byte[32], false),
        Frames.ethernet(OUR_MAC, PEER_MAC, 0x0800, Frames.ipv4(PEER_IP, OUR_IP, 17, udp(7, 24))),
        Frames.ethernet(OUR_MAC, PEER_MAC, 0x0800, Frames.ipv4(PEER_IP, BEYOND_TUN, 17, udp(9, 700))),
        Frames.ethernet(OUR_MAC, PEER_MAC, 0x0800, Frames.ipv4(PEER_IP, BEYOND_TUN, 6, tcp(1200))),
        Frames.ping(PEER_MAC, OUR_MAC, PEER_IP, BEYOND_TUN, 2, 2, new byte[1000], true),
    };

    private static byte[] udp(int port, int payload) {
        byte[] u = new byte[8 + payload];
        u[0] = 0x30;
        u[1] = 0x39;
        u[2] = (byte) (port >>> 8);
        u[3] = (byte) port;
        u[4] = (byte) (u.length >>> 8);
        u[5] = (byte) u.length;
        return u;
    }

    private static byte[] tcp(int payload) {
        byte[] t = new byte[20 + payload];
        t[1] = 80;
        t[3] = 80;
        t[12] = 0x50;
        t[13] = 0x18;
        return t;
    }

    /** A frame: a template with a few bytes changed and its length adjusted, or fuzzer bytes. */
    private static byte[] body(FuzzedDataProvider data, int max) {
        int pick = data.consumeInt(0, TEMPLATES.length);
        if (pick == TEMPLATES.length) {
            return data.consumeBytes(data.consumeInt(0, max));
        }
        byte[] t = TEMPLATES[pick];
        byte[] f = java.util.Arrays.copyOf(t, Math.max(0, t.length + data.consumeInt(-40, 40)));
        for (int k = data.consumeInt(0, 4); k > 0 && f.length > 0; k--) {
            f[data.consumeInt(0, f.length - 1)] = data.consumeByte();
        }
        return f;
    }

    /** A virtio-net header: mostly fields the fuzzer picks one by one, sometimes 10 raw bytes. */
    private static byte[] header(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            return data.consumeBytes(data.consumeInt(0, VirtioNetHeader.SIZE));
        }
        int flags = data.consumeInt(0, 3);
        int gso = data.pickValue(new int[] {0, 1, 3, 4, 5, 0x81, 0x84, data.consumeInt(0, 255)});
        byte[] h = new byte[VirtioNetHeader.SIZE];
        java.lang.foreign.MemorySegment m = java.lang.foreign.MemorySegment.ofArray(h);
        var u16 = java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
        h[0] = (byte) flags;
        h[1] = (byte) gso;
        m.set(u16, 2, (short) data.consumeInt(0, 0xffff));
        m.set(u16, 4, (short) data.consumeInt(0, 0xffff));
        m.set(u16, 6, (short) data.consumeInt(0, 200));
        m.set(u16, 8, (short) data.consumeInt(0, 40));
        return h;
    }

    private static void turn(Stack stack, VirtualClock clock, FramePipe tap, FramePipe tun) {
        for (int idle = 0; idle < 2;) {
            int work = stack.poll(clock.nanoTime());
            work += tap.drain() + tun.drain();
            idle = work == 0 ? idle + 1 : 0;
        }
    }
}
