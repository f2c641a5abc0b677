package org.lwip4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.SimNet;
import org.lwip4j.udp.UdpPcb;

/**
 * The audit's test bench: one stack on a virtual clock with capturing netifs the test adds
 * (bare IP or Ethernet), packet builders written out field by field, independent of the
 * code under test, and readers for what the stack sent.
 */
final class Rig {
    static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:01");
    static final long PEER_MAC = 0x020000000009L;
    static final long BROADCAST_MAC = 0xffffffffffffL;

    final VirtualClock clock = new VirtualClock();
    final Stack stack;

    Rig(Consumer<StackConfig.Builder> tweak) {
        // The RFC 1122/1812 rig is IPv4: no IPv6 link-local address, whose DAD NS would be
        // frames on the wires these tests count.
        StackConfig.Builder b = StackConfig.builder().randomSeed(11).ip6LinkLocal(false);
        tweak.accept(b);
        stack = Stack.create(b.build(), clock);
    }

    Rig() {
        this(b -> { });
    }

    /** Adds a bare-IP capturing netif with {@code cidr}, up; the first one added is the default netif. */
    CaptureDriver tun(String name, String cidr, int mtu) {
        CaptureDriver d = new CaptureDriver(LinkType.IP, mtu);
        attach(stack.addNetif(d, name), cidr);
        return d;
    }

    /** Adds an Ethernet capturing netif (MAC {@link #OUR_MAC}) with {@code cidr}, up, and forgets its announcement. */
    CaptureDriver eth(String name, String cidr) {
        CaptureDriver d = new CaptureDriver();
        attach(stack.addNetif(d, name, OUR_MAC), cidr);
        run();
        d.clear();
        return d;
    }

    /** As {@link #eth}, with a static ARP entry mapping {@code peer} to {@link #PEER_MAC}. */
    CaptureDriver eth(String name, String cidr, String peer) {
        CaptureDriver d = eth(name, cidr);
        assertEquals(Err.OK, stack.arp().addStatic(netif(name), ip(peer), new MacAddress(PEER_MAC)));
        return d;
    }

    private void attach(Netif n, String cidr) {
        n.ip4().set(Ip4Interface.parse(cidr));
        n.setUp(true);
        if (stack.netifs().defaultNetif() == null) {
            stack.netifs().setDefault(n);
        }
    }

    Netif netif(String name) {
        for (Netif n : stack.netifs().all()) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** Runs a few loop turns at the current time. */
    void run() {
        for (int i = 0; i < 5; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    void advanceSeconds(int s) {
        clock.advance(s * 1_000_000_000L);
        run();
    }

    /** Injects {@code frame} on {@code d} and runs the loop. */
    void inject(CaptureDriver d, byte[] frame) {
        d.inject(frame);
        run();
    }

    /** The frames {@code d} sent so far, taken off the capture. */
    static List<byte[]> sent(CaptureDriver d) {
        List<byte[]> out = new ArrayList<>();
        d.drain().forEach(f -> out.add(f.data()));
        return out;
    }

    void assertNoLeaks() {
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    /** A UDP pcb bound to {@code port} that records every payload it receives. */
    UdpPcb udpSink(int port, List<byte[]> got) {
        UdpPcb pcb = stack.newUdpPcb();
        assertEquals(Err.OK, pcb.bind(port));
        pcb.onReceive((pc, p, src, sp, nf) -> {
            got.add(p.toByteArray());
            p.free();
        });
        return pcb;
    }

    /** A transport payload of {@code data} in a pool pbuf with header room. */
    Pbuf payload(byte[] data) {
        Pbuf p = stack.context().pbufs().allocPool(Layer.TRANSPORT, data.length);
        p.copyFrom(0, data, 0, data.length);
        return p;
    }

    /** Sends {@code data} from {@code pcb} to {@code dst:port}; the result. */
    Err send(UdpPcb pcb, byte[] data, IpAddress dst, int port) {
        Pbuf p = payload(data);
        Err e = pcb.sendTo(p, dst, port);
        p.free();
        run();
        return e;
    }

    // ------------------------------------------------------------------ packet builders

    static Ip4Address ip(String s) {
        return Ip4Address.parse(s);
    }

    /** An IPv4 packet with {@code options} (a multiple of 4 bytes), TOS, TTL, flags/offset and a correct header checksum. */
    static byte[] ipPacket(int proto, String src, String dst, int tos, int ttl, int flagsFrag, byte[] options,
            byte[] payload) {
        int hl = 20 + options.length;
        byte[] p = new byte[hl + payload.length];
        p[0] = (byte) (0x40 | hl / 4);
        p[1] = (byte) tos;
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        p[4] = 0x12;
        p[5] = 0x34;
        p[6] = (byte) (flagsFrag >>> 8);
        p[7] = (byte) flagsFrag;
        p[8] = (byte) ttl;
        p[9] = (byte) proto;
        System.arraycopy(ip(src).toBytes(), 0, p, 12, 4);
        System.arraycopy(ip(dst).toBytes(), 0, p, 16, 4);
        System.arraycopy(options, 0, p, 20, options.length);
        int c = Checksum.of(p, 0, hl);
        p[10] = (byte) (c >>> 8);
        p[11] = (byte) c;
        System.arraycopy(payload, 0, p, hl, payload.length);
        return p;
    }

    static byte[] ipPacket(int proto, String src, String dst, int ttl, byte[] payload) {
        return ipPacket(proto, src, dst, 0, ttl, 0, new byte[0], payload);
    }

    /** A UDP header and {@code data}, checksum 0 (none, RFC 768). */
    static byte[] udp(int sport, int dport, byte[] data) {
        return org.lwip4j.testing.Packets.udp(sport, dport, data);
    }

    /** An ICMP message of {@code type}/{@code code} with the 4 bytes after the checksum {@code rest} and {@code body}, checksummed. */
    static byte[] icmp(int type, int code, int rest, byte[] body) {
        return org.lwip4j.testing.Packets.icmp(type, code, rest, body);
    }

    /** An echo request with identifier {@code id}, sequence {@code seq} and {@code data}. */
    static byte[] echo(int id, int seq, byte[] data) {
        return icmp(8, 0, (id << 16) | seq, data);
    }

    /** An Ethernet II frame from {@link #PEER_MAC} to {@code dstMac} carrying IPv4 {@code packet}. */
    static byte[] ethernet(long dstMac, byte[] packet) {
        byte[] f = new byte[14 + packet.length];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) (dstMac >>> (40 - 8 * i));
            f[6 + i] = (byte) (PEER_MAC >>> (40 - 8 * i));
        }
        f[12] = 0x08;
        f[13] = 0x00;
        System.arraycopy(packet, 0, f, 14, packet.length);
        return f;
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    static String hex(byte[] b, int from, int to) {
        return HexFormat.of().formatHex(b, from, to);
    }

    static String addr(byte[] packet, int off) {
        return Ip4Address.of(java.util.Arrays.copyOfRange(packet, off, off + 4)).toString();
    }

    /**
     * Checks that {@code out} is an ICMP error from {@code from} to {@code to} of
     * {@code type}/{@code code} with TOS 0, whose data after the 8-byte ICMP header is
     * exactly {@code quote}; both checksums verified.
     */
    static void assertIcmpError(byte[] out, String from, String to, int type, int code, byte[] quote) {
        assertEquals(0x45, out[0] & 0xff, "IP header without options");
        assertEquals(0, out[1], "TOS 0 (RFC 1122 §3.2.2)");
        assertEquals(out.length, u16(out, 2), "IP total length");
        assertEquals(1, out[9], "protocol ICMP");
        assertTrue(Checksum.verifies(Checksum.partial(out, 0, 20, 0)), "IP checksum");
        assertEquals(from, addr(out, 12), "source");
        assertEquals(to, addr(out, 16), "destination");
        assertEquals(type, out[20] & 0xff, "ICMP type");
        assertEquals(code, out[21] & 0xff, "ICMP code");
        assertTrue(Checksum.verifies(Checksum.partial(out, 20, out.length - 20, 0)), "ICMP checksum");
        assertEquals(HexFormat.of().formatHex(quote), hex(out, 28, out.length), "quoted bytes");
    }
}
