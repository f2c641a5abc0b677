package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4PacketTest {
    private static final int TAP_IP = 0x0a090001;
    private static final int PEER_IP = 0x0a090002;

    /** The IPv4 packet of a capture (the Ethernet header removed). */
    static MemorySegment ip(String frame) {
        byte[] f = Hex.bytes(frame);
        return MemorySegment.ofArray(java.util.Arrays.copyOfRange(f, 14, f.length));
    }

    private static void put8(MemorySegment s, long off, int v) {
        s.set(ValueLayout.JAVA_BYTE, off, (byte) v);
    }

    private static void put16(MemorySegment s, long off, int v) {
        put8(s, off, v >>> 8);
        put8(s, off + 1, v);
    }

    /** Re-stores a valid header checksum so that only the lie under test is wrong. */
    private static void reseal(MemorySegment s, int hl) {
        if (hl >= 20 && hl <= s.byteSize()) {
            Ipv4Packet.fillChecksum(s, 0, hl);
        }
    }

    @Test
    void capturedPingHeader() {
        MemorySegment s = ip(Captures.PING);
        assertEquals(20, Ipv4Packet.check(s, 0, 84));
        assertTrue(Ipv4Packet.checksumOk(s, 0, 20));
        assertEquals(0xc95f, Ipv4Packet.checksum(s, 0));
        assertFalse(Ipv4Packet.isFragment(s, 0));

        Ipv4Repr r = Ipv4Repr.parse(s, 0, 84).value();
        assertEquals(new Ipv4Repr(0, 64, 0x5d35, Ipv4Packet.FLAG_DF, 64, Ipv4Packet.PROTO_ICMP, TAP_IP, PEER_IP), r);
        assertTrue(r.dontFragment());
        assertFalse(r.moreFragments());
        assertEquals(0, r.fragOffset());
        assertEquals(20, r.bufferLen());
        assertEquals(84, r.totalLen());
        assertEquals(0, r.optionsLen());

        MemorySegment out = MemorySegment.ofArray(new byte[20]);
        r.emit(out, 0, true);
        assertEquals(Hex.of(s, 0, 20), Hex.of(out)); // checksum 0xc95f included
        r.emit(out, 0, false);
        assertEquals(0, Ipv4Packet.checksum(out, 0));
    }

    @Test
    void capturedRecordRouteOption() {
        MemorySegment s = ip(Captures.PING_RECORD_ROUTE);
        assertEquals(60, Ipv4Packet.check(s, 0, 124));
        assertEquals(21, Ipv4Packet.findOption(s, 0, 60, 7)); // after one NOP
        assertEquals(20, Ipv4Packet.findOption(s, 0, 60, Ipv4Packet.OPT_NOP));
        assertEquals(-1, Ipv4Packet.findOption(s, 0, 60, Ipv4Packet.OPT_ROUTER_ALERT));

        Ipv4Repr r = Ipv4Repr.parse(s, 0, 124).value();
        assertEquals(40, r.optionsLen());
        assertEquals(60, r.bufferLen());
        assertEquals(64, r.payloadLen());
        assertArrayEquals(Hex.bytes(Captures.PING_RECORD_ROUTE.substring(Captures.PING_RECORD_ROUTE.indexOf("| 01"),
                Captures.PING_RECORD_ROUTE.indexOf("| 0800 defc"))), r.options());

        MemorySegment out = MemorySegment.ofArray(new byte[60]);
        r.emit(out, 0, true);
        assertEquals(Hex.of(s, 0, 60), Hex.of(out)); // checksum 0x8b80 included
        assertTrue(Icmpv4Repr.parse(s, 60, 64).isOk());
    }

    @Test
    void capturedRouterAlertOption() {
        MemorySegment s = ip(Captures.IGMP_ROUTER_ALERT);
        assertEquals(24, Ipv4Packet.check(s, 0, 40));
        assertEquals(20, Ipv4Packet.findOption(s, 0, 24, Ipv4Packet.OPT_ROUTER_ALERT));
        Ipv4Repr r = Ipv4Repr.parse(s, 0, 40).value();
        assertEquals(new Ipv4Repr(0xc0, 16, 0, Ipv4Packet.FLAG_DF, 1, Ipv4Packet.PROTO_IGMP, TAP_IP, 0xe0000016,
                Hex.bytes("94040000")), r);
        MemorySegment out = MemorySegment.ofArray(new byte[24]);
        r.emit(out, 0, true);
        assertEquals(Hex.of(s, 0, 24), Hex.of(out)); // checksum 0xf9ef included
    }

    @Test
    void capturedDnsQueryHeader() {
        MemorySegment s = ip(Captures.DNS_QUERY);
        Ipv4Repr r = Ipv4Repr.parse(s, 0, 57).value();
        assertEquals(Ipv4Packet.PROTO_UDP, r.protocol());
        assertEquals(37, r.payloadLen());
        MemorySegment out = MemorySegment.ofArray(new byte[20]);
        r.emit(out, 0, true);
        assertEquals("4500 0039 d0b6 4000 4011 55e9 0a090001 0a090002".replace(" ", ""), Hex.of(out));
    }

    @Test
    void linkPaddingAfterTotalLengthIsAllowed() {
        byte[] b = new byte[100];
        System.arraycopy(ip(Captures.DNS_QUERY).toArray(ValueLayout.JAVA_BYTE), 0, b, 0, 57);
        MemorySegment s = MemorySegment.ofArray(b);
        assertEquals(20, Ipv4Packet.check(s, 0, 100));
        assertEquals(37, Ipv4Repr.parse(s, 0, 100).value().payloadLen());
    }

    @Test
    void fewerThan20BytesIsTruncated() {
        MemorySegment s = ip(Captures.PING);
        for (int len = 0; len < 20; len++) {
            assertEquals(-Drop.TRUNCATED.code(), Ipv4Packet.check(s, 0, len), "len " + len);
        }
    }

    @Test
    void versionOtherThan4IsUnsupported() {
        MemorySegment s = ip(Captures.PING);
        put8(s, 0, 0x65);
        assertEquals(-Drop.UNSUPPORTED.code(), Ipv4Packet.check(s, 0, 84));
        assertEquals(Drop.UNSUPPORTED, Ipv4Repr.parse(s, 0, 84).error());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void ihlBelow5IsMalformed(int ihl) {
        MemorySegment s = ip(Captures.PING);
        put8(s, 0, 0x40 | ihl);
        assertEquals(-Drop.MALFORMED.code(), Ipv4Packet.check(s, 0, 84));
        assertEquals(Drop.MALFORMED, Ipv4Repr.parse(s, 0, 84).error());
    }

    @Test
    void ihlPastTheBytesIsTruncated() {
        MemorySegment s = ip(Captures.IGMP_ROUTER_ALERT); // IHL 6 = 24 bytes
        for (int len = 20; len < 24; len++) {
            assertEquals(-Drop.TRUNCATED.code(), Ipv4Packet.check(s, 0, len), "len " + len);
        }
        MemorySegment p = ip(Captures.PING);
        put8(p, 0, 0x4f); // 60-byte header in 40 bytes
        assertEquals(-Drop.TRUNCATED.code(), Ipv4Packet.check(p, 0, 40));
    }

    @Test
    void totalLengthAboveTheBytesIsBadLength() {
        MemorySegment s = ip(Captures.PING);
        put16(s, 2, 85);
        reseal(s, 20);
        assertEquals(-Drop.BAD_LENGTH.code(), Ipv4Packet.check(s, 0, 84));
        assertEquals(Drop.BAD_LENGTH, Ipv4Repr.parse(s, 0, 84).error());
        put16(s, 2, 84);
        assertEquals(-Drop.BAD_LENGTH.code(), Ipv4Packet.check(s, 0, 83));
        assertEquals(20, Ipv4Packet.check(s, 0, 84));
    }

    @Test
    void totalLengthBelowTheHeaderIsBadLength() {
        MemorySegment s = ip(Captures.PING);
        for (int total : new int[] {0, 1, 19}) {
            put16(s, 2, total);
            reseal(s, 20);
            assertEquals(-Drop.BAD_LENGTH.code(), Ipv4Packet.check(s, 0, 84), "total " + total);
        }
        put16(s, 2, 20); // a header without payload is fine
        assertEquals(20, Ipv4Packet.check(s, 0, 84));
        MemorySegment o = ip(Captures.IGMP_ROUTER_ALERT);
        put16(o, 2, 23); // below IHL 6
        reseal(o, 24);
        assertEquals(-Drop.BAD_LENGTH.code(), Ipv4Packet.check(o, 0, 40));
    }

    /** A 24..60-byte header with the given option bytes after the fixed 20. */
    private static MemorySegment withOptions(String optionsHex) {
        byte[] opts = Hex.bytes(optionsHex);
        int hl = 20 + opts.length;
        MemorySegment s = MemorySegment.ofArray(new byte[hl + 8]);
        new Ipv4Repr(0, 8, 1, 0, 64, Ipv4Packet.PROTO_UDP, TAP_IP, PEER_IP).emit(s, 0, false);
        put8(s, 0, 0x40 | hl / 4);
        put16(s, 2, hl + 8);
        MemorySegment.copy(opts, 0, s, ValueLayout.JAVA_BYTE, 20, opts.length);
        reseal(s, hl);
        return s;
    }

    @Test
    void optionRunningPastTheHeaderIsBadOption() {
        // Record route claiming 41 bytes in a 40-byte option area.
        assertEquals(-Drop.BAD_OPTION.code(), Ipv4Packet.check(withOptions("0729" + "04" + "00".repeat(37)), 0, 68));
        // Router alert claiming 8 bytes in 4.
        MemorySegment s = withOptions("94080000");
        assertEquals(-Drop.BAD_OPTION.code(), Ipv4Packet.check(s, 0, 32));
        assertEquals(Drop.BAD_OPTION, Ipv4Repr.parse(s, 0, 32).error());
        // A multi-byte option type in the last byte, with no room for its length.
        assertEquals(-Drop.BAD_OPTION.code(), Ipv4Packet.check(withOptions("01010194"), 0, 32));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void optionLengthBelow2IsBadOption(int len) {
        MemorySegment s = withOptions(String.format("94%02x0000", len));
        assertEquals(-Drop.BAD_OPTION.code(), Ipv4Packet.check(s, 0, 32));
    }

    @Test
    void optionWalkStopsAtEndOfList() {
        // EOL then bytes that would be an overrunning option: never looked at.
        MemorySegment s = withOptions("01 00 07ff");
        assertEquals(24, Ipv4Packet.check(s, 0, 32));
        assertEquals(-1, Ipv4Packet.findOption(s, 0, 24, 7));
        // Option exactly filling the area.
        MemorySegment full = withOptions("0728 04" + "00".repeat(37));
        assertEquals(60, Ipv4Packet.check(full, 0, 68));
        assertEquals(20, Ipv4Packet.findOption(full, 0, 60, 7));
        // Only NOPs.
        assertEquals(24, Ipv4Packet.check(withOptions("01010101"), 0, 32));
    }

    @Test
    void badHeaderChecksum() {
        MemorySegment s = ip(Captures.PING);
        put8(s, 8, 63); // TTL changed, checksum not
        assertEquals(20, Ipv4Packet.check(s, 0, 84)); // the view's check is structural
        assertEquals(Drop.BAD_CHECKSUM, Ipv4Repr.parse(s, 0, 84).error());
        assertEquals(63, Ipv4Repr.parse(s, 0, 84, false).value().ttl());
        // RFC 1624 incremental update gives the same as recomputing.
        int updated = org.lwip4j.buffer.Checksum.update(0xc95f, 0x4001, 0x3f01);
        Ipv4Packet.fillChecksum(s, 0, 20);
        assertEquals(updated, Ipv4Packet.checksum(s, 0));
    }

    @Test
    void emitWritesExactlyBufferLenAtAnOffset() {
        Ipv4Repr r = new Ipv4Repr(0x2e, 100, 0xbeef, Ipv4Packet.FLAG_MF | 185, 3, 99, TAP_IP, PEER_IP,
                Hex.bytes("940400"));
        assertEquals(24, r.bufferLen()); // 3 option bytes padded with end-of-list to 4
        assertArrayEquals(Hex.bytes("94040000"), r.options());
        byte[] b = new byte[50];
        java.util.Arrays.fill(b, (byte) 0x5a);
        MemorySegment s = MemorySegment.ofArray(b);
        r.emit(s, 3, true);
        for (int i = 0; i < b.length; i++) {
            if (i < 3 || i >= 27) {
                assertEquals(0x5a, b[i], "byte " + i);
            }
        }
        assertTrue(r.moreFragments());
        assertEquals(185 * 8, r.fragOffset());
        // Parsing needs the payload bytes present: give it a segment of totalLen().
        MemorySegment whole = MemorySegment.ofArray(new byte[r.totalLen()]);
        r.emit(whole, 0, true);
        assertEquals(r, Ipv4Repr.parse(whole, 0, r.totalLen()).value());
        assertEquals(r.hashCode(), Ipv4Repr.parse(whole, 0, r.totalLen()).value().hashCode());
    }

    @Test
    void optionsAreCopiedInAndOut() {
        byte[] o = Hex.bytes("94040000");
        Ipv4Repr r = new Ipv4Repr(0, 0, 0, 0, 1, 2, 0, 0, o);
        o[0] = 7;
        assertEquals((byte) 0x94, r.options()[0]);
        r.options()[0] = 7;
        assertEquals((byte) 0x94, r.options()[0]);
        assertNotEquals(r, new Ipv4Repr(0, 0, 0, 0, 1, 2, 0, 0, Hex.bytes("01010101")));
    }

    @Test
    void reprRejectsValuesThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 0, 0, 0, 1, 2, 0, 0, new byte[41]));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(256, 0, 0, 0, 1, 2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 0, 0x10000, 0, 1, 2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 0, 0, 0x10000, 1, 2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 0, 0, 0, 256, 2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 0, 0, 0, 1, -1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, -1, 0, 0, 1, 2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 65516, 0, 0, 1, 2, 0, 0));
        assertEquals(65535, new Ipv4Repr(0, 65515, 0, 0, 1, 2, 0, 0).totalLen());
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 65512, 0, 0, 1, 2, 0, 0, new byte[4]));
    }
}
