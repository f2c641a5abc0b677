package org.lwip4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.lwip4j.internal.ip.IpInfoWriter;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.testing.ApiSurface;

/**
 * Pins the public API of {@code org.lwip4j.core} (docs/DESIGN.md "API"): the listing of its
 * exported packages must match {@code src/test/resources/api/core-api.txt}, and no exported
 * type hands out a type from a package the module does not export.
 */
class ApiSurfaceTest {
    private final ApiSurface api = ApiSurface.of(Stack.class);

    @Test
    void listingMatchesTheCheckedInFile() throws Exception {
        assertNull(api.compareWith("api/core-api.txt"));
    }

    @Test
    void noExportedTypeExposesAnInternalType() {
        assertEquals(List.of(), api.leaks(Set.of()));
    }

    @Test
    void theLeakCheckFindsATypeOfAnUnexportedPackage() {
        List<String> leaks = api.without("org.lwip4j.buffer").leaks(Set.of());
        assertTrue(leaks.contains("org.lwip4j.Stack: public org.lwip4j.buffer.Pbuf org.lwip4j.Stack.pbuf(byte[])"
                + " -> org.lwip4j.buffer.Pbuf"), leaks.toString());
    }

    @Test
    void theInternalPackagesAreNotExported() {
        assertEquals("org.lwip4j.core", api.moduleName());
        assertTrue(api.packages().contains(IpInfoWriter.class.getPackageName()));
        assertFalse(api.exportedPackages().contains(IpInfoWriter.class.getPackageName()));
        List<String> internal = api.packages().stream().filter(p -> p.startsWith("org.lwip4j.internal")).toList();
        assertEquals(List.of("org.lwip4j.internal.ip"), internal);
        for (String p : api.exportedPackages()) {
            assertFalse(p.startsWith("org.lwip4j.internal"), p + " is exported");
        }
    }

    @Test
    void onlyTheStackFillsAnIpInfo() {
        // The setters are protected for the stack's own subclass in the unexported package.
        assertThrows(UnsupportedOperationException.class, () -> new IpInfo() {});
        assertEquals(IpInfo.class, IpInfoWriter.class.getSuperclass());
    }

    @Test
    void protocolConstructorsAreNotApi() {
        List<String> lines = api.lines();
        for (String protocol : List.of("ip.Ip", "ipv4.Arp", "ipv4.Ipv4", "ipv6.Ipv6", "udp.Udp", "raw.Raw", "tcp.Tcp")) {
            String name = "org.lwip4j." + protocol;
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(name + ": ")), name + " is API");
            assertFalse(lines.stream().anyMatch(l -> l.startsWith(name + ": " + name + "(") || l.contains(" " + name + "(")),
                    name + " has a public constructor");
        }
    }
}
