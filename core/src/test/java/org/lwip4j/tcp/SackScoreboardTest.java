package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lwip4j.wire.TcpOptions;

/** The sender's scoreboard by itself: merging, clipping, D-SACK recognition, the bound, RFC 6675's queries. */
class SackScoreboardTest {
    static final int U = -2000; // SND.UNA near the wrap
    static final int MAX = U + 20_000;

    static TcpOptions blocks(int... edges) {
        TcpOptions o = new TcpOptions();
        for (int i = 0; i < edges.length; i += 2) {
            o.addSackBlock(U + edges[i], U + edges[i + 1]);
        }
        return o;
    }

    static String ranges(SackScoreboard sb) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < sb.count(); i++) {
            s.append(s.isEmpty() ? "" : " ").append(sb.left(i) - U).append('-').append(sb.right(i) - U);
        }
        return s.toString();
    }

    @Test
    void blocksAreSortedMergedWhenTheyTouchOrOverlapAndCountedOnce() {
        SackScoreboard sb = new SackScoreboard();
        assertEquals(1000, sb.update(U, MAX, blocks(5000, 6000)));
        assertEquals(1000, sb.update(U, MAX, blocks(1000, 2000)));
        assertEquals(500, sb.update(U, MAX, blocks(2000, 2500))); // touches: merged
        assertEquals("1000-2500 5000-6000", ranges(sb));
        assertEquals(2500, sb.update(U, MAX, blocks(2200, 5500))); // bridges both
        assertEquals("1000-6000", ranges(sb));
        assertEquals(0, sb.update(U, MAX, blocks(1000, 6000)), "nothing new");
        assertEquals(5000, sb.sackedBytes());
        assertTrue(sb.isSacked(U + 1000));
        assertTrue(sb.isSacked(U + 5999));
        assertFalse(sb.isSacked(U + 6000));
        assertFalse(sb.isSacked(U + 999));
    }

    @Test
    void blocksAreClippedToTheWindowAndTheCumulativeAckTrims() {
        SackScoreboard sb = new SackScoreboard();
        sb.update(U, MAX, blocks(19_000, 25_000));
        assertEquals("19000-20000", ranges(sb), "nothing above SND.MAX");
        sb.update(U, MAX, blocks(3000, 4000, 6000, 7000));
        sb.update(U + 3500, MAX, new TcpOptions());
        assertEquals("3500-4000 6000-7000 19000-20000", ranges(sb));
        assertEquals(2500, sb.sackedBytes());
        sb.update(U + 6500, MAX, blocks(6000, 8000)); // the block starts below SND.UNA: clipped
        assertEquals("6500-8000 19000-20000", ranges(sb));
        assertEquals(2500, sb.sackedBytes());
        sb.clear();
        assertEquals(0, sb.count());
        assertEquals(0, sb.sackedBytes());
    }

    @Test
    void aFirstBlockBelowTheAckOrInsideTheSecondIsADsack() {
        SackScoreboard sb = new SackScoreboard();
        assertEquals(0, sb.update(U + 1000, MAX, blocks(0, 500)));
        assertEquals(1, sb.dsacks);
        assertEquals(0, sb.count());
        assertEquals(1000, sb.update(U + 1000, MAX, blocks(3200, 3300, 3000, 4000)));
        assertEquals(2, sb.dsacks);
        assertEquals("3000-4000", ranges(sb));
        sb.update(U + 1000, MAX, blocks(5000, 6000, 3000, 4000)); // an ordinary first block
        assertEquals(2, sb.dsacks);
    }

    @Test
    void aFullBoardForgetsItsHighestRange() {
        SackScoreboard sb = new SackScoreboard();
        for (int i = 0; i < SackScoreboard.CAPACITY; i++) {
            sb.update(U, MAX, blocks(1000 + 1000 * i, 1500 + 1000 * i));
        }
        assertEquals(SackScoreboard.CAPACITY, sb.count());
        int bytes = sb.sackedBytes();
        sb.update(U, MAX, blocks(100, 200)); // below all: the highest range gives way
        assertEquals(SackScoreboard.CAPACITY, sb.count());
        assertEquals(bytes - 500 + 100, sb.sackedBytes());
        assertEquals(100, sb.left(0) - U);
        assertEquals(1500 + 1000 * (SackScoreboard.CAPACITY - 2), sb.right(sb.count() - 1) - U);
        sb.update(U, MAX, blocks(19_000, 19_500)); // above all on a full board: forgotten
        assertEquals(SackScoreboard.CAPACITY, sb.count());
        assertFalse(sb.isSacked(U + 19_000));
    }

    @Test
    void isLostEdgeNeedsThreeRangesOrMoreThanTwoSegmentsAbove() {
        SackScoreboard sb = new SackScoreboard();
        assertEquals(U, sb.lostEdge(U, 1000));
        sb.update(U, MAX, blocks(5000, 7000));
        assertEquals(U, sb.lostEdge(U, 1000), "2000 bytes: not more than 2 SMSS");
        sb.update(U, MAX, blocks(5000, 7001));
        assertEquals(U + 5000, sb.lostEdge(U, 1000), "2001 bytes above");
        SackScoreboard three = new SackScoreboard();
        three.update(U, MAX, blocks(1000, 1100, 2000, 2100, 3000, 3100));
        assertEquals(U + 1000, three.lostEdge(U, 1000), "three discontiguous ranges");
        three.update(U, MAX, blocks(8000, 8100));
        assertEquals(U + 2000, three.lostEdge(U, 1000));
    }

    @Test
    void queriesForPipeAndNextSeg() {
        SackScoreboard sb = new SackScoreboard();
        sb.update(U, MAX, blocks(1000, 2000, 3000, 4000));
        assertEquals(8000 - 2000, sb.unsacked(U, U + 8000));
        assertEquals(1000, sb.unsacked(U + 1500, U + 3500), "1500-2000 and 3000-3500 SACKed");
        assertEquals(0, sb.unsacked(U + 5000, U + 5000));
        assertEquals(U, sb.firstUnsacked(U));
        assertEquals(U + 2000, sb.firstUnsacked(U + 1000));
        assertEquals(U + 4000, sb.firstUnsacked(U + 3500));
        assertEquals(U + 1000, sb.nextSacked(U, MAX));
        assertEquals(U + 3000, sb.nextSacked(U + 2000, MAX));
        assertEquals(U + 2500, sb.nextSacked(U + 2000, U + 2500), "no further than the limit");
        assertEquals(MAX, sb.nextSacked(U + 3000, MAX));
        assertEquals(U + 4000, sb.highestSacked(U));
        assertEquals(U + 7, new SackScoreboard().highestSacked(U + 7));
    }

    @Test
    void theHighestUnsackedByteLiesBelowTheSackedTail() {
        SackScoreboard sb = new SackScoreboard();
        assertEquals(U + 20_000, sb.highestUnsacked(U, MAX), "nothing SACKed");
        sb.update(U, MAX, blocks(1000, 2000));
        assertEquals(U + 20_000, sb.highestUnsacked(U, MAX), "a SACK below the tail");
        sb.update(U, MAX, blocks(15_000, 20_000));
        assertEquals(U + 15_000, sb.highestUnsacked(U, MAX), "the tail is SACKed");
        sb.update(U, MAX, blocks(2000, 15_000));
        assertEquals(U + 1000, sb.highestUnsacked(U, MAX), "one range from 1000 to the end");
        sb.update(U, MAX, blocks(0, 1000));
        assertEquals(U, sb.highestUnsacked(U, MAX), "all SACKed");
    }
}
