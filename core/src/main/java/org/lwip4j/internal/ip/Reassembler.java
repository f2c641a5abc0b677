package org.lwip4j.internal.ip;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.function.Consumer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PoolStats;
import org.lwip4j.ip.ReassemblyState;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.Timer;

/**
 * Fragment reassembly for either IP family (RFC 791 §3.2 and RFC 815 for IPv4, RFC 8200
 * §4.5 for IPv6, RFC 5722 for both; lwIP's {@code ip4_reass}/{@code ip6_reass}). The family
 * says, through a {@link FragmentFormat}, how to read a fragment and how to make the
 * datagram's header; everything here is the same for both.
 *
 * <p><b>Holes</b> (RFC 815). Each datagram keeps its fragments sorted by offset and never
 * overlapping, and counts the data it holds; the holes are the gaps between them, so the
 * datagram is complete exactly when the last fragment (more-fragments clear) has set the
 * end and the data held equals it. Fragments arrive in any order. Fragment 0 keeps its
 * headers, which become the datagram's; the others lose theirs on arrival.
 *
 * <p><b>Overlaps</b> (RFC 5722 §4, for both families). An exact duplicate (same offset,
 * length, more-fragments flag and bytes) is dropped alone and counted in {@code drop}; the
 * datagram goes on. Any other overlap, a second last fragment with another end, data past
 * the end, or a datagram that would exceed 65535 bytes discards the <em>whole
 * datagram</em>: its fragments are freed ({@code err} once, {@code drop} per fragment), and
 * the datagram stays listed, empty, until its timeout, so that fragments of it still in
 * flight are dropped as well ("including those not yet received"). RFC 5722 asks this of
 * IPv6; lwip4j applies it to IPv4 too, the policy Linux follows for IPv6: no correct sender
 * overlaps its fragments, and overlaps are how attacks slip past filters (RFC 1858,
 * RFC 5722). A discarded datagram never completes, never reports a timeout, and holds no
 * pbufs, only a datagram record (which eviction may reclaim).
 *
 * <p><b>Malformed fragments</b> are dropped alone, counted in {@code lenerr} (and
 * {@code drop}): headers the format refuses; length fields longer than the packet (a
 * longer packet is trimmed); no data; more-fragments set with data not a multiple of 8
 * bytes (RFC 791 §3.2, RFC 8200 §4.5); data ending where the datagram's 16-bit length
 * field could not count it (RFC 8200 §4.5: past 65535 bytes of what the length counts).
 *
 * <p><b>Atomic fragments</b> (offset 0, more-fragments clear) are no business of the
 * reassembler: IPv4 treats such a packet as whole, and IPv6 must process it in isolation
 * (RFC 6946 §4), so the family delivers it without coming here. Given one anyway, it is
 * treated like any fragment: it completes a datagram of its own, or conflicts with one.
 *
 * <p><b>Bounds.</b> At most {@link ReassemblyLimits#maxDatagrams()} datagram records
 * ({@code <prefix>_REASSDATA}) and {@link ReassemblyLimits#maxPbufs()} pbufs
 * ({@code <prefix>_REASS_PBUF}, counted per node as lwIP's {@code pbuf_clen}) are held. A
 * fragment that cannot fit even if every other datagram were evicted is dropped
 * ({@code memerr}) and evicts nothing. Otherwise the oldest datagrams (never the fragment's
 * own) are evicted, silently, until it fits: unlike lwIP, eviction reports no timeout,
 * since the reassembly time did not run out.
 *
 * <p><b>Timeout.</b> A datagram lives {@link ReassemblyLimits#maxAge()} from its first
 * fragment, not extended by later ones (RFC 1122 §3.3.2 recommends a fixed value; RFC 8200
 * §4.5 says 60 s from the first arrival). One {@link Timer} is armed for the oldest
 * datagram's deadline; deadlines compare wrap-safe, so the clock may cross
 * {@code Long.MAX_VALUE}. On timeout everything is freed and, only if fragment 0 was held,
 * the callback receives that fragment as it arrived (headers and data) to quote in a time
 * exceeded error (RFC 792 code 1, RFC 1122 §3.3.2; RFC 8200 §4.5, ICMPv6 type 3 code 1); it
 * then owns it. Such a fragment always carries at least 8 data bytes, as IPv6 asks before
 * it reports: a fragment 0 without more-fragments would have completed the datagram or
 * discarded it, and one with it carries a non-zero multiple of 8 bytes.
 *
 * <p><b>Counters.</b> In the family's {@link ProtoStats}: {@code recv} once per fragment
 * given to {@link #input}; {@code drop} once per fragment that will never be delivered
 * (duplicate, malformed, refused, evicted, timed out, discarded, cleared), so that
 * {@code recv = delivered + held + drop}; {@code lenerr}, {@code memerr} and {@code err}
 * (once per discarded datagram) say why. Per datagram, once each (RFC 4293's
 * {@code ipSystemStatsReasmOKs}/{@code ReasmFails}): {@link #reassembled()},
 * {@link #failed()} (discarded, evicted, timed out or cleared) and {@link #timedOut()}.
 *
 * <p>Used on the stack's event loop only. A fragment that is not a fragment (IPv4 MF clear
 * and offset 0, IPv6 without a Fragment header) should never be given here: the hot path
 * stays out of the reassembler.
 */
public final class Reassembler implements ReassemblyState {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.ip");
    /** The most a datagram's 16-bit length field counts (IPv4 total length, IPv6 payload length). */
    public static final int MAX_LENGTH = 0xffff;

    private final StackContext ctx;
    private final ProtoStats stats;
    private final FragmentFormat format;
    private final Consumer<Pbuf> onTimeout;
    private final long maxAgeNanos;
    private final PoolStats datagramPool;
    private final PoolStats pbufPool;
    private final Timer timer;
    private final FragmentInfo info = new FragmentInfo();
    private final String family;

    /** Datagrams under reassembly, oldest first: the order of eviction and of timeout. */
    private PartialDatagram oldest;
    private PartialDatagram newest;
    private int count;
    /** Recycled records. */
    private PartialDatagram spare;

    private long reassembled;
    private long failed;
    private long timedOut;

    /**
     * A reassembler for one family of the stack of {@code ctx}; registers its two pools
     * with the stack's counters.
     *
     * @param ctx the stack's context (timers, clock, counters)
     * @param poolPrefix lwIP's name of the family's pools: {@code "IP"} gives
     *        {@code IP_REASSDATA} and {@code IP_REASS_PBUF}, {@code "IP6"} gives
     *        {@code IP6_REASSDATA} and {@code IP6_REASS_PBUF}
     * @param stats the family's fragment counters ({@code ipfrag}, {@code ip6frag})
     * @param limits the bounds
     * @param format how the family's fragments read and its datagrams are rebuilt
     * @param onTimeoutWithFirstFragment called when a datagram times out holding its first
     *        fragment (see the class comment), with that fragment, which it then owns (to send
     *        time exceeded and free it); {@code null} to just free it
     */
    public Reassembler(StackContext ctx, String poolPrefix, ProtoStats stats, ReassemblyLimits limits,
            FragmentFormat format, Consumer<Pbuf> onTimeoutWithFirstFragment) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.family = Objects.requireNonNull(poolPrefix, "poolPrefix");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.format = Objects.requireNonNull(format, "format");
        this.onTimeout = onTimeoutWithFirstFragment;
        this.maxAgeNanos = limits.maxAge().toNanos();
        this.datagramPool = new PoolStats(poolPrefix + "_REASSDATA", limits.maxDatagrams());
        this.pbufPool = new PoolStats(poolPrefix + "_REASS_PBUF", limits.maxPbufs());
        ctx.stats().addPool(datagramPool);
        ctx.stats().addPool(pbufPool);
        this.timer = ctx.timers().create(this::expire);
    }

    /**
     * Takes a fragment. The caller hands over its reference to a pbuf whose first node
     * starts with the IP header, checked by the family's input.
     *
     * @param fragment the fragment; the caller's reference passes to this method
     * @return {@code null} while the datagram is incomplete (the fragment is kept or
     *         dropped), or the whole datagram, which the caller owns: fragment 0's header as
     *         {@link FragmentFormat#rebuild} made it, followed by all the data in order
     */
    public Pbuf input(Pbuf fragment) {
        assert ctx.loop().inEventLoop() : "reassembly off the stack's event loop";
        stats.recv++;
        FragmentInfo f = info;
        if (!format.read(fragment, f)) {
            return malformed(fragment, "unusable headers");
        }
        int wireLen = f.headerLen + f.dataLen;
        if (f.headerLen < 0 || f.dataLen < 0 || wireLen > fragment.totalLength()) {
            return malformed(fragment, "length fields longer than the packet");
        }
        if (fragment.totalLength() > wireLen) {
            fragment.truncate(wireLen);
        }
        int start = f.offset;
        int len = f.dataLen;
        int end = start + len;
        boolean more = f.more;
        if (len == 0) {
            return malformed(fragment, "fragment without data");
        }
        if (more && (len & 7) != 0) {
            return malformed(fragment, "more fragments follow data that is not a multiple of 8 bytes");
        }
        if (start < 0 || f.lengthOverhead + end > MAX_LENGTH) {
            return malformed(fragment, "fragment ends past 65535 bytes");
        }

        PartialDatagram d = find(f.key);
        int at = 0;
        if (d != null) {
            if (d.discarded) {
                stats.drop++;
                fragment.free();
                return null;
            }
            at = d.insertionPoint(start);
            String conflict = conflict(d, at, fragment, f.headerLen, start, end, more);
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
            int overhead = start == 0 ? f.lengthOverhead : d.firstOverhead;
            int last = more ? d.lastEnd : end;
            if (overhead >= 0 && last >= 0 && overhead + last > MAX_LENGTH) {
                stats.lenerr++;
                discard(d, fragment, "datagram longer than 65535 bytes");
                return null;
            }
        }

        int headerLen = f.headerLen;
        int overhead = f.lengthOverhead;
        if (start != 0) {
            // Only fragment 0's headers lead the datagram (RFC 791 §3.2, RFC 8200 §4.5).
            fragment = fragment.dropHeader(headerLen);
        }
        int nodes = fragment.chainLength();
        if (!admit(d, nodes)) {
            stats.memerr++;
            stats.drop++;
            pbufPool.err++;
            fragment.free();
            log("fragment refused: reassembly memory is full");
            return null;
        }
        if (d == null) {
            d = create(f.key);
        }
        d.insert(at, fragment, start, end, nodes);
        pbufPool.take(nodes);
        if (start == 0) {
            d.firstHeaderLen = headerLen;
            d.firstOverhead = overhead;
        }
        if (!more) {
            d.lastEnd = end;
        }
        return d.complete() ? complete(d) : null;
    }

    /**
     * Datagrams under reassembly, including those discarded for an overlap that still wait
     * for their timeout to drop stragglers.
     *
     * @return how many datagram records are in use
     */
    public int pendingDatagrams() {
        return count;
    }

    /** Pbuf nodes held by all datagrams under reassembly. */
    public long heldPbufs() {
        return pbufPool.used;
    }

    /** The datagram records' pool counters ({@code <prefix>_REASSDATA}). */
    public PoolStats datagramPool() {
        return datagramPool;
    }

    /** The held pbufs' pool counters ({@code <prefix>_REASS_PBUF}). */
    public PoolStats pbufPool() {
        return pbufPool;
    }

    /** Datagrams reassembled and returned ({@code ReasmOKs}). */
    public long reassembled() {
        return reassembled;
    }

    /** Datagrams given up, each once: discarded, evicted, timed out or cleared ({@code ReasmFails}). */
    public long failed() {
        return failed;
    }

    /** Datagrams that timed out (a discarded datagram's wait for stragglers not included). */
    public long timedOut() {
        return timedOut;
    }

    /** Frees every datagram under reassembly without any callback (counted as drops), and stops the timer. */
    public void clear() {
        while (oldest != null) {
            PartialDatagram d = oldest;
            if (!d.discarded) {
                failed++;
            }
            stats.drop += d.n;
            d.freeFragments(pbufPool);
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
    private static String conflict(PartialDatagram d, int at, Pbuf fragment, int headerLen, int start, int end,
            boolean more) {
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
            return d.sameData(at, fragment, headerLen, end - start) ? DUPLICATE : "same range, different data";
        }
        if ((at > 0 && d.end[at - 1] > start) || (at < d.n && d.start[at] < end)) {
            return "overlapping fragment";
        }
        return null;
    }

    /**
     * Makes room for {@code nodes} more pbufs (and a datagram record when {@code d} is
     * {@code null}) by evicting the oldest other datagrams; false, evicting nothing, when
     * even evicting all of them would not be enough.
     */
    private boolean admit(PartialDatagram d, int nodes) {
        int own = d == null ? 0 : d.nodes;
        if (own + nodes > pbufPool.avail) {
            return false;
        }
        while (d == null && !datagramPool.fits(1)) {
            evict(oldest);
        }
        while (!pbufPool.fits(nodes)) {
            PartialDatagram victim = oldest;
            while (victim == d || victim.nodes == 0) {
                victim = victim.next; // a discarded datagram frees no pbufs: keep it guarding
            }
            evict(victim);
        }
        return true;
    }

    private void evict(PartialDatagram victim) {
        if (!victim.discarded) {
            failed++;
        }
        stats.drop += victim.n;
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "{0} reassembly full: evicting the oldest datagram {1}, {2} fragments",
                    family, victim.key, victim.n);
        }
        victim.freeFragments(pbufPool);
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
    private void discard(PartialDatagram d, Pbuf fragment, String why) {
        failed++;
        stats.drop += d.n + 1;
        fragment.free();
        d.freeFragments(pbufPool);
        d.discarded = true;
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "{0} datagram {1} discarded: {2}", family, d.key, why);
        }
    }

    /** Joins a complete datagram behind fragment 0's header and lets the format fix that header. */
    private Pbuf complete(PartialDatagram d) {
        int headerLen = d.firstHeaderLen;
        int dataLen = d.lastEnd;
        pbufPool.give(d.nodes);
        Pbuf head = d.join();
        remove(d);
        rearm();
        reassembled++;
        return format.rebuild(head, headerLen, dataLen);
    }

    /** Timer task: times out every datagram whose age reached the limit. */
    private void expire() {
        long now = ctx.now();
        if (timer.dueAt() - now > 0) {
            // Run with a time ahead of the clock (EventLoop.poll(now)): the timer's own due
            // time is the deadline that passed, so the oldest always goes and this ends.
            now = timer.dueAt();
        }
        while (oldest != null && oldest.deadline - now <= 0) {
            PartialDatagram d = oldest;
            Pbuf first = null;
            if (!d.discarded) {
                timedOut++;
                failed++;
                if (d.hasFirst()) {
                    first = d.takeFirst(pbufPool);
                }
            }
            stats.drop += d.n;
            if (LOG.isLoggable(Level.DEBUG)) {
                LOG.log(Level.DEBUG, "{0} reassembly of {1} timed out{2}", family, d.key,
                        first != null ? "" : " (no first fragment to report)");
            }
            d.freeFragments(pbufPool);
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

    private PartialDatagram find(FragmentKey key) {
        for (PartialDatagram d = oldest; d != null; d = d.next) {
            if (d.key.matches(key)) {
                return d;
            }
        }
        return null;
    }

    private PartialDatagram create(FragmentKey key) {
        PartialDatagram d = spare;
        if (d != null) {
            spare = d.next;
        } else {
            d = new PartialDatagram();
        }
        d.reset(key, ctx.now() + maxAgeNanos);
        d.prev = newest;
        d.next = null;
        if (newest != null) {
            newest.next = d;
        } else {
            oldest = d;
        }
        newest = d;
        count++;
        datagramPool.take(1);
        rearm();
        return d;
    }

    private void remove(PartialDatagram d) {
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
        datagramPool.give(1);
        d.prev = null;
        d.next = spare;
        spare = d;
    }

    private void log(String why) {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "{0} fragment dropped: {1}", family, why);
        }
    }
}
