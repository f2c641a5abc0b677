package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lwip4j.Stack;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/**
 * The ARP table's index against a map: random adds, finds and removes of (netif, address)
 * keys, wildcard statics (no netif) among them, through the index's growth, a full table and
 * the backward-shift deletions of long probe runs. After every step the table finds exactly
 * the map's entries, and its size, fullness and wildcard flag agree with the map.
 */
class ArpCacheModelTest {
    private static final int CAPACITY = 300;

    /** A key as the table has it: the netif by identity ({@code null}: every netif), the address. */
    private record Key(Netif netif, int ip) {
    }

    @Test
    @Timeout(60) // an index left without an empty bucket would make find probe for ever
    void findsExactlyWhatAMapHoldsThroughGrowthFullnessAndDeletions() {
        try (Stack stack = Stack.create(StackConfig.builder().randomSeed(1).build(), new VirtualClock())) {
            Netif[] netifs = {stack.addNetif(new CaptureDriver(), "eth0"), stack.addNetif(new CaptureDriver(), "eth1"), null};
            ArpCache cache = new ArpCache(CAPACITY);
            Map<Key, ArpSlot> model = new HashMap<>();
            SplittableRandom r = new SplittableRandom(7);
            for (int step = 0; step < 30_000; step++) {
                // 3 x 512 keys for 300 entries: the table fills, and probe runs grow long.
                Key k = new Key(netifs[r.nextInt(netifs.length)], 0x0a00_0000 | r.nextInt(512));
                ArpSlot found = cache.find(k.netif(), k.ip());
                assertSame(model.get(k), found, "step " + step + ": " + k);
                if (found == null) {
                    ArpSlot e = cache.add(k.netif(), k.ip(), ArpState.PENDING);
                    if (model.size() >= CAPACITY) {
                        assertNull(e, "a full table takes no entry");
                    } else {
                        assertNotNull(e);
                        assertSame(k.netif(), e.netif);
                        assertEquals(k.ip(), e.ip);
                        model.put(k, e);
                    }
                } else if (r.nextInt(3) != 0) {
                    cache.remove(found);
                    model.remove(k);
                }
                assertEquals(model.size(), cache.size());
                assertEquals(model.size() >= CAPACITY, cache.isFull());
                assertEquals(model.keySet().stream().anyMatch(x -> x.netif() == null), cache.hasWildcards());
            }
            for (Map.Entry<Key, ArpSlot> e : model.entrySet()) {
                assertSame(e.getValue(), cache.find(e.getKey().netif(), e.getKey().ip()));
            }
        }
    }
}
