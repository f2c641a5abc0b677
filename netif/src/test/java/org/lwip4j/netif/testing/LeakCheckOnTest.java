package org.lwip4j.netif.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lwip4j.testing.LeakDetector;

/** The pbuf leak check (core's test jar) watches this module's tests. */
class LeakCheckOnTest {
    @Test
    void thePbufLeakCheckWatchesThisModulesTests() {
        String watching = LeakDetector.installed().watching();
        assertTrue(watching.endsWith("[class:org.lwip4j.netif.testing.LeakCheckOnTest]/[method:thePbufLeakCheckWatchesThisModulesTests()]"), watching);
    }
}
