package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UdpPacketTest {
    private static final int TAP_IP = 0x0a090001;
    private static final int PEER_IP = 0x0a090002;

    private static MemorySegment dns() {
        byte[] f = Hex.bytes(Captures.DNS_QUERY);
        return MemorySegment.ofArray(java.util.Arrays.copyOfRange(f, 34, f.length));
    }

    private static void put16(MemorySegment s, long off, int v) {
        s.set(ValueLayout.JAVA_BYTE, off, (byte) (v >>> 8));
        s.set(ValueLayout.JAVA_BYTE, off + 1, (byte) v);
    }

    @Test
    void capturedDnsQuery() {
        MemorySegment s = dns();
        assertEquals(37, UdpPacket.check(s, 0, 37));
        assertEquals(0xe1fc, UdpPacket.srcPort(s, 0));
        assertEquals(53, UdpPacket.dstPort(s, 0));
        assertEquals(0xc8a8, UdpPacket.checksum(s, 0));
        UdpRepr r = UdpRepr.parse(s, 0, 37, TAP_IP, PEER_IP).value();
        assertEquals(new UdpRepr(0xe1fc, 53, 29), r);
        assertEquals(UdpRepr.parse(s, 0, 37).value(), r);
        assertEquals(8, r.bufferLen());
        assertEquals(37, r.totalLen());
        // Wrong pseudo-header addresses: the checksum no longer verifies.
        assertEquals(Drop.BAD_CHECKSUM, UdpRepr.parse(s, 0, 37, PEER_IP, PEER_IP).error());

        MemorySegment out = MemorySegment.ofArray(s.toArray(ValueLayout.JAVA_BYTE));
        out.asSlice(0, 8).fill((byte) 0);
        r.emit(out, 0, TAP_IP, PEER_IP);
        assertEquals(Hex.of(s), Hex.of(out)); // checksum 0xc8a8 included
        assertEquals(0xffff, RefChecksum.sum(RefChecksum.pseudoV4(TAP_IP, PEER_IP, 17, 37),
                s.toArray(ValueLayout.JAVA_BYTE)));
    }

    @Test
    void zeroChecksumMeansNoneInIpv4() {
        MemorySegment s = dns();
        put16(s, 6, 0);
        assertTrue(UdpRepr.parse(s, 0, 37, TAP_IP, PEER_IP).isOk());
        UdpRepr r = UdpRepr.parse(s, 0, 37).value();
        MemorySegment out = MemorySegment.ofArray(new byte[8]);
        r.emit(out, 0);
        assertEquals(Hex.of(s, 0, 8), Hex.of(out));
    }

    @Test
    void corruptPayloadFailsTheChecksum() {
        MemorySegment s = dns();
        s.set(ValueLayout.JAVA_BYTE, 20, (byte) 'X');
        assertEquals(Drop.BAD_CHECKSUM, UdpRepr.parse(s, 0, 37, TAP_IP, PEER_IP).error());
        assertTrue(UdpRepr.parse(s, 0, 37).isOk());
    }

    @Test
    void computedZeroIsSentAsAllOnes() {
        // RFC 768: an all-zero computed checksum is transmitted as all ones. Pick the last
        // payload word so the sum of everything else plus it is 0xffff, which the naive
        // reference confirms makes the computed checksum 0.
        MemorySegment s = MemorySegment.ofArray(new byte[12]);
        UdpRepr r = new UdpRepr(1234, 5678, 4);
        r.emit(s, 0);
        int rest = RefChecksum.sum(RefChecksum.pseudoV4(TAP_IP, PEER_IP, 17, 12), s.toArray(ValueLayout.JAVA_BYTE));
        put16(s, 10, ~rest & 0xffff);
        assertEquals(0xffff, RefChecksum.sum(RefChecksum.pseudoV4(TAP_IP, PEER_IP, 17, 12),
                s.toArray(ValueLayout.JAVA_BYTE)));
        r.emit(s, 0, TAP_IP, PEER_IP);
        assertEquals(0xffff, UdpPacket.checksum(s, 0));
        assertEquals(r, UdpRepr.parse(s, 0, 12, TAP_IP, PEER_IP).value());
    }

    @Test
    void emitWithPseudoSumMatchesReference() {
        MemorySegment s = MemorySegment.ofArray(new byte[8 + 5]);
        for (int i = 8; i < 13; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 37));
        }
        UdpRepr r = new UdpRepr(68, 67, 5);
        r.emit(s, 0, org.lwip4j.buffer.Checksum.pseudoHeaderV4(0, -1, 17, r.totalLen()));
        assertEquals(0xffff, RefChecksum.sum(RefChecksum.pseudoV4(0, -1, 17, 13), s.toArray(ValueLayout.JAVA_BYTE)));
        assertEquals(r, UdpRepr.parse(s, 0, 13, 0, -1).value());
    }

    @Test
    void fewerThan8BytesIsTruncated() {
        MemorySegment s = dns();
        for (int len = 0; len < 8; len++) {
            assertEquals(-Drop.TRUNCATED.code(), UdpPacket.check(s, 0, len), "len " + len);
            assertEquals(-Drop.TRUNCATED.code(), UdpPacket.checkLite(s, 0, len), "len " + len);
            assertEquals(Drop.TRUNCATED, UdpRepr.parse(s, 0, len).error());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7})
    void lengthFieldBelow8IsBadLength(int len) {
        MemorySegment s = dns();
        put16(s, 4, len);
        assertEquals(-Drop.BAD_LENGTH.code(), UdpPacket.check(s, 0, 37));
        assertEquals(Drop.BAD_LENGTH, UdpRepr.parse(s, 0, 37, TAP_IP, PEER_IP).error());
    }

    @Test
    void lengthFieldAboveTheBytesIsBadLength() {
        MemorySegment s = dns();
        assertEquals(-Drop.BAD_LENGTH.code(), UdpPacket.check(s, 0, 36));
        put16(s, 4, 0xffff);
        assertEquals(-Drop.BAD_LENGTH.code(), UdpPacket.check(s, 0, 37));
    }

    @Test
    void bytesPastTheLengthFieldArePadding() {
        byte[] b = new byte[60];
        System.arraycopy(dns().toArray(ValueLayout.JAVA_BYTE), 0, b, 0, 37);
        MemorySegment s = MemorySegment.ofArray(b);
        assertEquals(37, UdpPacket.check(s, 0, 60));
        // The checksum covers the datagram up to its length field, not the padding.
        assertEquals(29, UdpRepr.parse(s, 0, 60, TAP_IP, PEER_IP).value().payloadLen());
        put16(s, 4, 8);
        assertEquals(8, UdpPacket.check(s, 0, 60));
    }

    @Test
    void reprRejectsValuesThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> new UdpRepr(0x10000, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new UdpRepr(0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new UdpRepr(0, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new UdpRepr(0, 0, 65528));
        assertEquals(0xffff, new UdpRepr(0, 0, 65527).totalLen());
    }

    // UDP-Lite (RFC 3828)

    /** A UDP-Lite datagram of 8 + payload bytes with the given coverage, checksummed. */
    private static MemorySegment lite(int coverage, int payload) {
        MemorySegment s = MemorySegment.ofArray(new byte[8 + payload]);
        for (int i = 8; i < 8 + payload; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 13 + 1));
        }
        new UdpLiteRepr(4000, 5000, coverage, payload).emit(s, 0, TAP_IP, PEER_IP);
        return s;
    }

    @Test
    void liteCoverageZeroCoversEverything() {
        MemorySegment s = lite(0, 21);
        assertEquals(29, UdpPacket.checkLite(s, 0, 29));
        UdpLiteRepr r = UdpLiteRepr.parse(s, 0, 29, TAP_IP, PEER_IP).value();
        assertEquals(new UdpLiteRepr(4000, 5000, 0, 21), r);
        assertEquals(29, r.coveredLen());
        // The pseudo-header length is the IP payload length (RFC 3828 §3.1), checked naively.
        assertEquals(0xffff, RefChecksum.sum(RefChecksum.pseudoV4(TAP_IP, PEER_IP, 136, 29),
                s.toArray(ValueLayout.JAVA_BYTE)));
        s.set(ValueLayout.JAVA_BYTE, 28, (byte) 0);
        assertEquals(Drop.BAD_CHECKSUM, UdpLiteRepr.parse(s, 0, 29, TAP_IP, PEER_IP).error());
    }

    @Test
    void litePartialCoverage() {
        MemorySegment s = lite(12, 21);
        assertEquals(12, UdpPacket.checkLite(s, 0, 29));
        UdpLiteRepr r = UdpLiteRepr.parse(s, 0, 29, TAP_IP, PEER_IP).value();
        assertEquals(12, r.coveredLen());
        byte[] covered = java.util.Arrays.copyOf(s.toArray(ValueLayout.JAVA_BYTE), 12);
        assertEquals(0xffff, RefChecksum.sum(RefChecksum.pseudoV4(TAP_IP, PEER_IP, 136, 29), covered));
        // Damage past the coverage is the point of UDP-Lite: still accepted.
        s.set(ValueLayout.JAVA_BYTE, 20, (byte) 0x77);
        assertTrue(UdpLiteRepr.parse(s, 0, 29, TAP_IP, PEER_IP).isOk());
        // Damage inside it is not.
        s.set(ValueLayout.JAVA_BYTE, 10, (byte) 0x77);
        assertEquals(Drop.BAD_CHECKSUM, UdpLiteRepr.parse(s, 0, 29, TAP_IP, PEER_IP).error());
        // Header-only coverage.
        assertTrue(UdpLiteRepr.parse(lite(8, 21), 0, 29, TAP_IP, PEER_IP).isOk());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
    void liteCoverage1To7IsBadLength(int cov) {
        MemorySegment s = lite(0, 21);
        put16(s, 4, cov);
        assertEquals(-Drop.BAD_LENGTH.code(), UdpPacket.checkLite(s, 0, 29));
        assertEquals(Drop.BAD_LENGTH, UdpLiteRepr.parse(s, 0, 29).error());
    }

    @Test
    void liteCoverageBeyondTheDatagramIsBadLength() {
        MemorySegment s = lite(29, 21);
        assertEquals(29, UdpPacket.checkLite(s, 0, 29));
        assertEquals(-Drop.BAD_LENGTH.code(), UdpPacket.checkLite(s, 0, 28));
        put16(s, 4, 30);
        assertEquals(-Drop.BAD_LENGTH.code(), UdpPacket.checkLite(s, 0, 29));
    }

    @Test
    void liteZeroChecksumIsRejected() {
        MemorySegment s = lite(0, 3);
        put16(s, 6, 0);
        assertEquals(Drop.BAD_CHECKSUM, UdpLiteRepr.parse(s, 0, 11, TAP_IP, PEER_IP).error());
        assertTrue(UdpLiteRepr.parse(s, 0, 11).isOk());
    }

    @Test
    void liteReprRejectsIllegalCoverage() {
        assertThrows(IllegalArgumentException.class, () -> new UdpLiteRepr(0, 0, 7, 10));
        assertThrows(IllegalArgumentException.class, () -> new UdpLiteRepr(0, 0, 19, 10));
        assertThrows(IllegalArgumentException.class, () -> new UdpLiteRepr(0x10000, 0, 0, 10));
        assertEquals(18, new UdpLiteRepr(0, 0, 18, 10).coveredLen());
    }
}
