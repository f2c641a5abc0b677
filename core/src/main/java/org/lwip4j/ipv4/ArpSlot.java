package org.lwip4j.ipv4;

import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Timer;

/**
 * One slot of the {@link ArpCache}: an entry while {@link #state} is non-null, free
 * otherwise. Slots are made lazily, at most {@code arpTableSize} of them, and reused: a
 * slot keeps its timer and queue array for its whole life, so cache churn allocates
 * nothing. {@link #generation} changes whenever the slot is freed, so code that sends
 * (and may be re-entered by a synchronous driver) can tell that the entry it held is gone.
 * Used on the stack's loop only.
 */
final class ArpSlot {
    /** Position in the cache's slot array. */
    final int id;
    /** Fires the entry's next event: a retry or give-up while pending, expiry while stable. */
    Timer timer;

    /** {@code null} for a free slot. */
    ArpState state;
    /** The netif the entry belongs to; {@code null} for a static entry for all netifs. */
    Netif netif;
    /** The IPv4 address. */
    int ip;
    /** The hardware address (48 bits); meaningless while pending. */
    long mac;
    /** Pending: when the first request went out. Resolved: when the address was last confirmed. */
    long since;
    /** When the last request for this entry went out (retries, re-requests). */
    long lastRequestAt;
    /** Pending: when the next retry is due. */
    long nextRequestAt;
    /** Changed each time the slot is freed. */
    int generation;
    /** Next free slot. */
    ArpSlot nextFree;

    /** Packets waiting for resolution, oldest at {@link #qHead}; made on first use, at most {@code arpQueueLen} long. */
    private Pbuf[] queue;
    private int qHead;
    private int qLen;

    ArpSlot(int id) {
        this.id = id;
    }

    /** Packets queued. */
    int queued() {
        return qLen;
    }

    /** Appends a packet; the caller has made sure fewer than {@code max} are queued. */
    void offer(Pbuf p, int max) {
        if (queue == null || qLen == queue.length) {
            grow(max);
        }
        queue[(qHead + qLen) % queue.length] = p;
        qLen++;
    }

    /** Takes the oldest packet, or {@code null}. */
    Pbuf poll() {
        if (qLen == 0) {
            return null;
        }
        Pbuf p = queue[qHead];
        queue[qHead] = null;
        qHead = (qHead + 1) % queue.length;
        qLen--;
        return p;
    }

    private void grow(int max) {
        int n = queue == null ? Math.min(max, 4) : Math.min(max, queue.length * 2);
        Pbuf[] q = new Pbuf[Math.max(n, 1)];
        for (int i = 0; i < qLen; i++) {
            q[i] = queue[(qHead + i) % queue.length];
        }
        queue = q;
        qHead = 0;
    }

    /** True when the slot holds the same entry as when {@code gen} was read. */
    boolean isSame(int gen) {
        return generation == gen && state != null;
    }
}
