package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.lwip4j.ipv6.Packets6.cat;
import static org.lwip4j.ipv6.Packets6.icmpv6;
import static org.lwip4j.ipv6.Packets6.ipv6;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.stack.Err;

/** The neighbour cache under a flood of solicitations: bounded, STALE entries evicted before those being resolved. */
class NeighborCacheBoundsTest {
    private static final String US = "2001:db8:1::5";
    private Nd6Fixture f;

    @BeforeEach
    void setUp() {
        f = new Nd6Fixture(b -> b.ip6LinkLocal(false).lwipIpv6DupDetectAttempts(0).maxRtrSolicitations(0)
                .lwipNd6NumNeighbors(4).lwipNd6Queueing(2));
        f.netif.ip6().add(Ip6Address.parse(US), 64);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private void solicitFrom(int i) {
        String src = "2001:db8:1::" + Integer.toHexString(0x100 + i);
        String sn = Ip6Address.parse(US).solicitedNode().toString();
        f.inject(Ip6Address.parse(US).solicitedNode().multicastMac().bits(), 0x0200_0000_1000L + i, ipv6(58, src, sn, 255,
                icmpv6(135, 0, 0, cat(Ip6Address.parse(US).toBytes(), Nd6Fixture.sllao(0x0200_0000_1000L + i)), src, sn)));
    }

    @Test
    void aFloodOfSolicitationsCannotGrowTheCacheAndAResolutionInProgressSurvivesIt() {
        var pcb = f.stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 0);
        var p = f.stack.pbuf(new byte[8]);
        for (int i = 0; i < 3; i++) {
            assertEquals(Err.OK, pcb.sendTo(p, Ip6Address.parse("2001:db8:1::77"), 9), "queued while resolving");
        }
        p.free();
        var cache = f.stack.ipv6().nd().cache();
        Neighbor resolving = cache.find(f.netif, Ip6Address.parse("2001:db8:1::77"));
        assertEquals(NeighborState.INCOMPLETE, resolving.state());
        assertEquals(2, resolving.queued(), "LWIP_ND6_QUEUEING: the newest kept");
        for (int i = 0; i < 50; i++) {
            solicitFrom(i);
        }
        assertEquals(4, cache.size(), "LWIP_ND6_NUM_NEIGHBORS");
        assertEquals(resolving, cache.find(f.netif, Ip6Address.parse("2001:db8:1::77")), "INCOMPLETE ranks above STALE");
        assertNotNull(cache.find(f.netif, Ip6Address.parse("2001:db8:1::131")), "the newest learned");
        assertNull(cache.find(f.netif, Ip6Address.parse("2001:db8:1::100")), "the oldest evicted");
        assertEquals(Ip6Address.parse("2001:db8:1::77"), resolving.address());
        assertEquals(2, f.stack.stats().pool("ND6_QUEUE").used);
        pcb.close();
    }
}
