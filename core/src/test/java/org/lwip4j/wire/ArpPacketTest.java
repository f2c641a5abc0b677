package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class ArpPacketTest {
    private static final long TAP_MAC = 0x525400123401L;
    private static final long PEER_MAC = 0x525400123402L;
    private static final int TAP_IP = 0x0a090001;
    private static final int PEER_IP = 0x0a090002;

    @Test
    void capturedRequest() {
        MemorySegment s = Hex.seg(Captures.ARP_REQUEST);
        assertEquals(0, ArpPacket.check(s, 14, 28));
        assertEquals(ArpPacket.OP_REQUEST, ArpPacket.operation(s, 14));
        ArpRepr r = ArpRepr.parse(s, 14, 28).value();
        assertEquals(ArpRepr.request(TAP_MAC, TAP_IP, PEER_IP), r);
        assertEquals(28, r.bufferLen());
        MemorySegment out = MemorySegment.ofArray(new byte[28]);
        r.emit(out, 0);
        assertEquals(Hex.of(s, 14, 28), Hex.of(out));
    }

    @Test
    void capturedReply() {
        MemorySegment s = Hex.seg(Captures.ARP_REPLY);
        ArpRepr r = ArpRepr.parse(s, 14, 28).value();
        assertEquals(ArpRepr.reply(TAP_MAC, TAP_IP, PEER_MAC, PEER_IP), r);
        assertEquals(TAP_MAC, ArpPacket.senderMac(s, 14));
        assertEquals(TAP_IP, ArpPacket.senderIp(s, 14));
        assertEquals(PEER_MAC, ArpPacket.targetMac(s, 14));
        assertEquals(PEER_IP, ArpPacket.targetIp(s, 14));
        MemorySegment out = MemorySegment.ofArray(new byte[28]);
        r.emit(out, 0);
        assertEquals(Hex.of(s, 14, 28), Hex.of(out));
        assertEquals("ArpRepr[op=2, sender=52:54:00:12:34:01/10.9.0.1, target=52:54:00:12:34:02/10.9.0.2]",
                r.toString());
    }

    @Test
    void ethernetPaddingAfterThePacketIsAllowed() {
        // A minimum-size Ethernet frame carries 46 payload bytes: 28 of ARP and 18 of padding.
        byte[] b = new byte[14 + 46];
        System.arraycopy(Hex.bytes(Captures.ARP_REPLY), 0, b, 0, 42);
        assertEquals(0, ArpPacket.check(MemorySegment.ofArray(b), 14, 46));
    }

    @Test
    void shorterThan28IsTruncated() {
        // CONFORMANCE 33: ARP frames shorter than 28 bytes are rejected.
        MemorySegment s = Hex.seg(Captures.ARP_REQUEST);
        for (int len = 0; len < 28; len++) {
            assertEquals(-Drop.TRUNCATED.code(), ArpPacket.check(s, 14, len), "len " + len);
            assertEquals(Drop.TRUNCATED, ArpRepr.parse(s, 14, len).error());
        }
    }

    @Test
    void otherHardwareOrProtocolIsUnsupported() {
        int[][] edits = {{14, 0x00, 15, 0x06}, // hardware type 6 (IEEE 802)
            {16, 0x86, 17, 0xdd}, // protocol IPv6
            {18, 8, 18, 8}, // hardware length 8
            {19, 16, 19, 16}}; // protocol length 16
        for (int[] e : edits) {
            MemorySegment s = Hex.seg(Captures.ARP_REQUEST);
            s.set(ValueLayout.JAVA_BYTE, e[0], (byte) e[1]);
            s.set(ValueLayout.JAVA_BYTE, e[2], (byte) e[3]);
            assertEquals(-Drop.UNSUPPORTED.code(), ArpPacket.check(s, 14, 28));
            assertEquals(Drop.UNSUPPORTED, ArpRepr.parse(s, 14, 28).error());
        }
    }

    @Test
    void unknownOperationIsParsedForTheCallerToCount() {
        MemorySegment s = Hex.seg(Captures.ARP_REQUEST);
        s.set(ValueLayout.JAVA_BYTE, 21, (byte) 9);
        assertEquals(9, ArpRepr.parse(s, 14, 28).value().operation());
    }

    @Test
    void reprRejectsValuesThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> new ArpRepr(0x10000, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ArpRepr(1, 1L << 48, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ArpRepr(1, 0, 0, -1L, 0));
    }
}
