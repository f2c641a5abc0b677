package org.lwip4j.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;

/** What an {@link IcmpError} says of itself: the kind of error and how much of the quoted header came back. */
class IcmpErrorTest {
    private static final Ip4Address A = Ip4Address.parse("10.0.0.1");
    private static final Ip4Address B = Ip4Address.parse("10.0.0.9");

    @Test
    void anErrorKnownOnlyByItsPortsQuotesFourBytes() {
        IcmpError e = new IcmpError(4, 3, 3, B, A, 4000, B, 53, 0);
        assertEquals(4, e.quotedLen());
        assertEquals(4000L << 48 | 53L << 32, e.quotedHeader(), "the ports in the high bytes, zero beyond");
        assertFalse(e.hasSecondWord(), "no sequence number to check (RFC 5927 §4.1)");
        IcmpError high = new IcmpError(4, 3, 3, B, A, 0xffff, B, 0x8000, 0);
        assertEquals(0xffffL << 48 | 0x8000L << 32, high.quotedHeader(), "ports are unsigned 16-bit fields");
    }

    @Test
    void eightQuotedBytesCarryTheSecondWord() {
        IcmpError e = new IcmpError(4, 3, 3, B, A, 4000, B, 80, 0, 8, 4000L << 48 | 80L << 32 | 0xdeadbeefL);
        assertTrue(e.hasSecondWord());
        assertEquals(0xdeadbeef, e.secondWord());
    }

    @Test
    void portUnreachableIsThreeThreeForIpv4AndOneFourForIpv6() {
        assertTrue(new IcmpError(4, 3, 3, B, A, 1, B, 2, 0).isPortUnreachable());
        assertFalse(new IcmpError(4, 3, 1, B, A, 1, B, 2, 0).isPortUnreachable(), "host unreachable");
        assertFalse(new IcmpError(4, 1, 4, B, A, 1, B, 2, 0).isPortUnreachable(), "ICMPv6's numbers over IPv4");
        Ip6Address a6 = Ip6Address.parse("fd00::1");
        Ip6Address b6 = Ip6Address.parse("fd00::9");
        assertTrue(new IcmpError(6, 1, 4, b6, a6, 1, b6, 2, 0).isPortUnreachable());
        assertFalse(new IcmpError(6, 1, 3, b6, a6, 1, b6, 2, 0).isPortUnreachable(), "address unreachable");
        assertFalse(new IcmpError(6, 3, 3, b6, a6, 1, b6, 2, 0).isPortUnreachable(), "ICMPv4's numbers over IPv6");
    }
}
