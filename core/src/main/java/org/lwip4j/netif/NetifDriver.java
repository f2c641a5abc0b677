package org.lwip4j.netif;

import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;

/**
 * The device under a {@link Netif}: what the {@code netif/} drivers (TAP, TUN, the virtual
 * switch, pcap taps) implement (lwIP's {@code netif->linkoutput} plus the driver's init).
 *
 * <p>Receiving: the driver hands each frame to {@link Netif#input(Pbuf)}, from the loop
 * thread (a driver polled by the loop, see {@code EventLoop.addSource}) or from a thread of
 * its own (the netif then queues it, bounded, and counts a drop when full). Transmitting:
 * the loop calls {@link #transmit(Pbuf)}. Offload information travels in the pbuf
 * ({@link Pbuf#offloadFlags()}, {@link Pbuf#gsoType()}, checksum start/offset).
 */
public interface NetifDriver extends AutoCloseable {
    /** The framing of this device. */
    LinkType linkType();

    /** The device's MTU (IP packet bytes, without link header). */
    int mtu();

    /**
     * Called once on the loop when the netif is added: the driver keeps {@code netif} to
     * deliver frames to, and starts receiving.
     */
    void attach(Netif netif);

    /**
     * Sends one whole frame (link header included), on the loop thread. The driver must
     * not keep {@code frame} after returning unless it takes a reference; the caller frees
     * its own reference. Returns {@link Err#OK}, or an error (the frame is not sent and the
     * caller counts the drop).
     */
    Err transmit(Pbuf frame);

    /**
     * True when the driver passes a frame's partial checksum ({@link Pbuf#OFFLOAD_NEEDS_CSUM})
     * on to the device to complete; otherwise the netif completes it in software before
     * {@link #transmit(Pbuf)}.
     */
    default boolean completesChecksums() {
        return false;
    }

    /**
     * The GSO super-frames this driver takes whole and has the device cut: a bit
     * {@code 1 << type} per {@link Pbuf#gsoType()} (without the ECN flag). The stack cuts
     * the others in software before they reach the driver. None by default.
     */
    default int gsoTypes() {
        return 0;
    }

    /**
     * Adds ({@code add} true) or removes a multicast MAC from the device's receive filter
     * (lwIP's {@code igmp_mac_filter} and {@code mld_mac_filter}): called on the loop when a
     * netif joins its first group mapping to {@code group} and when it leaves the last one.
     * A driver that filters in hardware programs it and returns true from
     * {@link #filtersMulticast()}; the default ignores it, and the Ethernet layer then drops
     * multicast frames of groups the netif has not joined itself.
     */
    default void setMulticastFilter(org.lwip4j.addr.MacAddress group, boolean add) {
    }

    /**
     * True when the device delivers only the multicast frames of the MACs given to
     * {@link #setMulticastFilter} (and broadcasts); false (the default) has the Ethernet
     * layer filter them in software.
     */
    default boolean filtersMulticast() {
        return false;
    }

    /** Stops receiving and releases the device; idempotent. */
    @Override
    default void close() {
    }
}
