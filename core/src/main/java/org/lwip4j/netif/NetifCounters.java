package org.lwip4j.netif;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Traffic counters of one netif (the MIB-2 {@code ifTable} columns lwIP keeps in
 * {@code netif->mib2_counters}). Written on the loop except {@link #queueDrops}, which threads
 * other than the loop's increment when they hand in a frame that is refused.
 */
public final class NetifCounters {
    /** Frames received. */
    public long inPackets;
    /** Bytes received. */
    public long inOctets;
    /** Received frames dropped (netif down, no protocol, malformed). */
    public long inDiscards;
    /** Received frames of a protocol or 802.1Q VLAN this stack does not speak (MIB-2 {@code ifInUnknownProtos}); also in {@link #inDiscards}. */
    public long inUnknownProtos;
    /**
     * Received frames the link's address filter dropped: for another station's unicast MAC, or
     * for a multicast group nobody on the netif joined (what a NIC's filter keeps out; on a TAP
     * device, the host's MLD reports and router solicitations before the stack joins their
     * groups); also in {@link #inDiscards}.
     */
    public long inFiltered;
    /** Frames sent. */
    public long outPackets;
    /** Bytes sent. */
    public long outOctets;
    /** Frames that could not be sent. */
    public long outDiscards;
    /** Frames handed in off the loop and refused (input queue full, or the netif removed). */
    public final AtomicLong queueDrops = new AtomicLong();

    NetifCounters() {
    }

    @Override
    public String toString() {
        return "in=" + inPackets + "/" + inOctets + "B drop=" + inDiscards + " unknown=" + inUnknownProtos + " filtered=" + inFiltered + " out=" + outPackets + "/" + outOctets
                + "B drop=" + outDiscards + " qdrop=" + queueDrops.get();
    }
}
