package org.lwip4j.buffer;

/**
 * Watches the life of every pbuf node a {@link PbufPool} hands out, so tests can find leaks
 * and stale references (as Netty's {@code ResourceLeakDetector} at its paranoid level).
 *
 * <p>At most one tracker exists per JVM: the first provider of this interface that
 * {@link java.util.ServiceLoader} finds on the class path when the buffer package is first
 * used. The production class path has none, and the pools then skip every call below behind
 * a constant {@code null} test that the JIT folds away. The test class path has one (core's
 * test jar), so every test runs with it.
 *
 * <p>Calls come from whichever thread uses the pool (the owning stack's event loop, a
 * driver's reader thread), so an implementation must be thread-safe.
 */
public interface PbufTracker {
    /** {@code pool} was just made; every node it hands out is reported from now on. */
    void poolCreated(PbufPool pool);

    /** {@code p}, one node from {@code pool}, was just handed out with one reference. */
    void allocated(PbufPool pool, Pbuf p);

    /**
     * {@code p} changed hands without being released: a reference was taken
     * ({@code what} is {@code "ref"}) or dropped by a free that left others
     * ({@code "free, refs left"}).
     */
    void touched(Pbuf p, String what);

    /** {@code p} lost its last reference and went back to its pool. */
    void freed(Pbuf p);

    /**
     * What the tracker knows about {@code p} (where it was allocated, touched and freed), to
     * append to the message of an {@link IllegalStateException} about its misuse; an empty
     * string when it knows nothing.
     */
    String history(Pbuf p);

    /** The JVM's tracker, or {@code null} when none is installed (always so in production). */
    static PbufTracker installed() {
        return PbufTracking.TRACKER;
    }
}
