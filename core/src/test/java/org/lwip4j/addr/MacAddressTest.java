package org.lwip4j.addr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {
    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource({
        "52:54:00:12:34:01, 52:54:00:12:34:01",
        "52-54-00-12-34-01, 52:54:00:12:34:01",
        "02:00:5E:00:00:FB, 02:00:5e:00:00:fb",
        "2:0:5e:0:0:fb, 02:00:5e:00:00:fb",
        "ff:ff:ff:ff:ff:ff, ff:ff:ff:ff:ff:ff",
    })
    void valid(String text, String canonical) {
        MacAddress m = MacAddress.parse(text);
        assertEquals(canonical, m.toString());
        assertEquals(m, MacAddress.parse(m.toString()));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "", "52:54:00:12:34", "52:54:00:12:34:01:02", "52:54:00:12:34:", ":52:54:00:12:34:01", "52:54:00:12:34:01:",
        "52:54-00:12:34:01", "52-54-00-12-34:01", "525:4:00:12:34:01", "52:54:00:12:34:001", "52::00:12:34:01",
        "+2:54:00:12:34:01", "52:54:00:12:34:+1", "5g:54:00:12:34:01", "\uff15\uff12:54:00:12:34:01",
        " 52:54:00:12:34:01", "52:54:00:12:34:01 ", "52.54.00.12.34.01", "525400123401",
    })
    void invalid(String text) {
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
    }

    @Test
    void bitsAndBytes() {
        MacAddress m = MacAddress.parse("01:00:5e:00:00:16");
        assertEquals(0x01005e000016L, m.bits());
        assertTrue(m.isMulticast());
        assertFalse(m.isBroadcast());
        assertTrue(MacAddress.BROADCAST.isBroadcast());
        assertArrayEquals(new byte[] {1, 0, 0x5e, 0, 0, 0x16}, m.toBytes());
        assertEquals(m, MacAddress.of(m.toBytes()));
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(1L << 48));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(new byte[5]));
    }

    @Test
    void derivedAddressesAreStableLocalUnicast() {
        MacAddress a = MacAddress.derivedFrom("device-1");
        assertEquals(a, MacAddress.derivedFrom("device-1"));
        assertNotEquals(a, MacAddress.derivedFrom("device-2"));
        assertFalse(a.isMulticast());
        assertEquals(0x02L, (a.bits() >>> 40) & 0x02L); // locally administered
    }
}
