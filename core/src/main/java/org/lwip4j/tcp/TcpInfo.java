package org.lwip4j.tcp;

/**
 * A snapshot of one connection (after Linux's {@code struct tcp_info}): what tests, the
 * CLI and later the socket API read. Times in nanoseconds.
 *
 * @param state       the state
 * @param sndUna      oldest unacknowledged sequence number
 * @param sndNxt      next sequence number to send
 * @param rcvNxt      next sequence number expected
 * @param sndWnd      the peer's window, scaled
 * @param rcvWnd      our receive window: the receive buffer's free bytes; below 0, by at most a
 *                    sixteenth of the buffer, when the peer filled a window the window scale
 *                    rounded up past the buffer (RFC 7323 §2.4), until the application reads
 * @param mss         sender MSS
 * @param cwnd        congestion window, bytes
 * @param ssthresh    slow start threshold, bytes
 * @param srtt        smoothed RTT
 * @param rttvar      RTT variation
 * @param rto         retransmission timeout, backoff included
 * @param retransmits consecutive retransmissions of the current segment
 * @param dupAcks     duplicate ACKs counted
 * @param sndScale    the peer's window scale
 * @param rcvScale    our window scale
 * @param timestamps  timestamps negotiated
 * @param sack        SACK-permitted negotiated
 * @param ooseqBytes  bytes in the out-of-order queue
 * @param sendQueued  bytes in the send buffer (unacknowledged and unsent)
 * @param totalRetrans   segments retransmitted over the connection's life (fast, SACK, RTO)
 * @param recoveries     fast recoveries entered (RFC 6582 / RFC 6675)
 * @param sackedBytes    bytes the peer SACKed above SND.UNA (RFC 2018)
 * @param lostBytes      unSACKed bytes RFC 6675's IsLost marks lost
 * @param reordering     holes below SACKed data filled without a retransmission (reordering seen)
 * @param dsacksReceived D-SACK blocks received (RFC 2883: spurious retransmissions)
 * @param dsacksSent     D-SACK blocks sent (duplicates received)
 * @param tlpProbes      tail loss probes sent (RFC 8985 §7)
 * @param windowScaling window scaling negotiated (RFC 7323 §2)
 * @param peerMss     the MSS the peer announced (or the default it implied)
 * @param bytesAcked  bytes of ours the peer acknowledged ({@code tcpi_bytes_acked}), SYN and FIN not counted
 * @param bytesReceived bytes received in order ({@code tcpi_bytes_received})
 * @param segsIn      segments received for this connection ({@code tcpi_segs_in})
 * @param segsOut     segments sent, retransmissions included ({@code tcpi_segs_out})
 * @param dataSegsIn  segments received with data ({@code tcpi_data_segs_in})
 * @param dataSegsOut segments sent with data ({@code tcpi_data_segs_out})
 */
public record TcpInfo(TcpState state, int sndUna, int sndNxt, int rcvNxt, int sndWnd, int rcvWnd, int mss, int cwnd,
        int ssthresh, long srtt, long rttvar, long rto, int retransmits, int dupAcks, int sndScale, int rcvScale,
        boolean timestamps, boolean sack, int ooseqBytes, int sendQueued,
        // loss recovery (RFC 2018, 2883, 6675)
        int totalRetrans, int recoveries, int sackedBytes, int lostBytes, int reordering, int dsacksReceived,
        int dsacksSent, int tlpProbes,
        // negotiation and totals (Linux TCP_INFO)
        boolean windowScaling, int peerMss, long bytesAcked, long bytesReceived, long segsIn, long segsOut,
        long dataSegsIn, long dataSegsOut) {
}
