package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;

/** Hex text to bytes and back, for wire vectors written as captured. */
public final class Hex {
    private Hex() {
    }

    /** The bytes of hex text; whitespace and {@code |} separators are ignored. */
    public static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("[\\s|]", ""));
    }

    /** A heap segment of exactly the bytes of hex text. */
    public static MemorySegment seg(String hex) {
        return MemorySegment.ofArray(bytes(hex));
    }

    /** Lower-case hex of {@code len} bytes of {@code s} from {@code off}. */
    public static String of(MemorySegment s, long off, int len) {
        byte[] b = new byte[len];
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, off, b, 0, len);
        return HexFormat.of().formatHex(b);
    }

    /** Lower-case hex of a whole segment. */
    public static String of(MemorySegment s) {
        return of(s, 0, (int) s.byteSize());
    }
}
