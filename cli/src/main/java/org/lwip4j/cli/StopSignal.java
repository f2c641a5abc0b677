package org.lwip4j.cli;

/**
 * Where the request to stop a run comes from: SIGINT/SIGTERM for the real command
 * ({@link ProcessSignals}), a test's hand otherwise.
 */
public interface StopSignal {
    /**
     * Arranges for {@code stop} to run once a stop is asked for; returns something that
     * undoes the arrangement.
     */
    AutoCloseable onStop(Runnable stop);
}
