package org.lwip4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.lwip4j.wire.ArpPacket;
import org.lwip4j.wire.ArpRepr;
import org.lwip4j.wire.Drop;
import org.lwip4j.wire.EthernetFrame;
import org.lwip4j.wire.EthernetRepr;
import org.lwip4j.wire.Icmpv4Packet;
import org.lwip4j.wire.Icmpv4Repr;
import org.lwip4j.wire.Ipv4Packet;
import org.lwip4j.wire.Ipv4Repr;
import org.lwip4j.wire.ParseResult;
import org.lwip4j.wire.UdpLiteRepr;
import org.lwip4j.wire.UdpPacket;
import org.lwip4j.wire.UdpRepr;

/**
 * What must hold for every parser on any bytes, in one place for the seeded property tests
 * and the Jazzer fuzz tests alike. Each method takes untrusted bytes {@code [off, off+len)}
 * of {@code s} and fails (by an exception or an assertion error) when:
 * <ul>
 *   <li>a check or parse throws, or reads outside the bytes (the segment must end at
 *       {@code off+len}, as {@link FuzzInput} lays it out);</li>
 *   <li>the view's check and the Repr's parse disagree on acceptance or on the reason;</li>
 *   <li>after a passed check an accessor reads outside the bytes, or a length it reports
 *       lies outside what the check promised;</li>
 *   <li>parse, emit, parse does not give the same Repr, or emit changes header bytes other
 *       than the checksum.</li>
 * </ul>
 * Each returns true when the bytes were accepted, so callers can make sure their inputs reach
 * the accepting paths.
 */
public final class WireInvariants {
    private WireInvariants() {
    }

    private static void sameReason(int code, ParseResult<?> r) {
        assertTrue(code < 0);
        assertEquals(Drop.ofCode(code), r.error());
    }

    /** Ethernet header: check, accessors, Repr round trip byte for byte. */
    public static boolean ethernet(MemorySegment s, long off, int len) {
        int hl = EthernetFrame.check(s, off, len);
        ParseResult<EthernetRepr> p = EthernetRepr.parse(s, off, len);
        if (hl < 0) {
            sameReason(hl, p);
            return false;
        }
        assertTrue(hl == EthernetFrame.HEADER_LEN || hl == EthernetFrame.TAGGED_HEADER_LEN);
        assertTrue(hl <= len);
        EthernetFrame.destination(s, off);
        EthernetFrame.source(s, off);
        int type = EthernetFrame.etherType(s, off, hl);
        assertTrue(type >= 0x0600);
        int vid = EthernetFrame.vlanId(s, off);
        assertEquals(hl == EthernetFrame.TAGGED_HEADER_LEN, vid >= 0);
        EthernetRepr r = p.value();
        assertEquals(hl, r.bufferLen());
        MemorySegment out = MemorySegment.ofArray(new byte[hl]);
        r.emit(out, 0);
        assertEquals(-1, out.mismatch(s.asSlice(off, hl)), "emit differs from the parsed header");
        assertEquals(r, EthernetRepr.parse(out, 0, hl).value());
        return true;
    }

    /** ARP: check, accessors, Repr round trip byte for byte. */
    public static boolean arp(MemorySegment s, long off, int len) {
        int c = ArpPacket.check(s, off, len);
        ParseResult<ArpRepr> p = ArpRepr.parse(s, off, len);
        if (c < 0) {
            sameReason(c, p);
            return false;
        }
        assertEquals(0, c);
        ArpRepr r = p.value();
        assertEquals(ArpPacket.LEN, r.bufferLen());
        MemorySegment out = MemorySegment.ofArray(new byte[ArpPacket.LEN]);
        r.emit(out, 0);
        assertEquals(-1, out.mismatch(s.asSlice(off, ArpPacket.LEN)), "emit differs from the parsed packet");
        assertEquals(r, ArpRepr.parse(out, 0, ArpPacket.LEN).value());
        return true;
    }

    /** IPv4: check, every accessor, the option walk for every type, Repr round trip. */
    public static boolean ipv4(MemorySegment s, long off, int len) {
        int hl = Ipv4Packet.check(s, off, len);
        ParseResult<Ipv4Repr> p = Ipv4Repr.parse(s, off, len, false);
        ParseResult<Ipv4Repr> verified = Ipv4Repr.parse(s, off, len);
        if (hl < 0) {
            sameReason(hl, p);
            sameReason(hl, verified);
            return false;
        }
        assertTrue(hl >= Ipv4Packet.MIN_HEADER_LEN && hl <= Ipv4Packet.MAX_HEADER_LEN && hl % 4 == 0 && hl <= len);
        assertEquals(4, Ipv4Packet.version(s, off));
        assertEquals(hl, Ipv4Packet.headerLen(s, off));
        int total = Ipv4Packet.totalLen(s, off);
        assertTrue(total >= hl && total <= len);
        Ipv4Packet.tos(s, off);
        Ipv4Packet.ident(s, off);
        Ipv4Packet.fragOffset(s, off);
        Ipv4Packet.moreFragments(s, off);
        Ipv4Packet.isFragment(s, off);
        Ipv4Packet.ttl(s, off);
        Ipv4Packet.protocol(s, off);
        Ipv4Packet.checksum(s, off);
        Ipv4Packet.src(s, off);
        Ipv4Packet.dst(s, off);
        boolean sumOk = Ipv4Packet.checksumOk(s, off, hl);
        assertEquals(0, Ipv4Packet.checkOptions(s, off, hl));
        for (int type = 0; type < 256; type++) {
            int at = Ipv4Packet.findOption(s, off, hl, type);
            if (at >= 0) {
                assertTrue(at >= Ipv4Packet.MIN_HEADER_LEN && at < hl);
                assertEquals(type, s.get(ValueLayout.JAVA_BYTE, off + at) & 0xff);
                if (type > Ipv4Packet.OPT_NOP) {
                    assertTrue(at + 1 < hl);
                    int olen = s.get(ValueLayout.JAVA_BYTE, off + at + 1) & 0xff;
                    assertTrue(olen >= 2 && at + olen <= hl, "option overruns the header");
                }
            }
        }
        assertEquals(sumOk, verified.isOk());
        Ipv4Repr r = p.value();
        assertEquals(hl, r.bufferLen());
        assertEquals(total, r.totalLen());
        // Emit over a copy of the packet (payload in place) and parse again.
        MemorySegment out = MemorySegment.ofArray(new byte[total]);
        MemorySegment.copy(s, off, out, 0, total);
        out.asSlice(0, hl).fill((byte) 0);
        r.emit(out, 0, true);
        assertEquals(r, Ipv4Repr.parse(out, 0, total).value());
        assertEquals(-1, out.asSlice(0, 10).mismatch(s.asSlice(off, 10)));
        assertEquals(-1, out.asSlice(12, hl - 12).mismatch(s.asSlice(off + 12, hl - 12)));
        return true;
    }

    /** ICMPv4 message of {@code len} bytes: check, accessors, Repr round trip with checksum. */
    public static boolean icmpv4(MemorySegment s, long off, int len) {
        int c = Icmpv4Packet.check(s, off, len);
        ParseResult<Icmpv4Repr> p = Icmpv4Repr.parse(s, off, len, false);
        if (c < 0) {
            sameReason(c, p);
            return false;
        }
        Icmpv4Packet.type(s, off);
        Icmpv4Packet.code(s, off);
        Icmpv4Packet.ident(s, off);
        Icmpv4Packet.seq(s, off);
        Icmpv4Packet.rest(s, off);
        assertEquals(Icmpv4Packet.checksumOk(s, off, len), Icmpv4Repr.parse(s, off, len).isOk());
        Icmpv4Repr r = p.value();
        assertEquals(len, r.totalLen());
        MemorySegment out = MemorySegment.ofArray(new byte[len]);
        MemorySegment.copy(s, off, out, 0, len);
        r.emit(out, 0, true);
        assertEquals(r, Icmpv4Repr.parse(out, 0, len).value());
        assertEquals(-1, out.asSlice(0, 2).mismatch(s.asSlice(off, 2)));
        assertEquals(-1, out.asSlice(4).mismatch(s.asSlice(off + 4, len - 4)));
        return true;
    }

    /** UDP datagram in {@code len} bytes: check, accessors, Repr round trips with and without checksum. */
    public static boolean udp(MemorySegment s, long off, int len, int srcIp, int dstIp) {
        int udpLen = UdpPacket.check(s, off, len);
        ParseResult<UdpRepr> p = UdpRepr.parse(s, off, len);
        if (udpLen < 0) {
            sameReason(udpLen, p);
            sameReason(udpLen, UdpRepr.parse(s, off, len, srcIp, dstIp));
            return false;
        }
        assertTrue(udpLen >= UdpPacket.HEADER_LEN && udpLen <= len);
        UdpPacket.srcPort(s, off);
        UdpPacket.dstPort(s, off);
        UdpPacket.length(s, off);
        UdpPacket.checksum(s, off);
        UdpRepr.parse(s, off, len, srcIp, dstIp); // may refuse the checksum, must not throw
        UdpRepr r = p.value();
        assertEquals(udpLen, r.totalLen());
        MemorySegment out = MemorySegment.ofArray(new byte[udpLen]);
        MemorySegment.copy(s, off, out, 0, udpLen);
        r.emit(out, 0);
        assertEquals(-1, out.asSlice(0, 6).mismatch(s.asSlice(off, 6)));
        r.emit(out, 0, srcIp, dstIp);
        assertTrue(UdpPacket.checksum(out, 0) != 0, "a computed checksum is never sent as 0");
        assertEquals(r, UdpRepr.parse(out, 0, udpLen, srcIp, dstIp).value());
        return true;
    }

    /** UDP-Lite datagram of {@code len} bytes: checkLite, accessors, Repr round trip with checksum. */
    public static boolean udpLite(MemorySegment s, long off, int len, int srcIp, int dstIp) {
        int cov = UdpPacket.checkLite(s, off, len);
        ParseResult<UdpLiteRepr> p = UdpLiteRepr.parse(s, off, len);
        if (cov < 0) {
            sameReason(cov, p);
            sameReason(cov, UdpLiteRepr.parse(s, off, len, srcIp, dstIp));
            return false;
        }
        assertTrue(cov >= UdpPacket.HEADER_LEN && cov <= len);
        UdpLiteRepr.parse(s, off, len, srcIp, dstIp); // may refuse the checksum, must not throw
        UdpLiteRepr r = p.value();
        assertEquals(cov, r.coveredLen());
        assertEquals(len, r.totalLen());
        MemorySegment out = MemorySegment.ofArray(new byte[len]);
        MemorySegment.copy(s, off, out, 0, len);
        r.emit(out, 0, srcIp, dstIp);
        assertEquals(-1, out.asSlice(0, 6).mismatch(s.asSlice(off, 6)));
        assertEquals(r, UdpLiteRepr.parse(out, 0, len, srcIp, dstIp).value());
        return true;
    }

    /**
     * A whole Ethernet frame, as the receive path would walk it: link header, then ARP or
     * IPv4, then ICMP, UDP or UDP-Lite in the IPv4 payload. Returns how deep it got (0 link
     * refused, 1 link, 2 network, 3 transport).
     */
    public static int frame(MemorySegment s, long off, int len) {
        if (!ethernet(s, off, len)) {
            return 0;
        }
        int hl = EthernetFrame.check(s, off, len);
        int type = EthernetFrame.etherType(s, off, hl);
        long l3 = off + hl;
        int l3len = len - hl;
        if (type == EthernetFrame.TYPE_ARP) {
            return arp(s, l3, l3len) ? 2 : 1;
        }
        if (type != EthernetFrame.TYPE_IPV4 || !ipv4(s, l3, l3len)) {
            return 1;
        }
        int ihl = Ipv4Packet.check(s, l3, l3len);
        long l4 = l3 + ihl;
        int l4len = Ipv4Packet.totalLen(s, l3) - ihl;
        int src = Ipv4Packet.src(s, l3);
        int dst = Ipv4Packet.dst(s, l3);
        // The transport sees the datagram only up to the IPv4 total length (link padding trimmed).
        MemorySegment datagram = s.asSlice(0, l4 + l4len);
        boolean ok = switch (Ipv4Packet.protocol(s, l3)) {
            case Ipv4Packet.PROTO_ICMP -> icmpv4(datagram, l4, l4len);
            case Ipv4Packet.PROTO_UDP -> udp(datagram, l4, l4len, src, dst);
            case Ipv4Packet.PROTO_UDPLITE -> udpLite(datagram, l4, l4len, src, dst);
            default -> false;
        };
        return ok ? 3 : 2;
    }
}
