package org.lwip4j.netif.tap;

import java.io.IOException;

/**
 * A TAP/TUN device, a host interface or a namespace could not be opened or configured. The
 * message says what failed and, for the usual causes (no {@code /dev/net/tun}, missing
 * privileges, a busy device), what is needed; {@link #errno()} is the Linux error number.
 */
public final class TuntapException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    /** An error with the given message and Linux {@code errno} (0 when there is none). */
    public TuntapException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The Linux error number ({@code EPERM} = 1, {@code EBUSY} = 16, ...), or 0. */
    public int errno() {
        return errno;
    }

    /** {@code "what: strerror (errno N)"}. */
    static TuntapException of(String what, int errno) {
        return new TuntapException(what + ": " + Native.strerror(errno) + " (errno " + errno + ")", errno);
    }
}
