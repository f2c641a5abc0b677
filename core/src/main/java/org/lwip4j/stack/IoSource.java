package org.lwip4j.stack;

/**
 * Something the event loop polls on every turn, on the loop thread: a driver that reads
 * frames without a thread of its own, the loopback netif's queue, a netif's input queue.
 */
@FunctionalInterface
public interface IoSource {
    /** Handles whatever is ready, without blocking; returns how many items were handled. */
    int poll();
}
