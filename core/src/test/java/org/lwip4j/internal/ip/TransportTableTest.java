package org.lwip4j.internal.ip;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.lwip4j.ip.TransportInput;

/** One family's transports by IP protocol number: 0..255, each taken once, never replaced. */
final class TransportTableTest {
    @Test
    void transportNumbersAre0To255AndTakenOnce() {
        TransportTable t = new TransportTable();
        TransportInput in = (p, i) -> p.free();
        assertThrows(IllegalArgumentException.class, () -> t.register(-1, in, null));
        assertThrows(IllegalArgumentException.class, () -> t.register(256, in, null));
        assertThrows(NullPointerException.class, () -> t.register(5, null, null));
        t.register(0, in, null);
        t.register(255, in, e -> { });
        assertThrows(IllegalStateException.class, () -> t.register(255, in, null));
        assertSame(in, t.input(0));
        assertSame(in, t.input(255));
        assertSame(in, t.input(-1), "the low 8 bits: 255");
        assertNull(t.errors(0));
        assertNull(t.input(1));
    }
}
