package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** MLDv1 (RFC 2710) and MLDv2 (RFC 3810) messages. */
class MldPacketTest {
    private static final long LL = 0xfe80_0000_0000_0000L;
    private static final long ME = 0x5054_00ff_fe12_3456L;
    private static final long FF02 = 0xff02_0000_0000_0000L;

    @Test
    void linuxJoiningMdns() {
        MemorySegment s = Hex.seg(Ipv6Vectors.MLDV2_REPORT);
        assertEquals(1, Ipv6Packet.hopLimit(s, 0));
        long m = 48;
        int len = 28;
        assertTrue(Icmpv6Packet.checksumOk(s, m, len, LL, ME, FF02, 0x16));
        assertEquals(Icmpv6Packet.TYPE_MLDV2_REPORT, Icmpv6Packet.type(s, m));
        assertEquals(28, MldPacket.checkReport(s, m, len));
        assertEquals(1, MldPacket.numRecords(s, m));
        long r = MldPacket.firstRecord(m);
        assertEquals(56, r);
        assertEquals(MldPacket.CHANGE_TO_EXCLUDE, MldPacket.recordType(s, r));
        assertEquals(0, MldPacket.recordAuxLen(s, r));
        assertEquals(0, MldPacket.recordNumSources(s, r));
        assertEquals(20, MldPacket.recordLen(s, r));
        assertEquals(FF02, MldPacket.recordMulticastHi(s, r));
        assertEquals(0xfb, MldPacket.recordMulticastLo(s, r));
        assertEquals(76, MldPacket.nextRecord(s, r));

        // The whole packet, emitted piece by piece.
        MemorySegment out = MemorySegment.ofArray(new byte[76]);
        Ipv6Packet.emit(out, 0, 0, 0, 36, Ipv6Packet.NH_HOP_BY_HOP, 1, LL, ME, FF02, 0x16);
        Ipv6ExtHeaders.emitHopByHopRouterAlert(out, 40, Ipv6Packet.NH_ICMPV6, Ipv6ExtHeaders.ROUTER_ALERT_MLD);
        assertEquals(8, MldPacket.emitReportV2(out, 48, 1));
        assertEquals(20, MldPacket.emitRecord(out, 56, MldPacket.CHANGE_TO_EXCLUDE, FF02, 0xfb, 0));
        Icmpv6Packet.fillChecksum(out, 48, 28, LL, ME, FF02, 0x16);
        assertEquals(Hex.of(s), Hex.of(out));
    }

    @Test
    void reportWithSourcesAndAuxData() {
        // Two records: ALLOW_NEW_SOURCES with 2 sources, then MODE_IS_INCLUDE with 1 source and 4 bytes of aux data.
        MemorySegment s = MemorySegment.ofArray(new byte[8 + 52 + 40]);
        MldPacket.emitReportV2(s, 0, 2);
        long r = MldPacket.firstRecord(0);
        assertEquals(52, MldPacket.emitRecord(s, r, MldPacket.ALLOW_NEW_SOURCES, 0xff3e_0000_0000_0000L, 0x1234, 2));
        MldPacket.setRecordSource(s, r, 0, 0x2001_0db8_0000_0000L, 1);
        MldPacket.setRecordSource(s, r, 1, 0x2001_0db8_0000_0000L, 2);
        long r2 = MldPacket.nextRecord(s, r);
        assertEquals(60, r2);
        assertEquals(36, MldPacket.emitRecord(s, r2, MldPacket.MODE_IS_INCLUDE, FF02, 0xfb, 1));
        s.set(ValueLayout.JAVA_BYTE, r2 + 1, (byte) 1);
        MldPacket.setRecordSource(s, r2, 0, LL, 9);
        assertEquals(100, MldPacket.checkReport(s, 0, 100));
        assertEquals(2, MldPacket.recordNumSources(s, r));
        assertEquals(1, MldPacket.recordSourceLo(s, r, 0));
        assertEquals(0x2001_0db8_0000_0000L, MldPacket.recordSourceHi(s, r, 1));
        assertEquals(2, MldPacket.recordSourceLo(s, r, 1));
        assertEquals(4, MldPacket.recordAuxLen(s, r2));
        assertEquals(40, MldPacket.recordLen(s, r2));
        assertEquals(LL, MldPacket.recordSourceHi(s, r2, 0));
        assertEquals(9, MldPacket.recordSourceLo(s, r2, 0));
        assertEquals(-Drop.TRUNCATED.code(), MldPacket.checkReport(s, 0, 99), "aux data cut");
        assertEquals(-Drop.TRUNCATED.code(), MldPacket.checkReport(s, 0, 79), "second record header cut");
        assertEquals(-Drop.TRUNCATED.code(), MldPacket.checkReport(s, 0, 59), "sources cut");
        assertEquals(-Drop.TRUNCATED.code(), MldPacket.checkReport(s, 0, 27), "first record header cut");
        assertEquals(-Drop.TRUNCATED.code(), MldPacket.checkReport(s, 0, 7));
        // Bytes past the records are allowed; the check says how many the records cover.
        MldPacket.emitReportV2(s, 0, 1);
        assertEquals(60, MldPacket.checkReport(s, 0, 100));
        MldPacket.emitReportV2(s, 0, 0);
        assertEquals(8, MldPacket.checkReport(s, 0, 8));
        assertEquals("8f00000000000000", Hex.of(s, 0, 8));
    }

    @Test
    void mldv1ReportAndDone() {
        MemorySegment s = Hex.seg(Ipv6Vectors.MLDV1_REPORT);
        assertTrue(Icmpv6Packet.checksumOk(s, 0, 24, LL, ME, FF02, 0xfb));
        assertEquals(0, MldPacket.checkV1(s, 0, 24));
        assertEquals(-Drop.TRUNCATED.code(), MldPacket.checkV1(s, 0, 23));
        assertEquals(FF02, MldPacket.multicastHi(s, 0));
        assertEquals(0xfb, MldPacket.multicastLo(s, 0));
        MemorySegment out = MemorySegment.ofArray(new byte[24]);
        MldPacket.emitV1(out, 0, Icmpv6Packet.TYPE_MLD_REPORT, 0, FF02, 0xfb);
        Icmpv6Packet.fillChecksum(out, 0, 24, LL, ME, FF02, 0xfb);
        assertEquals(Hex.of(s), Hex.of(out));
        MldPacket.emitV1(out, 0, Icmpv6Packet.TYPE_MLD_DONE, 0x1ffff, FF02, 0xfb);
        assertEquals("84000000ffff0000", Hex.of(out, 0, 8));
    }

    @Test
    void queryVersionByLength() {
        MemorySegment s = MemorySegment.ofArray(new byte[28 + 32]);
        MldPacket.emitV1(s, 0, Icmpv6Packet.TYPE_MLD_QUERY, 10000, 0, 0);
        assertEquals(1, MldPacket.checkQuery(s, 0, 24));
        assertEquals(10000, MldPacket.maxResponseCode(s, 0));
        assertEquals(-Drop.TRUNCATED.code(), MldPacket.checkQuery(s, 0, 23));
        assertEquals(-Drop.UNSUPPORTED.code(), MldPacket.checkQuery(s, 0, 25));
        assertEquals(-Drop.UNSUPPORTED.code(), MldPacket.checkQuery(s, 0, 27));
        assertEquals(2, MldPacket.checkQuery(s, 0, 28));
        // A group-and-source-specific query with two sources.
        assertEquals(28, MldPacket.emitQueryV2(s, 0, 0x8123, FF02, 0xfb, true, 2, 125, 2));
        MldPacket.setSource(s, 0, 0, 0x2001_0db8_0000_0000L, 1);
        MldPacket.setSource(s, 0, 1, 0x2001_0db8_0000_0000L, 2);
        assertEquals("82000000 81230000 ff0200000000000000000000000000fb 0a 7d 0002".replace(" ", ""), Hex.of(s, 0, 28));
        assertEquals(2, MldPacket.checkQuery(s, 0, 60));
        assertEquals(-Drop.BAD_LENGTH.code(), MldPacket.checkQuery(s, 0, 59));
        assertTrue(MldPacket.suppress(s, 0));
        assertEquals(2, MldPacket.qrv(s, 0));
        assertEquals(125, MldPacket.qqic(s, 0));
        assertEquals(2, MldPacket.numSources(s, 0));
        assertEquals(0x2001_0db8_0000_0000L, MldPacket.sourceHi(s, 0, 1));
        assertEquals(1, MldPacket.sourceLo(s, 0, 0));
        assertEquals(2, MldPacket.sourceLo(s, 0, 1));
        assertEquals(0x8123, MldPacket.maxResponseCode(s, 0));
        MldPacket.emitQueryV2(s, 0, 0, 0, 0, false, 0xf, 0x1ff, 0x10000);
        assertEquals("07ff0000", Hex.of(s, 24, 4));
        assertFalse(MldPacket.suppress(s, 0));
        assertEquals(7, MldPacket.qrv(s, 0));
        assertEquals(0, MldPacket.numSources(s, 0));
    }

    @Test
    void thirdSourceAndRecordHeadersCutInAnExactSegment() {
        MemorySegment s = MemorySegment.ofArray(new byte[28 + 48]);
        MldPacket.emitQueryV2(s, 0, 0, FF02, 1, false, 2, 125, 3);
        MldPacket.setSource(s, 0, 2, 0x2001_0db8_0000_0000L, 3);
        assertEquals(2, MldPacket.checkQuery(s, 0, 76));
        assertEquals(0x2001_0db8_0000_0000L, MldPacket.sourceHi(s, 0, 2));
        assertEquals(3, MldPacket.sourceLo(s, 0, 2));
        MemorySegment r = MemorySegment.ofArray(new byte[8 + 20 + 16 * 3]);
        MldPacket.emitReportV2(r, 0, 1);
        MldPacket.emitRecord(r, 8, MldPacket.MODE_IS_EXCLUDE, FF02, 1, 3);
        MldPacket.setRecordSource(r, 8, 2, 0x2001_0db8_0000_0000L, 7);
        assertEquals(76, MldPacket.checkReport(r, 0, 76));
        assertEquals(0x2001_0db8_0000_0000L, MldPacket.recordSourceHi(r, 8, 2));
        assertEquals(7, MldPacket.recordSourceLo(r, 8, 2));
        // A record of which only 1..3 bytes are present, in a segment that ends there: refused, not read past.
        for (int cut = 9; cut <= 11; cut++) {
            MemorySegment exact = r.asSlice(0, cut);
            assertEquals(-Drop.TRUNCATED.code(), MldPacket.checkReport(exact, 0, cut), "cut at " + cut);
        }
    }

    @Test
    void maxResponseCodeAndQqicEncodings() {
        // RFC 3810 §5.1.3: below 32768 the code is the delay in ms, else (mant | 0x1000) << (exp + 3).
        assertEquals(0, MldPacket.maxResponseDelay(0));
        assertEquals(0x7fff, MldPacket.maxResponseDelay(0x7fff));
        assertEquals(0x1000 << 3, MldPacket.maxResponseDelay(0x8000));
        assertEquals(0x1001 << 3, MldPacket.maxResponseDelay(0x8001));
        assertEquals(0x1000 << 4, MldPacket.maxResponseDelay(0x9000));
        assertEquals(0x1fff << 10, MldPacket.maxResponseDelay(0xffff));
        // RFC 3810 §5.1.9: the same as IGMPv3.
        assertEquals(125, MldPacket.queryInterval(125));
        assertEquals(0x1f << 10, MldPacket.queryInterval(0xff));
    }
}
