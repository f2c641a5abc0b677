package org.lwip4j.stack;

import java.util.Objects;

/**
 * An lwIP error raised where a call cannot return an {@link Err}: a factory that has no pcb
 * to give ({@code Stack.newUdpPcb()} with every {@code MEMP_NUM_UDP_PCB} in use). Calls that
 * can return a result return the {@link Err} instead; programming errors are
 * {@link IllegalArgumentException} or {@link IllegalStateException} (see DESIGN.md, "Errors").
 */
public final class ErrException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Err err;

    /** An exception carrying {@code err}, with a message saying what ran out or failed. */
    public ErrException(Err err, String message) {
        super(Objects.requireNonNull(err, "err") + ": " + message);
        this.err = err;
    }

    /** The error. */
    public Err err() {
        return err;
    }
}
