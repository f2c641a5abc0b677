package org.lwip4j.internal.ip;

import org.lwip4j.netif.Netif;

/**
 * The wire half of a multicast listener protocol, one per family: IGMP (RFC 3376, RFC 2236,
 * RFC 1112) for IPv4, MLD (RFC 3810, RFC 2710) for IPv6. {@link GroupMembership} decides
 * what to report and when; the family writes and sends it. Group addresses travel as two
 * longs (IPv4: {@code hi} 0, {@code lo} the 32 bits), so nothing is allocated per report.
 */
public interface ReportSender {
    /** True when joining {@code hi:lo} is reported at all (never the all-systems or all-nodes group). */
    boolean reportable(long hi, long lo);

    /** The Ethernet MAC of the group (RFC 1112 §6.4, RFC 2464 §7). */
    long mac(long hi, long lo);

    /**
     * Sends a version 3 (IGMPv3) or 2 (MLDv2) report of {@code count} records of
     * {@code type} (RFC 3376 §4.2.12 values), one per group; a {@code MODE_IS_INCLUDE}
     * record carries the group's {@link Group#sources()}. Splits into several messages when
     * they do not fit the MTU.
     */
    void sendRecords(Netif netif, int type, Group[] groups, int count);

    /** Sends an older-version report of {@code group} in compatibility mode {@code mode} (IGMPv1/v2, MLDv1). */
    void sendLegacyReport(Netif netif, int mode, Group group);

    /** Sends an IGMPv2 leave or MLDv1 done for {@code group}. */
    void sendLeave(Netif netif, Group group);

    /**
     * Where a report that starts at record {@code from} of {@code list} ends (exclusive): as
     * many records as fit in {@code room} bytes, at least one. A record is
     * {@code recordLen} bytes, plus {@code addrLen} per source when {@code withSources}.
     */
    static int batchEnd(Group[] list, int from, int count, boolean withSources, int room, int recordLen, int addrLen) {
        int bytes = 0;
        int k = from;
        while (k < count) {
            int r = recordLen + (withSources ? addrLen * list[k].sources() : 0);
            if (k > from && bytes + r > room) {
                break;
            }
            bytes += r;
            k++;
        }
        return k;
    }

    /** The bytes of records {@code from} to {@code to} (exclusive), measured as {@link #batchEnd} does. */
    static int batchBytes(Group[] list, int from, int to, boolean withSources, int recordLen, int addrLen) {
        int bytes = 0;
        for (int k = from; k < to; k++) {
            bytes += recordLen + (withSources ? addrLen * list[k].sources() : 0);
        }
        return bytes;
    }
}
