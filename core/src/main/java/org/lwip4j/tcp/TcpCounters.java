package org.lwip4j.tcp;

/**
 * Stack-wide counters of TCP's defences and table (beside the generic
 * {@link org.lwip4j.stack.ProtoStats}): what tests read, and what the CLI's {@code --stats}
 * shows. A live view owned by the stack's loop; read it there.
 */
public final class TcpCounters {
    long challengeAcksSent;
    long challengeAcksLimited;
    long synCookiesSent;
    long synCookiesAccepted;
    long synCookiesRejected;
    long synQueueDrops;
    long pawsDrops;
    long timeWaitRecycled;
    long timeWaitReused;
    long icmpIgnored;
    long icmpHardErrors;
    long icmpSoftErrors;
    long pmtuLowered;
    long rstAfterClose;
    long urgentReceived;

    private final ReceiveQueue.Budget ooseq;

    TcpCounters(ReceiveQueue.Budget ooseq) {
        this.ooseq = ooseq;
    }

    /** Challenge ACKs sent (RFC 5961 §3-5). */
    public long challengeAcksSent() {
        return challengeAcksSent;
    }

    /** Challenge ACKs the per-second limit held back (RFC 5961 §7). */
    public long challengeAcksLimited() {
        return challengeAcksLimited;
    }

    /** SYN-ACKs sent with a SYN cookie because a SYN queue was full (RFC 4987 §3.6). */
    public long synCookiesSent() {
        return synCookiesSent;
    }

    /** Connections made from a valid returned cookie. */
    public long synCookiesAccepted() {
        return synCookiesAccepted;
    }

    /** ACKs to a listener that overflowed whose cookie did not check out. */
    public long synCookiesRejected() {
        return synCookiesRejected;
    }

    /** SYNs dropped because the SYN queue was full and cookies are off. */
    public long synQueueDrops() {
        return synQueueDrops;
    }

    /** Segments dropped by PAWS (RFC 7323 §5). */
    public long pawsDrops() {
        return pawsDrops;
    }

    /** TIME_WAIT connections freed early for the cap or a pcb. */
    public long timeWaitRecycled() {
        return timeWaitRecycled;
    }

    /** TIME_WAIT connections a new SYN reopened (RFC 6191, RFC 1122 §4.2.2.13). */
    public long timeWaitReused() {
        return timeWaitReused;
    }

    /** ICMP errors ignored: no connection, or a sequence number not in flight (RFC 5927 §4.1). */
    public long icmpIgnored() {
        return icmpIgnored;
    }

    /** Hard ICMP errors that aborted a connection (RFC 1122 §4.2.3.9). */
    public long icmpHardErrors() {
        return icmpHardErrors;
    }

    /** Soft ICMP errors recorded on a connection (RFC 1122 §4.2.3.9). */
    public long icmpSoftErrors() {
        return icmpSoftErrors;
    }

    /** Times a "fragmentation needed" / "packet too big" lowered a connection's MSS (RFC 1191, RFC 8201). */
    public long pmtuLowered() {
        return pmtuLowered;
    }

    /** Out-of-order segments refused because the stack-wide bound was reached. */
    public long ooseqStackDrops() {
        return ooseq.refused;
    }

    /** Out-of-order bytes queued by all connections now. */
    public long ooseqBytes() {
        return ooseq.used;
    }

    /** Connections reset because data arrived after the application closed (RFC 9293 §3.10.4). */
    public long rstAfterClose() {
        return rstAfterClose;
    }

    /** Urgent pointers received that were new or advanced, each told to the application (RFC 9293 §3.8.5). */
    public long urgentReceived() {
        return urgentReceived;
    }
}
