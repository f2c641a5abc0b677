package org.lwip4j.tcp;

/**
 * Reno congestion control (RFC 5681) with appropriate byte counting (RFC 3465, L = 2 SMSS
 * in slow start): slow start below {@code ssthresh}, then congestion avoidance growing by
 * one SMSS per window of acknowledged bytes; ssthresh = max(FlightSize / 2, 2 SMSS) on loss
 * (RFC 5681 equation 4). NewReno's recovery (RFC 6582) is driven by the sender through
 * {@link #setCwnd}.
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
        cwnd = CongestionControl.initialWindow(mss);
        bytesAcked = 0;
    }

    @Override
    public void onAck(int acked, int flight, int mss, long now, long srtt) {
        if (cwnd < ssthresh) {
            cwnd = CongestionControl.slowStart(cwnd, acked, mss);
            return;
        }
        // RFC 3465 §2.1: one SMSS per cwnd bytes acknowledged.
        bytesAcked += acked;
        if (bytesAcked >= cwnd) {
            bytesAcked -= cwnd;
            cwnd = CongestionControl.clampAdd(cwnd, mss);
        }
    }

    @Override
    public void onCongestion(int flight, int mss, long now) {
        ssthresh = Math.max(flight / 2, 2 * mss);
        bytesAcked = 0;
    }

    @Override
    public void onRecoveryEnd(int flight, int mss) {
        // RFC 6582 §3.2 step 3, option 1: min(ssthresh, max(FlightSize, SMSS) + SMSS).
        cwnd = Math.min(ssthresh, Math.max(flight, mss) + mss);
        bytesAcked = 0;
    }

    @Override
    public void onRetransmitTimeout(int flight, int mss, long now) {
        ssthresh = Math.max(flight / 2, 2 * mss);
        cwnd = mss;
        bytesAcked = 0;
    }

    @Override
    public void onIdleRestart(int mss, long now) {
        cwnd = Math.min(cwnd, CongestionControl.initialWindow(mss));
    }
}
