package org.lwip4j.tcp;

/**
 * Reno congestion control (RFC 5681) with appropriate byte counting (RFC 3465, L = 2 SMSS
 * in slow start): slow start below {@code ssthresh}, then congestion avoidance growing by
 * one SMSS per window of acknowledged bytes; halving on loss. NewReno's recovery (RFC 6582)
 * is driven by the sender through {@link #setCwnd}.
 */
final class NewReno implements CongestionControl {
    private int cwnd;
    private int ssthresh = Integer.MAX_VALUE;
    /** Bytes acknowledged since the window last grew in congestion avoidance (RFC 3465 §2.1). */
    private int bytesAcked;

    @Override
    public int cwnd() {
        return cwnd;
    }

    @Override
    public int ssthresh() {
        return ssthresh;
    }

    @Override
    public void setCwnd(int cwnd) {
        this.cwnd = Math.max(cwnd, 1);
    }

    /** Sets ssthresh (tests that start in congestion avoidance). */
    void forceSsthresh(int v) {
        ssthresh = v;
    }

    @Override
    public void start(int mss) {
        cwnd = initialWindow(mss);
        bytesAcked = 0;
    }

    /** RFC 5681 §3.1 (RFC 3390): min(4 SMSS, max(2 SMSS, 4380 bytes)). */
    static int initialWindow(int mss) {
        return Math.min(4 * mss, Math.max(2 * mss, 4380));
    }

    @Override
    public void onAck(int acked, int flight, int mss) {
        if (cwnd < ssthresh) {
            // RFC 3465 §2.2: slow start grows by the bytes acknowledged, at most 2 SMSS per ACK.
            cwnd = clampAdd(cwnd, Math.min(acked, 2 * mss));
            return;
        }
        // RFC 3465 §2.1: one SMSS per cwnd bytes acknowledged.
        bytesAcked += acked;
        if (bytesAcked >= cwnd) {
            bytesAcked -= cwnd;
            cwnd = clampAdd(cwnd, mss);
        }
    }

    @Override
    public void onFastRetransmit(int flight, int mss) {
        ssthresh = Math.max(flight / 2, 2 * mss);
        cwnd = clampAdd(ssthresh, 3 * mss);
        bytesAcked = 0;
    }

    @Override
    public void onRecoveryEnd(int flight, int mss) {
        // RFC 6582 §3.2 step 3, option 1: min(ssthresh, max(FlightSize, SMSS) + SMSS).
        cwnd = Math.min(ssthresh, Math.max(flight, mss) + mss);
        bytesAcked = 0;
    }

    @Override
    public void onRetransmitTimeout(int flight, int mss) {
        ssthresh = Math.max(flight / 2, 2 * mss);
        cwnd = mss;
        bytesAcked = 0;
    }

    @Override
    public void onIdleRestart(int mss) {
        cwnd = Math.min(cwnd, initialWindow(mss));
    }

    private static int clampAdd(int a, int b) {
        long s = (long) a + b;
        return s > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) s;
    }
}
