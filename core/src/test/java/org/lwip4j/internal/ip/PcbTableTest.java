package org.lwip4j.internal.ip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hashed pcb table against a plain map, through growth, collisions and deletions. */
class PcbTableTest {
    @Test
    void matchesAMapThroughRandomAddsAndRemoves() {
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            PcbTable<String> table = new PcbTable<>();
            Map<Long, List<String>> model = new HashMap<>();
            int size = 0;
            for (int step = 0; step < 20_000; step++) {
                // Few keys, so buckets and probe runs collide and deletions shift entries back.
                long key = rnd.nextInt(300) * (rnd.nextBoolean() ? 1L : 1L << 40);
                List<String> bucket = model.computeIfAbsent(key, k -> new ArrayList<>());
                if (bucket.isEmpty() || rnd.nextInt(3) > 0) {
                    String pcb = "p" + step;
                    table.add(key, pcb);
                    bucket.add(pcb);
                    size++;
                } else {
                    String victim = bucket.remove(rnd.nextInt(bucket.size()));
                    assertTrue(table.remove(key, victim));
                    assertFalse(table.remove(key, victim), "removed twice");
                    size--;
                }
                if (step % 97 == 0) {
                    for (Map.Entry<Long, List<String>> e : model.entrySet()) {
                        assertArrayEquals(e.getValue().toArray(), table.bucket(e.getKey()), "key " + e.getKey());
                    }
                }
            }
            assertEquals(size, table.size());
        }
    }

    @Test
    void aBucketBeingWalkedIsNeverChangedUnderTheWalker() {
        PcbTable<String> table = new PcbTable<>();
        table.add(80, "a");
        table.add(80, "b");
        Object[] walking = table.bucket(80);
        table.remove(80, "a");
        table.add(80, "c");
        assertArrayEquals(new Object[] {"a", "b"}, walking);
        assertArrayEquals(new Object[] {"b", "c"}, table.bucket(80));
    }

    @Test
    void anAbsentKeyHasAnEmptyBucketAndRemovingFromItFails() {
        PcbTable<String> table = new PcbTable<>();
        assertEquals(0, table.bucket(7).length);
        assertFalse(table.remove(7, "x"));
        table.add(7, "x");
        assertFalse(table.remove(7, "y"));
        assertSame(table.bucket(8), table.bucket(9), "one shared empty array");
    }

    @Test
    void deletionsInANearlyFullTableKeepEveryOtherKeyReachable() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int trial = 0; trial < 3000; trial++) {
            // Six keys in eight slots (the most before it grows): long probe runs that wrap.
            PcbTable<String> table = new PcbTable<>();
            List<Long> keys = new ArrayList<>();
            Map<Long, String> pcbs = new HashMap<>();
            while (keys.size() < 6) {
                long k = rnd.nextInt(64) * (rnd.nextBoolean() ? 1L : 1L << 33);
                if (!keys.contains(k)) {
                    keys.add(k);
                    pcbs.put(k, "p" + k);
                    table.add(k, pcbs.get(k));
                }
            }
            List<Long> left = new ArrayList<>(keys);
            while (!left.isEmpty()) {
                long gone = left.remove(rnd.nextInt(left.size()));
                assertTrue(table.remove(gone, pcbs.get(gone)));
                assertEquals(0, table.bucket(gone).length, "trial " + trial);
                for (long k : left) {
                    assertArrayEquals(new Object[] {pcbs.get(k)}, table.bucket(k), "trial " + trial + " key " + k + " of " + keys);
                }
                assertEquals(left.size(), table.size());
            }
        }
    }

    @Test
    void theTableGrowsAndKeepsEveryPcb() {
        PcbTable<Integer> table = new PcbTable<>();
        for (int i = 0; i < 1000; i++) {
            table.add(i * 8L, i);
        }
        for (int i = 0; i < 1000; i++) {
            assertArrayEquals(new Object[] {i}, table.bucket(i * 8L));
        }
        List<Integer> all = new ArrayList<>();
        table.forEach(all::add);
        assertEquals(1000, all.size());
        assertEquals(1000, table.size());
    }

    /**
     * Connections from one host and port range to one service differ only in the local port,
     * the key's top 16 bits: they must spread over the slots, not share one home slot (a
     * lookup would then walk them all, and a table of 100,000 would cost per segment what a
     * list does).
     */
    @Test
    void keysDifferingOnlyInTheirTopBitsSpreadOverTheSlots() {
        int mask = (1 << 12) - 1;
        java.util.Set<Integer> homes = new java.util.HashSet<>();
        for (long port = 2000; port < 3000; port++) {
            homes.add(PcbTable.index((port << 48) | (5000L << 32) | 0x0a000002L, mask));
        }
        assertTrue(homes.size() > 800, "1000 keys on " + homes.size() + " home slots of 4096");
    }
}
