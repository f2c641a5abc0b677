package org.lwip4j.ipv6;

/** The reachability state of a neighbour cache entry (RFC 4861 §7.3.2). */
public enum NeighborState {
    /** Address resolution is in progress: multicast NS sent, no link-layer address yet. */
    INCOMPLETE,
    /** Positive confirmation of reachability within ReachableTime. */
    REACHABLE,
    /** No recent confirmation; nothing is done until a packet is sent. */
    STALE,
    /** A packet was sent to a stale entry: wait DELAY_FIRST_PROBE_TIME for upper-layer confirmation. */
    DELAY,
    /** Unicast NS every RetransTimer until confirmed or MAX_UNICAST_SOLICIT probes went unanswered. */
    PROBE
}
