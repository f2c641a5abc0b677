package org.lwip4j.netif.tap;

import java.util.Set;

/**
 * What the stack accepts from the kernel on a device opened with the virtio-net header
 * ({@code TUNSETOFFLOAD}'s {@code TUN_F_*} bits). With {@link #CSUM} the kernel may hand
 * frames with partial checksums (flagged in the header); with the segmentation offloads it
 * may hand super-frames of up to 64 KiB, which the stack must accept as they are.
 *
 * <p>Frames the stack sends may carry partial checksums and GSO requests whenever the
 * header is on; these bits do not govern that direction.
 */
public enum Offload {
    /** {@code TUN_F_CSUM}: partial checksums (needed by all the others). */
    CSUM(0x01),
    /** {@code TUN_F_TSO4}: TCP over IPv4 super-frames. */
    TSO4(0x02),
    /** {@code TUN_F_TSO6}: TCP over IPv6 super-frames. */
    TSO6(0x04),
    /** {@code TUN_F_TSO_ECN}: TSO frames with ECN CWR set. */
    TSO_ECN(0x08),
    /** {@code TUN_F_UFO}: UDP fragmentation offload (legacy). */
    UFO(0x10),
    /** {@code TUN_F_USO4}: UDP segmentation over IPv4 (Linux 6.2). */
    USO4(0x20),
    /** {@code TUN_F_USO6}: UDP segmentation over IPv6 (Linux 6.2). */
    USO6(0x40);

    private final int bit;

    Offload(int bit) {
        this.bit = bit;
    }

    /** The {@code TUN_F_*} bit. */
    public int bit() {
        return bit;
    }

    /** The {@code TUN_F_*} bits of {@code set}. */
    public static int bits(Set<Offload> set) {
        int b = 0;
        for (Offload o : set) {
            b |= o.bit;
        }
        return b;
    }

    /** True when {@code set} lets the kernel hand over frames larger than the MTU. */
    static boolean allowsSuperFrames(Set<Offload> set) {
        for (Offload o : set) {
            if (o != CSUM) {
                return true;
            }
        }
        return false;
    }
}
