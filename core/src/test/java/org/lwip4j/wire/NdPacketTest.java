package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.MacAddress;

/** ND messages (RFC 4861 §4) and their options (§4.6, RFC 8106), from vectors and back. */
class NdPacketTest {
    private static final long DB8 = 0x2001_0db8_0000_0000L;
    private static final long LL = 0xfe80_0000_0000_0000L;

    private static MemorySegment icmp(String packet) {
        byte[] p = Hex.bytes(packet);
        return MemorySegment.ofArray(java.util.Arrays.copyOfRange(p, 40, p.length));
    }

    @Test
    void neighborSolicitationForASolicitedNodeAddress() {
        MemorySegment ip = Hex.seg(Ipv6Vectors.NS);
        MemorySegment s = icmp(Ipv6Vectors.NS);
        assertTrue(Icmpv6Packet.checksumOk(s, 0, 32, Ipv6Packet.srcHi(ip, 0), Ipv6Packet.srcLo(ip, 0),
                Ipv6Packet.dstHi(ip, 0), Ipv6Packet.dstLo(ip, 0)));
        assertEquals(NdPacket.NS_LEN, NdPacket.check(s, 0, 32));
        assertEquals(DB8, NdPacket.targetHi(s, 0));
        assertEquals(2, NdPacket.targetLo(s, 0));
        assertEquals(Ip6Address.parse("ff02::1:ff00:2"), new Ip6Address(Ipv6Packet.dstHi(ip, 0), Ipv6Packet.dstLo(ip, 0), 0));
        assertEquals(Ip6Address.solicitedNodeLo(NdPacket.targetLo(s, 0)), Ipv6Packet.dstLo(ip, 0));
        long o = NdOption.find(s, 24, 8, NdOption.SOURCE_LL_ADDR);
        assertEquals(24, o);
        assertTrue(NdOption.valid(s, o));
        assertEquals(MacAddress.parse("52:54:00:12:34:56").bits(), NdOption.linkLayerAddress(s, o));
        assertEquals(-1, NdOption.find(s, 24, 8, NdOption.TARGET_LL_ADDR));

        // Emit the same message and compare every byte.
        MemorySegment out = MemorySegment.ofArray(new byte[32]);
        NdPacket.emitNeighborSolicit(out, 0, DB8, 2);
        assertEquals(8, NdOption.emitLinkLayer(out, 24, NdOption.SOURCE_LL_ADDR, MacAddress.parse("52:54:00:12:34:56").bits()));
        Icmpv6Packet.fillChecksum(out, 0, 32, DB8, 1, Ip6Address.SOLICITED_NODE_HI, Ip6Address.solicitedNodeLo(2));
        assertEquals(Hex.of(s), Hex.of(out));
    }

    @Test
    void routerAdvertisementAsRadvdSendsIt() {
        MemorySegment s = icmp(Ipv6Vectors.RA);
        assertEquals(64, s.byteSize());
        assertTrue(Icmpv6Packet.checksumOk(s, 0, 64, LL, 0x5054_00ff_feaa_bbccL, 0xff02_0000_0000_0000L, 1));
        assertEquals(NdPacket.RA_LEN, NdPacket.check(s, 0, 64));
        assertEquals(64, NdPacket.curHopLimit(s, 0));
        assertEquals(0, NdPacket.raFlags(s, 0));
        assertEquals(1800, NdPacket.routerLifetime(s, 0));
        assertEquals(0, NdPacket.reachableTime(s, 0));
        assertEquals(0, NdPacket.retransTimer(s, 0));
        assertEquals(3, NdOption.check(s, 16, 48));

        long pi = NdOption.find(s, 16, 48, NdOption.PREFIX_INFO);
        assertEquals(16, pi);
        assertTrue(NdOption.valid(s, pi));
        assertEquals(32, NdOption.length(s, pi));
        assertEquals(64, NdOption.prefixLength(s, pi));
        assertEquals(NdOption.PREFIX_ON_LINK | NdOption.PREFIX_AUTONOMOUS, NdOption.prefixFlags(s, pi));
        assertEquals(86400, NdOption.validLifetime(s, pi));
        assertEquals(14400, NdOption.preferredLifetime(s, pi));
        assertEquals(0x2001_0db8_0001_0000L, NdOption.prefixHi(s, pi));
        assertEquals(0, NdOption.prefixLo(s, pi));
        long mtu = NdOption.find(s, 16, 48, NdOption.MTU);
        assertEquals(48, mtu);
        assertEquals(1500, NdOption.mtu(s, mtu));
        long sll = NdOption.find(s, 16, 48, NdOption.SOURCE_LL_ADDR);
        assertEquals(56, sll);
        assertEquals(NdOption.next(s, mtu), sll);
        assertEquals(64, NdOption.next(s, sll));
        assertEquals(0x5254_00aa_bbccL, NdOption.linkLayerAddress(s, sll));

        MemorySegment out = MemorySegment.ofArray(new byte[64]);
        NdPacket.emitRouterAdvert(out, 0, 64, 0, 1800, 0, 0);
        int o = 16;
        o += NdOption.emitPrefixInfo(out, o, 64, 0xc0, 86400, 14400, 0x2001_0db8_0001_0000L, 0);
        o += NdOption.emitMtu(out, o, 1500);
        o += NdOption.emitLinkLayer(out, o, NdOption.SOURCE_LL_ADDR, 0x5254_00aa_bbccL);
        assertEquals(64, o);
        Icmpv6Packet.fillChecksum(out, 0, 64, LL, 0x5054_00ff_feaa_bbccL, 0xff02_0000_0000_0000L, 1);
        assertEquals(Hex.of(s), Hex.of(out));
    }

    @Test
    void routerAdvertisementFieldsAtTheirLimits() {
        MemorySegment s = MemorySegment.ofArray(new byte[16]);
        NdPacket.emitRouterAdvert(s, 0, 0x1ff, NdPacket.RA_MANAGED | NdPacket.RA_OTHER | 0x100, 0x1ffff, -1, -2);
        assertEquals("8600 0000 ffc0ffff fffffffffffffffe".replace(" ", ""), Hex.of(s));
        assertEquals(255, NdPacket.curHopLimit(s, 0));
        assertEquals(0xc0, NdPacket.raFlags(s, 0));
        assertEquals(0xffff, NdPacket.routerLifetime(s, 0));
        assertEquals(0xffff_ffffL, NdPacket.reachableTime(s, 0));
        assertEquals(0xffff_fffeL, NdPacket.retransTimer(s, 0));
        assertEquals(16, NdPacket.check(s, 0, 16));
    }

    @Test
    void neighborAdvertisementFlags() {
        MemorySegment s = icmp(Ipv6Vectors.NA);
        assertTrue(Icmpv6Packet.checksumOk(s, 0, 32, DB8, 2, DB8, 1));
        assertEquals(NdPacket.NA_LEN, NdPacket.check(s, 0, 32));
        assertEquals(NdPacket.NA_SOLICITED | NdPacket.NA_OVERRIDE, NdPacket.naFlags(s, 0));
        assertEquals(2, NdPacket.targetLo(s, 0));
        long t = NdOption.find(s, 24, 8, NdOption.TARGET_LL_ADDR);
        assertEquals(0x5254_0012_3456L, NdOption.linkLayerAddress(s, t));
        MemorySegment out = MemorySegment.ofArray(new byte[32]);
        NdPacket.emitNeighborAdvert(out, 0, 0x160, DB8, 2);
        NdOption.emitLinkLayer(out, 24, 0x102, 0x5254_0012_3456L);
        Icmpv6Packet.fillChecksum(out, 0, 32, DB8, 2, DB8, 1);
        assertEquals(Hex.of(s), Hex.of(out));
        NdPacket.emitNeighborAdvert(out, 0, NdPacket.NA_ROUTER, DB8, 2);
        assertEquals("88000000" + "80000000", Hex.of(out, 0, 8));
        assertEquals(0x80, NdPacket.naFlags(out, 0));
    }

    @Test
    void redirect() {
        MemorySegment s = MemorySegment.ofArray(new byte[40 + 8 + 48]);
        NdPacket.emitRedirect(s, 0, LL, 1, DB8, 0x99);
        int len = NdOption.emitRedirectedHeader(s, 40, 48);
        assertEquals(56, len);
        assertEquals("04070000 00000000".replace(" ", ""), Hex.of(s, 40, 8));
        assertEquals("89000000 00000000 fe800000000000000000000000000001 20010db8000000000000000000000099"
                .replace(" ", ""), Hex.of(s, 0, 40));
        assertEquals(40, NdPacket.check(s, 0, 96));
        assertEquals(LL, NdPacket.targetHi(s, 0));
        assertEquals(1, NdPacket.targetLo(s, 0));
        assertEquals(DB8, NdPacket.destinationHi(s, 0));
        assertEquals(0x99, NdPacket.destinationLo(s, 0));
        assertEquals(48, NdOption.redirectedData(s, 40));
        assertEquals(48, NdOption.redirectedDataLen(s, 40));
        assertTrue(NdOption.valid(s, 40));
        // Quoted data is padded up to 8: 1 byte gives 16, 0 bytes 8, 8 bytes 16, 9 bytes 24.
        assertEquals(16, NdOption.emitRedirectedHeader(s, 40, 1));
        assertEquals(8, NdOption.emitRedirectedHeader(s, 40, 0));
        assertEquals(16, NdOption.emitRedirectedHeader(s, 40, 8));
        assertEquals(24, NdOption.emitRedirectedHeader(s, 40, 9));
    }

    @Test
    void routerSolicitation() {
        MemorySegment s = MemorySegment.ofArray(new byte[16]);
        s.fill((byte) 0x77);
        NdPacket.emitRouterSolicit(s, 0);
        NdOption.emitLinkLayer(s, 8, NdOption.SOURCE_LL_ADDR, 0xffff_ffff_ffffL);
        assertEquals("8500000000000000 0101ffffffffffff".replace(" ", ""), Hex.of(s));
        assertEquals(8, NdPacket.check(s, 0, 16));
        assertEquals(8, NdPacket.check(s, 0, 8));
    }

    @Test
    void checkRefusesShortMessagesOfEachType() {
        int[] types = {133, 134, 135, 136, 137};
        int[] fixed = {8, 16, 24, 24, 40};
        for (int i = 0; i < types.length; i++) {
            assertEquals(fixed[i], NdPacket.fixedLen(types[i]));
            MemorySegment s = MemorySegment.ofArray(new byte[fixed[i]]);
            Bytes8.put(s, types[i]);
            assertEquals(fixed[i], NdPacket.check(s, 0, fixed[i]), "type " + types[i]);
            assertEquals(-Drop.TRUNCATED.code(), NdPacket.check(s, 0, fixed[i] - 1), "type " + types[i]);
            s.set(ValueLayout.JAVA_BYTE, 1, (byte) 1);
            assertEquals(-Drop.MALFORMED.code(), NdPacket.check(s, 0, fixed[i]), "code 1, type " + types[i]);
            s.set(ValueLayout.JAVA_BYTE, 1, (byte) 0x80);
            assertEquals(-Drop.MALFORMED.code(), NdPacket.check(s, 0, fixed[i]), "code 128, type " + types[i]);
        }
        assertEquals(-1, NdPacket.fixedLen(132));
        assertEquals(-1, NdPacket.fixedLen(138));
        MemorySegment other = MemorySegment.ofArray(new byte[48]);
        Bytes8.put(other, 128);
        assertEquals(-Drop.UNSUPPORTED.code(), NdPacket.check(other, 0, 48));
        Bytes8.put(other, 138);
        assertEquals(-Drop.UNSUPPORTED.code(), NdPacket.check(other, 0, 48));
        Bytes8.put(other, 132);
        assertEquals(-Drop.UNSUPPORTED.code(), NdPacket.check(other, 0, 48));
        assertEquals(-Drop.TRUNCATED.code(), NdPacket.check(other, 0, 7));
    }

    @Test
    void multicastTargetsAndDestinationsAreRefused() {
        for (int type : new int[] {135, 136}) {
            MemorySegment s = MemorySegment.ofArray(new byte[24]);
            NdPacket.emitNeighborSolicit(s, 0, 0xff02_0000_0000_0000L, 1);
            Bytes8.put(s, type);
            assertEquals(-Drop.MALFORMED.code(), NdPacket.check(s, 0, 24));
            NdPacket.emitNeighborSolicit(s, 0, 0xfe02_0000_0000_0000L, 1);
            Bytes8.put(s, type);
            assertEquals(24, NdPacket.check(s, 0, 24));
        }
        MemorySegment r = MemorySegment.ofArray(new byte[40]);
        NdPacket.emitRedirect(r, 0, 0xff02_0000_0000_0000L, 1, DB8, 1);
        assertEquals(40, NdPacket.check(r, 0, 40), "a redirect's target may be anything here");
        NdPacket.emitRedirect(r, 0, LL, 1, 0xff02_0000_0000_0000L, 1);
        assertEquals(-Drop.MALFORMED.code(), NdPacket.check(r, 0, 40));
        // RS and RA have no target: byte 8 of an RA is its reachable time.
        MemorySegment ra = MemorySegment.ofArray(new byte[16]);
        NdPacket.emitRouterAdvert(ra, 0, 0, 0, 0, 0xff000000, 0);
        assertEquals(16, NdPacket.check(ra, 0, 16));
        MemorySegment rs = MemorySegment.ofArray(new byte[40]);
        NdPacket.emitRouterSolicit(rs, 0);
        rs.set(ValueLayout.JAVA_BYTE, 24, (byte) 0xff);
        rs.set(ValueLayout.JAVA_BYTE, 8, (byte) 0xff);
        rs.set(ValueLayout.JAVA_BYTE, 9, (byte) 1);
        rs.set(ValueLayout.JAVA_BYTE, 17, (byte) 3);
        assertEquals(8, NdPacket.check(rs, 0, 40));
    }

    @Test
    void zeroLengthOptionDropsTheMessage() {
        // RFC 4861 §4.6: a zero length option; the walk must end, the message is dropped.
        MemorySegment s = icmp(Ipv6Vectors.NS);
        s.set(ValueLayout.JAVA_BYTE, 25, (byte) 0);
        assertEquals(-Drop.MALFORMED.code(), NdPacket.check(s, 0, 32));
        assertEquals(-Drop.MALFORMED.code(), NdOption.check(s, 24, 8));
        // After a good option as well.
        MemorySegment ra = icmp(Ipv6Vectors.RA);
        ra.set(ValueLayout.JAVA_BYTE, 57, (byte) 0);
        assertEquals(-Drop.MALFORMED.code(), NdPacket.check(ra, 0, 64));
    }

    @Test
    void optionsPastTheEnd() {
        MemorySegment s = icmp(Ipv6Vectors.NS);
        assertEquals(-Drop.TRUNCATED.code(), NdPacket.check(s, 0, 31));
        assertEquals(-Drop.TRUNCATED.code(), NdPacket.check(s, 0, 25), "type byte without length");
        assertEquals(-Drop.TRUNCATED.code(), NdPacket.check(s, 0, 26), "the option needs 8 bytes");
        assertEquals(24, NdPacket.check(s, 0, 24), "no options");
        s.set(ValueLayout.JAVA_BYTE, 25, (byte) 2);
        assertEquals(-Drop.TRUNCATED.code(), NdPacket.check(s, 0, 32));
        assertEquals(0, NdOption.check(s, 24, 0));
        assertEquals(1, NdOption.check(MemorySegment.ofArray(Hex.bytes("ff01000000000000")), 0, 8));
        // Length 255 needs 2040 bytes.
        MemorySegment big = MemorySegment.ofArray(new byte[2040]);
        big.set(ValueLayout.JAVA_BYTE, 1, (byte) 255);
        assertEquals(1, NdOption.check(big, 0, 2040));
        assertEquals(-Drop.TRUNCATED.code(), NdOption.check(big, 0, 2039));
        assertEquals(2040, NdOption.length(big, 0));
    }

    @Test
    void optionWalkInAnExactSegment() {
        // One byte, or two bytes of a zero-length option, left at the very end of the segment.
        MemorySegment one = MemorySegment.ofArray(Hex.bytes("0101525400123456 03"));
        assertEquals(-Drop.TRUNCATED.code(), NdOption.check(one, 0, 9));
        MemorySegment zero = MemorySegment.ofArray(Hex.bytes("0101525400123456 0300"));
        assertEquals(-Drop.MALFORMED.code(), NdOption.check(zero, 0, 10));
        MemorySegment two = MemorySegment.ofArray(Hex.bytes("0101525400123456 0301"));
        assertEquals(-Drop.TRUNCATED.code(), NdOption.check(two, 0, 10));
        // The redirected header's reserved bytes are zeroed.
        MemorySegment r = MemorySegment.ofArray(new byte[8]);
        r.fill((byte) 0x55);
        NdOption.emitRedirectedHeader(r, 0, 0);
        assertEquals("0401000000000000", Hex.of(r));
    }

    @Test
    void optionLengthsByType() {
        assertValid(1, 1, true);
        assertValid(1, 0, false);
        assertValid(1, 2, true);
        assertValid(2, 1, true);
        assertValid(2, 0, false);
        assertValid(3, 4, true);
        assertValid(3, 3, false);
        assertValid(3, 5, false);
        assertValid(4, 1, true);
        assertValid(4, 0, false);
        assertValid(5, 1, true);
        assertValid(5, 2, false);
        assertValid(5, 0, false);
        assertValid(25, 3, true);
        assertValid(25, 5, true);
        assertValid(25, 1, false);
        assertValid(25, 2, false);
        assertValid(25, 4, false);
        assertValid(6, 0, true);
        assertValid(24, 1, true);
        assertValid(26, 1, true);
        assertValid(0, 1, true);
    }

    private static void assertValid(int type, int units, boolean valid) {
        MemorySegment s = MemorySegment.ofArray(new byte[] {(byte) type, (byte) units, 0, 0, 0, 0, 0, 0});
        assertEquals(valid, NdOption.valid(s, 0), "type " + type + " length " + units);
    }

    @Test
    void rdnss() {
        MemorySegment s = MemorySegment.ofArray(new byte[40]);
        assertEquals(40, NdOption.emitRdnss(s, 0, 600, DB8, 0x53, 0xfe80_0000_0000_0000L, 0x53));
        assertEquals("1905 0000 00000258 20010db8000000000000000000000053 fe800000000000000000000000000053"
                .replace(" ", ""), Hex.of(s));
        assertTrue(NdOption.valid(s, 0));
        assertEquals(600, NdOption.rdnssLifetime(s, 0));
        assertEquals(2, NdOption.rdnssCount(s, 0));
        assertEquals(DB8, NdOption.rdnssHi(s, 0, 0));
        assertEquals(0x53, NdOption.rdnssLo(s, 0, 0));
        assertEquals(LL, NdOption.rdnssHi(s, 0, 1));
        assertEquals(0x53, NdOption.rdnssLo(s, 0, 1));
        assertEquals(24, NdOption.emitRdnss(s, 0, -1, 1, 2));
        assertEquals(NdOption.INFINITE, NdOption.rdnssLifetime(s, 0));
        assertEquals(1, NdOption.rdnssCount(s, 0));
        assertThrows(IllegalArgumentException.class, () -> NdOption.emitRdnss(s, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> NdOption.emitRdnss(s, 0, 1, 1L));
        assertThrows(IllegalArgumentException.class, () -> NdOption.emitRdnss(s, 0, 1, 1L, 2L, 3L));
    }

    @Test
    void prefixInfoAtItsLimits() {
        MemorySegment s = MemorySegment.ofArray(new byte[32]);
        s.fill((byte) 0x55);
        NdOption.emitPrefixInfo(s, 0, 0x180, 0x1c0, -1, -1, -1, -2);
        assertEquals("030480c0ffffffffffffffff00000000fffffffffffffffffffffffffffffffe", Hex.of(s));
        assertEquals(NdOption.INFINITE, NdOption.validLifetime(s, 0));
        assertEquals(NdOption.INFINITE, NdOption.preferredLifetime(s, 0));
        assertEquals(0x80, NdOption.prefixLength(s, 0));
        assertEquals(-2, NdOption.prefixLo(s, 0));
        MemorySegment m = MemorySegment.ofArray(new byte[8]);
        NdOption.emitMtu(m, 0, -1);
        assertEquals("05010000ffffffff", Hex.of(m));
        assertEquals(0xffff_ffffL, NdOption.mtu(m, 0));
        NdOption.emitLinkLayer(m, 0, 2, 0x1_0000_0000_0001L);
        assertEquals("0201000000000001", Hex.of(m));
        assertEquals(NdOption.TARGET_LL_ADDR, NdOption.type(m, 0));
    }

    /** Sets the ICMPv6 type byte. */
    private static final class Bytes8 {
        static void put(MemorySegment s, int type) {
            s.set(ValueLayout.JAVA_BYTE, 0, (byte) type);
        }
    }

    @Test
    void constants() {
        assertFalse(NdPacket.RA_MANAGED == NdPacket.RA_OTHER);
        assertEquals(0x80, NdOption.PREFIX_ON_LINK);
        assertEquals(0x40, NdOption.PREFIX_AUTONOMOUS);
        assertEquals(25, NdOption.RDNSS);
        assertEquals(4, NdOption.REDIRECTED_HEADER);
    }
}
