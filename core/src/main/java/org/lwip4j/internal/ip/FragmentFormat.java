package org.lwip4j.internal.ip;

import org.lwip4j.buffer.Pbuf;

/**
 * What the {@link Reassembler} needs to know of one IP family's fragments: how to read a
 * fragment's identity, offset, length and more-fragments flag, and how to turn the first
 * fragment's header into the header of the whole datagram. Everything else (holes,
 * overlaps, bounds, timeout, counters) is the same for IPv4 and IPv6 and lives in the
 * reassembler.
 *
 * <p>IPv4 (RFC 791 §3.2): the header is the fragment's IPv4 header; the datagram's header is
 * fragment 0's with total length set, MF and offset cleared and the checksum recomputed.
 * IPv6 (RFC 8200 §4.5): the header is the unfragmentable part followed by the Fragment
 * header; the datagram's header is fragment 0's unfragmentable part, with the Next Header
 * of its last header taken from the Fragment header, the Fragment header removed and the
 * payload length set.
 *
 * <p>Called on the stack's event loop, once per fragment: implementations allocate nothing.
 */
public interface FragmentFormat {
    /**
     * Reads the headers of {@code fragment} into {@code into} (every field, the key
     * included), changing nothing in the packet.
     *
     * @param fragment a fragment, its first node starting at the IP header, already checked
     *        by the family's input (version, header checksum, lengths against the pbuf)
     * @param into where to write what the headers say
     * @return false when the headers are unusable for reassembly (the header does not lie in
     *         the first node, length fields contradict each other); the fragment is then
     *         dropped and counted as {@code lenerr}
     */
    boolean read(Pbuf fragment, FragmentInfo into);

    /**
     * Turns fragment 0 with all the data behind it into the datagram, in place.
     *
     * @param datagram fragment 0's {@code headerLen} header bytes (in its first node),
     *        followed by {@code dataLen} data bytes in order; the caller's reference passes
     *        to this method
     * @param headerLen fragment 0's {@link FragmentInfo#headerLen}
     * @param dataLen the data of the whole datagram
     * @return the datagram with its header made whole (for IPv6 it may start later in the
     *         same node), never {@code null}; the caller owns it
     */
    Pbuf rebuild(Pbuf datagram, int headerLen, int dataLen);
}
