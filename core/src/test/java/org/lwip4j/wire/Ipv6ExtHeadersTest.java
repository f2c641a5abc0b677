package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The extension header walk of RFC 8200 §4, header by header and option by option. */
class Ipv6ExtHeadersTest {
    private final Ipv6ExtHeaders h = new Ipv6ExtHeaders();

    /** An IPv6 packet whose fixed header names {@code nh} and whose payload is {@code chain}. */
    private static MemorySegment pkt(int nh, String chain) {
        byte[] payload = Hex.bytes(chain);
        MemorySegment s = MemorySegment.ofArray(new byte[40 + payload.length]);
        Ipv6Packet.emit(s, 0, 0, 0, payload.length, nh, 64, 0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 2);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, s, 40, payload.length);
        return s;
    }

    private int walk(MemorySegment s) {
        return h.walk(s, 0, (int) s.byteSize());
    }

    private void assertRefused(Drop drop, int code, int pointer, MemorySegment s) {
        assertEquals(-drop.code(), walk(s));
        assertEquals(code, h.problemCode(), "problem code");
        assertEquals(pointer, h.problemPointer(), "problem pointer");
        assertEquals(-1, h.upperProtocol());
        assertEquals(-1, h.upperOffset());
    }

    @Test
    void noExtensionHeaders() {
        MemorySegment s = pkt(58, "8000 0000 00000000");
        assertEquals(40, walk(s));
        assertEquals(58, h.upperProtocol());
        assertEquals(40, h.upperOffset());
        assertEquals(0, h.headerCount());
        assertEquals(-1, h.hopByHopOffset());
        assertEquals(-1, h.routerAlert());
        assertEquals(-1, h.routingOffset());
        assertEquals(-1, h.routingType());
        assertEquals(-1, h.segmentsLeft());
        assertEquals(-1, h.fragmentHeaderOffset());
        assertEquals(-1, h.fragmentOffset());
        assertEquals(0, h.fragmentId());
        assertFalse(h.moreFragments());
        assertFalse(h.atomicFragment());
        assertEquals(-1, h.unknownOptionOffset());
        assertEquals(-1, h.unknownOptionType());
        assertEquals(-1, h.unknownOptionAction());
        assertEquals(-1, h.problemCode());
        assertEquals(-1, h.problemPointer());
        // The upper-layer header may be empty: no next header, nothing after.
        assertEquals(40, walk(pkt(59, "")));
        assertEquals(59, h.upperProtocol());
    }

    @Test
    void aFreshHolderHasWalkedNothing() {
        Ipv6ExtHeaders fresh = new Ipv6ExtHeaders();
        assertEquals(-1, fresh.upperProtocol());
        assertEquals(-1, fresh.upperOffset());
        assertEquals(-1, fresh.hopByHopOffset());
        assertEquals(-1, fresh.routerAlert());
        assertEquals(-1, fresh.routingOffset());
        assertEquals(-1, fresh.fragmentHeaderOffset());
        assertEquals(-1, fresh.fragmentOffset());
        assertEquals(-1, fresh.unknownOptionOffset());
        assertEquals(-1, fresh.problemCode());
        assertEquals(-1, fresh.problemPointer());
        assertFalse(fresh.atomicFragment());
    }

    @Test
    void emptyPadNAsTheLastTwoBytes() {
        // PadN of 2, then PadN of 0 ending exactly at the header's end.
        assertEquals(48, walk(pkt(60, "3b 00 01 02 0000 01 00")));
        assertEquals(48, walk(pkt(0, "3b 00 01 02 0000 01 00")));
    }

    @Test
    void mldReportBehindRouterAlert() {
        MemorySegment s = Hex.seg(Ipv6Vectors.MLDV2_REPORT);
        assertEquals(76, Ipv6Packet.check(s, 0, 76));
        assertEquals(48, h.walk(s, 0, 76));
        assertEquals(Ipv6Packet.NH_ICMPV6, h.upperProtocol());
        assertEquals(48, h.upperOffset());
        assertEquals(1, h.headerCount());
        assertEquals(40, h.hopByHopOffset());
        assertEquals(Ipv6ExtHeaders.ROUTER_ALERT_MLD, h.routerAlert());
        assertEquals(-1, h.unknownOptionOffset());
    }

    @Test
    void emittersWriteWhatLinuxSends() {
        MemorySegment s = MemorySegment.ofArray(new byte[16]);
        Ipv6ExtHeaders.emitHopByHopRouterAlert(s, 0, 58, 0);
        assertEquals("3a00050200000100", Hex.of(s, 0, 8));
        Ipv6ExtHeaders.emitHopByHopRouterAlert(s, 8, 0x13a, 0x1fffe);
        assertEquals("3a000502fffe0100", Hex.of(s, 8, 8));
        Ipv6ExtHeaders.emitFragment(s, 0, 17, 1448, true, 0x12345678);
        assertEquals("110005a912345678", Hex.of(s, 0, 8));
        Ipv6ExtHeaders.emitFragment(s, 0, 0x111, 0x1ffff, false, -1);
        assertEquals("1100fff8ffffffff", Hex.of(s, 0, 8));
        assertEquals(8, Ipv6ExtHeaders.FRAGMENT_HEADER_LEN);
        assertEquals(8, Ipv6ExtHeaders.ROUTER_ALERT_HEADER_LEN);
    }

    @Test
    void firstFragmentIsWalkedThrough() {
        MemorySegment s = pkt(44, "3c 00 0001 12345678 | 11 00 01 04 00000000 | 0035 0035 0008 0000");
        assertEquals(56, walk(s));
        assertEquals(Ipv6Packet.NH_UDP, h.upperProtocol());
        assertEquals(40, h.fragmentHeaderOffset());
        assertEquals(0, h.fragmentOffset());
        assertTrue(h.moreFragments());
        assertFalse(h.atomicFragment());
        assertEquals(0x12345678, h.fragmentId());
        assertEquals(2, h.headerCount());
        assertEquals(-1, h.unknownOptionOffset(), "PadN is recognized");
    }

    @Test
    void atomicFragment() {
        MemorySegment s = pkt(44, "3a 00 0000 ffffffff | 8000 0000 00000000");
        assertEquals(48, walk(s));
        assertEquals(58, h.upperProtocol());
        assertTrue(h.atomicFragment());
        assertEquals(-1, h.fragmentId());
    }

    @Test
    void laterFragmentEndsTheWalkAtItsData() {
        // Offset 8 (0x0008), M clear: what follows looks like a destination options header, but is data.
        MemorySegment s = pkt(44, "3c 00 0008 00000001 | 3c ff 0000 00000000");
        assertEquals(48, walk(s));
        assertEquals(60, h.upperProtocol());
        assertEquals(48, h.upperOffset());
        assertEquals(8, h.fragmentOffset());
        assertFalse(h.moreFragments());
        assertFalse(h.atomicFragment());
        assertEquals(1, h.headerCount());
        // Reserved bits are ignored; the offset keeps its 8-byte units.
        s = pkt(44, "11 ff fff9 00000001");
        assertEquals(48, walk(s));
        assertEquals(0xfff8, h.fragmentOffset());
        assertTrue(h.moreFragments());
    }

    @Test
    void secondFragmentHeaderIsLeftToReassembly() {
        MemorySegment s = pkt(44, "2c 00 0001 00000001 | 11 00 0000 00000002");
        assertEquals(48, walk(s));
        assertEquals(44, h.upperProtocol());
        assertEquals(48, h.upperOffset());
        assertEquals(1, h.fragmentId());
        assertEquals(1, h.headerCount());
    }

    @Test
    void firstFragmentWithAnIncompleteChain() {
        // RFC 7112 §5: the chain runs past the first fragment; Parameter Problem code 3, pointer 0.
        assertRefused(Drop.TRUNCATED, Ipv6ExtHeaders.PROBLEM_INCOMPLETE_CHAIN, 0, pkt(44, "3c 00 0001 00000001 | 06 01 0000 00000000"));
        assertRefused(Drop.TRUNCATED, Ipv6ExtHeaders.PROBLEM_INCOMPLETE_CHAIN, 0, pkt(44, "3c 00 0001 00000001 | 06"));
        // The fragment header itself cut off: no fragment yet, a plain truncation.
        assertRefused(Drop.TRUNCATED, -1, -1, pkt(44, "3c 00 0001 000000"));
        // Chain cut after a later fragment never happens: its data is not walked (above).
    }

    @Test
    void routingHeader() {
        // Type 4 (segment routing), segments left 2, then a second routing header that is not recorded.
        MemorySegment s = pkt(43, "2b 00 04 02 00000000 | 3a 00 00 00 00000000 | 8000 0000 00000000");
        assertEquals(56, walk(s));
        assertEquals(40, h.routingOffset());
        assertEquals(4, h.routingType());
        assertEquals(2, h.segmentsLeft());
        assertEquals(58, h.upperProtocol());
        assertEquals(2, h.headerCount());
    }

    @Test
    void hopByHopOnlyFirst() {
        // Destination options, then hop-by-hop: code 1 pointing at the next header field (offset 40) naming it.
        assertRefused(Drop.MALFORMED, Ipv6ExtHeaders.PROBLEM_NEXT_HEADER, 40, pkt(60, "00 00 01 04 00000000 | 3a 00 01 04 00000000"));
        // Hop-by-hop twice: the second is named by the first's next header field at 40.
        assertRefused(Drop.MALFORMED, 1, 40, pkt(0, "00 00 01 04 00000000 | 3a 00 01 04 00000000"));
        // Hop-by-hop named by a header deeper in: the pointer follows.
        assertRefused(Drop.MALFORMED, 1, 48, pkt(60, "3c 00 01 04 00000000 | 00 00 01 04 00000000 | 3a00010400000000"));
    }

    @Test
    void chainLengthIsBounded() {
        StringBuilder chain = new StringBuilder();
        for (int i = 0; i < Ipv6ExtHeaders.MAX_HEADERS - 1; i++) {
            chain.append("3c 00 01 04 00000000 ");
        }
        chain.append("3b 00 01 04 00000000");
        MemorySegment ok = pkt(60, chain.toString());
        assertEquals(40 + 8 * Ipv6ExtHeaders.MAX_HEADERS, walk(ok));
        assertEquals(Ipv6ExtHeaders.MAX_HEADERS, h.headerCount());
        assertEquals(59, h.upperProtocol());
        // Nine headers: eight destination options headers naming the next, then one naming no next header.
        MemorySegment tooLong = pkt(60, "3c 00 01 04 00000000 ".repeat(Ipv6ExtHeaders.MAX_HEADERS) + "3b 00 01 04 00000000");
        assertEquals(-Drop.MALFORMED.code(), walk(tooLong));
        assertEquals(-1, h.problemCode());
        assertEquals(8, Ipv6ExtHeaders.MAX_HEADERS);
    }

    @Test
    void headersPastThePacket() {
        assertRefused(Drop.TRUNCATED, -1, -1, pkt(60, "3a"));
        assertRefused(Drop.TRUNCATED, -1, -1, pkt(60, "3a 01 0104 00000000"));
        assertRefused(Drop.TRUNCATED, -1, -1, pkt(60, "3a 00 0104 000000"));
        assertRefused(Drop.TRUNCATED, -1, -1, pkt(0, ""));
        // The length given, not the segment, bounds the walk.
        MemorySegment s = pkt(60, "3a 00 0104 00000000");
        assertEquals(-Drop.TRUNCATED.code(), h.walk(s, 0, 47));
        assertEquals(48, h.walk(s, 0, 48));
        assertEquals(-Drop.TRUNCATED.code(), h.walk(s, 0, 39));
        assertEquals(-1, h.problemCode());
    }

    @Test
    void padOptions() {
        // Pad1 x6; PadN with data; PadN of 0 bytes then Pad1 x4.
        assertEquals(48, walk(pkt(60, "3b 00 00 00 00 00 00 00")));
        assertEquals(56, walk(pkt(60, "3b 01 01 0c 000000000000000000000000")));
        assertEquals(48, walk(pkt(60, "3b 00 01 00 00 00 00 00")));
        assertEquals(-1, h.unknownOptionOffset());
    }

    @Test
    void unrecognizedOptionsByAction() {
        // Action 00 (type 0x3e) is skipped and not reported.
        assertEquals(48, walk(pkt(60, "3b 00 3e 00 01 02 0000")));
        assertEquals(-1, h.unknownOptionOffset());
        assertEquals(-1, h.unknownOptionAction());
        int[] types = {0x7e, 0x80, 0xc2};
        for (int t : types) {
            MemorySegment s = pkt(0, "3b 00 01 00 " + String.format("%02x", t) + " 00 0000");
            assertEquals(48, walk(s));
            assertEquals(44, h.unknownOptionOffset(), "pointer for type " + t);
            assertEquals(t, h.unknownOptionType());
            assertEquals(t >>> 6, h.unknownOptionAction());
            assertEquals(-1, h.problemCode());
        }
        // The first such option is reported, in whichever header it is.
        walk(pkt(0, "3c 00 3e 00 c3 00 80 00 | 3b 00 81 00 0000 0000"));
        assertEquals(44, h.unknownOptionOffset());
        assertEquals(0xc3, h.unknownOptionType());
        assertEquals(Ipv6ExtHeaders.ACTION_DISCARD_ICMP_UNICAST, h.unknownOptionAction());
        walk(pkt(60, "3b 00 01 00 00 00 81 00"));
        assertEquals(46, h.unknownOptionOffset());
        assertEquals(Ipv6ExtHeaders.ACTION_DISCARD_ICMP, h.unknownOptionAction());
        assertEquals(0, Ipv6ExtHeaders.ACTION_SKIP);
        assertEquals(1, Ipv6ExtHeaders.ACTION_DISCARD);
    }

    @Test
    void routerAlertIsAHopByHopOption() {
        // In destination options type 5 is just an option whose action is "skip".
        assertEquals(48, walk(pkt(60, "3b 00 05 02 0000 0100")));
        assertEquals(-1, h.routerAlert());
        assertEquals(-1, h.unknownOptionOffset());
        assertEquals(48, walk(pkt(0, "3b 00 05 02 1234 0100")));
        assertEquals(0x1234, h.routerAlert());
        // Its length must be 2: pointer at the length byte.
        assertRefused(Drop.BAD_OPTION, 0, 43, pkt(0, "3b 00 05 03 000000 00"));
        assertRefused(Drop.BAD_OPTION, 0, 43, pkt(0, "3b 00 05 01 00 0100 00"));
    }

    @Test
    void optionsThatOverrunTheirHeader() {
        // PadN claiming 5 bytes where 4 remain: pointer at its length byte.
        assertRefused(Drop.BAD_OPTION, Ipv6ExtHeaders.PROBLEM_HEADER_FIELD, 43, pkt(60, "3b 00 01 05 00000000"));
        // Exactly filling is fine (previous tests); a type byte in the last position has no length: pointer at it.
        assertRefused(Drop.BAD_OPTION, 0, 47, pkt(60, "3b 00 01 03 000000 01"));
        assertRefused(Drop.BAD_OPTION, 0, 47, pkt(0, "3b 00 01 03 000000 c2"));
        // An option may not spill into the next header even when the packet goes on.
        assertRefused(Drop.BAD_OPTION, 0, 44, pkt(60, "3b 00 00 01 05 00 00 00 | 00000000 00000000"));
    }

    @Test
    void aWalkForgetsThePreviousPacket() {
        walk(pkt(0, "2c 00 05 02 0000 0100 | 2b 00 0000 00000007 | 3c 00 04 01 0000 0000 | 11 00 c2 00 0000 0000"));
        assertEquals(-1, h.problemCode());
        assertEquals(17, h.upperProtocol());
        assertEquals(4, h.headerCount());
        assertEquals(0, h.routerAlert());
        assertEquals(56, h.routingOffset());
        assertEquals(66, h.unknownOptionOffset());
        assertEquals(7, h.fragmentId());
        walk(pkt(60, "3a 00 01 05 00000000"));
        assertEquals(43, h.problemPointer());
        walk(pkt(58, ""));
        assertEquals(0, h.headerCount());
        assertEquals(-1, h.hopByHopOffset());
        assertEquals(-1, h.routerAlert());
        assertEquals(-1, h.routingOffset());
        assertEquals(-1, h.routingType());
        assertEquals(-1, h.segmentsLeft());
        assertEquals(-1, h.fragmentHeaderOffset());
        assertEquals(-1, h.fragmentOffset());
        assertEquals(0, h.fragmentId());
        assertEquals(-1, h.unknownOptionOffset());
        assertEquals(-1, h.unknownOptionType());
        assertEquals(-1, h.problemCode());
        assertEquals(-1, h.problemPointer());
        walk(pkt(44, "3a 00 0001 00000007"));
        assertTrue(h.moreFragments());
        walk(pkt(58, ""));
        assertFalse(h.moreFragments());
    }
}
