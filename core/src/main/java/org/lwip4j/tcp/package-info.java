/**
 * TCP (RFC 9293) over the family-neutral IP seam ({@code org.lwip4j.ip}): never names IPv4
 * or IPv6. Split by concern, so a reader finds a behaviour by file name:
 * <ul>
 * <li>{@link org.lwip4j.tcp.Tcp}: the protocol for one stack: pcb pool and recycling,
 * ports, ISNs (RFC 6528), segment checks, hashed demultiplexing, RST for closed ports;</li>
 * <li>{@link org.lwip4j.tcp.TcpPcb}: the raw API (lwIP's {@code tcp_*}) and the TCB;</li>
 * <li>{@code TcpListener}: passive opens and the backlog;</li>
 * <li>{@code TcpInput}: the state machine of RFC 9293 §3.10.7, RFC 5961's checks, ACK
 * processing (SACK blocks in, RFC 2018; NewReno recovery, RFC 6582), delayed ACKs;</li>
 * <li>{@code TcpOutput}: segmentation, Nagle, windows, limited transmit (RFC 3042), every
 * segment built (SACK and D-SACK blocks out: {@code SackReceiver}, RFC 2018/2883);</li>
 * <li>{@code SackScoreboard}, {@code LossRecovery}: SACK-based recovery (RFC 6675) with
 * Proportional Rate Reduction (RFC 6937);</li>
 * <li>{@code Rack}, {@code SentLog}: RACK-TLP (RFC 8985), time-based loss detection and
 * tail loss probes;</li>
 * <li>{@code TcpTimers}, {@code RetransmitTimer}: RTO (RFC 6298), persist, keepalive,
 * TIME_WAIT, FIN_WAIT_2, poll;</li>
 * <li>{@code SendQueue}, {@code ReceiveQueue}: the send buffer and the out-of-order queue;</li>
 * <li>{@code CongestionControl} with {@code Cubic} (RFC 9438, the default) and
 * {@code NewReno} (RFC 5681), both with byte counting (RFC 3465).</li>
 * </ul>
 */
package org.lwip4j.tcp;
