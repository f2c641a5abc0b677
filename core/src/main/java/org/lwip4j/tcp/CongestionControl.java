package org.lwip4j.tcp;

/**
 * A congestion control algorithm (RFC 5681 §3): owns the congestion window and the slow
 * start threshold of one connection; the sender asks it how much may be in flight and tells
 * it what the network said. Loss recovery (fast retransmit, NewReno's partial ACKs) is the
 * sender's business; it calls {@link #onFastRetransmit}, {@link #onRecoveryEnd} and
 * {@link #onRetransmitTimeout} at its edges. One per connection; on the loop.
 */
public interface CongestionControl {
    /** Congestion window, bytes. */
    int cwnd();

    /** Slow start threshold, bytes. */
    int ssthresh();

    /** Sets the window (fast recovery inflates and deflates it, RFC 6582 §3.2). */
    void setCwnd(int cwnd);

    /** The connection is established with sender MSS {@code mss}: the initial window (RFC 5681 §3.1). */
    void start(int mss);

    /** {@code acked} bytes of new data were acknowledged outside recovery, with {@code flight} bytes in flight before. */
    void onAck(int acked, int flight, int mss);

    /** Three duplicate ACKs: a loss; {@code flight} bytes were in flight (RFC 5681 §3.2 steps 2-3). */
    void onFastRetransmit(int flight, int mss);

    /** A full acknowledgment ended fast recovery with {@code flight} bytes still in flight (RFC 6582 §3.2 step 3). */
    void onRecoveryEnd(int flight, int mss);

    /** The retransmission timer expired with {@code flight} bytes in flight (RFC 5681 §3.1, equation 4). */
    void onRetransmitTimeout(int flight, int mss);

    /** The connection was idle longer than an RTO: restart from the restart window (RFC 5681 §4.1). */
    void onIdleRestart(int mss);
}
