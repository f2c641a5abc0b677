package org.lwip4j.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.lwip4j.wire.Ipv4Packet;

/**
 * A random fragment plan: several IPv4 datagrams cut at random multiples of 8, their
 * fragments dropped, duplicated, joined by overlapping pieces (same bytes or altered),
 * interleaved in a random order with random time advances between them. Drawn from
 * {@link Choices}, so the same plan comes from a fuzzer's bytes or from a seed.
 *
 * @param exact whether the plan suits the exact oracle (bounds that never evict; keys may
 *        collide and pieces may carry altered bytes) or the loose one (small bounds, unique
 *        keys, original bytes only)
 * @param maxAgeMillis the reassembly age to configure
 * @param maxDatagrams {@code MEMP_NUM_REASSDATA} to configure
 * @param maxPbufs {@code IP_REASS_MAX_PBUFS} to configure
 * @param poolSize {@code PBUF_POOL_SIZE} to configure
 * @param datagrams the datagrams, by index
 * @param steps what happens, in order
 */
record FragmentPlan(boolean exact, int maxAgeMillis, int maxDatagrams, int maxPbufs, int poolSize,
        List<Datagram> datagrams, List<Step> steps) {
    static final int SRC = 0x0a000009;  // 10.0.0.9, the peer
    static final int DST = 0x0a000001;  // 10.0.0.1, the stack
    static final int TTL = 64;
    /** NOP, NOP, NOP, end of options: fragment 0's header may be longer than the others'. */
    private static final byte[] OPTIONS = {1, 1, 1, 0};

    /** Where a plan's random decisions come from. */
    interface Choices {
        /** A number in {@code [lo, hi]}. */
        int intIn(int lo, int hi);

        /** From a fuzzer's bytes (which, once used up, give the smallest choices). */
        static Choices of(FuzzedDataProvider data) {
            return data::consumeInt;
        }

        /** From a seeded generator. */
        static Choices of(SplittableRandom random) {
            return (lo, hi) -> random.nextInt(lo, hi + 1);
        }
    }

    /**
     * One datagram of the plan.
     *
     * @param protocol its IP protocol (253 or 254, experimental)
     * @param ident its identification
     * @param options whether its fragment 0 carries IP options
     * @param data its data
     */
    record Datagram(int protocol, int ident, boolean options, byte[] data) {
        @Override
        public String toString() {
            return "proto " + protocol + " id " + ident + (options ? " options" : "") + " size " + data.length;
        }

        /** The IPv4 packet carrying {@code bytes} at {@code offset} of this datagram. */
        byte[] packet(int offset, boolean more, byte[] bytes) {
            boolean withOptions = options && offset == 0;
            int hl = 20 + (withOptions ? OPTIONS.length : 0);
            byte[] b = new byte[hl + bytes.length];
            MemorySegment s = MemorySegment.ofArray(b);
            int flagsFrag = (more ? Ipv4Packet.FLAG_MF : 0) | offset / 8;
            Ipv4Packet.emit(s, 0, 0, b.length, ident, flagsFrag, TTL, protocol, SRC, DST, false);
            b[0] = (byte) (0x40 | hl / 4);
            if (withOptions) {
                System.arraycopy(OPTIONS, 0, b, 20, OPTIONS.length);
            }
            System.arraycopy(bytes, 0, b, hl, bytes.length);
            Ipv4Packet.fillChecksum(s, 0, hl);
            return b;
        }
    }

    /** One thing that happens: a piece sent, or time passing. */
    sealed interface Step permits Send, Advance {
    }

    /**
     * A piece of a datagram sent.
     *
     * @param datagram which one
     * @param offset where its bytes go
     * @param more its more-fragments flag
     * @param bytes what it carries (the datagram's own bytes there, or altered ones)
     */
    record Send(int datagram, int offset, boolean more, byte[] bytes) implements Step {
        @Override
        public String toString() {
            return "d" + datagram + "[" + offset + "," + (offset + bytes.length) + ")" + (more ? "+MF" : "");
        }
    }

    /**
     * Time passing.
     *
     * @param millis how much
     */
    record Advance(int millis) implements Step {
        @Override
        public String toString() {
            return "+" + millis + "ms";
        }
    }

    /** Draws a plan. */
    static FragmentPlan draw(Choices c) {
        boolean exact = c.intIn(0, 3) != 0;
        int maxAge = c.intIn(500, 8000);
        int n = c.intIn(1, 4);
        List<Datagram> datagrams = new ArrayList<>();
        List<Send> sends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int protocol = c.intIn(253, 254);
            // Exact plans let keys collide (two datagrams then are one to the receiver).
            int ident = exact ? c.intIn(0, 7) : 0x100 + i;
            int size = c.intIn(1, exact ? 6000 : 3000);
            byte[] data = new byte[size];
            int seed = c.intIn(0, 255);
            for (int k = 0; k < size; k++) {
                data[k] = (byte) (k * 131 + (k >>> 8) * 7 + seed * 17 + i);
            }
            datagrams.add(new Datagram(protocol, ident, c.intIn(0, 3) == 0, data));
            TreeSet<Integer> cuts = new TreeSet<>();
            int k = c.intIn(0, 10);
            for (int j = 0; j < k && size > 8; j++) {
                cuts.add(c.intIn(1, (size - 1) / 8) * 8);
            }
            int from = 0;
            for (int to : cutsAndEnd(cuts, size)) {
                int roll = c.intIn(0, 19);
                int copies = roll == 0 ? 0 : roll <= 2 ? 2 : 1;       // drop, duplicate, once
                for (int j = 0; j < copies; j++) {
                    sends.add(new Send(i, from, to < size, Arrays.copyOfRange(data, from, to)));
                }
                if (c.intIn(0, 31) == 0) {
                    // A rival of this fragment: the same range with other bytes, or the other MF flag.
                    byte[] bytes = Arrays.copyOfRange(data, from, to);
                    boolean more = to < size;
                    if (exact && c.intIn(0, 1) == 1) {
                        bytes[c.intIn(0, bytes.length - 1)] ^= (byte) c.intIn(1, 255);
                    } else {
                        more = !more;
                    }
                    sends.add(new Send(i, from, more, bytes));
                }
                from = to;
            }
            int overlaps = c.intIn(0, 3) == 0 ? c.intIn(1, 2) : 0;
            for (int j = 0; j < overlaps; j++) {
                int start = c.intIn(0, (size - 1) / 8) * 8;
                int end = Math.min(size, start + c.intIn(1, (size + 7) / 8) * 8);
                boolean more = end < size ? c.intIn(0, 5) != 0 : c.intIn(0, 3) == 0;
                byte[] bytes = Arrays.copyOfRange(data, start, end);
                if (exact && c.intIn(0, 1) == 1) {
                    bytes[c.intIn(0, bytes.length - 1)] ^= (byte) c.intIn(1, 255);
                }
                sends.add(new Send(i, start, more, bytes));
            }
        }
        List<Step> steps = new ArrayList<>();
        while (!sends.isEmpty()) {
            steps.add(sends.remove(c.intIn(0, sends.size() - 1)));
            int t = c.intIn(0, 31);
            if (t == 0) {
                steps.add(new Advance(c.intIn(0, maxAge * 3 / 2)));
            } else if (t < 6) {
                steps.add(new Advance(c.intIn(0, 50)));
            }
        }
        if (exact) {
            return new FragmentPlan(true, maxAge, 16, 4096, 4096, datagrams, steps);
        }
        return new FragmentPlan(false, maxAge, c.intIn(1, 4), c.intIn(1, 24), c.intIn(8, 64), datagrams, steps);
    }

    private static List<Integer> cutsAndEnd(TreeSet<Integer> cuts, int size) {
        List<Integer> out = new ArrayList<>(cuts);
        out.add(size);
        return out;
    }

    /** The whole datagram as the receiver must deliver it, with fragment 0's header as {@code d} sends it. */
    static byte[] whole(Datagram d, byte[] data) {
        return d.packet(0, false, data);
    }
}
