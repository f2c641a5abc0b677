package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.SimNet;

/**
 * One stack on a virtual clock with a capturing bare-IP netif {@code tun0} (10.0.0.1/24,
 * the default netif): tests inject packets, advance time and read what the stack sent.
 */
final class TunRig {
    static final String US = "10.0.0.1";
    static final String PEER = "10.0.0.9";

    final VirtualClock clock;
    final Stack stack;
    final CaptureDriver wire;
    final Netif tun0;

    TunRig(int mtu, Consumer<StackConfig.Builder> tweak) {
        this(0, mtu, tweak);
    }

    /** A rig whose clock starts at {@code startNanos} (near the wrap of a {@code long} to test wrap safety). */
    TunRig(long startNanos, int mtu, Consumer<StackConfig.Builder> tweak) {
        clock = new VirtualClock(startNanos);
        StackConfig.Builder b = StackConfig.builder().randomSeed(7);
        tweak.accept(b);
        stack = Stack.create(b.build(), clock);
        wire = new CaptureDriver(LinkType.IP, mtu);
        tun0 = stack.addNetif(wire, "tun0");
        tun0.ip4().set(Ip4Interface.parse(US + "/24"));
        tun0.setUp(true);
        stack.netifs().setDefault(tun0);
    }

    TunRig() {
        this(1500, b -> { });
    }

    /** Runs a few loop turns at the current time. */
    void run() {
        for (int i = 0; i < 5; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    /** Moves the clock on by {@code nanos} and runs what is due. */
    void advance(long nanos) {
        clock.advance(nanos);
        run();
    }

    void advance(Duration d) {
        advance(d.toNanos());
    }

    /** Injects one packet as the driver would and runs the loop. */
    void inject(byte[] packet) {
        wire.inject(packet);
        run();
    }

    /** Hands {@code chain} to tun0 as a received packet (the netif takes the reference) and runs the loop. */
    void input(Pbuf chain) {
        tun0.input(chain);
        run();
    }

    /** A transport payload of {@code data} in pool pbufs with header room (a chain when larger than a buffer). */
    Pbuf payload(byte[] data) {
        Pbuf p = stack.context().pbufs().allocPool(Layer.TRANSPORT, data.length);
        p.copyFrom(0, data, 0, data.length);
        return p;
    }

    /** The frames sent so far, taken off the capture. */
    List<byte[]> sent() {
        return wire.drain().stream().map(f -> f.data()).toList();
    }

    void assertNoLeaks() {
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    /** {@code bytes} cut at {@code cuts} into a chain of REF pbufs (each cut is an offset). */
    static Pbuf chain(byte[] bytes, int... cuts) {
        Pbuf head = null;
        int from = 0;
        int[] all = Arrays.copyOf(cuts, cuts.length + 1);
        all[cuts.length] = bytes.length;
        for (int cut : all) {
            Pbuf node = Pbuf.wrap(bytes, from, cut - from);
            if (head == null) {
                head = node;
            } else {
                head.concat(node);
            }
            from = cut;
        }
        return head;
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    /**
     * Checks that {@code out} is an ICMP error from us to {@code to}, of {@code type}/{@code code},
     * whose data is exactly {@code quote}; IP and ICMP checksums verified.
     */
    static void assertIcmpError(byte[] out, String to, int type, int code, byte[] quote) {
        assertEquals(0x45, out[0] & 0xff, "IP header without options");
        assertEquals(out.length, u16(out, 2), "IP total length");
        assertEquals(20 + 8 + quote.length, out.length, "header + ICMP header + quote");
        assertEquals(1, out[9], "protocol ICMP");
        assertTrue(Checksum.verifies(Checksum.partial(out, 0, 20, 0)), "IP checksum");
        assertEquals(Ip4Address.parse(US), Ip4Address.of(Arrays.copyOfRange(out, 12, 16)));
        assertEquals(Ip4Address.parse(to), Ip4Address.of(Arrays.copyOfRange(out, 16, 20)));
        assertEquals(type, out[20] & 0xff, "ICMP type");
        assertEquals(code, out[21] & 0xff, "ICMP code");
        assertTrue(Checksum.verifies(Checksum.partial(out, 20, out.length - 20, 0)), "ICMP checksum");
        assertEquals(java.util.HexFormat.of().formatHex(quote), java.util.HexFormat.of().formatHex(out, 28, out.length),
                "quoted bytes");
    }
}
