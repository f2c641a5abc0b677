package org.lwip4j.ipv6;

import java.util.ArrayList;
import java.util.List;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.Timer;

/**
 * The prefix list (RFC 4861 §5.1, §6.3.4; lwIP's {@code prefix_list}): the on-link prefixes
 * routers advertised (prefix information with the L flag), per netif, each removed when its
 * valid lifetime ends; a valid lifetime of zero removes it at once (§6.3.4). Addresses in
 * these prefixes are reached directly, not through a router (on-link determination, §5.2).
 * The link-local prefix is never in it (it is always on-link). Bounded by
 * {@code LWIP_ND6_NUM_PREFIXES}: a new prefix when full is ignored (counted), so an RA flood
 * cannot grow it.
 */
public final class PrefixList {
    /** One on-link prefix. */
    public final class Prefix {
        final Netif netif;
        final long hi;
        final long lo;
        final int length;
        final Timer expiry;

        Prefix(Netif netif, long hi, long lo, int length) {
            this.netif = netif;
            this.hi = hi;
            this.lo = lo;
            this.length = length;
            this.expiry = ctx.timers().create(() -> remove(this));
        }

        /** The netif it is on-link for. */
        public Netif netif() {
            return netif;
        }

        /** The prefix as an address (bits past the length zero). */
        public org.lwip4j.addr.Ip6Address prefix() {
            return new org.lwip4j.addr.Ip6Address(hi, lo, 0);
        }

        /** Its length in bits. */
        public int length() {
            return length;
        }

        /** When its valid lifetime ends on the stack's clock, or -1 for infinity. */
        public long expiresAt() {
            return expiry.isScheduled() ? expiry.dueAt() : -1;
        }

        @Override
        public String toString() {
            return prefix() + "/" + length + " on " + netif.name();
        }
    }

    private final StackContext ctx;
    private final int max;
    private final ProtoStats stats;
    private final Runnable changed;
    private final List<Prefix> prefixes = new ArrayList<>();

    PrefixList(StackContext ctx, Runnable changed) {
        this.ctx = ctx;
        this.max = ctx.config().ip6().numPrefixes();
        this.stats = ctx.stats().nd6;
        this.changed = changed;
    }

    /** The prefix {@code hi:lo/length} of {@code netif}, or {@code null}. */
    public Prefix find(Netif netif, long hi, long lo, int length) {
        long[] m = masked(hi, lo, length);
        for (Prefix p : prefixes) {
            if (p.netif == netif && p.length == length && p.hi == m[0] && p.lo == m[1]) {
                return p;
            }
        }
        return null;
    }

    /**
     * An on-link prefix from an RA (RFC 4861 §6.3.4): added, its lifetime reset, or (valid
     * lifetime zero) removed. {@code validSeconds} of {@code 0xffffffff} is infinite.
     */
    void advertised(Netif netif, long hi, long lo, int length, long validSeconds) {
        if (length > 128 || Ipv6.isLinkLocal(hi)) {
            return;
        }
        Prefix p = find(netif, hi, lo, length);
        if (validSeconds == 0) {
            if (p != null) {
                remove(p);
            }
            return;
        }
        if (p == null) {
            if (prefixes.size() >= max) {
                stats.memerr++;
                return;
            }
            long[] m = masked(hi, lo, length);
            p = new Prefix(netif, m[0], m[1], length);
            prefixes.add(p);
            changed.run();
        }
        if (validSeconds == org.lwip4j.wire.NdOption.INFINITE) {
            p.expiry.cancel();
        } else {
            p.expiry.schedule(validSeconds * 1_000_000_000L);
        }
    }

    private void remove(Prefix p) {
        p.expiry.cancel();
        if (prefixes.remove(p)) {
            changed.run();
        }
    }

    /** The longest on-link prefix of {@code netif} holding {@code hi:lo}, or -1. */
    public int onLink(Netif netif, long hi, long lo) {
        int best = -1;
        for (int i = 0, n = prefixes.size(); i < n; i++) {
            Prefix p = prefixes.get(i);
            if (p.netif == netif && p.length > best && matches(p.hi, p.lo, hi, lo, p.length)) {
                best = p.length;
            }
        }
        return best;
    }

    /** Drops the prefixes of {@code netif}. */
    void flush(Netif netif) {
        for (Prefix p : List.copyOf(prefixes)) {
            if (p.netif == netif) {
                remove(p);
            }
        }
    }

    /** Every prefix (a copy). */
    public List<Prefix> all() {
        return List.copyOf(prefixes);
    }

    /** Drops every prefix: the stack is closing. */
    void clear() {
        for (Prefix p : prefixes) {
            p.expiry.cancel();
        }
        prefixes.clear();
    }

    static boolean matches(long ahi, long alo, long bhi, long blo, int len) {
        if (len == 0) {
            return true;
        }
        if (len < 64) {
            return ((ahi ^ bhi) >>> (64 - len)) == 0;
        }
        if (ahi != bhi) {
            return false;
        }
        return len == 64 || ((alo ^ blo) >>> (128 - len)) == 0;
    }

    static long[] masked(long hi, long lo, int len) {
        long mh = len >= 64 ? -1L : len == 0 ? 0 : -1L << (64 - len);
        long ml = len >= 128 ? -1L : len <= 64 ? 0 : -1L << (128 - len);
        return new long[] {hi & mh, lo & ml};
    }
}
