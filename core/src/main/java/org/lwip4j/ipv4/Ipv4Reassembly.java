package org.lwip4j.ipv4;

import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.Consumer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PoolStats;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.Timer;
import org.lwip4j.wire.Ipv4Packet;

/**
 * IPv4 reassembly (RFC 791 §2.3 "Fragmentation" and §3.2 "reassembly procedure",
 * RFC 1122 §3.3.2; lwIP's {@code ip4_reass}).
 *
 * <p><b>Identity.</b> Fragments belong to the same datagram when source, destination,
 * protocol and identification are equal (RFC 791 §3.2).
 *
 * <p><b>Data structure.</b> Each datagram under reassembly keeps its fragments sorted by
 * offset and never overlapping, with the bytes of data it holds; since fragments never
 * overlap, the datagram has no hole left (RFC 815's "hole descriptor list" becomes empty)
 * exactly when the last fragment (MF clear) has arrived and the data held equals its end.
 * Fragment 0 is kept with its IP header, which becomes the header of the datagram; the
 * other fragments lose their headers on arrival. Datagrams are kept oldest first, which
 * gives both the eviction order and the timeout order.
 *
 * <p><b>Overlaps and duplicates</b> (RFC 5722 §4, applied to IPv4 as CONFORMANCE 27 asks).
 * An exact duplicate (same offset, same length, same more-fragments flag, same bytes) is
 * dropped alone and counted in {@code drop}; the datagram goes on. Any other overlap, a
 * second "last" fragment with another end, or data past the known end discards the
 * <em>whole datagram</em>: its fragments are freed ({@code err} once, {@code drop} per
 * fragment), and the datagram stays listed, empty, until its timeout so that fragments of
 * it still in flight are dropped as well ("including those not yet received"). Such a
 * datagram never completes, never sends ICMP, and holds no pbufs, only a datagram slot
 * (which eviction may reclaim).
 *
 * <p><b>Malformed fragments</b> are dropped and counted in {@code lenerr} (and
 * {@code drop}): no data; more-fragments set with data not a multiple of 8 bytes
 * (RFC 791 §3.2: all but the last fragment carry a multiple of 8 octets); data ending past
 * what a 65535-byte datagram can carry. When fragment 0 and the last fragment together say
 * the datagram would exceed 65535 bytes, the whole datagram is discarded ({@code lenerr}).
 *
 * <p><b>Memory bounds.</b> At most {@code memNumReassData} datagrams ({@code PoolStats}
 * {@code IP_REASSDATA}) and {@code ipReassMaxPbufs} pbufs ({@code IP_REASS_PBUF}, counted
 * per pbuf node as lwIP's {@code pbuf_clen}, so a one-node fragment counts one) are held.
 * A fragment that cannot fit even if every other datagram were evicted is dropped
 * ({@code memerr}) without evicting anything. Otherwise the oldest datagrams (never the
 * one the fragment belongs to) are evicted, silently, until it fits. Unlike lwIP, eviction
 * sends no ICMP time exceeded: the reassembly time did not run out (RFC 792).
 *
 * <p><b>Timeout.</b> A datagram lives {@code ipReassMaxAge} from its first fragment, a fixed
 * value as RFC 1122 §3.3.2 recommends (not reset by later fragments nor taken from the
 * TTL). One {@link Timer} is armed for the oldest datagram's deadline. On timeout
 * everything is freed and, only if fragment 0 was held, the callback receives that
 * fragment (header and data, as received) to quote in an ICMP time exceeded, code 1
 * (RFC 792; RFC 1122 §3.3.2); the callback owns it and must free it.
 *
 * <p><b>Counters</b> ({@code stats.ipfrag}): {@code recv} once per fragment given to
 * {@link #input}; {@code drop} once per fragment that will never be delivered (duplicate,
 * malformed, refused, evicted, timed out, discarded, cleared), so that
 * {@code recv = delivered + held + drop}; {@code lenerr}, {@code memerr} and {@code err}
 * (overlap or inconsistency, once per discarded datagram) tell why.
 *
 * <p>Used on the stack's event loop only.
 */
public final class Ipv4Reassembly {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.ipv4");
    /** Largest IPv4 datagram, header included (RFC 791 §3.1 "Total Length"). */
    private static final int MAX_DATAGRAM = 0xffff;

    private final StackContext ctx;
    private final ProtoStats stats;
    private final Consumer<Pbuf> onTimeout;
    private final long maxAgeNanos;
    private final PoolStats datagramCount;
    private final PoolStats pbufCount;
    private final Timer timer;

    /** Datagrams under reassembly, oldest first. */
    private Datagram oldest;
    private Datagram newest;
    private int count;
    /** Recycled datagram records (at most {@code memNumReassData} exist). */
    private Datagram spare;

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
    public Ipv4Reassembly(StackContext ctx, Consumer<Pbuf> onTimeoutWithFirstFragment) {
        this.ctx = ctx;
        this.stats = ctx.stats().ipfrag;
        this.onTimeout = onTimeoutWithFirstFragment;
        this.maxAgeNanos = ctx.config().ip4().reassMaxAge().toNanos();
        this.datagramCount = new PoolStats("IP_REASSDATA", ctx.config().ip4().memNumReassData());
        this.pbufCount = new PoolStats("IP_REASS_PBUF", ctx.config().ip4().reassMaxPbufs());
        ctx.stats().addPool(datagramCount);
        ctx.stats().addPool(pbufCount);
        this.timer = ctx.timers().create(this::expire);
    }

    /**
     * Takes a fragment (RFC 791 §3.2 reassembly). The caller hands over its reference to a
     * pbuf whose first node starts with an IPv4 header checked by {@link Ipv4Packet#check},
     * trimmed to the header's total length.
     *
     * @param fragment the fragment; the caller's reference passes to this method
     * @return {@code null} while the datagram is incomplete (the fragment is kept or
     *         dropped), or the whole datagram, which the caller owns: the header of
     *         fragment 0 (total length set, MF and offset cleared, checksum recomputed)
     *         followed by all the data in order
     */
    public Pbuf input(Pbuf fragment) {
        assert ctx.loop().inEventLoop() : "reassembly off the stack's event loop";
        stats.recv++;
        MemorySegment s = fragment.segment();
        long o = fragment.offset();
        int hl = Ipv4Packet.headerLen(s, o);
        int total = Ipv4Packet.totalLen(s, o);
        if (total < hl || total > fragment.totalLength() || hl > fragment.length()) {
            return malformed(fragment, "length fields do not match the pbuf");
        }
        if (fragment.totalLength() > total) {
            fragment.truncate(total);
        }
        int start = Ipv4Packet.fragOffset(s, o);
        boolean more = Ipv4Packet.moreFragments(s, o);
        int len = total - hl;
        int end = start + len;
        if (len == 0) {
            return malformed(fragment, "fragment without data");
        }
        if (more && (len & 7) != 0) {
            return malformed(fragment, "more fragments follow a fragment whose data is not a multiple of 8");
        }
        if (end + (start == 0 ? hl : Ipv4Packet.MIN_HEADER_LEN) > MAX_DATAGRAM) {
            return malformed(fragment, "fragment ends past 65535 bytes");
        }
        int src = Ipv4Packet.src(s, o);
        int dst = Ipv4Packet.dst(s, o);
        int protocol = Ipv4Packet.protocol(s, o);
        int ident = Ipv4Packet.ident(s, o);

        Datagram d = find(src, dst, protocol, ident);
        int at = 0;
        if (d != null) {
            if (d.discarded) {
                stats.drop++;
                fragment.free();
                return null;
            }
            at = d.insertionPoint(start);
            String conflict = conflict(d, at, fragment, hl, start, end, more);
            if (conflict == DUPLICATE) {
                stats.drop++;
                fragment.free();
                return null;
            }
            if (conflict != null) {
                stats.err++;
                discard(d, fragment, conflict);
                return null;
            }
            int hl0 = start == 0 ? hl : d.firstHeaderLen();
            int last = more ? d.lastEnd : end;
            if (hl0 > 0 && last >= 0 && hl0 + last > MAX_DATAGRAM) {
                stats.lenerr++;
                discard(d, fragment, "datagram longer than 65535 bytes");
                return null;
            }
        }

        if (start != 0) {
            // Only fragment 0's header is kept (RFC 791 §3.2); it leads the datagram.
            fragment = fragment.dropHeader(hl);
        }
        int nodes = fragment.chainLength();
        if (!admit(d, nodes)) {
            stats.memerr++;
            stats.drop++;
            pbufCount.err++;
            fragment.free();
            log("fragment refused: reassembly memory is full");
            return null;
        }
        if (d == null) {
            d = create(src, dst, protocol, ident);
        }
        d.insert(at, fragment, start, end, nodes);
        pbufCount.take(nodes);
        d.received += len;
        if (!more) {
            d.lastEnd = end;
        }
        if (d.lastEnd >= 0 && d.received == d.lastEnd) {
            return complete(d);
        }
        return null;
    }

    /**
     * Datagrams under reassembly, including those discarded for overlap that still wait for
     * their timeout to drop stragglers.
     *
     * @return how many datagram records are in use ({@code IP_REASSDATA})
     */
    public int pendingDatagrams() {
        return count;
    }

    /** Frees every datagram under reassembly without any callback (counted as drops), and stops the timer. */
    public void clear() {
        while (oldest != null) {
            Datagram d = oldest;
            stats.drop += d.n;
            d.freeFragments(pbufCount);
            remove(d);
        }
        timer.cancel();
    }

    private static final String DUPLICATE = "duplicate";

    /**
     * Why a new fragment {@code [start, end)} cannot join {@code d}: {@link #DUPLICATE} for an
     * exact duplicate (RFC 5722 §4 allows dropping it alone), a reason to discard the
     * datagram, or {@code null} when it fits.
     */
    private static String conflict(Datagram d, int at, Pbuf fragment, int hl, int start, int end, boolean more) {
        // The last fragment fixes the datagram's length (RFC 791 §3.2): no data may pass it.
        if (more && d.lastEnd >= 0 && end >= d.lastEnd) {
            return "fragment reaches past the end set by the last fragment";
        }
        if (!more) {
            if (d.lastEnd >= 0 && d.lastEnd != end) {
                return "two last fragments with different ends";
            }
            if (d.n > 0 && d.end[d.n - 1] > end) {
                return "data held past the end of the last fragment";
            }
        }
        if (at < d.n && d.start[at] == start && d.end[at] == end) {
            if (!more && d.lastEnd < 0) {
                return "same range as a fragment that had more fragments set";
            }
            Pbuf held = d.frags[at];
            int heldSkip = start == 0 ? d.firstHeaderLen() : 0;
            return sameBytes(held, heldSkip, fragment, hl, end - start)
                    ? DUPLICATE : "same range, different data";
        }
        if ((at > 0 && d.end[at - 1] > start) || (at < d.n && d.start[at] < end)) {
            return "overlapping fragment";
        }
        return null;
    }

    /** True when {@code n} bytes of {@code a} from {@code aOff} equal those of {@code b} from {@code bOff}. */
    private static boolean sameBytes(Pbuf a, int aOff, Pbuf b, int bOff, int n) {
        while (aOff >= a.length()) {
            aOff -= a.length();
            a = a.next();
        }
        while (bOff >= b.length()) {
            bOff -= b.length();
            b = b.next();
        }
        while (n > 0) {
            int c = Math.min(n, Math.min(a.length() - aOff, b.length() - bOff));
            long as = a.offset() + aOff;
            long bs = b.offset() + bOff;
            if (MemorySegment.mismatch(a.segment(), as, as + c, b.segment(), bs, bs + c) >= 0) {
                return false;
            }
            n -= c;
            aOff += c;
            bOff += c;
            if (n > 0 && aOff == a.length()) {
                a = a.next();
                aOff = 0;
            }
            if (n > 0 && bOff == b.length()) {
                b = b.next();
                bOff = 0;
            }
        }
        return true;
    }

    /**
     * Makes room for {@code nodes} more pbufs (and a datagram record when {@code d} is
     * {@code null}) by evicting the oldest other datagrams; false, evicting nothing, when
     * even evicting all of them would not be enough.
     */
    private boolean admit(Datagram d, int nodes) {
        int own = d == null ? 0 : d.nodes;
        if (own + nodes > pbufCount.avail) {
            return false;
        }
        while (d == null && !datagramCount.fits(1)) {
            evict(oldest);
        }
        while (!pbufCount.fits(nodes)) {
            Datagram victim = oldest;
            while (victim == d || victim.nodes == 0) {
                victim = victim.next; // a discarded datagram frees no pbufs: keep it guarding
            }
            evict(victim);
        }
        return true;
    }

    private void evict(Datagram victim) {
        stats.drop += victim.n;
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "reassembly full: evicting the oldest datagram, ident {0}, {1} fragments",
                    victim.ident, victim.n);
        }
        victim.freeFragments(pbufCount);
        remove(victim);
        rearm();
    }

    private Pbuf malformed(Pbuf fragment, String why) {
        stats.lenerr++;
        stats.drop++;
        fragment.free();
        log(why);
        return null;
    }

    /**
     * Frees the datagram's fragments and the new one (RFC 5722 §4: the datagram and its
     * fragments, "including those not yet received", are discarded); the record stays until
     * its timeout to drop the rest.
     */
    private void discard(Datagram d, Pbuf fragment, String why) {
        stats.drop += d.n + 1;
        fragment.free();
        d.freeFragments(pbufCount);
        d.discarded = true;
        log("datagram discarded: " + why);
    }

    /** Joins the fragments of a complete datagram behind fragment 0's header. */
    private Pbuf complete(Datagram d) {
        Pbuf tail = d.frags[d.n - 1];
        for (int i = d.n - 2; i >= 0; i--) {
            d.frags[i].concat(tail);
            tail = d.frags[i];
        }
        Pbuf head = tail;
        pbufCount.give(d.nodes);
        d.forget();
        remove(d);
        rearm();
        MemorySegment s = head.segment();
        long o = head.offset();
        int hl = Ipv4Packet.headerLen(s, o);
        Ipv4Packet.setTotalLen(s, o, head.totalLength());
        Ipv4Packet.setFlagsFrag(s, o, Ipv4Packet.flagsFrag(s, o) & ~(Ipv4Packet.FLAG_MF | Ipv4Packet.OFFSET_MASK));
        Ipv4Packet.fillChecksum(s, o, hl);
        return head;
    }

    /** Timer task: times out every datagram whose age reached {@code ipReassMaxAge}. */
    private void expire() {
        long now = ctx.now();
        if (timer.dueAt() - now > 0) {
            // Run with a time ahead of the clock (EventLoop.poll(now)): the timer's own due
            // time is the deadline that passed, so the oldest always goes and this ends.
            now = timer.dueAt();
        }
        while (oldest != null && oldest.deadline - now <= 0) {
            Datagram d = oldest;
            Pbuf first = d.n > 0 && d.start[0] == 0 ? d.frags[0] : null;
            stats.drop += d.n;
            if (first != null) {
                // Hand fragment 0 over; free the rest (RFC 1122 §3.3.2, RFC 792 code 1).
                d.frags[0] = null;
                pbufCount.give(first.chainLength());
                d.nodes -= first.chainLength();
            }
            d.freeFragments(pbufCount);
            if (LOG.isLoggable(Level.DEBUG)) {
                LOG.log(Level.DEBUG, "reassembly of ident {0} timed out{1}", d.ident,
                        first != null ? "" : " (fragment 0 missing: no ICMP)");
            }
            remove(d);
            if (first != null) {
                if (onTimeout != null) {
                    onTimeout.accept(first);
                } else {
                    first.free();
                }
            }
        }
        rearm();
    }

    private void rearm() {
        if (oldest == null) {
            timer.cancel();
        } else if (!timer.isScheduled() || timer.dueAt() != oldest.deadline) {
            timer.schedule(oldest.deadline - ctx.now());
        }
    }

    private Datagram find(int src, int dst, int protocol, int ident) {
        for (Datagram d = oldest; d != null; d = d.next) {
            if (d.ident == ident && d.src == src && d.dst == dst && d.protocol == protocol) {
                return d;
            }
        }
        return null;
    }

    private Datagram create(int src, int dst, int protocol, int ident) {
        Datagram d = spare;
        if (d != null) {
            spare = d.next;
        } else {
            d = new Datagram();
        }
        d.reset(src, dst, protocol, ident, ctx.now() + maxAgeNanos);
        d.prev = newest;
        d.next = null;
        if (newest != null) {
            newest.next = d;
        } else {
            oldest = d;
        }
        newest = d;
        count++;
        datagramCount.take(1);
        rearm();
        return d;
    }

    private void remove(Datagram d) {
        if (d.prev != null) {
            d.prev.next = d.next;
        } else {
            oldest = d.next;
        }
        if (d.next != null) {
            d.next.prev = d.prev;
        } else {
            newest = d.prev;
        }
        count--;
        datagramCount.give(1);
        d.prev = null;
        d.next = spare;
        spare = d;
    }

    private static void log(String why) {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "IPv4 fragment dropped: " + why);
        }
    }

    /** One datagram under reassembly: its identity, deadline and fragments sorted by offset. */
    private static final class Datagram {
        int src;
        int dst;
        int protocol;
        int ident;
        long deadline;
        Datagram prev;
        Datagram next;
        /** Discarded for an overlap (RFC 5722): holds nothing, drops whatever still comes. */
        boolean discarded;
        /** End of the data as set by the last fragment (MF clear), or -1. */
        int lastEnd;
        /** Data bytes held. */
        int received;
        /** Pbuf nodes held. */
        int nodes;
        /** Fragments held. */
        int n;
        Pbuf[] frags = new Pbuf[8];
        int[] start = new int[8];
        int[] end = new int[8];

        void reset(int src, int dst, int protocol, int ident, long deadline) {
            this.src = src;
            this.dst = dst;
            this.protocol = protocol;
            this.ident = ident;
            this.deadline = deadline;
            this.discarded = false;
            this.lastEnd = -1;
            this.received = 0;
            this.nodes = 0;
            this.n = 0;
        }

        /** Index of the first fragment starting at or after {@code off}. */
        int insertionPoint(int off) {
            int lo = 0;
            int hi = n;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (start[mid] < off) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** Header length of fragment 0 when held, else 0. */
        int firstHeaderLen() {
            if (n == 0 || start[0] != 0) {
                return 0;
            }
            Pbuf p = frags[0];
            return Ipv4Packet.headerLen(p.segment(), p.offset());
        }

        void insert(int at, Pbuf p, int s, int e, int pbufs) {
            if (n == frags.length) {
                int cap = n * 2;
                frags = Arrays.copyOf(frags, cap);
                start = Arrays.copyOf(start, cap);
                end = Arrays.copyOf(end, cap);
            }
            System.arraycopy(frags, at, frags, at + 1, n - at);
            System.arraycopy(start, at, start, at + 1, n - at);
            System.arraycopy(end, at, end, at + 1, n - at);
            frags[at] = p;
            start[at] = s;
            end[at] = e;
            n++;
            nodes += pbufs;
        }

        /** Frees every fragment still held and gives their pbufs back to {@code pool}. */
        void freeFragments(PoolStats pool) {
            for (int i = 0; i < n; i++) {
                if (frags[i] != null) {
                    frags[i].free();
                }
            }
            pool.give(nodes);
            forget();
        }

        /** Drops the references to fragments that now belong to someone else. */
        void forget() {
            Arrays.fill(frags, 0, n, null);
            n = 0;
            nodes = 0;
            received = 0;
        }
    }
}
