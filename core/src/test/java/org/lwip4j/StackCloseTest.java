package org.lwip4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip4Address;
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
import org.lwip4j.udp.UdpPcb;

/**
 * Closing a stack gives back every pbuf it holds, wherever it waits; the pbuf leak check
 * fails each test here that leaves one behind.
 */
class StackCloseTest {
    private final VirtualClock clock = new VirtualClock();
    private final Stack stack = Stack.create(StackConfig.builder().randomSeed(1).build(), clock);

    private Netif attach(CaptureDriver wire) {
        Netif n = stack.addNetif(wire, "if0");
        n.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        n.setUp(true);
        stack.netifs().setDefault(n);
        return n;
    }

    private Pbuf payload(int n) {
        Pbuf p = stack.context().pbufs().allocPool(Layer.TRANSPORT, n);
        p.copyFrom(0, new byte[n], 0, n);
        return p;
    }

    @Test
    void aPacketWaitingForArpIsFreed() {
        CaptureDriver wire = new CaptureDriver();
        attach(wire);
        UdpPcb pcb = stack.newUdpPcb();
        Pbuf p = payload(10);
        assertEquals(Err.OK, pcb.sendTo(p, Ip4Address.parse("10.0.0.9"), 7));
        p.free();
        stack.poll(clock.nanoTime());
        assertEquals(0x0806, wire.frames().getLast().u16(12), "the ARP request is out, the datagram waits");
        stack.close();
    }

    @Test
    void aPacketToOurOwnAddressNotYetLoopedBackIsFreed() {
        attach(new CaptureDriver(LinkType.IP, 1500));
        UdpPcb pcb = stack.newUdpPcb();
        Pbuf p = payload(10);
        assertEquals(Err.OK, pcb.sendTo(p, Ip4Address.parse("10.0.0.1"), 7));
        p.free();
        stack.close();
    }

    @Test
    void aFragmentAwaitingReassemblyIsFreed() {
        CaptureDriver wire = new CaptureDriver(LinkType.IP, 1500);
        attach(wire);
        byte[] frag = new byte[28];
        frag[0] = 0x45;
        frag[3] = 28;
        frag[7] = 0x10; // fragment offset 16 (128 bytes), last fragment
        frag[8] = 64;
        frag[9] = 99;
        System.arraycopy(Ip4Address.parse("10.0.0.9").toBytes(), 0, frag, 12, 4);
        System.arraycopy(Ip4Address.parse("10.0.0.1").toBytes(), 0, frag, 16, 4);
        int c = Checksum.of(frag, 0, 20);
        frag[10] = (byte) (c >>> 8);
        frag[11] = (byte) c;
        assertEquals(Err.OK, wire.inject(frag));
        stack.poll(clock.nanoTime());
        assertEquals(1, stack.ipv4().reassembly().pendingDatagrams());
        stack.close();
    }

    @Test
    void aFrameQueuedFromAnotherThreadIsFreed() throws InterruptedException {
        Netif n = attach(new CaptureDriver(LinkType.IP, 1500));
        stack.start();
        Pbuf frame = stack.call(() -> payload(40));
        Thread driver = new Thread(() -> n.input(frame), "driver");
        driver.start();
        driver.join();
        stack.close();
    }
}
