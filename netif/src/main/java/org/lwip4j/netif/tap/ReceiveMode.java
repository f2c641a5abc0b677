package org.lwip4j.netif.tap;

/** How a TAP/TUN driver receives frames (see {@link TuntapOptions#receiveMode()}). */
public enum ReceiveMode {
    /**
     * On the stack's loop thread, with no hand-off: the descriptor is non-blocking, the
     * driver is an {@code IoSource} that reads a batch of frames per loop turn straight into
     * pooled off-heap pbufs and hands them to the netif at once, and the loop sleeps in
     * {@code epoll_wait} over the device and an {@code eventfd} ({@link EpollWaiter}), which
     * the driver installs when it is attached, also on a loop that already runs.
     */
    LOOP,
    /**
     * A reader thread per device reads batches into a bounded ring of its own off-heap slots;
     * the loop copies each frame into a pooled pbuf. A full ring drops frames (counted in
     * {@code NetifCounters.queueDrops} and {@link DriverStats#rxQueueDrops}).
     */
    THREAD
}
