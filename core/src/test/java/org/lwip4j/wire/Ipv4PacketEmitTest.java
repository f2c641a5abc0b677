package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Ipv4Packet#emit} against a header built byte by byte and the naive checksum. */
class Ipv4PacketEmitTest {

    @Test
    void emitWritesTheFieldsAndTheChecksumOfTheBytes() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 10_000; i++) {
            int tos = r.nextInt(256);
            int total = r.nextInt(0x10000);
            int ident = r.nextInt(0x10000);
            int flagsFrag = r.nextInt(0x10000);
            int ttl = r.nextInt(256);
            int proto = r.nextInt(256);
            int src = i == 0 ? 0 : r.nextInt();
            int dst = i == 0 ? 0 : r.nextInt();
            byte[] want = {0x45, (byte) tos, (byte) (total >>> 8), (byte) total, (byte) (ident >>> 8), (byte) ident,
                (byte) (flagsFrag >>> 8), (byte) flagsFrag, (byte) ttl, (byte) proto, 0, 0,
                (byte) (src >>> 24), (byte) (src >>> 16), (byte) (src >>> 8), (byte) src,
                (byte) (dst >>> 24), (byte) (dst >>> 16), (byte) (dst >>> 8), (byte) dst};

            byte[] offloaded = new byte[23];
            Ipv4Packet.emit(MemorySegment.ofArray(offloaded), 3, tos, total, ident, flagsFrag, ttl, proto, src, dst, false);
            assertArrayEquals(want, Arrays.copyOfRange(offloaded, 3, 23));

            int c = ~RefChecksum.sum(want) & 0xffff;
            want[10] = (byte) (c >>> 8);
            want[11] = (byte) c;
            byte[] got = new byte[21];
            MemorySegment s = MemorySegment.ofArray(got);
            Ipv4Packet.emit(s, 1, tos, total, ident, flagsFrag, ttl, proto, src, dst, true);
            assertArrayEquals(want, Arrays.copyOfRange(got, 1, 21), "fields " + i);
            assertTrue(Ipv4Packet.checksumOk(s, 1, Ipv4Packet.MIN_HEADER_LEN));
        }
    }

    @Test
    void fieldsTakeTheLowBitsOfTheirArguments() {
        byte[] wide = new byte[20];
        byte[] narrow = new byte[20];
        Ipv4Packet.emit(MemorySegment.ofArray(wide), 0, 0x1ff, 0x1ffff, 0x2abcd, 0x3ffff, 0x140, 0x111, 1, 2, true);
        Ipv4Packet.emit(MemorySegment.ofArray(narrow), 0, 0xff, 0xffff, 0xabcd, 0xffff, 0x40, 0x11, 1, 2, true);
        assertArrayEquals(narrow, wide);
    }
}
