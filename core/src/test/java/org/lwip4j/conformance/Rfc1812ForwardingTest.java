package org.lwip4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.conformance.Rig.hex;
import static org.lwip4j.conformance.Rig.icmp;
import static org.lwip4j.conformance.Rig.ipPacket;
import static org.lwip4j.conformance.Rig.udp;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;

/**
 * RFC 1812 (as far as a host that forwards, lwIP's {@code IP_FORWARD}, goes): a router with
 * tun0 10.0.0.1/24 (sender side, 10.0.0.9) and tun1 10.0.1.1/24 (MTU 576, receiver 10.0.1.9).
 */
class Rfc1812ForwardingTest {
    private final Rig rig = new Rig(b -> b.ipForward(true).icmpErrorRate(0));
    private final CaptureDriver tun0 = rig.tun("tun0", "10.0.0.1/24", 1500);
    private final CaptureDriver tun1 = rig.tun("tun1", "10.0.1.1/24", 576);

    @Test
    void s5_3_1_ttlIsDecrementedByOneAndTheChecksumUpdated() {
        byte[] in = ipPacket(17, "10.0.0.9", "10.0.1.9", 0x28, 64, 0x4000, new byte[0], udp(1, 9, new byte[30]));
        rig.inject(tun0, in);
        byte[] out = tun1.poll().data();
        byte[] expected = in.clone();
        expected[8] = 63;
        expected[10] = 0;
        expected[11] = 0;
        int c = Checksum.of(expected, 0, 20);
        expected[10] = (byte) (c >>> 8);
        expected[11] = (byte) c;
        assertEquals(hex(expected, 0, expected.length), hex(out, 0, out.length), "only TTL and checksum change");
        assertEquals(1, rig.stack.stats().ip.fw);
        assertEquals(0, tun0.count());
    }

    @Test
    void s5_3_1_and_s4_3_2_4_ttlExpiryIsTimeExceededFromTheArrivalInterface() {
        // TTL 1 would leave with 0, TTL 0 with less: both discarded, neither forwarded with 0.
        for (int ttl : new int[] {1, 0}) {
            byte[] in = ipPacket(17, "10.0.0.9", "10.0.1.9", ttl, udp(1, 9, new byte[30]));
            rig.inject(tun0, in);
            Rig.assertIcmpError(tun0.poll().data(), "10.0.0.1", "10.0.0.9", 11, 0, Arrays.copyOf(in, 28));
        }
        assertEquals(0, tun1.count());
        assertEquals(0, rig.stack.stats().ip.fw);
        rig.assertNoLeaks();
    }

    @Test
    void s4_3_2_7_noErrorAboutANonInitialFragmentOrAnIcmpError() {
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.1.9", 0, 1, 0x0004, new byte[0], new byte[16]));
        byte[] quoted = Arrays.copyOf(ipPacket(17, "10.0.1.9", "10.0.0.9", 64, udp(1, 9, new byte[8])), 28);
        rig.inject(tun0, ipPacket(1, "10.0.0.9", "10.0.1.9", 1, icmp(3, 3, 0, quoted)));
        assertEquals(0, tun0.count());
        assertEquals(0, tun1.count());
        rig.assertNoLeaks();
    }

    @Test
    void s5_2_6_fragmentsForASmallerMtuElseFragmentationNeededWithTheNextHopMtu() {
        byte[] big = ipPacket(17, "10.0.0.9", "10.0.1.9", 64, udp(1, 9, new byte[972]));
        rig.inject(tun0, big);
        List<byte[]> frags = Rig.sent(tun1);
        assertEquals(2, frags.size());
        // 552 data bytes (the most that fits 576 in 8-byte units), then the other 428.
        assertEquals(572, frags.get(0).length);
        assertEquals(0x2000, Rig.u16(frags.get(0), 6), "MF, offset 0");
        assertEquals(448, frags.get(1).length);
        assertEquals(552 / 8, Rig.u16(frags.get(1), 6), "last fragment: no MF, offset 552");
        // With DF: not sent; "fragmentation needed" carries tun1's MTU (RFC 1191 §4).
        byte[] df = ipPacket(17, "10.0.0.9", "10.0.1.9", 0, 64, 0x4000, new byte[0], udp(1, 9, new byte[972]));
        rig.inject(tun0, df);
        assertEquals(0, tun1.count());
        byte[] err = tun0.poll().data();
        Rig.assertIcmpError(err, "10.0.0.1", "10.0.0.9", 3, 4, Arrays.copyOf(df, 28));
        assertEquals(576, Rig.u16(err, 26), "next-hop MTU");
        rig.assertNoLeaks();
    }

    @Test
    void s5_3_5_and_s4_2_3_1_limitedDirectedAndZeroFormBroadcastsAreNotForwarded() {
        // RFC 2644 updates §5.3.5.2: directed broadcasts are not forwarded by default.
        rig.netif("tun1").setFlags(Netif.FLAG_BROADCAST, Netif.FLAG_BROADCAST);
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "255.255.255.255", 64, udp(1, 9, new byte[4])));
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.1.255", 64, udp(1, 9, new byte[4])));
        // §4.2.3.1: {<Network-prefix>, 0}, the obsolete form, is discarded, not forwarded as unicast.
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "10.0.1.0", 64, udp(1, 9, new byte[4])));
        assertEquals(0, tun1.count());
        assertEquals(0, tun0.count());
        assertEquals(0, rig.stack.stats().ip.fw);
        rig.assertNoLeaks();
    }

    @Test
    void s5_3_7_martianSourcesAndDestinationsAreNotForwarded() {
        // A default route through tun1, so that only the address checks can stop these.
        rig.stack.netifs().setDefault(rig.netif("tun1"));
        String[][] martians = {
            {"0.1.2.3", "10.0.1.9"},     // source on network 0
            {"240.0.0.1", "10.0.1.9"},   // class E source
            {"10.0.0.9", "0.1.2.3"},     // destination on network 0
            {"10.0.0.9", "240.0.0.1"},   // class E destination
            {"169.254.1.1", "10.0.1.9"}, // link-local (RFC 3927 §7)
            {"10.0.0.9", "169.254.1.1"},
        };
        for (String[] m : martians) {
            rig.inject(tun0, ipPacket(17, m[0], m[1], 64, udp(1, 9, new byte[4])));
        }
        assertEquals(0, tun1.count(), "nothing forwarded");
        assertEquals(0, tun0.count(), "nothing answered");
        assertEquals(0, rig.stack.stats().ip.fw);
        // Control: an ordinary destination off every subnet takes the default route.
        rig.inject(tun0, ipPacket(17, "10.0.0.9", "192.0.2.1", 64, udp(1, 9, new byte[4])));
        assertEquals(1, tun1.count());
        rig.assertNoLeaks();
    }

    @Test
    void s4_3_2_8_icmpErrorsAreRateLimited() {
        Rig r = new Rig(b -> b.ipForward(true).icmpErrorRate(2).icmpErrorBurst(2));
        CaptureDriver t0 = r.tun("tun0", "10.0.0.1/24", 1500);
        r.tun("tun1", "10.0.1.1/24", 1500);
        for (int i = 0; i < 5; i++) {
            r.inject(t0, ipPacket(17, "10.0.0.9", "10.0.1.9", 1, udp(1, 9, new byte[4])));
        }
        assertEquals(2, t0.count(), "a burst of two");
        t0.clear();
        r.advanceSeconds(1);
        for (int i = 0; i < 5; i++) {
            r.inject(t0, ipPacket(17, "10.0.0.9", "10.0.1.9", 1, udp(1, 9, new byte[4])));
        }
        assertEquals(2, t0.count(), "two per second");
        assertTrue(r.stack.stats().icmp.drop >= 6);
        r.assertNoLeaks();
    }
}
