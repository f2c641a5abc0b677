package org.lwip4j.stack;

/**
 * A rate-limited warning for one kind of failure on the event loop (a task, a source or a
 * timer that threw): the first failure of a burst is logged with its stack trace; further
 * ones are only counted until {@link #QUIET_NANOS} of clock time have passed since that log
 * line, and the next line says how many were left out. So a source that throws on every turn
 * costs one log line per interval, not one per turn. On the loop only.
 */
final class FailureLog {
    /** At most one line per this much clock time (10 s). */
    static final long QUIET_NANOS = 10_000_000_000L;

    private final System.Logger log;
    private final String what;
    private boolean loggedOnce;
    private long lastLogged;
    private long suppressed;

    /**
     * @param log  where the lines go
     * @param what what failed, for the message ("task", "source", "timer")
     */
    FailureLog(System.Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    /**
     * Notes that {@code culprit} threw {@code e} at clock time {@code now}; logs it unless a
     * line was logged less than {@link #QUIET_NANOS} ago. Returns whether it logged.
     */
    boolean failed(long now, Object culprit, Throwable e) {
        if (loggedOnce && now - lastLogged < QUIET_NANOS) {
            suppressed++;
            return false;
        }
        String more = suppressed == 0 ? "" : " (" + suppressed + " further " + what + " failures not logged since the last one)";
        log.log(System.Logger.Level.WARNING, what + " " + culprit + " on the event loop threw; the loop goes on" + more, e);
        loggedOnce = true;
        lastLogged = now;
        suppressed = 0;
        return true;
    }

    /** Failures counted but not logged since the last line. */
    long suppressed() {
        return suppressed;
    }
}
