package org.lwip4j.internal.ip;

/**
 * Which datagram a fragment belongs to: for IPv4 source, destination, protocol and
 * identification (RFC 791 §3.2), for IPv6 source, destination and the 32-bit identification
 * of the Fragment header (RFC 8200 §4.5). Addresses are kept as longs (an IPv4 address in
 * the low word), so one key type serves both families and compares without allocating.
 *
 * <p>Mutable on purpose: the {@link Reassembler} has one key per datagram record, set once
 * when the datagram starts, and one scratch key (in its {@link FragmentInfo}) that the
 * family's {@link FragmentFormat} fills for every fragment; the two are compared in place.
 * Keys of different IP versions never match.
 */
public final class FragmentKey {
    private int version;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int ident;
    private int protocol;

    /** An empty key, matching nothing until set. */
    FragmentKey() {
    }

    /**
     * Sets an IPv4 identity (RFC 791 §3.2).
     *
     * @param src source address bits
     * @param dst destination address bits
     * @param protocol the protocol field
     * @param ident the 16-bit identification
     */
    public void setIpv4(int src, int dst, int protocol, int ident) {
        this.version = 4;
        this.srcHi = 0;
        this.srcLo = src & 0xffffffffL;
        this.dstHi = 0;
        this.dstLo = dst & 0xffffffffL;
        this.protocol = protocol;
        this.ident = ident;
    }

    /**
     * Sets an IPv6 identity (RFC 8200 §4.5: source, destination, identification; the next
     * header is not part of it).
     *
     * @param srcHi first 64 bits of the source address
     * @param srcLo last 64 bits of the source address
     * @param dstHi first 64 bits of the destination address
     * @param dstLo last 64 bits of the destination address
     * @param ident the 32-bit identification of the Fragment header
     */
    public void setIpv6(long srcHi, long srcLo, long dstHi, long dstLo, int ident) {
        this.version = 6;
        this.srcHi = srcHi;
        this.srcLo = srcLo;
        this.dstHi = dstHi;
        this.dstLo = dstLo;
        this.protocol = 0;
        this.ident = ident;
    }

    /** True when {@code other} names the same datagram. */
    boolean matches(FragmentKey other) {
        return ident == other.ident && srcLo == other.srcLo && dstLo == other.dstLo
                && protocol == other.protocol && version == other.version
                && srcHi == other.srcHi && dstHi == other.dstHi;
    }

    /** Makes this key name the same datagram as {@code other}. */
    void copyFrom(FragmentKey other) {
        version = other.version;
        srcHi = other.srcHi;
        srcLo = other.srcLo;
        dstHi = other.dstHi;
        dstLo = other.dstLo;
        protocol = other.protocol;
        ident = other.ident;
    }

    /** IP version of the key: 4, 6, or 0 when never set. */
    int version() {
        return version;
    }

    /** The identification (16 bits for IPv4, 32 for IPv6). */
    int ident() {
        return ident;
    }

    @Override
    public String toString() {
        if (version == 4) {
            return "IPv4[" + Long.toHexString(srcLo) + "->" + Long.toHexString(dstLo) + " proto " + protocol
                    + " id " + ident + "]";
        }
        return "IPv" + version + "[" + Long.toHexString(srcHi) + ":" + Long.toHexString(srcLo) + "->"
                + Long.toHexString(dstHi) + ":" + Long.toHexString(dstLo) + " id " + Integer.toUnsignedString(ident) + "]";
    }
}
