package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SynCookiesTest {
    private static final int LOCAL = 0x0a090001;
    private static final int REMOTE = 0x0a090002;
    private static final int ISN = 0x12345678;
    private static final int NOW = 1000;

    private final SynCookies c = new SynCookies(1, 2, 3, 4, SynCookies.defaultMssTableV4());

    private int cookie(int counter, int clientIsn, int mss) {
        return c.encode(counter, LOCAL, 80, REMOTE, 40000, clientIsn, mss);
    }

    private int check(int counter, int clientIsn, int cookie) {
        return c.check(counter, LOCAL, 80, REMOTE, 40000, clientIsn, cookie);
    }

    @ParameterizedTest
    @CsvSource({"-1,536", "0,536", "535,536", "536,536", "1299,536", "1300,1300", "1439,1300", "1440,1440",
        "1459,1440", "1460,1460", "9000,1460", "65535,1460"})
    void mssComesBackAsTheLargestTableEntryNotAbove(int mss, int expected) {
        assertEquals(expected, c.mssFor(mss));
        assertEquals(expected, check(NOW, ISN, cookie(NOW, ISN, mss)));
    }

    @Test
    void currentAndPreviousCounterAreAccepted() {
        int k = cookie(NOW, ISN, 1460);
        assertEquals(1460, check(NOW, ISN, k));
        assertEquals(1460, check(NOW + 1, ISN, k));
        assertEquals(-1, check(NOW + 2, ISN, k));
        assertEquals(-1, check(NOW + 256, ISN, k)); // same low byte, different counter: H2 differs
        // From the future (a clock that went back, or a guess): refused.
        assertEquals(-1, check(NOW - 1, ISN, k));
    }

    @Test
    void counterWraps() {
        // The low byte goes from 0xff to 0x00, and the int from 2^32 - 1 to 0.
        assertEquals(1300, check(0x100, ISN, cookie(0xff, ISN, 1300)));
        assertEquals(1300, check(0, ISN, cookie(-1, ISN, 1300)));
        assertEquals(-1, check(1, ISN, cookie(-1, ISN, 1300)));
        assertEquals(1300, check(Integer.MIN_VALUE, ISN, cookie(Integer.MAX_VALUE, ISN, 1300)));
    }

    @Test
    void clientIsnAcrossTheWrap() {
        for (int isn : new int[] {-1, -2, 0, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            int k = cookie(NOW, isn, 536);
            assertEquals(536, check(NOW, isn, k));
            assertEquals(-1, check(NOW, isn + 1, k));
            assertEquals(-1, check(NOW, isn + (1 << 24), k));
            assertEquals(-1, check(NOW, isn - (1 << 24), k));
            assertEquals(-1, check(NOW, isn ^ 0x8000, k));
        }
    }

    @Test
    void theLowBitsAreAdditive() {
        // As in Linux, the index is added, not bound: a client ISN one lower reads the next
        // table entry. Harmless: it takes knowing the cookie, i.e. having seen our SYN-ACK.
        int k = cookie(NOW, ISN, 536);
        assertEquals(1300, check(NOW, ISN - 1, k));
    }

    @Test
    void cookieDependsOnEverything() {
        int k = cookie(NOW, ISN, 536);
        assertNotEquals(k, cookie(NOW + 1, ISN, 536));
        assertNotEquals(k, cookie(NOW, ISN + 1, 536));
        assertNotEquals(k, c.encode(NOW, LOCAL + 1, 80, REMOTE, 40000, ISN, 536));
        // Our ISN differs from connection to connection even for the same client ISN.
        assertNotEquals(k, c.encode(NOW, LOCAL, 80, REMOTE, 40001, ISN, 536));
        assertNotEquals(cookie(NOW, ISN, 536), new SynCookies(1, 2, 3, 5, SynCookies.defaultMssTableV4())
                .encode(NOW, LOCAL, 80, REMOTE, 40000, ISN, 536));
        assertNotEquals(cookie(NOW, ISN, 536), new SynCookies(1, 3, 3, 4, SynCookies.defaultMssTableV4())
                .encode(NOW, LOCAL, 80, REMOTE, 40000, ISN, 536));
    }

    @Test
    void aCookieIsValidOnlyForItsConnection() {
        int k = cookie(NOW, ISN, 1460);
        assertEquals(1460, c.check(NOW, LOCAL, 80, REMOTE, 40000, ISN, k));
        assertEquals(-1, c.check(NOW, LOCAL + 1, 80, REMOTE, 40000, ISN, k));
        assertEquals(-1, c.check(NOW, LOCAL, 81, REMOTE, 40000, ISN, k));
        assertEquals(-1, c.check(NOW, LOCAL, 80, REMOTE + 1, 40000, ISN, k));
        assertEquals(-1, c.check(NOW, LOCAL, 80, REMOTE, 40001, ISN, k));
        assertEquals(-1, c.check(NOW, REMOTE, 40000, LOCAL, 80, ISN, k));
        // Another stack's secret does not validate it.
        assertEquals(-1, new SynCookies(1, 2, 3, 5, SynCookies.defaultMssTableV4())
                .check(NOW, LOCAL, 80, REMOTE, 40000, ISN, k));
        assertEquals(-1, new SynCookies(9, 2, 3, 4, SynCookies.defaultMssTableV4())
                .check(NOW, LOCAL, 80, REMOTE, 40000, ISN, k));
    }

    @Test
    void ipv6TuplesAndTheMappedForm() {
        long hi = 0x2001_0db8_0000_0000L;
        int k = c.encode(NOW, hi, 1, 443, hi, 2, 50000, ISN, 1440);
        assertEquals(1440, c.check(NOW, hi, 1, 443, hi, 2, 50000, ISN, k));
        assertEquals(-1, c.check(NOW, hi + 1, 1, 443, hi, 2, 50000, ISN, k));
        assertEquals(-1, c.check(NOW, hi, 1, 443, hi + 1, 2, 50000, ISN, k));
        assertEquals(cookie(NOW, ISN, 1440),
                c.encode(NOW, 0, IsnGenerator.mapped(LOCAL), 80, 0, IsnGenerator.mapped(REMOTE), 40000, ISN, 1440));
    }

    @Test
    void forgedCookiesAreRejected() {
        SplittableRandom r = new SplittableRandom(7);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            if (check(NOW, ISN, r.nextInt()) >= 0) {
                accepted++;
            }
        }
        assertEquals(0, accepted);
        // A real cookie off by one in the counter byte is refused.
        int k = cookie(NOW, ISN, 536);
        assertEquals(-1, check(NOW, ISN, k + (1 << 24)));
        assertEquals(-1, check(NOW, ISN, k ^ 0x00800000));
    }

    @Test
    void theIndexMustBeInTheTable() {
        // The low 24 bits are the keyed hash plus the index: an index past the table is refused.
        int k = cookie(NOW, ISN, 536);
        assertEquals(1300, check(NOW, ISN, k + 1));
        assertEquals(1460, check(NOW, ISN, k + 3));
        assertEquals(-1, check(NOW, ISN, k + 4));
        assertEquals(-1, check(NOW, ISN, k - 1));
        SynCookies one = new SynCookies(1, 2, 3, 4, 1220);
        int k1 = one.encode(NOW, LOCAL, 80, REMOTE, 40000, ISN, 9000);
        assertEquals(1220, one.check(NOW, LOCAL, 80, REMOTE, 40000, ISN, k1));
        assertEquals(-1, one.check(NOW, LOCAL, 80, REMOTE, 40000, ISN, k1 + 1));
        assertEquals(1220, one.mssFor(100));
    }

    @Test
    void eightEntriesAreTheMost() {
        SynCookies eight = new SynCookies(new SplittableRandom(1), 100, 200, 300, 400, 500, 600, 700, 0xffff);
        int k = eight.encode(NOW, LOCAL, 80, REMOTE, 40000, ISN, 0xffff);
        assertEquals(0xffff, eight.check(NOW, LOCAL, 80, REMOTE, 40000, ISN, k));
        assertEquals(-1, eight.check(NOW, LOCAL, 80, REMOTE, 40000, ISN, k + 1));
        assertEquals(1, new SynCookies(new SplittableRandom(1), 1).mssFor(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1 2 3 4 5 6 7 8 9", "536 536", "1460 536", "0 536", "536 65536", "-5"})
    void badTablesAreRefused(String table) {
        int[] t = table.isEmpty() ? new int[0]
                : java.util.Arrays.stream(table.split(" ")).mapToInt(Integer::parseInt).toArray();
        assertThrows(IllegalArgumentException.class, () -> new SynCookies(new SplittableRandom(1), t));
    }

    @Test
    void tableIsCopied() {
        int[] t = SynCookies.defaultMssTableV4();
        assertArrayEquals(new int[] {536, 1300, 1440, 1460}, t);
        SynCookies own = new SynCookies(new SplittableRandom(1), t);
        t[3] = 9000;
        assertEquals(1460, own.mssFor(9000));
        assertEquals(1460, SynCookies.defaultMssTableV4()[3]);
    }

    @Test
    void ipv6Table() {
        assertArrayEquals(new int[] {1220, 1420, 1440, 8940}, SynCookies.defaultMssTableV6());
        SynCookies v6 = new SynCookies(new SplittableRandom(3), SynCookies.defaultMssTableV6());
        long hi = 0x2001_0db8_0000_0000L;
        int k = v6.encode(NOW, hi, 1, 443, hi, 2, 50000, ISN, 8960);
        assertEquals(8940, v6.check(NOW, hi, 1, 443, hi, 2, 50000, ISN, k));
        assertEquals(1220, v6.mssFor(1419));
    }

    @Test
    void secretsComeFromTheStackRandom() {
        SynCookies a = new SynCookies(new SplittableRandom(5), SynCookies.defaultMssTableV4());
        SynCookies b = new SynCookies(new SplittableRandom(5), SynCookies.defaultMssTableV4());
        SynCookies d = new SynCookies(new SplittableRandom(6), SynCookies.defaultMssTableV4());
        int k = a.encode(NOW, LOCAL, 80, REMOTE, 40000, ISN, 1460);
        assertEquals(1460, b.check(NOW, LOCAL, 80, REMOTE, 40000, ISN, k));
        assertEquals(-1, d.check(NOW, LOCAL, 80, REMOTE, 40000, ISN, k));
    }

    @Test
    void counterIsMinutes() {
        assertEquals(0, SynCookies.counter(0));
        assertEquals(0, SynCookies.counter(59_999_999_999L));
        assertEquals(1, SynCookies.counter(60_000_000_000L));
        assertEquals(-1, SynCookies.counter(-1));
        assertEquals(60, SynCookies.counter(3_600_000_000_000L));
        // Nanoseconds in a long last 153 million minutes: the int counter never wraps by itself.
        assertEquals(153_722_867, SynCookies.counter(Long.MAX_VALUE));
    }

    @Test
    void timestampCarriesTheSynOptions() {
        // Low 6 bits: window shift (15: none), SACK-Permitted (bit 4), ECN (bit 5).
        int ts = SynCookies.tsEncode(0x12345678, 7, true, false);
        assertEquals(0x12345657, ts);
        assertEquals(7, SynCookies.tsWindowScale(ts));
        assertTrue(SynCookies.tsSackPermitted(ts));
        assertFalse(SynCookies.tsEcn(ts));
        int none = SynCookies.tsEncode(0x12345678, -1, false, true);
        assertEquals(0x1234566f, none);
        assertEquals(-1, SynCookies.tsWindowScale(none));
        assertFalse(SynCookies.tsSackPermitted(none));
        assertTrue(SynCookies.tsEcn(none));
        assertEquals(0x1234564e, SynCookies.tsEncode(0x12345678, 14, false, false));
        // A shift above 14 is carried as 14 (RFC 7323 §2.3), never as 15, "none".
        assertEquals(0x1234564e, SynCookies.tsEncode(0x12345678, 15, false, false));
        assertEquals(0x1234564e, SynCookies.tsEncode(0x12345678, 115, false, false));
        assertEquals(0x12345640, SynCookies.tsEncode(0x12345678, 0, false, false));
        assertEquals(0x123456fe, SynCookies.tsEncode(0x123456ff, 14, true, true));
    }

    @Test
    void timestampNeverRunsAheadOfTheClock() {
        // Low bits of the clock above the options: same 64-tick block.
        assertEquals(0x12345657, SynCookies.tsEncode(0x12345658, 7, true, false));
        // Equal: the clock itself.
        assertEquals(0x12345657, SynCookies.tsEncode(0x12345657, 7, true, false));
        // Below: the previous block.
        assertEquals(0x12345617, SynCookies.tsEncode(0x12345656, 7, true, false));
        assertEquals(0x12345617, SynCookies.tsEncode(0x12345640, 7, true, false));
        // Across the wrap of 2^32.
        assertEquals(0xffffffdf, SynCookies.tsEncode(5, -1, true, false));
        assertEquals(0x1f, SynCookies.tsEncode(0x3f, -1, true, false));
    }

    @Test
    void echoedTimestampDecodesOnlyTheLowBits() {
        assertEquals(-1, SynCookies.tsWindowScale(0xffffffff));
        assertEquals(0, SynCookies.tsWindowScale(0xfffffff0));
        assertEquals(14, SynCookies.tsWindowScale(0x0e));
        assertTrue(SynCookies.tsSackPermitted(0x10));
        assertFalse(SynCookies.tsSackPermitted(0xffffffef));
        assertTrue(SynCookies.tsEcn(0x20));
        assertFalse(SynCookies.tsEcn(0xffffffdf));
    }
}
