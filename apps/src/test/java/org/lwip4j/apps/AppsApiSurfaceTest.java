package org.lwip4j.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.lwip4j.Stack;
import org.lwip4j.testing.ApiSurface;
import org.junit.jupiter.api.Test;

/**
 * Pins the public API of {@code org.lwip4j.apps} (docs/DESIGN.md "API"): the listing of its
 * exported packages must match {@code src/test/resources/api/apps-api.txt}, and its public
 * signatures name only exported types (its own or core's).
 */
class AppsApiSurfaceTest {
    private final ApiSurface api = ApiSurface.of(Echo.class);

    @Test
    void listingMatchesTheCheckedInFile() throws Exception {
        assertEquals("org.lwip4j.apps", api.moduleName());
        assertNull(api.compareWith("api/apps-api.txt"));
    }

    @Test
    void noExportedTypeExposesAnInternalType() {
        assertEquals(List.of(), api.leaks(ApiSurface.of(Stack.class).exportedPackages()));
    }
}
