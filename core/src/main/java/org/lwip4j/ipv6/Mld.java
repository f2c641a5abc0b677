package org.lwip4j.ipv6;

import java.lang.foreign.MemorySegment;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.internal.ip.Group;
import org.lwip4j.internal.ip.GroupMembership;
import org.lwip4j.internal.ip.ReportSender;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifListener;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.Icmpv6Packet;
import org.lwip4j.wire.Ipv6Packet;
import org.lwip4j.wire.MldPacket;

/**
 * Multicast Listener Discovery for the host (lwIP's {@code mld6.c}): MLDv2 (RFC 3810) by
 * default, MLDv1 (RFC 2710) while an MLDv1 querier is present (RFC 3810 §8.2.1), run by the
 * family-neutral {@link GroupMembership}. This class is the wire: ICMPv6 hands it types 130
 * to 132 and 143; it reads queries (RFC 3810 §8.1: the version by length; from a link-local
 * source only, §5.1.14; the group must be multicast) and other hosts' MLDv1 reports, and
 * writes reports: MLDv2 reports to {@code ff02::16}, MLDv1 reports to the group and dones to
 * {@code ff02::2}, each with hop limit 1 and a hop-by-hop Router Alert option (RFC 2711;
 * RFC 3810 §5, RFC 2710 §3), from the netif's link-local address, or {@code ::} while it
 * has no valid one (RFC 3810 §5.2.13, during DAD).
 *
 * <p>Every netif but the loopback joins all-nodes ({@code ff02::1}, never reported, RFC 3810
 * §6) when added, a forwarding stack all-routers ({@code ff02::2}, RFC 4291 §2.8) too, and the solicited-node group of each of its addresses while it has it
 * (RFC 4291 §2.7.1, RFC 4862 §5.4.2): joined as the address is added and left as it is
 * removed (several addresses may share one group: it is counted). The group of a tentative
 * address is received at once but reported only once DAD has found the address unique
 * (§5.4.2 lets the report wait), so a new link sees DAD's NS first and then the MLD report,
 * from the link-local address (CONFORMANCE item 32). Groups of
 * interface-local or reserved scope are never reported either. Nothing goes out before the
 * netif is up with its link up (CONFORMANCE item 32); reports go out only on netifs with
 * {@link Netif#FLAG_MLD6} (Ethernet ones).
 */
public final class Mld {
    /** {@code ff02::16}: all MLDv2-capable routers. */
    static final long V2_ROUTERS_LO = 0x16;
    /** {@code ff02::2}: all routers. */
    static final long ALL_ROUTERS_LO = 0x2;
    /** The hop-by-hop header MLD sends: next header, length 0, Router Alert (type 5, length 2, value 0 = MLD), PadN of 0. */
    static final int HBH_LEN = 8;
    private static final int HEADERS = Ipv6Packet.HEADER_LEN + HBH_LEN;

    private final StackContext ctx;
    private final ProtoStats stats;
    private final GroupMembership groups;
    private final long[] srcHi = new long[Group.MAX_SOURCES_FOR_QUERY];
    private final long[] srcLo = new long[Group.MAX_SOURCES_FOR_QUERY];

    Mld(StackContext ctx, Ipv6 ip, NetifTable netifs, boolean router) {
        this.ctx = ctx;
        this.stats = ctx.stats().mld6;
        this.groups = new GroupMembership(ctx, new Reports(ctx, ip));
        netifs.addListener(groups.netifListener(Ipv6.ALL_NODES_HI, 1));
        netifs.addListener(new NetifListener() {
            @Override
            public void added(Netif netif) {
                if (router && !netif.hasFlag(Netif.FLAG_LOOPBACK)) {
                    groups.join(netif, Ipv6.ALL_NODES_HI, ALL_ROUTERS_LO); // RFC 4291 §2.8: a router listens to all-routers
                }
            }

            @Override
            public void addressChanged(Netif netif, IpAddress oldAddr, IpAddress newAddr) {
                if (netif.hasFlag(Netif.FLAG_LOOPBACK)) {
                    return;
                }
                if (oldAddr == null && newAddr instanceof Ip6Address a) {
                    Ip6Addresses.Entry e = netif.ip6().find(a);
                    boolean tentative = e != null && e.state() == Ip6Addresses.State.TENTATIVE;
                    groups.join(netif, Ip6Address.SOLICITED_NODE_HI, Ip6Address.solicitedNodeLo(a.lo()), tentative);
                } else if (newAddr instanceof Ip6Address a && a.equals(oldAddr)) {
                    Ip6Addresses.Entry e = netif.ip6().find(a);
                    if (e != null && e.state().isValid()) {
                        groups.announce(netif, Ip6Address.SOLICITED_NODE_HI, Ip6Address.solicitedNodeLo(a.lo()));
                    }
                } else if (newAddr == null && oldAddr instanceof Ip6Address a) {
                    groups.leave(netif, Ip6Address.SOLICITED_NODE_HI, Ip6Address.solicitedNodeLo(a.lo()));
                }
            }
        });
    }

    /** The group state machine (for tests and statistics). */
    GroupMembership membership() {
        return groups;
    }

    /**
     * Joins the IPv6 multicast {@code group} on {@code netif} ({@code mld6_joingroup_netif}),
     * counted: the first join reports it. {@link Err#MEM} when the netif has as many groups
     * as it may.
     *
     * @throws IllegalArgumentException when {@code group} is not a multicast address
     */
    public Err join(Netif netif, Ip6Address group) {
        check(group);
        return groups.join(netif, group.hi(), group.lo());
    }

    /** Leaves {@code group} on {@code netif} once ({@code mld6_leavegroup_netif}); {@link Err#VAL} when not joined. */
    public Err leave(Netif netif, Ip6Address group) {
        check(group);
        return groups.leave(netif, group.hi(), group.lo());
    }

    /** True when {@code netif} has joined {@code hi:lo}; allocates nothing. */
    public boolean isMember(Netif netif, long hi, long lo) {
        return groups.isMember(netif, hi, lo);
    }

    private static void check(Ip6Address group) {
        if (!group.isMulticast()) {
            throw new IllegalArgumentException("not an IPv6 multicast group: " + group);
        }
    }

    // ---------------------------------------------------------------- input

    /** An MLD message from ICMPv6 (checksum verified there); takes over {@code p}. */
    void input(Pbuf p, IpInfo info) {
        stats.recv++;
        int len = p.totalLength();
        p = ctx.pbufs().contiguous(p);
        if (p == null) {
            stats.memerr++;
            stats.drop++;
            return;
        }
        try {
            read(p.segment(), p.offset(), len, info);
        } finally {
            p.free();
        }
    }

    private void read(MemorySegment s, long off, int len, IpInfo info) {
        Netif netif = info.netif();
        int type = Icmpv6Packet.type(s, off);
        if (type == Icmpv6Packet.TYPE_MLDV2_REPORT || type == Icmpv6Packet.TYPE_MLD_DONE) {
            return; // for routers
        }
        int version = type == Icmpv6Packet.TYPE_MLD_QUERY ? MldPacket.checkQuery(s, off, len) : MldPacket.checkV1(s, off, len);
        if (version < 0) {
            stats.lenerr++;
            stats.drop++;
            return;
        }
        long hi = MldPacket.multicastHi(s, off);
        long lo = MldPacket.multicastLo(s, off);
        if ((hi != 0 || lo != 0) && (hi >>> 56) != 0xff || !netif.hasFlag(Netif.FLAG_MLD6)) {
            stats.proterr++;
            stats.drop++;
            return;
        }
        if (type == Icmpv6Packet.TYPE_MLD_REPORT) {
            groups.reportHeard(netif, hi, lo);
            return;
        }
        Ip6Address src = (Ip6Address) info.src();
        if (!src.isLinkLocal()) {
            // RFC 3810 §5.1.14, RFC 2710 §5: queries come from link-local addresses.
            stats.proterr++;
            stats.drop++;
            return;
        }
        long maxDelay = MldPacket.maxResponseDelay(MldPacket.maxResponseCode(s, off)) * 1_000_000L;
        int n = 0;
        int qrv = 0;
        int qqi = 0;
        if (version == 2) {
            qrv = MldPacket.qrv(s, off);
            qqi = MldPacket.queryInterval(MldPacket.qqic(s, off));
            n = MldPacket.numSources(s, off);
            if (n > srcLo.length) {
                n = 0; // more than we keep: answered for the whole group
            }
            for (int i = 0; i < n; i++) {
                srcHi[i] = MldPacket.sourceHi(s, off, i);
                srcLo[i] = MldPacket.sourceLo(s, off, i);
            }
        }
        // MLDv1 is compatibility mode 2 (as IGMPv2), MLDv2 mode 3.
        groups.query(netif, version + 1, hi, lo, maxDelay, qrv, qqi, srcHi, srcLo, n);
    }

    // ---------------------------------------------------------------- output

    /**
     * What the shared {@link GroupMembership} sends through: MLD's layout, addresses and IPv6 headers on the
     * family-neutral {@link ReportSender}. Private, so the membership machine's callbacks are not Mld's API.
     */
    private static final class Reports extends ReportSender {
        /** MLDv2 reports to {@code ff02::16}; MLDv1 reports and dones are 24 bytes. */
        private static final Format FORMAT = new Format(HEADERS, MldPacket.V2_REPORT_LEN, MldPacket.RECORD_LEN, 16,
                MldPacket.V1_LEN, Ipv6.ALL_NODES_HI, V2_ROUTERS_LO);

        Reports(StackContext ctx, Ipv6 ip) {
            super(ctx, ip, ctx.stats().mld6, Netif.FLAG_MLD6, FORMAT);
        }

        @Override
        public boolean reportable(long hi, long lo) {
            int scope = (int) (hi >>> 48) & 0xf;
            return !(hi == Ipv6.ALL_NODES_HI && lo == 1) && scope > Ip6Address.SCOPE_INTERFACE_LOCAL;
        }

        @Override
        public long mac(long hi, long lo) {
            return Ip6Address.multicastMacBits(lo);
        }

        @Override
        public void sendLegacyReport(Netif netif, int mode, Group group) {
            sendLegacy(netif, Icmpv6Packet.TYPE_MLD_REPORT, group, group.hi(), group.lo());
        }

        @Override
        public void sendLeave(Netif netif, Group group) {
            sendLegacy(netif, Icmpv6Packet.TYPE_MLD_DONE, group, Ipv6.ALL_NODES_HI, ALL_ROUTERS_LO);
        }

        @Override
        protected int emitReport(MemorySegment s, long off, int records) {
            return MldPacket.emitReportV2(s, off, records);
        }

        @Override
        protected int emitRecord(MemorySegment s, long r, int type, Group group, int sources) {
            int len = MldPacket.emitRecord(s, r, type, group.hi(), group.lo(), sources);
            for (int x = 0; x < sources; x++) {
                MldPacket.setRecordSource(s, r, x, group.sourceHi(x), group.sourceLo(x));
            }
            return len;
        }

        @Override
        protected void emitLegacy(MemorySegment s, long off, int type, Group group) {
            MldPacket.emitV1(s, off, type, 0, group.hi(), group.lo());
        }

        /**
         * The IPv6 header with hop limit 1 from the netif's link-local address ({@code ::} while it has no valid one),
         * the hop-by-hop header with Router Alert, and the ICMPv6 checksum.
         */
        @Override
        protected void emitHeaders(MemorySegment s, long off, Netif netif, long dstHi, long dstLo, int len) {
            Ip6Addresses.Entry ll = netif.ip6().linkLocal();
            long srcHi = 0;
            long srcLo = 0;
            if (ll != null && ll.state().isValid()) {
                srcHi = ll.address().hi();
                srcLo = ll.address().lo();
            }
            Ipv6Packet.emit(s, off, 0, 0, HBH_LEN + len, Ipv6Packet.NH_HOP_BY_HOP, 1, srcHi, srcLo, dstHi, dstLo);
            long h = off + Ipv6Packet.HEADER_LEN;
            // RFC 2711 §2.1: Router Alert, value 0 (MLD); then PadN of no data bytes to 8.
            Bytes.put32(s, h, Ipv6Packet.NH_ICMPV6 << 24 | 0x0502);
            Bytes.put32(s, h + 4, 0x0100);
            long m = off + HEADERS;
            long ph = Checksum.pseudoHeaderV6(srcHi, srcLo, dstHi, dstLo, Ipv6Packet.NH_ICMPV6, len);
            Bytes.put16(s, m + Icmpv6Packet.Field.CHECKSUM, Checksum.finish(Checksum.partial(s, m, len, ph)));
        }
    }
}
