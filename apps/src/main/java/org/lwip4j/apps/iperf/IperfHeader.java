package org.lwip4j.apps.iperf;

import java.time.Duration;

/**
 * The iperf 2 client header (iperf's {@code client_hdr_v1}, lwiperf's
 * {@code lwiperf_settings_t}): six big-endian 32-bit words at the start of a TCP test
 * stream. With {@link #FLAG_VERSION1} set the server answers with a test of its own back to
 * the client's {@link #port()}: at once with {@link #FLAG_RUN_NOW} (a dual test, iperf
 * {@code -d}), after this one ends without it (a tradeoff test, iperf {@code -r}).
 *
 * <p>iperf 2.1 ({@code include/payloads.h}, {@code Settings_GenerateClientHdr} and
 * {@code Settings_ClientTestHdrLen} in {@code src/Settings.cpp}, {@code
 * Listener::apply_client_settings_tcp}) sets {@link #FLAG_EXTEND} and follows the six words
 * with its {@code client_hdrext}: {@code type}, {@code length} (32 bits each), then 16-bit
 * {@code upperflags} at byte {@link #UPPER_FLAGS_OFFSET} of the stream, then the version,
 * TOS, rate and write prefetch words: 60 bytes in all, which {@link #FLAG_LEN_BIT} and the
 * length in {@link #LEN_MASK} (shifted left by one) also say. A reverse test ({@code -R},
 * {@link #UPPER_REVERSE}) or a full-duplex one ({@code --full-duplex},
 * {@link #UPPER_FULL_DUPLEX}) also sets {@link #FLAG_VERSION2}; the server then sends on the
 * client's own connection, for the {@link #amount()} of this header. A 2.1.8 client's
 * {@code iperf -c ADDR -R -n 100000} starts its stream with {@code 44010078 00000001 00001389
 * 00000000 00000000 000186a0} and {@code 00000000 00000000 0400...}.
 *
 * @param flags      {@link #FLAG_VERSION1}, {@link #FLAG_EXTEND}, {@link #FLAG_VERSION2},
 *                   {@link #FLAG_RUN_NOW}, the header length
 * @param threads    parallel streams of the client (1)
 * @param port       where the client listens for the answering test
 * @param bufferLen  the client's write size (0: not said)
 * @param winBand    TCP window or UDP rate (0: not said)
 * @param amount     positive: bytes; negative: the duration in hundredths of a second
 * @param upperFlags iperf 2.1's extended {@code upperflags} ({@link #UPPER_REVERSE},
 *                   {@link #UPPER_FULL_DUPLEX}); 0 without the extension, which {@link #write}
 *                   then leaves out
 */
public record IperfHeader(int flags, int threads, int port, int bufferLen, int winBand, int amount, int upperFlags) {
    /** Length on the wire. */
    public static final int LENGTH = 24;
    /** The client asks for a test back ({@code HEADER_VERSION1}, lwiperf's {@code LWIPERF_FLAGS_ANSWER_TEST}). */
    public static final int FLAG_VERSION1 = 0x80000000;
    /** iperf 2.1's extended header ({@code client_hdrext}) follows the six words ({@code HEADER_EXTEND}). */
    public static final int FLAG_EXTEND = 0x40000000;
    /** The extension's upper flags ask for a reverse or full-duplex test ({@code HEADER_VERSION2}). */
    public static final int FLAG_VERSION2 = 0x04000000;
    /** The header's length is in {@link #LEN_MASK} ({@code HEADER_LEN_BIT}). */
    public static final int FLAG_LEN_BIT = 0x00010000;
    /** The header's length in bytes, shifted left by one ({@code HEADER_LEN_MASK}). */
    public static final int LEN_MASK = 0x000001fe;
    /** Where the extension's 16-bit upper flags are in the stream ({@code client_hdrext.upperflags}). */
    public static final int UPPER_FLAGS_OFFSET = 32;
    /** Bytes the server reads for the header when the extension is there: up to and with the upper flags. */
    public static final int EXTENDED_LENGTH = UPPER_FLAGS_OFFSET + 2;
    /** The server sends on the client's connection ({@code -R}, {@code HEADER_REVERSE}). */
    public static final int UPPER_REVERSE = 0x0400;
    /** Both send on the client's connection at once ({@code --full-duplex}, {@code HEADER_FULLDUPLEX}). */
    public static final int UPPER_FULL_DUPLEX = 0x0800;
    /** The length of iperf 2.1's classic header and its extension (also when no length bit says it). */
    public static final int V1_AND_EXTENSION = 60;
    /**
     * The extension's version words, after the upper flags and 16 bits of lower flags: iperf
     * 2.1.8's ({@code 0x00020001 0x00080003}), whose protocol the reverse and full-duplex
     * headers follow; the TOS, rate and write-prefetch words after them stay 0.
     */
    private static final int VERSION_UPPER = 0x00020001;
    private static final int VERSION_LOWER = 0x00080003;
    private static final int VERSION_OFFSET = UPPER_FLAGS_OFFSET + 4;
    /** The answering test starts at once: a dual test ({@code RUN_NOW}, {@code LWIPERF_FLAGS_ANSWER_NOW}). */
    public static final int FLAG_RUN_NOW = 0x00000001;

    /** A classic header: no extension, so no upper flags. */
    public IperfHeader(int flags, int threads, int port, int bufferLen, int winBand, int amount) {
        this(flags, threads, port, bufferLen, winBand, amount, 0);
    }

    /**
     * The header of a client test of {@code amount} (see {@link #amount()}), answering test at
     * {@code port}. A reverse or full-duplex test's is iperf 2.1's extended header of
     * {@value #V1_AND_EXTENSION} bytes, as iperf 2.1.8 writes it (the length in its flags, the
     * upper flags, the version words); the others are the classic {@value #LENGTH} bytes.
     */
    public static IperfHeader of(IperfMode mode, int port, int amount) {
        int extended = FLAG_EXTEND | FLAG_VERSION2 | FLAG_LEN_BIT | V1_AND_EXTENSION << 1;
        return switch (mode) {
            case NORMAL -> new IperfHeader(0, 1, port, 0, 0, amount);
            case TRADEOFF -> new IperfHeader(FLAG_VERSION1, 1, port, 0, 0, amount);
            case DUAL -> new IperfHeader(FLAG_VERSION1 | FLAG_RUN_NOW, 1, port, 0, 0, amount);
            case REVERSE -> new IperfHeader(extended, 1, port, 0, 0, amount, UPPER_REVERSE);
            case FULL_DUPLEX -> new IperfHeader(extended, 1, port, 0, 0, amount, UPPER_FULL_DUPLEX);
        };
    }

    /** Bytes {@link #write} writes: {@value #V1_AND_EXTENSION} with the extension's upper flags, else {@value #LENGTH}. */
    public int length() {
        return upperFlags != 0 ? V1_AND_EXTENSION : LENGTH;
    }

    /** The amount word for a test of {@code d} (hundredths of a second, negative; at least one hundredth). */
    public static int amountOf(Duration d) {
        long cs = Math.max(1, d.toMillis() / 10);
        return (int) -Math.min(cs, Integer.MAX_VALUE);
    }

    /** Reads the classic header from the first {@link #LENGTH} bytes of {@code b} at {@code off} (no upper flags). */
    public static IperfHeader parse(byte[] b, int off) {
        return parse(b, off, LENGTH);
    }

    /**
     * Reads the header from the {@code len} bytes of {@code b} at {@code off} ({@code len} at
     * least {@link #LENGTH}); the upper flags too when {@link #lengthToRead} of its flags fits in
     * {@code len}.
     */
    public static IperfHeader parse(byte[] b, int off, int len) {
        int flags = word(b, off);
        int need = lengthToRead(flags);
        int upper = need > LENGTH && len >= need
                ? (b[off + UPPER_FLAGS_OFFSET] & 0xff) << 8 | (b[off + UPPER_FLAGS_OFFSET + 1] & 0xff) : 0;
        return new IperfHeader(flags, word(b, off + 4), word(b, off + 8), word(b, off + 12), word(b, off + 16),
                word(b, off + 20), upper);
    }

    /**
     * How many bytes of a stream starting with {@code flags} the server reads as its header:
     * {@link #EXTENDED_LENGTH} when the extension is there and at least that long (iperf's
     * {@code Settings_ClientTestHdrLen}: the length field, else 24 + 36 bytes), else
     * {@link #LENGTH}. The bytes count as data all the same.
     */
    public static int lengthToRead(int flags) {
        if ((flags & FLAG_EXTEND) == 0) {
            return LENGTH;
        }
        int stated = (flags & FLAG_LEN_BIT) != 0 ? (flags & LEN_MASK) >> 1 : V1_AND_EXTENSION;
        return stated >= EXTENDED_LENGTH ? EXTENDED_LENGTH : LENGTH;
    }

    static int word(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    /**
     * Writes the header's {@link #length()} bytes into {@code b} at {@code off}: the six
     * words, then with upper flags the extension (type and length 0, the upper flags at
     * {@link #UPPER_FLAGS_OFFSET}, iperf 2.1.8's version words, zeros).
     */
    public void write(byte[] b, int off) {
        int[] w = {flags, threads, port, bufferLen, winBand, amount};
        for (int i = 0; i < w.length; i++) {
            putWord(b, off + 4 * i, w[i]);
        }
        if (upperFlags != 0) {
            java.util.Arrays.fill(b, off + LENGTH, off + V1_AND_EXTENSION, (byte) 0);
            b[off + UPPER_FLAGS_OFFSET] = (byte) (upperFlags >>> 8);
            b[off + UPPER_FLAGS_OFFSET + 1] = (byte) upperFlags;
            putWord(b, off + VERSION_OFFSET, VERSION_UPPER);
            putWord(b, off + VERSION_OFFSET + 4, VERSION_LOWER);
        }
    }

    private static void putWord(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /**
     * The client wants a test back to its port: {@link #FLAG_VERSION1} without
     * {@link #FLAG_VERSION2}, as iperf 2.1's listener reads it.
     */
    public boolean answerTest() {
        return (flags & FLAG_VERSION1) != 0 && (flags & FLAG_VERSION2) == 0;
    }

    /**
     * The client asks the server to send on its own connection (iperf 2.1's {@code -R}),
     * the header's {@link #amount()} of it; also true for a full-duplex test.
     */
    public boolean reverse() {
        return (flags & FLAG_VERSION2) != 0 && (upperFlags & (UPPER_REVERSE | UPPER_FULL_DUPLEX)) != 0;
    }

    /** Both ends send on the client's connection at once (iperf 2.1's {@code --full-duplex}). */
    public boolean fullDuplex() {
        return (flags & FLAG_VERSION2) != 0 && (upperFlags & UPPER_FULL_DUPLEX) != 0;
    }

    /** The answering test starts at once (dual). */
    public boolean answerNow() {
        return answerTest() && (flags & FLAG_RUN_NOW) != 0;
    }

    /** The mode this header asks for. */
    public IperfMode mode() {
        if (fullDuplex()) {
            return IperfMode.FULL_DUPLEX;
        }
        if (reverse()) {
            return IperfMode.REVERSE;
        }
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
