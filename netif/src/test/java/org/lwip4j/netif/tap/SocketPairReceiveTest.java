package org.lwip4j.netif.tap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.testing.Frames;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.SimNet;

/** The TAP/TUN receive and transmit paths over a socket pair standing in for the device. */
class SocketPairReceiveTest {
    private static final long OUR_MAC = 0x020000000001L;
    private static final long PEER_MAC = 0x020000000002L;
    private static final int OUR_IP = 0x0a000001;
    private static final int PEER_IP = 0x0a000002;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    private final VirtualClock clock = new VirtualClock();
    private final Stack stack = Stack.create(StackConfig.builder().ipForward(true).build(), clock);
    private final FramePipe tapDev = FramePipe.open("sp-tap", Tuntap.Mode.TAP, true);
    private final FramePipe tunDev = FramePipe.open("sp-tun", Tuntap.Mode.TUN, true);
    private TapDriver tap;
    private Netif tapNetif;

    private void setUp() throws TuntapException {
        tap = TapDriver.of(tapDev.device(), TuntapOptions.builder().vnetHeader(true).build());
        tapNetif = stack.addNetif(tap, "tap0", MacAddress.parse("02:00:00:00:00:01"));
        tapNetif.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        tapNetif.setUp(true);
        Netif tun = stack.addNetif(TunDriver.of(tunDev.device(), TuntapOptions.builder().vnetHeader(true).build()), "tun1");
        tun.ip4().set(Ip4Interface.parse("10.1.0.1/16"));
        tun.setUp(true);
        turns();
        tapDev.drain(); // the gratuitous ARP of the new address
        tunDev.drain();
    }

    @AfterEach
    void tearDown() {
        stack.close();
        tapDev.close();
        tunDev.close();
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    private void turns() {
        for (int i = 0; i < 4; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    private static byte[] header(int flags, int gsoType, int gsoSize, int csumStart, int csumOffset) {
        byte[] h = new byte[VirtioNetHeader.SIZE];
        MemorySegment m = MemorySegment.ofArray(h);
        h[0] = (byte) flags;
        h[1] = (byte) gsoType;
        m.set(U16, 4, (short) gsoSize);
        m.set(U16, 6, (short) csumStart);
        m.set(U16, 8, (short) csumOffset);
        return h;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void anArpRequestThroughTheDeviceIsAnswered() throws Exception {
        setUp();
        assertTrue(tapDev.send(concat(new byte[VirtioNetHeader.SIZE], Frames.arpRequest(PEER_MAC, PEER_IP, OUR_IP))));
        turns();
        byte[] out = tapDev.receive();
        assertNotNull(out, "the stack answered");
        assertArrayEquals(new byte[VirtioNetHeader.SIZE], Arrays.copyOf(out, VirtioNetHeader.SIZE), "a plain header");
        assertTrue(Frames.isArpReply(Arrays.copyOfRange(out, VirtioNetHeader.SIZE, out.length), PEER_MAC, OUR_IP));
        assertEquals(1, tap.stats().rxFrames);
    }

    @Test
    void aFrameShorterThanItsHeaderIsCountedAndDropped() throws Exception {
        setUp();
        assertTrue(tapDev.send(new byte[VirtioNetHeader.SIZE - 3]));
        assertTrue(tapDev.send(new byte[VirtioNetHeader.SIZE]));
        turns();
        assertEquals(2, tap.stats().rxLengthErrors);
        assertEquals(0, tap.stats().rxFrames);
        assertEquals(0, tapNetif.counters().inPackets);
        assertNull(tapDev.receive());
    }

    /**
     * A frame from the device whose partial checksum starts inside its Ethernet header (a
     * header no honest kernel writes): forwarded to a TUN, the checksum start counted from the
     * IP header is negative. The encoder must neither throw nor pass it on.
     */
    @Test
    void aForwardedFrameWithAChecksumStartBeforeItsIpHeaderIsDroppedAndCounted() throws Exception {
        setUp();
        byte[] udp = new byte[8 + 4];
        udp[1] = 9;
        udp[3] = 9;
        udp[5] = (byte) udp.length;
        byte[] ip = Frames.ipv4(PEER_IP, 0x0a010005, 17, udp);
        byte[] eth = Frames.ethernet(OUR_MAC, PEER_MAC, 0x0800, ip);
        // csum_start 2: counted from the IP header, -12. (No GSO: a super-packet would be cut
        // and checksummed afresh by the stack, since this TUN takes no GSO frames.)
        assertTrue(tapDev.send(concat(header(VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_NONE, 0, 2, 6), eth)));
        turns();
        assertEquals(0, stack.loop().failedSources() + stack.loop().failedTasks(), "nothing threw on the loop");
        assertEquals(1, tapNetif.counters().inPackets);
        assertNull(tunDev.receive(), "not passed on with a header the kernel cannot use");
        assertEquals(1, ((TunDriver) stack.netifs().byName("tun1").driver()).stats().txErrors, "counted");
    }

    /**
     * As above with TCP segmentation: the TUN takes no GSO frames, so the stack cuts the
     * super-packet itself and computes each segment's checksum afresh; the bogus checksum
     * start never reaches the encoder, and what leaves is a plain, correct segment.
     */
    @Test
    void aForwardedTcpGsoFrameWithAChecksumStartFarBeforeItsIpHeaderLeavesAsAPlainSegment() throws Exception {
        setUp();
        byte[] tcp = new byte[20];
        tcp[12] = 0x50;
        byte[] eth = Frames.ethernet(OUR_MAC, PEER_MAC, 0x0800, Frames.ipv4(PEER_IP, 0x0a010005, 6, tcp));
        // csum_start 0: counted from the IP header, -14; the TCP data offset would be read at -2.
        assertTrue(tapDev.send(concat(header(VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV4, 1000, 0, 16), eth)));
        turns();
        assertEquals(0, stack.loop().failedSources() + stack.loop().failedTasks(), "nothing threw on the loop");
        byte[] out = tunDev.receive();
        assertEquals(VirtioNetHeader.SIZE + 40, out.length);
        for (int i = 0; i < VirtioNetHeader.SIZE; i++) {
            assertEquals(0, out[i], "no offload asked of the kernel");
        }
        long pseudo = org.lwip4j.buffer.Checksum.pseudoHeaderV4(PEER_IP, 0x0a010005, 6, 20);
        assertTrue(org.lwip4j.buffer.Checksum.verifies(
                org.lwip4j.buffer.Checksum.partial(out, VirtioNetHeader.SIZE + 20, 20, pseudo)), "TCP checksum computed afresh");
        assertEquals(0, ((TunDriver) stack.netifs().byName("tun1").driver()).stats().txErrors);
    }
}
