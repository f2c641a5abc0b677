package org.lwip4j.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** {@link Checksum#pseudoHeaderV6} against pseudo-headers written out byte by byte (RFC 8200 §8.1). */
class PseudoHeaderV6Test {
    private static long sumOf(String hex) {
        byte[] b = HexFormat.of().parseHex(hex.replace(" ", ""));
        return Checksum.partial(MemorySegment.ofArray(b), 0, b.length, 0);
    }

    @Test
    void linkLocalToAllNodes() {
        // fe80::1 > ff02::1, length 8, next header 58: fe80+0001+ff02+0001+0008+003a = 0x1fdc6 -> 0xfdc7.
        long ph = Checksum.pseudoHeaderV6(0xfe80_0000_0000_0000L, 1, 0xff02_0000_0000_0000L, 1, 58, 8);
        assertEquals(0xfdc7, Checksum.fold(ph));
        assertEquals(Checksum.fold(sumOf("fe800000000000000000000000000001 ff020000000000000000000000000001"
                + " 00000008 0000003a")), Checksum.fold(ph));
    }

    @Test
    void allOnesAddressesAndALengthAbove16Bits() {
        // Sixteen 0xffff words are ones' complement zero; 0x0001 + 0x2345 + 0x0011 = 0x2357.
        long ph = Checksum.pseudoHeaderV6(-1L, -1L, -1L, -1L, 17, 0x12345);
        assertEquals(0x2357, Checksum.fold(ph));
    }

    @Test
    void largestLengthAndOnlyTheLowByteOfNextHeader() {
        // 2001:db8::1 > 2001:db8::2, length 0xffffffff, next header 6.
        long ph = Checksum.pseudoHeaderV6(0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 2, 6, -1);
        assertEquals(0x5b7b, Checksum.fold(ph));
        assertEquals(Checksum.fold(sumOf("20010db8000000000000000000000001 20010db8000000000000000000000002"
                + " ffffffff 00000006")), Checksum.fold(ph));
        assertEquals(Checksum.fold(ph), Checksum.fold(Checksum.pseudoHeaderV6(0x2001_0db8_0000_0000L, 1,
                0x2001_0db8_0000_0000L, 2, 0x106, -1)));
    }

    @Test
    void eachHalfCountsInEveryWord() {
        // One distinct word in each 16-bit position of each half: the sum sees every one.
        long[] halves = new long[4];
        for (int i = 0; i < 4; i++) {
            for (int w = 0; w < 4; w++) {
                halves[i] = 0;
                halves[i] = 0x1111L * (i * 4 + w + 1) << (48 - 16 * w);
                long ph = Checksum.pseudoHeaderV6(halves[0], halves[1], halves[2], halves[3], 0, 0);
                assertEquals(0x1111 * (i * 4 + w + 1) % 0xffff, Checksum.fold(ph) % 0xffff, "half " + i + " word " + w);
            }
            halves[i] = 0;
        }
    }
}
