package org.lwip4j.internal.ip;

import java.util.ArrayList;
import java.util.List;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Timer;

/**
 * The multicast state of one netif for one family (RFC 3376 §7.2.1, RFC 3810 §8.2.1): its
 * groups, the querier's robustness variable and query interval as last learned, the
 * older-version querier present timers that set the compatibility mode, and the timer of a
 * pending response to a general query (version 3 only; older modes time each group).
 */
public final class NetifGroups {
    final Netif netif;
    final List<Group> groups = new ArrayList<>();
    /** Group addresses of {@link #groups} with users, for the per-packet check. */
    long[] his = new long[0];
    long[] los = new long[0];
    int robustness = GroupMembership.ROBUSTNESS;
    long queryInterval = GroupMembership.QUERY_INTERVAL;
    /** Older-version querier present: index 1 for version-1 (IGMPv1), 2 for version-2 (IGMPv2, MLDv1). */
    final Timer[] olderQuerier = new Timer[3];
    final Timer generalResponse;

    NetifGroups(GroupMembership owner, Netif netif) {
        this.netif = netif;
        for (int v = 1; v <= 2; v++) {
            final int version = v;
            olderQuerier[v] = netif.context().timers().create(() -> owner.olderQuerierGone(this, version));
        }
        this.generalResponse = netif.context().timers().create(() -> owner.respondGeneral(this));
    }

    /** The compatibility mode now: 1 (IGMPv1), 2 (IGMPv2 or MLDv1) while an older querier was heard, else 3 (IGMPv3, MLDv2). */
    public int mode() {
        return olderQuerier[1].isScheduled() ? 1 : olderQuerier[2].isScheduled() ? 2 : 3;
    }

    /** The groups, those being left included. */
    public List<Group> groups() {
        return List.copyOf(groups);
    }

    /** The robustness variable as last learned from a querier (2 by default). */
    public int robustness() {
        return robustness;
    }

    Group find(long hi, long lo) {
        for (int i = 0, n = groups.size(); i < n; i++) {
            Group g = groups.get(i);
            if (g.hi == hi && g.lo == lo) {
                return g;
            }
        }
        return null;
    }

    boolean isMember(long hi, long lo) {
        long[] h = his;
        long[] l = los;
        for (int i = 0; i < h.length; i++) {
            if (l[i] == lo && h[i] == hi) {
                return true;
            }
        }
        return false;
    }

    void reindex() {
        int n = 0;
        for (Group g : groups) {
            if (g.users > 0) {
                n++;
            }
        }
        long[] h = new long[n];
        long[] l = new long[n];
        int i = 0;
        for (Group g : groups) {
            if (g.users > 0) {
                h[i] = g.hi;
                l[i++] = g.lo;
            }
        }
        his = h;
        los = l;
    }

    void stopTimers() {
        generalResponse.cancel();
        for (Group g : groups) {
            g.stopTimers();
        }
    }
}
