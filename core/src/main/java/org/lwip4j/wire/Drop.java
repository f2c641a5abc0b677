package org.lwip4j.wire;

/**
 * Why a parser refused bytes. Parsers return these as values (negative codes from the
 * {@code check} methods, or inside a {@link ParseResult}); the caller counts the matching
 * {@code Stats} field and frees the packet.
 */
public enum Drop {
    /** Fewer bytes than the header needs. */
    TRUNCATED(1),
    /** A length field that disagrees with the bytes present. */
    BAD_LENGTH(2),
    /** A checksum that does not verify. */
    BAD_CHECKSUM(3),
    /** A version or type we do not handle. */
    UNSUPPORTED(4),
    /** A field value the protocol forbids. */
    MALFORMED(5),
    /** Malformed options. */
    BAD_OPTION(6);

    private final int code;

    Drop(int code) {
        this.code = code;
    }

    /** The positive code; {@code check} methods return its negation. */
    public int code() {
        return code;
    }

    /** The reason for a negative {@code check} result. */
    public static Drop ofCode(int negativeOrPositive) {
        int c = Math.abs(negativeOrPositive);
        for (Drop d : values()) {
            if (d.code == c) {
                return d;
            }
        }
        throw new IllegalArgumentException("no drop reason " + negativeOrPositive);
    }
}
