package org.lwip4j.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a receiver that reassembles by RFC 815 with RFC 5722's overlap rule must do, written
 * as plainly as possible, for bounds that never evict: per datagram identity the pieces
 * held; an exact duplicate dropped alone; any other overlap or contradiction of the end
 * discards the datagram until its age runs out; a datagram delivered the moment its bytes
 * are all held; at its age, time exceeded quoting fragment 0 if it was held. Plain lists
 * and maps, no cleverness: the oracle for {@link ReassemblyFuzzTest}.
 */
final class ReassemblyModel {
    /** The identity of a datagram as the receiver sees it (source and destination are fixed). */
    private record Key(int protocol, int ident) {
    }

    /** A piece held: data {@code [start, end)}, sent as part of plan datagram {@code from}. */
    private record Held(int start, int end, boolean more, byte[] bytes, FragmentPlan.Datagram from, byte[] packet) {
    }

    private static final class Entry {
        final long deadline;
        final List<Held> held = new ArrayList<>();
        boolean discarded;
        int lastEnd = -1;

        Entry(long deadline) {
            this.deadline = deadline;
        }

        Held first() {
            for (Held h : held) {
                if (h.start == 0) {
                    return h;
                }
            }
            return null;
        }
    }

    private final long maxAgeNanos;
    private final Map<Key, Entry> entries = new LinkedHashMap<>();
    /** The packets the receiver must deliver, in order. */
    final List<byte[]> deliveries = new ArrayList<>();
    /** What each time exceeded must quote, in order. */
    final List<byte[]> timeExceeded = new ArrayList<>();
    long recv;
    long drop;
    long err;
    long lenerr;
    /** Exact duplicates dropped. */
    long duplicates;

    ReassemblyModel(long maxAgeNanos) {
        this.maxAgeNanos = maxAgeNanos;
    }

    /** Datagrams whose age ran out by {@code now} go, oldest first. */
    void expire(long now) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
            Entry e = it.next();
            if (e.deadline - now > 0) {
                continue;
            }
            it.remove();
            drop += e.held.size();
            Held first = e.first();
            if (!e.discarded && first != null) {
                int hl = (first.packet[0] & 0x0f) * 4;
                timeExceeded.add(Arrays.copyOf(first.packet, Math.min(first.packet.length, hl + 8)));
            }
        }
    }

    /** A piece of plan datagram {@code d} arrives at {@code now} as {@code packet}. */
    void arrive(FragmentPlan.Datagram d, FragmentPlan.Send s, byte[] packet, long now) {
        int start = s.offset();
        int end = start + s.bytes().length;
        if (start == 0 && !s.more()) {
            deliveries.add(packet);                       // no fragment at all: delivered as it is
            return;
        }
        recv++;
        if (s.more() && s.bytes().length % 8 != 0) {
            lenerr++;
            drop++;
            return;
        }
        Key k = new Key(d.protocol(), d.ident());
        Entry e = entries.get(k);
        if (e == null) {
            e = new Entry(now + maxAgeNanos);
            entries.put(k, e);
        }
        if (e.discarded) {
            drop++;
            return;
        }
        Held piece = new Held(start, end, s.more(), s.bytes(), d, packet);
        String verdict = verdict(e, piece);
        if (verdict.equals("duplicate")) {
            duplicates++;
            drop++;
            return;
        }
        if (verdict.equals("conflict")) {
            err++;
            drop += e.held.size() + 1;
            e.held.clear();
            e.discarded = true;
            return;
        }
        e.held.add(piece);
        if (!piece.more) {
            e.lastEnd = end;
        }
        int have = 0;
        for (Held h : e.held) {
            have += h.end - h.start;
        }
        if (e.lastEnd >= 0 && have == e.lastEnd) {
            byte[] data = new byte[e.lastEnd];
            for (Held h : e.held) {
                System.arraycopy(h.bytes, 0, data, h.start, h.bytes.length);
            }
            Held first = e.first();
            deliveries.add(FragmentPlan.whole(first.from, data));
            entries.remove(k);
        }
    }

    /** "duplicate", "conflict" or "fits", by the rules in the class comment. */
    private static String verdict(Entry e, Held p) {
        for (Held h : e.held) {
            if (h.start == p.start && h.end == p.end && h.more == p.more && Arrays.equals(h.bytes, p.bytes)) {
                return "duplicate";
            }
        }
        for (Held h : e.held) {
            if (h.start < p.end && p.start < h.end) {
                return "conflict";                        // any overlap that is not a duplicate
            }
            if (!p.more && h.end > p.end) {
                return "conflict";                        // data past the new end
            }
        }
        if (e.lastEnd >= 0 && (p.more ? p.end > e.lastEnd : p.end != e.lastEnd)) {
            return "conflict";                            // past the end, or a second end
        }
        return "fits";
    }
}
