package org.lwip4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.lwip4j.addr.Glibc;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.MacAddress;

/**
 * Jazzer fuzz tests for the address parsers: only {@link IllegalArgumentException} may
 * escape; an accepted text prints as text that parses back to the same address; and, on
 * Linux with glibc, acceptance and value agree with the C library (differential).
 */
class AddressFuzzTest {
    @BeforeAll
    static void regressionModeWithoutHooks() {
        RegressionMode.configure();
    }

    private final Optional<Glibc> libc = Glibc.load();

    private static <T> T parseOrNull(java.util.function.Function<String, T> parse, String s) {
        try {
            return parse.apply(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Text C would see the same way: no NUL, no white space (glibc's inet_aton stops there). */
    private static boolean plainAscii(String s) {
        return s.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    @FuzzTest
    void ip4Address(FuzzedDataProvider data) {
        String s = data.consumeRemainingAsString();
        Ip4Address a = parseOrNull(Ip4Address::parse, s);
        if (a != null) {
            assertEquals(a, Ip4Address.parse(a.toString()));
        }
        if (libc.isPresent() && plainAscii(s)) {
            long theirs = libc.get().inetAton(s);
            assertEquals(theirs, a == null ? -1 : Integer.toUnsignedLong(a.bits()), () -> "inet_aton(\"" + s + "\")");
        }
    }

    @FuzzTest
    void ip6Address(FuzzedDataProvider data) {
        String s = data.consumeRemainingAsString();
        Ip6Address a = parseOrNull(Ip6Address::parse, s);
        if (a != null) {
            assertEquals(a, Ip6Address.parse(a.toString()));
        }
        if (libc.isPresent() && plainAscii(s) && s.indexOf('%') < 0) {
            byte[] theirs = libc.get().inetPton6(s);
            if (theirs == null) {
                assertNull(a, () -> "glibc refuses \"" + s + "\"");
            } else {
                assertArrayEquals(theirs, a == null ? null : a.toBytes(), () -> "inet_pton(\"" + s + "\")");
            }
        }
    }

    @FuzzTest
    void macAddress(FuzzedDataProvider data) {
        String s = data.consumeRemainingAsString();
        MacAddress m = parseOrNull(MacAddress::parse, s);
        if (m != null) {
            assertEquals(m, MacAddress.parse(m.toString()));
        }
    }
}
