package org.lwip4j.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded structure-blind mutations of valid packets, for property tests that must run the
 * same way every time (Jazzer does its own mutating when it fuzzes for real). Length fields
 * get the values that catch length lies: 0, just below and above the real length, the
 * header sizes, the maximum.
 */
public final class Mutator {
    private static final int[] BYTES = {0x00, 0x01, 0x02, 0x04, 0x05, 0x07, 0x08, 0x0f, 0x40, 0x44, 0x45, 0x46, 0x4f,
        0x7f, 0x80, 0x81, 0x94, 0xfe, 0xff};

    private final SplittableRandom rnd;

    /** A mutator drawing from {@code seed}. */
    public Mutator(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** The random source, for callers that pick seeds or offsets. */
    public SplittableRandom random() {
        return rnd;
    }

    /** A copy of {@code seed} with one to four mutations (empty input grows random bytes). */
    public byte[] mutate(byte[] seed) {
        byte[] b = seed.clone();
        for (int n = 1 + rnd.nextInt(4); n > 0; n--) {
            b = once(b);
        }
        return b;
    }

    private byte[] once(byte[] b) {
        if (b.length == 0) {
            byte[] r = new byte[rnd.nextInt(64)];
            rnd.nextBytes(r);
            return r;
        }
        int i = rnd.nextInt(b.length);
        switch (rnd.nextInt(7)) {
            case 0 -> b[i] ^= (byte) (1 << rnd.nextInt(8));
            case 1 -> b[i] = (byte) BYTES[rnd.nextInt(BYTES.length)];
            case 2 -> b[i] = (byte) rnd.nextInt(256);
            case 3 -> {
                return Arrays.copyOf(b, rnd.nextInt(b.length + 1)); // truncate
            }
            case 4 -> {
                byte[] r = Arrays.copyOf(b, b.length + 1 + rnd.nextInt(32)); // trailing bytes
                for (int k = b.length; k < r.length; k++) {
                    r[k] = (byte) rnd.nextInt(256);
                }
                return r;
            }
            default -> {
                int at = i & ~1;
                if (at + 1 < b.length) {
                    int[] lens = {0, 1, 7, 8, 19, 20, 23, 24, 27, 28, b.length - at - 1, b.length - at,
                        b.length - at + 1, b.length - 1, b.length, b.length + 1, 0xffff};
                    int v = lens[rnd.nextInt(lens.length)];
                    b[at] = (byte) (v >>> 8);
                    b[at + 1] = (byte) v;
                }
            }
        }
        return b;
    }
}
