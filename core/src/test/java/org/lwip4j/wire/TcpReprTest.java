package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Checksum;

class TcpReprTest {
    private static final long SYN_PSEUDO =
            Checksum.pseudoHeaderV4(TcpVectors.CLIENT_IP, TcpVectors.SERVER_IP, Ipv4Packet.PROTO_TCP, 40);
    private static final long SYN_ACK_PSEUDO =
            Checksum.pseudoHeaderV4(TcpVectors.SERVER_IP, TcpVectors.CLIENT_IP, Ipv4Packet.PROTO_TCP, 40);

    private static final TcpRepr SYN = new TcpRepr(40000, 80, 0x12345678, 0, TcpPacket.SYN, 64240, 0,
            new TcpOptionsRepr(1460, 7, true, true, 123456, 0, List.of()), 0);
    private static final TcpRepr SYN_ACK = new TcpRepr(80, 40000, 0x9abcdef0, 0x12345679,
            TcpPacket.SYN | TcpPacket.ACK, 65160, 0, new TcpOptionsRepr(1460, 7, true, true, 500000, 123456, List.of()), 0);

    @Test
    void linuxSynParsesAndEmitsByteForByte() {
        MemorySegment s = Hex.seg(TcpVectors.LINUX_SYN);
        assertEquals(SYN, TcpRepr.parse(s, 0, 40, SYN_PSEUDO).value());
        assertEquals(SYN, TcpRepr.parse(s, 0, 40).value());
        assertEquals(40, SYN.bufferLen());
        assertEquals(40, SYN.totalLen());
        MemorySegment out = MemorySegment.ofArray(new byte[40]);
        SYN.emit(out, 0, SYN_PSEUDO);
        assertEquals(Hex.of(s), Hex.of(out));
    }

    @Test
    void linuxSynAckParsesAndEmitsByteForByte() {
        MemorySegment s = Hex.seg(TcpVectors.LINUX_SYN_ACK);
        assertEquals(SYN_ACK, TcpRepr.parse(s, 0, 40, SYN_ACK_PSEUDO).value());
        MemorySegment out = MemorySegment.ofArray(new byte[40]);
        out.fill((byte) 0x55);
        SYN_ACK.emit(out, 0, SYN_ACK_PSEUDO);
        assertEquals(Hex.of(s), Hex.of(out));
        // Without a pseudo-header: the same header, checksum left zero.
        SYN_ACK.emit(out, 0);
        assertEquals(0, TcpPacket.checksum(out, 0));
        assertEquals(Hex.of(s, 0, 16), Hex.of(out, 0, 16));
        assertEquals(Hex.of(s, 18, 22), Hex.of(out, 18, 22));
    }

    @Test
    void badChecksumIsRefused() {
        MemorySegment s = Hex.seg(TcpVectors.LINUX_SYN);
        // The pseudo-header of other addresses (swapping them would give the same sum).
        long other = Checksum.pseudoHeaderV4(TcpVectors.SERVER_IP, TcpVectors.SERVER_IP, Ipv4Packet.PROTO_TCP, 40);
        assertEquals(Drop.BAD_CHECKSUM, TcpRepr.parse(s, 0, 40, other).error());
        s.set(ValueLayout.JAVA_BYTE, 30, (byte) 1);
        assertEquals(Drop.BAD_CHECKSUM, TcpRepr.parse(s, 0, 40, SYN_PSEUDO).error());
        assertTrue(TcpRepr.parse(s, 0, 40).isOk());
    }

    @Test
    void aBareHeaderHasItsChecksumChecked() {
        MemorySegment s = MemorySegment.ofArray(new byte[20]);
        TcpRepr r = new TcpRepr(1, 2, 3, 4, TcpPacket.ACK, 5, 0, TcpOptionsRepr.NONE, 0);
        long pseudo = Checksum.pseudoHeaderV4(TcpVectors.CLIENT_IP, TcpVectors.SERVER_IP, 6, 20);
        r.emit(s, 0, pseudo);
        assertEquals(r, TcpRepr.parse(s, 0, 20, pseudo).value());
        TcpPacket.setChecksum(s, 0, TcpPacket.checksum(s, 0) ^ 1);
        assertEquals(Drop.BAD_CHECKSUM, TcpRepr.parse(s, 0, 20, pseudo).error());
    }

    @Test
    void refusalsOfTheViewAndTheOptions() {
        MemorySegment s = Hex.seg(TcpVectors.LINUX_SYN);
        assertEquals(Drop.TRUNCATED, TcpRepr.parse(s, 0, 19).error());
        assertEquals(Drop.TRUNCATED, TcpRepr.parse(s, 0, 19, SYN_PSEUDO).error());
        assertEquals(Drop.TRUNCATED, TcpRepr.parse(s, 0, 0, SYN_PSEUDO).error());
        assertEquals(Drop.MALFORMED, TcpRepr.parse(s, 0, 39).error());
        s.set(ValueLayout.JAVA_BYTE, 12, (byte) 0x40);
        assertEquals(Drop.MALFORMED, TcpRepr.parse(s, 0, 40).error());
        MemorySegment bad = Hex.seg(TcpVectors.LINUX_SYN);
        bad.set(ValueLayout.JAVA_BYTE, 21, (byte) 0); // MSS length 0
        assertEquals(Drop.BAD_OPTION, TcpRepr.parse(bad, 0, 40).error());
    }

    @Test
    void dataSegmentWithPayload() {
        // A data segment as Linux sends it in ESTABLISHED: NOP NOP TS, then 5 bytes of data.
        TcpRepr r = new TcpRepr(40000, 80, 0xfffffffe, 0x9abcdef1, TcpPacket.ACK | TcpPacket.PSH, 502, 0,
                new TcpOptionsRepr(-1, -1, false, true, 123500, 500000, List.of()), 5);
        assertEquals(32, r.bufferLen());
        assertEquals(37, r.totalLen());
        MemorySegment s = MemorySegment.ofArray(new byte[37]);
        MemorySegment.copy(MemorySegment.ofArray("hello".getBytes()), 0, s, 32, 5);
        long pseudo = Checksum.pseudoHeaderV4(TcpVectors.CLIENT_IP, TcpVectors.SERVER_IP, 6, 37);
        r.emit(s, 0, pseudo);
        assertEquals("9c400050fffffffe9abcdef18018" + "01f6", Hex.of(s, 0, 16));
        assertEquals("0000" + "0101080a0001e26c0007a120" + "68656c6c6f", Hex.of(s, 18, 19));
        assertEquals(0xffff, RefChecksum.sum(RefChecksum.pseudoV4(TcpVectors.CLIENT_IP, TcpVectors.SERVER_IP, 6, 37),
                s.toArray(ValueLayout.JAVA_BYTE)));
        assertEquals(r, TcpRepr.parse(s, 0, 37, pseudo).value());
    }

    @Test
    void bareHeaderWithAllFieldsAtTheirMaximum() {
        TcpRepr r = new TcpRepr(0xffff, 0xffff, -1, -1, 0xff, 0xffff, 0xffff, TcpOptionsRepr.NONE, 0);
        assertEquals(20, r.bufferLen());
        MemorySegment s = MemorySegment.ofArray(new byte[20]);
        r.emit(s, 0);
        assertEquals("ffffffffffffffffffffffff50ffffff0000ffff", Hex.of(s));
        assertEquals(r, TcpRepr.parse(s, 0, 20).value());
    }

    @Test
    void optionsThatDoNotFitAreRefusedOnEmit() {
        TcpOptionsRepr.SackBlock b = new TcpOptionsRepr.SackBlock(1, 2);
        TcpRepr r = new TcpRepr(1, 2, 3, 4, TcpPacket.ACK, 5, 0,
                new TcpOptionsRepr(-1, -1, false, true, 1, 2, List.of(b, b, b, b)), 0);
        assertEquals(68, r.bufferLen());
        assertThrows(IllegalStateException.class, () -> r.emit(MemorySegment.ofArray(new byte[80]), 0));
    }

    @Test
    void constructorChecksWidths() {
        TcpOptionsRepr n = TcpOptionsRepr.NONE;
        assertThrows(IllegalArgumentException.class, () -> new TcpRepr(0x10000, 0, 0, 0, 0, 0, 0, n, 0));
        assertThrows(IllegalArgumentException.class, () -> new TcpRepr(-1, 0, 0, 0, 0, 0, 0, n, 0));
        assertThrows(IllegalArgumentException.class, () -> new TcpRepr(0, 0x10000, 0, 0, 0, 0, 0, n, 0));
        assertThrows(IllegalArgumentException.class, () -> new TcpRepr(0, 0, 0, 0, 0, 0x10000, 0, n, 0));
        assertThrows(IllegalArgumentException.class, () -> new TcpRepr(0, 0, 0, 0, 0, 0, 0x10000, n, 0));
        assertThrows(IllegalArgumentException.class, () -> new TcpRepr(0, 0, 0, 0, 0x100, 0, 0, n, 0));
        assertThrows(IllegalArgumentException.class, () -> new TcpRepr(0, 0, 0, 0, -1, 0, 0, n, 0));
        assertThrows(IllegalArgumentException.class, () -> new TcpRepr(0, 0, 0, 0, 0, 0, 0, n, -1));
        assertThrows(NullPointerException.class, () -> new TcpRepr(0, 0, 0, 0, 0, 0, 0, null, 0));
        assertEquals(0, new TcpRepr(0, 0, 0, 0, 0, 0, 0, n, 0).payloadLen());
    }
}
