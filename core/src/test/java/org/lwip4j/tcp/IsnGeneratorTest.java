package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsnGeneratorTest {
    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;
    private static final int LOCAL = 0x0a090001;
    private static final int REMOTE = 0x0a090002;

    private final IsnGenerator g = new IsnGenerator(K0, K1);

    @Test
    void timerTicksEveryFourMicroseconds() {
        assertEquals(0, IsnGenerator.timer(0));
        assertEquals(0, IsnGenerator.timer(3_999));
        assertEquals(1, IsnGenerator.timer(4_000));
        assertEquals(250_000, IsnGenerator.timer(1_000_000_000L));
        // Before the clock's origin the timer keeps counting down, not towards zero.
        assertEquals(-1, IsnGenerator.timer(-1));
        assertEquals(-1, IsnGenerator.timer(-4_000));
        assertEquals(-2, IsnGenerator.timer(-4_001));
        // Modulo 2^32: it wraps after about 4.77 hours.
        assertEquals(0, IsnGenerator.timer(IsnGenerator.TICK_NANOS << 32));
        assertEquals(-1, IsnGenerator.timer((IsnGenerator.TICK_NANOS << 32) - 1));
    }

    @Test
    void isnIsTimerPlusKeyedHash() {
        // RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey).
        int f = g.isn(0, LOCAL, 80, REMOTE, 40000);
        assertEquals(f + 1, g.isn(4_000, LOCAL, 80, REMOTE, 40000));
        assertEquals(f + 250_000, g.isn(1_000_000_000L, LOCAL, 80, REMOTE, 40000));
        // Across the wrap of 2^32 the ISN keeps growing modulo 2^32.
        long t = (IsnGenerator.TICK_NANOS << 32) - IsnGenerator.TICK_NANOS;
        assertEquals(f - 1, g.isn(t, LOCAL, 80, REMOTE, 40000));
        assertEquals(f, g.isn(t + IsnGenerator.TICK_NANOS, LOCAL, 80, REMOTE, 40000));
        assertEquals(1, g.isn(t + IsnGenerator.TICK_NANOS * 2, LOCAL, 80, REMOTE, 40000)
                - g.isn(t + IsnGenerator.TICK_NANOS, LOCAL, 80, REMOTE, 40000));
    }

    @Test
    void fIsSipHashOfTheIdentifierLaidOutAsWords() {
        // The message: local high, local low, remote high, remote low, then the two ports,
        // each as a little-endian 64-bit word; IPv4 addresses in their mapped form.
        ByteBuffer m = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        m.putLong(0).putLong(0xffff_0a09_0001L).putLong(0).putLong(0xffff_0a09_0002L).putLong(0x0050_9c40L);
        long expected = new SipHash(K0, K1).hash(m.array(), 0, 40);
        assertEquals((int) expected, g.isn(0, LOCAL, 80, REMOTE, 40000));
        assertEquals((int) expected, g.secretHash(0, 0xffff_0a09_0001L, 80, 0, 0xffff_0a09_0002L, 40000));
    }

    @Test
    void ipv4IsTheMappedIpv6Address() {
        assertEquals(0xffff_0a09_0001L, IsnGenerator.mapped(LOCAL));
        assertEquals(0xffff_ffff_ffffL, IsnGenerator.mapped(-1));
        assertEquals(g.isn(123, 0, 0xffff_0a09_0001L, 80, 0, 0xffff_0a09_0002L, 40000),
                g.isn(123, LOCAL, 80, REMOTE, 40000));
        // Not the same as the IPv6 address ::10.9.0.1 (IPv4-compatible, no ffff).
        assertNotEquals(g.isn(123, 0, 0x0a09_0001L, 80, 0, 0x0a09_0002L, 40000),
                g.isn(123, LOCAL, 80, REMOTE, 40000));
    }

    @Test
    void everyPartOfTheIdentifierMatters() {
        long hi = 0x2001_0db8_0000_0000L;
        Set<Integer> seen = new HashSet<>();
        seen.add(g.isn(0, hi, 1, 80, hi, 2, 40000));
        seen.add(g.isn(0, hi + 1, 1, 80, hi, 2, 40000));
        seen.add(g.isn(0, hi, 3, 80, hi, 2, 40000));
        seen.add(g.isn(0, hi, 1, 81, hi, 2, 40000));
        seen.add(g.isn(0, hi, 1, 80, hi + 1, 2, 40000));
        seen.add(g.isn(0, hi, 1, 80, hi, 3, 40000));
        seen.add(g.isn(0, hi, 1, 80, hi, 2, 40001));
        // The reverse direction is another connection.
        seen.add(g.isn(0, hi, 2, 40000, hi, 1, 80));
        assertEquals(8, seen.size());
    }

    @Test
    void portsAre16Bits() {
        assertEquals(g.isn(0, LOCAL, 80, REMOTE, 40000), g.isn(0, LOCAL, 0x10050, REMOTE, 0xf9c40));
    }

    @Test
    void theSecretComesFromTheStackRandom() {
        IsnGenerator a = new IsnGenerator(new SplittableRandom(42));
        IsnGenerator b = new IsnGenerator(new SplittableRandom(42));
        IsnGenerator c = new IsnGenerator(new SplittableRandom(43));
        assertEquals(a.isn(5, LOCAL, 80, REMOTE, 40000), b.isn(5, LOCAL, 80, REMOTE, 40000));
        assertNotEquals(a.isn(5, LOCAL, 80, REMOTE, 40000), c.isn(5, LOCAL, 80, REMOTE, 40000));
        SplittableRandom r = new SplittableRandom(42);
        IsnGenerator d = new IsnGenerator(r.nextLong(), r.nextLong());
        assertEquals(a.isn(5, LOCAL, 80, REMOTE, 40000), d.isn(5, LOCAL, 80, REMOTE, 40000));
    }
}
