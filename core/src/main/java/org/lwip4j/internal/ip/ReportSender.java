package org.lwip4j.internal.ip;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.NetworkProtocol;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.MldPacket;

/**
 * The wire half of a multicast listener protocol, one per family: IGMP (RFC 3376, RFC 2236,
 * RFC 1112) for IPv4, MLD (RFC 3810, RFC 2710) for IPv6. {@link GroupMembership} decides
 * what to report and when; this class sends it the same way for both families (only on
 * netifs that report, one pbuf per message with room for the family's headers, version 3
 * reports cut to the MTU, each message counted and freed), and the family writes what
 * differs: the message layout, the addresses, the IP header with its Router Alert option
 * and the checksum. Group addresses travel as two longs (IPv4: {@code hi} 0, {@code lo} the
 * 32 bits), so nothing is allocated per report.
 */
public abstract class ReportSender {
    /**
     * The sizes of a family's messages, in bytes, and where its version 3 (IGMPv3) or 2
     * (MLDv2) reports go.
     *
     * @param headers     the IP header and the Router Alert option before each message
     * @param reportHeader the header of a version 3 / 2 report, before its records
     * @param record      a group record without sources
     * @param address     one source address in a record
     * @param legacy      an older-version report or a leave / done (IGMPv1/v2, MLDv1)
     * @param reportsToHi the first 64 bits of the reports' destination (0 for IPv4)
     * @param reportsToLo the last 64 bits of the reports' destination (224.0.0.22, {@code ff02::16})
     */
    public record Format(int headers, int reportHeader, int record, int address, int legacy, long reportsToHi,
            long reportsToLo) {
    }

    private final StackContext ctx;
    private final NetworkProtocol ip;
    private final ProtoStats stats;
    private final int netifFlag;
    private final Format format;

    /**
     * A sender through {@code ip}, counting in {@code stats}, on netifs with {@code netifFlag}
     * ({@link Netif#FLAG_IGMP}, {@link Netif#FLAG_MLD6}) only, of messages shaped as {@code format}.
     */
    protected ReportSender(StackContext ctx, NetworkProtocol ip, ProtoStats stats, int netifFlag, Format format) {
        this.ctx = ctx;
        this.ip = ip;
        this.stats = stats;
        this.netifFlag = netifFlag;
        this.format = format;
    }

    /** True when joining {@code hi:lo} is reported at all (never the all-systems or all-nodes group). */
    public abstract boolean reportable(long hi, long lo);

    /** The Ethernet MAC of the group (RFC 1112 §6.4, RFC 2464 §7). */
    public abstract long mac(long hi, long lo);

    /** Sends an older-version report of {@code group} in compatibility mode {@code mode} (IGMPv1/v2, MLDv1). */
    public abstract void sendLegacyReport(Netif netif, int mode, Group group);

    /** Sends an IGMPv2 leave or MLDv1 done for {@code group}. */
    public abstract void sendLeave(Netif netif, Group group);

    /** Writes the header of a version 3 / 2 report of {@code records} records at {@code off}, checksum zero; returns its length. */
    protected abstract int emitReport(MemorySegment s, long off, int records);

    /**
     * Writes a record of {@code type} for {@code group} at {@code r} with the first
     * {@code sources} of its {@link Group#sources()}, no auxiliary data; returns the record's length.
     */
    protected abstract int emitRecord(MemorySegment s, long r, int type, Group group, int sources);

    /** Writes an older-version message of {@code type} (a report, a leave or done) about {@code group} at {@code off}, checksum zero. */
    protected abstract void emitLegacy(MemorySegment s, long off, int type, Group group);

    /**
     * Writes the family's IP header with TTL / hop limit 1 and its Router Alert option at
     * {@code off}, before the message of {@code len} bytes that follows them, from the netif's
     * address to {@code dstHi:dstLo}, and the message's checksum.
     */
    protected abstract void emitHeaders(MemorySegment s, long off, Netif netif, long dstHi, long dstLo, int len);

    /**
     * Sends a version 3 (IGMPv3) or 2 (MLDv2) report of {@code count} records of
     * {@code type} (RFC 3376 §4.2.12 values), one per group; a {@code MODE_IS_INCLUDE}
     * record carries the group's {@link Group#sources()}. Splits into several messages when
     * they do not fit the MTU (RFC 3376 §4.2.16, RFC 3810 §5.2.15).
     */
    public final void sendRecords(Netif netif, int type, Group[] list, int count) {
        if (!netif.hasFlag(netifFlag)) {
            return;
        }
        int room = netif.mtu() - format.headers - format.reportHeader;
        boolean withSources = type == MldPacket.MODE_IS_INCLUDE;
        int i = 0;
        while (i < count) {
            int k = batchEnd(list, i, count, withSources, room);
            int len = format.reportHeader + batchBytes(list, i, k, withSources);
            Pbuf p = packet(len);
            if (p == null) {
                return;
            }
            MemorySegment s = p.segment();
            long m = p.offset() + format.headers;
            long r = m + emitReport(s, m, k - i);
            for (int j = i; j < k; j++) {
                r += emitRecord(s, r, type, list[j], withSources ? list[j].sources() : 0);
            }
            send(p, netif, format.reportsToHi, format.reportsToLo, len);
            i = k;
        }
    }

    /**
     * Sends an older-version message of {@code type} about {@code group} to
     * {@code dstHi:dstLo}: what {@link #sendLegacyReport} and {@link #sendLeave} do once the
     * family has chosen the type and the destination.
     */
    protected final void sendLegacy(Netif netif, int type, Group group, long dstHi, long dstLo) {
        if (!netif.hasFlag(netifFlag)) {
            return;
        }
        Pbuf p = packet(format.legacy);
        if (p != null) {
            emitLegacy(p.segment(), p.offset() + format.headers, type, group);
            send(p, netif, dstHi, dstLo, format.legacy);
        }
    }

    /** A pbuf for the headers and a message of {@code len} bytes; null (counted) when the pool is out. */
    private Pbuf packet(int len) {
        Pbuf p = ctx.pbufs().allocRam(Layer.LINK, format.headers + len);
        if (p == null) {
            stats.memerr++;
            stats.err++;
        }
        return p;
    }

    /** Adds the headers and the checksum, and sends; frees {@code p}. */
    private void send(Pbuf p, Netif netif, long dstHi, long dstLo, int len) {
        emitHeaders(p.segment(), p.offset(), netif, dstHi, dstLo, len);
        Err e = ip.outputPacket(p, netif);
        if (e == Err.OK) {
            stats.xmit++;
        } else {
            stats.err++;
        }
        p.free();
    }

    /**
     * Where a report that starts at record {@code from} of {@code list} ends (exclusive): as
     * many records as fit in {@code room} bytes, at least one.
     */
    private int batchEnd(Group[] list, int from, int count, boolean withSources, int room) {
        int bytes = 0;
        int k = from;
        while (k < count) {
            int r = recordBytes(list[k], withSources);
            if (k > from && bytes + r > room) {
                break;
            }
            bytes += r;
            k++;
        }
        return k;
    }

    /** The bytes of records {@code from} to {@code to} (exclusive), measured as {@link #batchEnd} does. */
    private int batchBytes(Group[] list, int from, int to, boolean withSources) {
        int bytes = 0;
        for (int k = from; k < to; k++) {
            bytes += recordBytes(list[k], withSources);
        }
        return bytes;
    }

    private int recordBytes(Group g, boolean withSources) {
        return format.record + (withSources ? format.address * g.sources() : 0);
    }
}
