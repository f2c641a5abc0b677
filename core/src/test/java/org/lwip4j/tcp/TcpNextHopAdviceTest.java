package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.ipv4.ArpState;
import org.lwip4j.ipv6.Neighbor;
import org.lwip4j.ipv6.NeighborState;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.SimNet;
import org.lwip4j.testing.TappedDriver;

/**
 * TCP's advice to the link layer about a connection's next hop, both families. Positive
 * (RFC 1122 §2.3.2.1 higher-layer advice): an ACK of new data confirms the ARP entry, so a
 * long transfer neither lets it age out nor re-requests it. Negative (RFC 9293 §3.8.3
 * MUST-20, RFC 1122 §4.2.3.5 R1): from the third retransmission of a segment on, ARP polls
 * the peer's known address by unicast and forgets it when no answer comes; ND probes it
 * (NUD, RFC 4861 §7.3.3) and removes it when the probes go unanswered.
 */
class TcpNextHopAdviceTest {
    @AfterAll
    static void letTheLeakDetectorForgetTheseStacks() {
        TcpTransferTest.letTheLeakDetectorForgetTheseStacks();
    }

    /** Records the ARP requests (not the announcements of our own address) and unicast Neighbor Solicitations a stack sends. */
    static final class Recorder implements java.util.function.Consumer<byte[]> {
        final SimNet net;
        /** Per ARP request: the time (ns) and the Ethernet destination. */
        final List<long[]> arpRequests = new ArrayList<>();
        /** Per unicast NS: the time (ns). */
        final List<Long> unicastNs = new ArrayList<>();

        Recorder(SimNet net) {
            this.net = net;
        }

        @Override
        public void accept(byte[] f) {
            int type = (f[12] & 0xff) << 8 | f[13] & 0xff;
            boolean announcement = f.length >= 42 && java.util.Arrays.equals(f, 28, 32, f, 38, 42);
            if (type == 0x0806 && f.length >= 42 && f[21] == 1 && !announcement) {
                long dst = 0;
                for (int i = 0; i < 6; i++) {
                    dst = dst << 8 | f[i] & 0xff;
                }
                arpRequests.add(new long[] {net.sim.now(), dst});
            }
            if (type == 0x86dd && f.length > 54 && f[20] == 58 && (f[54] & 0xff) == 135 && (f[38] & 0xff) != 0xff) {
                unicastNs.add(net.sim.now());
            }
        }
    }

    private static final StackConfig CFG = StackConfig.builder().loopbackNetif(false)
            .arpMaxAge(Duration.ofSeconds(20)).arpMaxPending(Duration.ofSeconds(5)).arpRetryInterval(Duration.ofSeconds(1))
            .tcp(t -> t.minRto(Duration.ofMillis(200)).msl(Duration.ofSeconds(1))).build();

    /** Two stacks on one link, each behind a {@link Recorder}. */
    private static final class Pair {
        final SimNet net;
        final Stack a;
        final Stack b;
        final VirtualLink link;
        final Recorder ra;
        final Recorder rb;
        final Netif na;
        final Netif nb;

        Pair(long seed, Impairments imp) {
            net = new SimNet(seed);
            a = net.stack(CFG);
            b = net.stack(CFG);
            link = net.link(imp);
            ra = new Recorder(net);
            rb = new Recorder(net);
            na = SimNet.attach(a, new TappedDriver(link.endpointA(), ra), "eth0", "10.1.0.1/24");
            nb = SimNet.attach(b, new TappedDriver(link.endpointB(), rb), "eth0", "10.1.0.2/24");
        }

        /** Closes both stacks, freeing what they still hold (a RST waiting for resolution). */
        void close() {
            a.close();
            b.close();
        }
    }

    @Test
    void aTransferLongerThanTheArpMaxAgeNeverReRequestsThePeer() {
        // 250 kbit/s each way: 1 MiB each way takes about 35 s, longer than ARP_MAXAGE (20 s),
        // whose used entries are re-requested from 10 s of age on without advice.
        Pair p = new Pair(72, Impairments.builder().delay(Duration.ofMillis(5)).rate(250_000L).build());
        long total = 1 << 20;
        TcpTransferTest.Flow ab = new TcpTransferTest.Flow(0, total);
        TcpTransferTest.Flow ba = new TcpTransferTest.Flow(1, total);
        List<Err> errors = new ArrayList<>();
        TcpPcb listener = p.b.newTcpPcb();
        assertEquals(Err.OK, listener.bind(Ip4Address.ANY, 5001));
        listener.listen(4);
        listener.onAccept((l, c) -> {
            c.onRecv(ab::receive);
            c.onSent((pcb, n) -> ba.pump(pcb));
            c.onErr(errors::add);
            ba.pump(c);
        });
        TcpPcb client = p.a.newTcpPcb();
        client.onRecv(ba::receive);
        client.onSent((pcb, n) -> ab.pump(pcb));
        client.onErr(errors::add);
        long start = p.net.sim.now();
        assertEquals(Err.OK, client.connect(p.nb.ip4().address(), 5001, ab::pump));
        assertTrue(p.net.runUntil(() -> ab.received == total && ba.received == total || !errors.isEmpty(),
                Duration.ofMinutes(5)), "transfer stalled: " + ab.received + ", " + ba.received);
        assertEquals(List.of(), errors);
        assertEquals(-1, ab.badAt);
        assertEquals(-1, ba.badAt);
        assertTrue(p.net.sim.now() - start > Duration.ofSeconds(25).toNanos(), "the transfer outlived ARP_MAXAGE");
        // A's one broadcast request resolved B (and B learned A from it): nothing more either way.
        assertEquals(1, p.ra.arpRequests.size(), "ARP requests from A");
        assertEquals(MacAddress.BROADCAST.bits(), p.ra.arpRequests.get(0)[1]);
        assertEquals(0, p.rb.arpRequests.size(), "ARP requests from B");
        assertEquals(ArpState.STABLE, p.a.arp().entries().getFirst().state());
        client.close();
        listener.close();
        p.close();
    }

    /** Connects A to B, then loses every frame on the link and writes, so the segment is retransmitted until A gives up. */
    private static TcpPcb connectThenCut(Pair p, IpAddress dst) {
        TcpPcb listener = p.b.newTcpPcb();
        assertEquals(Err.OK, listener.bind(dst instanceof Ip6Address ? Ip6Address.ANY : Ip4Address.ANY, 7));
        listener.listen(4);
        listener.onAccept((l, c) -> c.onRecv((pcb, q) -> {
            if (q != null) {
                q.free();
            }
        }));
        TcpPcb client = p.a.newTcpPcb();
        client.onErr(e -> { });
        boolean[] up = {false};
        assertEquals(Err.OK, client.connect(dst, 7, pcb -> up[0] = true));
        assertTrue(p.net.runUntil(() -> up[0], Duration.ofSeconds(10)), "connected");
        p.net.runFor(Duration.ofSeconds(1));
        Impairments dead = Impairments.builder().loss(1.0).build(); // the peer is gone; our carrier stays up
        p.link.setImpairments(dead, dead);
        assertEquals(Err.OK, client.write(new byte[100]));
        assertEquals(Err.OK, client.output());
        return client;
    }

    @Test
    void theThirdRetransmissionPollsTheArpEntryByUnicastAndAnUnansweredEntryIsForgotten() {
        Pair p = new Pair(73, Impairments.builder().delay(Duration.ofMillis(1)).build());
        TcpPcb client = connectThenCut(p, p.nb.ip4().address());
        long cut = p.net.sim.now();
        long bMac = p.nb.mac().bits();
        assertEquals(1, p.ra.arpRequests.size(), "only the first resolution so far");

        // RTOs (min 200 ms, doubling): the 1st and 2nd retransmissions give no advice.
        assertTrue(p.net.runUntil(() -> client.info().retransmits() >= 2, Duration.ofSeconds(10)));
        p.net.runFor(Duration.ofMillis(100));
        assertEquals(1, p.ra.arpRequests.size(), "no advice before R1 retransmissions");
        assertTrue(p.net.runUntil(() -> client.info().retransmits() >= TcpTimers.R1, Duration.ofSeconds(10)));
        assertEquals(2, p.ra.arpRequests.size(), "negative advice at the third retransmission");
        long[] poll = p.ra.arpRequests.get(1);
        assertEquals(bMac, poll[1], "a unicast poll to the known address");
        MacAddress still = p.a.arp().lookup(p.na, p.nb.ip4().address());
        assertNotNull(still, "the entry is still used while the poll is out");

        // No answer within ARP_MAXPENDING: the entry is gone, and the next retransmission resolves afresh by broadcast.
        p.net.runFor(Duration.ofSeconds(5).plusMillis(10).minusNanos(p.net.sim.now() - poll[0]));
        assertNull(p.a.arp().lookup(p.na, p.nb.ip4().address()), "forgotten after ARP_MAXPENDING unanswered");
        int before = p.ra.arpRequests.size();
        for (int i = 1; i < before; i++) {
            assertEquals(bMac, p.ra.arpRequests.get(i)[1], "only unicast polls before the entry went");
        }
        long tries = client.info().retransmits();
        assertTrue(p.net.runUntil(() -> client.info().retransmits() > tries, Duration.ofSeconds(30)));
        long[] last = p.ra.arpRequests.getLast();
        assertEquals(MacAddress.BROADCAST.bits(), last[1], "resolved afresh by broadcast");
        assertTrue(last[0] - cut > Duration.ofSeconds(5).toNanos());

        // The link comes back: B answers, the segment gets through and the entry is STABLE again.
        Impairments back = Impairments.builder().delay(Duration.ofMillis(1)).build();
        p.link.setImpairments(back, back);
        assertTrue(p.net.runUntil(() -> client.info().sendQueued() == 0,
                Duration.ofSeconds(120)), "delivered once the link is back");
        assertEquals(p.nb.mac(), p.a.arp().lookup(p.na, p.nb.ip4().address()));
        client.abort();
        p.close();
    }

    @Test
    void negativeAdviceIsRateLimitedToOnePollPerRetryInterval() {
        Pair p = new Pair(74, Impairments.builder().delay(Duration.ofMillis(1)).build());
        TcpPcb client = connectThenCut(p, p.nb.ip4().address());
        assertTrue(p.net.runUntil(() -> client.info().retransmits() >= TcpTimers.R1, Duration.ofSeconds(10)));
        int polls = p.ra.arpRequests.size();
        Ip4Address b = p.nb.ip4().address();
        // Advice repeated at once (as a burst of timeouts on many connections would give) sends nothing more.
        org.lwip4j.ip.Route r = p.a.tcp().route(client);
        for (int i = 0; i < 10; i++) {
            p.a.ip().suspectUnreachable(r);
        }
        assertEquals(polls, p.ra.arpRequests.size());
        assertEquals(b, r.nextHop());
        client.abort();
        p.close();
    }

    private static boolean preferred(Netif n, Ip6Address a) {
        Ip6Addresses.Entry e = n.ip6().find(a);
        return e != null && e.state() == Ip6Addresses.State.PREFERRED;
    }

    @Test
    void theThirdRetransmissionStartsNudOnTheIpv6NeighbourWhichGoesWhenUnanswered() {
        Pair p = new Pair(75, Impairments.builder().delay(Duration.ofMillis(1)).build());
        Ip6Address ga = Ip6Address.parse("fd00:7b::1");
        Ip6Address gb = Ip6Address.parse("fd00:7b::2");
        p.na.ip6().add(ga, 64);
        p.nb.ip6().add(gb, 64);
        assertTrue(p.net.runUntil(() -> preferred(p.na, ga) && preferred(p.nb, gb), Duration.ofSeconds(10)), "DAD done");
        TcpPcb client = connectThenCut(p, gb);
        Neighbor n = p.a.ipv6().nd().cache().find(p.na, gb);
        assertNotNull(n);
        assertEquals(NeighborState.REACHABLE, n.state(), "confirmed by the handshake's progress");
        int probes = p.ra.unicastNs.size();

        assertTrue(p.net.runUntil(() -> client.info().retransmits() >= 2, Duration.ofSeconds(10)));
        assertEquals(probes, p.ra.unicastNs.size(), "no advice before R1 retransmissions");
        assertTrue(p.net.runUntil(() -> client.info().retransmits() >= TcpTimers.R1, Duration.ofSeconds(10)));
        assertEquals(probes + 1, p.ra.unicastNs.size(), "a unicast NS at the third retransmission");
        assertEquals(NeighborState.PROBE, p.a.ipv6().nd().cache().find(p.na, gb).state());

        // MAX_UNICAST_SOLICIT (3) probes RetransTimer (1 s) apart go unanswered: the entry is deleted.
        assertTrue(p.net.runUntil(() -> p.a.ipv6().nd().cache().find(p.na, gb) == null, Duration.ofSeconds(5)));
        assertEquals(probes + 3, p.ra.unicastNs.size());
        client.abort();
        p.close();
    }
}
