package org.lwip4j.buffer;

/**
 * How much header room a new {@link Pbuf} reserves in front of its payload, so that each
 * layer below can prepend its header without a copy (lwIP's {@code pbuf_layer}).
 */
public enum Layer {
    /** Room for a transport header (up to 60 bytes), an IP header and a link header. */
    TRANSPORT(Layer.LINK_ROOM + Layer.IP_ROOM + 60),
    /** Room for an IP header (IPv4 with options, or IPv6 with some extension headers) and a link header. */
    IP(Layer.LINK_ROOM + Layer.IP_ROOM),
    /** Room for a link header (Ethernet II with one 802.1Q tag). */
    LINK(Layer.LINK_ROOM),
    /** No header room: the payload starts at the buffer's first byte. */
    RAW(0);

    private static final int LINK_ROOM = 20;
    private static final int IP_ROOM = 64;

    private final int headroom;

    Layer(int headroom) {
        this.headroom = headroom;
    }

    /** Bytes reserved in front of the payload. */
    public int headroom() {
        return headroom;
    }
}
