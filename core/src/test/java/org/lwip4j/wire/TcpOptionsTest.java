package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lwip4j.buffer.Pbuf;

class TcpOptionsTest {
    private static final int BAD = -Drop.BAD_OPTION.code();

    private final TcpOptions o = new TcpOptions();

    private int parse(String hex) {
        MemorySegment s = Hex.seg(hex);
        return o.parse(s, 0, (int) s.byteSize());
    }

    private static String emit(TcpOptions opts) {
        MemorySegment s = MemorySegment.ofArray(new byte[64]);
        int n = opts.emit(s, 0);
        assertEquals(opts.emitLen(), n);
        return Hex.of(s, 0, n);
    }

    private void assertNone() {
        assertEquals(TcpOptions.ABSENT, o.mss());
        assertEquals(TcpOptions.ABSENT, o.windowScale());
        assertFalse(o.sackPermitted());
        assertFalse(o.hasTimestamps());
        assertEquals(0, o.tsVal());
        assertEquals(0, o.tsEcr());
        assertEquals(0, o.sackCount());
    }

    @Test
    void linuxSynOptions() {
        MemorySegment syn = Hex.seg(TcpVectors.LINUX_SYN);
        assertEquals(0, o.parse(syn, 20, 20));
        assertEquals(1460, o.mss());
        assertTrue(o.sackPermitted());
        assertTrue(o.hasTimestamps());
        assertEquals(123456, o.tsVal());
        assertEquals(0, o.tsEcr());
        assertEquals(7, o.windowScale());
        assertEquals(0, o.sackCount());
        // Emitted back in Linux's order: the very same 20 bytes.
        assertEquals(Hex.of(syn, 20, 20), emit(o));
    }

    @Test
    void linuxSynAckOptions() {
        MemorySegment sa = Hex.seg(TcpVectors.LINUX_SYN_ACK);
        assertEquals(0, o.parse(sa, 20, 20));
        assertEquals(500000, o.tsVal());
        assertEquals(123456, o.tsEcr());
        assertEquals(Hex.of(sa, 20, 20), emit(o));
    }

    @Test
    void emptyAreaMeansNoOptions() {
        o.setMss(1000).setTimestamps(1, 2).addSackBlock(1, 2).setSackPermitted(true).setWindowScale(3);
        assertEquals(0, parse(""));
        assertNone();
        assertEquals(0, o.emitLen());
        assertEquals("", emit(o));
    }

    @Test
    void eachOptionAlone() {
        assertEquals(0, parse("0204 ffff"));
        assertEquals(0xffff, o.mss());
        assertEquals(0, parse("030300"));
        assertEquals(0, o.windowScale());
        assertEquals(TcpOptions.ABSENT, o.mss());
        assertEquals(0, parse("0402"));
        assertTrue(o.sackPermitted());
        assertEquals(0, parse("080a ffffffff 80000000"));
        assertTrue(o.hasTimestamps());
        assertEquals(-1, o.tsVal());
        assertEquals(0x80000000, o.tsEcr());
        assertEquals(0, parse("050a 00000010 00000020"));
        assertEquals(1, o.sackCount());
        assertEquals(0x10, o.sackLeft(0));
        assertEquals(0x20, o.sackRight(0));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void sackBlocks(int n) {
        StringBuilder hex = new StringBuilder(String.format("05%02x", 2 + 8 * n));
        for (int b = 0; b < n; b++) {
            hex.append(String.format("%08x%08x", 0xfffffff0 + b, 0x10 * (b + 1)));
        }
        assertEquals(0, parse(hex.toString()));
        assertEquals(n, o.sackCount());
        for (int b = 0; b < n; b++) {
            assertEquals(0xfffffff0 + b, o.sackLeft(b));
            assertEquals(0x10 * (b + 1), o.sackRight(b));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> o.sackLeft(n));
        assertThrows(IndexOutOfBoundsException.class, () -> o.sackRight(n));
        assertThrows(IndexOutOfBoundsException.class, () -> o.sackLeft(-1));
    }

    @Test
    void windowScaleAbove14IsUsedAs14() {
        // RFC 7323 §2.3: a shift.cnt above 14 is used as 14.
        assertEquals(0, parse("030314"));
        assertEquals(14, o.windowScale());
        assertEquals(0, parse("03030e"));
        assertEquals(14, o.windowScale());
        assertEquals(0, parse("03030f"));
        assertEquals(14, o.windowScale());
        assertEquals(0, parse("0303ff"));
        assertEquals(14, o.windowScale());
        assertEquals(0, parse("03030d"));
        assertEquals(13, o.windowScale());
    }

    @Test
    void nopsAndEolAndPadding() {
        assertEquals(0, parse("01 01 01 0204 0218 00"));
        assertEquals(0x218, o.mss());
        // After End of Option List nothing is read, even what would be malformed.
        assertEquals(0, parse("0402 00 0201 ff"));
        assertTrue(o.sackPermitted());
        assertEquals(TcpOptions.ABSENT, o.mss());
        assertEquals(0, parse("00 0204 0218"));
        assertNone();
        assertEquals(0, parse("01010101"));
        assertNone();
    }

    @Test
    void unknownKindsAreSkippedByLength() {
        // Kind 30 (MPTCP, RFC 8684) and 34 (TFO, RFC 7413) are not ours: skipped.
        assertEquals(0, parse("1e04 0081 | 2202 | 0204 05b4 | fd06 11223344"));
        assertEquals(1460, o.mss());
    }

    @Test
    void anOptionMayEndExactlyAtTheEnd() {
        assertEquals(0, parse("0101 080a 00000001 00000002"));
        assertEquals(1, o.tsVal());
        assertEquals(2, o.tsEcr());
        assertEquals(0, parse("fe02"));
        assertNone();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0200", "0201", "0500", "fe01", "0204 05b4 0300 03", "02", "0101 08",
        "0204 05", "080a 00000000 000000", "ff05 00 00", "0529 00000000"})
    void badLengthsAreMalformed(String hex) {
        assertEquals(BAD, parse(hex));
    }

    @Test
    void whatPrecedesABadOptionIsKept() {
        assertEquals(BAD, parse("0204 05b4 0402 0801 00 00 00"));
        assertEquals(1460, o.mss());
        assertTrue(o.sackPermitted());
        assertFalse(o.hasTimestamps());
    }

    @Test
    void theWalkNeverReadsPastTheArea() {
        // The area is the first 2 bytes of "0204 05b4": the length byte says 4, past the end.
        MemorySegment s = Hex.seg("0204 05b4");
        assertEquals(BAD, o.parse(s, 0, 2));
        // A kind byte as the last byte of the area: its length byte is outside.
        assertEquals(BAD, o.parse(s, 0, 1));
        assertEquals(0, o.parse(s, 0, 0));
        // Read-only, segment ending at the area: any stray access would throw.
        MemorySegment ro = Hex.seg("0101 0402").asReadOnly();
        assertEquals(BAD, o.parse(ro.asSlice(0, 3), 0, 3));
        assertEquals(0, o.parse(ro, 0, 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0203 05", "0205 05b400", "0302", "0304 0700", "0403 00", "0809 0000000000000000",
        "080b 0000000000000000 00", "0502", "050b 00000000 00000000 00", "0513 00000000 00000000 00000000 00000000 00"})
    void knownKindsWithTheWrongLengthAreIgnored(String hex) {
        assertEquals(0, parse(hex + "01"), hex);
        assertNone();
    }

    @Test
    void theLastOfTwiceKeeps() {
        assertEquals(0, parse("0204 0100 0204 0200 0303 01 0303 02 01"));
        assertEquals(0x200, o.mss());
        assertEquals(2, o.windowScale());
        assertEquals(0, parse("050a 00000001 00000002 0512 00000003 00000004 00000005 00000006"));
        assertEquals(2, o.sackCount());
        assertEquals(3, o.sackLeft(0));
        assertEquals(6, o.sackRight(1));
        // An empty SACK option (length 2) is ignored, not taken as "no blocks".
        assertEquals(0, parse("050a 00000001 00000002 0502"));
        assertEquals(1, o.sackCount());
    }

    @Test
    void parsingAgainForgetsThePrevious() {
        assertEquals(0, o.parse(Hex.seg(TcpVectors.LINUX_SYN), 20, 20));
        assertEquals(0, parse("0101"));
        assertNone();
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 41, 60})
    void areaLengthOutside0To40IsMisuse(int len) {
        MemorySegment s = MemorySegment.ofArray(new byte[64]);
        assertThrows(IllegalArgumentException.class, () -> o.parse(s, 0, len));
        Pbuf p = Pbuf.wrap(new byte[64]);
        assertThrows(IllegalArgumentException.class, () -> o.parse(p, 0, len));
    }

    @Test
    void fortyBytesAreAccepted() {
        String area = "0204 05b4 0101 080a 00000001 00000002 0101 050a 00000003 00000004 0000 0000 00000000 00000000";
        assertEquals(40, Hex.bytes(area).length);
        assertEquals(0, parse(area));
        assertEquals(1, o.sackCount());
    }

    @Test
    void optionsSplitAcrossPbufNodes() {
        byte[] syn = Hex.bytes(TcpVectors.LINUX_SYN);
        TcpOptionsRepr whole = parsedRepr(syn);
        // Every split point of the segment, including inside the option kinds, lengths and values.
        for (int cut = 1; cut < syn.length; cut++) {
            Pbuf head = Pbuf.wrap(java.util.Arrays.copyOfRange(syn, 0, cut));
            head.concat(Pbuf.wrap(java.util.Arrays.copyOfRange(syn, cut, syn.length)));
            TcpOptions p = new TcpOptions();
            assertEquals(0, p.parse(head, 20, 20), "cut at " + cut);
            assertEquals(whole, p.toRepr(), "cut at " + cut);
        }
        // Three nodes, the options starting in the middle one.
        Pbuf a = Pbuf.wrap(java.util.Arrays.copyOfRange(syn, 0, 10));
        a.concat(Pbuf.wrap(java.util.Arrays.copyOfRange(syn, 10, 23)));
        a.concat(Pbuf.wrap(java.util.Arrays.copyOfRange(syn, 23, 40)));
        assertEquals(0, o.parse(a, 20, 20));
        assertEquals(whole, o.toRepr());
        // Malformed in a chain too, and a range outside the chain is misuse.
        assertEquals(BAD, o.parse(a, 20, 19));
        assertThrows(IndexOutOfBoundsException.class, () -> o.parse(a, 30, 20));
    }

    private static TcpOptionsRepr parsedRepr(byte[] seg) {
        TcpOptions t = new TcpOptions();
        assertEquals(0, t.parse(MemorySegment.ofArray(seg), 20, 20));
        return t.toRepr();
    }

    @Test
    void emitSynVariants() {
        // Linux's layouts (tcp_options_write order): MSS; SACK-Permitted with TS, or NOP NOP
        // TS, or NOP NOP SACK-Permitted; NOP WS; NOP NOP SACK blocks.
        assertEquals("020405b4", emit(new TcpOptions().setMss(1460)));
        assertEquals("020405b4 0101 0402 01030307".replace(" ", ""),
                emit(new TcpOptions().setMss(1460).setSackPermitted(true).setWindowScale(7)));
        assertEquals("020405b4 0101 080a 00000001 00000000 01030300".replace(" ", ""),
                emit(new TcpOptions().setMss(1460).setTimestamps(1, 0).setWindowScale(0)));
        assertEquals("020405b4 0402 080a 00000001 00000002".replace(" ", ""),
                emit(new TcpOptions().setMss(1460).setSackPermitted(true).setTimestamps(1, 2)));
        assertEquals("0103030e", emit(new TcpOptions().setWindowScale(14)));
        assertEquals("01010402", emit(new TcpOptions().setSackPermitted(true)));
    }

    @Test
    void emitDataSegmentVariants() {
        assertEquals("0101080a 89abcdef 01234567".replace(" ", ""),
                emit(new TcpOptions().setTimestamps(0x89abcdef, 0x01234567)));
        // NOP NOP TS then NOP NOP SACK with 3 blocks: exactly 40 bytes, as Linux fills it.
        TcpOptions t = new TcpOptions().setTimestamps(7, 8).addSackBlock(1, 2).addSackBlock(3, 4)
                .addSackBlock(0xfffffff0, 0x10);
        assertEquals(40, t.emitLen());
        assertEquals(("0101080a 00000007 00000008 0101051a 00000001 00000002 00000003 00000004"
                + " fffffff0 00000010").replace(" ", ""), emit(t));
        // Four blocks fit only without timestamps: 36 bytes.
        TcpOptions four = new TcpOptions().addSackBlock(1, 2).addSackBlock(3, 4).addSackBlock(5, 6)
                .addSackBlock(7, 8);
        assertEquals(36, four.emitLen());
        assertEquals(("01010522 00000001 00000002 00000003 00000004 00000005 00000006 00000007 00000008")
                .replace(" ", ""), emit(four));
    }

    @Test
    void emitAtAnOffsetTouchesOnlyItsBytes() {
        MemorySegment s = MemorySegment.ofArray(new byte[10]);
        s.fill((byte) 0xee);
        assertEquals(4, new TcpOptions().setMss(536).emit(s, 3));
        assertEquals("eeeeee02040218eeeeee", Hex.of(s));
    }

    @Test
    void tooMuchToEmitIsRefused() {
        TcpOptions t = new TcpOptions().setTimestamps(1, 2).addSackBlock(1, 2).addSackBlock(3, 4)
                .addSackBlock(5, 6).addSackBlock(7, 8);
        assertEquals(48, t.emitLen());
        assertThrows(IllegalStateException.class, () -> t.emit(MemorySegment.ofArray(new byte[64]), 0));
        TcpOptions u = new TcpOptions().setMss(1).setTimestamps(1, 2).addSackBlock(1, 2).addSackBlock(3, 4)
                .addSackBlock(5, 6);
        assertEquals(44, u.emitLen());
        assertThrows(IllegalStateException.class, () -> u.emit(MemorySegment.ofArray(new byte[64]), 0));
        assertThrows(IllegalStateException.class, () -> t.addSackBlock(9, 10));
        assertEquals(4, t.sackCount());
        assertEquals(0, t.clearSackBlocks().sackCount());
        assertEquals(12, t.emitLen());
    }

    @Test
    void settersCheckRanges() {
        assertThrows(IllegalArgumentException.class, () -> o.setMss(0x10000));
        assertThrows(IllegalArgumentException.class, () -> o.setMss(-2));
        assertThrows(IllegalArgumentException.class, () -> o.setWindowScale(15));
        assertThrows(IllegalArgumentException.class, () -> o.setWindowScale(-2));
        assertSame(o, o.setMss(0xffff));
        assertSame(o, o.setMss(0));
        assertEquals(0, o.mss());
        assertSame(o, o.setMss(TcpOptions.ABSENT));
        assertSame(o, o.setWindowScale(0));
        assertEquals(0, o.windowScale());
        assertSame(o, o.setWindowScale(TcpOptions.ABSENT));
        assertSame(o, o.setTimestamps(5, 6));
        assertSame(o, o.clearTimestamps());
        assertSame(o, o.setSackPermitted(false));
        assertNone();
    }

    @Test
    void clearForgetsEverything() {
        o.setMss(1).setWindowScale(2).setSackPermitted(true).setTimestamps(3, 4).addSackBlock(5, 6);
        o.clear();
        assertNone();
    }

    @Test
    void reprRoundTrip() {
        o.setMss(1460).setWindowScale(7).setSackPermitted(true).setTimestamps(11, 12).addSackBlock(1, 2);
        TcpOptionsRepr r = o.toRepr();
        assertEquals(new TcpOptionsRepr(1460, 7, true, true, 11, 12, List.of(new TcpOptionsRepr.SackBlock(1, 2))), r);
        assertEquals(r, new TcpOptions().set(r).toRepr());
        assertEquals(TcpOptionsRepr.NONE, new TcpOptions().set(TcpOptionsRepr.NONE).toRepr());
        assertEquals(TcpOptionsRepr.NONE, new TcpOptions().toRepr());
        // set replaces: nothing of the previous content survives.
        assertEquals(TcpOptionsRepr.NONE, o.set(TcpOptionsRepr.NONE).toRepr());
        assertEquals(o.emitLen(), TcpOptionsRepr.NONE.bufferLen());
        assertEquals(32, r.bufferLen());
    }

    @Test
    void reprChecksRanges() {
        List<TcpOptionsRepr.SackBlock> none = List.of();
        assertThrows(IllegalArgumentException.class, () -> new TcpOptionsRepr(0x10000, -1, false, false, 0, 0, none));
        assertThrows(IllegalArgumentException.class, () -> new TcpOptionsRepr(-2, -1, false, false, 0, 0, none));
        assertThrows(IllegalArgumentException.class, () -> new TcpOptionsRepr(-1, 15, false, false, 0, 0, none));
        assertThrows(IllegalArgumentException.class, () -> new TcpOptionsRepr(-1, -2, false, false, 0, 0, none));
        assertThrows(IllegalArgumentException.class, () -> new TcpOptionsRepr(-1, -1, false, false, 1, 0, none));
        assertThrows(IllegalArgumentException.class, () -> new TcpOptionsRepr(-1, -1, false, false, 0, 1, none));
        TcpOptionsRepr.SackBlock b = new TcpOptionsRepr.SackBlock(1, 2);
        assertThrows(IllegalArgumentException.class,
                () -> new TcpOptionsRepr(-1, -1, false, false, 0, 0, List.of(b, b, b, b, b)));
        assertEquals(4, new TcpOptionsRepr(-1, -1, false, false, 0, 0, List.of(b, b, b, b)).sackBlocks().size());
        assertEquals(14, new TcpOptionsRepr(0xffff, 14, false, true, 0, 0, none).windowScale());
        assertEquals(0, new TcpOptionsRepr(0, 0, false, false, 0, 0, none).mss());
        java.util.ArrayList<TcpOptionsRepr.SackBlock> mutable = new java.util.ArrayList<>(List.of(b));
        TcpOptionsRepr r = new TcpOptionsRepr(-1, -1, false, false, 0, 0, mutable);
        mutable.add(b);
        assertEquals(1, r.sackBlocks().size());
    }

    @Test
    void kindAndLengthConstantsAreTheRfcs() {
        assertEquals(0, TcpOptions.KIND_EOL);
        assertEquals(1, TcpOptions.KIND_NOP);
        assertEquals(2, TcpOptions.KIND_MSS);
        assertEquals(3, TcpOptions.KIND_WINDOW_SCALE);
        assertEquals(4, TcpOptions.KIND_SACK_PERMITTED);
        assertEquals(5, TcpOptions.KIND_SACK);
        assertEquals(8, TcpOptions.KIND_TIMESTAMPS);
    }
}
