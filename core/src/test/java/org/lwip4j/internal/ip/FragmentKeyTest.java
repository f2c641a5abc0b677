package org.lwip4j.internal.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The reassembly key: one per family, never matching the other's (RFC 791 §3.2, RFC 8200 §4.5). */
final class FragmentKeyTest {
    @Test
    void keysOfTheTwoFamiliesNeverMatch() {
        FragmentKey v4 = new FragmentKey();
        v4.setIpv4(0x0a000001, 0x0a000002, 17, 5);
        FragmentKey v6 = new FragmentKey();
        v6.setIpv6(0, 0x0a000001L, 0, 0x0a000002L, 5);
        assertFalse(v4.matches(v6));
        assertFalse(v6.matches(v4));
        FragmentKey copy = new FragmentKey();
        assertFalse(copy.matches(v4), "an unset key matches nothing set");
        copy.copyFrom(v4);
        assertTrue(copy.matches(v4));
        FragmentKey otherProtocol = new FragmentKey();
        otherProtocol.setIpv4(0x0a000001, 0x0a000002, 6, 5);
        assertFalse(otherProtocol.matches(v4), "IPv4 keys on the protocol (RFC 791 §3.2)");
        FragmentKey negativeAddress = new FragmentKey();
        negativeAddress.setIpv4(0xc0a80001, 0x0a000002, 17, 5);
        FragmentKey same = new FragmentKey();
        same.setIpv4(0xc0a80001, 0x0a000002, 17, 5);
        assertTrue(negativeAddress.matches(same));
        assertEquals(4, same.version());
        assertEquals(6, v6.version());
        assertEquals(5, v6.ident());
    }
}
