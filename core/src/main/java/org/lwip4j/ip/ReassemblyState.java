package org.lwip4j.ip;

/**
 * What one family's fragment reassembly holds and has done (RFC 4293's
 * {@code ipSystemStatsReasmOKs}/{@code ReasmFails}), read on the stack's event loop:
 * {@code stack.ipv4().reassembly()}, {@code stack.ipv6().reassembly()}. The fragment counters
 * ({@code recv}, {@code drop}, {@code lenerr}, {@code memerr}, {@code err}) are the family's
 * {@code ipfrag}/{@code ip6frag} in {@code Stats}.
 */
public interface ReassemblyState {
    /**
     * Datagrams under reassembly, including those discarded for an overlap that still wait
     * for their timeout to drop stragglers.
     *
     * @return how many datagram records are in use
     */
    int pendingDatagrams();

    /** Pbuf nodes held by all datagrams under reassembly. */
    long heldPbufs();

    /** Datagrams reassembled and delivered ({@code ReasmOKs}). */
    long reassembled();

    /** Datagrams given up, each once: discarded, evicted, timed out or cleared ({@code ReasmFails}). */
    long failed();

    /** Datagrams that timed out (a discarded datagram's wait for stragglers not included). */
    long timedOut();
}
