package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class Icmpv6PacketTest {
    private static final long DB8 = 0x2001_0db8_0000_0000L;

    @Test
    void echoRequestVector() {
        MemorySegment s = Hex.seg(Ipv6Vectors.ECHO);
        assertEquals(0, Icmpv6Packet.check(s, 0, 16));
        assertEquals(128, Icmpv6Packet.type(s, 0));
        assertEquals(0, Icmpv6Packet.code(s, 0));
        assertEquals(0x8075, Icmpv6Packet.checksum(s, 0));
        assertEquals(0x1234, Icmpv6Packet.ident(s, 0));
        assertEquals(1, Icmpv6Packet.seq(s, 0));
        assertEquals(0x12340001, Icmpv6Packet.rest(s, 0));
        assertTrue(Icmpv6Packet.checksumOk(s, 0, 16, DB8, 1, DB8, 2));
        assertFalse(Icmpv6Packet.checksumOk(s, 0, 16, DB8, 1, DB8, 3));
        Icmpv6Repr r = Icmpv6Repr.parse(s, 0, 16, DB8, 1, DB8, 2).value();
        assertEquals(Icmpv6Repr.echoRequest(0x1234, 1, 8), r);
        assertEquals(0x1234, r.ident());
        assertEquals(1, r.seq());
        assertFalse(r.isError());
        assertEquals(8, r.bufferLen());
        assertEquals(16, r.totalLen());
        MemorySegment out = MemorySegment.ofArray(s.toArray(ValueLayout.JAVA_BYTE));
        out.asSlice(0, 8).fill((byte) 0);
        r.emit(out, 0, DB8, 1, DB8, 2);
        assertEquals(Hex.of(s), Hex.of(out));
        // Without addresses: the header, checksum zero.
        r.emit(out, 0);
        assertEquals("8000000012340001", Hex.of(out, 0, 8));
    }

    @Test
    void checksumCoversPseudoHeaderAndMessage() {
        MemorySegment s = Hex.seg(Ipv6Vectors.ECHO);
        // Another source, another destination, another length: each fails.
        assertEquals(Drop.BAD_CHECKSUM, Icmpv6Repr.parse(s, 0, 16, DB8, 3, DB8, 2).error());
        assertEquals(Drop.BAD_CHECKSUM, Icmpv6Repr.parse(s, 0, 16, DB8, 1, DB8, 3).error());
        assertEquals(Drop.BAD_CHECKSUM, Icmpv6Repr.parse(s, 0, 16, DB8 + 1, 1, DB8, 2).error());
        assertEquals(Drop.BAD_CHECKSUM, Icmpv6Repr.parse(s, 0, 16, DB8, 1, DB8 + 1, 2).error());
        assertEquals(Drop.BAD_CHECKSUM, Icmpv6Repr.parse(s, 0, 14, DB8, 1, DB8, 2).error());
        // Unverified parse accepts any checksum.
        assertTrue(Icmpv6Repr.parse(s, 0, 14).isOk());
        // The echo reply: type 128 -> 129 raises the first word by 0x100, so the checksum drops by 0x100.
        Icmpv6Repr.echoReply(0x1234, 1, 8).emit(s, 0, DB8, 2, DB8, 1);
        assertEquals(0x7f75, Icmpv6Packet.checksum(s, 0));
        assertTrue(Icmpv6Packet.checksumOk(s, 0, 16, DB8, 2, DB8, 1));
        Icmpv6Packet.fillChecksum(s, 0, 16, DB8, 1, DB8, 2);
        assertEquals(0x7f75, Icmpv6Packet.checksum(s, 0));
    }

    @Test
    void truncated() {
        MemorySegment s = Hex.seg(Ipv6Vectors.ECHO);
        assertEquals(-Drop.TRUNCATED.code(), Icmpv6Packet.check(s, 0, 7));
        assertEquals(0, Icmpv6Packet.check(s, 0, 8));
        assertEquals(Drop.TRUNCATED, Icmpv6Repr.parse(s, 0, 7).error());
        assertEquals(Drop.TRUNCATED, Icmpv6Repr.parse(s, 0, 7, DB8, 1, DB8, 2).error());
        assertEquals(0, Icmpv6Repr.parse(s, 0, 8).value().dataLen());
    }

    @Test
    void errorMessages() {
        MemorySegment s = MemorySegment.ofArray(new byte[8]);
        Icmpv6Repr ptb = Icmpv6Repr.packetTooBig(1280, 1232);
        ptb.emit(s, 0);
        assertEquals("0200000000000500", Hex.of(s));
        assertEquals(1280, Icmpv6Packet.mtu(s, 0));
        assertEquals(1280, ptb.mtu());
        assertTrue(ptb.isError());
        assertEquals(0xffff_fff0L, Icmpv6Repr.packetTooBig(0xfffffff0, 0).mtu());
        Icmpv6Repr pp = Icmpv6Repr.paramProblem(2, 46, 100);
        pp.emit(s, 0);
        assertEquals("040200000000002e", Hex.of(s));
        assertEquals(46, Icmpv6Packet.pointer(s, 0));
        assertEquals(46, pp.pointer());
        assertEquals(0xffff_ffffL, Icmpv6Repr.paramProblem(0, -1, 0).pointer());
        Icmpv6Repr.destUnreachable(Icmpv6Packet.UNREACH_PORT, 48).emit(s, 0);
        assertEquals("0104000000000000", Hex.of(s));
        Icmpv6Repr.timeExceeded(Icmpv6Packet.TIME_EXCEEDED_REASSEMBLY, 48).emit(s, 0);
        assertEquals("0301000000000000", Hex.of(s));
        assertEquals(new Icmpv6Repr(1, 4, 0, 48), Icmpv6Repr.destUnreachable(4, 48));
        assertEquals(new Icmpv6Repr(3, 0, 0, 1), Icmpv6Repr.timeExceeded(Icmpv6Packet.TIME_EXCEEDED_HOP_LIMIT, 1));
        assertEquals(new Icmpv6Repr(129, 0, 0xffffffff, 0), Icmpv6Repr.echoReply(0xffff, 0xffff, 0));
    }

    @Test
    void errorOrInformational() {
        assertTrue(Icmpv6Packet.isError(0));
        assertTrue(Icmpv6Packet.isError(127));
        assertFalse(Icmpv6Packet.isError(128));
        assertFalse(Icmpv6Packet.isError(255));
        assertTrue(new Icmpv6Repr(127, 0, 0, 0).isError());
        assertFalse(new Icmpv6Repr(128, 0, 0, 0).isError());
    }

    @Test
    void reprRefusesFieldsThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> new Icmpv6Repr(256, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Icmpv6Repr(-1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Icmpv6Repr(0, 256, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Icmpv6Repr(0, 0, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new Icmpv6Repr(0, 0, 0, 0xffff - 7));
        assertEquals(0xffff, new Icmpv6Repr(0, 0, 0, 0xffff - 8).totalLen());
        assertThrows(IllegalArgumentException.class, () -> Icmpv6Repr.echoRequest(0x10000, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Icmpv6Repr.echoRequest(0, 0x10000, 0));
        assertThrows(IllegalArgumentException.class, () -> Icmpv6Repr.echoReply(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Icmpv6Repr.echoReply(0, -1, 0));
    }

    @Test
    void headerEmitKeepsLowBits() {
        MemorySegment s = MemorySegment.ofArray(new byte[8]);
        s.fill((byte) 0x55);
        Icmpv6Packet.emit(s, 0, 0x180, 0x1ff, -2);
        assertEquals("80ff0000fffffffe", Hex.of(s));
    }
}
