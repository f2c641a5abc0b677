package org.lwip4j.ipv4;

/**
 * The state of an ARP cache entry (lwIP's {@code etharp_state}; an empty slot is not an
 * entry, so lwIP's {@code ETHARP_STATE_EMPTY} has no constant here).
 */
public enum ArpState {
    /**
     * A request was broadcast and no answer has come yet ({@code ETHARP_STATE_PENDING}).
     * Packets for the address wait in the entry's bounded queue (RFC 1122 §2.3.2.2); the
     * request is repeated once per {@code arpRetryInterval} until {@code arpMaxPending}.
     */
    PENDING,
    /** Resolved; ages out {@code arpMaxAge} after it was last confirmed ({@code ETHARP_STATE_STABLE}). */
    STABLE,
    /**
     * Resolved and in use close to its expiry: a re-request was sent (unicast first, then
     * broadcast) and the answer is awaited; packets still go to the known address. lwIP's
     * {@code ETHARP_STATE_STABLE_REREQUESTING_1}/{@code _2}, whose two steps only hold the
     * next re-request back for two timer ticks; here that hold-off is one
     * {@code arpRetryInterval}, measured per entry.
     */
    STABLE_REREQUESTING,
    /** Configured by hand; never aged, never evicted, never overwritten by ARP packets ({@code ETHARP_STATE_STATIC}). */
    STATIC;

    /** True when packets can be sent to the entry's hardware address. */
    public boolean isResolved() {
        return this != PENDING;
    }
}
