package org.lwip4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Every option's range: the first value outside is refused naming the option, the value at the edge is taken. */
class StackConfigBoundsTest {
    private record Edge(String option, UnaryOperator<StackConfig.Builder> bad, UnaryOperator<StackConfig.Builder> good) {
    }

    private static final List<Edge> EDGES = List.of(
            new Edge("PBUF_POOL_SIZE", b -> b.pbufPoolSize(0), b -> b.pbufPoolSize(1)),
            new Edge("PBUF_POOL_BUFSIZE", b -> b.pbufPoolBufSize(255), b -> b.pbufPoolBufSize(256)),
            new Edge("MEM_SIZE", b -> b.memSize(-1), b -> b.memSize(0)),
            new Edge("TCPIP_MBOX_SIZE", b -> b.netifInputQueue(0), b -> b.netifInputQueue(1)),
            new Edge("LWIP_LOOPBACK_MAX_PBUFS", b -> b.loopbackMaxPbufs(0), b -> b.loopbackMaxPbufs(1)),
            new Edge("ARP_TABLE_SIZE", b -> b.arpTableSize(0), b -> b.arpTableSize(1)),
            new Edge("ARP_QUEUE_LEN", b -> b.arpQueueLen(0), b -> b.arpQueueLen(1)),
            new Edge("MEMP_NUM_ARP_QUEUE", b -> b.memNumArpQueue(0), b -> b.memNumArpQueue(1)),
            new Edge("ARP_MAXAGE", b -> b.arpMaxAge(Duration.ZERO), b -> b.arpMaxAge(Duration.ofNanos(1))),
            new Edge("ARP_MAXPENDING", b -> b.arpMaxPending(Duration.ofNanos(-1)), b -> b.arpMaxPending(Duration.ofNanos(1))),
            new Edge("ARP_TMR_INTERVAL", b -> b.arpRetryInterval(null), b -> b.arpRetryInterval(Duration.ofNanos(1))),
            new Edge("IP_DEFAULT_TTL", b -> b.ipDefaultTtl(0), b -> b.ipDefaultTtl(1)),
            new Edge("IP_DEFAULT_TTL", b -> b.ipDefaultTtl(256), b -> b.ipDefaultTtl(255)),
            new Edge("IP_REASS_MAXAGE", b -> b.ipReassMaxAge(Duration.ZERO), b -> b.ipReassMaxAge(Duration.ofMillis(1))),
            new Edge("IP_REASS_MAX_PBUFS", b -> b.ipReassMaxPbufs(0), b -> b.ipReassMaxPbufs(1)),
            new Edge("MEMP_NUM_REASSDATA", b -> b.memNumReassData(0), b -> b.memNumReassData(1)),
            new Edge("ICMP_TTL", b -> b.icmpTtl(0), b -> b.icmpTtl(1)),
            new Edge("ICMP_TTL", b -> b.icmpTtl(256), b -> b.icmpTtl(255)),
            new Edge("ICMP error rate", b -> b.icmpErrorRate(-1), b -> b.icmpErrorRate(0)),
            new Edge("ICMP error rate", b -> b.icmpErrorBurst(-1), b -> b.icmpErrorBurst(0)),
            new Edge("MEMP_NUM_UDP_PCB", b -> b.memNumUdpPcb(0), b -> b.memNumUdpPcb(1)),
            new Edge("UDP_TTL", b -> b.udpTtl(0), b -> b.udpTtl(1)),
            new Edge("UDP_TTL", b -> b.udpTtl(256), b -> b.udpTtl(255)),
            new Edge("MEMP_NUM_RAW_PCB", b -> b.memNumRawPcb(0), b -> b.memNumRawPcb(1)));

    @Test
    void eachOptionIsRefusedJustOutsideItsRangeAndTakenAtItsEdge() {
        checkEdges(EDGES);
    }

    /** Each edge's bad value is refused naming its option; its good value builds, and is kept. */
    private static void checkEdges(List<Edge> edges) {
        for (Edge e : edges) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                    () -> e.bad().apply(StackConfig.builder()).build(), e.option());
            assertTrue(x.getMessage().contains(e.option()), e.option() + ": " + x.getMessage());
            StackConfig c = e.good().apply(StackConfig.builder()).build();
            assertNotEquals(StackConfig.defaults(), c, e.option() + ": the edge value was kept");
        }
    }

    /** TCP's options, each through {@code StackConfig.Builder.tcp}. */
    private static Edge tcp(String option, UnaryOperator<StackConfig.TcpOptions.Builder> bad,
            UnaryOperator<StackConfig.TcpOptions.Builder> good) {
        return new Edge(option, b -> b.tcp(bad), b -> b.tcp(good));
    }

    private static final Duration NS = Duration.ofNanos(1);

    private static final List<Edge> TCP_EDGES = List.of(
            tcp("MEMP_NUM_TCP_PCB", t -> t.memNumPcb(0), t -> t.memNumPcb(1)),
            tcp("TCP_MSS", t -> t.mss(63), t -> t.mss(64)),
            tcp("TCP_MSS", t -> t.mss(65_496), t -> t.mss(65_495)),
            tcp("TCP_WND", t -> t.wnd(1459), t -> t.wnd(1460)), // at least the MSS (1460)
            tcp("TCP_WND", t -> t.wnd((0xffff << 14) + 1), t -> t.wnd(0xffff << 14)),
            tcp("needs window scaling", t -> t.windowScaling(false).wnd(65_536), t -> t.windowScaling(false).wnd(65_535)),
            tcp("TCP_SND_BUF", t -> t.sndBuf(1459), t -> t.sndBuf(1460)),
            tcp("TCP_MAXRTX", t -> t.maxRtx(0), t -> t.maxRtx(1)),
            tcp("TCP_SYNMAXRTX", t -> t.synMaxRtx(0), t -> t.synMaxRtx(1)),
            tcp("TCP_KEEPCNT", t -> t.keepalive(NS, NS, 0), t -> t.keepalive(NS, NS, 1)),
            tcp("TCP_KEEPIDLE", t -> t.keepalive(Duration.ZERO, NS, 1), t -> t.keepalive(NS, Duration.ofSeconds(75), 9)),
            tcp("TCP_KEEPINTVL", t -> t.keepalive(NS, Duration.ZERO, 1), t -> t.keepalive(Duration.ofHours(2), NS, 9)),
            tcp("TCP_OOSEQ_MAX_BYTES", t -> t.ooseqMax(0, 1), t -> t.ooseqMax(1, 1)),
            tcp("TCP_OOSEQ_MAX_PBUFS", t -> t.ooseqMax(1, 0), t -> t.ooseqMax(1, 1)),
            tcp("challenge ACK limit", t -> t.challengeAckLimit(0), t -> t.challengeAckLimit(1)),
            tcp("TIME_WAIT cap", t -> t.maxTimeWait(0), t -> t.maxTimeWait(1)),
            tcp("stack-wide out-of-order bytes", t -> t.ooseqStackMaxBytes(0), t -> t.ooseqStackMaxBytes(1)),
            tcp("initial RTO", t -> t.initialRto(Duration.ZERO), t -> t.initialRto(NS)),
            tcp("min RTO", t -> t.minRto(null), t -> t.minRto(NS)),
            tcp("max RTO", t -> t.maxRto(Duration.ofNanos(-1)), t -> t.maxRto(Duration.ofSeconds(1))), // = min RTO
            tcp("min RTO above max RTO", t -> t.minRto(Duration.ofSeconds(61)), t -> t.minRto(Duration.ofSeconds(60))),
            tcp("MSL", t -> t.msl(Duration.ZERO), t -> t.msl(NS)),
            tcp("FIN_WAIT_2 timeout", t -> t.finWait2Timeout(Duration.ZERO), t -> t.finWait2Timeout(NS)),
            tcp("delayed ACK", t -> t.delayedAck(Duration.ZERO), t -> t.delayedAck(NS)),
            tcp("TCP poll interval", t -> t.pollInterval(Duration.ZERO), t -> t.pollInterval(NS)),
            tcp("TCP_TTL", t -> t.ttl(0), t -> t.ttl(1)),
            tcp("TCP_TTL", t -> t.ttl(256), t -> t.ttl(255)),
            tcp("TCP local port range", t -> t.localPortRange(0, 10), t -> t.localPortRange(1, 10)),
            tcp("TCP local port range", t -> t.localPortRange(10, 65_536), t -> t.localPortRange(10, 65_535)),
            tcp("TCP local port range", t -> t.localPortRange(11, 10), t -> t.localPortRange(10, 10)));

    @Test
    void eachTcpOptionIsRefusedJustOutsideItsRangeAndTakenAtItsEdge() {
        checkEdges(TCP_EDGES);
    }

    @Test
    void theUdpPortRangeIsWithin1To65535AndInOrder() {
        StackConfig.UdpOptions d = StackConfig.defaults().udp();
        for (int[] bad : new int[][] {{0, 10}, {10, 65536}, {11, 10}}) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                    () -> new StackConfig.UdpOptions(true, 1, d.ttl(), true, bad[0], bad[1], true, true));
            assertTrue(x.getMessage().contains("port range"), x.getMessage());
        }
        for (int[] good : new int[][] {{1, 1}, {65535, 65535}, {1, 65535}}) {
            assertEquals(good[0], new StackConfig.UdpOptions(true, 1, d.ttl(), true, good[0], good[1], true, true).localPortStart());
        }
    }

    @Test
    void toBuilderKeepsEveryOption() {
        StackConfig c = StackConfig.builder().pbufPoolSize(7).pbufPoolBufSize(300).memSize(5).memNumUdpPcb(3)
                .memNumRawPcb(4).netifInputQueue(5).arpTableSize(6).arpMaxAge(Duration.ofSeconds(7))
                .arpMaxPending(Duration.ofSeconds(8)).arpRetryInterval(Duration.ofSeconds(9)).arpQueueLen(10)
                .memNumArpQueue(11).etharpSupportStaticEntries(false).ipForward(true).ipDefaultTtl(12).ipReassembly(false)
                .ipFrag(false).ipReassMaxAge(Duration.ofSeconds(13)).ipReassMaxPbufs(14).memNumReassData(15)
                .ipSofBroadcast(true).ipSofBroadcastRecv(true).ipForwardAllowTxOnRxNetif(true).broadcastPing(true)
                .multicastPing(true).icmpTtl(16).icmpErrorRate(17).icmpErrorBurst(18).udpEnabled(false).udpTtl(19)
                .udpLite(false).rawEnabled(false).checksumGenIp(false).checksumGenUdp(false).checksumGenIcmp(false)
                .checksumCheckIp(false).checksumCheckUdp(false).checksumCheckIcmp(false).loopbackNetif(false)
                .loopbackMaxPbufs(20).randomSeed(21).build();
        assertEquals(c, c.toBuilder().build());
        assertEquals(c.toString(), c.toBuilder().build().toString());
        assertEquals(7, c.pbufs().poolSize());
        assertEquals(20, c.netifs().loopbackMaxPbufs());
        assertEquals(19, c.udp().ttl());
        assertEquals(21, c.randomSeed());
    }

    @Test
    void everyIpv6OptionChainsAndSurvivesToBuilder() {
        StackConfig c = StackConfig.builder().lwipIpv6(true).lwipIpv6NumAddresses(5).ip6Hoplim(33).lwipIpv6Frag(false)
                .lwipIpv6Reass(false).ip6ReassMaxAge(Duration.ofSeconds(7)).ip6ReassMaxPbufs(9).memNumIp6ReassData(4)
                .lwipNd6NumNeighbors(11).lwipNd6Queueing(2).memNumNd6Queue(12).lwipNd6MaxMulticastSolicit(4)
                .lwipNd6MaxUnicastSolicit(5).lwipNd6RetransTimer(Duration.ofMillis(700))
                .lwipNd6ReachableTime(Duration.ofSeconds(20)).lwipNd6DelayFirstProbeTime(Duration.ofSeconds(3))
                .lwipIpv6DupDetectAttempts(2).maxRtrSolicitationDelay(Duration.ofMillis(300)).ip6LinkLocal(false)
                .ip6StableIids(false).ip6MulticastPing(true).lwipIpv6Forward(true).lwipNd6NumRouters(6)
                .lwipNd6NumPrefixes(7).lwipNd6NumDestinations(13).maxRtrSolicitations(2)
                .udpLocalPortRange(2000, 3000).randomSeed(3).build();
        StackConfig.Ip6Options o = c.ip6();
        assertEquals(List.of(5, 33, 9, 4, 11, 2, 12, 4, 5, 2, 6, 7, 13, 2),
                List.of(o.numAddresses(), o.hopLimit(), o.reassMaxPbufs(), o.memNumReassData(), o.numNeighbors(),
                        o.queueing(), o.memNumQueue(), o.maxMulticastSolicit(), o.maxUnicastSolicit(),
                        o.dupDetectAttempts(), o.numRouters(), o.numPrefixes(), o.numDestinations(), o.maxRtrSolicitations()));
        assertEquals(List.of(Duration.ofSeconds(7), Duration.ofMillis(700), Duration.ofSeconds(20), Duration.ofSeconds(3),
                Duration.ofMillis(300)), List.of(o.reassMaxAge(), o.retransTimer(), o.reachableTime(), o.delayFirstProbe(),
                o.dadMaxDelay()));
        assertEquals(List.of(true, false, false, false, false, true, true),
                List.of(o.enabled(), o.frag(), o.reassembly(), o.linkLocal(), o.stableIids(), o.multicastPing(), o.forward()));
        assertEquals(2000, c.udp().localPortStart());
        assertEquals(c, c.toBuilder().build());
        assertEquals(c, StackConfig.builder().ip6(o).udp(c.udp()).randomSeed(3).build(), "the IPv6 part set whole");
    }

    @Test
    void everyPartCanBeSetWholeAndChained() {
        StackConfig d = StackConfig.defaults();
        StackConfig c = StackConfig.builder().pbufs(d.pbufs()).netifs(d.netifs()).arp(d.arp()).ip4(d.ip4()).icmp(d.icmp())
                .udp(d.udp()).raw(d.raw()).randomSeed(d.randomSeed()).build();
        assertEquals(d, c);
    }
}
