package org.lwip4j.tcp;

/**
 * The retransmission timeout of one connection per RFC 6298: SRTT and RTTVAR from RTT
 * samples (§2.2-2.3, alpha 1/8, beta 1/4, G taken as 0), RTO = SRTT + 4 RTTVAR clamped to
 * [min, max] (§2.4-2.5), exponential backoff on expiry (§5.5), samples only from segments
 * never retransmitted (Karn's algorithm, §3). Times in nanoseconds.
 */
final class RetransmitTimer {
    private final long min;
    private final long max;
    private long srtt;
    private long rttvar;
    private long rto;
    private int backoff;
    private boolean sampled;

    RetransmitTimer(long initial, long min, long max) {
        this.min = min;
        this.max = max;
        this.rto = Math.min(Math.max(initial, 0), max);
    }

    /** Takes one RTT measurement (RFC 6298 §2.2-2.3) and resets the backoff. */
    void sample(long rtt) {
        sample(rtt, 1);
    }

    /**
     * Takes one of {@code expected} RTT measurements per window (RFC 7323 §4.2: with
     * timestamps every ACK gives one, so alpha and beta are divided by ExpectedSamples).
     */
    void sample(long rtt, int expected) {
        if (rtt < 0) {
            return;
        }
        if (!sampled) {
            srtt = rtt;
            rttvar = rtt / 2;
            sampled = true;
        } else {
            long err = Math.abs(srtt - rtt);
            long n = Math.max(expected, 1);
            rttvar += (err - rttvar) / (4 * n);
            srtt += (rtt - srtt) / (8 * n);
        }
        backoff = 0;
        rto = Math.min(Math.max(srtt + 4 * rttvar, min), max);
    }

    /** The timer expired: doubles the RTO up to the maximum (RFC 6298 §5.5). */
    void backOff() {
        backoff++;
        rto = Math.min(rto * 2, max);
    }

    /** The current RTO, backoff included. */
    long rto() {
        return rto;
    }

    /** Smoothed RTT, or 0 before the first sample. */
    long srtt() {
        return srtt;
    }

    /** RTT variation, or 0 before the first sample. */
    long rttvar() {
        return rttvar;
    }

    /** Expirations since the last sample. */
    int backoffCount() {
        return backoff;
    }
}
