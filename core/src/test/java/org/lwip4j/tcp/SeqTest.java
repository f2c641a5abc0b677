package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeqTest {
    private static final int TOP = 0xffffffff; // 2^32 - 1

    @Test
    void comparisonsAwayFromTheWrap() {
        assertTrue(Seq.lt(1, 2));
        assertFalse(Seq.lt(2, 2));
        assertFalse(Seq.lt(3, 2));
        assertTrue(Seq.le(1, 2));
        assertTrue(Seq.le(2, 2));
        assertFalse(Seq.le(3, 2));
        assertFalse(Seq.gt(1, 2));
        assertFalse(Seq.gt(2, 2));
        assertTrue(Seq.gt(3, 2));
        assertFalse(Seq.ge(1, 2));
        assertTrue(Seq.ge(2, 2));
        assertTrue(Seq.ge(3, 2));
    }

    @Test
    void comparisonsAcrossTheWrap() {
        // 2^32 - 1 comes just before 0 (RFC 9293 §3.4: arithmetic modulo 2^32).
        assertTrue(Seq.lt(TOP, 0));
        assertTrue(Seq.le(TOP, 0));
        assertFalse(Seq.gt(TOP, 0));
        assertFalse(Seq.ge(TOP, 0));
        assertTrue(Seq.gt(5, 0xfffffff0));
        assertTrue(Seq.ge(5, 0xfffffff0));
        assertFalse(Seq.lt(5, 0xfffffff0));
        assertFalse(Seq.le(5, 0xfffffff0));
        // The signed boundary of int is no boundary in sequence space.
        assertTrue(Seq.lt(Integer.MAX_VALUE, Integer.MIN_VALUE));
        assertTrue(Seq.gt(Integer.MIN_VALUE, Integer.MAX_VALUE));
        // 2^31 - 1 apart is still ordered; that is the limit.
        assertTrue(Seq.lt(0, Integer.MAX_VALUE));
        assertTrue(Seq.gt(0, Integer.MIN_VALUE + 1));
    }

    @Test
    void betweenIsInclusiveAndWraps() {
        assertTrue(Seq.between(5, 5, 10));
        assertTrue(Seq.between(10, 5, 10));
        assertTrue(Seq.between(7, 5, 10));
        assertFalse(Seq.between(4, 5, 10));
        assertFalse(Seq.between(11, 5, 10));
        assertTrue(Seq.between(TOP, 0xfffffff0, 0x10));
        assertTrue(Seq.between(0, 0xfffffff0, 0x10));
        assertTrue(Seq.between(0x10, 0xfffffff0, 0x10));
        assertFalse(Seq.between(0x11, 0xfffffff0, 0x10));
        assertFalse(Seq.between(0xffffffef, 0xfffffff0, 0x10));
        assertTrue(Seq.between(3, 3, 3));
        assertFalse(Seq.between(4, 3, 3));
        // A range of 2^32 - 1 numbers holds everything but the one before lo.
        assertTrue(Seq.between(Integer.MIN_VALUE, 0, TOP));
        assertTrue(Seq.between(TOP, 0, TOP));
    }

    @Test
    void inWindowIsHalfOpenAndWraps() {
        // RFC 9293 §3.10.7.4: RCV.NXT =< SEG.SEQ < RCV.NXT + RCV.WND.
        assertTrue(Seq.inWindow(100, 100, 10));
        assertTrue(Seq.inWindow(109, 100, 10));
        assertFalse(Seq.inWindow(110, 100, 10));
        assertFalse(Seq.inWindow(99, 100, 10));
        assertFalse(Seq.inWindow(100, 100, 0));
        assertTrue(Seq.inWindow(3, 0xfffffffa, 10));
        assertFalse(Seq.inWindow(4, 0xfffffffa, 10));
        assertTrue(Seq.inWindow(TOP, 0xfffffffa, 10));
        assertFalse(Seq.inWindow(0xfffffff9, 0xfffffffa, 10));
        // A window of 2^30 (the largest RFC 7323 allows) starting near the top.
        assertTrue(Seq.inWindow(0x3ffffffe, TOP, 1 << 30));
        assertFalse(Seq.inWindow(0x3fffffff, TOP, 1 << 30));
    }

    @Test
    void maxAndMin() {
        assertEquals(7, Seq.max(3, 7));
        assertEquals(7, Seq.max(7, 3));
        assertEquals(3, Seq.min(3, 7));
        assertEquals(3, Seq.min(7, 3));
        assertEquals(2, Seq.max(TOP, 2));
        assertEquals(2, Seq.max(2, TOP));
        assertEquals(TOP, Seq.min(TOP, 2));
        assertEquals(TOP, Seq.min(2, TOP));
        assertEquals(4, Seq.max(4, 4));
        assertEquals(4, Seq.min(4, 4));
    }
}
