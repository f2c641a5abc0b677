package org.lwip4j.tcp;

import org.lwip4j.stack.StackConfig;

/**
 * A congestion control algorithm (RFC 5681 §3): owns the congestion window and the slow
 * start threshold of one connection; the sender asks it how much may be in flight and tells
 * it what the network said. Loss recovery (fast retransmit, NewReno's partial ACKs, SACK
 * recovery with PRR) is the sender's business; it calls {@link #onCongestion},
 * {@link #onRecoveryEnd} and {@link #onRetransmitTimeout} at its edges and sets the window
 * with {@link #setCwnd} while it recovers. One per connection; on the loop; times in
 * nanoseconds of the stack's clock.
 */
interface CongestionControl {
    /** Congestion window, bytes. */
    int cwnd();

    /** Slow start threshold, bytes. */
    int ssthresh();

    /** Sets the window (fast recovery inflates and deflates it, RFC 6582 §3.2; PRR sets it per ACK, RFC 6937). */
    void setCwnd(int cwnd);

    /** The connection is established with sender MSS {@code mss}: the initial window (RFC 5681 §3.1). */
    void start(int mss);

    /**
     * {@code acked} bytes of new data were acknowledged outside recovery, with {@code flight}
     * bytes in flight before, at {@code now}, with smoothed RTT {@code srtt} (0 when unknown).
     */
    void onAck(int acked, int flight, int mss, long now, long srtt);

    /**
     * A loss detected by duplicate ACKs, SACK or RACK (RFC 5681 §3.2 step 2, RFC 6675 §5
     * step 4.2): sets ssthresh (the window the recovery ends at); the recovery sets cwnd.
     */
    void onCongestion(int flight, int mss, long now);

    /** A full acknowledgment ended NewReno's fast recovery with {@code flight} bytes still in flight (RFC 6582 §3.2 step 3). */
    void onRecoveryEnd(int flight, int mss);

    /** The retransmission timer expired with {@code flight} bytes in flight (RFC 5681 §3.1, equation 4). */
    void onRetransmitTimeout(int flight, int mss, long now);

    /** The connection was idle longer than an RTO: restart from the restart window (RFC 5681 §4.1). */
    void onIdleRestart(int mss, long now);

    /** A new instance of the algorithm {@code kind} picks. */
    static CongestionControl of(StackConfig.TcpOptions.Congestion kind) {
        return switch (kind) {
            case CUBIC -> new Cubic();
            case NEW_RENO -> new NewReno();
        };
    }

    /** RFC 5681 §3.1 (RFC 3390): min(4 SMSS, max(2 SMSS, 4380 bytes)). */
    static int initialWindow(int mss) {
        return Math.min(4 * mss, Math.max(2 * mss, 4380));
    }

    /**
     * Whether the sender was held back by cwnd when {@code flight} bytes were out, so that an
     * ACK may grow it (RFC 7661 §4.1, RFC 9438 §5.8; Linux's {@code tcp_is_cwnd_limited}): in
     * slow start while cwnd is under twice the flight, in congestion avoidance while the flight
     * fills cwnd to within one segment. A sender held back by the application, the send
     * buffer or the peer's window does not grow cwnd: else it would grow without bound and
     * mean nothing (it reached 700 MB on a long transfer the peer's window paced).
     */
    static boolean cwndLimited(int cwnd, int ssthresh, int flight, int mss) {
        return cwnd < ssthresh ? cwnd < 2L * flight : flight + mss > cwnd;
    }

    /** RFC 3465 §2.2 (L = 2 SMSS): slow start grows by the bytes acknowledged, at most 2 SMSS per ACK. */
    static int slowStart(int cwnd, int acked, int mss) {
        return clampAdd(cwnd, Math.min(acked, 2 * mss));
    }

    /** {@code a + b}, saturating at {@link Integer#MAX_VALUE}. */
    static int clampAdd(int a, int b) {
        long s = (long) a + b;
        return s > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) s;
    }
}
