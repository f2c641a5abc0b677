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

    private static byte[] read(SendQueue q, int at, int n, org.lwip4j.buffer.PbufPool pool) {
        int lead = q.copiedPrefix(at, n);
        Pbuf seg = Pbuf.copyOf(new byte[lead], 0);
        q.copyTo(at, seg, 0, lead);
        if (lead < n) {
            org.junit.jupiter.api.Assertions.assertTrue(q.chainTo(at + lead, n - lead, seg, pool));
        }
        byte[] b = seg.toByteArray();
        seg.free();
        return b;
    }

    @Test
    void referencedRunsInterleaveWithRingBytesAndGoWhenConsumed() {
        org.lwip4j.buffer.PbufPool pool = new org.lwip4j.buffer.PbufPool(64, 512, 1 << 20);
        SendQueue q = new SendQueue(10_000, 8);
        byte[] c1 = bytes(100, 1);
        byte[] r1 = bytes(300, 2);
        byte[] c2 = bytes(50, 3);
        byte[] c3 = bytes(70, 4);
        byte[] r2 = bytes(200, 5);
        q.write(c1, 0, 100);
        Pbuf p1 = Pbuf.copyOf(java.util.Arrays.copyOf(r1, 150), 0);
        p1.concat(Pbuf.copyOf(java.util.Arrays.copyOfRange(r1, 150, 300), 0));
        q.writeRef(p1.ref());
        q.write(c2, 0, 50);
        q.write(c3, 0, 70); // joins the copy run before it
        Pbuf p2 = Pbuf.wrap(r2);
        q.writeRef(p2.ref());
        assertEquals(720, q.length());
        assertEquals(10_000 - 720, q.space());
        assertEquals(3, q.refNodes());
        org.junit.jupiter.api.Assertions.assertTrue(q.refFits(5));
        org.junit.jupiter.api.Assertions.assertFalse(q.refFits(6));
        byte[] all = new byte[720];
        System.arraycopy(c1, 0, all, 0, 100);
        System.arraycopy(r1, 0, all, 100, 300);
        System.arraycopy(c2, 0, all, 400, 50);
        System.arraycopy(c3, 0, all, 450, 70);
        System.arraycopy(r2, 0, all, 520, 200);
        assertEquals(60, q.copiedPrefix(40, 500), "ring bytes up to the first referenced run");
        assertEquals(0, q.copiedPrefix(100, 10));
        // Every range, in an order that moves the lookup cursor back and forth.
        int[][] ranges = {{0, 720}, {450, 270}, {90, 20}, {250, 200}, {399, 2}, {519, 201}, {0, 1}, {719, 1}};
        for (int[] r : ranges) {
            assertArrayEquals(java.util.Arrays.copyOfRange(all, r[0], r[0] + r[1]), read(q, r[0], r[1], pool),
                    "bytes " + r[0] + "+" + r[1]);
        }
        q.consume(250); // into the first referenced run: it stays
        assertEquals(2, p1.refCount());
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 250, 720), read(q, 0, 470, pool));
        q.consume(150); // its end: it goes
        assertEquals(1, p1.refCount());
        assertEquals(1, q.refNodes());
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 400, 720), read(q, 0, 320, pool));
        q.consume(320);
        assertEquals(1, p2.refCount());
        org.junit.jupiter.api.Assertions.assertFalse(q.hasRefs());
        q.write(c1, 0, 100); // back to the ring alone
        assertArrayEquals(c1, read(q, 0, 100, pool));
        q.writeRef(p2.ref());
        q.clear();
        assertEquals(1, p2.refCount(), "clear lets go of what is referenced");
        assertEquals(0, q.length());
        p1.free();
        p2.free();
        assertEquals(0, pool.poolStats().used);
        assertEquals(0, pool.ramStats().used);
    }
}
