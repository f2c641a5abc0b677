package org.lwip4j.netif.tap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.lwip4j.buffer.Pbuf;

/**
 * The virtio-net header ({@code struct virtio_net_hdr}, virtio 1.x section 5.1.6; 10 bytes)
 * that precedes every frame on a device opened with {@code IFF_VNET_HDR}, and its mapping to
 * a pbuf's offload fields:
 *
 * <pre>
 *  0  u8   flags        NEEDS_CSUM (1) -&gt; {@link Pbuf#OFFLOAD_NEEDS_CSUM}, DATA_VALID (2) -&gt; {@link Pbuf#OFFLOAD_DATA_VALID}
 *  1  u8   gso_type     NONE 0, TCPV4 1, UDP 3, TCPV6 4, UDP_L4 5, | ECN 0x80   -&gt; {@link Pbuf#gsoType()}
 *  2  u16  hdr_len      bytes of headers in front of the payload of a GSO frame (a hint)
 *  4  u16  gso_size     payload bytes per segment                              -&gt; {@link Pbuf#gsoSize()}
 *  6  u16  csum_start   where the checksummed region starts, from the frame's first byte
 *  8  u16  csum_offset  where the checksum field is, from csum_start
 * </pre>
 *
 * TUN/TAP uses the legacy (pre-1.0) header, whose fields are in the host's byte order
 * (little-endian on x86-64 and aarch64), unless {@code TUNSETVNETLE/BE} changed it.
 */
public final class VirtioNetHeader {
    /** Size of the header without {@code num_buffers}. */
    public static final int SIZE = 10;
    /** {@code VIRTIO_NET_HDR_F_NEEDS_CSUM}. */
    public static final int F_NEEDS_CSUM = 1;
    /** {@code VIRTIO_NET_HDR_F_DATA_VALID}. */
    public static final int F_DATA_VALID = 2;
    /** {@code VIRTIO_NET_HDR_GSO_NONE}. */
    public static final int GSO_NONE = 0;
    /** {@code VIRTIO_NET_HDR_GSO_TCPV4}. */
    public static final int GSO_TCPV4 = 1;
    /** {@code VIRTIO_NET_HDR_GSO_UDP} (UFO). */
    public static final int GSO_UDP = 3;
    /** {@code VIRTIO_NET_HDR_GSO_TCPV6}. */
    public static final int GSO_TCPV6 = 4;
    /** {@code VIRTIO_NET_HDR_GSO_UDP_L4} (USO). */
    public static final int GSO_UDP_L4 = 5;
    /** {@code VIRTIO_NET_HDR_GSO_ECN}: or-ed into the type. */
    public static final int GSO_ECN = 0x80;

    /** Field offsets. */
    public static final class Field {
        /** {@code flags}. */
        public static final int FLAGS = 0;
        /** {@code gso_type}. */
        public static final int GSO_TYPE = 1;
        /** {@code hdr_len}. */
        public static final int HDR_LEN = 2;
        /** {@code gso_size}. */
        public static final int GSO_SIZE = 4;
        /** {@code csum_start}. */
        public static final int CSUM_START = 6;
        /** {@code csum_offset}. */
        public static final int CSUM_OFFSET = 8;

        private Field() {
        }
    }

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    private VirtioNetHeader() {
    }

    /** Copies the header at {@code hdr[off..off+10)} into the offload fields of {@code frame}. */
    public static void decode(MemorySegment hdr, long off, Pbuf frame) {
        int flags = hdr.get(ValueLayout.JAVA_BYTE, off + Field.FLAGS) & (F_NEEDS_CSUM | F_DATA_VALID);
        int gsoType = hdr.get(ValueLayout.JAVA_BYTE, off + Field.GSO_TYPE) & 0xff;
        int gsoSize = Short.toUnsignedInt(hdr.get(U16, off + Field.GSO_SIZE));
        frame.setOffloadFlags(flags);
        frame.setGso(gsoType, gsoType == GSO_NONE ? 0 : gsoSize);
        if ((flags & F_NEEDS_CSUM) != 0) {
            frame.setChecksumPartial(Short.toUnsignedInt(hdr.get(U16, off + Field.CSUM_START)),
                    Short.toUnsignedInt(hdr.get(U16, off + Field.CSUM_OFFSET)));
        } else {
            frame.setChecksumPartial(0, 0);
            frame.setOffloadFlags(flags);
        }
    }

    /**
     * True when {@code frame}'s offload state can be written as a header the kernel accepts:
     * without {@link Pbuf#OFFLOAD_NEEDS_CSUM}, or with a checksum region that starts inside
     * the frame and a checksum field that lies inside it. A frame received with a bogus
     * {@code csum_start} and forwarded can carry a start before its first byte (the start
     * moves with the headers the frame loses on the way), which no header can say.
     */
    public static boolean encodable(Pbuf frame) {
        if ((frame.offloadFlags() & F_NEEDS_CSUM) == 0) {
            return true;
        }
        int start = frame.checksumStart();
        int off = frame.checksumOffset();
        return start >= 0 && off >= 0 && (long) start + off + 2 <= frame.totalLength();
    }

    /**
     * Writes the header for {@code frame} to {@code hdr[off..off+10)} from its offload fields;
     * {@code hdr_len} is derived from the frame's headers (for GSO: up to the end of the TCP or
     * UDP header; else up to the end of the checksum field), as virtio allows. The frame must
     * be {@link #encodable(Pbuf)}.
     */
    public static void encode(Pbuf frame, MemorySegment hdr, long off) {
        int flags = frame.offloadFlags() & (F_NEEDS_CSUM | F_DATA_VALID);
        int gsoType = frame.gsoType() & 0xff;
        int start = 0;
        int csumOff = 0;
        int hdrLen = 0;
        if ((flags & F_NEEDS_CSUM) != 0) {
            start = frame.checksumStart();
            csumOff = frame.checksumOffset();
            hdrLen = start + csumOff + 2;
            int l4 = gsoType & ~GSO_ECN;
            if ((l4 == GSO_TCPV4 || l4 == GSO_TCPV6) && start + 12 < frame.totalLength()) {
                hdrLen = start + ((frame.getByte(start + 12) >> 4) << 2);
            } else if (l4 == GSO_UDP || l4 == GSO_UDP_L4) {
                hdrLen = start + 8;
            }
        }
        hdr.set(ValueLayout.JAVA_BYTE, off + Field.FLAGS, (byte) flags);
        hdr.set(ValueLayout.JAVA_BYTE, off + Field.GSO_TYPE, (byte) gsoType);
        hdr.set(U16, off + Field.HDR_LEN, (short) hdrLen);
        hdr.set(U16, off + Field.GSO_SIZE, (short) (gsoType == GSO_NONE ? 0 : frame.gsoSize()));
        hdr.set(U16, off + Field.CSUM_START, (short) start);
        hdr.set(U16, off + Field.CSUM_OFFSET, (short) csumOff);
    }
}
