package org.lwip4j.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pool limits and accounting ({@code PBUF_POOL_SIZE}, {@code MEM_SIZE}, lwIP's memp stats). */
final class PbufPoolTest {
    private static final int BUF = 256;

    @Test
    void poolExhaustionIsANullAndACountedErrorNotAnException() {
        PbufPool pool = new PbufPool(4, BUF, 1 << 16);
        List<Pbuf> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(pool.allocPool(Layer.RAW, 100));
        }
        assertEquals(4, pool.poolStats().used);
        assertNull(pool.allocPool(Layer.RAW, 100));
        assertNull(pool.alloc(Layer.RAW, 1, Pbuf.Kind.POOL));
        assertEquals(2, pool.poolStats().err);
        assertEquals(4, pool.poolStats().used);

        held.removeFirst().free();
        assertNull(pool.allocPool(Layer.RAW, BUF + 1), "needs two buffers, one is free");
        assertEquals(3, pool.poolStats().used, "a refused chain takes nothing");
        assertEquals(3, pool.poolStats().err);
        Pbuf last = pool.allocPool(Layer.RAW, BUF);
        assertNotNull(last);
        last.free();
        held.forEach(Pbuf::free);
        assertEquals(0, pool.poolStats().used);
    }

    @Test
    void hugeRequestsAreRefusedNotOverflowed() {
        PbufPool pool = new PbufPool(4, BUF, 1 << 16);
        assertNull(pool.allocPool(Layer.TRANSPORT, Integer.MAX_VALUE));
        assertNull(pool.allocRam(Layer.TRANSPORT, Integer.MAX_VALUE));
        assertEquals(1, pool.poolStats().err);
        assertEquals(1, pool.ramStats().err);
        assertEquals(0, pool.poolStats().used);
        assertEquals(0, pool.ramStats().used);
    }

    @Test
    void thePoolHandsOutExactlyItsSizeAcrossManySlabs() {
        PbufPool pool = new PbufPool(100, BUF, 0);
        List<Pbuf> held = new ArrayList<>();
        Pbuf p;
        while ((p = pool.allocPool(Layer.LINK, 10)) != null) {
            held.add(p);
        }
        assertEquals(100, held.size());
        assertEquals(100, pool.poolStats().max);
        assertEquals(1, pool.poolStats().err);
        long distinct = held.stream().mapToLong(q -> q.segment().address()).distinct().count();
        assertEquals(100, distinct, "no two live pbufs share memory");
        held.forEach(Pbuf::free);
        assertEquals(0, pool.poolStats().used);
        assertEquals(100, pool.poolStats().max);
    }

    @Test
    void ramBudgetCountsHeaderRoomAndRefusesPastMemSize() {
        PbufPool pool = new PbufPool(4, BUF, 1000);
        Pbuf a = pool.allocRam(Layer.IP, 500);
        assertEquals(Layer.IP.headroom() + 500, pool.ramStats().used);
        int left = 1000 - Layer.IP.headroom() - 500;
        assertNull(pool.allocRam(Layer.RAW, left + 1));
        assertEquals(1, pool.ramStats().err);
        Pbuf b = pool.alloc(Layer.RAW, left, Pbuf.Kind.RAM);
        assertNotNull(b);
        assertEquals(1000, pool.ramStats().used);
        assertNull(pool.allocRam(Layer.RAW, 1), "the budget is used up");
        assertNull(pool.allocRam(Layer.RAW, Integer.MAX_VALUE), "no overflow into a negative size");
        assertEquals(3, pool.ramStats().err);
        a.free();
        b.free();
        assertEquals(0, pool.ramStats().used);
        assertEquals(1000, pool.ramStats().max);
        assertEquals(0, pool.poolStats().used, "RAM pbufs never touch the pool");
    }

    @Test
    void allStatsReturnToZeroAfterAMixedWorkload() {
        PbufPool pool = new PbufPool(32, BUF, 1 << 16);
        byte[] data = new byte[100];
        Pbuf a = pool.allocPool(Layer.TRANSPORT, 3000);
        Pbuf b = pool.allocRam(Layer.TRANSPORT, 300);
        Pbuf c = pool.wrap(data, 10, 50);
        a.chain(b);
        a.concat(c);
        Pbuf rest = a.split(1500);
        Pbuf d = rest.dropHeader(200);
        b.free();
        d.truncate(1000);
        a.free();
        d.free();
        assertEquals(0, pool.poolStats().used, pool.poolStats().toString());
        assertEquals(0, pool.ramStats().used, pool.ramStats().toString());
        assertEquals(0, pool.poolStats().err);
        assertEquals(0, pool.poolStats().illegal);
        assertEquals(0, pool.ramStats().illegal);
    }

    @Test
    void refPbufsFromThePoolAreNotCountedAgainstMemory() {
        PbufPool pool = new PbufPool(4, BUF, 0);
        byte[] data = new byte[10];
        Pbuf p = pool.wrap(data, 2, 5);
        assertEquals(Pbuf.Kind.REF, p.kind());
        assertEquals(5, p.totalLength());
        assertSame(data, p.array());
        assertEquals(0, pool.ramStats().used);
        assertEquals(1, p.free());
        assertThrows(IndexOutOfBoundsException.class, () -> pool.wrap(data, 6, 5));
    }

    @Test
    void aRelaxedPoolReusesNodeObjectsSoSteadyStateAllocatesNothing() {
        PbufPool pool = new PbufPool(4, BUF, 1 << 16, false);
        Pbuf p = pool.allocPool(Layer.RAW, 10);
        p.free();
        assertSame(p, pool.allocPool(Layer.RAW, 10));
        p.free();
        Pbuf r = pool.allocRam(Layer.RAW, 10);
        r.free();
        assertSame(r, pool.allocRam(Layer.RAW, 10));
        r.free();
    }

    @Test
    void aStrictPoolNeverRevivesAFreedNodeObject() {
        PbufPool pool = new PbufPool(1, BUF, 1 << 16, true);
        Pbuf p = pool.allocPool(Layer.RAW, 10);
        p.free();
        Pbuf q = pool.allocPool(Layer.RAW, 10);
        assertNotSame(p, q);
        assertEquals(0, p.refCount());
        q.free();
    }

    @Test
    void badSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PbufPool(0, BUF, 0));
        assertThrows(IllegalArgumentException.class, () -> new PbufPool(1, Layer.TRANSPORT.headroom() + 63, 0));
        assertThrows(IllegalArgumentException.class, () -> new PbufPool(1, BUF, -1));
        assertEquals(BUF, new PbufPool(1, BUF, 0).bufferSize());
    }

    @Test
    void aViewShowsANodesBytesWithoutCopyAndKeepsTheNodeUntilItIsFreed() {
        PbufPool pool = new PbufPool(4, BUF, 1 << 16);
        Pbuf head = pool.allocPool(Layer.RAW, 100);
        Pbuf tail = pool.allocPool(Layer.RAW, 50);
        for (int i = 0; i < 100; i++) {
            head.setByte(i, i);
        }
        for (int i = 0; i < 50; i++) {
            tail.setByte(i, 200 + i);
        }
        head.concat(tail);
        Pbuf v = pool.view(tail, 10, 20);
        assertEquals(Pbuf.Kind.REF, v.kind());
        assertEquals(20, v.totalLength());
        assertEquals(2, tail.refCount(), "the view holds the node it shows");
        assertEquals(0, v.headroom(), "nothing in front of the bytes it was given");
        assertEquals(false, v.isExclusive(), "shared memory: never edited in place");
        head.free(); // the owner lets go: the node stays for the view
        assertEquals(1, tail.refCount());
        assertEquals(1, pool.poolStats().used);
        assertEquals(210, v.getByte(0));
        assertEquals(229, v.getByte(19));
        v.setByte(0, 7); // a view writes through: the same memory, not a copy
        assertEquals(7, tail.getByte(10));
        v.free();
        assertEquals(0, tail.refCount(), "the last holder gone, the node goes back");
        assertEquals(0, pool.poolStats().used);
        Pbuf one = pool.allocPool(Layer.RAW, 30);
        assertThrows(IndexOutOfBoundsException.class, () -> pool.view(one, 20, 11));
        assertEquals(1, one.refCount(), "a refused view takes no reference");
        one.free();
        assertThrows(IllegalStateException.class, () -> pool.view(one, 0, 1));
    }

    @Test
    void aChainHoldingAViewIsCopiedBeforeAnyoneEditsIt() {
        PbufPool pool = new PbufPool(8, BUF, 1 << 16);
        Pbuf user = pool.allocPool(Layer.RAW, 40);
        for (int i = 0; i < 40; i++) {
            user.setByte(i, i + 1);
        }
        Pbuf header = pool.allocPool(Layer.RAW, 20);
        header.concat(pool.view(user, 0, 40));
        assertEquals(false, header.isExclusive());
        Pbuf w = pool.writable(header, Layer.RAW);
        assertNotSame(header, w, "a copy: the view's bytes are the user's");
        assertEquals(0, header.refCount(), "the chain it was given is freed, its view with it");
        assertEquals(1, user.refCount());
        w.setByte(20, 99);
        assertEquals(1, user.getByte(0), "the user's bytes are untouched");
        assertEquals(99, w.getByte(20));
        assertEquals(2, w.getByte(21));
        w.free();
        user.free();
        assertEquals(0, pool.poolStats().used);
    }
}
