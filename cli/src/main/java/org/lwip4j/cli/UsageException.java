package org.lwip4j.cli;

/**
 * A bad command line, found after picocli parsed it: the message is the one-line reason
 * shown above the usage (exit code 2).
 */
public final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** A usage error with a one-line reason. */
    public UsageException(String reason) {
        super(reason);
    }
}
