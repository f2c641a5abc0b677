package org.lwip4j.ipv6;

import static org.lwip4j.ipv6.Packets6.cat;
import static org.lwip4j.ipv6.Packets6.icmpv6;
import static org.lwip4j.ipv6.Packets6.ipv6;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/** One stack on a capture driver, with router advertisements, redirects and other ND messages built by hand. */
final class Nd6Fixture implements AutoCloseable {
    static final String ROUTER = "fe80::1";
    static final long ROUTER_MAC = 0x0200_0000_0001L;
    static final long ALL_NODES_MAC = 0x3333_0000_0001L;

    final VirtualClock clock = new VirtualClock();
    final Stack stack;
    final CaptureDriver wire;
    final Netif netif;
    final List<String> events = new ArrayList<>();

    Nd6Fixture(Consumer<StackConfig.Builder> tweak) {
        StackConfig.Builder b = StackConfig.builder().randomSeed(5);
        tweak.accept(b);
        stack = Stack.create(b.build(), clock);
        wire = new CaptureDriver();
        netif = stack.addNetif(wire, "eth0", MacAddress.parse("02:00:00:aa:bb:cc"));
        netif.ip6().addListener((n, e, ev) -> events.add(ev + " " + e.origin() + " " + e.address().withZone(0)));
        netif.setUp(true);
        stack.netifs().setDefault(netif);
    }

    @Override
    public void close() {
        stack.close();
    }

    void run() {
        for (int i = 0; i < 10; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    /** Advances virtual time in steps of one second (of a 600th of a long span), running the stack at each. */
    void advance(Duration d) {
        long left = d.toNanos();
        long max = Math.max(1_000_000_000L, left / 600);
        while (left > 0) {
            long step = Math.min(left, max);
            clock.advance(Duration.ofNanos(step));
            run();
            left -= step;
        }
    }

    void inject(long dstMac, long srcMac, byte[] packet) {
        wire.inject(Packets6.ethernet(dstMac, srcMac, packet));
        run();
    }

    /** Injects a router advertisement from {@code src} to all-nodes with hop limit {@code hops}. */
    void ra(String src, int hops, byte[] ra) {
        inject(ALL_NODES_MAC, ROUTER_MAC, ipv6(58, src, "ff02::1", hops, ra));
    }

    void ra(byte[] ra) {
        ra(ROUTER, 255, ra);
    }

    /** A router advertisement's ICMPv6 message from {@code src} to all-nodes. */
    static byte[] raMsg(String src, int curHop, int flags, int lifetime, long reachableMs, long retransMs, byte[]... options) {
        byte[] fixed = new byte[8];
        put32(fixed, 0, reachableMs);
        put32(fixed, 4, retransMs);
        return icmpv6(134, 0, curHop << 24 | flags << 16 | lifetime, cat(fixed, cat(options)), src, "ff02::1");
    }

    static byte[] raMsg(int lifetime, byte[]... options) {
        return raMsg(ROUTER, 0, 0, lifetime, 0, 0, options);
    }

    /** A prefix information option (RFC 4861 §4.6.2). */
    static byte[] pio(String prefix, int len, int flags, long valid, long preferred) {
        byte[] o = new byte[32];
        o[0] = 3;
        o[1] = 4;
        o[2] = (byte) len;
        o[3] = (byte) flags;
        put32(o, 4, valid);
        put32(o, 8, preferred);
        System.arraycopy(Ip6Address.parse(prefix).toBytes(), 0, o, 16, 16);
        return o;
    }

    static byte[] mtu(long mtu) {
        byte[] o = new byte[8];
        o[0] = 5;
        o[1] = 1;
        put32(o, 4, mtu);
        return o;
    }

    static byte[] sllao(long mac) {
        byte[] o = new byte[8];
        o[0] = 1;
        o[1] = 1;
        for (int i = 0; i < 6; i++) {
            o[2 + i] = (byte) (mac >>> (40 - 8 * i));
        }
        return o;
    }

    static void put32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** The stack's RFC 7217 secret key, read back. */
    byte[] secret() {
        try {
            var f = NeighborDiscovery.class.getDeclaredField("secretKey");
            f.setAccessible(true);
            return (byte[]) f.get(stack.ipv6().nd());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    RouterDiscovery rd() {
        return stack.ipv6().nd().routers();
    }

    /** The SLAAC address of the netif in prefix {@code hi}, or {@code null}. */
    Ip6Addresses.Entry slaac(String prefix) {
        long hi = Ip6Address.parse(prefix).hi();
        for (Ip6Addresses.Entry e : netif.ip6().all()) {
            if (e.origin() == Ip6Addresses.Origin.SLAAC && e.address().hi() == hi) {
                return e;
            }
        }
        return null;
    }

    /** Frames sent of ICMPv6 {@code type} (drained). */
    List<byte[]> sent(int type) {
        List<byte[]> out = new ArrayList<>();
        for (var f : wire.drain()) {
            byte[] d = f.data();
            if (d.length > 14 + 40 && (d[12] & 0xff) == 0x86 && (d[13] & 0xff) == 0xdd && d[14 + 6] == 58
                    && (d[14 + 40] & 0xff) == type) {
                out.add(d);
            }
        }
        return out;
    }
}
