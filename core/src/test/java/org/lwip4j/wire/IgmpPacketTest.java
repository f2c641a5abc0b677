package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** IGMPv1/v2 (RFC 2236) and IGMPv3 (RFC 3376) messages, version told as RFC 3376 §7.1 says. */
class IgmpPacketTest {
    private static final int MDNS = 0xe00000fb;

    @Test
    void linuxJoiningMdnsWithIgmpv3() {
        MemorySegment s = Hex.seg(Ipv6Vectors.IGMPV3_REPORT);
        assertEquals(3, IgmpPacket.check(s, 0, 16));
        assertTrue(IgmpPacket.checksumOk(s, 0, 16));
        assertEquals(0xf902, IgmpPacket.checksum(s, 0));
        assertEquals(1, IgmpPacket.numRecords(s, 0));
        long r = IgmpPacket.firstRecord(0);
        assertEquals(8, r);
        assertEquals(MldPacket.CHANGE_TO_EXCLUDE, IgmpPacket.recordType(s, r));
        assertEquals(0, IgmpPacket.recordAuxLen(s, r));
        assertEquals(0, IgmpPacket.recordNumSources(s, r));
        assertEquals(MDNS, IgmpPacket.recordGroup(s, r));
        assertEquals(16, IgmpPacket.nextRecord(s, r));
        IgmpRepr rep = IgmpRepr.parse(s, 0, 16).value();
        assertEquals(new IgmpRepr(3, 0x22, 0, 1, 8), rep);
        assertEquals(1, rep.numRecords());
        assertEquals(16, rep.totalLen());

        MemorySegment out = MemorySegment.ofArray(new byte[16]);
        assertEquals(8, IgmpPacket.emitReportV3(out, 0, 1));
        assertEquals(8, IgmpPacket.emitRecord(out, 8, MldPacket.CHANGE_TO_EXCLUDE, MDNS, 0));
        IgmpPacket.fillChecksum(out, 0, 16);
        assertEquals(Hex.of(s), Hex.of(out));
        out.asSlice(0, 8).fill((byte) 0);
        rep.emit(out, 0, true);
        assertEquals(Hex.of(s), Hex.of(out));
    }

    @Test
    void igmpv2ReportAndLeave() {
        MemorySegment s = Hex.seg(Ipv6Vectors.IGMPV2_REPORT);
        assertEquals(2, IgmpPacket.check(s, 0, 8));
        IgmpRepr r = IgmpRepr.parse(s, 0, 8).value();
        assertEquals(IgmpRepr.v2Report(MDNS), r);
        assertEquals(MDNS, r.group());
        assertEquals(MDNS, IgmpPacket.group(s, 0));
        assertEquals(8, r.bufferLen());
        MemorySegment out = MemorySegment.ofArray(new byte[8]);
        r.emit(out, 0, true);
        assertEquals(Hex.of(s), Hex.of(out));
        r.emit(out, 0, false);
        assertEquals("16000000e00000fb", Hex.of(out));
        IgmpRepr.leave(MDNS).emit(out, 0, true);
        assertEquals(IgmpRepr.leave(MDNS), IgmpRepr.parse(out, 0, 8).value());
        assertEquals(2, IgmpRepr.parse(out, 0, 8).value().version());
        IgmpRepr.v1Report(MDNS).emit(out, 0, true);
        assertEquals(IgmpRepr.v1Report(MDNS), IgmpRepr.parse(out, 0, 8).value());
        // A flipped bit fails the checksum unless it is not looked at.
        out.set(ValueLayout.JAVA_BYTE, 7, (byte) 0xfa);
        assertEquals(Drop.BAD_CHECKSUM, IgmpRepr.parse(out, 0, 8).error());
        assertEquals(0xe00000fa, IgmpRepr.parse(out, 0, 8, false).value().group());
    }

    @Test
    void queryVersionByLengthAndMaxResponse() {
        MemorySegment s = MemorySegment.ofArray(new byte[12 + 8]);
        IgmpPacket.emit(s, 0, IgmpPacket.TYPE_QUERY, 0, 0);
        assertEquals(1, IgmpPacket.check(s, 0, 8), "8 bytes, max response 0: v1");
        IgmpPacket.emit(s, 0, IgmpPacket.TYPE_QUERY, 1, 0);
        assertEquals(2, IgmpPacket.check(s, 0, 8), "8 bytes, max response 1: v2");
        assertEquals(-Drop.UNSUPPORTED.code(), IgmpPacket.check(s, 0, 9));
        assertEquals(-Drop.UNSUPPORTED.code(), IgmpPacket.check(s, 0, 11));
        assertEquals(3, IgmpPacket.check(s, 0, 12));
        assertEquals(-Drop.TRUNCATED.code(), IgmpPacket.check(s, 0, 7));
        assertEquals(Drop.UNSUPPORTED, IgmpRepr.parse(s, 0, 10).error());
        // A group-and-source-specific query with two sources.
        assertEquals(12, IgmpPacket.emitQueryV3(s, 0, 100, MDNS, true, 2, 125, 2));
        IgmpPacket.setSource(s, 0, 0, 0x0a000001);
        IgmpPacket.setSource(s, 0, 1, 0x0a000002);
        assertEquals("11640000e00000fb0a7d00020a0000010a000002", Hex.of(s));
        assertEquals(3, IgmpPacket.check(s, 0, 20));
        assertEquals(-Drop.BAD_LENGTH.code(), IgmpPacket.check(s, 0, 19));
        assertEquals(-Drop.BAD_LENGTH.code(), IgmpPacket.check(s, 0, 12));
        assertTrue(IgmpPacket.suppress(s, 0));
        assertEquals(2, IgmpPacket.qrv(s, 0));
        assertEquals(125, IgmpPacket.qqic(s, 0));
        assertEquals(2, IgmpPacket.numSources(s, 0));
        assertEquals(0x0a000001, IgmpPacket.source(s, 0, 0));
        assertEquals(0x0a000002, IgmpPacket.source(s, 0, 1));
        assertEquals(100, IgmpPacket.maxResponseCode(s, 0));
        IgmpPacket.fillChecksum(s, 0, 20);
        IgmpRepr q = IgmpRepr.parse(s, 0, 20).value();
        assertEquals(3, q.version());
        assertEquals(12, q.dataLen());
        IgmpPacket.emitQueryV3(s, 0, 0x1ff, 0, false, 0xf, 0x1ff, 0x10000);
        assertEquals("11ff00000000000007ff0000", Hex.of(s, 0, 12));
        assertFalse(IgmpPacket.suppress(s, 0));
        assertEquals(7, IgmpPacket.qrv(s, 0));
    }

    @Test
    void reportRecordsMustFit() {
        MemorySegment s = MemorySegment.ofArray(new byte[8 + 16 + 16]);
        IgmpPacket.emitReportV3(s, 0, 2);
        assertEquals(16, IgmpPacket.emitRecord(s, 8, MldPacket.ALLOW_NEW_SOURCES, MDNS, 2));
        IgmpPacket.setRecordSource(s, 8, 0, 0x0a000001);
        IgmpPacket.setRecordSource(s, 8, 1, 0x0a000002);
        assertEquals(12, IgmpPacket.emitRecord(s, 24, MldPacket.BLOCK_OLD_SOURCES, MDNS, 1));
        s.set(ValueLayout.JAVA_BYTE, 25, (byte) 1);
        IgmpPacket.setRecordSource(s, 24, 0, 0x0a000003);
        assertEquals(3, IgmpPacket.check(s, 0, 40));
        assertEquals(0x0a000002, IgmpPacket.recordSource(s, 8, 1));
        assertEquals(4, IgmpPacket.recordAuxLen(s, 24));
        assertEquals(16, IgmpPacket.recordLen(s, 24));
        assertEquals(-Drop.TRUNCATED.code(), IgmpPacket.check(s, 0, 39), "aux data cut");
        assertEquals(-Drop.TRUNCATED.code(), IgmpPacket.check(s, 0, 31), "second record header cut");
        assertEquals(-Drop.TRUNCATED.code(), IgmpPacket.check(s, 0, 23), "sources cut");
        assertEquals(-Drop.TRUNCATED.code(), IgmpPacket.check(s, 0, 15), "first record header cut");
        assertEquals(Drop.TRUNCATED, IgmpRepr.parse(s, 0, 39).error());
        IgmpPacket.emitReportV3(s, 0, 0);
        assertEquals(3, IgmpPacket.check(s, 0, 8));
        assertEquals(3, IgmpPacket.check(s, 0, 40), "bytes past the records are allowed");
    }

    @Test
    void otherTypesAreVersionZero() {
        MemorySegment s = MemorySegment.ofArray(new byte[8]);
        for (int type : new int[] {0, 0x10, 0x13, 0x15, 0x18, 0x21, 0x23, 0xff}) {
            IgmpPacket.emit(s, 0, type, 0, 0);
            assertEquals(0, IgmpPacket.check(s, 0, 8), "type " + type);
        }
        IgmpPacket.emit(s, 0, 0x1ff, 0x1ff, 0);
        assertEquals("ffff000000000000", Hex.of(s));
    }

    @Test
    void thirdSourceChecksumOverOldValueAndCutRecordsInAnExactSegment() {
        MemorySegment s = MemorySegment.ofArray(new byte[8 + 8 + 12]);
        IgmpPacket.emitReportV3(s, 0, 1);
        IgmpPacket.emitRecord(s, 8, MldPacket.MODE_IS_INCLUDE, MDNS, 3);
        IgmpPacket.setRecordSource(s, 8, 2, 0x0a000003);
        assertEquals(0x0a000003, IgmpPacket.recordSource(s, 8, 2));
        assertEquals(3, IgmpPacket.check(s, 0, 28));
        // The checksum is computed over a zero field, whatever was there.
        s.set(ValueLayout.JAVA_BYTE, 2, (byte) 0x12);
        s.set(ValueLayout.JAVA_BYTE, 3, (byte) 0x34);
        IgmpPacket.fillChecksum(s, 0, 28);
        assertTrue(IgmpPacket.checksumOk(s, 0, 28));
        int sum = IgmpPacket.checksum(s, 0);
        IgmpPacket.fillChecksum(s, 0, 28);
        assertEquals(sum, IgmpPacket.checksum(s, 0));
        MemorySegment q = MemorySegment.ofArray(new byte[24]);
        IgmpPacket.emitQueryV3(q, 0, 0, 0, false, 0, 0, 3);
        IgmpPacket.setSource(q, 0, 2, 0x0a000009);
        assertEquals(0x0a000009, IgmpPacket.source(q, 0, 2));
        for (int cut = 9; cut <= 11; cut++) {
            assertEquals(-Drop.TRUNCATED.code(), IgmpPacket.check(s.asSlice(0, cut), 0, cut), "cut at " + cut);
        }
    }

    @Test
    void otherTypesParseAsVersionZero() {
        MemorySegment s = MemorySegment.ofArray(new byte[8]);
        IgmpPacket.emit(s, 0, 0x13, 0, MDNS);
        IgmpPacket.fillChecksum(s, 0, 8);
        assertEquals(new IgmpRepr(0, 0x13, 0, MDNS, 0), IgmpRepr.parse(s, 0, 8).value());
    }

    @Test
    void codeEncoding() {
        // RFC 3376 §4.1.1: below 128 the code itself, else (mant | 0x10) << (exp + 3).
        assertEquals(0, IgmpPacket.decodeCode(0));
        assertEquals(127, IgmpPacket.decodeCode(127));
        assertEquals(0x10 << 3, IgmpPacket.decodeCode(0x80));
        assertEquals(0x11 << 3, IgmpPacket.decodeCode(0x81));
        assertEquals(0x10 << 4, IgmpPacket.decodeCode(0x90));
        assertEquals(0x1f << 10, IgmpPacket.decodeCode(0xff));
    }

    @Test
    void reprRefusesFieldsThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> new IgmpRepr(0, 256, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IgmpRepr(0, -1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IgmpRepr(0, 0, 256, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IgmpRepr(-1, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IgmpRepr(4, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IgmpRepr(0, 0, 0, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new IgmpRepr(0, 0, 0, 0, 0xffff - 67));
        assertEquals(0xffff - 60, new IgmpRepr(3, 0, 0, 0, 0xffff - 68).totalLen());
        assertEquals(0, new IgmpRepr(0, 0xff, 0xff, 0, 0).version());
        assertEquals(0xffff, new IgmpRepr(3, 0x22, 0, 0x1234ffff, 0).numRecords());
    }
}
