package org.lwip4j.internal.ip;

import java.util.Arrays;
import java.util.Objects;

/**
 * The pcbs of one transport, bucketed by a 64-bit key (the local port for UDP listeners; a
 * hash of the 4-tuple for connected pcbs): an open-addressing hash table with linear
 * probing, so a lookup costs the same with ten pcbs as with 100,000, and allocates nothing.
 *
 * <p>Buckets are copy-on-write arrays: {@link #bucket} hands out the array itself, and a pcb
 * added or removed while a caller walks a bucket (a receive callback that closes or opens a
 * pcb) makes a new array, never changing the one being walked. Changes are rare beside
 * lookups, which is the trade this makes.
 *
 * @param <P> the pcb type
 */
public final class PcbTable<P> {
    /** An empty table. */
    public PcbTable() {
    }

    private static final Object[] EMPTY = new Object[0];

    private long[] keys = new long[8];
    private Object[][] buckets = new Object[8][];
    private int used;
    private int size;

    /** The pcbs under {@code key}, in the order added; an empty array when none. Do not modify. */
    public Object[] bucket(long key) {
        Object[][] b = buckets;
        long[] k = keys;
        int mask = k.length - 1;
        for (int i = index(key, mask); ; i = (i + 1) & mask) {
            Object[] bucket = b[i];
            if (bucket == null) {
                return EMPTY;
            }
            if (k[i] == key) {
                return bucket;
            }
        }
    }

    /** Adds {@code pcb} under {@code key} (after those there). */
    public void add(long key, P pcb) {
        Objects.requireNonNull(pcb, "pcb");
        int mask = keys.length - 1;
        for (int i = index(key, mask); ; i = (i + 1) & mask) {
            Object[] bucket = buckets[i];
            if (bucket == null) {
                keys[i] = key;
                buckets[i] = new Object[] {pcb};
                used++;
                size++;
                if (used * 4 > keys.length * 3) {
                    resize(keys.length * 2);
                }
                return;
            }
            if (keys[i] == key) {
                Object[] grown = Arrays.copyOf(bucket, bucket.length + 1);
                grown[bucket.length] = pcb;
                buckets[i] = grown;
                size++;
                return;
            }
        }
    }

    /** Removes {@code pcb} from under {@code key}; true when it was there. */
    public boolean remove(long key, P pcb) {
        int mask = keys.length - 1;
        for (int i = index(key, mask); ; i = (i + 1) & mask) {
            Object[] bucket = buckets[i];
            if (bucket == null) {
                return false;
            }
            if (keys[i] != key) {
                continue;
            }
            int at = -1;
            for (int j = 0; j < bucket.length; j++) {
                if (bucket[j] == pcb) {
                    at = j;
                    break;
                }
            }
            if (at < 0) {
                return false;
            }
            size--;
            if (bucket.length > 1) {
                Object[] shrunk = new Object[bucket.length - 1];
                System.arraycopy(bucket, 0, shrunk, 0, at);
                System.arraycopy(bucket, at + 1, shrunk, at, bucket.length - at - 1);
                buckets[i] = shrunk;
            } else {
                deleteSlot(i);
            }
            return true;
        }
    }

    /** Every pcb in the table, bucket by bucket (order unspecified); for listings, not the packet path. */
    @SuppressWarnings("unchecked")
    public void forEach(java.util.function.Consumer<? super P> action) {
        for (Object[] bucket : buckets.clone()) {
            if (bucket != null) {
                for (Object o : bucket) {
                    action.accept((P) o);
                }
            }
        }
    }

    /** Pcbs in the table. */
    public int size() {
        return size;
    }

    /** Empties slot {@code i} and shifts later entries of its probe run back (no tombstones). */
    private void deleteSlot(int i) {
        int mask = keys.length - 1;
        buckets[i] = null;
        used--;
        int hole = i;
        for (int j = (i + 1) & mask; buckets[j] != null; j = (j + 1) & mask) {
            int home = index(keys[j], mask);
            // Move j into the hole when its home is not in (hole, j] cyclically.
            boolean between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
            if (!between) {
                keys[hole] = keys[j];
                buckets[hole] = buckets[j];
                buckets[j] = null;
                hole = j;
            }
        }
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        Object[][] oldBuckets = buckets;
        keys = new long[capacity];
        buckets = new Object[capacity][];
        int mask = capacity - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldBuckets[j] != null) {
                int i = index(oldKeys[j], mask);
                while (buckets[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                buckets[i] = oldBuckets[j];
            }
        }
    }

    /**
     * The home slot of {@code key}: every bit of the key reaches the low bits (a 64-bit
     * finalizer of MurmurHash3's kind). Tuple keys differ only in their top bits between
     * connections from one host to one service (the local port is bits 48..63): a multiply
     * alone left those bits out of the index, so such connections shared one slot.
     */
    static int index(long key, int mask) {
        long h = key;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
