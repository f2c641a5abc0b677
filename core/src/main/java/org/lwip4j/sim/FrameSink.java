package org.lwip4j.sim;

/** Where a direction of a cable delivers: a netif's driver, or a switch's ingress port. */
interface FrameSink {
    /** {@code f} has arrived (simulator thread, at {@code f.time}); takes ownership of it. */
    void arrive(Frame f);
}
