package org.lwip4j.stack;

/**
 * How a stack's own loop thread waits for work: until a deadline, or until
 * {@link #wakeup()} is called from another thread. The default parks the thread; a driver
 * that owns a file descriptor can supply one that waits on the device and an
 * {@code eventfd} together ({@code epoll}), so a frame is read, handled and answered on one
 * thread with no hand-off.
 */
public interface LoopWaiter extends AutoCloseable {
    /**
     * Blocks for at most {@code timeoutNanos} (negative: no limit) or until woken. May
     * return early for no reason. Called only by the loop thread.
     */
    void await(long timeoutNanos);

    /** Wakes the loop thread from {@link #await(long)} (or makes its next call return at once). Any thread. */
    void wakeup();

    /** Releases what the waiter holds. */
    @Override
    default void close() {
    }
}
