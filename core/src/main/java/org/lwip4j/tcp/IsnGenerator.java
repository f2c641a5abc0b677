package org.lwip4j.tcp;

import java.util.SplittableRandom;

/**
 * Initial sequence numbers as RFC 6528 §3 wants them: {@code ISN = M + F(localip,
 * localport, remoteip, remoteport, secretkey)}, where M is a timer that ticks every 4
 * microseconds (RFC 9293 §3.4.1) and F is SipHash-2-4 keyed by a secret drawn once per
 * stack. Distinct connections get unpredictable, unrelated ISNs; successive incarnations
 * of one connection get ISNs that keep growing with the clock, so old duplicates are
 * unlikely to fall into the new window.
 *
 * <p>Addresses are passed as two longs (the high and low 64 bits of an IPv6 address); an
 * IPv4 address is hashed as its IPv4-mapped IPv6 form (RFC 4291 §2.5.5.2), so both families
 * share one generator without colliding. The time is passed by the caller (the stack's
 * clock), which keeps this a function of its inputs. Allocates nothing; one event loop.
 */
final class IsnGenerator {
    /** Nanoseconds per tick of M (RFC 6528 §3: a 4-microsecond timer). */
    public static final long TICK_NANOS = 4_000;

    private final SipHash f;

    /** A generator whose secret key is drawn from {@code random} (the stack's seeded source). */
    public IsnGenerator(SplittableRandom random) {
        this(random.nextLong(), random.nextLong());
    }

    /** A generator with the given 128-bit secret key (tests). */
    IsnGenerator(long k0, long k1) {
        this.f = new SipHash(k0, k1);
    }

    /** M: the 4-microsecond timer at {@code nanos}, modulo 2^32. */
    public static int timer(long nanos) {
        return (int) Math.floorDiv(nanos, TICK_NANOS);
    }

    /**
     * The ISN for a connection from local {@code (localHi:localLo, localPort)} to remote
     * {@code (remoteHi:remoteLo, remotePort)} at time {@code nanos}.
     */
    public int isn(long nanos, long localHi, long localLo, int localPort, long remoteHi, long remoteLo,
            int remotePort) {
        return timer(nanos) + secretHash(localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
    }

    /** As {@link #isn(long, long, long, int, long, long, int)} for IPv4 addresses. */
    public int isn(long nanos, int localIp, int localPort, int remoteIp, int remotePort) {
        return isn(nanos, 0, mapped(localIp), localPort, 0, mapped(remoteIp), remotePort);
    }

    /** F: the keyed hash of the connection identifier, 32 bits of it. */
    int secretHash(long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort) {
        return (int) f.start().word(localHi).word(localLo).word(remoteHi).word(remoteLo)
                .word(((long) (localPort & 0xffff) << 16) | (remotePort & 0xffff)).finish();
    }

    /** The low 64 bits of the IPv4-mapped IPv6 address {@code ::ffff:ip}. */
    static long mapped(int ip) {
        return 0xffff_0000_0000L | (ip & 0xffffffffL);
    }
}
