package org.lwip4j.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small values of the stack package: lwIP's error numbers, counters as text, virtual time. */
class StackValuesTest {
    @Test
    void errorsCarryLwipsNumbersAndOnlyOkIsOk() {
        // lwIP's err.h: ERR_OK 0 down to ERR_ARG -16, in this order.
        List<Err> all = List.of(Err.values());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(-i, all.get(i).code(), all.get(i).name());
            assertEquals(all.get(i) == Err.OK, all.get(i).ok());
            assertFalse(all.get(i).text().isEmpty());
        }
        assertEquals(-16, Err.ARG.code());
        assertEquals("address in use", Err.USE.text());
        ErrException e = new ErrException(Err.MEM, "pool empty");
        assertEquals(Err.MEM, e.err());
        assertEquals("MEM: pool empty", e.getMessage());
        assertThrows(NullPointerException.class, () -> new ErrException(null, "x"));
    }

    @Test
    void countersPrintOnlyWhatIsNotZeroInFieldOrder() {
        ProtoStats s = new ProtoStats("UDP");
        assertEquals("UDP[]", s.toString());
        s.recv = 2;
        assertEquals("UDP[recv=2]", s.toString());
        s.cachehit = 5;
        s.drop = 1;
        s.xmit = 3;
        assertEquals("UDP[xmit=3 recv=2 drop=1 cachehit=5]", s.toString());
        s.fw = 4;
        s.chkerr = 6;
        s.lenerr = 7;
        s.memerr = 8;
        s.rterr = 9;
        s.proterr = 10;
        s.opterr = 11;
        s.err = 12;
        assertArrayEquals(new long[] {3, 2, 4, 1, 6, 7, 8, 9, 10, 11, 12, 5}, s.values());
        assertEquals(s.values().length, ProtoStats.FIELDS.size());
        assertEquals("cachehit", ProtoStats.FIELDS.get(11));
    }

    @Test
    void virtualTimeOnlyGoesForwardAcrossTheWrapToo() {
        VirtualClock c = new VirtualClock(Long.MAX_VALUE - 5);
        assertThrows(IllegalArgumentException.class, () -> c.advance(-1));
        c.advance(0);
        assertEquals(Long.MAX_VALUE - 5, c.nanoTime());
        c.advance(Duration.ofNanos(10));
        assertEquals(Long.MIN_VALUE + 4, c.nanoTime(), "wrapped, as System.nanoTime may");
        c.set(Long.MIN_VALUE + 4);
        c.set(Long.MIN_VALUE + 9);
        assertEquals(Long.MIN_VALUE + 9, c.nanoTime());
        assertThrows(IllegalArgumentException.class, () -> c.set(Long.MIN_VALUE + 8));
        assertThrows(IllegalArgumentException.class, () -> c.set(Long.MAX_VALUE), "before the wrap: backwards");
        assertEquals(0, new VirtualClock().nanoTime());
        assertTrue(c.toString().contains(Long.toString(Long.MIN_VALUE + 9)), c.toString());
    }

    @Test
    void theStatsTableListsOnlyProtocolsWithCountsAndEveryPool() {
        Stats s = new Stats();
        s.addPool(new org.lwip4j.buffer.PoolStats("UDP_PCB", 4));
        String[] empty = s.table().split("\n");
        assertEquals(3, empty.length, "the two headers and the pool");
        assertTrue(empty[0].startsWith("proto "), empty[0]);
        s.udp.recv = 3;
        s.raw.err = 1;
        String[] lines = s.table().split("\n");
        assertEquals(5, lines.length);
        assertTrue(lines[1].startsWith("UDP "), lines[1]);
        assertEquals(List.of("UDP", "0", "3", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"),
                List.of(lines[1].trim().split(" +")));
        assertTrue(lines[2].startsWith("RAW "), lines[2]);
        assertEquals(List.of("UDP_PCB", "4", "0", "0", "0", "0"), List.of(lines[4].trim().split(" +")));
        assertEquals(4, s.pool("UDP_PCB").avail);
        assertEquals(null, s.pool("NOPE"));
        assertThrows(UnsupportedOperationException.class, () -> s.pools().clear());
        assertEquals(14, s.protocols().size());
    }
}
