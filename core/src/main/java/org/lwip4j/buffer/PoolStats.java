package org.lwip4j.buffer;

/**
 * Usage counters of one memory pool (lwIP's {@code struct stats_mem}). Written only by the
 * owning stack's event loop; other threads may read slightly stale values.
 */
public final class PoolStats {
    /** Name of the pool, as in lwIP's {@code memp} names ({@code PBUF_POOL}, {@code UDP_PCB}, ...). */
    public final String name;
    /** Capacity: how many items (or bytes) the pool may hand out at most. */
    public long avail;
    /** Items (or bytes) handed out now. */
    public long used;
    /** Highest {@link #used} seen. */
    public long max;
    /** Requests refused because the pool was exhausted. */
    public long err;
    /** Frees of something the pool did not hand out, or handed out already freed. */
    public long illegal;

    /** A counter set for the named pool with the given capacity. */
    public PoolStats(String name, long avail) {
        this.name = name;
        this.avail = avail;
    }

    /** Counts one item (or {@code n} bytes) handed out. */
    public void take(long n) {
        used += n;
        if (used > max) {
            max = used;
        }
    }

    /** Counts one item (or {@code n} bytes) given back. */
    public void give(long n) {
        used -= n;
    }

    /** True when {@code n} more fit under the capacity. */
    public boolean fits(long n) {
        return used + n <= avail;
    }

    @Override
    public String toString() {
        return name + "[avail=" + avail + " used=" + used + " max=" + max + " err=" + err + " illegal=" + illegal + "]";
    }
}
