package org.lwip4j.addr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Address helpers for ND, MLD, SLAAC and source selection (RFC 4291, RFC 2464, RFC 6724, RFC 7217). */
class Ip6AddressHelpersTest {
    @Test
    void solicitedNodeKeepsTheLow24BitsAndTheZone() {
        Ip6Address a = Ip6Address.parse("2001:db8::aabb:ccdd%3");
        assertEquals(Ip6Address.parse("ff02::1:ffbb:ccdd%3"), a.solicitedNode());
        assertEquals(Ip6Address.parse("ff02::1:ff00:0"), Ip6Address.parse("fe80::ff00:0:0:0").solicitedNode());
        assertEquals(Ip6Address.parse("ff02::1:ffff:ffff"), new Ip6Address(-1, -1, 0).solicitedNode());
        assertEquals(0x0000_0001_ff12_3456L, Ip6Address.solicitedNodeLo(0x7777_7777_7712_3456L));
    }

    @Test
    void multicastMacIs3333AndTheLast32Bits() {
        assertEquals(MacAddress.parse("33:33:ff:00:00:01"), Ip6Address.parse("ff02::1:ff00:1").multicastMac());
        assertEquals(MacAddress.parse("33:33:00:00:00:fb"), Ip6Address.parse("ff02::fb").multicastMac());
        assertEquals(MacAddress.parse("33:33:ff:ff:ff:ff"), new Ip6Address(-1, -1, 0).multicastMac());
        assertEquals(0x3333_8000_0001L, Ip6Address.multicastMacBits(0x1234_5678_8000_0001L));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "ff01::1, 1", "ff02::1, 2", "ff04::1, 4", "ff05::2, 5", "ff08::1, 8", "ff0e::1, 14", "ff1e::1, 14",
        "ff00::1, 0", "ff0f::1, 15",
        "fe80::1, 2", "febf:ffff::1, 2", "::1, 2",
        "fec0::1, 5", "feff::1, 5",
        "fe7f::1, 14", "fc00::1, 14", "2001:db8::1, 14", "::, 14", "::2, 14", "1::1, 14",
        "::ffff:127.0.0.1, 2", "::ffff:127.255.255.255, 2", "::ffff:169.254.1.1, 2",
        "::ffff:126.0.0.1, 14", "::ffff:128.0.0.1, 14", "::ffff:169.253.0.1, 14", "::ffff:169.255.0.1, 14",
        "::ffff:192.0.2.1, 14", "::fffe:127.0.0.1, 14", "1::ffff:127.0.0.1, 14",
    })
    void scope(String address, int scope) {
        assertEquals(scope, Ip6Address.parse(address).scope());
    }

    @Test
    void scopeConstants() {
        assertEquals(1, Ip6Address.SCOPE_INTERFACE_LOCAL);
        assertEquals(2, Ip6Address.SCOPE_LINK_LOCAL);
        assertEquals(4, Ip6Address.SCOPE_ADMIN_LOCAL);
        assertEquals(5, Ip6Address.SCOPE_SITE_LOCAL);
        assertEquals(8, Ip6Address.SCOPE_ORGANIZATION_LOCAL);
        assertEquals(14, Ip6Address.SCOPE_GLOBAL);
    }

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        "2001:db8::1, 2001:db8::1, 128", "2001:db8::1, 2001:db8::2, 126", "2001:db8::1, 2001:db8::, 127",
        "2001:db8::, ::, 2", "::, 8000::, 0", "::, ::1:0:0:0:0, 63", "::, ::8000:0:0:0, 64",
        "::, ::4000:0:0:0, 65", "fe80::1%1, fe80::1%2, 128", "2001:db8:0:1::1, 2001:db8:0:2::1, 62",
    })
    void commonPrefixLength(String a, String b, int bits) {
        assertEquals(bits, Ip6Address.parse(a).commonPrefixLength(Ip6Address.parse(b)));
        assertEquals(bits, Ip6Address.parse(b).commonPrefixLength(Ip6Address.parse(a)));
    }

    @Test
    void eui64AsRfc4291AppendixA() {
        // RFC 4291 Appendix A: 34-56-78-9A-BC-DE gives 3656:78ff:fe9a:bcde (the U/L bit inverted).
        assertEquals(0x3656_78ff_fe9a_bcdeL, Ip6Address.eui64(MacAddress.parse("34:56:78:9a:bc:de")));
        assertEquals(0x5054_00ff_fe12_3456L, Ip6Address.eui64(MacAddress.parse("52:54:00:12:34:56")));
        assertEquals(0x0200_00ff_fe00_0000L, Ip6Address.eui64(MacAddress.ZERO));
        assertEquals(0xfdff_ffff_feff_ffffL, Ip6Address.eui64(MacAddress.BROADCAST));
        assertEquals(Ip6Address.parse("fe80::5054:ff:fe12:3456%2"),
                Ip6Address.linkLocal(Ip6Address.eui64(MacAddress.parse("52:54:00:12:34:56")), 2));
    }

    @ParameterizedTest(name = "{0} reserved: {1}")
    @CsvSource({
        "0000000000000000, true", "0000000000000001, false",
        "fdffffffffffff80, true", "fdffffffffffffff, true", "fdffffffffffff7f, false", "fdfffffffffffe80, false",
        "fcffffffffffff80, false",
        "02005efffe000000, true", "02005efffe00ffff, true", "02005efffe010000, false", "02005efffdffffff, false",
        "03005efffe000000, false", "ffffffffffffffff, false",
    })
    void reservedIids(String hex, boolean reserved) {
        assertEquals(reserved, Ip6Address.isReservedIid(Long.parseUnsignedLong(hex, 16)));
    }

    private static final byte[] KEY = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

    @Test
    void stableIidIsTheFirst64BitsOfSha256OverTheRfc7217Inputs() {
        // Computed independently: sha256(prefix(8) || "eth0" || network id || counter(4) || key)[0:8].
        assertEquals(0xc04b_0e25_1970_aba1L, Ip6Address.stableIid(0x2001_0db8_0001_0000L, "eth0", new byte[0], 0, KEY));
        assertEquals(0xd243_409a_d4a0_c603L, Ip6Address.stableIid(0x2001_0db8_0001_0000L, "eth0",
                "ssid".getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, KEY));
        // Every byte of the counter counts (4 bytes, network order).
        assertEquals(0x4255_4874_93a1_1cd8L, Ip6Address.stableIid(0xfd00_0000_0000_0001L, "wlan0",
                new byte[] {(byte) 0xab, (byte) 0xcd}, 0x01020304, KEY));
    }

    @Test
    void stableIidChangesWithEachInputAndNotOtherwise() {
        long base = Ip6Address.stableIid(0x2001_0db8_0001_0000L, "eth0", new byte[0], 0, KEY);
        assertEquals(base, Ip6Address.stableIid(0x2001_0db8_0001_0000L, "eth0", new byte[0], 0, KEY.clone()));
        assertNotEquals(base, Ip6Address.stableIid(0x2001_0db8_0002_0000L, "eth0", new byte[0], 0, KEY));
        assertNotEquals(base, Ip6Address.stableIid(0x2001_0db8_0001_0000L, "eth1", new byte[0], 0, KEY));
        assertNotEquals(base, Ip6Address.stableIid(0x2001_0db8_0001_0000L, "eth0", new byte[] {1}, 0, KEY));
        assertNotEquals(base, Ip6Address.stableIid(0x2001_0db8_0001_0000L, "eth0", new byte[0], 1, KEY));
        byte[] other = KEY.clone();
        other[15] ^= 1;
        assertNotEquals(base, Ip6Address.stableIid(0x2001_0db8_0001_0000L, "eth0", new byte[0], 0, other));
        assertFalse(Ip6Address.isReservedIid(base));
    }

    @Test
    void stableIidRefusesAShortKeyAndANegativeCounter() {
        assertThrows(IllegalArgumentException.class,
                () -> Ip6Address.stableIid(0, "eth0", new byte[0], 0, new byte[15]));
        assertThrows(IllegalArgumentException.class, () -> Ip6Address.stableIid(0, "eth0", new byte[0], -1, KEY));
        assertTrue(Ip6Address.stableIid(0, "eth0", new byte[0], 0, new byte[16]) != 0);
    }
}
