package org.lwip4j.tcp;

/**
 * CUBIC congestion control (RFC 9438), the default as in Linux. Slow start as Reno with
 * byte counting (RFC 3465); in congestion avoidance the window follows
 * {@code W_cubic(t) = C (t - K)^3 + W_max} (§4.2, equations 1-2) with t the time since the
 * avoidance epoch began, aiming each ACK at {@code W_cubic(t + RTT)} clamped to
 * [cwnd, 1.5 cwnd] (§4.4-4.5), and never below the Reno-friendly estimate {@code W_est}
 * (§4.3, alpha = 3 (1 - beta) / (1 + beta), then 1 once {@code W_est} reaches the window of
 * the last reduction). On loss: {@code ssthresh = cwnd * beta} with beta = 0.7, fast
 * convergence lowering {@code W_max} when the window had not regrown (§4.6-4.7); on an RTO
 * the same and then cwnd = 1 SMSS (§4.8). Windows are kept in segments as doubles; nothing
 * is allocated per ACK.
 */
final class Cubic implements CongestionControl {
    /** RFC 9438 §5: C = 0.4 (segments / s^3). */
    static final double C = 0.4;
    /** RFC 9438 §4.6: beta_cubic = 0.7. */
    static final double BETA = 0.7;
    /** RFC 9438 §4.3: alpha_cubic for the Reno-friendly region. */
    static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    private int mss = 536;
    private int cwnd;
    private int ssthresh = Integer.MAX_VALUE;
    /** Window (segments) before the last reduction, W_max. */
    private double wMax;
    /** cwnd (segments) when ssthresh was last set (cwnd_prior). */
    private double cwndPrior;
    /** Start of the congestion avoidance epoch, or -1 when none runs. */
    private long epochStart = -1;
    /** K, seconds. */
    private double k;
    /** The Reno-friendly window estimate W_est, segments. */
    private double wEst;
    /** The window, segments, with the fraction ACKs add. */
    private double cwndSegs;

    @Override
    public int cwnd() {
        return cwnd;
    }

    @Override
    public int ssthresh() {
        return ssthresh;
    }

    /** W_max in segments (tests). */
    double wMax() {
        return wMax;
    }

    /** K in seconds (tests). */
    double k() {
        return k;
    }

    @Override
    public void setCwnd(int cwnd) {
        this.cwnd = Math.max(cwnd, 1);
        cwndSegs = (double) this.cwnd / mss;
    }

    @Override
    public void start(int mss) {
        this.mss = mss;
        setCwnd(CongestionControl.initialWindow(mss));
        epochStart = -1;
    }

    /** RFC 9438 equation 1: the cubic window, segments, {@code t} seconds into the epoch. */
    double wCubic(double t) {
        double d = t - k;
        return C * d * d * d + wMax;
    }

    @Override
    public void onAck(int acked, int flight, int mss, long now, long srtt) {
        this.mss = mss;
        if (cwnd < ssthresh) {
            setCwnd(CongestionControl.slowStart(cwnd, acked, mss));
            return;
        }
        double segs = (double) acked / mss;
        if (epochStart < 0) {
            // A new avoidance epoch (RFC 9438 §4.2): K from W_max and the window it starts at.
            epochStart = now;
            cwndSegs = (double) cwnd / mss;
            if (wMax < cwndSegs) {
                wMax = cwndSegs; // no loss since slow start: the plateau is here (K = 0)
            }
            k = Math.cbrt((wMax - cwndSegs) / C);
            wEst = cwndSegs;
        }
        double t = (now - epochStart) / 1e9;
        double rtt = srtt / 1e9;
        // §4.3: the Reno-friendly estimate grows by alpha per window of ACKed segments.
        double alpha = wEst >= cwndPrior ? 1.0 : ALPHA;
        wEst += alpha * segs / cwndSegs;
        double cubic = wCubic(t);
        if (cubic < wEst) {
            cwndSegs = Math.max(cwndSegs, wEst); // §4.3: Reno-friendly region
        } else {
            // §4.4-4.5: concave and convex regions, target W_cubic(t + RTT) in [cwnd, 1.5 cwnd].
            double target = Math.min(Math.max(wCubic(t + rtt), cwndSegs), 1.5 * cwndSegs);
            cwndSegs += (target - cwndSegs) / cwndSegs * segs;
        }
        long bytes = (long) (cwndSegs * mss);
        cwnd = (int) Math.min(Math.max(bytes, cwnd), Integer.MAX_VALUE);
    }

    @Override
    public void onCongestion(int flight, int mss, long now) {
        this.mss = mss;
        reduce();
    }

    /** §4.6-4.7: W_max with fast convergence, ssthresh = cwnd * beta (at least 2 SMSS), a new epoch later. */
    private void reduce() {
        double segs = (double) cwnd / mss;
        wMax = segs < wMax ? segs * (1 + BETA) / 2 : segs;
        cwndPrior = segs;
        ssthresh = Math.max((int) (cwnd * BETA), 2 * mss);
        epochStart = -1;
    }

    @Override
    public void onRecoveryEnd(int flight, int mss) {
        setCwnd(ssthresh);
    }

    @Override
    public void onRetransmitTimeout(int flight, int mss, long now) {
        this.mss = mss;
        reduce();
        setCwnd(mss);
    }

    @Override
    public void onIdleRestart(int mss, long now) {
        setCwnd(Math.min(cwnd, CongestionControl.initialWindow(mss)));
        epochStart = -1;
    }
}
