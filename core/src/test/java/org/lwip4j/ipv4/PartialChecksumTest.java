package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.udp.UdpPcb;

/**
 * Packets whose transport checksum the sender left to the device (virtio-net
 * {@code NEEDS_CSUM}, Linux {@code CHECKSUM_PARTIAL}): trusted on local delivery, completed
 * in software when forwarded to a netif whose driver cannot, and before fragmenting.
 */
class PartialChecksumTest {
    private final VirtualClock clock = new VirtualClock();
    private Stack stack;
    private CaptureDriver left;
    private CaptureDriver right;
    private Netif in;

    @BeforeEach
    void setUp() {
        stack = Stack.create(StackConfig.builder().randomSeed(5).ipForward(true).build(), clock);
        left = new CaptureDriver(LinkType.IP, 1500);
        right = new CaptureDriver(LinkType.IP, 576);
        in = stack.addNetif(left, "tun0");
        in.ip4().set(Ip4Interface.parse("10.1.0.1/24"));
        in.setUp(true);
        Netif out = stack.addNetif(right, "tun1");
        out.ip4().set(Ip4Interface.parse("10.2.0.1/24"));
        out.setUp(true);
    }

    private void run() {
        for (int i = 0; i < 10; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    /** A UDP packet as the host's kernel hands it over with the checksum left partial: the field holds the pseudo-header sum. */
    private static Pbuf partialUdp(String src, String dst, byte[] data) {
        byte[] udp = Ipv4CaptureTest.udp(4000, 5000, data);
        int s = Ip4Address.parse(src).bits();
        int d = Ip4Address.parse(dst).bits();
        int pseudo = Checksum.fold(Checksum.pseudoHeaderV4(s, d, 17, udp.length));
        udp[6] = (byte) (pseudo >>> 8);
        udp[7] = (byte) pseudo;
        Pbuf p = Pbuf.wrap(Ipv4CaptureTest.ipPacket(17, src, dst, 64, 0, udp));
        p.setChecksumPartial(20, 6);
        return p;
    }

    private static boolean udpChecksumOk(byte[] ip) {
        int hl = (ip[0] & 0xf) * 4;
        int len = ip.length - hl;
        int s = ((ip[12] & 0xff) << 24) | ((ip[13] & 0xff) << 16) | ((ip[14] & 0xff) << 8) | (ip[15] & 0xff);
        int d = ((ip[16] & 0xff) << 24) | ((ip[17] & 0xff) << 16) | ((ip[18] & 0xff) << 8) | (ip[19] & 0xff);
        return Checksum.verifies(Checksum.partial(ip, hl, len, Checksum.pseudoHeaderV4(s, d, 17, len)));
    }

    @Test
    void aLocalPartialDatagramIsDeliveredNotDroppedForItsChecksum() {
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(5000);
        List<byte[]> got = new ArrayList<>();
        pcb.onReceive((pc, p, src, sport, nf) -> {
            got.add(p.toByteArray());
            p.free();
        });
        in.input(partialUdp("10.1.0.9", "10.1.0.1", "partial".getBytes()));
        run();
        assertEquals(1, got.size());
        assertArrayEquals("partial".getBytes(), got.get(0));
        assertEquals(0, stack.stats().udp.chkerr);
    }

    @Test
    void forwardingToANetifWithoutOffloadCompletesTheChecksum() {
        in.input(partialUdp("10.1.0.9", "10.2.0.9", "through the router".getBytes()));
        run();
        assertEquals(1, right.count());
        byte[] out = right.poll().data();
        assertEquals(63, out[8] & 0xff, "TTL decremented");
        assertTrue(udpChecksumOk(out), "the UDP checksum was completed in software");
    }

    @Test
    void aPartialDatagramIsCompletedBeforeItIsFragmented() {
        byte[] data = new byte[1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        in.input(partialUdp("10.1.0.9", "10.2.0.9", data));
        run();
        assertEquals(2, right.count(), "1028 bytes of IP payload in two fragments at MTU 576");
        byte[] f1 = right.poll().data();
        byte[] f2 = right.poll().data();
        byte[] whole = new byte[20 + (f1.length - 20) + (f2.length - 20)];
        System.arraycopy(f1, 0, whole, 0, f1.length);
        System.arraycopy(f2, 20, whole, f1.length, f2.length - 20);
        whole[2] = (byte) (whole.length >>> 8);
        whole[3] = (byte) whole.length;
        assertTrue(udpChecksumOk(whole), "the checksum over the reassembled datagram holds");
    }
}
