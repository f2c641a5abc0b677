package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.ipv6.Nd6Fixture.pio;
import static org.lwip4j.ipv6.Nd6Fixture.raMsg;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.netif.Ip6Addresses;

/** Stateless address autoconfiguration (RFC 4862 §5.5) from router advertisements, and the address events. */
class SlaacTest {
    private static final int AL = 0xc0;
    private Nd6Fixture f;

    @AfterEach
    void close() {
        f.close();
    }

    private void up() {
        f = new Nd6Fixture(b -> b.ip6LinkLocal(false).maxRtrSolicitations(0));
    }

    @Test
    void autoconfigIsOffByDefaultAndOnPerNetif() {
        up();
        assertEquals(false, f.netif.ip6().autoconfig());
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, AL, 7200, 3600)));
        assertNull(f.slaac("2001:db8:1::"), "lwIP: autoconfiguration off by default");
        assertEquals(1, f.rd().prefixes().all().size(), "on-link prefix learned anyway");
        f.netif.ip6().setAutoconfig(true);
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, AL, 7200, 3600)));
        assertNotNull(f.slaac("2001:db8:1::"));
    }

    @Test
    void aSlaacAddressIsFormedWithAStableIdentifierPassesDadThenIsDeprecatedAndRemoved() {
        up();
        f.netif.ip6().setAutoconfig(true);
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, AL, 7200, 3600)));
        Ip6Addresses.Entry e = f.slaac("2001:db8:1::");
        long prefixHi = Ip6Address.parse("2001:db8:1::").hi();
        assertEquals(Ip6Address.stableIid(prefixHi, "eth0", new byte[0], 0, f.secret()), e.address().lo(), "RFC 7217");
        assertEquals(64, e.prefixLength());
        assertEquals(Ip6Addresses.State.TENTATIVE, e.state());
        String a = e.address().withZone(0).toString();
        f.advance(Duration.ofSeconds(3));
        assertEquals(Ip6Addresses.State.PREFERRED, e.state());
        assertEquals(List.of("ADDED SLAAC " + a, "DAD_SUCCEEDED SLAAC " + a), f.events);
        f.advance(Duration.ofSeconds(3600 - 3));
        assertEquals(Ip6Addresses.State.DEPRECATED, e.state());
        assertEquals("DEPRECATED SLAAC " + a, f.events.get(2));
        f.advance(Duration.ofSeconds(3600));
        assertNull(f.netif.ip6().find(e.address()), "valid lifetime over: invalid, removed");
        assertEquals("REMOVED SLAAC " + a, f.events.get(3));
        assertEquals(4, f.events.size());
    }

    @Test
    void eui64IdentifierWhenStableIdentifiersAreOff() {
        f = new Nd6Fixture(b -> b.ip6LinkLocal(false).maxRtrSolicitations(0).ip6StableIids(false));
        f.netif.ip6().setAutoconfig(true);
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, AL, 7200, 3600)));
        assertEquals(Ip6Address.parse("2001:db8:1::ff:feaa:bbcc"), f.slaac("2001:db8:1::").address());
    }

    @Test
    void theTwoHourRuleGuardsTheValidLifetime() {
        up();
        f.netif.ip6().setAutoconfig(true);
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, AL, 3 * 3600, 3 * 3600)));
        Ip6Addresses.Entry e = f.slaac("2001:db8:1::");
        long t0 = f.clock.nanoTime();
        assertEquals(t0 + 3 * 3600 * 1_000_000_000L, e.validUntil());
        // (e) 3: remaining 3 h > 2 h, advertised 60 s: set to two hours.
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, AL, 60, 60)));
        assertEquals(t0 + 7200 * 1_000_000_000L, e.validUntil());
        assertEquals(t0 + 60 * 1_000_000_000L, e.preferredUntil(), "the preferred lifetime as advertised");
        // (e) 2: remaining <= 2 h, advertised 10 s (not above remaining): ignored.
        f.advance(Duration.ofSeconds(100));
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, AL, 10, 0)));
        assertEquals(t0 + 7200 * 1_000_000_000L, e.validUntil());
        assertEquals(Ip6Addresses.State.DEPRECATED, e.state(), "preferred lifetime 0");
        // (e) 1: above two hours: taken, and a positive preferred lifetime makes it preferred again.
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, AL, 5 * 3600, 3600)));
        long now = f.clock.nanoTime();
        assertEquals(now + 5 * 3600 * 1_000_000_000L, e.validUntil());
        assertEquals(Ip6Addresses.State.PREFERRED, e.state());
        assertTrue(f.events.stream().anyMatch(s -> s.startsWith("PREFERRED_AGAIN")));
        // (e) 1 also: above the remaining time, even if below two hours... after time passes.
        f.advance(Duration.ofSeconds(5 * 3600 - 600));
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, AL, 1200, 600)));
        assertEquals(f.clock.nanoTime() + 1200 * 1_000_000_000L, e.validUntil(), "1200 s > 600 s left");
    }

    @Test
    void prefixesThatMustNotFormAnAddressAreIgnored() {
        up();
        f.netif.ip6().setAutoconfig(true);
        f.ra(raMsg(1800, pio("fe80::", 64, AL, 7200, 3600)));                 // (b) link-local
        f.ra(raMsg(1800, pio("2001:db8:2::", 64, AL, 600, 700)));             // (c) preferred > valid
        f.ra(raMsg(1800, pio("2001:db8:3::", 64, AL, 0, 0)));                 // (d) valid 0
        f.ra(raMsg(1800, pio("2001:db8:4::", 48, AL, 7200, 3600)));           // (d) not 64 bits
        f.ra(raMsg(1800, pio("2001:db8:5::", 64, 0x80, 7200, 3600)));         // (a) no A flag
        assertEquals(0, f.netif.ip6().count());
        assertEquals(List.of(), f.events);
    }

    @Test
    void aDuplicateSlaacAddressIsFormedAgainWithTheNextDadCounter() {
        up();
        f.netif.ip6().setAutoconfig(true);
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, AL, 7200, 3600)));
        Ip6Addresses.Entry e = f.slaac("2001:db8:1::");
        Ip6Address a = e.address();
        // Another node defends it (RFC 4862 §5.4.4).
        f.inject(Nd6Fixture.ALL_NODES_MAC, 0x0200_0000_0009L, Packets6.ipv6(58, "fe80::9", "ff02::1", 255,
                Packets6.icmpv6(136, 0, 0x20 << 24, Packets6.cat(a.toBytes(), Packets6.hex("0201020000000009")),
                        "fe80::9", "ff02::1")));
        Ip6Addresses.Entry again = f.slaac("2001:db8:1::");
        assertNotNull(again);
        assertNotEquals(a, again.address());
        assertEquals(1, again.dadCounter());
        assertEquals(Ip6Address.stableIid(a.hi(), "eth0", new byte[0], 1, f.secret()), again.address().lo());
        assertTrue(again.validUntil() > 0, "the lifetimes carried over");
        assertTrue(f.events.contains("DAD_FAILED SLAAC " + a));
        f.advance(Duration.ofSeconds(3));
        assertEquals(Ip6Addresses.State.PREFERRED, again.state());
    }

    @Test
    void manualAddressesFireEventsToo() {
        up();
        Ip6Address a = Ip6Address.parse("2001:db8::7");
        f.netif.ip6().add(a, 64);
        f.advance(Duration.ofSeconds(3));
        f.netif.ip6().remove(a);
        assertEquals(List.of("ADDED MANUAL 2001:db8::7", "DAD_SUCCEEDED MANUAL 2001:db8::7", "REMOVED MANUAL 2001:db8::7"),
                f.events);
    }
}
