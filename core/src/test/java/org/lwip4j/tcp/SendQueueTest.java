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
        SendQueue q = new SendQueue(1 << 20);
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
}
