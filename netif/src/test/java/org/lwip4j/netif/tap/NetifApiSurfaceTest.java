package org.lwip4j.netif.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.lwip4j.Stack;
import org.lwip4j.testing.ApiSurface;
import org.junit.jupiter.api.Test;

/**
 * Pins the public API of {@code org.lwip4j.netif} (docs/DESIGN.md "API"): the listing of its
 * exported packages must match {@code src/test/resources/api/netif-api.txt}, and its public
 * signatures name only exported types (its own or core's).
 */
class NetifApiSurfaceTest {
    private final ApiSurface api = ApiSurface.of(TapDriver.class);

    @Test
    void listingMatchesTheCheckedInFile() throws Exception {
        assertEquals("org.lwip4j.netif", api.moduleName());
        assertNull(api.compareWith("api/netif-api.txt"));
    }

    @Test
    void noExportedTypeExposesAnInternalType() {
        assertEquals(List.of(), api.leaks(ApiSurface.of(Stack.class).exportedPackages()));
    }
}
