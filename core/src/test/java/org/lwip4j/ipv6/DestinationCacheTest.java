package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip6Address;

/**
 * The destination cache (RFC 4861 §5.1, §8.3; RFC 8201 §4, §5.3): path MTU estimates that
 * only fall, never below 1280 nor above the link MTU, age out after ten minutes and reach
 * the routes at once; redirects forgotten when their target is unreachable or their netif
 * goes down, an entry with a path MTU kept; at most {@code lwipNd6NumDestinations} entries,
 * the one used longest ago evicted.
 */
class DestinationCacheTest {
    private static final Ip6Address D1 = Ip6Address.parse("2001:db8:99::1");
    private static final Ip6Address D2 = Ip6Address.parse("2001:db8:99::2");
    private static final Ip6Address D3 = Ip6Address.parse("2001:db8:99::3");
    private static final Ip6Address R2 = Ip6Address.parse("fe80::2");
    private Nd6Fixture f;
    private DestinationCache dc;

    private void up(int max) {
        f = new Nd6Fixture(b -> b.ip6LinkLocal(false).lwipIpv6DupDetectAttempts(0).maxRtrSolicitations(0)
                .lwipNd6NumDestinations(max));
        f.netif.ip6().add(Ip6Address.parse("2001:db8:1::5"), 64);
        f.netif.ip6().setGateway(Ip6Address.parse("fe80::1").withZone(f.netif.index()));
        f.run();
        dc = f.rd().destinations();
    }

    @AfterEach
    void close() {
        f.close();
    }

    private int pmtu(Ip6Address d) {
        return dc.pathMtu(d.hi(), d.lo(), 1500);
    }

    @Test
    void estimatesOnlyFallStayWithin1280AndTheLinkMtuAndReachTheRoutes() {
        up(8);
        assertEquals(1500, f.stack.ip().route(D1, null, null).mtu());
        assertEquals(1400, dc.tooBig(D1.hi(), D1.lo(), 1400, 1500));
        assertEquals(1400, pmtu(D1));
        assertEquals(1500, pmtu(D2), "only that destination");
        assertEquals(1400, f.stack.ip().route(D1, null, null).mtu(), "routes made before are stale: made again");
        assertEquals(1400, dc.tooBig(D1.hi(), D1.lo(), 1450, 1500), "never raised by a Packet Too Big");
        assertEquals(1280, dc.tooBig(D1.hi(), D1.lo(), 600, 1500), "never below the minimum MTU");
        assertEquals(1300, dc.tooBig(D2.hi(), D2.lo(), 1400, 1300), "a larger report than the link: the link's");
        assertEquals(1, dc.size(), "no entry for an estimate that is not lower");
        assertEquals(1299, dc.tooBig(D2.hi(), D2.lo(), 1299, 1300));
        assertEquals(1299, dc.pathMtu(D2.hi(), D2.lo(), 1300));
        assertEquals(1280, dc.pathMtu(D2.hi(), D2.lo(), 1280), "the link's MTU bounds the estimate");
    }

    @Test
    void anEstimateAgesOutAfterTenMinutesButARedirectStays() {
        up(8);
        dc.tooBig(D1.hi(), D1.lo(), 1400, 1500);
        dc.redirected(D2, f.netif, R2);
        dc.tooBig(D2.hi(), D2.lo(), 1400, 1500);
        assertEquals(2, dc.size());
        f.advance(Duration.ofSeconds(599));
        assertEquals(1400, pmtu(D1));
        f.advance(Duration.ofSeconds(2));
        assertEquals(1500, pmtu(D1));
        assertEquals(1500, pmtu(D2));
        assertEquals(1, dc.size(), "D1's entry went; D2's keeps its redirect");
        assertEquals(R2.withZone(f.netif.index()), dc.redirect(f.netif, D2.hi(), D2.lo()));
        assertEquals(1500, f.stack.ip().route(D1, null, null).mtu(), "the routes heard of it");
    }

    @Test
    void anUnreachableTargetOrANetifGoingDownDropsItsRedirectsAndKeepsEstimates() {
        up(8);
        dc.redirected(D1, f.netif, R2);
        dc.redirected(D2, f.netif, R2);
        dc.tooBig(D2.hi(), D2.lo(), 1400, 1500);
        dc.redirected(D3, f.netif, Ip6Address.parse("fe80::3"));
        dc.unreachable(f.netif, R2.hi(), R2.lo());
        assertNull(dc.redirect(f.netif, D1.hi(), D1.lo()));
        assertNull(dc.redirect(f.netif, D2.hi(), D2.lo()));
        assertEquals(Ip6Address.parse("fe80::3").withZone(f.netif.index()), dc.redirect(f.netif, D3.hi(), D3.lo()));
        assertEquals(2, dc.size(), "D1 went; D2 keeps its path MTU");
        assertEquals(1400, pmtu(D2));
        dc.unreachable(f.netif, 0xfe80L << 48, 0x99);
        assertEquals(2, dc.size(), "another neighbour: nothing");
        f.netif.setUp(false);
        f.run();
        assertNull(dc.redirect(f.netif, D3.hi(), D3.lo()));
        assertEquals(1, dc.size(), "D3 went with its netif; D2's estimate stays");
    }

    @Test
    void aFullCacheEvictsTheEntryUsedLongestAgo() {
        up(2);
        dc.tooBig(D1.hi(), D1.lo(), 1400, 1500);
        f.clock.advance(Duration.ofMillis(10));
        dc.tooBig(D2.hi(), D2.lo(), 1390, 1500);
        f.clock.advance(Duration.ofMillis(10));
        dc.redirected(D1, f.netif, R2); // D1 used again: D2 is now the oldest
        f.clock.advance(Duration.ofMillis(10));
        dc.tooBig(D3.hi(), D3.lo(), 1380, 1500);
        assertEquals(2, dc.size());
        assertEquals(1500, pmtu(D2), "evicted");
        assertEquals(1400, pmtu(D1));
        assertEquals(1380, pmtu(D3));
        // Evicting an entry with an estimate keeps the count of estimates right: all gone, no estimate left.
        f.advance(Duration.ofSeconds(601));
        assertEquals(1500, pmtu(D3));
        assertEquals(1, dc.size(), "D1's redirect");
    }
}
