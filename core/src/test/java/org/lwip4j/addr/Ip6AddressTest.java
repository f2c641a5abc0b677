package org.lwip4j.addr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CONFORMANCE 29: {@link Ip6Address#parse} is glibc's inet_pton; toString is RFC 5952. */
class Ip6AddressTest {
    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '>', value = {
        ":: > ::",
        "::1 > ::1",
        "1:: > 1::",
        "0::0 > ::",
        "::0:0 > ::",
        "0:0:0:0:0:0:0:0 > ::",
        "1:0:0:0:0:0:0:0 > 1::",
        "1:2:3:4:5:6:7:8 > 1:2:3:4:5:6:7:8",
        // '::' may stand for a single zero group (glibc accepts both ends)
        "1:2:3:4:5:6:7:: > 1:2:3:4:5:6:7:0",
        "::2:3:4:5:6:7:8 > 0:2:3:4:5:6:7:8",
        "FE80::ABCD > fe80::abcd",
        "fe80:0:0:0:0:0:0:1 > fe80::1",
        "2001:0db8:0000:0000:0000:0000:0000:0001 > 2001:db8::1",
        // embedded IPv4 (RFC 4291 §2.2 form 3)
        "::ffff:1.2.3.4 > ::ffff:1.2.3.4",
        "::FFFF:0.0.0.0 > ::ffff:0.0.0.0",
        "::1.2.3.4 > ::102:304",
        "1:2:3:4:5:6:1.2.3.4 > 1:2:3:4:5:6:102:304",
        "64:ff9b::192.0.2.33 > 64:ff9b::c000:221",
        // RFC 5952 §4 examples and rules
        "2001:db8:0:0:1:0:0:1 > 2001:db8::1:0:0:1",
        "2001:0db8::0001 > 2001:db8::1",
        "2001:db8:0:0:0:0:2:1 > 2001:db8::2:1",
        "2001:db8:0:1:1:1:1:1 > 2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1 > 2001:0:0:1::1",
        "1:0:0:2:0:0:3:4 > 1::2:0:0:3:4",
        "0:0:0:0:0:1:0:0 > ::1:0:0",
        "2001:DB8::A > 2001:db8::a",
        "::ffff:0:1.2.3.4 > ::ffff:0:102:304",
        // zones (numeric netif index)
        "fe80::1%3 > fe80::1%3",
        "::%7 > ::%7",
        "fe80::1%000000012 > fe80::1%12",
    })
    void valid(String text, String rfc5952) {
        Ip6Address a = Ip6Address.parse(text);
        assertEquals(rfc5952, a.toString());
        assertEquals(a, Ip6Address.parse(a.toString()));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "", ":", ":::", "1:::", ":::1", "1:2:3:4:5:6:7:8:9", "1::2::3", "::1::", "12345::", "00001::", "::12345",
        "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4::5:6:7:8", "1:2:3:4:5:6:7", ":1::2", "1::2:", "1:",
        "1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1:2:3:4:5:6:1.2.3.4", "::ffff:01.2.3.4", "::ffff:1.2.3",
        "::ffff:1.2.3.4.5", "::ffff:256.2.3.4", "::ffff:1.2.3.4:5", "1::.1.2.3", "::ffff:a.2.3.4",
        "::ffff:1.2.3.4.", "::ffff:.1.2.3", "::ffff:1..2.3", "g::", "1::x", " ::1", "::1 ", "::1\0",
        "\uff11::", "1::\u0661", "1::\u00b2",
        "fe80::1%", "%3", "fe80::1%x", "fe80::1%3%4", "fe80::1%1234567890", "fe80::1%-1", "fe80::1%+1",
    })
    void invalid(String text) {
        assertThrows(IllegalArgumentException.class, () -> Ip6Address.parse(text));
    }

    @Test
    void zoneAndBytes() {
        Ip6Address a = Ip6Address.parse("fe80::1%3");
        assertEquals(3, a.zone());
        assertTrue(a.isLinkLocal());
        assertEquals(Ip6Address.parse("fe80::1").withZone(3), a);
        byte[] b = new byte[16];
        b[0] = (byte) 0xfe;
        b[1] = (byte) 0x80;
        b[15] = 1;
        assertArrayEquals(b, a.toBytes());
        assertEquals(a, Ip6Address.of(b, 3));
        assertEquals(0xfe80, a.group(0));
        assertEquals(1, a.group(7));
        assertTrue(Ip6Address.parse("ff02::1").isMulticast());
        assertTrue(Ip6Address.parse("::1").isLoopback());
        assertTrue(Ip6Address.parse("::").isAny());
    }

    private static Ip6Address randomAddress(SplittableRandom rnd) {
        long hi = 0;
        long lo = 0;
        int zeroBias = rnd.nextInt(4);
        for (int i = 0; i < 8; i++) {
            int g = rnd.nextInt(4) <= zeroBias ? 0 : rnd.nextInt(3) == 0 ? rnd.nextInt(16) : rnd.nextInt(0x10000);
            if (i < 4) {
                hi = hi << 16 | g;
            } else {
                lo = lo << 16 | g;
            }
        }
        if (rnd.nextInt(10) == 0) {
            hi = 0;
            lo = 0xffff_0000_0000L | (lo & 0xffff_ffffL); // IPv4-mapped
        }
        return new Ip6Address(hi, lo, 0);
    }

    @Test
    void toStringParsesBack() {
        SplittableRandom rnd = new SplittableRandom(5952);
        for (int i = 0; i < 20_000; i++) {
            Ip6Address a = randomAddress(rnd).withZone(rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(100) : 0);
            assertEquals(a, Ip6Address.parse(a.toString()), a::toString);
        }
    }

    @Test
    void toStringAgreesWithGlibcInetNtop() {
        Glibc libc = Glibc.load().orElse(null);
        Assumptions.assumeTrue(libc != null, "needs Linux with glibc");
        SplittableRandom rnd = new SplittableRandom(4291);
        for (int i = 0; i < 20_000; i++) {
            Ip6Address a = randomAddress(rnd);
            // glibc also prints deprecated IPv4-compatible addresses (::a.b.c.d, RFC 4291
            // §2.5.5.1) in dotted form; RFC 5952 §5 names only well-known embedding prefixes.
            boolean compatible = a.hi() == 0 && (a.lo() >>> 32) == 0 && ((a.lo() >>> 16) & 0xffff) != 0;
            if (!compatible) {
                assertEquals(libc.inetNtop6(a.toBytes()), a.toString());
            }
        }
    }

    /** Text near an IPv6 address: random groups, '::', dotted tails, random damage. */
    static String candidate(SplittableRandom rnd) {
        if (rnd.nextInt(4) == 0) {
            String alphabet = "0123456789abcdefABCDEF::::..";
            StringBuilder sb = new StringBuilder();
            for (int n = rnd.nextInt(24); n > 0; n--) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            return sb.toString();
        }
        StringBuilder sb = new StringBuilder();
        int groups = rnd.nextInt(10);
        int gap = rnd.nextInt(3) == 0 ? -1 : rnd.nextInt(groups + 1);
        for (int g = 0; g < groups; g++) {
            if (g == gap) {
                sb.append("::");
            } else if (g > 0) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(rnd.nextInt(3) == 0 ? rnd.nextInt(16) : rnd.nextInt(0x20000)));
        }
        if (gap == groups) {
            sb.append("::");
        }
        if (rnd.nextInt(4) == 0) {
            sb.append(sb.isEmpty() || sb.charAt(sb.length() - 1) == ':' ? "" : ":");
            for (int p = 0; p < 3 + rnd.nextInt(2); p++) {
                sb.append(p > 0 ? "." : "").append(rnd.nextInt(10) == 0 ? "0" + rnd.nextInt(10) : rnd.nextInt(270));
            }
        }
        if (rnd.nextInt(8) == 0 && !sb.isEmpty()) {
            sb.setCharAt(rnd.nextInt(sb.length()), ":.0fg".charAt(rnd.nextInt(5)));
        }
        return sb.toString();
    }

    @Test
    void agreesWithGlibcInetPton() {
        Glibc libc = Glibc.load().orElse(null);
        Assumptions.assumeTrue(libc != null, "needs Linux with glibc");
        SplittableRandom rnd = new SplittableRandom(2373);
        int valid = 0;
        for (int i = 0; i < 30_000; i++) {
            String s = candidate(rnd);
            byte[] theirs = libc.inetPton6(s);
            Ip6Address ours;
            try {
                ours = Ip6Address.parse(s);
            } catch (IllegalArgumentException e) {
                ours = null;
            }
            if (theirs == null) {
                assertNull(ours, () -> "glibc refuses \"" + s + "\"");
            } else {
                valid++;
                Ip6Address o = ours;
                assertTrue(o != null, () -> "glibc accepts \"" + s + "\"");
                assertArrayEquals(theirs, o.toBytes(), () -> "\"" + s + "\"");
            }
        }
        assertTrue(valid > 2_000, "too few valid candidates to mean anything: " + valid);
    }
}
