package org.lwip4j.ipv4;

import java.util.Arrays;
import org.lwip4j.buffer.PoolStats;
import org.lwip4j.netif.Netif;

/**
 * The ARP table of one stack (lwIP's {@code arp_table}): at most {@code arpTableSize}
 * entries, each keyed by (netif, IPv4 address), so the same address on two netifs is two
 * entries. A static entry may have no netif and then applies on every netif.
 *
 * <p>Lookups go through an open-addressing hash index (linear probing, backward-shift
 * deletion), so the send path finds a stable entry in O(1) without allocating. Slots and
 * the index grow lazily up to their bounds, so a stack that talks to two neighbours keeps
 * two slots, not {@code arpTableSize}. This class only keeps the table; the protocol, the
 * timers and the packet queues are {@link Arp}'s. Used on the stack's loop only.
 */
final class ArpCache {
    private final int capacity;
    /** Table usage ({@code ARP_TABLE}), shown by {@link Arp#tableStats()}. */
    final PoolStats stats;

    private ArpSlot[] slots;
    private int slotCount;
    private ArpSlot freeList;
    private int live;
    private int wildcardStatics;

    /** Slot id + 1 per bucket, 0 for an empty bucket; length a power of two, at least twice {@link #live}. */
    private int[] index;

    ArpCache(int capacity) {
        this.capacity = capacity;
        this.stats = new PoolStats("ARP_TABLE", capacity);
        this.slots = new ArpSlot[Math.min(capacity, 8)];
        this.index = new int[16];
    }

    /** Entries in use. */
    int size() {
        return live;
    }

    /** True when no further entry fits without evicting one. */
    boolean isFull() {
        return live >= capacity;
    }

    /** Slots made so far; entries are the slots {@code 0..slotCount()-1} whose state is non-null. */
    int slotCount() {
        return slotCount;
    }

    /** Slot {@code i}, {@code 0 <= i < slotCount()}. */
    ArpSlot slot(int i) {
        return slots[i];
    }

    /** True when a static entry without a netif exists (lookups must then also try netif {@code null}). */
    boolean hasWildcards() {
        return wildcardStatics > 0;
    }

    private static int hash(Netif netif, int ip) {
        int h = ip * 0x9e3779b9 + (netif == null ? 0 : netif.index()) * 0x85ebca6b;
        return h ^ (h >>> 16);
    }

    /** The entry for exactly ({@code netif}, {@code ip}), or {@code null}. */
    ArpSlot find(Netif netif, int ip) {
        int[] idx = index;
        int mask = idx.length - 1;
        for (int b = hash(netif, ip) & mask; ; b = (b + 1) & mask) {
            int s = idx[b];
            if (s == 0) {
                return null;
            }
            ArpSlot e = slots[s - 1];
            if (e.ip == ip && e.netif == netif) {
                return e;
            }
        }
    }

    /**
     * A free slot made into an entry for ({@code netif}, {@code ip}) in {@code state}, or
     * {@code null} when the table is full (the caller evicts first).
     */
    ArpSlot add(Netif netif, int ip, ArpState state) {
        if (live >= capacity) {
            return null;
        }
        ArpSlot e = freeList;
        if (e != null) {
            freeList = e.nextFree;
            e.nextFree = null;
        } else {
            if (slotCount == slots.length) {
                slots = Arrays.copyOf(slots, Math.min(capacity, slots.length * 2));
            }
            e = new ArpSlot(slotCount);
            slots[slotCount++] = e;
        }
        e.state = state;
        e.netif = netif;
        e.ip = ip;
        e.mac = 0;
        live++;
        stats.take(1);
        if (netif == null) {
            wildcardStatics++;
        }
        if (live * 2 > index.length) {
            rehash(index.length * 2);
        } else {
            insert(e);
        }
        return e;
    }

    /** Frees an entry's slot; the caller has emptied its queue and cancelled its timer. */
    void remove(ArpSlot e) {
        int[] idx = index;
        int mask = idx.length - 1;
        int b = hash(e.netif, e.ip) & mask;
        while (idx[b] != e.id + 1) {
            b = (b + 1) & mask;
        }
        // Backward-shift deletion: move later members of the probe run into the hole.
        int hole = b;
        for (int j = (hole + 1) & mask; idx[j] != 0; j = (j + 1) & mask) {
            ArpSlot m = slots[idx[j] - 1];
            int home = hash(m.netif, m.ip) & mask;
            // m may fill the hole when its home bucket is not in the cyclic range (hole, j].
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                idx[hole] = idx[j];
                hole = j;
            }
        }
        idx[hole] = 0;
        if (e.netif == null) {
            wildcardStatics--;
        }
        e.state = null;
        e.netif = null;
        e.generation++;
        e.nextFree = freeList;
        freeList = e;
        live--;
        stats.give(1);
    }

    private void insert(ArpSlot e) {
        int mask = index.length - 1;
        int b = hash(e.netif, e.ip) & mask;
        while (index[b] != 0) {
            b = (b + 1) & mask;
        }
        index[b] = e.id + 1;
    }

    private void rehash(int size) {
        index = new int[size];
        for (int i = 0; i < slotCount; i++) {
            if (slots[i].state != null) {
                insert(slots[i]);
            }
        }
    }

    /**
     * The entry to evict to make room (lwIP's {@code etharp_find_entry} with
     * {@code ETHARP_FLAG_TRY_HARD}): the stable entry confirmed longest ago; else the pending
     * entry that has waited longest and queues nothing; else the pending entry that has
     * waited longest. Static entries never. {@code null} when every entry is static.
     */
    ArpSlot victim(long now) {
        ArpSlot stable = null;
        ArpSlot pendingEmpty = null;
        ArpSlot pending = null;
        for (int i = 0; i < slotCount; i++) {
            ArpSlot e = slots[i];
            if (e.state == null) {
                continue;
            }
            switch (e.state) {
                case STABLE, STABLE_REREQUESTING -> stable = older(stable, e, now);
                case PENDING -> {
                    if (e.queued() == 0) {
                        pendingEmpty = older(pendingEmpty, e, now);
                    } else {
                        pending = older(pending, e, now);
                    }
                }
                case STATIC -> { }
            }
        }
        return stable != null ? stable : pendingEmpty != null ? pendingEmpty : pending;
    }

    private static ArpSlot older(ArpSlot best, ArpSlot e, long now) {
        // Wrap-safe: compare ages, not instants.
        return best == null || now - e.since > now - best.since ? e : best;
    }
}
