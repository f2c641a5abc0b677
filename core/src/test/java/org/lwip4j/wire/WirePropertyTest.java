package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.fuzz.FuzzInput;
import org.lwip4j.fuzz.Mutator;
import org.lwip4j.fuzz.WireInvariants;

/**
 * Seeded property tests: mutated real frames and random bytes through every view and Repr
 * ({@link WireInvariants}). Deterministic; each test also insists that enough mutants were
 * accepted to exercise the paths after a passed check.
 */
class WirePropertyTest {
    private static final int ROUNDS = 20_000;
    private static final List<byte[]> FRAMES = List.of(Hex.bytes(Captures.ARP_REQUEST), Hex.bytes(Captures.ARP_REPLY),
            Hex.bytes(Captures.PING), Hex.bytes(Captures.PING_RECORD_ROUTE), Hex.bytes(Captures.IGMP_ROUTER_ALERT),
            Hex.bytes(Captures.DNS_QUERY), Hex.bytes(Captures.ARP_REQUEST_VLAN5), new byte[0]);

    /** The bytes of each frame from {@code from}, or empty. */
    private static List<byte[]> tails(int from) {
        return FRAMES.stream().map(f -> f.length > from ? Arrays.copyOfRange(f, from, f.length) : new byte[0]).toList();
    }

    private interface Invariant {
        boolean holds(FuzzInput in);
    }

    private static int run(long seed, List<byte[]> seeds, Invariant inv) {
        Mutator m = new Mutator(seed);
        int accepted = 0;
        for (int i = 0; i < ROUNDS; i++) {
            byte[] base = seeds.get(m.random().nextInt(seeds.size()));
            byte[] bytes = m.random().nextInt(10) == 0 ? base : m.mutate(base);
            FuzzInput in = FuzzInput.of(FuzzInput.encode(m.random().nextInt(8), bytes));
            if (inv.holds(in)) {
                accepted++;
            }
        }
        return accepted;
    }

    @Test
    void ethernet() {
        int ok = run(1, FRAMES, in -> WireInvariants.ethernet(in.seg(), in.off(), in.len()));
        assertTrue(ok > ROUNDS / 4, "accepted " + ok);
    }

    @Test
    void arp() {
        int ok = run(2, tails(14), in -> WireInvariants.arp(in.seg(), in.off(), in.len()));
        assertTrue(ok > ROUNDS / 20, "accepted " + ok);
    }

    @Test
    void ipv4() {
        int ok = run(3, tails(14), in -> WireInvariants.ipv4(in.seg(), in.off(), in.len()));
        assertTrue(ok > ROUNDS / 10, "accepted " + ok);
    }

    @Test
    void icmpv4() {
        List<byte[]> seeds = List.of(Arrays.copyOfRange(Hex.bytes(Captures.PING), 34, 98),
                Arrays.copyOfRange(Hex.bytes(Captures.PING_RECORD_ROUTE), 74, 138), new byte[0]);
        int ok = run(4, seeds, in -> WireInvariants.icmpv4(in.seg(), in.off(), in.len()));
        assertTrue(ok > ROUNDS / 4, "accepted " + ok);
    }

    @Test
    void udp() {
        List<byte[]> seeds = List.of(Arrays.copyOfRange(Hex.bytes(Captures.DNS_QUERY), 34, 71), new byte[0]);
        int ok = run(5, seeds, in -> WireInvariants.udp(in.seg(), in.off(), in.len(), 0x0a090001, 0x0a090002));
        assertTrue(ok > ROUNDS / 10, "accepted " + ok);
    }

    @Test
    void udpLite() {
        List<byte[]> seeds = List.of(Arrays.copyOfRange(Hex.bytes(Captures.DNS_QUERY), 34, 71), new byte[0]);
        int ok = run(6, seeds, in -> WireInvariants.udpLite(in.seg(), in.off(), in.len(), 0x0a090001, 0x0a090002));
        assertTrue(ok > ROUNDS / 10, "accepted " + ok);
    }

    @Test
    void wholeFrames() {
        int[] depth = new int[4];
        Mutator m = new Mutator(7);
        for (int i = 0; i < ROUNDS; i++) {
            byte[] bytes = m.mutate(FRAMES.get(m.random().nextInt(FRAMES.size())));
            FuzzInput in = FuzzInput.of(FuzzInput.encode(m.random().nextInt(8), bytes));
            depth[WireInvariants.frame(in.seg(), in.off(), in.len())]++;
        }
        assertTrue(depth[3] > ROUNDS / 20, "reached a transport header only " + depth[3] + " times");
    }

    @Test
    void randomBytes() {
        Mutator m = new Mutator(8);
        for (int i = 0; i < ROUNDS; i++) {
            byte[] b = new byte[m.random().nextInt(80)];
            m.random().nextBytes(b);
            FuzzInput in = FuzzInput.of(b);
            WireInvariants.frame(in.seg(), in.off(), in.len());
            WireInvariants.ipv4(in.seg(), in.off(), in.len());
            WireInvariants.icmpv4(in.seg(), in.off(), in.len());
            WireInvariants.udp(in.seg(), in.off(), in.len(), 0, -1);
            WireInvariants.udpLite(in.seg(), in.off(), in.len(), 0, -1);
            WireInvariants.arp(in.seg(), in.off(), in.len());
        }
    }
}
