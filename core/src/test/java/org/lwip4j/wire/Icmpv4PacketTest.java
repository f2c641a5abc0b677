package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class Icmpv4PacketTest {
    /** The ICMP message of a capture with a 20-byte IP header. */
    private static MemorySegment icmp(String frame) {
        byte[] f = Hex.bytes(frame);
        return MemorySegment.ofArray(java.util.Arrays.copyOfRange(f, 34, f.length));
    }

    @Test
    void capturedEchoRequest() {
        MemorySegment s = icmp(Captures.PING);
        assertEquals(0, Icmpv4Packet.check(s, 0, 64));
        assertEquals(0x5086, Icmpv4Packet.checksum(s, 0));
        assertTrue(Icmpv4Packet.checksumOk(s, 0, 64));
        assertEquals(0x1e88, Icmpv4Packet.ident(s, 0));
        assertEquals(1, Icmpv4Packet.seq(s, 0));
        Icmpv4Repr r = Icmpv4Repr.parse(s, 0, 64).value();
        assertEquals(Icmpv4Repr.echoRequest(0x1e88, 1, 56), r);
        assertEquals(0x1e88, r.ident());
        assertEquals(1, r.seq());
        assertFalse(r.isError());
        assertEquals(8, r.bufferLen());
        assertEquals(64, r.totalLen());

        // Emit over the captured data: the header, checksum 0x5086 included, comes back.
        MemorySegment out = MemorySegment.ofArray(s.toArray(ValueLayout.JAVA_BYTE));
        out.asSlice(0, 8).fill((byte) 0);
        r.emit(out, 0, true);
        assertEquals(Hex.of(s), Hex.of(out));
        assertEquals(RefChecksum.sum(s.toArray(ValueLayout.JAVA_BYTE)), 0xffff);
    }

    @Test
    void echoReplyChecksumFollowsRfc1624() {
        MemorySegment s = icmp(Captures.PING);
        Icmpv4Repr req = Icmpv4Repr.parse(s, 0, 64).value();
        Icmpv4Repr rep = Icmpv4Repr.echoReply(req.ident(), req.seq(), req.dataLen());
        rep.emit(s, 0, true);
        // Type 8 -> 0 lowers the first word by 0x0800, so the checksum rises by 0x0800.
        assertEquals(0x5086 + 0x0800, Icmpv4Packet.checksum(s, 0));
        assertEquals(rep, Icmpv4Repr.parse(s, 0, 64).value());
    }

    @Test
    void capturedEchoBehindRecordRoute() {
        byte[] f = Hex.bytes(Captures.PING_RECORD_ROUTE);
        MemorySegment s = MemorySegment.ofArray(f);
        Icmpv4Repr r = Icmpv4Repr.parse(s, 14 + 60, 64).value();
        assertEquals(Icmpv4Repr.echoRequest(0x1e8c, 1, 56), r);
    }

    @Test
    void fewerThan8BytesIsTruncated() {
        MemorySegment s = icmp(Captures.PING);
        for (int len = 0; len < 8; len++) {
            assertEquals(-Drop.TRUNCATED.code(), Icmpv4Packet.check(s, 0, len), "len " + len);
            assertEquals(Drop.TRUNCATED, Icmpv4Repr.parse(s, 0, len).error());
        }
    }

    @Test
    void corruptDataFailsTheChecksum() {
        MemorySegment s = icmp(Captures.PING);
        s.set(ValueLayout.JAVA_BYTE, 63, (byte) 0);
        assertEquals(Drop.BAD_CHECKSUM, Icmpv4Repr.parse(s, 0, 64).error());
        assertTrue(Icmpv4Repr.parse(s, 0, 64, false).isOk());
        // Checksum over fewer bytes than the message (a length lie from the caller) fails too.
        MemorySegment t = icmp(Captures.PING);
        assertEquals(Drop.BAD_CHECKSUM, Icmpv4Repr.parse(t, 0, 63).error());
    }

    @Test
    void oddLengthMessage() {
        MemorySegment s = MemorySegment.ofArray(new byte[8 + 3]);
        s.set(ValueLayout.JAVA_BYTE, 8, (byte) 0xab);
        s.set(ValueLayout.JAVA_BYTE, 10, (byte) 0xcd);
        Icmpv4Repr r = Icmpv4Repr.echoRequest(7, 9, 3);
        r.emit(s, 0, true);
        assertEquals(0xffff, RefChecksum.sum(s.toArray(ValueLayout.JAVA_BYTE)));
        assertEquals(r, Icmpv4Repr.parse(s, 0, 11).value());
    }

    @Test
    void errorMessages() {
        Icmpv4Repr frag = Icmpv4Repr.destUnreachable(Icmpv4Packet.UNREACH_FRAG_NEEDED, 1400, 28);
        assertEquals(1400, frag.nextHopMtu());
        assertTrue(frag.isError());
        MemorySegment s = MemorySegment.ofArray(new byte[36]);
        frag.emit(s, 0, true);
        assertEquals("0304" , Hex.of(s, 0, 2));
        assertEquals("00000578", Hex.of(s, 4, 4));
        assertEquals(frag, Icmpv4Repr.parse(s, 0, 36).value());

        Icmpv4Repr pp = Icmpv4Repr.paramProblem(20, 28);
        assertEquals(20, pp.pointer());
        assertEquals(0x14000000, pp.rest());
        assertTrue(Icmpv4Repr.timeExceeded(Icmpv4Packet.TIME_EXCEEDED_TTL, 28).isError());
        assertEquals(0x0a090002, new Icmpv4Repr(Icmpv4Packet.TYPE_REDIRECT, 1, 0x0a090002, 28).gateway());
    }

    @Test
    void reprRejectsValuesThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> new Icmpv4Repr(256, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Icmpv4Repr(0, 256, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Icmpv4Repr(0, 0, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new Icmpv4Repr(0, 0, 0, 65508));
        assertThrows(IllegalArgumentException.class, () -> Icmpv4Repr.echoRequest(0x10000, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Icmpv4Repr.echoReply(0, -1, 0));
    }
}
