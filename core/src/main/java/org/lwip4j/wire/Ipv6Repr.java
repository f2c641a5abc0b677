package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.addr.Ip6Address;

/**
 * What an IPv6 fixed header says (RFC 8200 §3), as a value: the {@link Ipv6Packet} view's
 * high-level counterpart. Extension headers are part of the payload here; see
 * {@link Ipv6ExtHeaders}.
 *
 * @param trafficClass traffic class (DSCP and ECN)
 * @param flowLabel    flow label, 20 bits (RFC 6437)
 * @param payloadLen   bytes after the fixed header, extension headers included
 * @param nextHeader   type of the first header after the fixed header
 * @param hopLimit     hop limit
 * @param srcHi        first 64 bits of the source address
 * @param srcLo        last 64 bits of the source address
 * @param dstHi        first 64 bits of the destination address
 * @param dstLo        last 64 bits of the destination address
 */
public record Ipv6Repr(int trafficClass, int flowLabel, int payloadLen, int nextHeader, int hopLimit,
        long srcHi, long srcLo, long dstHi, long dstLo) {
    /**
     * Checks the fields fit their wire widths.
     *
     * @throws IllegalArgumentException when a field does not fit
     */
    public Ipv6Repr {
        if ((trafficClass & ~0xff) != 0 || (nextHeader & ~0xff) != 0 || (hopLimit & ~0xff) != 0) {
            throw new IllegalArgumentException("traffic class, next header and hop limit are bytes");
        }
        if ((flowLabel & ~0xf_ffff) != 0) {
            throw new IllegalArgumentException("flow label is 20 bits: " + flowLabel);
        }
        if ((payloadLen & ~0xffff) != 0) {
            throw new IllegalArgumentException("IPv6 payload length out of range: " + payloadLen);
        }
    }

    /** A header with traffic class and flow label zero, between two addresses (zones dropped). */
    public static Ipv6Repr of(Ip6Address src, Ip6Address dst, int nextHeader, int hopLimit, int payloadLen) {
        return new Ipv6Repr(0, 0, payloadLen, nextHeader, hopLimit, src.hi(), src.lo(), dst.hi(), dst.lo());
    }

    /**
     * Parses {@code len} bytes at {@code off} as an IPv6 packet; refuses as
     * {@link Ipv6Packet#check} does. Never throws for any bytes within {@code [off, off+len)}.
     */
    public static ParseResult<Ipv6Repr> parse(MemorySegment s, long off, int len) {
        int total = Ipv6Packet.check(s, off, len);
        if (total < 0) {
            return ParseResult.error(Drop.ofCode(total));
        }
        return ParseResult.ok(new Ipv6Repr(Ipv6Packet.trafficClass(s, off), Ipv6Packet.flowLabel(s, off),
                Ipv6Packet.payloadLen(s, off), Ipv6Packet.nextHeader(s, off), Ipv6Packet.hopLimit(s, off),
                Ipv6Packet.srcHi(s, off), Ipv6Packet.srcLo(s, off), Ipv6Packet.dstHi(s, off),
                Ipv6Packet.dstLo(s, off)));
    }

    /** The source address (zone 0). */
    public Ip6Address src() {
        return new Ip6Address(srcHi, srcLo, 0);
    }

    /** The destination address (zone 0). */
    public Ip6Address dst() {
        return new Ip6Address(dstHi, dstLo, 0);
    }

    /** Header bytes: always 40. */
    public int bufferLen() {
        return Ipv6Packet.HEADER_LEN;
    }

    /** Packet bytes: header plus payload. */
    public int totalLen() {
        return Ipv6Packet.HEADER_LEN + payloadLen;
    }

    /** The same header with another payload length. */
    public Ipv6Repr withPayloadLen(int newPayloadLen) {
        return new Ipv6Repr(trafficClass, flowLabel, newPayloadLen, nextHeader, hopLimit, srcHi, srcLo, dstHi, dstLo);
    }

    /** Writes exactly {@link #bufferLen()} bytes at {@code off}. */
    public void emit(MemorySegment s, long off) {
        Ipv6Packet.emit(s, off, trafficClass, flowLabel, payloadLen, nextHeader, hopLimit, srcHi, srcLo, dstHi, dstLo);
    }

    @Override
    public String toString() {
        return "Ipv6Repr[" + src() + " > " + dst() + ", nh=" + nextHeader + ", tc=0x" + Integer.toHexString(trafficClass)
                + ", flow=0x" + Integer.toHexString(flowLabel) + ", payloadLen=" + payloadLen + ", hlim=" + hopLimit + "]";
    }
}
