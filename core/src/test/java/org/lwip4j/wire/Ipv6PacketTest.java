package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip6Address;

class Ipv6PacketTest {
    private static final long DB8 = 0x2001_0db8_0000_0000L;

    @Test
    void neighborSolicitationHeader() {
        MemorySegment s = Hex.seg(Ipv6Vectors.NS);
        assertEquals(72, Ipv6Packet.check(s, 0, 72));
        assertEquals(6, Ipv6Packet.version(s, 0));
        assertEquals(0, Ipv6Packet.trafficClass(s, 0));
        assertEquals(0, Ipv6Packet.flowLabel(s, 0));
        assertEquals(32, Ipv6Packet.payloadLen(s, 0));
        assertEquals(Ipv6Packet.NH_ICMPV6, Ipv6Packet.nextHeader(s, 0));
        assertEquals(255, Ipv6Packet.hopLimit(s, 0));
        assertEquals(DB8, Ipv6Packet.srcHi(s, 0));
        assertEquals(1, Ipv6Packet.srcLo(s, 0));
        assertEquals(Ip6Address.SOLICITED_NODE_HI, Ipv6Packet.dstHi(s, 0));
        assertEquals(Ip6Address.solicitedNodeLo(2), Ipv6Packet.dstLo(s, 0));
        Ipv6Repr r = Ipv6Repr.parse(s, 0, 72).value();
        assertEquals(Ipv6Repr.of(Ip6Address.parse("2001:db8::1"), Ip6Address.parse("ff02::1:ff00:2"), 58, 255, 32), r);
        assertEquals(40, r.bufferLen());
        assertEquals(72, r.totalLen());
        assertEquals(Ip6Address.parse("2001:db8::1"), r.src());
        assertEquals(Ip6Address.parse("ff02::1:ff00:2"), r.dst());
        MemorySegment out = MemorySegment.ofArray(new byte[40]);
        r.emit(out, 0);
        assertEquals(Hex.of(s, 0, 40), Hex.of(out));
    }

    @Test
    void trafficClassAndFlowLabelShareTheFirstWord() {
        MemorySegment s = MemorySegment.ofArray(new byte[40]);
        Ipv6Packet.emit(s, 0, 0xab, 0xcdef1, 0, 59, 64, 1, 2, 3, 4);
        assertEquals("6abcdef1 0000 3b 40", Hex.of(s, 0, 8).replaceFirst("(.{8})(.{4})(.{2})(.{2})", "$1 $2 $3 $4"));
        assertEquals(0xab, Ipv6Packet.trafficClass(s, 0));
        assertEquals(0xcdef1, Ipv6Packet.flowLabel(s, 0));
        // Arguments wider than their fields keep only their low bits.
        Ipv6Packet.emit(s, 0, 0x1ff, 0xfffff1, 0x10005, 0x13b, 0x140, -1, -2, -3, -4);
        assertEquals("6ffffff100053b40", Hex.of(s, 0, 8));
        assertEquals(-1, Ipv6Packet.srcHi(s, 0));
        assertEquals(-2, Ipv6Packet.srcLo(s, 0));
        assertEquals(-3, Ipv6Packet.dstHi(s, 0));
        assertEquals(-4, Ipv6Packet.dstLo(s, 0));
        Ipv6Repr r = Ipv6Repr.parse(s, 0, 45).value();
        assertEquals(new Ipv6Repr(0xff, 0xffff1, 5, 0x3b, 0x40, -1, -2, -3, -4), r);
    }

    @Test
    void setters() {
        MemorySegment s = Hex.seg(Ipv6Vectors.NS);
        Ipv6Packet.setHopLimit(s, 0, 7);
        Ipv6Packet.setPayloadLen(s, 0, 31);
        Ipv6Packet.setNextHeader(s, 0, 17);
        Ipv6Packet.setSrc(s, 0, 5, 6);
        Ipv6Packet.setDst(s, 0, 7, 8);
        assertEquals(new Ipv6Repr(0, 0, 31, 17, 7, 5, 6, 7, 8), Ipv6Repr.parse(s, 0, 72).value());
    }

    @Test
    void checkRefusals() {
        MemorySegment s = Hex.seg(Ipv6Vectors.NS);
        assertEquals(-Drop.TRUNCATED.code(), Ipv6Packet.check(s, 0, 39));
        assertEquals(-Drop.BAD_LENGTH.code(), Ipv6Packet.check(s, 0, 40));
        assertEquals(-Drop.BAD_LENGTH.code(), Ipv6Packet.check(s, 0, 71));
        assertEquals(Drop.BAD_LENGTH, Ipv6Repr.parse(s, 0, 71).error());
        assertEquals(Drop.TRUNCATED, Ipv6Repr.parse(s, 0, 39).error());
        // Link padding after the payload is allowed; the length is still the packet's.
        MemorySegment padded = MemorySegment.ofArray(new byte[80]);
        MemorySegment.copy(s, 0, padded, 0, 72);
        assertEquals(72, Ipv6Packet.check(padded, 0, 80));
        for (int v : new int[] {0x40, 0x50, 0x70, 0xf0, 0x00}) {
            MemorySegment w = Hex.seg(Ipv6Vectors.NS);
            w.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) v);
            assertEquals(-Drop.UNSUPPORTED.code(), Ipv6Packet.check(w, 0, 72), "version byte " + v);
            assertEquals(Drop.UNSUPPORTED, Ipv6Repr.parse(w, 0, 72).error());
        }
        // A bare header with payload length 0 is a whole packet.
        MemorySegment bare = MemorySegment.ofArray(new byte[40]);
        Ipv6Packet.emit(bare, 0, 0, 0, 0, Ipv6Packet.NH_NONE, 1, 0, 0, 0, 0);
        assertEquals(40, Ipv6Packet.check(bare, 0, 40));
    }

    @Test
    void reprRefusesFieldsThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> new Ipv6Repr(0x100, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv6Repr(-1, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv6Repr(0, 0x100000, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv6Repr(0, -1, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv6Repr(0, 0, 0x10000, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv6Repr(0, 0, -1, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv6Repr(0, 0, 0, 0x100, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv6Repr(0, 0, 0, 0, 0x100, 0, 0, 0, 0));
        Ipv6Repr max = new Ipv6Repr(0xff, 0xfffff, 0xffff, 0xff, 0xff, 0, 0, 0, 0);
        assertEquals(0xffff + 40, max.totalLen());
        assertEquals(new Ipv6Repr(0xff, 0xfffff, 12, 0xff, 0xff, 0, 0, 0, 0), max.withPayloadLen(12));
    }

    @Test
    void text() {
        Ipv6Repr r = Ipv6Repr.parse(Hex.seg(Ipv6Vectors.NS), 0, 72).value();
        assertEquals("Ipv6Repr[2001:db8::1 > ff02::1:ff00:2, nh=58, tc=0x0, flow=0x0, payloadLen=32, hlim=255]", r.toString());
    }

    @Test
    void constants() {
        assertEquals(40, Ipv6Packet.HEADER_LEN);
        assertEquals(1280, Ipv6Packet.MIN_MTU);
        assertTrue(Ipv6Packet.NH_HOP_BY_HOP == 0 && Ipv6Packet.NH_ROUTING == 43 && Ipv6Packet.NH_FRAGMENT == 44
                && Ipv6Packet.NH_ICMPV6 == 58 && Ipv6Packet.NH_NONE == 59 && Ipv6Packet.NH_DEST_OPTS == 60);
    }
}
