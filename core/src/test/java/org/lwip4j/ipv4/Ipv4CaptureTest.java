package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.sim.CapturedFrame;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;
import org.lwip4j.testing.SimNet;
import org.lwip4j.udp.UdpPcb;

/** IPv4 and ICMPv4 behaviour seen as exact bytes on a capturing IP netif. */
class Ipv4CaptureTest {
    private VirtualClock clock;
    private Stack stack;
    private CaptureDriver wire;
    private Netif netif;

    @BeforeEach
    void setUp() {
        clock = new VirtualClock();
        stack = Stack.create(StackConfig.builder().randomSeed(1).build(), clock);
        wire = new CaptureDriver(LinkType.IP, 1500);
        netif = stack.addNetif(wire, "tun0");
        netif.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        netif.setUp(true);
        stack.netifs().setDefault(netif);
    }

    private void run() {
        for (int i = 0; i < 10; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    /** An IPv4 packet with a correct header checksum. */
    static byte[] ipPacket(int proto, String src, String dst, int ttl, int flagsFrag, byte[] payload) {
        return Packets.ipv4(proto, src, dst, ttl, flagsFrag, payload);
    }

    static byte[] udp(int sport, int dport, byte[] data) {
        return Packets.udp(sport, dport, data);
    }

    @Test
    void portUnreachableQuotesHeaderPlusEightBytesExactly() {
        byte[] data = "hello, world, more than eight".getBytes();
        byte[] orig = ipPacket(17, "10.0.0.9", "10.0.0.1", 64, 0, udp(1111, 2222, data));
        wire.inject(orig);
        run();
        assertEquals(1, wire.count());
        byte[] out = wire.poll().data();
        // IP header of the error: from us to the sender, protocol ICMP.
        assertEquals(0x45, out[0] & 0xff);
        assertEquals(20 + 8 + 28, ((out[2] & 0xff) << 8) | (out[3] & 0xff));
        assertEquals(1, out[9]);
        assertEquals("0a000001", HexFormat.of().formatHex(out, 12, 16));
        assertEquals("0a000009", HexFormat.of().formatHex(out, 16, 20));
        assertTrue(Checksum.verifies(Checksum.partial(out, 0, 20, 0)));
        // ICMP: type 3 code 3, unused zero, then the original header and 8 bytes.
        assertEquals(3, out[20]);
        assertEquals(3, out[21]);
        assertEquals("00000000", HexFormat.of().formatHex(out, 24, 28));
        assertEquals(HexFormat.of().formatHex(orig, 0, 28), HexFormat.of().formatHex(out, 28, 56));
        assertTrue(Checksum.verifies(Checksum.partial(out, 20, 36, 0)));
    }

    @Test
    void aDatagramInCallerMemoryStillGetsItsPortUnreachable() {
        // A REF pbuf over the caller's array: the error must move back over the headers it had.
        byte[] orig = ipPacket(17, "10.0.0.9", "10.0.0.1", 64, 0, udp(1111, 2222, new byte[12]));
        assertEquals(Err.OK, netif.input(Pbuf.wrap(orig.clone())));
        run();
        assertEquals(1, wire.count());
        byte[] out = wire.poll().data();
        assertEquals(3, out[20]);
        assertEquals(3, out[21]);
        assertEquals(HexFormat.of().formatHex(orig, 0, 28), HexFormat.of().formatHex(out, 28, 56));
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    @Test
    void errorNeverQuotesMoreThanTheOriginalHas() {
        // Protocol 99 with 3 bytes of payload: the quote is 23 bytes, not 28.
        byte[] orig = ipPacket(99, "10.0.0.9", "10.0.0.1", 64, 0, new byte[] {1, 2, 3});
        wire.inject(orig);
        run();
        byte[] out = wire.poll().data();
        assertEquals(3, out[20]);
        assertEquals(2, out[21]);
        assertEquals(20 + 8 + 23, out.length);
        assertEquals(HexFormat.of().formatHex(orig), HexFormat.of().formatHex(out, 28, out.length));
    }

    @Test
    void noErrorsAboutBroadcastsFragmentsOrIcmpErrors() {
        wire.inject(ipPacket(17, "10.0.0.9", "10.0.0.255", 64, 0, udp(1, 2, new byte[4])));
        wire.inject(ipPacket(17, "10.0.0.9", "255.255.255.255", 64, 0, udp(1, 2, new byte[4])));
        byte[] icmpError = new byte[8 + 28];
        icmpError[0] = 3;
        icmpError[1] = 1;
        System.arraycopy(ipPacket(17, "10.0.0.1", "10.0.0.9", 64, 0, udp(3, 4, new byte[0])), 0, icmpError, 8, 28);
        wire.inject(ipPacket(1, "10.0.0.9", "10.0.0.1", 64, 0, withIcmpChecksum(icmpError)));
        // A non-initial fragment for an unknown protocol: no protocol unreachable either.
        wire.inject(ipPacket(99, "10.0.0.9", "10.0.0.1", 64, 0x0010, new byte[8]));
        run();
        assertEquals(0, wire.count(), "nothing sent back");
        // Reassembly holds the fragment until its timeout; without fragment 0, that sends nothing either.
        clock.advance(stack.config().ip4().reassMaxAge().plusSeconds(1));
        run();
        assertEquals(0, wire.count(), "nothing sent back when the fragment times out");
        assertEquals(0, stack.context().pbufs().poolStats().used, "the fragment was freed");
    }

    static byte[] withIcmpChecksum(byte[] m) {
        int c = Checksum.of(m, 0, m.length);
        m[2] = (byte) (c >>> 8);
        m[3] = (byte) c;
        return m;
    }

    @Test
    void loopbackNetworkNeverLeavesOrEntersANonLoopbackNetif() {
        // CONFORMANCE 28: 127/8 arriving on tun0 is dropped...
        long drops = stack.stats().ip.drop;
        wire.inject(ipPacket(17, "10.0.0.9", "127.0.0.1", 64, 0, udp(1, 2, new byte[4])));
        run();
        assertEquals(0, wire.count());
        assertEquals(drops + 1, stack.stats().ip.drop);
        // ...and UDP to 127.0.0.1 is delivered through lo, not tun0.
        UdpPcb server = stack.newUdpPcb();
        server.bind(5000);
        int[] got = {0};
        server.onReceive((pc, p, src, sp, nf) -> {
            got[0]++;
            assertEquals("lo", nf.name());
            p.free();
        });
        UdpPcb client = stack.newUdpPcb();
        Pbuf p = stack.context().pbufs().allocPool(Layer.TRANSPORT, 3);
        assertEquals(Err.OK, client.sendTo(p, Ip4Address.LOOPBACK, 5000));
        p.free();
        run();
        assertEquals(1, got[0]);
        assertEquals(0, wire.count(), "nothing on tun0");
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    /** A transport payload of {@code n} bytes in a pool pbuf with header room. */
    private Pbuf data(int n) {
        Pbuf p = stack.context().pbufs().allocPool(Layer.TRANSPORT, n);
        p.copyFrom(0, new byte[n], 0, n);
        return p;
    }

    /** A whole IPv4 packet in a pool pbuf with link header room. */
    private Pbuf packet(byte[] ip) {
        Pbuf p = stack.context().pbufs().allocPool(Layer.LINK, ip.length);
        p.copyFrom(0, ip, 0, ip.length);
        return p;
    }

    @Test
    void conformance28LoopbackDestinationNeverLeavesThroughANamedNetif() {
        // RFC 1122 §3.2.1.3 (g): 127/8 must never appear outside a host, even when the caller
        // names a non-loopback netif for it (lwIP's ip4_output_if would send it there).
        UdpPcb pcb = stack.newUdpPcb();
        long rterr = stack.stats().ip.rterr;
        for (String dst : new String[] {"127.0.0.1", "127.0.0.2", "127.255.255.255"}) {
            Pbuf p = data(3);
            assertEquals(Err.RTE, pcb.sendToIf(p, Ip4Address.parse(dst), 9, netif), dst);
            p.free();
        }
        pcb.bindNetif(netif);
        Pbuf p = data(3);
        assertEquals(Err.RTE, pcb.sendTo(p, Ip4Address.parse("127.1.2.3"), 9), "pcb bound to tun0");
        p.free();
        // A whole packet (IP_HDRINCL) handed to tun0.
        Pbuf raw = packet(ipPacket(17, "10.0.0.1", "127.0.0.1", 64, 0, udp(1, 9, new byte[2])));
        assertEquals(Err.RTE, stack.ipv4().outputPacket(raw, netif));
        raw.free();
        assertEquals(rterr + 5, stack.stats().ip.rterr);
        run();
        assertEquals(0, wire.count(), "nothing on tun0");
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    @Test
    void conformance28LoopbackDestinationWithoutLoNeverTakesTheDefaultRoute() {
        Stack noLo = Stack.create(StackConfig.builder().randomSeed(2).loopbackNetif(false).build(), clock);
        CaptureDriver tun = new CaptureDriver(LinkType.IP, 1500);
        Netif n = noLo.addNetif(tun, "tun0");
        n.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        n.setUp(true);
        noLo.netifs().setDefault(n);
        assertEquals(null, noLo.ipv4().route(Ip4Address.LOOPBACK.bits(), 0));
        UdpPcb pcb = noLo.newUdpPcb();
        Pbuf p = noLo.context().pbufs().allocPool(Layer.TRANSPORT, 3);
        assertEquals(Err.RTE, pcb.sendTo(p, Ip4Address.LOOPBACK, 9));
        assertEquals(Err.RTE, pcb.sendToIf(p, Ip4Address.LOOPBACK, 9, n));
        p.free();
        noLo.poll(clock.nanoTime());
        assertEquals(0, tun.count());
        assertEquals(List.of(), SimNet.leakedPbufs(noLo));
    }

    @Test
    void conformance28LoopbackSourceNeverLeaves() {
        long rterr = stack.stats().ip.rterr;
        Pbuf p = data(8);
        // Routed (to 10.0.0.9 over tun0) and with the netif named: refused either way.
        assertEquals(Err.RTE, stack.ipv4().output(p, 0x7f000001, 0x0a000009, 64, 0, 17, null, false));
        assertEquals(Err.RTE, stack.ipv4().output(p, 0x7f0000fe, 0x0a000009, 64, 0, 17, netif, false));
        p.free();
        Pbuf raw = packet(ipPacket(17, "127.0.0.1", "10.0.0.9", 64, 0, udp(1, 9, new byte[2])));
        assertEquals(Err.RTE, stack.ipv4().outputPacket(raw, null));
        assertEquals(Err.RTE, stack.ipv4().outputPacket(raw, netif));
        raw.free();
        // A pcb bound to 127.0.0.1 cannot reach the network.
        UdpPcb pcb = stack.newUdpPcb();
        assertEquals(Err.OK, pcb.bind(Ip4Address.LOOPBACK, 4000));
        Pbuf q = data(3);
        assertEquals(Err.RTE, pcb.sendTo(q, Ip4Address.parse("10.0.0.9"), 9));
        q.free();
        assertEquals(rterr + 4, stack.stats().ip.rterr);
        assertEquals(1, stack.stats().udp.rterr);
        run();
        assertEquals(0, wire.count(), "nothing on tun0");
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    @Test
    void conformance28LoopbackAddressesAreNeverForwarded() {
        Stack router = Stack.create(StackConfig.builder().randomSeed(4).ipForward(true).build(), clock);
        CaptureDriver in = new CaptureDriver(LinkType.IP, 1500);
        CaptureDriver out = new CaptureDriver(LinkType.IP, 1500);
        Netif tun0 = router.addNetif(in, "tun0");
        tun0.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        tun0.setUp(true);
        Netif tun1 = router.addNetif(out, "tun1");
        tun1.ip4().set(Ip4Interface.parse("10.0.1.1/24"));
        tun1.setUp(true);
        Runnable run = () -> {
            for (int i = 0; i < 5; i++) {
                router.poll(clock.nanoTime());
            }
        };
        // Control: an ordinary packet is forwarded to tun1.
        in.inject(ipPacket(17, "10.0.0.9", "10.0.1.9", 64, 0, udp(1, 9, new byte[2])));
        run.run();
        assertEquals(1, out.count());
        out.clear();
        long fw = router.stats().ip.fw;
        // 127/8 as source or destination arriving on tun0: dropped, not forwarded.
        in.inject(ipPacket(17, "127.0.0.1", "10.0.1.9", 64, 0, udp(1, 9, new byte[2])));
        in.inject(ipPacket(17, "10.0.0.9", "127.0.0.1", 64, 0, udp(1, 9, new byte[2])));
        // A packet from 127.0.0.1 that entered through lo and is for another host: RFC 1812
        // §5.3.7 forbids forwarding it.
        Netif lo = router.netifs().loopbackNetif();
        Pbuf p = router.context().pbufs().allocPool(Layer.LINK, 30);
        p.copyFrom(0, ipPacket(17, "127.0.0.1", "10.0.1.9", 64, 0, udp(1, 9, new byte[2])), 0, 30);
        assertEquals(Err.OK, router.ipv4().outputPacket(p, lo));
        p.free();
        run.run();
        assertEquals(0, out.count(), "nothing forwarded to tun1");
        assertEquals(0, in.count(), "nothing sent back on tun0");
        assertEquals(fw, router.stats().ip.fw);
        assertEquals(List.of(), SimNet.leakedPbufs(router));
    }

    @Test
    void badHeadersAreCountedNotThrown() {
        byte[] good = ipPacket(17, "10.0.0.9", "10.0.0.1", 64, 0, udp(1, 7, new byte[4]));
        byte[] badSum = good.clone();
        badSum[10] ^= 1;
        byte[] shortLen = good.clone();
        shortLen[3] = 10; // total length below the header length
        byte[] longLen = good.clone();
        longLen[2] = 0x10; // total length beyond the bytes present
        byte[] ihl4 = good.clone();
        ihl4[0] = 0x44;
        long chk = stack.stats().ip.chkerr;
        long len = stack.stats().ip.lenerr;
        wire.inject(badSum);
        wire.inject(shortLen);
        wire.inject(longLen);
        wire.inject(ihl4);
        wire.inject(new byte[] {0x45, 0});
        run();
        assertEquals(chk + 1, stack.stats().ip.chkerr);
        assertTrue(stack.stats().ip.lenerr >= len + 3);
        assertEquals(0, wire.count());
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    @Test
    void echoReplyGoesBackWithSameIdSeqAndData() {
        byte[] echo = new byte[8 + 5];
        echo[0] = 8;
        echo[4] = 0x42;
        echo[7] = 9;
        System.arraycopy("abcde".getBytes(), 0, echo, 8, 5);
        withIcmpChecksum(echo);
        wire.inject(ipPacket(1, "10.0.0.9", "10.0.0.1", 64, 0, echo));
        run();
        CapturedFrame f = wire.poll();
        byte[] out = f.data();
        assertEquals(0, out[20]);
        assertEquals(HexFormat.of().formatHex(echo, 4, 13), HexFormat.of().formatHex(out, 24, 33));
        assertTrue(Checksum.verifies(Checksum.partial(out, 20, 13, 0)));
        assertEquals("0a000009", HexFormat.of().formatHex(out, 16, 20));
    }
}
