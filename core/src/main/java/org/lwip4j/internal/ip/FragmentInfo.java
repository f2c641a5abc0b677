package org.lwip4j.internal.ip;

/**
 * What one fragment's headers say, as a {@link FragmentFormat} reads them for the
 * {@link Reassembler}: whose it is, where its data goes, how much header precedes the data.
 * The reassembler owns one and reuses it for every fragment, so reading allocates nothing;
 * valid only during {@link Reassembler#input}.
 */
public final class FragmentInfo {
    /** The datagram the fragment belongs to. */
    public final FragmentKey key = new FragmentKey();
    /**
     * Bytes in front of the fragment's data in the packet: the IPv4 header, or for IPv6 the
     * fixed header, the unfragmentable extension headers and the Fragment header. They must
     * lie in the packet's first pbuf node. For fragment 0 they are kept and become the
     * datagram's header; for the others they are dropped.
     */
    public int headerLen;
    /** Where the data goes in the datagram, in bytes (a multiple of 8). */
    public int offset;
    /** Data bytes the fragment carries (after {@link #headerLen}). */
    public int dataLen;
    /** The more-fragments flag (IPv4 MF, IPv6 M): another fragment follows this one's data. */
    public boolean more;
    /**
     * Bytes the reassembled datagram's 16-bit length field will count in front of the data:
     * IPv4 the header length (total length counts the header), IPv6 the unfragmentable
     * extension headers (payload length excludes the fixed header and the Fragment header
     * goes away). Exact for fragment 0; for the others the least it can be. The datagram may
     * not make this plus its data exceed 65535.
     */
    public int lengthOverhead;

    /** An empty record; a format fills it. */
    FragmentInfo() {
    }
}
