package org.lwip4j.internal.ip;

import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Timer;

/**
 * One multicast group joined on one netif (lwIP's {@code igmp_group} and
 * {@code mld_group}): how many users joined it, the timer of a pending query response, the
 * state-change retransmissions still to send, whether we were the last to report it
 * (IGMPv2/MLDv1 leave), and the sources of a pending group-and-source-specific query.
 * Made and changed by {@link GroupMembership} on the loop.
 */
public final class Group {
    /** Most sources a pending group-and-source response remembers; more make it group-specific. */
    static final int MAX_SOURCES = 64;
    /** Most sources of one query a family passes on; a query with more is answered for the whole group. */
    public static final int MAX_SOURCES_FOR_QUERY = MAX_SOURCES;

    final Netif netif;
    final long hi;
    final long lo;
    int users;
    /** Joined but not reported until {@link GroupMembership#announce} (a tentative address's solicited-node group). */
    boolean held;
    boolean lastReporter;
    /** The record type a state-change retransmission repeats (CHANGE_TO_EXCLUDE on join, CHANGE_TO_INCLUDE on leave). */
    int changeType;
    int retransmitsLeft;
    final Timer response;
    final Timer retransmit;
    final long[] srcHi = new long[MAX_SOURCES];
    final long[] srcLo = new long[MAX_SOURCES];
    int numSources;
    /** A source-specific response is pending (else a pending response is group-specific). */
    boolean sourceQuery;

    Group(GroupMembership owner, Netif netif, long hi, long lo) {
        this.netif = netif;
        this.hi = hi;
        this.lo = lo;
        this.response = netif.context().timers().create(() -> owner.respond(this));
        this.retransmit = netif.context().timers().create(() -> owner.retransmit(this));
    }

    /** The netif the group is joined on. */
    public Netif netif() {
        return netif;
    }

    /** The first 64 bits of the group address (0 for IPv4). */
    public long hi() {
        return hi;
    }

    /** The last 64 bits of the group address (the IPv4 address in the low 32). */
    public long lo() {
        return lo;
    }

    /** The users that joined it (0: being left, its leave still retransmitted). */
    public int users() {
        return users;
    }

    /** Number of sources of a pending group-and-source response. */
    public int sources() {
        return numSources;
    }

    /** First 64 bits of pending source {@code i}. */
    public long sourceHi(int i) {
        return srcHi[i];
    }

    /** Last 64 bits of pending source {@code i}. */
    public long sourceLo(int i) {
        return srcLo[i];
    }

    /** True while we were the last host to report it (an IGMPv2 leave, MLDv1 done is due on leaving). */
    public boolean lastReporter() {
        return lastReporter;
    }

    void stopTimers() {
        response.cancel();
        retransmit.cancel();
        retransmitsLeft = 0;
        numSources = 0;
        sourceQuery = false;
    }
}
