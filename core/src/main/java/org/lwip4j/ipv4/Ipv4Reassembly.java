package org.lwip4j.ipv4;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.internal.ip.FragmentFormat;
import org.lwip4j.internal.ip.FragmentInfo;
import org.lwip4j.internal.ip.Reassembler;
import org.lwip4j.internal.ip.ReassemblyLimits;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.Ipv4Packet;

/**
 * IPv4 reassembly (RFC 791 §2.3 and §3.2, RFC 1122 §3.3.2; lwIP's {@code ip4_reass}): the
 * family-neutral {@link Reassembler} with IPv4's fragment format. It holds at most
 * {@code MEMP_NUM_REASSDATA} datagrams and {@code IP_REASS_MAX_PBUFS} pbufs (pools
 * {@code IP_REASSDATA} and {@code IP_REASS_PBUF}), for {@code IP_REASS_MAXAGE} each, and
 * counts in {@code stats.ipfrag}; see {@link Reassembler} for the rules.
 *
 * <p>What is IPv4's: a fragment belongs to the datagram of the same source, destination,
 * protocol and identification (RFC 791 §3.2); its offset and MF flag come from the header;
 * the datagram's header is fragment 0's (options included) with total length set, MF and
 * offset cleared and the checksum recomputed; total length counts the header, so fragment
 * 0's header and the last fragment's end together may not pass 65535 bytes (the "ping of
 * death"). On timeout, fragment 0, when it arrived, goes to the callback for an ICMP time
 * exceeded, code 1 (RFC 792, RFC 1122 §3.3.2).
 *
 * <p>RFC 5722 for IPv4: any overlap other than an exact duplicate discards the whole
 * datagram, and its later fragments until it times out. RFC 791 would let a later
 * fragment's bytes win; lwIP drops only the overlapping fragment. This follows Linux's IPv6
 * policy instead (see {@link Reassembler}).
 *
 * <p>Only fragments come here (MF set or a non-zero offset): {@link Ipv4} checks that on the
 * header before, so a whole packet never touches the reassembler. Used on the stack's event
 * loop only.
 */
final class Ipv4Reassembly {
    private final Reassembler reassembler;

    /**
     * Reassembly for the stack of {@code ctx}, bounded by its {@code memNumReassData},
     * {@code ipReassMaxPbufs} and {@code ipReassMaxAge}; registers the pools
     * {@code IP_REASSDATA} and {@code IP_REASS_PBUF} with the stack's counters.
     *
     * @param ctx the stack's context (configuration, timers, counters)
     * @param onTimeoutWithFirstFragment called when a datagram whose fragment 0 arrived times
     *        out (RFC 1122 §3.3.2), with that fragment, which it owns (to send ICMP time
     *        exceeded, code 1, and free); {@code null} to just free it
     */
    Ipv4Reassembly(StackContext ctx, Consumer<Pbuf> onTimeoutWithFirstFragment) {
        StackConfig.Ip4Options cfg = ctx.config().ip4();
        this.reassembler = new Reassembler(ctx, "IP", ctx.stats().ipfrag,
                new ReassemblyLimits(cfg.memNumReassData(), cfg.reassMaxPbufs(), cfg.reassMaxAge()),
                new Ipv4Fragments(), onTimeoutWithFirstFragment);
    }

    /**
     * Takes a fragment (RFC 791 §3.2 reassembly). The caller hands over its reference to a
     * pbuf whose first node starts with an IPv4 header checked by {@link Ipv4Packet#check}.
     *
     * @param fragment the fragment; the caller's reference passes to this method
     * @return {@code null} while the datagram is incomplete (the fragment is kept or
     *         dropped), or the whole datagram, which the caller owns: the header of
     *         fragment 0 (total length set, MF and offset cleared, checksum recomputed)
     *         followed by all the data in order
     */
    Pbuf input(Pbuf fragment) {
        return reassembler.input(fragment);
    }

    /**
     * Datagrams under reassembly, including those discarded for overlap that still wait for
     * their timeout to drop stragglers.
     *
     * @return how many datagram records are in use ({@code IP_REASSDATA})
     */
    int pendingDatagrams() {
        return reassembler.pendingDatagrams();
    }

    /** Frees every datagram under reassembly without any callback (counted as drops), and stops the timer. */
    void clear() {
        reassembler.clear();
    }

    /** The reassembler behind this adapter: pools and per-datagram counters. */
    Reassembler reassembler() {
        return reassembler;
    }

    /** How IPv4 fragments read, and how fragment 0's header becomes the datagram's. */
    private static final class Ipv4Fragments implements FragmentFormat {
        @Override
        public boolean read(Pbuf fragment, FragmentInfo into) {
            MemorySegment s = fragment.segment();
            long o = fragment.offset();
            if (fragment.length() < Ipv4Packet.MIN_HEADER_LEN) {
                return false;
            }
            int hl = Ipv4Packet.headerLen(s, o);
            int total = Ipv4Packet.totalLen(s, o);
            if (hl < Ipv4Packet.MIN_HEADER_LEN || hl > fragment.length() || total < hl) {
                return false;
            }
            int offset = Ipv4Packet.fragOffset(s, o);
            into.key.setIpv4(Ipv4Packet.src(s, o), Ipv4Packet.dst(s, o), Ipv4Packet.protocol(s, o),
                    Ipv4Packet.ident(s, o));
            into.headerLen = hl;
            into.offset = offset;
            into.dataLen = total - hl;
            into.more = Ipv4Packet.moreFragments(s, o);
            // Total length counts the header; a later fragment's header is at least 20 bytes.
            into.lengthOverhead = offset == 0 ? hl : Ipv4Packet.MIN_HEADER_LEN;
            return true;
        }

        @Override
        public Pbuf rebuild(Pbuf datagram, int headerLen, int dataLen) {
            MemorySegment s = datagram.segment();
            long o = datagram.offset();
            Ipv4Packet.setTotalLen(s, o, headerLen + dataLen);
            Ipv4Packet.setFlagsFrag(s, o,
                    Ipv4Packet.flagsFrag(s, o) & ~(Ipv4Packet.FLAG_MF | Ipv4Packet.OFFSET_MASK));
            Ipv4Packet.fillChecksum(s, o, headerLen);
            return datagram;
        }
    }
}
