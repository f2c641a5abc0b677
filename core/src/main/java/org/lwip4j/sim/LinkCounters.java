package org.lwip4j.sim;

/**
 * Counters of one direction of a virtual cable. For a frame that has left the sender,
 * {@code sent + duplicated = delivered + lost + queueDrops + rxDrops + frames still in flight}.
 * Read on the thread that drives the {@link Simulator}.
 */
public final class LinkCounters {
    long sent;
    long bytesSent;
    long delivered;
    long bytesDelivered;
    long lost;
    long duplicated;
    long corrupted;
    long reordered;
    long queueDrops;
    long rxDrops;
    long oversize;

    LinkCounters() {
    }

    /** Frames handed to this direction by the sender (before any impairment). */
    public long sent() {
        return sent;
    }

    /** Bytes of {@link #sent()} frames. */
    public long bytesSent() {
        return bytesSent;
    }

    /** Frames handed to the receiver (a netif's input, or a switch). */
    public long delivered() {
        return delivered;
    }

    /** Bytes of {@link #delivered()} frames. */
    public long bytesDelivered() {
        return bytesDelivered;
    }

    /** Frames lost on the wire (random loss, or the cable was disconnected). */
    public long lost() {
        return lost;
    }

    /** Extra copies made by duplication. */
    public long duplicated() {
        return duplicated;
    }

    /** Frames with a flipped bit. */
    public long corrupted() {
        return corrupted;
    }

    /** Frames held back so that later ones could overtake them. */
    public long reordered() {
        return reordered;
    }

    /** Frames dropped because the rate limiter's queue was full (tail drop). */
    public long queueDrops() {
        return queueDrops;
    }

    /**
     * Frames that arrived but that the receiver could not take: its pbuf pool was exhausted,
     * or no netif was attached. The receiving stack also counts {@code link.memerr}/{@code link.drop}.
     */
    public long rxDrops() {
        return rxDrops;
    }

    /** Frames the sender offered that were longer than the link's MTU allows (refused with {@code Err.VAL}). */
    public long oversize() {
        return oversize;
    }

    @Override
    public String toString() {
        return "sent=" + sent + "/" + bytesSent + "B delivered=" + delivered + "/" + bytesDelivered + "B lost=" + lost
                + " dup=" + duplicated + " corrupt=" + corrupted + " reorder=" + reordered + " qdrop=" + queueDrops
                + " rxdrop=" + rxDrops + " oversize=" + oversize;
    }
}
