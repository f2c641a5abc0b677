package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Pbuf;

/** The send ring: small for a small write, grown by doubling, bytes kept in order across the wrap. */
class SendQueueTest {
    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void aSmallWriteTakesOneKibibyteAndGrowthKeepsTheBytesAcrossTheWrap() {
        SendQueue q = new SendQueue(1 << 20, 64);
        byte[] first = bytes(1000, 1);
        q.write(first, 0, first.length);
        assertEquals(1024, q.ringCapacity(), "a 1000-byte request holds a 1 KiB ring");
        q.consume(900); // head near the end of the ring: the next write wraps
        byte[] second = bytes(100, 2);
        q.write(second, 0, second.length);
        assertEquals(1024, q.ringCapacity());
        byte[] third = bytes(3000, 3);
        q.write(third, 0, third.length); // grows 1 KiB -> 2 KiB -> 4 KiB, unwrapping
        assertEquals(4096, q.ringCapacity());
        assertEquals(100 + 100 + 3000, q.length());
        Pbuf out = Pbuf.copyOf(new byte[q.length()], 0);
        q.copyTo(0, out, 0, q.length());
        byte[] want = new byte[3200];
        System.arraycopy(first, 900, want, 0, 100);
        System.arraycopy(second, 0, want, 100, 100);
        System.arraycopy(third, 0, want, 200, 3000);
        assertArrayEquals(want, out.toByteArray());
        out.free();
    }

    @Test
    void spaceCapacityAndConsumeBounds() {
        SendQueue q = new SendQueue(3000, 64);
        assertEquals(3000, q.space());
        assertEquals(0, q.ringCapacity(), "nothing held before the first write");
        q.write(bytes(2500, 4), 0, 2500);
        assertEquals(500, q.space());
        assertEquals(3000, q.ringCapacity(), "doubling stops at the capacity");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> q.consume(2501));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> q.consume(-1));
        q.consume(2500);
        assertEquals(0, q.length());
        assertEquals(3000, q.space());
        q.write(bytes(10, 5), 0, 10);
        Pbuf out = Pbuf.copyOf(new byte[10], 0);
        q.copyTo(0, out, 0, 10);
        assertArrayEquals(bytes(10, 5), out.toByteArray(), "an emptied queue starts again at the ring's front");
        out.free();
    }

    @Test
    void pbufWritesFromAnOffsetWrapAndReadBackFromAnyPoint() {
        SendQueue q = new SendQueue(1024, 64);
        q.write(bytes(1000, 6), 0, 1000);
        q.consume(1000 - 24); // 24 bytes left at the end of the ring
        byte[] src = bytes(600, 7);
        Pbuf p = Pbuf.copyOf(src, 0);
        q.write(p, 100, 500); // from chain offset 100, wrapping past the ring's end
        p.free();
        assertEquals(524, q.length());
        Pbuf out = Pbuf.copyOf(new byte[200], 0);
        q.copyTo(24 + 300, out, 0, 200); // from inside the wrapped part
        byte[] want = new byte[200];
        System.arraycopy(src, 100 + 300, want, 0, 200);
        assertArrayEquals(want, out.toByteArray());
        q.copyTo(10, out, 0, 30); // across the wrap
        byte[] across = new byte[30];
        System.arraycopy(bytes(1000, 6), 986, across, 0, 14);
        System.arraycopy(src, 100, across, 14, 16);
        assertArrayEquals(across, java.util.Arrays.copyOf(out.toByteArray(), 30));
        out.free();
    }
}
