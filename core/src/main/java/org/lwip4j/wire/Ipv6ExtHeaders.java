package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;

/**
 * Walks the extension header chain of an IPv6 packet (RFC 8200 §4) to its upper-layer
 * header, into this reusable holder: one instance per receive path, {@link #walk} per
 * packet, nothing allocated. Walked: hop-by-hop options (only right after the fixed
 * header, §4.3), destination options (§4.6), routing (§4.4) and fragment (§4.5) headers.
 * Any other next header value (TCP, UDP, ICMPv6, no next header, ESP, AH, ...) ends the
 * walk as the upper-layer protocol.
 *
 * <p>All offsets are from the start of the IPv6 packet, as the pointer of an ICMPv6
 * Parameter Problem counts them (RFC 4443 §3.4). The walk is bounded: more than
 * {@link #MAX_HEADERS} extension headers, or a header past the packet, ends it with a
 * refusal; every header advances by at least 8 bytes.
 *
 * <p>Options (§4.2) of hop-by-hop and destination options headers are walked: Pad1, PadN
 * and, in hop-by-hop, Router Alert (RFC 2711) are recognized; the first other option whose
 * two high-order bits do not say "skip" is reported with its action and offset, and the
 * caller acts (§4.2: discard, and maybe send Parameter Problem code 2 pointing at it).
 */
public final class Ipv6ExtHeaders {
    /** Most extension headers a walk accepts; a longer chain is refused as {@code MALFORMED}. */
    public static final int MAX_HEADERS = 8;
    /** Bytes of a fragment header. */
    public static final int FRAGMENT_HEADER_LEN = 8;
    /** Bytes of the hop-by-hop header {@link #emitHopByHopRouterAlert} writes. */
    public static final int ROUTER_ALERT_HEADER_LEN = 8;

    /** Option type: Pad1 (RFC 8200 §4.2), a single byte. */
    public static final int OPT_PAD1 = 0;
    /** Option type: PadN (RFC 8200 §4.2). */
    public static final int OPT_PADN = 1;
    /** Option type: Router Alert (RFC 2711 §2), hop-by-hop only. */
    public static final int OPT_ROUTER_ALERT = 5;
    /** Router Alert value: the datagram contains a Multicast Listener Discovery message (RFC 2711 §2). */
    public static final int ROUTER_ALERT_MLD = 0;

    /** Unrecognized option action 00: skip over it (RFC 8200 §4.2). */
    public static final int ACTION_SKIP = 0;
    /** Unrecognized option action 01: discard the packet. */
    public static final int ACTION_DISCARD = 1;
    /** Unrecognized option action 10: discard, and send Parameter Problem code 2. */
    public static final int ACTION_DISCARD_ICMP = 2;
    /** Unrecognized option action 11: discard, and send Parameter Problem code 2 unless the destination is multicast. */
    public static final int ACTION_DISCARD_ICMP_UNICAST = 3;

    /** Parameter Problem code: erroneous header field (RFC 4443 §3.4). */
    public static final int PROBLEM_HEADER_FIELD = 0;
    /** Parameter Problem code: unrecognized next header type (RFC 4443 §3.4). */
    public static final int PROBLEM_NEXT_HEADER = 1;
    /** Parameter Problem code: unrecognized IPv6 option (RFC 4443 §3.4). */
    public static final int PROBLEM_OPTION = 2;
    /** Parameter Problem code: first fragment has an incomplete header chain (RFC 7112 §5). */
    public static final int PROBLEM_INCOMPLETE_CHAIN = 3;

    private int upperProtocol;
    private int upperOffset;
    private int headerCount;
    private int hopByHopOffset;
    private int routerAlert;
    private int routingOffset;
    private int routingType;
    private int segmentsLeft;
    private int fragmentHeaderOffset;
    private int fragmentOffset;
    private int fragmentId;
    private boolean moreFragments;
    private int unknownOptionOffset;
    private int unknownOptionType;
    private int problemCode;
    private int problemPointer;

    /** A holder with nothing walked yet. */
    public Ipv6ExtHeaders() {
        reset();
    }

    private void reset() {
        upperProtocol = -1;
        upperOffset = -1;
        headerCount = 0;
        hopByHopOffset = -1;
        routerAlert = -1;
        routingOffset = -1;
        routingType = -1;
        segmentsLeft = -1;
        fragmentHeaderOffset = -1;
        fragmentOffset = -1;
        fragmentId = 0;
        moreFragments = false;
        unknownOptionOffset = -1;
        unknownOptionType = -1;
        problemCode = -1;
        problemPointer = -1;
    }

    /**
     * Walks the packet of {@code len} bytes at {@code off}, which {@link Ipv6Packet#check}
     * accepted ({@code len} as it returned: the payload length is not read again). Returns the
     * offset of the upper-layer header ({@link #upperOffset()}, at most {@code len}) or a
     * negative {@link Drop} code, with {@link #problemCode()} and {@link #problemPointer()}
     * set where RFC 8200 asks for a Parameter Problem:
     * <ul>
     *   <li>{@code TRUNCATED}: fewer than 40 bytes, or a header runs past the packet (after a
     *       first fragment, problem code 3, RFC 7112 §5, pointer 0);</li>
     *   <li>{@code MALFORMED}: a hop-by-hop header not right after the fixed header (§4.1:
     *       problem code 1 pointing at the next header field that names it), or more than
     *       {@link #MAX_HEADERS} extension headers;</li>
     *   <li>{@code BAD_OPTION}: an option that overruns its header, or a Router Alert whose
     *       length is not 2 (problem code 0 pointing at the option's length byte, or at its
     *       type byte when the length byte itself is missing).</li>
     * </ul>
     * A fragment header with a non-zero offset ends the walk (what follows is fragment data):
     * the upper-layer protocol is then its next header, at the byte after it. A second
     * fragment header ends the walk as an upper-layer protocol of 44, for reassembly to deal
     * with.
     */
    public int walk(MemorySegment s, long off, int len) {
        reset();
        if (len < Ipv6Packet.HEADER_LEN) {
            return -Drop.TRUNCATED.code();
        }
        int nh = Ipv6Packet.nextHeader(s, off);
        int nhField = Ipv6Packet.Field.NEXT_HEADER;
        int pos = Ipv6Packet.HEADER_LEN;
        while (isWalked(nh) && !(nh == Ipv6Packet.NH_FRAGMENT && fragmentHeaderOffset >= 0)) {
            if (nh == Ipv6Packet.NH_HOP_BY_HOP && pos != Ipv6Packet.HEADER_LEN) {
                return problem(PROBLEM_NEXT_HEADER, nhField, Drop.MALFORMED);
            }
            if (headerCount == MAX_HEADERS) {
                return -Drop.MALFORMED.code();
            }
            headerCount++;
            if (pos + 2 > len) {
                return truncated();
            }
            int hlen = nh == Ipv6Packet.NH_FRAGMENT ? FRAGMENT_HEADER_LEN : (Bytes.u8(s, off + pos + 1) + 1) * 8;
            if (pos + hlen > len) {
                return truncated();
            }
            int r = 0;
            switch (nh) {
                case Ipv6Packet.NH_HOP_BY_HOP -> {
                    hopByHopOffset = pos;
                    r = options(s, off, pos, hlen, true);
                }
                case Ipv6Packet.NH_DEST_OPTS -> r = options(s, off, pos, hlen, false);
                case Ipv6Packet.NH_ROUTING -> {
                    if (routingOffset < 0) {
                        routingOffset = pos;
                        routingType = Bytes.u8(s, off + pos + 2);
                        segmentsLeft = Bytes.u8(s, off + pos + 3);
                    }
                }
                default -> {
                    fragmentHeaderOffset = pos;
                    int word = Bytes.u16(s, off + pos + 2);
                    fragmentOffset = word & 0xfff8;
                    moreFragments = (word & 1) != 0;
                    fragmentId = Bytes.i32(s, off + pos + 4);
                }
            }
            if (r < 0) {
                return r;
            }
            nhField = pos;
            nh = Bytes.u8(s, off + pos);
            pos += hlen;
            if (fragmentOffset > 0) {
                break;
            }
        }
        upperProtocol = nh;
        upperOffset = pos;
        return pos;
    }

    private static boolean isWalked(int nh) {
        return nh == Ipv6Packet.NH_HOP_BY_HOP || nh == Ipv6Packet.NH_DEST_OPTS || nh == Ipv6Packet.NH_ROUTING
                || nh == Ipv6Packet.NH_FRAGMENT;
    }

    private int truncated() {
        if (fragmentOffset == 0) {
            return problem(PROBLEM_INCOMPLETE_CHAIN, 0, Drop.TRUNCATED);
        }
        return -Drop.TRUNCATED.code();
    }

    private int problem(int code, int pointer, Drop drop) {
        problemCode = code;
        problemPointer = pointer;
        return -drop.code();
    }

    /** Walks the options of the header of {@code hlen} bytes at packet offset {@code start} (RFC 8200 §4.2). */
    private int options(MemorySegment s, long off, int start, int hlen, boolean hopByHop) {
        int i = start + 2;
        int end = start + hlen;
        while (i < end) {
            int type = Bytes.u8(s, off + i);
            if (type == OPT_PAD1) {
                i++;
                continue;
            }
            if (i + 2 > end) {
                return problem(PROBLEM_HEADER_FIELD, i, Drop.BAD_OPTION);
            }
            int olen = Bytes.u8(s, off + i + 1);
            if (i + 2 + olen > end) {
                return problem(PROBLEM_HEADER_FIELD, i + 1, Drop.BAD_OPTION);
            }
            if (hopByHop && type == OPT_ROUTER_ALERT) {
                if (olen != 2) {
                    return problem(PROBLEM_HEADER_FIELD, i + 1, Drop.BAD_OPTION);
                }
                routerAlert = Bytes.u16(s, off + i + 2);
            } else if (type != OPT_PADN && (type >>> 6) != ACTION_SKIP && unknownOptionOffset < 0) {
                unknownOptionOffset = i;
                unknownOptionType = type;
            }
            i += 2 + olen;
        }
        return 0;
    }

    /** The upper-layer protocol (next header value) the walk ended at, or -1 after a refusal. */
    public int upperProtocol() {
        return upperProtocol;
    }

    /** Offset of the upper-layer header, or -1 after a refusal. */
    public int upperOffset() {
        return upperOffset;
    }

    /** Extension headers walked. */
    public int headerCount() {
        return headerCount;
    }

    /** Offset of the hop-by-hop options header, or -1. */
    public int hopByHopOffset() {
        return hopByHopOffset;
    }

    /** Value of the Router Alert option of the hop-by-hop header (RFC 2711 §2), or -1 when none. */
    public int routerAlert() {
        return routerAlert;
    }

    /** Offset of the first routing header, or -1. */
    public int routingOffset() {
        return routingOffset;
    }

    /** Routing type of the first routing header, or -1. */
    public int routingType() {
        return routingType;
    }

    /** Segments left of the first routing header, or -1. */
    public int segmentsLeft() {
        return segmentsLeft;
    }

    /** Offset of the (first) fragment header, or -1 when the packet is not a fragment. */
    public int fragmentHeaderOffset() {
        return fragmentHeaderOffset;
    }

    /** Fragment offset in bytes (a multiple of 8), or -1 when there is no fragment header. */
    public int fragmentOffset() {
        return fragmentOffset;
    }

    /** Identification of the fragment header (0 when none). */
    public int fragmentId() {
        return fragmentId;
    }

    /** The M flag of the fragment header: more fragments follow. */
    public boolean moreFragments() {
        return moreFragments;
    }

    /** True for an atomic fragment (RFC 6946): a fragment header with offset 0 and no M flag. */
    public boolean atomicFragment() {
        return fragmentOffset == 0 && !moreFragments;
    }

    /** Offset of the type byte of the first unrecognized option whose action is not "skip", or -1. */
    public int unknownOptionOffset() {
        return unknownOptionOffset;
    }

    /** Type of that option, or -1. */
    public int unknownOptionType() {
        return unknownOptionType;
    }

    /** Its action (RFC 8200 §4.2, the two high-order bits: {@link #ACTION_DISCARD}..), or -1 when none. */
    public int unknownOptionAction() {
        return unknownOptionType < 0 ? -1 : unknownOptionType >>> 6;
    }

    /** Parameter Problem code for the last refusal (RFC 4443 §3.4), or -1 when it asks for none. */
    public int problemCode() {
        return problemCode;
    }

    /** Parameter Problem pointer for the last refusal, or -1. */
    public int problemPointer() {
        return problemPointer;
    }

    /**
     * Writes an 8-byte fragment header (RFC 8200 §4.5) at {@code off}: next header, the
     * offset in bytes (its low 3 bits are dropped), the M flag and the identification.
     */
    public static void emitFragment(MemorySegment s, long off, int nextHeader, int fragmentOffsetBytes,
            boolean more, int ident) {
        Bytes.put16(s, off, (nextHeader & 0xff) << 8);
        Bytes.put16(s, off + 2, (fragmentOffsetBytes & 0xfff8) | (more ? 1 : 0));
        Bytes.put32(s, off + 4, ident);
    }

    /**
     * Writes an 8-byte hop-by-hop options header (RFC 8200 §4.3) with a Router Alert option
     * (RFC 2711 §2) of {@code value} and a 2-byte PadN, as MLD messages carry it
     * (RFC 2710 §3, RFC 3810 §5).
     */
    public static void emitHopByHopRouterAlert(MemorySegment s, long off, int nextHeader, int value) {
        Bytes.put32(s, off, (nextHeader & 0xff) << 24 | OPT_ROUTER_ALERT << 8 | 2);
        Bytes.put32(s, off + 4, (value & 0xffff) << 16 | OPT_PADN << 8);
    }
}
