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

    /**
     * The reason for a {@code check} result or a code, negative or positive; allocates
     * nothing, so the receive path may call it per packet.
     *
     * @throws IllegalArgumentException when no reason has that code
     */
    public static Drop ofCode(int negativeOrPositive) {
        return switch (Math.abs(negativeOrPositive)) {
            case 1 -> TRUNCATED;
            case 2 -> BAD_LENGTH;
            case 3 -> BAD_CHECKSUM;
            case 4 -> UNSUPPORTED;
            case 5 -> MALFORMED;
            case 6 -> BAD_OPTION;
            default -> throw new IllegalArgumentException("no drop reason " + negativeOrPositive);
        };
    }
}
