package org.lwip4j.tcp;

/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): a sequence number is an
 * {@code int} and comparisons are of the signed difference, so they hold across the wrap as
 * long as the two numbers are less than 2^31 apart (RFC 1982 §3.2's serial-number rule,
 * which every window and queue of a connection respects).
 */
final class Seq {
    private Seq() {
    }

    /** {@code a < b} in sequence space. */
    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    /** {@code a <= b} in sequence space. */
    public static boolean le(int a, int b) {
        return a - b <= 0;
    }

    /** {@code a > b} in sequence space. */
    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    /** {@code a >= b} in sequence space. */
    public static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    /**
     * {@code lo <= x <= hi} in sequence space: {@code x} lies on the way from {@code lo} up
     * to {@code hi}, both included (the range may span up to 2^32 - 1 numbers).
     */
    public static boolean between(int x, int lo, int hi) {
        return Integer.compareUnsigned(x - lo, hi - lo) <= 0;
    }

    /**
     * {@code start <= x < start + size} in sequence space: the window test of RFC 9293
     * §3.10.7.4 ({@code RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND}); an empty window holds
     * nothing. {@code size} is taken as unsigned.
     */
    public static boolean inWindow(int x, int start, int size) {
        return Integer.compareUnsigned(x - start, size) < 0;
    }

    /** The later of two sequence numbers. */
    public static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    /** The earlier of two sequence numbers. */
    public static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }
}
