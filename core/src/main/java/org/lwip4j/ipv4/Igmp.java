package org.lwip4j.ipv4;

import java.lang.foreign.MemorySegment;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.internal.ip.Group;
import org.lwip4j.internal.ip.GroupMembership;
import org.lwip4j.internal.ip.ReportSender;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.ip.TransportInput;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.IgmpPacket;
import org.lwip4j.wire.Ipv4Packet;

/**
 * IGMP for the host (lwIP's {@code igmp.c}): IGMPv3 (RFC 3376) by default, IGMPv2 (RFC
 * 2236) while an IGMPv2 querier is present and IGMPv1 (RFC 1112 App. I) while an IGMPv1
 * one is (RFC 3376 §7.2.1), run by the family-neutral {@link GroupMembership}. This class is
 * the wire: it reads queries and other hosts' reports (RFC 3376 §4.1, §7.1: the version by
 * type and length; checksum checked; a query for a non-multicast group ignored) and writes
 * reports: IGMPv3 reports to 224.0.0.22, IGMPv2/v1 reports to the group, IGMPv2 leaves to
 * 224.0.0.2, all with TTL 1 and the Router Alert option (RFC 2113; RFC 3376 §4, RFC 2236 §2),
 * from the netif's address (0.0.0.0 before it has one, RFC 3376 §4.2.13).
 *
 * <p>Every netif (not the loopback) joins the all-systems group 224.0.0.1 when it is added,
 * which is never reported (RFC 3376 §5, RFC 2236 §6). Reports go out only on netifs with
 * {@link Netif#FLAG_IGMP} (Ethernet ones); membership, and so multicast reception, works on
 * every netif. Bad messages are counted in the {@code IGMP} stats and dropped.
 */
public final class Igmp implements TransportInput {
    /** 224.0.0.1, all systems on this subnet. */
    public static final int ALL_SYSTEMS = 0xe000_0001;
    /** 224.0.0.2, all routers on this subnet (IGMPv2 leaves). */
    public static final int ALL_ROUTERS = 0xe000_0002;
    /** 224.0.0.22, all IGMPv3-capable multicast routers (IGMPv3 reports). */
    public static final int V3_ROUTERS = 0xe000_0016;
    /** Bytes of the IPv4 header IGMP sends: 20 and the 4-byte Router Alert option. */
    static final int IP_HEADER_LEN = 24;
    private static final long IP4_MULTICAST_MAC = 0x0100_5e00_0000L;
    private static final long TENTH = 100_000_000L;

    private final StackContext ctx;
    private final ProtoStats stats;
    private final GroupMembership groups;
    private final long[] srcHi = new long[Group.MAX_SOURCES_FOR_QUERY];
    private final long[] srcLo = new long[Group.MAX_SOURCES_FOR_QUERY];

    Igmp(StackContext ctx, Ipv4 ip, NetifTable netifs) {
        this.ctx = ctx;
        this.stats = ctx.stats().igmp;
        this.groups = new GroupMembership(ctx, new Reports(ctx, ip));
        netifs.addListener(groups.netifListener(0, ALL_SYSTEMS & 0xffff_ffffL));
    }

    /** The group state machine (for tests and statistics). */
    GroupMembership membership() {
        return groups;
    }

    /**
     * Joins the IPv4 multicast group {@code group} on {@code netif} ({@code igmp_joingroup_netif}),
     * counted: the first join reports it. {@link Err#MEM} when the netif has as many groups as
     * it may.
     *
     * @throws IllegalArgumentException when {@code group} is not a multicast address
     */
    public Err join(Netif netif, int group) {
        return groups.join(netif, 0, checkGroup(group));
    }

    /** Leaves {@code group} on {@code netif} once ({@code igmp_leavegroup_netif}); {@link Err#VAL} when not joined. */
    public Err leave(Netif netif, int group) {
        return groups.leave(netif, 0, checkGroup(group));
    }

    /** True when {@code netif} has joined {@code group} (224.0.0.1 always); allocates nothing. */
    public boolean isMember(Netif netif, int group) {
        return groups.isMember(netif, 0, group & 0xffff_ffffL);
    }

    private static long checkGroup(int group) {
        if ((group & 0xf000_0000) != 0xe000_0000) {
            throw new IllegalArgumentException("not an IPv4 multicast group: " + Ip4Address.of(group));
        }
        return group & 0xffff_ffffL;
    }

    // ---------------------------------------------------------------- input

    @Override
    public void input(Pbuf p, IpInfo info) {
        stats.recv++;
        int len = p.totalLength();
        p = ctx.pbufs().contiguous(p);
        if (p == null) {
            stats.memerr++;
            stats.drop++;
            return;
        }
        try {
            read(p.segment(), p.offset(), len, info.netif());
        } finally {
            p.free();
        }
    }

    private void read(MemorySegment s, long off, int len, Netif netif) {
        int version = IgmpPacket.check(s, off, len);
        if (version < 0) {
            stats.lenerr++;
            stats.drop++;
            return;
        }
        if (!IgmpPacket.checksumOk(s, off, len)) {
            stats.chkerr++;
            stats.drop++;
            return;
        }
        if (!netif.hasFlag(Netif.FLAG_IGMP)) {
            stats.drop++;
            return;
        }
        int group = IgmpPacket.group(s, off);
        switch (IgmpPacket.type(s, off)) {
            case IgmpPacket.TYPE_QUERY -> query(s, off, version, group, netif);
            case IgmpPacket.TYPE_V1_REPORT, IgmpPacket.TYPE_V2_REPORT -> groups.reportHeard(netif, 0, group & 0xffff_ffffL);
            default -> {
                // Leaves and IGMPv3 reports are for routers; unknown types are ignored (RFC 3376 §4).
            }
        }
    }

    private void query(MemorySegment s, long off, int version, int group, Netif netif) {
        if (group != 0 && (group & 0xf000_0000) != 0xe000_0000) {
            stats.proterr++;
            stats.drop++;
            return;
        }
        if (group == ALL_SYSTEMS) {
            return; // never reported, so never queried
        }
        long maxDelay;
        int qrv = 0;
        int qqi = 0;
        int n = 0;
        if (version == 1) {
            maxDelay = 100 * TENTH; // RFC 2236 §4: an IGMPv1 query means 10 s
        } else if (version == 2) {
            maxDelay = IgmpPacket.maxResponseCode(s, off) * TENTH;
        } else {
            maxDelay = IgmpPacket.decodeCode(IgmpPacket.maxResponseCode(s, off)) * TENTH;
            qrv = IgmpPacket.qrv(s, off);
            qqi = IgmpPacket.decodeCode(IgmpPacket.qqic(s, off));
            n = IgmpPacket.numSources(s, off);
            if (n > srcLo.length) {
                n = 0; // more than we keep: answered for the whole group, which covers them
            }
            for (int i = 0; i < n; i++) {
                srcHi[i] = 0;
                srcLo[i] = IgmpPacket.source(s, off, i) & 0xffff_ffffL;
            }
        }
        groups.query(netif, version, 0, group & 0xffff_ffffL, maxDelay, qrv, qqi, srcHi, srcLo, n);
    }

    // ---------------------------------------------------------------- output

    /**
     * What the shared {@link GroupMembership} sends through: IGMP's layout, addresses and IPv4 header on the
     * family-neutral {@link ReportSender}. Private, so the membership machine's callbacks are not Igmp's API.
     */
    private static final class Reports extends ReportSender {
        /** IGMPv3 reports to 224.0.0.22; IGMPv1/v2 reports and leaves are 8 bytes, as the v3 header and record. */
        private static final Format FORMAT = new Format(IP_HEADER_LEN, IgmpPacket.HEADER_LEN, IgmpPacket.RECORD_LEN, 4,
                IgmpPacket.HEADER_LEN, 0, V3_ROUTERS & 0xffff_ffffL);

        Reports(StackContext ctx, Ipv4 ip) {
            super(ctx, ip, ctx.stats().igmp, Netif.FLAG_IGMP, FORMAT);
        }

        @Override
        public boolean reportable(long hi, long lo) {
            return lo != (ALL_SYSTEMS & 0xffff_ffffL);
        }

        @Override
        public long mac(long hi, long lo) {
            return IP4_MULTICAST_MAC | (lo & 0x7f_ffff);
        }

        @Override
        public void sendLegacyReport(Netif netif, int mode, Group group) {
            sendLegacy(netif, mode == 1 ? IgmpPacket.TYPE_V1_REPORT : IgmpPacket.TYPE_V2_REPORT, group, 0, group.lo());
        }

        @Override
        public void sendLeave(Netif netif, Group group) {
            sendLegacy(netif, IgmpPacket.TYPE_LEAVE, group, 0, ALL_ROUTERS & 0xffff_ffffL);
        }

        @Override
        protected int emitReport(MemorySegment s, long off, int records) {
            return IgmpPacket.emitReportV3(s, off, records);
        }

        @Override
        protected int emitRecord(MemorySegment s, long r, int type, Group group, int sources) {
            int len = IgmpPacket.emitRecord(s, r, type, (int) group.lo(), sources);
            for (int x = 0; x < sources; x++) {
                IgmpPacket.setRecordSource(s, r, x, (int) group.sourceLo(x));
            }
            return len;
        }

        @Override
        protected void emitLegacy(MemorySegment s, long off, int type, Group group) {
            IgmpPacket.emit(s, off, type, 0, (int) group.lo());
        }

        /** The IPv4 header with Router Alert and TTL 1, and the IGMP checksum. */
        @Override
        protected void emitHeaders(MemorySegment s, long off, Netif netif, long dstHi, long dstLo, int len) {
            IgmpPacket.fillChecksum(s, off + IP_HEADER_LEN, len);
            Ipv4Packet.emit(s, off, 0xc0, IP_HEADER_LEN + len, 0, Ipv4Packet.FLAG_DF, 1, Ipv4Packet.PROTO_IGMP,
                    netif.ip4().address().bits(), (int) dstLo, false);
            Bytes.put8(s, off, 0x40 | IP_HEADER_LEN / 4);
            // RFC 2113 §2.1: type 148, length 4, value 0 (the router shall examine the packet).
            Bytes.put32(s, off + Ipv4Packet.Field.OPTIONS, Ipv4Packet.OPT_ROUTER_ALERT << 24 | 4 << 16);
            Ipv4Packet.fillChecksum(s, off, IP_HEADER_LEN);
        }
    }
}
