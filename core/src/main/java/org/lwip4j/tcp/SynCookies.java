package org.lwip4j.tcp;

import java.util.SplittableRandom;

/**
 * SYN cookies (RFC 4987 §3.6): under a SYN flood a listener answers a SYN without keeping
 * state, choosing as its ISN a value from which the returning ACK proves the handshake and
 * gives back the little it must remember.
 *
 * <p>Layout, as Linux lays it out (RFC 4987's "t mod 32, MSS, hash" variant, made to fit a
 * check that accepts more than one counter value):
 * <pre>
 * cookie = H1(4-tuple) + clientIsn + (count &lt;&lt; 24) + ((H2(4-tuple, count) + mssIndex) mod 2^24)
 * </pre>
 * where {@code count} is a counter that ticks once a minute ({@link #counter(long)}), H1 and
 * H2 are SipHash-2-4 under two secret keys, and {@code mssIndex} picks the largest entry of
 * a small MSS table not above the client's MSS. The check subtracts H1 and the client's ISN
 * (the ACK's sequence number minus one), reads the counter from the top byte, accepts it
 * only when it is the current or the previous value, subtracts H2 for that counter and
 * accepts the remaining 24 bits only as a valid table index: a forged cookie passes with a
 * probability of about 2 × (table size) / 2^32. As in Linux the index is added, not bound
 * to the hash: a client ISN one lower reads the next table entry. That takes knowing the
 * cookie, that is having seen our SYN-ACK, which lets one complete the handshake anyway.
 *
 * <p>When the client sent timestamps, what else the SYN negotiated rides in the low 6 bits
 * of our TSval, echoed back in the ACK's TSecr ({@link #tsEncode}): the window shift (bits
 * 0-3, 15 for none), SACK-Permitted (bit 4) and ECN (bit 5).
 *
 * <p>Addresses are two longs each (IPv6 high, low); IPv4 ones are hashed in their mapped
 * form. Time is the caller's. Allocates nothing; one event loop.
 */
final class SynCookies {
    /** Nanoseconds per counter tick: one minute. */
    public static final long COUNTER_NANOS = 60_000_000_000L;
    /** How many counter values a cookie is valid for: the current one and the previous one. */
    public static final int MAX_AGE = 2;

    private static final int DATA_BITS = 24;
    private static final int DATA_MASK = (1 << DATA_BITS) - 1;
    private static final int COUNT_MASK = 0xff;
    private static final int TS_BITS = 6;
    private static final int TS_MASK = (1 << TS_BITS) - 1;
    private static final int TS_WSCALE_MASK = 0x0f;
    private static final int TS_SACK = 1 << 4;
    private static final int TS_ECN = 1 << 5;

    private final SipHash h1;
    private final SipHash h2;
    private final int[] mssTable;

    /**
     * Cookies with two secret keys drawn from {@code random} and the given MSS table.
     *
     * @param mssTable 1 to 8 MSS values, strictly ascending, each 1..65535 (copied)
     * @throws IllegalArgumentException for a table that is not so
     */
    public SynCookies(SplittableRandom random, int... mssTable) {
        this(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(), mssTable);
    }

    /** Cookies with the given keys (tests). */
    SynCookies(long a0, long a1, long b0, long b1, int... mssTable) {
        if (mssTable.length == 0 || mssTable.length > 8) {
            throw new IllegalArgumentException("MSS table needs 1..8 entries: " + mssTable.length);
        }
        for (int i = 0; i < mssTable.length; i++) {
            if (mssTable[i] < 1 || mssTable[i] > 0xffff || (i > 0 && mssTable[i] <= mssTable[i - 1])) {
                throw new IllegalArgumentException("MSS table must ascend strictly within 1..65535");
            }
        }
        this.h1 = new SipHash(a0, a1);
        this.h2 = new SipHash(b0, b1);
        this.mssTable = mssTable.clone();
    }

    /** Linux's IPv4 MSS table (most SYNs carry one of these), ascending; a fresh array. */
    public static int[] defaultMssTableV4() {
        return new int[] {536, 1300, 1440, 1460};
    }

    /**
     * Linux's IPv6 MSS table, ascending; a fresh array: the IPv6 minimum MTU (RFC 8200 §5),
     * 1480 (IPv6 in IPv4), 1500 and 9000 (jumbo Ethernet), each less 60 bytes of headers.
     */
    public static int[] defaultMssTableV6() {
        return new int[] {1280 - 60, 1480 - 60, 1500 - 60, 9000 - 60};
    }

    /** The counter at {@code nanos}: minutes, modulo 2^32. */
    public static int counter(long nanos) {
        return (int) Math.floorDiv(nanos, COUNTER_NANOS);
    }

    /** The index of the largest table entry not above {@code mss}; 0 below them all. */
    int mssIndex(int mss) {
        int i = mssTable.length - 1;
        while (i > 0 && mssTable[i] > mss) {
            i--;
        }
        return i;
    }

    /**
     * The cookie (our ISN) for a SYN from remote {@code (remoteHi:remoteLo, remotePort)} to
     * local {@code (localHi:localLo, localPort)} with sequence number {@code clientIsn} and
     * MSS option {@code mss}, at counter value {@code counter}. The MSS the connection will
     * get is {@link #mssFor(int)} of it.
     */
    public int encode(int counter, long localHi, long localLo, int localPort, long remoteHi, long remoteLo,
            int remotePort, int clientIsn, int mss) {
        int data = (hash2(counter, localHi, localLo, localPort, remoteHi, remoteLo, remotePort) + mssIndex(mss))
                & DATA_MASK;
        return hash1(localHi, localLo, localPort, remoteHi, remoteLo, remotePort) + clientIsn
                + (counter << DATA_BITS) + data;
    }

    /** As {@link #encode(int, long, long, int, long, long, int, int, int)} for IPv4. */
    public int encode(int counter, int localIp, int localPort, int remoteIp, int remotePort, int clientIsn,
            int mss) {
        return encode(counter, 0, IsnGenerator.mapped(localIp), localPort, 0, IsnGenerator.mapped(remoteIp),
                remotePort, clientIsn, mss);
    }

    /**
     * Checks a cookie returned in an ACK (its acknowledgment number minus one) against the
     * connection it claims and the client's ISN (its sequence number minus one), at counter
     * value {@code counter}.
     *
     * @return the MSS the cookie encoded, or -1 when it is not one we issued in the current
     *         or the previous counter period for this connection
     */
    public int check(int counter, long localHi, long localLo, int localPort, long remoteHi, long remoteLo,
            int remotePort, int clientIsn, int cookie) {
        int rest = cookie - hash1(localHi, localLo, localPort, remoteHi, remoteLo, remotePort) - clientIsn;
        int age = (counter - (rest >>> DATA_BITS)) & COUNT_MASK;
        if (age >= MAX_AGE) {
            return -1;
        }
        int issued = counter - age;
        int index = (rest - hash2(issued, localHi, localLo, localPort, remoteHi, remoteLo, remotePort))
                & DATA_MASK;
        return index < mssTable.length ? mssTable[index] : -1;
    }

    /** As {@link #check(int, long, long, int, long, long, int, int, int)} for IPv4. */
    public int check(int counter, int localIp, int localPort, int remoteIp, int remotePort, int clientIsn,
            int cookie) {
        return check(counter, 0, IsnGenerator.mapped(localIp), localPort, 0, IsnGenerator.mapped(remoteIp),
                remotePort, clientIsn, cookie);
    }

    /** The MSS a cookie for a SYN with MSS option {@code mss} gives the connection. */
    public int mssFor(int mss) {
        return mssTable[mssIndex(mss)];
    }

    /**
     * Our TSval for a cookie SYN-ACK: the clock {@code tsNow} with its low 6 bits replaced by
     * the SYN's window shift ({@code -1} for none; a shift above 14 is kept as 14, RFC 7323
     * §2.3), SACK-Permitted and ECN. Moved back by 64 when that would put it ahead of the
     * clock, so TSval never runs ahead of the timestamps we send later (RFC 7323 §5.4).
     */
    public static int tsEncode(int tsNow, int windowScale, boolean sackPermitted, boolean ecn) {
        int bits = windowScale < 0 ? TS_WSCALE_MASK : Math.min(windowScale, 14);
        if (sackPermitted) {
            bits |= TS_SACK;
        }
        if (ecn) {
            bits |= TS_ECN;
        }
        int ts = (tsNow & ~TS_MASK) | bits;
        if (Seq.gt(ts, tsNow)) {
            ts -= TS_MASK + 1;
        }
        return ts;
    }

    /** The window shift a cookie's echoed timestamp carries, or -1 for none. */
    public static int tsWindowScale(int tsEcr) {
        int w = tsEcr & TS_WSCALE_MASK;
        return w == TS_WSCALE_MASK ? -1 : w;
    }

    /** True when a cookie's echoed timestamp says the SYN permitted SACK. */
    public static boolean tsSackPermitted(int tsEcr) {
        return (tsEcr & TS_SACK) != 0;
    }

    /** True when a cookie's echoed timestamp says the SYN asked for ECN. */
    public static boolean tsEcn(int tsEcr) {
        return (tsEcr & TS_ECN) != 0;
    }

    private int hash1(long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort) {
        return (int) tuple(h1.start(), localHi, localLo, localPort, remoteHi, remoteLo, remotePort).finish();
    }

    private int hash2(int counter, long localHi, long localLo, int localPort, long remoteHi, long remoteLo,
            int remotePort) {
        return (int) tuple(h2.start(), localHi, localLo, localPort, remoteHi, remoteLo, remotePort)
                .word(counter & 0xffffffffL).finish();
    }

    private static SipHash tuple(SipHash h, long localHi, long localLo, int localPort, long remoteHi,
            long remoteLo, int remotePort) {
        return h.word(localHi).word(localLo).word(remoteHi).word(remoteLo)
                .word(((long) (localPort & 0xffff) << 16) | (remotePort & 0xffff));
    }
}
