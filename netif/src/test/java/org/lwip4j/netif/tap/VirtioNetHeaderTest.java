package org.lwip4j.netif.tap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Pbuf;

class VirtioNetHeaderTest {
    /** The legacy header is in host order; these vectors are for little-endian hosts (x86-64, aarch64). */
    private static byte[] le(int flags, int gsoType, int hdrLen, int gsoSize, int start, int off) {
        assert ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        return new byte[] {(byte) flags, (byte) gsoType, (byte) hdrLen, (byte) (hdrLen >> 8), (byte) gsoSize, (byte) (gsoSize >> 8),
                (byte) start, (byte) (start >> 8), (byte) off, (byte) (off >> 8)};
    }

    @Test
    void decodesIntoOffloadFields() {
        Pbuf p = Pbuf.wrap(new byte[100]);
        VirtioNetHeader.decode(MemorySegment.ofArray(le(1, 4, 86, 1428, 54, 16)), 0, p);
        assertEquals(Pbuf.OFFLOAD_NEEDS_CSUM, p.offloadFlags());
        assertEquals(VirtioNetHeader.GSO_TCPV6, p.gsoType());
        assertEquals(1428, p.gsoSize());
        assertEquals(54, p.checksumStart());
        assertEquals(16, p.checksumOffset());

        VirtioNetHeader.decode(MemorySegment.ofArray(le(2, 0, 0, 0, 0, 0)), 0, p);
        assertEquals(Pbuf.OFFLOAD_DATA_VALID, p.offloadFlags(), "fields of an earlier header are cleared");
        assertEquals(0, p.gsoType());
        assertEquals(0, p.gsoSize());
        assertEquals(0, p.checksumStart());
    }

    @Test
    void encodesPlainFrameAsZeros() {
        byte[] out = new byte[12];
        VirtioNetHeader.encode(Pbuf.wrap(new byte[60]), MemorySegment.ofArray(out), 1);
        assertArrayEquals(new byte[12], out);
    }

    @Test
    void encodesPartialChecksum() {
        Pbuf p = Pbuf.wrap(new byte[98]);
        p.setChecksumPartial(34, 2);
        byte[] out = new byte[10];
        VirtioNetHeader.encode(p, MemorySegment.ofArray(out), 0);
        assertArrayEquals(le(1, 0, 38, 0, 34, 2), out);
    }

    @Test
    void encodesTcpGsoWithHeaderLengthFromTheTcpHeader() {
        byte[] f = new byte[14 + 20 + 32 + 4000];
        f[14 + 20 + 12] = (byte) (8 << 4); // TCP data offset 8 words: 32 bytes of header
        Pbuf p = Pbuf.wrap(f);
        p.setChecksumPartial(34, 16);
        p.setGso(VirtioNetHeader.GSO_TCPV4, 1448);
        byte[] out = new byte[10];
        VirtioNetHeader.encode(p, MemorySegment.ofArray(out), 0);
        assertArrayEquals(le(1, 1, 66, 1448, 34, 16), out);
    }

    @Test
    void encodesUdpGso() {
        Pbuf p = Pbuf.wrap(new byte[14 + 20 + 8 + 3000]);
        p.setChecksumPartial(34, 6);
        p.setGso(VirtioNetHeader.GSO_UDP_L4, 1000);
        byte[] out = new byte[10];
        VirtioNetHeader.encode(p, MemorySegment.ofArray(out), 0);
        assertArrayEquals(le(1, 5, 42, 1000, 34, 6), out);
        Pbuf back = Pbuf.wrap(new byte[1]);
        VirtioNetHeader.decode(MemorySegment.ofArray(out), 0, back);
        assertEquals(p.offloadFlags(), back.offloadFlags());
        assertEquals(p.gsoType(), back.gsoType());
        assertEquals(p.gsoSize(), back.gsoSize());
        assertEquals(p.checksumStart(), back.checksumStart());
        assertEquals(p.checksumOffset(), back.checksumOffset());
    }

    @Test
    void aPartialChecksumOutsideTheFrameIsNotEncodable() {
        Pbuf p = Pbuf.wrap(new byte[40]);
        org.junit.jupiter.api.Assertions.assertTrue(VirtioNetHeader.encodable(p), "no partial checksum");
        p.setChecksumPartial(20, 16);
        org.junit.jupiter.api.Assertions.assertTrue(VirtioNetHeader.encodable(p), "field at 36..38 of 40");
        p.setChecksumPartial(20, 19);
        org.junit.jupiter.api.Assertions.assertFalse(VirtioNetHeader.encodable(p), "field past the end");
        p.setChecksumPartial(-14, 16);
        org.junit.jupiter.api.Assertions.assertFalse(VirtioNetHeader.encodable(p), "start before the first byte (a forwarded frame)");
    }
}
