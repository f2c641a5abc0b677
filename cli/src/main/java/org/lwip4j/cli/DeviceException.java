package org.lwip4j.cli;

/**
 * A device could not be opened or set up. The message is meant for the user as it is: what
 * failed and what is needed (root or {@code CAP_NET_ADMIN}, {@code /dev/net/tun}, ...).
 */
public final class DeviceException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A failure with a message for the user. */
    public DeviceException(String message) {
        super(message);
    }

    /** A failure with a message for the user and its cause. */
    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
