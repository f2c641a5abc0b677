package org.lwip4j.stack;

/**
 * lwIP's error codes ({@code err_t}), with the same names and values, so lwIP's
 * documentation applies. {@link #OK} is success.
 */
public enum Err {
    /** No error. */
    OK(0, "ok"),
    /** Out of memory. */
    MEM(-1, "out of memory"),
    /** Buffer error. */
    BUF(-2, "buffer error"),
    /** Timeout. */
    TIMEOUT(-3, "timeout"),
    /** Routing problem: no route to the destination. */
    RTE(-4, "routing problem"),
    /** Operation in progress. */
    INPROGRESS(-5, "operation in progress"),
    /** Illegal value. */
    VAL(-6, "illegal value"),
    /** Operation would block. */
    WOULDBLOCK(-7, "operation would block"),
    /** Address in use. */
    USE(-8, "address in use"),
    /** Already connecting. */
    ALREADY(-9, "already connecting"),
    /** Connection already established. */
    ISCONN(-10, "already connected"),
    /** Not connected. */
    CONN(-11, "not connected"),
    /** Low-level netif error. */
    IF(-12, "low-level netif error"),
    /** Connection aborted. */
    ABRT(-13, "connection aborted"),
    /** Connection reset. */
    RST(-14, "connection reset"),
    /** Connection closed. */
    CLSD(-15, "connection closed"),
    /** Illegal argument. */
    ARG(-16, "illegal argument");

    private final int code;
    private final String text;

    Err(int code, String text) {
        this.code = code;
        this.text = text;
    }

    /** The numeric {@code err_t} value. */
    public int code() {
        return code;
    }

    /** lwIP's {@code lwip_strerr} text. */
    public String text() {
        return text;
    }

    /** True for {@link #OK}. */
    public boolean ok() {
        return this == OK;
    }
}
