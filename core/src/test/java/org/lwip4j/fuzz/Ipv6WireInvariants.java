package org.lwip4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.lwip4j.wire.Drop;
import org.lwip4j.wire.EthernetFrame;
import org.lwip4j.wire.Icmpv6Packet;
import org.lwip4j.wire.Icmpv6Repr;
import org.lwip4j.wire.IgmpPacket;
import org.lwip4j.wire.IgmpRepr;
import org.lwip4j.wire.Ipv4Packet;
import org.lwip4j.wire.Ipv6ExtHeaders;
import org.lwip4j.wire.Ipv6Packet;
import org.lwip4j.wire.Ipv6Repr;
import org.lwip4j.wire.MldPacket;
import org.lwip4j.wire.NdOption;
import org.lwip4j.wire.NdPacket;
import org.lwip4j.wire.ParseResult;

/**
 * What must hold on any bytes for the IPv6, ICMPv6, ND, MLD and IGMP parsers; the same
 * contract as {@link WireInvariants} (never throw, never read outside the bytes, check and
 * parse agree, parse, emit, parse is the identity). The segment must end at {@code off+len}
 * and may be read-only: only copies are written.
 */
public final class Ipv6WireInvariants {
    private Ipv6WireInvariants() {
    }

    private static void sameReason(int code, ParseResult<?> r) {
        assertTrue(code < 0);
        assertEquals(Drop.ofCode(code), r.error());
    }

    private static MemorySegment copy(MemorySegment s, long off, int len) {
        MemorySegment c = MemorySegment.ofArray(new byte[len]);
        MemorySegment.copy(s, off, c, 0, len);
        return c;
    }

    /** IPv6 fixed header: check, accessors, Repr round trip byte for byte, then the extension header walk. */
    public static boolean ipv6(MemorySegment s, long off, int len) {
        int total = Ipv6Packet.check(s, off, len);
        ParseResult<Ipv6Repr> p = Ipv6Repr.parse(s, off, len);
        if (total < 0) {
            sameReason(total, p);
            return false;
        }
        assertTrue(total >= Ipv6Packet.HEADER_LEN && total <= len);
        assertEquals(6, Ipv6Packet.version(s, off));
        Ipv6Repr r = p.value();
        assertEquals(total, r.totalLen());
        MemorySegment out = MemorySegment.ofArray(new byte[Ipv6Packet.HEADER_LEN]);
        r.emit(out, 0);
        assertEquals(-1, out.mismatch(s.asSlice(off, Ipv6Packet.HEADER_LEN)), "emit differs from the parsed header");
        assertEquals(r, Ipv6Repr.parse(copy(s, off, total), 0, total).value());
        extHeaders(s, off, total);
        return true;
    }

    /** The extension header walk over a checked packet of {@code total} bytes; returns the upper-layer offset or the refusal. */
    public static int extHeaders(MemorySegment s, long off, int total) {
        Ipv6ExtHeaders h = new Ipv6ExtHeaders();
        int up = h.walk(s, off, total);
        assertTrue(h.headerCount() >= 0 && h.headerCount() <= Ipv6ExtHeaders.MAX_HEADERS);
        if (up < 0) {
            Drop.ofCode(up);
            assertEquals(-1, h.upperOffset());
            assertEquals(-1, h.upperProtocol());
            assertTrue(h.problemPointer() >= -1 && h.problemPointer() < total);
            assertEquals(h.problemCode() < 0, h.problemPointer() < 0);
            return up;
        }
        assertEquals(up, h.upperOffset());
        assertTrue(up >= Ipv6Packet.HEADER_LEN && up <= total && up % 8 == 0);
        assertTrue(h.upperProtocol() >= 0 && h.upperProtocol() < 256);
        assertEquals(-1, h.problemCode());
        assertEquals(up == Ipv6Packet.HEADER_LEN, h.headerCount() == 0);
        assertTrue(h.hopByHopOffset() == -1 || h.hopByHopOffset() == Ipv6Packet.HEADER_LEN);
        assertTrue(h.routingOffset() < up && h.fragmentHeaderOffset() < up && h.unknownOptionOffset() < up);
        if (h.unknownOptionOffset() >= 0) {
            assertTrue(h.unknownOptionAction() > 0);
            assertEquals(h.unknownOptionType(), s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off + h.unknownOptionOffset()) & 0xff);
        }
        if (h.fragmentHeaderOffset() >= 0) {
            assertTrue(h.fragmentOffset() >= 0 && h.fragmentOffset() % 8 == 0);
        } else {
            assertFalse(h.moreFragments());
        }
        // A second walk over a copy finds the same.
        Ipv6ExtHeaders again = new Ipv6ExtHeaders();
        assertEquals(up, again.walk(copy(s, off, total), 0, total));
        assertEquals(h.upperProtocol(), again.upperProtocol());
        assertEquals(h.fragmentId(), again.fragmentId());
        return up;
    }

    /**
     * ICMPv6 message of {@code len} bytes between two addresses: check, Repr round trip with
     * checksum, then the ND or MLD view its type names.
     */
    public static boolean icmpv6(MemorySegment s, long off, int len, long srcHi, long srcLo, long dstHi, long dstLo) {
        int c = Icmpv6Packet.check(s, off, len);
        ParseResult<Icmpv6Repr> p = Icmpv6Repr.parse(s, off, len);
        if (c < 0) {
            sameReason(c, p);
            sameReason(c, Icmpv6Repr.parse(s, off, len, srcHi, srcLo, dstHi, dstLo));
            return false;
        }
        assertEquals(Icmpv6Packet.checksumOk(s, off, len, srcHi, srcLo, dstHi, dstLo),
                Icmpv6Repr.parse(s, off, len, srcHi, srcLo, dstHi, dstLo).isOk());
        Icmpv6Repr r = p.value();
        assertEquals(len, r.totalLen());
        MemorySegment out = copy(s, off, len);
        r.emit(out, 0, srcHi, srcLo, dstHi, dstLo);
        assertEquals(r, Icmpv6Repr.parse(out, 0, len, srcHi, srcLo, dstHi, dstLo).value());
        assertEquals(-1, out.asSlice(0, 2).mismatch(s.asSlice(off, 2)));
        assertEquals(-1, out.asSlice(4).mismatch(s.asSlice(off + 4, len - 4)));
        int type = r.type();
        if (NdPacket.fixedLen(type) >= 0) {
            nd(s, off, len);
        } else if (type == Icmpv6Packet.TYPE_MLD_QUERY) {
            mldQuery(s, off, len);
        } else if (type == Icmpv6Packet.TYPE_MLD_REPORT || type == Icmpv6Packet.TYPE_MLD_DONE) {
            if (MldPacket.checkV1(s, off, len) == 0) {
                MldPacket.multicastHi(s, off);
                MldPacket.multicastLo(s, off);
            }
        } else if (type == Icmpv6Packet.TYPE_MLDV2_REPORT) {
            mldReport(s, off, len);
        }
        return true;
    }

    /** An ND message: check, the fixed fields re-emitted, every option walked and read. */
    public static boolean nd(MemorySegment s, long off, int len) {
        int fixed = NdPacket.check(s, off, len);
        if (fixed < 0) {
            Drop.ofCode(fixed);
            return false;
        }
        int type = Icmpv6Packet.type(s, off);
        assertEquals(NdPacket.fixedLen(type), fixed);
        assertTrue(fixed <= len);
        MemorySegment out = MemorySegment.ofArray(new byte[fixed]);
        switch (type) {
            case Icmpv6Packet.TYPE_ROUTER_ADVERT -> {
                NdPacket.emitRouterAdvert(out, 0, NdPacket.curHopLimit(s, off), NdPacket.raFlags(s, off),
                        NdPacket.routerLifetime(s, off), (int) NdPacket.reachableTime(s, off), (int) NdPacket.retransTimer(s, off));
                assertEquals(-1, out.asSlice(4).mismatch(s.asSlice(off + 4, fixed - 4)));
            }
            case Icmpv6Packet.TYPE_NEIGHBOR_SOLICIT -> {
                NdPacket.emitNeighborSolicit(out, 0, NdPacket.targetHi(s, off), NdPacket.targetLo(s, off));
                assertEquals(-1, out.asSlice(8).mismatch(s.asSlice(off + 8, 16)));
            }
            case Icmpv6Packet.TYPE_NEIGHBOR_ADVERT -> {
                NdPacket.emitNeighborAdvert(out, 0, NdPacket.naFlags(s, off), NdPacket.targetHi(s, off), NdPacket.targetLo(s, off));
                assertEquals(-1, out.asSlice(8).mismatch(s.asSlice(off + 8, 16)));
                assertEquals(NdPacket.naFlags(s, off), NdPacket.naFlags(out, 0));
            }
            case Icmpv6Packet.TYPE_REDIRECT -> {
                NdPacket.emitRedirect(out, 0, NdPacket.targetHi(s, off), NdPacket.targetLo(s, off),
                        NdPacket.destinationHi(s, off), NdPacket.destinationLo(s, off));
                assertEquals(-1, out.asSlice(8).mismatch(s.asSlice(off + 8, 32)));
            }
            default -> NdPacket.emitRouterSolicit(out, 0);
        }
        assertEquals(fixed, NdPacket.check(out, 0, fixed));
        options(s, off + fixed, len - fixed);
        return true;
    }

    /** ND options in {@code [off, off+len)}: check, the walk, every valid option's fields. */
    public static boolean options(MemorySegment s, long off, int len) {
        int n = NdOption.check(s, off, len);
        if (n < 0) {
            Drop.ofCode(n);
            return false;
        }
        assertTrue(n <= len / 8);
        int seen = 0;
        long o = off;
        for (; o < off + len; o = NdOption.next(s, o)) {
            seen++;
            int type = NdOption.type(s, o);
            assertEquals(o, NdOption.find(s, o, (int) (off + len - o), type));
            if (!NdOption.valid(s, o)) {
                continue;
            }
            MemorySegment out = MemorySegment.ofArray(new byte[NdOption.length(s, o)]);
            switch (type) {
                case NdOption.SOURCE_LL_ADDR, NdOption.TARGET_LL_ADDR -> {
                    NdOption.emitLinkLayer(out, 0, type, NdOption.linkLayerAddress(s, o));
                    assertEquals(-1, out.asSlice(2, 6).mismatch(s.asSlice(o + 2, 6)));
                }
                case NdOption.PREFIX_INFO -> {
                    NdOption.emitPrefixInfo(out, 0, NdOption.prefixLength(s, o), NdOption.prefixFlags(s, o),
                            (int) NdOption.validLifetime(s, o), (int) NdOption.preferredLifetime(s, o),
                            NdOption.prefixHi(s, o), NdOption.prefixLo(s, o));
                    assertEquals(-1, out.asSlice(0, 12).mismatch(s.asSlice(o, 12)));
                    assertEquals(-1, out.asSlice(16).mismatch(s.asSlice(o + 16, 16)));
                }
                case NdOption.MTU -> {
                    NdOption.emitMtu(out, 0, (int) NdOption.mtu(s, o));
                    assertEquals(NdOption.mtu(s, o), NdOption.mtu(out, 0));
                }
                case NdOption.REDIRECTED_HEADER -> {
                    assertEquals(NdOption.length(s, o), NdOption.REDIRECTED_HEADER_DATA + NdOption.redirectedDataLen(s, o));
                    assertEquals(o + 8, NdOption.redirectedData(s, o));
                }
                case NdOption.RDNSS -> {
                    int count = NdOption.rdnssCount(s, o);
                    long[] hiLo = new long[2 * count];
                    for (int i = 0; i < count; i++) {
                        hiLo[2 * i] = NdOption.rdnssHi(s, o, i);
                        hiLo[2 * i + 1] = NdOption.rdnssLo(s, o, i);
                    }
                    assertEquals(NdOption.length(s, o), NdOption.emitRdnss(out, 0, (int) NdOption.rdnssLifetime(s, o), hiLo));
                    assertEquals(-1, out.asSlice(4).mismatch(s.asSlice(o + 4, out.byteSize() - 4)));
                }
                default -> {
                }
            }
        }
        assertEquals(off + len, o);
        assertEquals(n, seen);
        return true;
    }

    /** An MLD query: version by length, the sources, and an MLDv2 query re-emitted. */
    public static boolean mldQuery(MemorySegment s, long off, int len) {
        int v = MldPacket.checkQuery(s, off, len);
        if (v < 0) {
            Drop.ofCode(v);
            return false;
        }
        MldPacket.maxResponseDelay(MldPacket.maxResponseCode(s, off));
        if (v == 1) {
            assertEquals(24, len);
            return true;
        }
        assertEquals(2, v);
        int n = MldPacket.numSources(s, off);
        assertTrue(28 + 16L * n <= len);
        MemorySegment out = MemorySegment.ofArray(new byte[28 + 16 * n]);
        MldPacket.emitQueryV2(out, 0, MldPacket.maxResponseCode(s, off), MldPacket.multicastHi(s, off),
                MldPacket.multicastLo(s, off), MldPacket.suppress(s, off), MldPacket.qrv(s, off), MldPacket.qqic(s, off), n);
        for (int i = 0; i < n; i++) {
            MldPacket.setSource(out, 0, i, MldPacket.sourceHi(s, off, i), MldPacket.sourceLo(s, off, i));
        }
        MldPacket.queryInterval(MldPacket.qqic(s, off));
        assertEquals(-1, out.asSlice(4, 2).mismatch(s.asSlice(off + 4, 2)));
        assertEquals(-1, out.asSlice(8, 16).mismatch(s.asSlice(off + 8, 16)));
        assertEquals(-1, out.asSlice(25).mismatch(s.asSlice(off + 25, out.byteSize() - 25)));
        assertEquals(2, MldPacket.checkQuery(out, 0, (int) out.byteSize()));
        return true;
    }

    /** An MLDv2 report: every record and source read within the bytes the check promised. */
    public static boolean mldReport(MemorySegment s, long off, int len) {
        int covered = MldPacket.checkReport(s, off, len);
        if (covered < 0) {
            Drop.ofCode(covered);
            return false;
        }
        assertTrue(covered >= 8 && covered <= len);
        long r = MldPacket.firstRecord(off);
        for (int i = 0; i < MldPacket.numRecords(s, off); i++) {
            MldPacket.recordType(s, r);
            MldPacket.recordMulticastHi(s, r);
            MldPacket.recordMulticastLo(s, r);
            for (int k = 0; k < MldPacket.recordNumSources(s, r); k++) {
                MldPacket.recordSourceHi(s, r, k);
                MldPacket.recordSourceLo(s, r, k);
            }
            r = MldPacket.nextRecord(s, r);
        }
        assertEquals(off + covered, r);
        return true;
    }

    /** IGMP message of {@code len} bytes: check, Repr round trip with checksum, v3 sources and records. */
    public static boolean igmp(MemorySegment s, long off, int len) {
        int v = IgmpPacket.check(s, off, len);
        ParseResult<IgmpRepr> p = IgmpRepr.parse(s, off, len, false);
        if (v < 0) {
            sameReason(v, p);
            sameReason(v, IgmpRepr.parse(s, off, len));
            return false;
        }
        assertTrue(v <= 3);
        assertEquals(IgmpPacket.checksumOk(s, off, len), IgmpRepr.parse(s, off, len).isOk());
        IgmpRepr r = p.value();
        assertEquals(v, r.version());
        assertEquals(len, r.totalLen());
        MemorySegment out = copy(s, off, len);
        r.emit(out, 0, true);
        assertEquals(r, IgmpRepr.parse(out, 0, len).value());
        assertEquals(-1, out.asSlice(0, 2).mismatch(s.asSlice(off, 2)));
        assertEquals(-1, out.asSlice(4).mismatch(s.asSlice(off + 4, len - 4)));
        IgmpPacket.decodeCode(r.maxResponseCode());
        if (v == 3 && r.type() == IgmpPacket.TYPE_QUERY) {
            int n = IgmpPacket.numSources(s, off);
            assertTrue(12 + 4L * n <= len);
            MemorySegment q = MemorySegment.ofArray(new byte[12 + 4 * n]);
            IgmpPacket.emitQueryV3(q, 0, r.maxResponseCode(), r.group(), IgmpPacket.suppress(s, off), IgmpPacket.qrv(s, off),
                    IgmpPacket.qqic(s, off), n);
            for (int i = 0; i < n; i++) {
                IgmpPacket.setSource(q, 0, i, IgmpPacket.source(s, off, i));
            }
            assertEquals(-1, q.asSlice(9).mismatch(s.asSlice(off + 9, q.byteSize() - 9)));
            assertEquals(3, IgmpPacket.check(q, 0, (int) q.byteSize()));
        } else if (v == 3) {
            long rec = IgmpPacket.firstRecord(off);
            for (int i = 0; i < IgmpPacket.numRecords(s, off); i++) {
                IgmpPacket.recordType(s, rec);
                IgmpPacket.recordGroup(s, rec);
                for (int k = 0; k < IgmpPacket.recordNumSources(s, rec); k++) {
                    IgmpPacket.recordSource(s, rec, k);
                }
                rec = IgmpPacket.nextRecord(s, rec);
            }
            assertTrue(rec <= off + len);
        }
        return true;
    }

    /**
     * A whole Ethernet frame carrying IPv6 (through the extension headers to ICMPv6) or IPv4
     * carrying IGMP. Returns how deep it got (0 link refused or another type, 1 link, 2
     * network, 3 upper layer).
     */
    public static int frame(MemorySegment s, long off, int len) {
        if (!WireInvariants.ethernet(s, off, len)) {
            return 0;
        }
        int hl = EthernetFrame.check(s, off, len);
        int type = EthernetFrame.etherType(s, off, hl);
        long l3 = off + hl;
        int l3len = len - hl;
        if (type == EthernetFrame.TYPE_IPV4) {
            if (Ipv4Packet.check(s, l3, l3len) < 0 || !WireInvariants.ipv4(s, l3, l3len)) {
                return 1;
            }
            int ihl = Ipv4Packet.check(s, l3, l3len);
            int l4len = Ipv4Packet.totalLen(s, l3) - ihl;
            if (Ipv4Packet.protocol(s, l3) != Ipv4Packet.PROTO_IGMP) {
                return 2;
            }
            return igmp(s.asSlice(0, l3 + ihl + l4len), l3 + ihl, l4len) ? 3 : 2;
        }
        if (type != EthernetFrame.TYPE_IPV6 || !ipv6(s, l3, l3len)) {
            return 1;
        }
        int total = Ipv6Packet.check(s, l3, l3len);
        int up = extHeaders(s, l3, total);
        Ipv6ExtHeaders h = new Ipv6ExtHeaders();
        h.walk(s, l3, total);
        if (up < 0 || h.upperProtocol() != Ipv6Packet.NH_ICMPV6) {
            return 2;
        }
        MemorySegment packet = s.asSlice(0, l3 + total);
        return icmpv6(packet, l3 + up, total - up, Ipv6Packet.srcHi(s, l3), Ipv6Packet.srcLo(s, l3),
                Ipv6Packet.dstHi(s, l3), Ipv6Packet.dstLo(s, l3)) ? 3 : 2;
    }
}
