package org.lwip4j.internal.ip;

import java.util.IdentityHashMap;
import java.util.Map;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifListener;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.MldPacket;

/**
 * The host side of a multicast listener protocol, the same state machine for both families
 * (lwIP's {@code igmp.c} and {@code mld6.c} in one): IGMPv3 (RFC 3376 §5) and MLDv2 (RFC 3810
 * §6, §7) by default, IGMPv2 (RFC 2236 §3) and MLDv1 (RFC 2710 §4) while an older querier is
 * present, IGMPv1 (RFC 1112 App. I) while an IGMPv1 querier is (RFC 3376 §7.2.1, RFC 3810
 * §8.2.1). The family ({@link ReportSender}) parses queries and writes reports; this class
 * keeps the groups of each netif, counted per user, and their timers.
 *
 * <ul>
 * <li>Join and leave (RFC 3376 §5.1, RFC 3810 §6.1): a state-change report at once
 * ({@code CHANGE_TO_EXCLUDE} of no sources on join, {@code CHANGE_TO_INCLUDE} on leave),
 * repeated [Robustness Variable] - 1 more times at random delays of up to the unsolicited
 * report interval (1 s); in the older modes an unsolicited report repeated the same way (10
 * s), and on leaving a leave/done only when we were the last to report (RFC 2236 §3). Groups
 * the family never reports (all-systems, all-nodes) are joined silently.</li>
 * <li>Queries (RFC 3376 §5.2, RFC 3810 §6.2): a general query schedules one current-state
 * report of every group at a random delay of up to the maximum response time, unless one is
 * due sooner; a group-specific query schedules that group's; a group-and-source-specific
 * one a {@code MODE_IS_INCLUDE} record of the queried sources (we are in EXCLUDE of no
 * sources, so that is IS_IN(Q - {})), merged with a pending one. In the older modes each
 * group is timed alone, and a report heard from another host cancels ours (suppression).</li>
 * <li>Compatibility: an older query sets that version's querier-present timer to the
 * robustness variable times the query interval plus the query's response time; the mode is
 * the oldest running. Changing mode cancels every pending response and retransmission.</li>
 * <li>Nothing is sent while the netif is down or its link is (CONFORMANCE item 32); when it
 * becomes usable every reportable group is reported as if joined then.</li>
 * </ul>
 * Each group's MAC goes into the netif's multicast filter while joined. At most
 * {@link #MAX_GROUPS} groups per netif ({@link Err#MEM} beyond).
 */
public final class GroupMembership {
    /** Robustness variable default (RFC 3376 §8.1, RFC 3810 §9.1). */
    public static final int ROBUSTNESS = 2;
    /** Query interval default, 125 s (RFC 3376 §8.2, RFC 3810 §9.2). */
    public static final long QUERY_INTERVAL = 125_000_000_000L;
    /** Unsolicited report interval of IGMPv3 and MLDv2, 1 s (RFC 3376 §8.11, RFC 3810 §9.11). */
    public static final long UNSOLICITED_V3 = 1_000_000_000L;
    /** Unsolicited report interval of IGMPv2 and MLDv1, 10 s (RFC 2236 §8.10, RFC 2710 §7.10). */
    public static final long UNSOLICITED_V2 = 10_000_000_000L;
    /** Groups per netif and family at most (lwIP's {@code MEMP_NUM_IGMP_GROUP}, {@code MEMP_NUM_MLD6_GROUP}). */
    public static final int MAX_GROUPS = 64;

    private final StackContext ctx;
    private final ReportSender sender;
    private final Map<Netif, NetifGroups> netifs = new IdentityHashMap<>();
    private Group[] scratch = new Group[8];

    /** The engine of one family, writing through {@code sender}. */
    public GroupMembership(StackContext ctx, ReportSender sender) {
        this.ctx = ctx;
        this.sender = sender;
    }

    /**
     * What keeps this engine in step with the netifs: every netif but the loopback joins
     * {@code hi:lo} (all-systems, all-nodes: never reported) as it is added; a netif's
     * usability and its removal are followed ({@link #usableChanged}, {@link #removed}).
     */
    public NetifListener netifListener(long hi, long lo) {
        return new NetifListener() {
            @Override
            public void added(Netif netif) {
                if (!netif.hasFlag(Netif.FLAG_LOOPBACK)) {
                    join(netif, hi, lo);
                }
            }

            @Override
            public void statusChanged(Netif netif) {
                usableChanged(netif);
            }

            @Override
            public void linkChanged(Netif netif) {
                usableChanged(netif);
            }

            @Override
            public void removed(Netif netif) {
                GroupMembership.this.removed(netif);
            }
        };
    }

    /** The state of {@code netif}, or {@code null} when nothing was ever joined on it. */
    public NetifGroups of(Netif netif) {
        return netifs.get(netif);
    }

    private NetifGroups state(Netif netif) {
        return netifs.computeIfAbsent(netif, n -> new NetifGroups(this, n));
    }

    /**
     * Joins {@code hi:lo} on {@code netif} once more (counted): the first join reports it and
     * adds its MAC to the netif's filter. {@link Err#MEM} when the netif has
     * {@link #MAX_GROUPS} groups.
     */
    public Err join(Netif netif, long hi, long lo) {
        return join(netif, hi, lo, false);
    }

    /**
     * As {@link #join(Netif, long, long)}; with {@code hold} a group joined now is received
     * at once but not reported until {@link #announce} (RFC 4862 §5.4.2: the solicited-node
     * group of a tentative address is joined before its DAD, its report may wait).
     */
    public Err join(Netif netif, long hi, long lo, boolean hold) {
        NetifGroups t = state(netif);
        Group g = t.find(hi, lo);
        if (g != null && g.users > 0) {
            g.users++;
            return Err.OK;
        }
        if (g == null) {
            if (t.groups.size() >= MAX_GROUPS) {
                return Err.MEM;
            }
            g = new Group(this, netif, hi, lo);
            t.groups.add(g);
        }
        g.users = 1;
        g.held = hold;
        t.reindex();
        netif.multicastMacs().add(sender.mac(hi, lo));
        stateChange(t, g, true);
        return Err.OK;
    }

    /** Reports a group joined with {@code hold} now, as a fresh join; nothing when it is not held. */
    public void announce(Netif netif, long hi, long lo) {
        NetifGroups t = netifs.get(netif);
        Group g = t == null ? null : t.find(hi, lo);
        if (g != null && g.held && g.users > 0) {
            g.held = false;
            stateChange(t, g, true);
        }
    }

    /**
     * Leaves {@code hi:lo} on {@code netif} once (counted): the last leave reports it and
     * takes its MAC out of the filter. {@link Err#VAL} when it is not joined.
     */
    public Err leave(Netif netif, long hi, long lo) {
        NetifGroups t = netifs.get(netif);
        Group g = t == null ? null : t.find(hi, lo);
        if (g == null || g.users == 0) {
            return Err.VAL;
        }
        if (--g.users > 0) {
            return Err.OK;
        }
        t.reindex();
        netif.multicastMacs().remove(sender.mac(hi, lo));
        stateChange(t, g, false);
        return Err.OK;
    }

    /** True when {@code netif} has joined {@code hi:lo}; allocates nothing (per packet). */
    public boolean isMember(Netif netif, long hi, long lo) {
        NetifGroups t = netifs.get(netif);
        return t != null && t.isMember(hi, lo);
    }

    /** The compatibility mode of {@code netif}: 3 unless an older querier was heard. */
    public int mode(Netif netif) {
        NetifGroups t = netifs.get(netif);
        return t == null ? 3 : t.mode();
    }

    private void stateChange(NetifGroups t, Group g, boolean join) {
        g.stopTimers();
        if (!sender.reportable(g.hi, g.lo) || !t.netif.isUsable() || g.held) {
            if (!join) {
                t.groups.remove(g);
            }
            return;
        }
        int mode = t.mode();
        if (mode == 3) {
            g.changeType = join ? MldPacket.CHANGE_TO_EXCLUDE : MldPacket.CHANGE_TO_INCLUDE;
            send(t.netif, g.changeType, g);
            scheduleRetransmit(t, g, UNSOLICITED_V3);
            return;
        }
        if (join) {
            sender.sendLegacyReport(t.netif, mode, g);
            g.lastReporter = true;
            scheduleRetransmit(t, g, UNSOLICITED_V2);
            return;
        }
        if (mode == 2 && g.lastReporter) {
            sender.sendLeave(t.netif, g);
        }
        t.groups.remove(g);
    }

    private void scheduleRetransmit(NetifGroups t, Group g, long interval) {
        g.retransmitsLeft = t.robustness - 1;
        if (g.retransmitsLeft > 0) {
            g.retransmit.schedule(random(interval));
        } else if (g.users == 0) {
            t.groups.remove(g);
        }
    }

    void retransmit(Group g) {
        NetifGroups t = netifs.get(g.netif);
        if (t == null || !g.netif.isUsable()) {
            return;
        }
        int mode = t.mode();
        if (mode == 3) {
            send(g.netif, g.changeType, g);
        } else if (g.users > 0) {
            sender.sendLegacyReport(g.netif, mode, g);
            g.lastReporter = true;
        }
        if (--g.retransmitsLeft > 0) {
            g.retransmit.schedule(random(mode == 3 ? UNSOLICITED_V3 : UNSOLICITED_V2));
        } else if (g.users == 0) {
            t.groups.remove(g);
        }
    }

    private void send(Netif netif, int type, Group g) {
        scratch[0] = g;
        sender.sendRecords(netif, type, scratch, 1);
        scratch[0] = null;
    }

    // ---------------------------------------------------------------- queries

    /**
     * A query of {@code version} (1: IGMPv1; 2: IGMPv2 or MLDv1; 3: IGMPv3 or MLDv2) arrived
     * on {@code netif} for the group {@code hi:lo} (both 0: a general query) with a maximum
     * response delay of {@code maxDelay} nanoseconds; a version 3 query with
     * {@code numSources} sources is group-and-source-specific. {@code qrv} and
     * {@code qqiSeconds} (0: not given) update the robustness variable and query interval.
     */
    public void query(Netif netif, int version, long hi, long lo, long maxDelay, int qrv, int qqiSeconds,
            long[] srcHi, long[] srcLo, int numSources) {
        NetifGroups t = netifs.get(netif);
        if (t == null || !netif.isUsable()) {
            return;
        }
        if (qrv > 0) {
            t.robustness = qrv;
        }
        if (qqiSeconds > 0) {
            t.queryInterval = qqiSeconds * 1_000_000_000L;
        }
        int before = t.mode();
        if (version < 3) {
            t.olderQuerier[version].schedule(t.robustness * t.queryInterval + maxDelay);
        }
        if (t.mode() != before) {
            t.stopTimers();
        }
        long now = ctx.now();
        long due = now + random(maxDelay);
        boolean general = hi == 0 && lo == 0;
        if (t.mode() < 3) {
            for (int i = 0, n = t.groups.size(); i < n; i++) {
                Group g = t.groups.get(i);
                if (g.users > 0 && sender.reportable(g.hi, g.lo) && (general || (g.hi == hi && g.lo == lo))) {
                    if (!g.response.isScheduled() || g.response.dueAt() > due) {
                        g.response.schedule(due - now);
                    }
                }
            }
            return;
        }
        if (t.generalResponse.isScheduled() && t.generalResponse.dueAt() <= due) {
            return; // RFC 3376 §5.2 rule 1: a general response due sooner covers it.
        }
        if (general) {
            t.generalResponse.schedule(due - now);
            return;
        }
        Group g = t.find(hi, lo);
        if (g == null || g.users == 0 || !sender.reportable(hi, lo)) {
            return;
        }
        boolean pending = g.response.isScheduled();
        if (numSources == 0 || (pending && !g.sourceQuery)) {
            // Group-specific, or a group-specific response pending: the whole group.
            g.sourceQuery = false;
            g.numSources = 0;
        } else {
            if (!pending) {
                g.numSources = 0;
            }
            g.sourceQuery = true;
            for (int i = 0; i < numSources && g.sourceQuery; i++) {
                addSource(g, srcHi[i], srcLo[i]);
            }
        }
        if (!pending || g.response.dueAt() > due) {
            g.response.schedule(due - now);
        }
    }

    private static void addSource(Group g, long hi, long lo) {
        for (int k = 0; k < g.numSources; k++) {
            if (g.srcHi[k] == hi && g.srcLo[k] == lo) {
                return;
            }
        }
        if (g.numSources == Group.MAX_SOURCES) {
            // Too many to remember: answer for the whole group, which covers them all.
            g.sourceQuery = false;
            g.numSources = 0;
            return;
        }
        g.srcHi[g.numSources] = hi;
        g.srcLo[g.numSources++] = lo;
    }

    /**
     * Another host reported {@code hi:lo} on {@code netif} (an IGMPv1/v2 report, MLDv1
     * report): in the older modes our pending report is suppressed and we are no longer the
     * last reporter (RFC 2236 §3, RFC 2710 §4). Version 3 hosts do not suppress.
     */
    public void reportHeard(Netif netif, long hi, long lo) {
        NetifGroups t = netifs.get(netif);
        if (t == null || t.mode() == 3) {
            return;
        }
        Group g = t.find(hi, lo);
        if (g != null && g.response.isScheduled()) {
            g.response.cancel();
            g.lastReporter = false;
        }
    }

    void respond(Group g) {
        NetifGroups t = netifs.get(g.netif);
        if (t == null || g.users == 0 || !g.netif.isUsable()) {
            return;
        }
        int mode = t.mode();
        if (mode < 3) {
            sender.sendLegacyReport(g.netif, mode, g);
            g.lastReporter = true;
            return;
        }
        send(g.netif, g.sourceQuery && g.numSources > 0 ? MldPacket.MODE_IS_INCLUDE : MldPacket.MODE_IS_EXCLUDE, g);
        g.sourceQuery = false;
        g.numSources = 0;
    }

    void respondGeneral(NetifGroups t) {
        if (!t.netif.isUsable()) {
            return;
        }
        int n = 0;
        for (Group g : t.groups) {
            if (g.users > 0 && sender.reportable(g.hi, g.lo)) {
                if (n == scratch.length) {
                    scratch = java.util.Arrays.copyOf(scratch, n * 2);
                }
                scratch[n++] = g;
            }
        }
        if (n > 0) {
            sender.sendRecords(t.netif, MldPacket.MODE_IS_EXCLUDE, scratch, n);
        }
        java.util.Arrays.fill(scratch, 0, n, null);
    }

    void olderQuerierGone(NetifGroups t, int version) {
        // The mode went up (RFC 3376 §7.2.1): pending timers belong to the old one.
        t.stopTimers();
    }

    // ---------------------------------------------------------------- netif events

    /**
     * The netif became usable (up and link up) or stopped being so: when usable, every
     * reportable group is reported afresh; when not, every timer stops and groups being left
     * are forgotten.
     */
    void usableChanged(Netif netif) {
        NetifGroups t = netifs.get(netif);
        if (t == null) {
            return;
        }
        if (!netif.isUsable()) {
            t.stopTimers();
            t.groups.removeIf(g -> g.users == 0);
            return;
        }
        for (Group g : java.util.List.copyOf(t.groups)) {
            // Groups joined in the same event (another listener ran first) are on their way already.
            if (g.users > 0 && !g.retransmit.isScheduled()) {
                stateChange(t, g, true);
            }
        }
    }

    /** The netif was removed: its state is dropped. */
    void removed(Netif netif) {
        NetifGroups t = netifs.remove(netif);
        if (t != null) {
            t.stopTimers();
            for (int v = 1; v <= 2; v++) {
                t.olderQuerier[v].cancel();
            }
        }
    }

    private long random(long max) {
        return max <= 0 ? 0 : ctx.random().nextLong(max + 1);
    }
}
