package org.lwip4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Pbuf;
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
import org.lwip4j.wire.TcpOptions;
import org.lwip4j.wire.TcpOptionsRepr;
import org.lwip4j.wire.TcpPacket;
import org.lwip4j.wire.TcpRepr;
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
     * IPv4, then ICMP, UDP, UDP-Lite or TCP in the IPv4 payload. Returns how deep it got (0 link
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
            case Ipv4Packet.PROTO_TCP -> tcp(datagram, l4, l4len, src, dst);
            default -> false;
        };
        return ok ? 3 : 2;
    }

    /**
     * A TCP segment in {@code len} bytes: check, accessors, the option walk (flat and from a
     * two-node pbuf chain cut where the bytes say), Repr round trip with the checksum over
     * the IPv4 pseudo-header of {@code srcIp}, {@code dstIp}. The data offset and option
     * layout may change in the round trip (options are emitted in our order); every fixed
     * field must come back byte for byte.
     */
    public static boolean tcp(MemorySegment s, long off, int len, int srcIp, int dstIp) {
        int hl = TcpPacket.check(s, off, len);
        ParseResult<TcpRepr> p = TcpRepr.parse(s, off, len);
        long pseudo = Checksum.pseudoHeaderV4(srcIp, dstIp, Ipv4Packet.PROTO_TCP, len);
        ParseResult<TcpRepr> verified = TcpRepr.parse(s, off, len, pseudo);
        if (hl < 0) {
            sameReason(hl, p);
            assertTrue(verified.error() == p.error() || verified.error() == Drop.BAD_CHECKSUM);
            return false;
        }
        assertTrue(hl >= TcpPacket.HEADER_LEN && hl <= TcpPacket.MAX_HEADER_LEN && hl % 4 == 0 && hl <= len);
        assertEquals(hl, TcpPacket.headerLen(s, off));
        TcpPacket.srcPort(s, off);
        TcpPacket.dstPort(s, off);
        TcpPacket.seq(s, off);
        TcpPacket.ack(s, off);
        TcpPacket.reserved(s, off);
        TcpPacket.window(s, off);
        TcpPacket.checksum(s, off);
        TcpPacket.urgent(s, off);
        int flags = TcpPacket.flags(s, off);
        assertEquals((flags & TcpPacket.SYN) != 0, TcpPacket.hasFlags(s, off, TcpPacket.SYN));
        boolean sumOk = TcpPacket.checksumOk(s, off, len, pseudo);
        int optLen = hl - TcpPacket.HEADER_LEN;
        TcpOptions flat = new TcpOptions();
        int rc = flat.parse(s, off + TcpPacket.HEADER_LEN, optLen);
        int cut = len == 0 ? 0 : (int) ((s.get(ValueLayout.JAVA_BYTE, off + len - 1) & 0xff) % (len + 1));
        TcpOptions chained = new TcpOptions();
        assertEquals(rc, chained.parse(twoNodes(s, off, len, cut), TcpPacket.HEADER_LEN, optLen));
        assertEquals(flat.toRepr(), chained.toRepr());
        if (rc < 0) {
            assertEquals(Drop.BAD_OPTION, p.error());
            assertEquals(sumOk ? Drop.BAD_OPTION : Drop.BAD_CHECKSUM, verified.error());
            return false;
        }
        assertEquals(0, rc);
        assertEquals(sumOk, verified.isOk());
        TcpRepr r = p.value();
        assertEquals(flat.toRepr(), r.options());
        assertEquals(len - hl, r.payloadLen());
        if (r.options().bufferLen() > TcpPacket.MAX_OPTIONS_LEN) {
            // Parsed options our layout cannot fit (MSS + TS + 3 SACK blocks): emit refuses.
            try {
                r.emit(MemorySegment.ofArray(new byte[r.bufferLen()]), 0);
            } catch (IllegalStateException expected) {
                return true;
            }
            throw new AssertionError("emit accepted options that do not fit");
        }
        int outLen = r.totalLen();
        MemorySegment out = MemorySegment.ofArray(new byte[outLen]);
        MemorySegment.copy(s, off + hl, out, r.bufferLen(), r.payloadLen());
        long outPseudo = Checksum.pseudoHeaderV4(srcIp, dstIp, Ipv4Packet.PROTO_TCP, outLen);
        r.emit(out, 0, outPseudo);
        assertEquals(r, TcpRepr.parse(out, 0, outLen, outPseudo).value());
        assertEquals(-1, out.asSlice(0, 12).mismatch(s.asSlice(off, 12)));
        assertEquals(-1, out.asSlice(13, 3).mismatch(s.asSlice(off + 13, 3)));
        assertEquals(-1, out.asSlice(18, 2).mismatch(s.asSlice(off + 18, 2)));
        assertEquals(0, TcpPacket.reserved(out, 0));
        return true;
    }

    /**
     * A TCP option area of {@code len} bytes (only the first 40 count): the flat and the
     * chained walk agree and stay inside the area, the values are in range, and options
     * that fit survive emit and parse.
     */
    public static boolean tcpOptions(MemorySegment s, long off, int len) {
        int area = Math.min(len, TcpPacket.MAX_OPTIONS_LEN);
        TcpOptions o = new TcpOptions();
        int rc = o.parse(s, off, area);
        int cut = area == 0 ? 0 : (int) ((s.get(ValueLayout.JAVA_BYTE, off) & 0xff) % (area + 1));
        TcpOptions chained = new TcpOptions();
        assertEquals(rc, chained.parse(twoNodes(s, off, area, cut), 0, area));
        TcpOptionsRepr r = o.toRepr();
        assertEquals(r, chained.toRepr());
        assertTrue(o.mss() >= TcpOptions.ABSENT && o.mss() <= 0xffff);
        assertTrue(o.windowScale() >= TcpOptions.ABSENT && o.windowScale() <= TcpOptions.MAX_WINDOW_SCALE);
        assertTrue(o.sackCount() >= 0 && o.sackCount() <= TcpOptions.MAX_SACK_BLOCKS);
        if (rc < 0) {
            assertEquals(-Drop.BAD_OPTION.code(), rc);
            return false;
        }
        int n = o.emitLen();
        assertEquals(0, n % 4);
        if (n > TcpPacket.MAX_OPTIONS_LEN) {
            return true;
        }
        MemorySegment out = MemorySegment.ofArray(new byte[n]);
        assertEquals(n, o.emit(out, 0));
        TcpOptions again = new TcpOptions();
        assertEquals(0, again.parse(out, 0, n));
        assertEquals(r, again.toRepr());
        return true;
    }

    /** The {@code len} bytes at {@code off} as a chain of two pbufs cut at {@code cut} (either may be empty). */
    private static Pbuf twoNodes(MemorySegment s, long off, int len, int cut) {
        Pbuf head = Pbuf.wrap(s.asSlice(off, cut));
        head.concat(Pbuf.wrap(s.asSlice(off + cut, len - cut)));
        return head;
    }
}
