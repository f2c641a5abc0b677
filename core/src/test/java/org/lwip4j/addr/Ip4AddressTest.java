package org.lwip4j.addr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CONFORMANCE 29: {@link Ip4Address#parse} is inet_aton (glibc's exact form). */
class Ip4AddressTest {
    @ParameterizedTest(name = "\"{0}\" = {1}")
    @CsvSource(delimiter = '=', value = {
        "1.2.3.4 = 1.2.3.4",
        "255.255.255.255 = 255.255.255.255",
        "0 = 0.0.0.0",
        "00 = 0.0.0.0",
        "0x0 = 0.0.0.0",
        // one part: 32 bits
        "4294967295 = 255.255.255.255",
        "0xffffffff = 255.255.255.255",
        "037777777777 = 255.255.255.255",
        "0x7f000001 = 127.0.0.1",
        // two parts: 8 + 24 bits
        "1.16777215 = 1.255.255.255",
        "0x7f.1 = 127.0.0.1",
        "10.1 = 10.0.0.1",
        "0xff.0xffffff = 255.255.255.255",
        "1.0xffff = 1.0.255.255",
        // three parts: 8 + 8 + 16 bits
        "1.2.65535 = 1.2.255.255",
        "1.2.0xff = 1.2.0.255",
        // octal and hex in any part
        "010.0.0.1 = 8.0.0.1",
        "1.2.3.0377 = 1.2.3.255",
        "0X1F.0.0.1 = 31.0.0.1",
        "0xA.0xb.0XC.0Xd = 10.11.12.13",
        // leading zeros are unbounded, as with strtoul
        "0x000000000000000000000000000000000000000000000000000000000000000000000000000000001 = 0.0.0.1",
        "00000000000000000000000000000000000000000000000000000000000000000000010.1 = 8.0.0.1",
    })
    void valid(String text, String dotted) {
        assertEquals(dotted, Ip4Address.parse(text).toString());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "", " ", "1.2.3.256", "1.2.65536", "1.16777216", "4294967296", "040000000000", "256.1", "1.256.1",
        "1.2.3.0x100", "1.2.3.0400", "9999999999999999999999999",
        "08.0.0.1", "09", "1.2.3.08", "0x", "0x.1", "0xg", "1e3",
        "1..2", ".1.2.3", "1.2.3.4.", "1.2.3.4.5", "1.2.3.", ".",
        " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\t", "1.2.3.4 x", "1. 2.3.4",
        "+1.2.3.4", "1.-2.3.4", "-1", "1.2.3.4\0", "\uff11.2.3.4", "1.2.3.\u0664", "a.b.c.d", "::1",
    })
    void invalid(String text) {
        assertThrows(IllegalArgumentException.class, () -> Ip4Address.parse(text));
        assertEquals(-1, Ip4Address.parseAton(text));
    }

    @Test
    void nullIsInvalid() {
        assertThrows(IllegalArgumentException.class, () -> Ip4Address.parse(null));
    }

    @Test
    void formatsAndConstructs() {
        assertEquals("192.168.0.1", new Ip4Address(0xc0a80001).toString());
        assertEquals(Ip4Address.of(192, 168, 0, 1), Ip4Address.of(new byte[] {(byte) 192, (byte) 168, 0, 1}));
        assertEquals("255.255.255.0", Ip4Address.netmask(24).toString());
        assertEquals("0.0.0.0", Ip4Address.netmask(0).toString());
        assertThrows(IllegalArgumentException.class, () -> Ip4Address.of(256, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Ip4Address.netmask(33));
        assertTrue(Ip4Address.parse("127.1").isLoopback());
        assertTrue(Ip4Address.parse("224.0.0.22").isMulticast());
        assertTrue(Ip4Address.parse("169.254.1.1").isLinkLocal());
    }

    @Test
    void toStringParsesBack() {
        SplittableRandom rnd = new SplittableRandom(29);
        for (int i = 0; i < 10_000; i++) {
            Ip4Address a = Ip4Address.of(rnd.nextInt());
            assertEquals(a, Ip4Address.parse(a.toString()));
        }
    }

    /** Text that is often nearly an address: parts in random bases and sizes, random damage. */
    static String candidate(SplittableRandom rnd) {
        if (rnd.nextInt(4) == 0) {
            String alphabet = "0123456789abcdefxX.";
            StringBuilder sb = new StringBuilder();
            for (int n = rnd.nextInt(16); n > 0; n--) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            return sb.toString();
        }
        StringBuilder sb = new StringBuilder();
        int parts = 1 + rnd.nextInt(5);
        for (int p = 0; p < parts; p++) {
            if (p > 0) {
                sb.append('.');
            }
            long v = switch (rnd.nextInt(4)) {
                case 0 -> rnd.nextInt(256);
                case 1 -> rnd.nextInt(300);
                case 2 -> rnd.nextLong(1L << 33);
                default -> rnd.nextInt(70_000);
            };
            switch (rnd.nextInt(3)) {
                case 0 -> sb.append(v);
                case 1 -> sb.append('0').append(Long.toOctalString(v));
                default -> sb.append(rnd.nextBoolean() ? "0x" : "0X").append(Long.toHexString(v));
            }
        }
        if (rnd.nextInt(8) == 0 && !sb.isEmpty()) {
            sb.setCharAt(rnd.nextInt(sb.length()), "0189.xg".charAt(rnd.nextInt(7)));
        }
        return sb.toString();
    }

    @Test
    void agreesWithGlibcInetAton() {
        Glibc libc = Glibc.load().orElse(null);
        Assumptions.assumeTrue(libc != null, "needs Linux with glibc");
        SplittableRandom rnd = new SplittableRandom(1029);
        int valid = 0;
        for (int i = 0; i < 20_000; i++) {
            String s = candidate(rnd);
            long ours = Ip4Address.parseAton(s);
            assertEquals(libc.inetAton(s), ours, () -> "inet_aton(\"" + s + "\")");
            if (ours >= 0) {
                valid++;
            }
        }
        assertTrue(valid > 2_000, "too few valid candidates to mean anything: " + valid);
    }
}
