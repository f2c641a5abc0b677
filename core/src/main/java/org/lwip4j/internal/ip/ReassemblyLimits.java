package org.lwip4j.internal.ip;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of one {@link Reassembler}, as lwIP's options name them.
 *
 * @param maxDatagrams {@code MEMP_NUM_REASSDATA}: datagrams under reassembly at once
 * @param maxPbufs {@code IP_REASS_MAX_PBUFS}: pbuf nodes held by all of them together
 * @param maxAge {@code IP_REASS_MAXAGE}: how long a datagram may take from its first
 *        fragment to its last
 */
public record ReassemblyLimits(int maxDatagrams, int maxPbufs, Duration maxAge) {
    /** Checks the bounds: positive counts, a positive age. */
    public ReassemblyLimits {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxDatagrams <= 0 || maxPbufs <= 0) {
            throw new IllegalArgumentException("reassembly limits must be positive: " + maxDatagrams + " datagrams, "
                    + maxPbufs + " pbufs");
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("reassembly age must be positive: " + maxAge);
        }
    }
}
