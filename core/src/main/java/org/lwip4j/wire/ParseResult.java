package org.lwip4j.wire;

/**
 * The outcome of parsing untrusted bytes into a value: the value, or the reason it was
 * refused. Never an exception.
 *
 * @param <T> what was parsed
 */
public sealed interface ParseResult<T> {
    /** A parsed value. @param value the value @param <T> its type */
    record Ok<T>(T value) implements ParseResult<T> {
    }

    /** A refusal. @param reason why @param <T> the type that was not parsed */
    record Error<T>(Drop reason) implements ParseResult<T> {
    }

    /** A success. */
    static <T> ParseResult<T> ok(T value) {
        return new Ok<>(value);
    }

    /** A refusal. */
    static <T> ParseResult<T> error(Drop reason) {
        return new Error<>(reason);
    }

    /** True for a success. */
    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The value; throws {@link IllegalStateException} on a refusal (for tests and trusted paths). */
    default T value() {
        return switch (this) {
            case Ok<T> ok -> ok.value();
            case Error<T> e -> throw new IllegalStateException("parse refused: " + e.reason());
        };
    }

    /** The refusal reason, or {@code null} on success. */
    default Drop error() {
        return this instanceof Error<T> e ? e.reason() : null;
    }
}
