package org.lwip4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.conformance.Rig.hex;
import static org.lwip4j.conformance.Rig.ip;
import static org.lwip4j.conformance.Rig.ipPacket;
import static org.lwip4j.conformance.Rig.udp;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.udp.UdpPcb;

/** RFC 1122 §4.1 and RFC 768 (UDP) on a capturing bare-IP netif tun0, 10.0.0.1/24; the peer is 10.0.0.9. */
class Rfc1122UdpTest {
    private final Rig rig = new Rig();
    private final CaptureDriver tun0 = rig.tun("tun0", "10.0.0.1/24", 1500);

    /** A UDP datagram 10.0.0.9:1 -> 10.0.0.1:{@code dport} with a correct checksum. */
    private static byte[] checksummed(int dport, byte[] data) {
        byte[] u = udp(1, dport, data);
        byte[] pseudo = new byte[12 + u.length];
        System.arraycopy(ip("10.0.0.9").toBytes(), 0, pseudo, 0, 4);
        System.arraycopy(ip("10.0.0.1").toBytes(), 0, pseudo, 4, 4);
        pseudo[9] = 17;
        pseudo[10] = (byte) (u.length >>> 8);
        pseudo[11] = (byte) u.length;
        System.arraycopy(u, 0, pseudo, 12, u.length);
        int c = Checksum.of(pseudo, 0, pseudo.length);
        c = c == 0 ? 0xffff : c;
        u[6] = (byte) (c >>> 8);
        u[7] = (byte) c;
        return u;
    }

    @Test
    void s4_1_3_4_checksumIsOnByDefaultAndMayBeTurnedOffBySender() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        rig.send(pcb, new byte[] {1, 2, 3}, ip("10.0.0.9"), 9);
        byte[] out = tun0.poll().data();
        assertTrue(Rig.u16(out, 26) != 0, "a checksum");
        byte[] pseudo = new byte[12 + out.length - 20];
        System.arraycopy(out, 12, pseudo, 0, 8);
        pseudo[9] = 17;
        pseudo[11] = (byte) (out.length - 20);
        System.arraycopy(out, 20, pseudo, 12, out.length - 20);
        assertTrue(Checksum.verifies(Checksum.partial(pseudo, 0, pseudo.length, 0)), "that verifies");
        pcb.setNoChecksum(true);
        rig.send(pcb, new byte[] {1, 2, 3}, ip("10.0.0.9"), 9);
        assertEquals(0, Rig.u16(tun0.poll().data(), 26), "none when the application says so");
    }

    @Test
    void s4_1_3_4_aBadChecksumIsSilentlyDiscarded() {
        List<byte[]> got = new ArrayList<>();
        rig.udpSink(7, got);
        long chk = rig.stack.stats().udp.chkerr;
        byte[] good = checksummed(7, new byte[] {1, 2, 3});
        byte[] bad = good.clone();
        bad[8] ^= 0x40;
        byte[] badClosed = checksummed(8, new byte[] {1, 2, 3});
        badClosed[8] ^= 0x40;
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.0.1", 64, bad));
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.0.1", 64, badClosed));
        assertEquals(List.of(), got);
        assertEquals(0, tun0.count(), "not even a port unreachable");
        assertEquals(chk + 2, rig.stack.stats().udp.chkerr);
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.0.1", 64, good));
        assertEquals(1, got.size(), "control: the good one is delivered");
        rig.assertNoLeaks();
    }

    @Test
    void s4_1_4_ttlAndTosOfTheApplicationReachTheWire() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        pcb.setTtl(5);
        pcb.setTos(0xb8);
        rig.send(pcb, new byte[1], ip("10.0.0.9"), 9);
        byte[] out = tun0.poll().data();
        assertEquals(0xb8, out[1] & 0xff, "TOS");
        assertEquals(5, out[8], "TTL");
        assertTrue(Checksum.verifies(Checksum.partial(out, 0, 20, 0)));
    }

    @Test
    void rfc768_theLengthFieldDelimitsTheDatagram() {
        List<byte[]> got = new ArrayList<>();
        rig.udpSink(7, got);
        long lenerr = rig.stack.stats().udp.lenerr;
        // Longer than the IP payload, or shorter than the header: dropped, never answered.
        byte[] tooLong = udp(1, 7, new byte[4]);
        tooLong[5] = 13;
        byte[] tooShort = udp(1, 8, new byte[4]);
        tooShort[5] = 7;
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.0.1", 64, tooLong));
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.0.1", 64, tooShort));
        assertEquals(List.of(), got);
        assertEquals(0, tun0.count());
        assertEquals(lenerr + 2, rig.stack.stats().udp.lenerr);
        // Bytes past the length field are not data; source port 0 ("not used") is fine.
        byte[] padded = udp(0, 7, new byte[] {9, 8, 7, 6});
        padded[5] = 10;
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.0.1", 64, padded));
        assertEquals(1, got.size());
        assertEquals("0908", hex(got.get(0), 0, got.get(0).length));
        rig.assertNoLeaks();
    }
}
