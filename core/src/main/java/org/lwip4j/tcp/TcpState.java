package org.lwip4j.tcp;

/**
 * The connection states of RFC 9293 §3.3.2, with their RFC names (lwIP's {@code enum tcp_state}).
 */
public enum TcpState {
    /** No connection: a new pcb, or one whose connection is over. */
    CLOSED,
    /** Waiting for a connection request (passive open). */
    LISTEN,
    /** A SYN was sent; waiting for the matching SYN (active open). */
    SYN_SENT,
    /** A SYN was received and a SYN sent; waiting for the acknowledgment of ours. */
    SYN_RCVD,
    /** Open: data flows both ways. */
    ESTABLISHED,
    /** We closed (sent a FIN); waiting for its ACK or the peer's FIN. */
    FIN_WAIT_1,
    /** Our FIN is acknowledged; waiting for the peer's FIN. */
    FIN_WAIT_2,
    /** The peer closed (its FIN received); waiting for the application to close. */
    CLOSE_WAIT,
    /** Both closed at once: waiting for the ACK of our FIN (simultaneous close). */
    CLOSING,
    /** The peer closed first and so did we: waiting for the ACK of our FIN. */
    LAST_ACK,
    /** Both FINs acknowledged: waiting 2 MSL so that old duplicates die (RFC 9293 §3.4.2). */
    TIME_WAIT;

    /** True in the synchronized states (RFC 9293 §3.10.7.4): ESTABLISHED and after. */
    public boolean synchronizedState() {
        return ordinal() >= ESTABLISHED.ordinal();
    }
}
