package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.fuzz.FuzzInput;
import org.lwip4j.fuzz.Ipv6WireInvariants;
import org.lwip4j.fuzz.Mutator;

/**
 * Seeded property tests for the IPv6, ICMPv6, ND, MLD and IGMP parsers: mutated vectors
 * through every view ({@link Ipv6WireInvariants}), deterministic, each insisting enough
 * mutants were accepted to reach the paths after a passed check.
 */
class Ipv6WirePropertyTest {
    private static final int ROUNDS = 20_000;
    private static final long LL = 0xfe80_0000_0000_0000L;

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

    private static byte[] from(String hex, int start) {
        byte[] b = Hex.bytes(hex);
        return Arrays.copyOfRange(b, start, b.length);
    }

    private static final List<byte[]> PACKETS = List.of(Hex.bytes(Ipv6Vectors.NS), Hex.bytes(Ipv6Vectors.RA),
            Hex.bytes(Ipv6Vectors.NA), Hex.bytes(Ipv6Vectors.MLDV2_REPORT), new byte[0]);
    private static final List<byte[]> ICMP = List.of(from(Ipv6Vectors.NS, 40), from(Ipv6Vectors.RA, 40),
            from(Ipv6Vectors.NA, 40), from(Ipv6Vectors.MLDV2_REPORT, 48), Hex.bytes(Ipv6Vectors.ECHO),
            Hex.bytes(Ipv6Vectors.MLDV1_REPORT),
            Hex.bytes("8200000081230000ff0200000000000000000000000000fb0a7d0002"
                    + "20010db800000000000000000000000120010db8000000000000000000000002"), new byte[0]);

    @Test
    void ipv6AndExtensionHeaders() {
        List<byte[]> seeds = new java.util.ArrayList<>(PACKETS);
        seeds.add(Hex.bytes("6000000000200040 20010db8000000000000000000000001 20010db8000000000000000000000002"
                + "2c00050200000100 3c00000112345678 1100c20000000000 0035003500080000"));
        int ok = run(11, seeds, in -> Ipv6WireInvariants.ipv6(in.seg(), in.off(), in.len()));
        assertTrue(ok > ROUNDS / 10, "accepted " + ok);
    }

    @Test
    void icmpv6NdAndMld() {
        int ok = run(12, ICMP, in -> Ipv6WireInvariants.icmpv6(in.seg(), in.off(), in.len(), LL, 1, LL, 2));
        assertTrue(ok > ROUNDS / 4, "accepted " + ok);
        int nd = run(13, ICMP, in -> Ipv6WireInvariants.nd(in.seg(), in.off(), in.len()));
        assertTrue(nd > ROUNDS / 20, "ND accepted " + nd);
        int q = run(14, ICMP, in -> Ipv6WireInvariants.mldQuery(in.seg(), in.off(), in.len()));
        assertTrue(q > ROUNDS / 40, "MLD queries accepted " + q);
        int r = run(15, ICMP, in -> Ipv6WireInvariants.mldReport(in.seg(), in.off(), in.len()));
        assertTrue(r > ROUNDS / 40, "MLD reports accepted " + r);
    }

    @Test
    void ndOptions() {
        List<byte[]> seeds = List.of(from(Ipv6Vectors.RA, 56), from(Ipv6Vectors.NS, 64),
                Hex.bytes("1905000000000258 20010db8000000000000000000000053 fe800000000000000000000000000053"
                        + "0402000000000000 6000000000000000"), new byte[0]);
        int ok = run(16, seeds, in -> Ipv6WireInvariants.options(in.seg(), in.off(), in.len()));
        assertTrue(ok > ROUNDS / 10, "accepted " + ok);
    }

    @Test
    void igmp() {
        List<byte[]> seeds = List.of(Hex.bytes(Ipv6Vectors.IGMPV3_REPORT), Hex.bytes(Ipv6Vectors.IGMPV2_REPORT),
                Hex.bytes("11640000e00000fb0a7d00020a0000010a000002"), Hex.bytes("1100eeff00000000"), new byte[0]);
        int ok = run(17, seeds, in -> Ipv6WireInvariants.igmp(in.seg(), in.off(), in.len()));
        assertTrue(ok > ROUNDS / 10, "accepted " + ok);
    }

    @Test
    void frames() {
        byte[] eth = Hex.bytes("333300000016525400123456 86dd");
        List<byte[]> seeds = PACKETS.stream().map(p -> {
            byte[] f = Arrays.copyOf(eth, eth.length + p.length);
            System.arraycopy(p, 0, f, eth.length, p.length);
            return f;
        }).toList();
        int deep = 0;
        Mutator m = new Mutator(18);
        for (int i = 0; i < ROUNDS; i++) {
            byte[] base = seeds.get(m.random().nextInt(seeds.size()));
            byte[] bytes = m.random().nextInt(10) == 0 ? base : m.mutate(base);
            FuzzInput in = FuzzInput.of(FuzzInput.encode(m.random().nextInt(8), bytes));
            if (Ipv6WireInvariants.frame(in.seg(), in.off(), in.len()) == 3) {
                deep++;
            }
        }
        assertTrue(deep > ROUNDS / 20, "reached ICMPv6 " + deep);
    }
}
