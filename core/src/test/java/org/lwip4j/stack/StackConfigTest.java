package org.lwip4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StackConfigTest {
    @Test
    void lwipDefaultsAreOptH() {
        StackConfig c = StackConfig.lwipDefaults();
        assertEquals(16, c.pbufs().poolSize());
        assertEquals(10, c.arp().tableSize());
        assertEquals(3, c.arp().queueLen());
        assertEquals(255, c.ip4().defaultTtl());
        assertEquals(Duration.ofSeconds(15), c.ip4().reassMaxAge());
        assertEquals(10, c.ip4().reassMaxPbufs());
        assertEquals(5, c.ip4().memNumReassData());
        assertEquals(4, c.udp().memNumPcb());
        assertEquals(0xc000, c.udp().localPortStart());
    }

    @Test
    void jvmDefaultsReassembleA64KDatagramAtMtu576() {
        StackConfig c = StackConfig.defaults();
        // 65535 bytes in fragments of 552 payload bytes: 119 fragments.
        assertTrue(c.ip4().reassMaxPbufs() >= 119);
        assertTrue(c.pbufs().poolSize() >= 119 * 2);
    }

    @Test
    void badValuesNameTheirOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StackConfig.builder().arpTableSize(0).build());
        assertTrue(e.getMessage().contains("ARP_TABLE_SIZE"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StackConfig.builder().ipDefaultTtl(256).build());
        assertTrue(e.getMessage().contains("IP_DEFAULT_TTL"), e.getMessage());
    }

    @Test
    void toBuilderRoundTrips() {
        StackConfig c = StackConfig.builder().ipForward(true).udpTtl(9).build();
        assertEquals(c, c.toBuilder().build());
    }
}
