package org.lwip4j.apps.iperf;

import java.time.Duration;

/**
 * The iperf 2 client header (iperf's {@code client_hdr_v1}, lwiperf's
 * {@code lwiperf_settings_t}): six big-endian 32-bit words at the start of a TCP test
 * stream. With {@link #FLAG_VERSION1} set the server answers with a test of its own back to
 * the client's {@link #port()}: at once with {@link #FLAG_RUN_NOW} (a dual test, iperf
 * {@code -d}), after this one ends without it (a tradeoff test, iperf {@code -r}).
 *
 * @param flags      {@link #FLAG_VERSION1}, {@link #FLAG_EXTEND}, {@link #FLAG_RUN_NOW}
 * @param threads    parallel streams of the client (1)
 * @param port       where the client listens for the answering test
 * @param bufferLen  the client's write size (0: not said)
 * @param winBand    TCP window or UDP rate (0: not said)
 * @param amount     positive: bytes; negative: the duration in hundredths of a second
 */
public record IperfHeader(int flags, int threads, int port, int bufferLen, int winBand, int amount) {
    /** Length on the wire. */
    public static final int LENGTH = 24;
    /** The client asks for a test back ({@code HEADER_VERSION1}, lwiperf's {@code LWIPERF_FLAGS_ANSWER_TEST}). */
    public static final int FLAG_VERSION1 = 0x80000000;
    /** iperf 2.1's extended header follows (its fields are not needed here; the bytes count as data). */
    public static final int FLAG_EXTEND = 0x40000000;
    /** The answering test starts at once: a dual test ({@code RUN_NOW}, {@code LWIPERF_FLAGS_ANSWER_NOW}). */
    public static final int FLAG_RUN_NOW = 0x00000001;

    /** The header of a client test of {@code amount} (see {@link #amount()}), answering test at {@code port}. */
    public static IperfHeader of(IperfMode mode, int port, int amount) {
        int flags = switch (mode) {
            case NORMAL -> 0;
            case TRADEOFF -> FLAG_VERSION1;
            case DUAL -> FLAG_VERSION1 | FLAG_RUN_NOW;
        };
        return new IperfHeader(flags, 1, port, 0, 0, amount);
    }

    /** The amount word for a test of {@code d} (hundredths of a second, negative; at least one hundredth). */
    public static int amountOf(Duration d) {
        long cs = Math.max(1, d.toMillis() / 10);
        return (int) -Math.min(cs, Integer.MAX_VALUE);
    }

    /** Reads the header from the first {@link #LENGTH} bytes of {@code b} at {@code off}. */
    public static IperfHeader parse(byte[] b, int off) {
        return new IperfHeader(word(b, off), word(b, off + 4), word(b, off + 8), word(b, off + 12), word(b, off + 16),
                word(b, off + 20));
    }

    private static int word(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    /** Writes the header into {@code b} at {@code off}. */
    public void write(byte[] b, int off) {
        int[] w = {flags, threads, port, bufferLen, winBand, amount};
        for (int i = 0; i < w.length; i++) {
            b[off + 4 * i] = (byte) (w[i] >>> 24);
            b[off + 4 * i + 1] = (byte) (w[i] >>> 16);
            b[off + 4 * i + 2] = (byte) (w[i] >>> 8);
            b[off + 4 * i + 3] = (byte) w[i];
        }
    }

    /** The client wants a test back. */
    public boolean answerTest() {
        return (flags & FLAG_VERSION1) != 0;
    }

    /** The answering test starts at once (dual). */
    public boolean answerNow() {
        return answerTest() && (flags & FLAG_RUN_NOW) != 0;
    }

    /** The mode this header asks for. */
    public IperfMode mode() {
        return !answerTest() ? IperfMode.NORMAL : answerNow() ? IperfMode.DUAL : IperfMode.TRADEOFF;
    }

    /** True when {@link #amount()} is a time. */
    public boolean timed() {
        return amount < 0;
    }

    /** The duration asked for, when {@link #timed()}. */
    public Duration duration() {
        return Duration.ofMillis(-(long) amount * 10);
    }
}
