package org.lwip4j.internal.ip;

import org.lwip4j.stack.StackContext;

/**
 * The token bucket that bounds the ICMP errors one family sends (RFC 1812 §4.3.2.8 for
 * ICMPv4, RFC 4443 §2.4 (f) for ICMPv6): at most {@code rate} per second on average, in
 * bursts of at most {@code burst}; a rate of 0 means no limit (lwIP has none). Time is the
 * stack's clock. On the loop.
 */
public final class IcmpRateLimiter {
    private final StackContext ctx;
    private final long tokenNanos;
    private final int burst;
    private long tokens;
    private long lastRefill;

    /** A full bucket of {@code burst} tokens refilled at {@code rate} per second. */
    public IcmpRateLimiter(StackContext ctx, int rate, int burst) {
        this.ctx = ctx;
        this.tokenNanos = rate == 0 ? 0 : 1_000_000_000L / rate;
        this.burst = burst;
        this.tokens = burst;
        this.lastRefill = ctx.now();
    }

    /** Takes a token: true when an error may be sent now. */
    public boolean take() {
        if (tokenNanos == 0) {
            return true;
        }
        long now = ctx.now();
        long elapsed = now - lastRefill;
        if (elapsed >= tokenNanos) {
            long add = elapsed / tokenNanos;
            tokens = Math.min(burst, tokens + add);
            lastRefill += add * tokenNanos;
        }
        if (tokens <= 0) {
            return false;
        }
        tokens--;
        return true;
    }
}
