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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.netif.Ip6Addresses;

/** Temporary addresses (RFC 8981) beside SLAAC's stable ones. */
class TemporaryAddressTest {
    private static final long S = 1_000_000_000L;
    private static final Ip6Address FAR = Ip6Address.parse("2001:db8:99::1");
    private Nd6Fixture f;

    @BeforeEach
    void setUp() {
        f = new Nd6Fixture(b -> b.ip6LinkLocal(false).maxRtrSolicitations(0));
        f.netif.ip6().setAutoconfig(true);
        f.netif.ip6().setGateway(Ip6Address.parse("fe80::1")); // routes outlive the RAs' router lifetime
    }

    @AfterEach
    void close() {
        f.close();
    }

    private List<Ip6Addresses.Entry> temporaries() {
        return f.netif.ip6().all().stream().filter(e -> e.origin() == Ip6Addresses.Origin.TEMPORARY).toList();
    }

    @Test
    void offByDefault() {
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, 0xc0, 7 * 86400, 3 * 86400)));
        assertEquals(List.of(), temporaries());
        assertNotNull(f.slaac("2001:db8:1::"));
    }

    @Test
    void aTemporaryAddressBesideThePublicOneIsPreferredAsSourceAndRenewedBeforeItIsDeprecated() {
        f.netif.ip6().setTemporaryAddresses(true);
        long t0 = f.clock.nanoTime();
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, 0xc0, 7 * 86400, 3 * 86400)));
        Ip6Addresses.Entry pub = f.slaac("2001:db8:1::");
        List<Ip6Addresses.Entry> temps = temporaries();
        assertEquals(1, temps.size());
        Ip6Addresses.Entry t = temps.get(0);
        assertEquals(pub.address().hi(), t.address().hi(), "same prefix");
        assertNotEquals(pub.address().lo(), t.address().lo(), "random identifier");
        assertEquals(t0 + 2 * 86400 * S, t.validUntil(), "TEMP_VALID_LIFETIME");
        long desync = f.rd().slaac().desyncNanos();
        assertTrue(desync >= 0 && desync < (long) (0.4 * 86400 * S));
        assertEquals(t0 + 86400 * S - desync, t.preferredUntil(), "TEMP_PREFERRED_LIFETIME - DESYNC_FACTOR");
        f.advance(Duration.ofSeconds(3));
        assertEquals(Ip6Addresses.State.PREFERRED, t.state(), "DAD done");
        assertEquals(t.address(), f.stack.ip().route(FAR, null, null).local(), "RFC 6724 rule 7");
        // REGEN_ADVANCE (2 s + 3 * 1 * 1 s = 5 s) before deprecation, a new one.
        long regen = t.preferredUntil() - 5 * S;
        f.advance(Duration.ofNanos(regen - f.clock.nanoTime() - S));
        assertEquals(1, temporaries().size());
        f.advance(Duration.ofSeconds(1));
        assertEquals(2, temporaries().size(), "regenerated");
        Ip6Addresses.Entry next = temporaries().get(1);
        f.advance(Duration.ofSeconds(6));
        assertEquals(Ip6Addresses.State.DEPRECATED, t.state());
        assertEquals(Ip6Addresses.State.PREFERRED, next.state());
        assertEquals(next.address(), f.stack.ip().route(FAR, null, null).local(), "the new one now");
        f.advance(Duration.ofNanos(t0 + 2 * 86400 * S - f.clock.nanoTime()));
        assertNull(f.netif.ip6().find(t.address()), "the old one removed at its valid lifetime");
    }

    @Test
    void advertisementsBoundTheLifetimesOfTemporaryAddresses() {
        f.netif.ip6().setTemporaryAddresses(true);
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, 0xc0, 7 * 86400, 3 * 86400)));
        Ip6Addresses.Entry t = temporaries().get(0);
        f.advance(Duration.ofSeconds(100));
        // The public address keeps two hours (§5.5.3 e); the temporary one follows the public one.
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, 0xc0, 600, 300)));
        long now = f.clock.nanoTime();
        assertEquals(now + 7200 * S, t.validUntil());
        assertEquals(now + 300 * S, t.preferredUntil());
        // At the new regeneration time the prefix is preferred too shortly for another one (§3.4).
        f.advance(Duration.ofSeconds(301));
        assertEquals(1, temporaries().size());
        assertEquals(Ip6Addresses.State.DEPRECATED, t.state());
    }

    @Test
    void noTemporaryAddressWhenThePrefixIsPreferredTooShortly() {
        f.netif.ip6().setTemporaryAddresses(true);
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, 0xc0, 600, 4)));
        assertEquals(List.of(), temporaries(), "preferred lifetime not above REGEN_ADVANCE");
    }

    @Test
    void aDuplicateTemporaryAddressIsReplacedByAnotherRandomOne() {
        f.netif.ip6().setTemporaryAddresses(true);
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, 0xc0, 7 * 86400, 3 * 86400)));
        Ip6Address a = temporaries().get(0).address();
        f.inject(Nd6Fixture.ALL_NODES_MAC, 0x0200_0000_0009L, Packets6.ipv6(58, "fe80::9", "ff02::1", 255,
                Packets6.icmpv6(136, 0, 0x20 << 24, Packets6.cat(a.toBytes(), Packets6.hex("0201020000000009")),
                        "fe80::9", "ff02::1")));
        List<Ip6Addresses.Entry> now = temporaries();
        assertEquals(1, now.size());
        assertNotEquals(a, now.get(0).address());
        assertTrue(f.events.contains("DAD_FAILED TEMPORARY " + a));
    }

    @Test
    void theDesyncFactorIsDrawnOnceBelowFourTenthsOfTheTemporaryPreferredLifetime() {
        long d = f.rd().slaac().desyncNanos();
        assertTrue(d > 0 && d < 4 * 86400 * S / 10, "DESYNC_FACTOR in [0, 0.4 x TEMP_PREFERRED_LIFETIME): " + d);
        assertEquals(d, f.rd().slaac().desyncNanos(), "drawn once");
        // REGEN_ADVANCE: 2 s + TEMP_IDGEN_RETRIES (3) x DupAddrDetectTransmits (1) x RetransTimer (1 s).
        assertEquals(5 * S, f.rd().slaac().regenAdvanceNanos(f.netif));
    }

    @Test
    void withoutRoomNeitherThePublicNorATemporaryAddressIsFormedAndThatIsCounted() {
        f.close();
        f = new Nd6Fixture(b -> b.ip6LinkLocal(false).maxRtrSolicitations(0).lwipIpv6NumAddresses(1));
        f.netif.ip6().setAutoconfig(true);
        f.netif.ip6().setTemporaryAddresses(true);
        f.netif.ip6().add(Ip6Address.parse("2001:db8:9::1"), 64);
        long memerr = f.stack.stats().nd6.memerr;
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, 0xc0, 7 * 86400, 3 * 86400)));
        assertEquals(null, f.slaac("2001:db8:1::"));
        assertEquals(List.of(), temporaries());
        assertEquals(memerr + 1, f.stack.stats().nd6.memerr, "once: no temporary address is tried without the public one");
    }

    @Test
    void aRefreshBoundsATemporaryAddressByItsAgeAndRenewsItBeforeItsNewDeprecation() {
        f.netif.ip6().setTemporaryAddresses(true);
        f.advance(Duration.ofSeconds(1000)); // created at a time other than zero
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, 0xc0, 7 * 86400, 3 * 86400)));
        Ip6Addresses.Entry t = temporaries().get(0);
        long created = t.createdAt();
        long desync = f.rd().slaac().desyncNanos();
        f.advance(Duration.ofSeconds(3600));
        f.ra(raMsg(1800, pio("2001:db8:1::", 64, 0xc0, 7 * 86400, 3 * 86400)));
        // RFC 8981 §3.4: valid at most TEMP_VALID_LIFETIME, preferred at most TEMP_PREFERRED_LIFETIME - DESYNC_FACTOR, from creation.
        assertEquals(created + 2 * 86400 * S, t.validUntil());
        assertEquals(created + 86400 * S - desync, t.preferredUntil());
        assertEquals(1, temporaries().size());
        // REGEN_ADVANCE (5 s) before that, a new one.
        long regenAt = t.preferredUntil() - 5 * S;
        f.advance(Duration.ofNanos(regenAt - f.clock.nanoTime() - S));
        assertEquals(1, temporaries().size());
        f.advance(Duration.ofSeconds(2));
        assertEquals(2, temporaries().size());
    }
}
