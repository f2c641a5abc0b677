package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lwip4j.buffer.Checksum;

class TcpPacketTest {
    private static long pseudo(int src, int dst, int len) {
        return Checksum.pseudoHeaderV4(src, dst, Ipv4Packet.PROTO_TCP, len);
    }

    @Test
    void linuxSynFields() {
        MemorySegment s = Hex.seg(TcpVectors.LINUX_SYN);
        assertEquals(40, TcpPacket.check(s, 0, 40));
        assertEquals(40000, TcpPacket.srcPort(s, 0));
        assertEquals(80, TcpPacket.dstPort(s, 0));
        assertEquals(0x12345678, TcpPacket.seq(s, 0));
        assertEquals(0, TcpPacket.ack(s, 0));
        assertEquals(40, TcpPacket.headerLen(s, 0));
        assertEquals(0, TcpPacket.reserved(s, 0));
        assertEquals(TcpPacket.SYN, TcpPacket.flags(s, 0));
        assertTrue(TcpPacket.hasFlags(s, 0, TcpPacket.SYN));
        assertFalse(TcpPacket.hasFlags(s, 0, TcpPacket.SYN | TcpPacket.ACK));
        assertEquals(64240, TcpPacket.window(s, 0));
        assertEquals(0x517c, TcpPacket.checksum(s, 0));
        assertEquals(0, TcpPacket.urgent(s, 0));
        assertTrue(TcpPacket.checksumOk(s, 0, 40, pseudo(TcpVectors.CLIENT_IP, TcpVectors.SERVER_IP, 40)));
        assertFalse(TcpPacket.checksumOk(s, 0, 40, pseudo(TcpVectors.SERVER_IP, TcpVectors.SERVER_IP, 40)));
        assertEquals(0xffff, RefChecksum.sum(RefChecksum.pseudoV4(TcpVectors.CLIENT_IP, TcpVectors.SERVER_IP, 6, 40),
                s.toArray(ValueLayout.JAVA_BYTE)));
    }

    @Test
    void linuxSynAckFieldsAtAnOffset() {
        byte[] seg = Hex.bytes(TcpVectors.LINUX_SYN_ACK);
        byte[] b = new byte[seg.length + 3];
        System.arraycopy(seg, 0, b, 3, seg.length);
        MemorySegment s = MemorySegment.ofArray(b);
        assertEquals(40, TcpPacket.check(s, 3, 40));
        assertEquals(80, TcpPacket.srcPort(s, 3));
        assertEquals(40000, TcpPacket.dstPort(s, 3));
        assertEquals(0x9abcdef0, TcpPacket.seq(s, 3));
        assertEquals(0x12345679, TcpPacket.ack(s, 3));
        assertEquals(TcpPacket.SYN | TcpPacket.ACK, TcpPacket.flags(s, 3));
        assertTrue(TcpPacket.hasFlags(s, 3, TcpPacket.SYN | TcpPacket.ACK));
        assertEquals(65160, TcpPacket.window(s, 3));
        assertEquals(0x32fe, TcpPacket.checksum(s, 3));
        assertTrue(TcpPacket.checksumOk(s, 3, 40, pseudo(TcpVectors.SERVER_IP, TcpVectors.CLIENT_IP, 40)));
    }

    @Test
    void flagBitsAreRfcPositions() {
        // RFC 9293 §3.1 (CWR, ECE from RFC 3168 §6.1): byte 13, high bit first.
        assertEquals(0x01, TcpPacket.FIN);
        assertEquals(0x02, TcpPacket.SYN);
        assertEquals(0x04, TcpPacket.RST);
        assertEquals(0x08, TcpPacket.PSH);
        assertEquals(0x10, TcpPacket.ACK);
        assertEquals(0x20, TcpPacket.URG);
        assertEquals(0x40, TcpPacket.ECE);
        assertEquals(0x80, TcpPacket.CWR);
        // An ECN-setup SYN as Linux sends it (RFC 3168 §6.1.1): SYN, ECE and CWR.
        MemorySegment s = Hex.seg(TcpVectors.LINUX_SYN);
        s.set(ValueLayout.JAVA_BYTE, 13, (byte) 0xc2);
        assertEquals(0xc2, TcpPacket.flags(s, 0));
        assertTrue(TcpPacket.hasFlags(s, 0, TcpPacket.SYN | TcpPacket.ECE | TcpPacket.CWR));
    }

    @Test
    void reservedBitsAreReadApart() {
        MemorySegment s = Hex.seg(TcpVectors.LINUX_SYN);
        s.set(ValueLayout.JAVA_BYTE, 12, (byte) 0xaf);
        assertEquals(40, TcpPacket.headerLen(s, 0));
        assertEquals(0x0f, TcpPacket.reserved(s, 0));
        assertEquals(40, TcpPacket.check(s, 0, 40));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 19})
    void shortIsTruncated(int len) {
        MemorySegment s = Hex.seg(TcpVectors.LINUX_SYN);
        assertEquals(-Drop.TRUNCATED.code(), TcpPacket.check(s, 0, len));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4})
    void dataOffsetBelowFiveIsMalformed(int words) {
        // CONFORMANCE item 5, RFC 9293 §3.1: the header is at least 5 words.
        MemorySegment s = Hex.seg(TcpVectors.LINUX_SYN);
        s.set(ValueLayout.JAVA_BYTE, 12, (byte) (words << 4));
        assertEquals(-Drop.MALFORMED.code(), TcpPacket.check(s, 0, 40));
    }

    @Test
    void dataOffsetAtTheEdges() {
        MemorySegment s = MemorySegment.ofArray(new byte[60]);
        s.set(ValueLayout.JAVA_BYTE, 12, (byte) 0x50);
        assertEquals(20, TcpPacket.check(s, 0, 20));
        s.set(ValueLayout.JAVA_BYTE, 12, (byte) 0xf0);
        assertEquals(60, TcpPacket.check(s, 0, 60));
        // Data offset one byte past the segment: malformed (CONFORMANCE item 5).
        assertEquals(-Drop.MALFORMED.code(), TcpPacket.check(s, 0, 59));
        s.set(ValueLayout.JAVA_BYTE, 12, (byte) 0x60);
        assertEquals(-Drop.MALFORMED.code(), TcpPacket.check(s, 0, 23));
        assertEquals(24, TcpPacket.check(s, 0, 24));
    }

    @Test
    void emitWritesTheFixedHeader() {
        MemorySegment s = MemorySegment.ofArray(new byte[20]);
        s.fill((byte) 0x77);
        TcpPacket.emit(s, 0, 40000, 80, 0x12345678, 0, 40, TcpPacket.SYN, 64240, 0);
        assertEquals("9c400050" + "12345678" + "00000000" + "a002faf0" + "00000000", Hex.of(s));
        TcpPacket.emit(s, 0, 0xffff, 1, -1, 0x80000000, 60, 0xff, 0xffff, 0xffff);
        assertEquals("ffff0001ffffffff80000000f0ffffff0000ffff", Hex.of(s));
        TcpPacket.emit(s, 0, 1, 2, 3, 4, 20, TcpPacket.ACK, 5, 6);
        assertEquals("0001000200000003000000045010000500000006", Hex.of(s));
    }

    @ParameterizedTest
    @ValueSource(ints = {-4, 0, 16, 22, 64})
    void emitRefusesAnIllegalHeaderLength(int hl) {
        MemorySegment s = MemorySegment.ofArray(new byte[64]);
        assertThrows(IllegalArgumentException.class,
                () -> TcpPacket.emit(s, 0, 1, 2, 3, 4, hl, 0, 0, 0));
    }

    @Test
    void fillChecksumMatchesTheVector() {
        MemorySegment s = Hex.seg(TcpVectors.LINUX_SYN);
        TcpPacket.setChecksum(s, 0, 0x1234);
        assertEquals(0x1234, TcpPacket.checksum(s, 0));
        TcpPacket.fillChecksum(s, 0, 40, pseudo(TcpVectors.CLIENT_IP, TcpVectors.SERVER_IP, 40));
        assertEquals(Hex.of(Hex.seg(TcpVectors.LINUX_SYN)), Hex.of(s));
    }

    @Test
    void computedZeroChecksumStaysZero() {
        // Unlike UDP, TCP has no "no checksum" value: a computed 0 goes out as 0. Choose the
        // last word so that everything else plus it sums to 0xffff.
        MemorySegment s = MemorySegment.ofArray(new byte[22]);
        TcpPacket.emit(s, 0, 1234, 5678, 1, 2, 20, TcpPacket.ACK, 100, 0);
        int rest = RefChecksum.sum(RefChecksum.pseudoV4(TcpVectors.CLIENT_IP, TcpVectors.SERVER_IP, 6, 22),
                s.toArray(ValueLayout.JAVA_BYTE));
        s.set(ValueLayout.JAVA_BYTE, 20, (byte) (~rest >>> 8));
        s.set(ValueLayout.JAVA_BYTE, 21, (byte) ~rest);
        TcpPacket.fillChecksum(s, 0, 22, pseudo(TcpVectors.CLIENT_IP, TcpVectors.SERVER_IP, 22));
        assertEquals(0, TcpPacket.checksum(s, 0));
        assertTrue(TcpPacket.checksumOk(s, 0, 22, pseudo(TcpVectors.CLIENT_IP, TcpVectors.SERVER_IP, 22)));
    }

    @Test
    void constants() {
        assertEquals(20, TcpPacket.HEADER_LEN);
        assertEquals(60, TcpPacket.MAX_HEADER_LEN);
        assertEquals(40, TcpPacket.MAX_OPTIONS_LEN);
        assertEquals(TcpPacket.HEADER_LEN, TcpPacket.Field.OPTIONS);
    }
}
