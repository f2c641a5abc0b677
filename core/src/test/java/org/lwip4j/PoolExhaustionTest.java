package org.lwip4j;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PoolStats;
import org.lwip4j.ipv4.Ipv4CaptureTestAccess;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.ErrException;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.SimNet;
import org.lwip4j.udp.UdpPcb;

/**
 * "Pool exhaustion is counted, not thrown" (CONFORMANCE, test harness): with every
 * {@code PBUF_POOL} buffer taken, each layer that needs one refuses with {@link Err#MEM}
 * and counts it ({@code memerr}, {@code drop}, the pool's {@code err}), sends nothing
 * half-made, leaks nothing and throws nothing; once the buffers come back the stack works
 * again.
 */
class PoolExhaustionTest {
    private static final int POOL = 16;

    private VirtualClock clock;
    private Stack stack;
    private CaptureDriver tun;
    private CaptureDriver eth;
    private Netif tun0;
    private final List<Pbuf> held = new ArrayList<>();

    @BeforeEach
    void setUp() {
        clock = new VirtualClock();
        // No IPv6 link-local address: its DAD NS would be one more frame on the Ethernet wire
        // this IPv4 test counts.
        stack = Stack.create(StackConfig.builder().randomSeed(11).pbufPoolSize(POOL).ip6LinkLocal(false).build(), clock);
        tun = new CaptureDriver(LinkType.IP, 1500);
        eth = new CaptureDriver(LinkType.ETHERNET, 1500);
        tun0 = SimNet.attach(stack, tun, "tun0", "10.0.0.1/24");
        SimNet.attach(stack, eth, "eth0", "192.168.1.1/24");
        tun.clear();
        eth.clear();                                   // eth0's announcement
    }

    @AfterEach
    void nothingLeaks() {
        release();
        run();
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
        for (PoolStats p : stack.stats().pools()) {
            assertEquals(0, p.illegal, p.name);
        }
    }

    private void run() {
        for (int i = 0; i < 5; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    /** Takes every pool buffer. */
    private void exhaust() {
        Pbuf p;
        while ((p = stack.context().pbufs().allocPool(Layer.RAW, 1)) != null) {
            held.add(p);
        }
        assertEquals(POOL, pool().used);
    }

    private void release() {
        held.forEach(Pbuf::free);
        held.clear();
    }

    private PoolStats pool() {
        return stack.stats().pool("PBUF_POOL");
    }

    /** A RAM payload with transport header room: sending it needs no pool buffer of its own. */
    private Pbuf ramPayload(int n) {
        Pbuf p = stack.context().pbufs().allocRam(Layer.TRANSPORT, n);
        p.copyFrom(0, new byte[n], 0, n);
        return p;
    }

    /** A heap pbuf (no pool) holding a packet received on tun0. */
    private void receive(byte[] ip) {
        assertDoesNotThrow(() -> tun0.input(Pbuf.copyOf(ip, 0)));
        run();
    }

    @Test
    void everyLayerCountsAndRefusesWithoutThrowing() {
        exhaust();
        ProtoStats link = stack.stats().link;
        ProtoStats udp = stack.stats().udp;
        ProtoStats icmp = stack.stats().icmp;
        ProtoStats ipfrag = stack.stats().ipfrag;
        ProtoStats etharp = stack.stats().etharp;
        long poolErr = pool().err;

        // A driver has nowhere to put a received frame.
        assertEquals(Err.MEM, tun.inject(Ipv4CaptureTestAccess.udpPacket("10.0.0.9", "10.0.0.1", 1, 9, new byte[4])));
        assertEquals(1, link.memerr);
        assertEquals(1, link.drop);
        assertEquals(1, tun0.counters().inDiscards);

        // A datagram to a closed port: the port unreachable cannot be built.
        receive(Ipv4CaptureTestAccess.udpPacket("10.0.0.9", "10.0.0.1", 1, 9, new byte[4]));
        assertEquals(1, udp.proterr);
        assertEquals(1, icmp.memerr);

        // UDP with a payload that has no header room: no pbuf for the header.
        UdpPcb pcb = stack.newUdpPcb();
        assertEquals(Err.OK, pcb.bind(4000));
        Pbuf ref = Pbuf.wrap(new byte[10]);
        assertEquals(Err.MEM, pcb.sendTo(ref, Ip4Address.parse("10.0.0.9"), 9));
        ref.free();
        assertEquals(1, udp.memerr);

        // Fragmentation: no pbuf for the first fragment.
        Pbuf big = ramPayload(4000);
        assertEquals(Err.MEM, pcb.sendTo(big, Ip4Address.parse("10.0.0.9"), 9));
        assertEquals(1, ipfrag.memerr);

        // ARP: neither the copy to queue nor the request can be made.
        Pbuf small = ramPayload(10);
        assertEquals(Err.MEM, pcb.sendTo(small, Ip4Address.parse("192.168.1.2"), 9));
        assertEquals(2, etharp.memerr, "the queued copy and the request");
        assertEquals(2, etharp.drop);
        assertEquals(0, stack.stats().pool("ARP_QUEUE").used);

        // Loopback: no pbuf for the looped copy.
        long linkMem = link.memerr;
        assertEquals(Err.MEM, pcb.sendTo(small, Ip4Address.LOOPBACK, 9));
        assertEquals(linkMem + 1, link.memerr);

        // An echo reply is built in the request's own pbuf: it still goes out.
        byte[] echo = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g'};
        int c = Checksum.of(echo, 0, echo.length);
        echo[2] = (byte) (c >>> 8);
        echo[3] = (byte) c;
        receive(ipv4(1, "10.0.0.9", "10.0.0.1", echo));
        assertEquals(1, tun.count(), "the echo reply");
        assertEquals(0, tun.poll().data()[20], "type echo reply");

        assertEquals(0, eth.count() + tun.count(), "nothing half-made on any wire");
        assertTrue(pool().err > poolErr, "the pool counted its refusals");
        assertEquals(POOL, pool().used, "no buffer taken or lost by the refusals");

        // Buffers back: the same sends work.
        release();
        assertEquals(Err.OK, pcb.sendTo(big, Ip4Address.parse("10.0.0.9"), 9));
        assertEquals(3, tun.drain().size(), "4008 bytes at MTU 1500");
        assertEquals(Err.OK, pcb.sendTo(small, Ip4Address.parse("192.168.1.2"), 9));
        assertEquals(1, stack.stats().pool("ARP_QUEUE").used, "the datagram waits for ARP");
        // The entry made while the pool was empty could not send its request; as in lwIP the
        // retry timer sends the next one, one retry interval after the first attempt.
        assertEquals(0, eth.count());
        clock.advance(stack.config().arp().retryInterval());
        run();
        assertEquals(1, eth.drain().size(), "the ARP request");
        big.free();
        small.free();
        receive(Ipv4CaptureTestAccess.udpPacket("10.0.0.9", "10.0.0.1", 1, 9, new byte[4]));
        assertEquals(1, tun.drain().size(), "port unreachable");
        stack.arp().flush(stack.netifs().byName("eth0"));
    }

    @Test
    void broadcastCopiesForReusePcbsAreCountedWhenThePoolIsEmpty() {
        int[] got = new int[2];
        for (int i = 0; i < 2; i++) {
            int k = i;
            UdpPcb p = stack.newUdpPcb();
            p.setReuseAddress(true);
            assertEquals(Err.OK, p.bind(67));
            p.onReceive((pc, q, src, sp, nf) -> {
                got[k]++;
                q.free();
            });
        }
        exhaust();
        receive(Ipv4CaptureTestAccess.udpPacket("10.0.0.9", "255.255.255.255", 68, 67, new byte[4]));
        assertEquals(1, got[0] + got[1], "the best match still gets the datagram itself");
        assertEquals(1, stack.stats().udp.memerr, "the copy for the other pcb could not be made");
    }

    @Test
    void anApplicationPbufFromAnEmptyPoolIsAnErrExceptionNotANull() {
        Stack small = Stack.create(StackConfig.builder().randomSeed(13).pbufPoolSize(2).build(), clock);
        Pbuf a = small.pbuf(new byte[10]);
        Pbuf b = small.pbuf(new byte[10]);
        assertEquals(Err.MEM, assertThrows(ErrException.class, () -> small.pbuf(new byte[10])).err());
        a.free();
        b.free();
        assertEquals(List.of(), SimNet.leakedPbufs(small));
    }

    @Test
    void ramAndPcbPoolsRefuseTooAndCount() {
        Stack small = Stack.create(StackConfig.builder().randomSeed(12).memSize(4096).memNumUdpPcb(1).build(), clock);
        assertNull(small.context().pbufs().allocRam(Layer.RAW, 5000));
        assertEquals(1, small.stats().pool("MEM_RAM").err);
        UdpPcb one = small.newUdpPcb();
        ErrException e = assertThrows(ErrException.class, small::newUdpPcb);
        assertEquals(Err.MEM, e.err());
        assertEquals(1, small.stats().pool("UDP_PCB").err);
        one.close();
        assertEquals(List.of(), SimNet.leakedPbufs(small));
    }

    private static byte[] ipv4(int proto, String src, String dst, byte[] payload) {
        byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = (byte) proto;
        System.arraycopy(Ip4Address.parse(src).toBytes(), 0, p, 12, 4);
        System.arraycopy(Ip4Address.parse(dst).toBytes(), 0, p, 16, 4);
        int c = Checksum.of(p, 0, 20);
        p[10] = (byte) (c >>> 8);
        p[11] = (byte) c;
        System.arraycopy(payload, 0, p, 20, payload.length);
        return p;
    }
}
