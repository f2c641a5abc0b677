package org.lwip4j.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ImpairmentsTest {
    @Test
    void noneChangesNothing() {
        assertTrue(Impairments.NONE.isNone());
        assertEquals(0, Impairments.NONE.rateBitsPerSecond());
        assertEquals(Impairments.DEFAULT_QUEUE_LIMIT, Impairments.NONE.queueLimit());
        assertFalse(Impairments.builder().delay(Duration.ofNanos(1)).build().isNone());
        assertFalse(Impairments.builder().rate(1).build().isNone());
    }

    @Test
    void builderRoundTrips() {
        Impairments i = Impairments.builder().loss(0.1).delay(Duration.ofMillis(3), Duration.ofMillis(1))
                .reorder(0.2, Duration.ofMillis(4)).duplicate(0.05).corrupt(0.01).rate(10_000_000, 64).build();
        assertEquals(i, i.toBuilder().build());
        assertEquals(Duration.ofMillis(4), i.reorderDelay());
        assertEquals(64, i.queueLimit());
        assertEquals(0.3, i.toBuilder().loss(0.3).build().loss());
    }

    @Test
    void valuesOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Impairments.builder().loss(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> Impairments.builder().loss(Double.NaN).build());
        assertThrows(IllegalArgumentException.class, () -> Impairments.builder().duplicate(-0.1).build());
        assertThrows(IllegalArgumentException.class, () -> Impairments.builder().delay(Duration.ofMillis(-1)).build());
        assertThrows(IllegalArgumentException.class, () -> Impairments.builder().reorder(0.5, Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class, () -> Impairments.builder().rate(-1).build());
        assertThrows(IllegalArgumentException.class, () -> Impairments.builder().rate(1000, 0).build());
    }
}
