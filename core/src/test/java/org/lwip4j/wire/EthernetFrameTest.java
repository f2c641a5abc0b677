package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EthernetFrameTest {
    private static final long TAP_MAC = 0x525400123401L;

    @Test
    void capturedArpRequestHeader() {
        MemorySegment s = Hex.seg(Captures.ARP_REQUEST);
        assertEquals(14, EthernetFrame.check(s, 0, 42));
        assertEquals(0xffffffffffffL, EthernetFrame.destination(s, 0));
        assertEquals(TAP_MAC, EthernetFrame.source(s, 0));
        assertEquals(EthernetFrame.TYPE_ARP, EthernetFrame.etherType(s, 0, 14));
        assertEquals(-1, EthernetFrame.vlanId(s, 0));
        assertEquals(-1, EthernetFrame.tci(s, 0));

        EthernetRepr r = EthernetRepr.parse(s, 0, 42).value();
        assertEquals(EthernetRepr.of(0xffffffffffffL, TAP_MAC, EthernetFrame.TYPE_ARP), r);
        assertFalse(r.tagged());
        assertEquals(14, r.bufferLen());
        MemorySegment out = MemorySegment.ofArray(new byte[14]);
        r.emit(out, 0);
        assertEquals(Hex.of(s, 0, 14), Hex.of(out));
    }

    @Test
    void taggedFrame() {
        MemorySegment s = Hex.seg(Captures.ARP_REQUEST_VLAN5);
        assertEquals(18, EthernetFrame.check(s, 0, 46));
        assertEquals(5, EthernetFrame.vlanId(s, 0));
        assertEquals(0x6005, EthernetFrame.tci(s, 0));
        assertEquals(EthernetFrame.TYPE_ARP, EthernetFrame.etherType(s, 0, 18));

        EthernetRepr r = EthernetRepr.parse(s, 0, 46).value();
        assertEquals(new EthernetRepr(0xffffffffffffL, TAP_MAC, EthernetFrame.TYPE_ARP, 0x6005), r);
        assertTrue(r.tagged());
        assertEquals(5, r.vlanId());
        assertEquals(3, r.priority());
        assertEquals(18, r.bufferLen());
        MemorySegment out = MemorySegment.ofArray(new byte[18]);
        r.emit(out, 0);
        assertEquals(Hex.of(s, 0, 18), Hex.of(out));
        // The payload after the tag is the same ARP packet as untagged.
        assertTrue(ArpRepr.parse(s, 18, 28).isOk());
    }

    @Test
    void emitAtOffsetWritesExactlyBufferLen() {
        EthernetRepr[] reprs = {EthernetRepr.of(1, 2, 0x86dd), new EthernetRepr(3, 4, 0x0800, 0xe00a)};
        for (EthernetRepr r : reprs) {
            byte[] b = new byte[40];
            java.util.Arrays.fill(b, (byte) 0x5a);
            MemorySegment s = MemorySegment.ofArray(b);
            r.emit(s, 7);
            for (int i = 0; i < b.length; i++) {
                if (i < 7 || i >= 7 + r.bufferLen()) {
                    assertEquals(0x5a, b[i], "byte " + i + " outside the header was touched");
                }
            }
            assertEquals(r, EthernetRepr.parse(s, 7, r.bufferLen()).value());
        }
    }

    @Test
    void shorterThan14IsTruncated() {
        MemorySegment s = Hex.seg(Captures.ARP_REQUEST);
        for (int len = 0; len < 14; len++) {
            assertEquals(-Drop.TRUNCATED.code(), EthernetFrame.check(s, 0, len), "len " + len);
            assertEquals(Drop.TRUNCATED, EthernetRepr.parse(s, 0, len).error());
        }
    }

    @Test
    void taggedShorterThan18IsTruncated() {
        MemorySegment s = Hex.seg(Captures.ARP_REQUEST_VLAN5);
        for (int len = 14; len < 18; len++) {
            assertEquals(-Drop.TRUNCATED.code(), EthernetFrame.check(s, 0, len), "len " + len);
        }
        assertEquals(18, EthernetFrame.check(s, 0, 18));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x0000, 0x002e, 0x05dc, 0x05dd, 0x05ff})
    void ieee8023LengthFieldIsUnsupported(int type) {
        MemorySegment s = Hex.seg(Captures.ARP_REQUEST);
        s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 12, (byte) (type >>> 8));
        s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 13, (byte) type);
        assertEquals(-Drop.UNSUPPORTED.code(), EthernetFrame.check(s, 0, 42));
        assertEquals(Drop.UNSUPPORTED, EthernetRepr.parse(s, 0, 42).error());
        // The same length field behind an 802.1Q tag.
        MemorySegment t = Hex.seg(Captures.ARP_REQUEST_VLAN5);
        t.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 16, (byte) (type >>> 8));
        t.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 17, (byte) type);
        assertEquals(-Drop.UNSUPPORTED.code(), EthernetFrame.check(t, 0, 46));
    }

    @Test
    void smallestEtherTypeIsAccepted() {
        MemorySegment s = MemorySegment.ofArray(Hex.bytes("ffffffffffff 525400123401 0600"));
        assertEquals(14, EthernetFrame.check(s, 0, 14));
    }

    @Test
    void reprRejectsValuesThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> EthernetRepr.of(1L << 48, 0, 0x0800));
        assertThrows(IllegalArgumentException.class, () -> EthernetRepr.of(0, -1, 0x0800));
        assertThrows(IllegalArgumentException.class, () -> EthernetRepr.of(0, 0, 0x05dc));
        assertThrows(IllegalArgumentException.class, () -> EthernetRepr.of(0, 0, 0x10000));
        assertThrows(IllegalArgumentException.class, () -> new EthernetRepr(0, 0, 0x0800, 0x10000));
        assertThrows(IllegalArgumentException.class, () -> new EthernetRepr(0, 0, 0x0800, -2));
    }

    @Test
    void toStringIsReadable() {
        assertEquals("EthernetRepr[dst=ff:ff:ff:ff:ff:ff, src=52:54:00:12:34:01, etherType=0x806, vlan=5, pcp=3]",
                new EthernetRepr(0xffffffffffffL, TAP_MAC, 0x0806, 0x6005).toString());
    }

    @Test
    void dropCodesRoundTrip() {
        for (Drop d : Drop.values()) {
            assertEquals(d, Drop.ofCode(-d.code()));
            assertEquals(d, Drop.ofCode(d.code()));
        }
        assertThrows(IllegalArgumentException.class, () -> Drop.ofCode(0));
        assertThrows(IllegalArgumentException.class, () -> Drop.ofCode(99));
    }
}
