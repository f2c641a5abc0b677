package org.lwip4j.stack;

import java.time.Duration;

/**
 * Everything {@code lwipopts.h} holds, as an immutable value: one nested record per
 * protocol ({@link #pbufs()}, {@link #netifs()}, {@link #arp()}, {@link #ip4()},
 * {@link #icmp()}, {@link #udp()}, {@link #raw()}), built with {@link #builder()}. Each
 * component names the lwIP option it stands for.
 *
 * <p>{@link #defaults()} suits a JVM host: large pools (created lazily, so an idle stack
 * stays small), Linux-like TTLs, reassembly that takes a full 64 KB datagram.
 * {@link #lwipDefaults()} gives {@code opt.h}'s values so lwIP's documented behaviour can be
 * reproduced.
 *
 * <p>Which protocols a stack has is configuration too: {@link UdpOptions#enabled()} and
 * {@link RawOptions#enabled()} leave UDP or raw pcbs out of the stack altogether.
 *
 * @param pbufs      packet memory
 * @param netifs     netif input queues and the loopback netif
 * @param arp        ARP (RFC 826)
 * @param ip4        IPv4 (RFC 791): forwarding, fragmentation, reassembly
 * @param icmp       ICMPv4 (RFC 792)
 * @param udp        UDP (RFC 768) and UDP-Lite (RFC 3828)
 * @param raw        raw pcbs
 * @param ip6        IPv6 (RFC 8200), ICMPv6 (RFC 4443), Neighbor Discovery (RFC 4861) and address autoconfiguration (RFC 4862)
 * @param tcp        TCP (RFC 9293)
 * @param randomSeed {@code LWIP_RAND}'s seed; the same seed gives the same ports, ids, MACs and delays;
 *                   0 (the default) draws a fresh seed from the system's entropy per stack
 */
public record StackConfig(
        PbufOptions pbufs,
        NetifOptions netifs,
        ArpOptions arp,
        Ip4Options ip4,
        IcmpOptions icmp,
        UdpOptions udp,
        RawOptions raw,
        Ip6Options ip6,
        TcpOptions tcp,
        long randomSeed) {

    /**
     * Packet memory.
     *
     * @param poolSize    {@code PBUF_POOL_SIZE}: pool buffers in use at once, at most
     * @param poolBufSize {@code PBUF_POOL_BUFSIZE}: bytes per pool buffer, header room included
     * @param memSize     {@code MEM_SIZE}: bytes of RAM pbufs in use at once, at most
     */
    public record PbufOptions(int poolSize, int poolBufSize, long memSize) {
        /** Checks ranges. */
        public PbufOptions {
            positive("PBUF_POOL_SIZE", poolSize);
            if (poolBufSize < 256) {
                throw new IllegalArgumentException("PBUF_POOL_BUFSIZE must be at least 256, not " + poolBufSize);
            }
            if (memSize < 0) {
                throw new IllegalArgumentException("MEM_SIZE must not be negative");
            }
        }
    }

    /**
     * Netifs.
     *
     * @param inputQueue       {@code TCPIP_MBOX_SIZE}: frames a driver thread may queue for the loop before drops
     * @param loopback         {@code LWIP_HAVE_LOOPIF}: add a loopback netif ({@code lo}, 127.0.0.1/8)
     * @param loopbackMaxPbufs {@code LWIP_LOOPBACK_MAX_PBUFS}: packets queued on a loopback path, at most
     */
    public record NetifOptions(int inputQueue, boolean loopback, int loopbackMaxPbufs) {
        /** Checks ranges. */
        public NetifOptions {
            positive("TCPIP_MBOX_SIZE", inputQueue);
            positive("LWIP_LOOPBACK_MAX_PBUFS", loopbackMaxPbufs);
        }
    }

    /**
     * ARP.
     *
     * @param tableSize            {@code ARP_TABLE_SIZE}: cache entries, at most (the oldest is evicted)
     * @param maxAge               {@code ARP_MAXAGE}: lifetime of a stable entry
     * @param maxPending           {@code ARP_MAXPENDING}: how long an unanswered request is retried (once per {@code retryInterval})
     * @param retryInterval        {@code ARP_TMR_INTERVAL}: interval between requests for a pending entry
     * @param queueLen             {@code ARP_QUEUE_LEN}: packets queued on one pending entry, at most
     * @param memNumQueue          {@code MEMP_NUM_ARP_QUEUE}: packets queued on all pending entries, at most
     * @param supportStaticEntries {@code ETHARP_SUPPORT_STATIC_ENTRIES}
     */
    public record ArpOptions(int tableSize, Duration maxAge, Duration maxPending, Duration retryInterval, int queueLen,
            int memNumQueue, boolean supportStaticEntries) {
        /** Checks ranges. */
        public ArpOptions {
            positive("ARP_TABLE_SIZE", tableSize);
            positive("ARP_QUEUE_LEN", queueLen);
            positive("MEMP_NUM_ARP_QUEUE", memNumQueue);
            duration("ARP_MAXAGE", maxAge);
            duration("ARP_MAXPENDING", maxPending);
            duration("ARP_TMR_INTERVAL", retryInterval);
        }
    }

    /**
     * IPv4.
     *
     * @param forward                 {@code IP_FORWARD}: forward packets between netifs
     * @param defaultTtl              {@code IP_DEFAULT_TTL}: TTL of packets the stack originates
     * @param reassembly              {@code IP_REASSEMBLY}: reassemble fragmented datagrams
     * @param frag                    {@code IP_FRAG}: fragment datagrams larger than the MTU
     * @param reassMaxAge             {@code IP_REASS_MAXAGE}: how long a partial datagram is kept
     * @param reassMaxPbufs           {@code IP_REASS_MAX_PBUFS}: fragments held for reassembly, at most
     * @param memNumReassData         {@code MEMP_NUM_REASSDATA}: datagrams under reassembly at once, at most
     * @param sofBroadcast            {@code IP_SOF_BROADCAST}: sending to a broadcast address needs the pcb's broadcast option
     * @param sofBroadcastRecv        {@code IP_SOF_BROADCAST_RECV}: receiving broadcasts needs the pcb's broadcast option
     * @param forwardAllowTxOnRxNetif {@code IP_FORWARD_ALLOW_TX_ON_RX_NETIF}
     * @param checksumGen             {@code CHECKSUM_GEN_IP}
     * @param checksumCheck           {@code CHECKSUM_CHECK_IP}
     */
    public record Ip4Options(boolean forward, int defaultTtl, boolean reassembly, boolean frag, Duration reassMaxAge,
            int reassMaxPbufs, int memNumReassData, boolean sofBroadcast, boolean sofBroadcastRecv,
            boolean forwardAllowTxOnRxNetif, boolean checksumGen, boolean checksumCheck) {
        /** Checks ranges. */
        public Ip4Options {
            checkTtl("IP_DEFAULT_TTL", defaultTtl);
            duration("IP_REASS_MAXAGE", reassMaxAge);
            positive("IP_REASS_MAX_PBUFS", reassMaxPbufs);
            positive("MEMP_NUM_REASSDATA", memNumReassData);
        }
    }

    /**
     * ICMPv4.
     *
     * @param ttl           {@code ICMP_TTL}: TTL of ICMP messages
     * @param errorRate     errors per second the stack may send (token bucket; RFC 1812 §4.3.2.8); 0 = unlimited (lwIP has no limit)
     * @param errorBurst    token bucket depth for {@code errorRate}
     * @param broadcastPing {@code LWIP_BROADCAST_PING}: answer echo requests sent to a broadcast address
     * @param multicastPing {@code LWIP_MULTICAST_PING}: answer echo requests sent to a multicast address
     * @param checksumGen   {@code CHECKSUM_GEN_ICMP}
     * @param checksumCheck {@code CHECKSUM_CHECK_ICMP}
     */
    public record IcmpOptions(int ttl, int errorRate, int errorBurst, boolean broadcastPing, boolean multicastPing,
            boolean checksumGen, boolean checksumCheck) {
        /** Checks ranges. */
        public IcmpOptions {
            checkTtl("ICMP_TTL", ttl);
            if (errorRate < 0 || errorBurst < 0) {
                throw new IllegalArgumentException("ICMP error rate and burst must not be negative");
            }
        }
    }

    /**
     * UDP and UDP-Lite.
     *
     * @param enabled        {@code LWIP_UDP}: the stack has UDP
     * @param memNumPcb      {@code MEMP_NUM_UDP_PCB}: pcbs at once, at most
     * @param ttl            {@code UDP_TTL}
     * @param lite           {@code LWIP_UDPLITE}
     * @param localPortStart {@code UDP_LOCAL_PORT_RANGE_START}: first ephemeral port
     * @param localPortEnd   {@code UDP_LOCAL_PORT_RANGE_END}: last ephemeral port
     * @param checksumGen    {@code CHECKSUM_GEN_UDP}
     * @param checksumCheck  {@code CHECKSUM_CHECK_UDP}
     */
    public record UdpOptions(boolean enabled, int memNumPcb, int ttl, boolean lite, int localPortStart,
            int localPortEnd, boolean checksumGen, boolean checksumCheck) {
        /** Checks ranges. */
        public UdpOptions {
            positive("MEMP_NUM_UDP_PCB", memNumPcb);
            checkTtl("UDP_TTL", ttl);
            if (localPortStart < 1 || localPortEnd > 0xffff || localPortStart > localPortEnd) {
                throw new IllegalArgumentException("bad UDP local port range " + localPortStart + ".." + localPortEnd);
            }
        }
    }

    /**
     * Raw pcbs.
     *
     * @param enabled   {@code LWIP_RAW}: the stack has raw pcbs
     * @param memNumPcb {@code MEMP_NUM_RAW_PCB}: pcbs at once, at most
     */
    public record RawOptions(boolean enabled, int memNumPcb) {
        /** Checks ranges. */
        public RawOptions {
            positive("MEMP_NUM_RAW_PCB", memNumPcb);
        }
    }

    /**
     * IPv6, ICMPv6, Neighbor Discovery and address autoconfiguration.
     *
     * @param enabled             {@code LWIP_IPV6}: the stack has IPv6 at all
     * @param numAddresses        {@code LWIP_IPV6_NUM_ADDRESSES}: IPv6 addresses per netif, at most
     * @param hopLimit            {@code IP6_HOPLIM}: hop limit of the packets the stack originates
     * @param frag                {@code LWIP_IPV6_FRAG}: fragment packets above the MTU at the source (RFC 8200 §4.5)
     * @param reassembly          {@code LWIP_IPV6_REASS}: reassemble fragments
     * @param reassMaxAge         {@code IP6_REASS_MAXAGE}: how long a partial datagram is kept (RFC 8200 §4.5: 60 s)
     * @param reassMaxPbufs       {@code IP_REASS_MAX_PBUFS} for IPv6: fragments held for reassembly, at most
     * @param memNumReassData     {@code MEMP_NUM_REASSDATA} for IPv6: datagrams under reassembly at once, at most
     * @param numNeighbors        {@code LWIP_ND6_NUM_NEIGHBORS}: neighbour cache entries, at most
     * @param queueing            {@code LWIP_ND6_QUEUEING}: packets queued per neighbour while it is resolved (0: none)
     * @param memNumQueue         {@code MEMP_NUM_ND6_QUEUE}: packets queued for all neighbours together, at most
     * @param maxMulticastSolicit {@code LWIP_ND6_MAX_MULTICAST_SOLICIT}: multicast NS before a resolution fails (RFC 4861 §10)
     * @param maxUnicastSolicit   {@code LWIP_ND6_MAX_UNICAST_SOLICIT}: unicast NS in PROBE before the entry goes (RFC 4861 §10)
     * @param retransTimer        {@code LWIP_ND6_RETRANS_TIMER}: time between NS (RFC 4861 §10 RETRANS_TIMER)
     * @param reachableTime       {@code LWIP_ND6_REACHABLE_TIME}: BaseReachableTime (RFC 4861 §10 REACHABLE_TIME)
     * @param delayFirstProbe     {@code LWIP_ND6_DELAY_FIRST_PROBE_TIME}: DELAY before PROBE (RFC 4861 §10)
     * @param dupDetectAttempts   {@code LWIP_IPV6_DUP_DETECT_ATTEMPTS}: DupAddrDetectTransmits (RFC 4862 §5.1); 0 turns DAD off
     * @param dadMaxDelay         RFC 4861 §10 MAX_RTR_SOLICITATION_DELAY: random delay before the first DAD NS (RFC 4862 §5.4.2)
     * @param linkLocal           form a link-local address on every non-loopback netif when it comes up
     *                            ({@code netif_create_ip6_linklocal_address}, RFC 4862 §5.3)
     * @param stableIids          interface identifiers per RFC 7217 (stable, opaque); false: modified EUI-64 (RFC 4291 Appendix A)
     * @param multicastPing       answer echo requests to multicast groups we listen to (RFC 4443 §4.1 SHOULD)
     * @param forward             {@code LWIP_IPV6_FORWARD}: forward IPv6 packets between netifs (a router: no RS sent,
     *                            RAs ignored)
     * @param numRouters          {@code LWIP_ND6_NUM_ROUTERS}: default router list entries per stack, at most (RFC 4861 §6.3.4)
     * @param numPrefixes         {@code LWIP_ND6_NUM_PREFIXES}: prefix list entries per stack, at most (RFC 4861 §6.3.4)
     * @param numDestinations     {@code LWIP_ND6_NUM_DESTINATIONS}: destination cache entries (redirects, path MTU), at most
     * @param maxRtrSolicitations RFC 4861 §10 MAX_RTR_SOLICITATIONS: router solicitations when a netif comes up (0: none,
     *                            lwIP's {@code LWIP_IPV6_SEND_ROUTER_SOLICIT} off)
     */
    public record Ip6Options(boolean enabled, int numAddresses, int hopLimit, boolean frag, boolean reassembly,
            Duration reassMaxAge, int reassMaxPbufs, int memNumReassData, int numNeighbors, int queueing,
            int memNumQueue, int maxMulticastSolicit, int maxUnicastSolicit, Duration retransTimer,
            Duration reachableTime, Duration delayFirstProbe, int dupDetectAttempts, Duration dadMaxDelay,
            boolean linkLocal, boolean stableIids, boolean multicastPing, boolean forward, int numRouters,
            int numPrefixes, int numDestinations, int maxRtrSolicitations) {
        /** Checks ranges. */
        public Ip6Options {
            if (maxRtrSolicitations < 0 || maxRtrSolicitations > 255) {
                throw new IllegalArgumentException("MAX_RTR_SOLICITATIONS must be 0..255, not " + maxRtrSolicitations);
            }
            positive("LWIP_ND6_NUM_ROUTERS", numRouters);
            positive("LWIP_ND6_NUM_PREFIXES", numPrefixes);
            positive("LWIP_ND6_NUM_DESTINATIONS", numDestinations);
            positive("LWIP_IPV6_NUM_ADDRESSES", numAddresses);
            checkTtl("IP6_HOPLIM", hopLimit);
            duration("IP6_REASS_MAXAGE", reassMaxAge);
            positive("IP6_REASS_MAX_PBUFS", reassMaxPbufs);
            positive("MEMP_NUM_IP6_REASSDATA", memNumReassData);
            positive("LWIP_ND6_NUM_NEIGHBORS", numNeighbors);
            if (queueing < 0 || dupDetectAttempts < 0 || dupDetectAttempts > 255) {
                throw new IllegalArgumentException("LWIP_ND6_QUEUEING must be >= 0 and LWIP_IPV6_DUP_DETECT_ATTEMPTS 0..255");
            }
            positive("MEMP_NUM_ND6_QUEUE", memNumQueue);
            positive("LWIP_ND6_MAX_MULTICAST_SOLICIT", maxMulticastSolicit);
            positive("LWIP_ND6_MAX_UNICAST_SOLICIT", maxUnicastSolicit);
            duration("LWIP_ND6_RETRANS_TIMER", retransTimer);
            duration("LWIP_ND6_REACHABLE_TIME", reachableTime);
            duration("LWIP_ND6_DELAY_FIRST_PROBE_TIME", delayFirstProbe);
            if (dadMaxDelay == null || dadMaxDelay.isNegative()) {
                throw new IllegalArgumentException("MAX_RTR_SOLICITATION_DELAY must not be negative: " + dadMaxDelay);
            }
        }
    }

    /**
     * TCP (RFC 9293). Times are durations; lwIP's values are in {@link #lwipDefaults()}.
     *
     * @param enabled           {@code LWIP_TCP}: the stack has TCP
     * @param memNumPcb         {@code MEMP_NUM_TCP_PCB}: pcbs (listeners included) at once, at most
     * @param mss               {@code TCP_MSS}: the largest segment we announce (clamped to the route's MTU)
     * @param wnd               {@code TCP_WND}: receive window per connection, bytes
     * @param sndBuf            {@code TCP_SND_BUF}: send buffer per connection, bytes
     * @param maxRtx            {@code TCP_MAXRTX}: retransmissions of data (or zero-window probes) before the connection is aborted
     * @param synMaxRtx         {@code TCP_SYNMAXRTX}: retransmissions of a SYN or SYN-ACK before giving up
     * @param initialRto        RTO before any RTT sample (RFC 6298 §2.1: 1 s; lwIP 3 s)
     * @param minRto            lower bound of the RTO (RFC 6298 §2.4: 1 s)
     * @param maxRto            upper bound of the RTO and its backoff (RFC 6298 §2.5: at least 60 s)
     * @param msl               maximum segment lifetime; TIME_WAIT lasts 2 MSL (RFC 9293 §3.4.2)
     * @param finWait2Timeout   how long FIN_WAIT_2 waits for the peer's FIN after the application closed
     * @param delayedAck        delayed-ACK timeout (RFC 1122 §4.2.3.2: under 0.5 s; lwIP: one fast-timer tick, 250 ms)
     * @param ooseqMaxBytes     {@code TCP_OOSEQ_MAX_BYTES}: out-of-order bytes queued per connection, at most
     * @param ooseqMaxPbufs     {@code TCP_OOSEQ_MAX_PBUFS}: out-of-order segments queued per connection, at most
     * @param localPortStart    first ephemeral port (RFC 6335 dynamic range)
     * @param localPortEnd      last ephemeral port
     * @param keepIdle          {@code TCP_KEEPIDLE_DEFAULT}: idle time before the first keepalive probe
     * @param keepInterval      {@code TCP_KEEPINTVL_DEFAULT}: time between probes
     * @param keepCount         {@code TCP_KEEPCNT_DEFAULT}: unanswered probes before the connection is aborted
     * @param windowScaling     {@code LWIP_WND_SCALE}: offer window scaling (RFC 7323 §2)
     * @param timestamps        {@code LWIP_TCP_TIMESTAMPS}: offer timestamps (RFC 7323 §3)
     * @param sack              {@code LWIP_TCP_SACK_OUT}: offer SACK-permitted (RFC 2018)
     * @param ttl               {@code TCP_TTL}
     * @param challengeAckLimit challenge ACKs per second, stack-wide (RFC 5961 §7)
     * @param pollInterval      period of the poll callback ({@code TCP_SLOW_INTERVAL} times the pcb's interval)
     */
    public record TcpOptions(boolean enabled, int memNumPcb, int mss, int wnd, int sndBuf, int maxRtx, int synMaxRtx,
            Duration initialRto, Duration minRto, Duration maxRto, Duration msl, Duration finWait2Timeout,
            Duration delayedAck, int ooseqMaxBytes, int ooseqMaxPbufs, int localPortStart, int localPortEnd,
            Duration keepIdle, Duration keepInterval, int keepCount, boolean windowScaling, boolean timestamps,
            boolean sack, int ttl, int challengeAckLimit, Duration pollInterval) {
        /** Checks ranges. */
        public TcpOptions {
            positive("MEMP_NUM_TCP_PCB", memNumPcb);
            if (mss < 64 || mss > 65495) {
                throw new IllegalArgumentException("TCP_MSS must be 64..65495, not " + mss);
            }
            if (wnd < mss || wnd > (0xffff << 14)) {
                throw new IllegalArgumentException("TCP_WND must be TCP_MSS..2^30, not " + wnd);
            }
            if (!windowScaling && wnd > 0xffff) {
                throw new IllegalArgumentException("TCP_WND above 65535 needs window scaling");
            }
            if (sndBuf < mss) {
                throw new IllegalArgumentException("TCP_SND_BUF must be at least TCP_MSS, not " + sndBuf);
            }
            positive("TCP_MAXRTX", maxRtx);
            positive("TCP_SYNMAXRTX", synMaxRtx);
            positive("TCP_KEEPCNT", keepCount);
            positive("TCP_OOSEQ_MAX_BYTES", ooseqMaxBytes);
            positive("TCP_OOSEQ_MAX_PBUFS", ooseqMaxPbufs);
            positive("challenge ACK limit", challengeAckLimit);
            duration("initial RTO", initialRto);
            duration("min RTO", minRto);
            duration("max RTO", maxRto);
            duration("MSL", msl);
            duration("FIN_WAIT_2 timeout", finWait2Timeout);
            duration("delayed ACK", delayedAck);
            duration("TCP_KEEPIDLE", keepIdle);
            duration("TCP_KEEPINTVL", keepInterval);
            duration("TCP poll interval", pollInterval);
            if (minRto.compareTo(maxRto) > 0) {
                throw new IllegalArgumentException("min RTO above max RTO");
            }
            checkTtl("TCP_TTL", ttl);
            if (localPortStart < 1 || localPortEnd > 0xffff || localPortStart > localPortEnd) {
                throw new IllegalArgumentException("bad TCP local port range " + localPortStart + ".." + localPortEnd);
            }
        }

        /** The JVM-host defaults: RFC timers, 1460-byte MSS, 256 KiB windows with scaling, timestamps, SACK-permitted. */
        public static TcpOptions defaults() {
            return new TcpOptions(true, 1024, 1460, 256 << 10, 256 << 10, 12, 6, Duration.ofSeconds(1),
                    Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(60),
                    Duration.ofMillis(100), 256 << 10, 256, 0xc000, 0xffff, Duration.ofHours(2),
                    Duration.ofSeconds(75), 9, true, true, true, 64, 1000, Duration.ofMillis(500));
        }

        /** {@code opt.h}'s values: MSS 536, TCP_WND 4 MSS, TCP_SND_BUF 2 MSS, initial RTO 3 s, no options but MSS. */
        public static TcpOptions lwipDefaults() {
            return new TcpOptions(true, 5, 536, 4 * 536, 2 * 536, 12, 6, Duration.ofSeconds(3),
                    Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(20),
                    Duration.ofMillis(250), 4 * 536, 4, 0xc000, 0xffff, Duration.ofHours(2),
                    Duration.ofSeconds(75), 9, false, false, false, 255, 1000, Duration.ofMillis(500));
        }

        /** A builder holding these values. */
        public Builder toBuilder() {
            return new Builder(this);
        }

        /** Changes some {@link TcpOptions}; each setter is named after the component it sets. */
        public static final class Builder {
            private boolean enabled;
            private int memNumPcb;
            private int mss;
            private int wnd;
            private int sndBuf;
            private int maxRtx;
            private int synMaxRtx;
            private Duration initialRto;
            private Duration minRto;
            private Duration maxRto;
            private Duration msl;
            private Duration finWait2Timeout;
            private Duration delayedAck;
            private int ooseqMaxBytes;
            private int ooseqMaxPbufs;
            private int localPortStart;
            private int localPortEnd;
            private Duration keepIdle;
            private Duration keepInterval;
            private int keepCount;
            private boolean windowScaling;
            private boolean timestamps;
            private boolean sack;
            private int ttl;
            private int challengeAckLimit;
            private Duration pollInterval;

            Builder(TcpOptions o) {
                enabled = o.enabled; memNumPcb = o.memNumPcb; mss = o.mss; wnd = o.wnd; sndBuf = o.sndBuf;
                maxRtx = o.maxRtx; synMaxRtx = o.synMaxRtx; initialRto = o.initialRto; minRto = o.minRto;
                maxRto = o.maxRto; msl = o.msl; finWait2Timeout = o.finWait2Timeout; delayedAck = o.delayedAck;
                ooseqMaxBytes = o.ooseqMaxBytes; ooseqMaxPbufs = o.ooseqMaxPbufs; localPortStart = o.localPortStart;
                localPortEnd = o.localPortEnd; keepIdle = o.keepIdle; keepInterval = o.keepInterval;
                keepCount = o.keepCount; windowScaling = o.windowScaling; timestamps = o.timestamps; sack = o.sack;
                ttl = o.ttl; challengeAckLimit = o.challengeAckLimit; pollInterval = o.pollInterval;
            }

            /** {@code LWIP_TCP}. */
            public Builder enabled(boolean v) { enabled = v; return this; }
            /** {@code MEMP_NUM_TCP_PCB}. */
            public Builder memNumPcb(int v) { memNumPcb = v; return this; }
            /** {@code TCP_MSS}. */
            public Builder mss(int v) { mss = v; return this; }
            /** {@code TCP_WND}. */
            public Builder wnd(int v) { wnd = v; return this; }
            /** {@code TCP_SND_BUF}. */
            public Builder sndBuf(int v) { sndBuf = v; return this; }
            /** {@code TCP_MAXRTX}. */
            public Builder maxRtx(int v) { maxRtx = v; return this; }
            /** {@code TCP_SYNMAXRTX}. */
            public Builder synMaxRtx(int v) { synMaxRtx = v; return this; }
            /** Initial RTO. */
            public Builder initialRto(Duration v) { initialRto = v; return this; }
            /** Minimum RTO. */
            public Builder minRto(Duration v) { minRto = v; return this; }
            /** Maximum RTO. */
            public Builder maxRto(Duration v) { maxRto = v; return this; }
            /** MSL (TIME_WAIT is twice this). */
            public Builder msl(Duration v) { msl = v; return this; }
            /** FIN_WAIT_2 timeout. */
            public Builder finWait2Timeout(Duration v) { finWait2Timeout = v; return this; }
            /** Delayed-ACK timeout. */
            public Builder delayedAck(Duration v) { delayedAck = v; return this; }
            /** {@code TCP_OOSEQ_MAX_BYTES} and {@code TCP_OOSEQ_MAX_PBUFS}. */
            public Builder ooseqMax(int bytes, int pbufs) { ooseqMaxBytes = bytes; ooseqMaxPbufs = pbufs; return this; }
            /** Ephemeral port range. */
            public Builder localPortRange(int start, int end) { localPortStart = start; localPortEnd = end; return this; }
            /** Keepalive defaults: idle, interval, count. */
            public Builder keepalive(Duration idle, Duration interval, int count) {
                keepIdle = idle; keepInterval = interval; keepCount = count; return this;
            }
            /** {@code LWIP_WND_SCALE}. */
            public Builder windowScaling(boolean v) { windowScaling = v; return this; }
            /** {@code LWIP_TCP_TIMESTAMPS}. */
            public Builder timestamps(boolean v) { timestamps = v; return this; }
            /** SACK-permitted offered. */
            public Builder sack(boolean v) { sack = v; return this; }
            /** {@code TCP_TTL}. */
            public Builder ttl(int v) { ttl = v; return this; }
            /** Challenge ACKs per second (RFC 5961 §7). */
            public Builder challengeAckLimit(int v) { challengeAckLimit = v; return this; }
            /** Poll callback period unit. */
            public Builder pollInterval(Duration v) { pollInterval = v; return this; }

            /** The options; an {@link IllegalArgumentException} names the first out of range. */
            public TcpOptions build() {
                return new TcpOptions(enabled, memNumPcb, mss, wnd, sndBuf, maxRtx, synMaxRtx, initialRto, minRto,
                        maxRto, msl, finWait2Timeout, delayedAck, ooseqMaxBytes, ooseqMaxPbufs, localPortStart,
                        localPortEnd, keepIdle, keepInterval, keepCount, windowScaling, timestamps, sack, ttl,
                        challengeAckLimit, pollInterval);
            }
        }
    }

    /** Checks that no part is missing. */
    public StackConfig {
        if (pbufs == null || netifs == null || arp == null || ip4 == null || icmp == null || udp == null || raw == null
                || ip6 == null || tcp == null) {
            throw new IllegalArgumentException("every part of a StackConfig must be given");
        }
    }

    private static void positive(String name, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be positive, not " + v);
        }
    }

    private static void duration(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, not " + d);
        }
    }

    private static void checkTtl(String name, int v) {
        if (v < 1 || v > 255) {
            throw new IllegalArgumentException(name + " must be 1..255, not " + v);
        }
    }

    /** The JVM-host defaults. */
    public static StackConfig defaults() {
        return builder().build();
    }

    /** {@code opt.h}'s defaults, for reproducing lwIP's documented behaviour. */
    public static StackConfig lwipDefaults() {
        return builder()
                .tcp(TcpOptions.lwipDefaults())
                .pbufPoolSize(16)
                .pbufPoolBufSize(592)
                .memSize(1600)
                .memNumUdpPcb(4)
                .memNumRawPcb(4)
                .netifInputQueue(16)
                .arpTableSize(10)
                .arpQueueLen(3)
                .memNumArpQueue(30)
                .ipDefaultTtl(255)
                .ipReassMaxAge(Duration.ofSeconds(15))
                .ipReassMaxPbufs(10)
                .memNumReassData(5)
                .icmpTtl(255)
                .icmpErrorRate(0)
                .udpTtl(255)
                .loopbackMaxPbufs(16)
                .build();
    }

    /** A builder holding the JVM-host defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Builds a {@link StackConfig}. Each setter is named after the option it sets; the parts
     * are checked when {@link #build()} makes them.
     */
    public static final class Builder {
        private int pbufPoolSize = 4096;
        private int pbufPoolBufSize = 2048;
        private long memSize = 64L << 20;
        private int memNumUdpPcb = 1024;
        private int memNumRawPcb = 256;
        private int netifInputQueue = 1024;
        private int arpTableSize = 512;
        private Duration arpMaxAge = Duration.ofSeconds(300);
        private Duration arpMaxPending = Duration.ofSeconds(5);
        private Duration arpRetryInterval = Duration.ofSeconds(1);
        private int arpQueueLen = 128; // one 64 KB datagram in 576-byte fragments (119) waits for ARP whole
        private int memNumArpQueue = 256;
        private boolean etharpSupportStaticEntries = true;
        private boolean ipForward = false;
        private int ipDefaultTtl = 64;
        private boolean ipReassembly = true;
        private boolean ipFrag = true;
        private Duration ipReassMaxAge = Duration.ofSeconds(15);
        private int ipReassMaxPbufs = 1024;
        private int memNumReassData = 64;
        private boolean ipSofBroadcast = false;
        private boolean ipSofBroadcastRecv = false;
        private boolean ipForwardAllowTxOnRxNetif = false;
        private boolean broadcastPing = false;
        private boolean multicastPing = false;
        private int icmpTtl = 64;
        private int icmpErrorRate = 1000;
        private int icmpErrorBurst = 50;
        private boolean udpEnabled = true;
        private int udpTtl = 64;
        private boolean udpLite = true;
        private boolean rawEnabled = true;
        private boolean checksumGenIp = true;
        private boolean checksumGenUdp = true;
        private boolean checksumGenIcmp = true;
        private boolean checksumCheckIp = true;
        private boolean checksumCheckUdp = true;
        private boolean checksumCheckIcmp = true;
        private boolean loopbackNetif = true;
        private int loopbackMaxPbufs = 1024;
        private int udpLocalPortStart = 0xc000;
        private int udpLocalPortEnd = 0xffff;
        private long randomSeed = 0;
        private TcpOptions tcp = TcpOptions.defaults();
        private boolean lwipIpv6 = true;
        private int lwipIpv6NumAddresses = 8;
        private int ip6Hoplim = 64;
        private boolean lwipIpv6Frag = true;
        private boolean lwipIpv6Reass = true;
        private Duration ip6ReassMaxAge = Duration.ofSeconds(60);
        private int ip6ReassMaxPbufs = 1024;
        private int memNumIp6ReassData = 64;
        private int lwipNd6NumNeighbors = 512;
        private int lwipNd6Queueing = 16;
        private int memNumNd6Queue = 256;
        private int lwipNd6MaxMulticastSolicit = 3;
        private int lwipNd6MaxUnicastSolicit = 3;
        private Duration lwipNd6RetransTimer = Duration.ofSeconds(1);
        private Duration lwipNd6ReachableTime = Duration.ofSeconds(30);
        private Duration lwipNd6DelayFirstProbeTime = Duration.ofSeconds(5);
        private int lwipIpv6DupDetectAttempts = 1;
        private Duration maxRtrSolicitationDelay = Duration.ofSeconds(1);
        private boolean ip6LinkLocal = true;
        private boolean ip6StableIids = true;
        private boolean ip6MulticastPing = true;
        private boolean lwipIpv6Forward = false;
        private int lwipNd6NumRouters = 8;
        private int lwipNd6NumPrefixes = 16;
        private int lwipNd6NumDestinations = 256;
        private int maxRtrSolicitations = 3;

        Builder() {
        }

        Builder(StackConfig c) {
            pbufs(c.pbufs);
            netifs(c.netifs);
            arp(c.arp);
            ip4(c.ip4);
            icmp(c.icmp);
            udp(c.udp);
            raw(c.raw);
            ip6(c.ip6);
            tcp(c.tcp);
            randomSeed = c.randomSeed;
        }

        /** Sets every packet memory option. */
        public Builder pbufs(PbufOptions o) {
            pbufPoolSize = o.poolSize();
            pbufPoolBufSize = o.poolBufSize();
            memSize = o.memSize();
            return this;
        }

        /** Sets every netif option. */
        public Builder netifs(NetifOptions o) {
            netifInputQueue = o.inputQueue();
            loopbackNetif = o.loopback();
            loopbackMaxPbufs = o.loopbackMaxPbufs();
            return this;
        }

        /** Sets every ARP option. */
        public Builder arp(ArpOptions o) {
            arpTableSize = o.tableSize();
            arpMaxAge = o.maxAge();
            arpMaxPending = o.maxPending();
            arpRetryInterval = o.retryInterval();
            arpQueueLen = o.queueLen();
            memNumArpQueue = o.memNumQueue();
            etharpSupportStaticEntries = o.supportStaticEntries();
            return this;
        }

        /** Sets every IPv4 option. */
        public Builder ip4(Ip4Options o) {
            ipForward = o.forward();
            ipDefaultTtl = o.defaultTtl();
            ipReassembly = o.reassembly();
            ipFrag = o.frag();
            ipReassMaxAge = o.reassMaxAge();
            ipReassMaxPbufs = o.reassMaxPbufs();
            memNumReassData = o.memNumReassData();
            ipSofBroadcast = o.sofBroadcast();
            ipSofBroadcastRecv = o.sofBroadcastRecv();
            ipForwardAllowTxOnRxNetif = o.forwardAllowTxOnRxNetif();
            checksumGenIp = o.checksumGen();
            checksumCheckIp = o.checksumCheck();
            return this;
        }

        /** Sets every ICMPv4 option. */
        public Builder icmp(IcmpOptions o) {
            icmpTtl = o.ttl();
            icmpErrorRate = o.errorRate();
            icmpErrorBurst = o.errorBurst();
            broadcastPing = o.broadcastPing();
            multicastPing = o.multicastPing();
            checksumGenIcmp = o.checksumGen();
            checksumCheckIcmp = o.checksumCheck();
            return this;
        }

        /** Sets every UDP option. */
        public Builder udp(UdpOptions o) {
            udpEnabled = o.enabled();
            memNumUdpPcb = o.memNumPcb();
            udpTtl = o.ttl();
            udpLite = o.lite();
            udpLocalPortStart = o.localPortStart();
            udpLocalPortEnd = o.localPortEnd();
            checksumGenUdp = o.checksumGen();
            checksumCheckUdp = o.checksumCheck();
            return this;
        }

        /** Sets every raw pcb option. */
        public Builder raw(RawOptions o) {
            rawEnabled = o.enabled();
            memNumRawPcb = o.memNumPcb();
            return this;
        }

        /** Sets every TCP option ({@link TcpOptions#toBuilder()} changes a few). */
        public Builder tcp(TcpOptions o) {
            tcp = java.util.Objects.requireNonNull(o, "tcp");
            return this;
        }

        /** Changes some TCP options: {@code b.tcp(t -> t.mss(1460).wnd(65535))}. */
        public Builder tcp(java.util.function.UnaryOperator<TcpOptions.Builder> change) {
            tcp = change.apply(tcp.toBuilder()).build();
            return this;
        }

        /** Sets every IPv6 option. */
        public Builder ip6(Ip6Options o) {
            lwipIpv6 = o.enabled();
            lwipIpv6NumAddresses = o.numAddresses();
            ip6Hoplim = o.hopLimit();
            lwipIpv6Frag = o.frag();
            lwipIpv6Reass = o.reassembly();
            ip6ReassMaxAge = o.reassMaxAge();
            ip6ReassMaxPbufs = o.reassMaxPbufs();
            memNumIp6ReassData = o.memNumReassData();
            lwipNd6NumNeighbors = o.numNeighbors();
            lwipNd6Queueing = o.queueing();
            memNumNd6Queue = o.memNumQueue();
            lwipNd6MaxMulticastSolicit = o.maxMulticastSolicit();
            lwipNd6MaxUnicastSolicit = o.maxUnicastSolicit();
            lwipNd6RetransTimer = o.retransTimer();
            lwipNd6ReachableTime = o.reachableTime();
            lwipNd6DelayFirstProbeTime = o.delayFirstProbe();
            lwipIpv6DupDetectAttempts = o.dupDetectAttempts();
            maxRtrSolicitationDelay = o.dadMaxDelay();
            ip6LinkLocal = o.linkLocal();
            ip6StableIids = o.stableIids();
            ip6MulticastPing = o.multicastPing();
            lwipIpv6Forward = o.forward();
            lwipNd6NumRouters = o.numRouters();
            lwipNd6NumPrefixes = o.numPrefixes();
            lwipNd6NumDestinations = o.numDestinations();
            maxRtrSolicitations = o.maxRtrSolicitations();
            return this;
        }

        /** {@code LWIP_IPV6}. */
        public Builder lwipIpv6(boolean v) { lwipIpv6 = v; return this; }
        /** {@code LWIP_IPV6_NUM_ADDRESSES}. */
        public Builder lwipIpv6NumAddresses(int v) { lwipIpv6NumAddresses = v; return this; }
        /** {@code IP6_HOPLIM}. */
        public Builder ip6Hoplim(int v) { ip6Hoplim = v; return this; }
        /** {@code LWIP_IPV6_FRAG}. */
        public Builder lwipIpv6Frag(boolean v) { lwipIpv6Frag = v; return this; }
        /** {@code LWIP_IPV6_REASS}. */
        public Builder lwipIpv6Reass(boolean v) { lwipIpv6Reass = v; return this; }
        /** {@code IP6_REASS_MAXAGE}. */
        public Builder ip6ReassMaxAge(Duration v) { ip6ReassMaxAge = v; return this; }
        /** {@code IP_REASS_MAX_PBUFS} for IPv6. */
        public Builder ip6ReassMaxPbufs(int v) { ip6ReassMaxPbufs = v; return this; }
        /** {@code MEMP_NUM_REASSDATA} for IPv6. */
        public Builder memNumIp6ReassData(int v) { memNumIp6ReassData = v; return this; }
        /** {@code LWIP_ND6_NUM_NEIGHBORS}. */
        public Builder lwipNd6NumNeighbors(int v) { lwipNd6NumNeighbors = v; return this; }
        /** {@code LWIP_ND6_QUEUEING} (packets per neighbour; 0: none). */
        public Builder lwipNd6Queueing(int v) { lwipNd6Queueing = v; return this; }
        /** {@code MEMP_NUM_ND6_QUEUE}. */
        public Builder memNumNd6Queue(int v) { memNumNd6Queue = v; return this; }
        /** {@code LWIP_ND6_MAX_MULTICAST_SOLICIT}. */
        public Builder lwipNd6MaxMulticastSolicit(int v) { lwipNd6MaxMulticastSolicit = v; return this; }
        /** {@code LWIP_ND6_MAX_UNICAST_SOLICIT}. */
        public Builder lwipNd6MaxUnicastSolicit(int v) { lwipNd6MaxUnicastSolicit = v; return this; }
        /** {@code LWIP_ND6_RETRANS_TIMER}. */
        public Builder lwipNd6RetransTimer(Duration v) { lwipNd6RetransTimer = v; return this; }
        /** {@code LWIP_ND6_REACHABLE_TIME}. */
        public Builder lwipNd6ReachableTime(Duration v) { lwipNd6ReachableTime = v; return this; }
        /** {@code LWIP_ND6_DELAY_FIRST_PROBE_TIME}. */
        public Builder lwipNd6DelayFirstProbeTime(Duration v) { lwipNd6DelayFirstProbeTime = v; return this; }
        /** {@code LWIP_IPV6_DUP_DETECT_ATTEMPTS}. */
        public Builder lwipIpv6DupDetectAttempts(int v) { lwipIpv6DupDetectAttempts = v; return this; }
        /** RFC 4861's {@code MAX_RTR_SOLICITATION_DELAY}, the random delay before the first DAD NS. */
        public Builder maxRtrSolicitationDelay(Duration v) { maxRtrSolicitationDelay = v; return this; }
        /** A link-local address on every non-loopback netif when it comes up. */
        public Builder ip6LinkLocal(boolean v) { ip6LinkLocal = v; return this; }
        /** RFC 7217 interface identifiers (true) or modified EUI-64 (false). */
        public Builder ip6StableIids(boolean v) { ip6StableIids = v; return this; }
        /** Answer ICMPv6 echo requests to multicast groups we listen to. */
        public Builder ip6MulticastPing(boolean v) { ip6MulticastPing = v; return this; }
        /** {@code LWIP_IPV6_FORWARD}. */
        public Builder lwipIpv6Forward(boolean v) { lwipIpv6Forward = v; return this; }
        /** {@code LWIP_ND6_NUM_ROUTERS}. */
        public Builder lwipNd6NumRouters(int v) { lwipNd6NumRouters = v; return this; }
        /** {@code LWIP_ND6_NUM_PREFIXES}. */
        public Builder lwipNd6NumPrefixes(int v) { lwipNd6NumPrefixes = v; return this; }
        /** {@code LWIP_ND6_NUM_DESTINATIONS}. */
        public Builder lwipNd6NumDestinations(int v) { lwipNd6NumDestinations = v; return this; }
        /** RFC 4861's {@code MAX_RTR_SOLICITATIONS} (0: send no RS). */
        public Builder maxRtrSolicitations(int v) { maxRtrSolicitations = v; return this; }

        /** {@code PBUF_POOL_SIZE}. */
        public Builder pbufPoolSize(int v) { pbufPoolSize = v; return this; }
        /** {@code PBUF_POOL_BUFSIZE}. */
        public Builder pbufPoolBufSize(int v) { pbufPoolBufSize = v; return this; }
        /** {@code MEM_SIZE}. */
        public Builder memSize(long v) { memSize = v; return this; }
        /** {@code MEMP_NUM_UDP_PCB}. */
        public Builder memNumUdpPcb(int v) { memNumUdpPcb = v; return this; }
        /** {@code MEMP_NUM_RAW_PCB}. */
        public Builder memNumRawPcb(int v) { memNumRawPcb = v; return this; }
        /** {@code TCPIP_MBOX_SIZE}. */
        public Builder netifInputQueue(int v) { netifInputQueue = v; return this; }
        /** {@code ARP_TABLE_SIZE}. */
        public Builder arpTableSize(int v) { arpTableSize = v; return this; }
        /** {@code ARP_MAXAGE}. */
        public Builder arpMaxAge(Duration v) { arpMaxAge = v; return this; }
        /** {@code ARP_MAXPENDING}. */
        public Builder arpMaxPending(Duration v) { arpMaxPending = v; return this; }
        /** {@code ARP_TMR_INTERVAL}. */
        public Builder arpRetryInterval(Duration v) { arpRetryInterval = v; return this; }
        /** {@code ARP_QUEUE_LEN}. */
        public Builder arpQueueLen(int v) { arpQueueLen = v; return this; }
        /** {@code MEMP_NUM_ARP_QUEUE}. */
        public Builder memNumArpQueue(int v) { memNumArpQueue = v; return this; }
        /** {@code ETHARP_SUPPORT_STATIC_ENTRIES}. */
        public Builder etharpSupportStaticEntries(boolean v) { etharpSupportStaticEntries = v; return this; }
        /** {@code IP_FORWARD}. */
        public Builder ipForward(boolean v) { ipForward = v; return this; }
        /** {@code IP_DEFAULT_TTL}. */
        public Builder ipDefaultTtl(int v) { ipDefaultTtl = v; return this; }
        /** {@code IP_REASSEMBLY}. */
        public Builder ipReassembly(boolean v) { ipReassembly = v; return this; }
        /** {@code IP_FRAG}. */
        public Builder ipFrag(boolean v) { ipFrag = v; return this; }
        /** {@code IP_REASS_MAXAGE}. */
        public Builder ipReassMaxAge(Duration v) { ipReassMaxAge = v; return this; }
        /** {@code IP_REASS_MAX_PBUFS}. */
        public Builder ipReassMaxPbufs(int v) { ipReassMaxPbufs = v; return this; }
        /** {@code MEMP_NUM_REASSDATA}. */
        public Builder memNumReassData(int v) { memNumReassData = v; return this; }
        /** {@code IP_SOF_BROADCAST}. */
        public Builder ipSofBroadcast(boolean v) { ipSofBroadcast = v; return this; }
        /** {@code IP_SOF_BROADCAST_RECV}. */
        public Builder ipSofBroadcastRecv(boolean v) { ipSofBroadcastRecv = v; return this; }
        /** {@code IP_FORWARD_ALLOW_TX_ON_RX_NETIF}. */
        public Builder ipForwardAllowTxOnRxNetif(boolean v) { ipForwardAllowTxOnRxNetif = v; return this; }
        /** {@code LWIP_BROADCAST_PING}. */
        public Builder broadcastPing(boolean v) { broadcastPing = v; return this; }
        /** {@code LWIP_MULTICAST_PING}. */
        public Builder multicastPing(boolean v) { multicastPing = v; return this; }
        /** {@code ICMP_TTL}. */
        public Builder icmpTtl(int v) { icmpTtl = v; return this; }
        /** ICMP errors per second (0 = unlimited). */
        public Builder icmpErrorRate(int v) { icmpErrorRate = v; return this; }
        /** ICMP error burst. */
        public Builder icmpErrorBurst(int v) { icmpErrorBurst = v; return this; }
        /** {@code LWIP_UDP}. */
        public Builder udpEnabled(boolean v) { udpEnabled = v; return this; }
        /** {@code UDP_TTL}. */
        public Builder udpTtl(int v) { udpTtl = v; return this; }
        /** {@code LWIP_UDPLITE}. */
        public Builder udpLite(boolean v) { udpLite = v; return this; }
        /** {@code LWIP_RAW}. */
        public Builder rawEnabled(boolean v) { rawEnabled = v; return this; }
        /** {@code CHECKSUM_GEN_IP}. */
        public Builder checksumGenIp(boolean v) { checksumGenIp = v; return this; }
        /** {@code CHECKSUM_GEN_UDP}. */
        public Builder checksumGenUdp(boolean v) { checksumGenUdp = v; return this; }
        /** {@code CHECKSUM_GEN_ICMP}. */
        public Builder checksumGenIcmp(boolean v) { checksumGenIcmp = v; return this; }
        /** {@code CHECKSUM_CHECK_IP}. */
        public Builder checksumCheckIp(boolean v) { checksumCheckIp = v; return this; }
        /** {@code CHECKSUM_CHECK_UDP}. */
        public Builder checksumCheckUdp(boolean v) { checksumCheckUdp = v; return this; }
        /** {@code CHECKSUM_CHECK_ICMP}. */
        public Builder checksumCheckIcmp(boolean v) { checksumCheckIcmp = v; return this; }
        /** {@code LWIP_HAVE_LOOPIF}. */
        public Builder loopbackNetif(boolean v) { loopbackNetif = v; return this; }
        /** {@code LWIP_LOOPBACK_MAX_PBUFS}. */
        public Builder loopbackMaxPbufs(int v) { loopbackMaxPbufs = v; return this; }
        /** {@code UDP_LOCAL_PORT_RANGE_START} and {@code _END}. */
        public Builder udpLocalPortRange(int start, int end) { udpLocalPortStart = start; udpLocalPortEnd = end; return this; }
        /** {@code LWIP_RAND}'s seed (0: fresh from the system's entropy). */
        public Builder randomSeed(long v) { randomSeed = v; return this; }

        /** The configuration; an {@link IllegalArgumentException} names the first option out of range. */
        public StackConfig build() {
            return new StackConfig(
                    new PbufOptions(pbufPoolSize, pbufPoolBufSize, memSize),
                    new NetifOptions(netifInputQueue, loopbackNetif, loopbackMaxPbufs),
                    new ArpOptions(arpTableSize, arpMaxAge, arpMaxPending, arpRetryInterval, arpQueueLen, memNumArpQueue,
                            etharpSupportStaticEntries),
                    new Ip4Options(ipForward, ipDefaultTtl, ipReassembly, ipFrag, ipReassMaxAge, ipReassMaxPbufs,
                            memNumReassData, ipSofBroadcast, ipSofBroadcastRecv, ipForwardAllowTxOnRxNetif, checksumGenIp,
                            checksumCheckIp),
                    new IcmpOptions(icmpTtl, icmpErrorRate, icmpErrorBurst, broadcastPing, multicastPing, checksumGenIcmp,
                            checksumCheckIcmp),
                    new UdpOptions(udpEnabled, memNumUdpPcb, udpTtl, udpLite, udpLocalPortStart, udpLocalPortEnd,
                            checksumGenUdp, checksumCheckUdp),
                    new RawOptions(rawEnabled, memNumRawPcb),
                    new Ip6Options(lwipIpv6, lwipIpv6NumAddresses, ip6Hoplim, lwipIpv6Frag, lwipIpv6Reass, ip6ReassMaxAge,
                            ip6ReassMaxPbufs, memNumIp6ReassData, lwipNd6NumNeighbors, lwipNd6Queueing, memNumNd6Queue,
                            lwipNd6MaxMulticastSolicit, lwipNd6MaxUnicastSolicit, lwipNd6RetransTimer, lwipNd6ReachableTime,
                            lwipNd6DelayFirstProbeTime, lwipIpv6DupDetectAttempts, maxRtrSolicitationDelay, ip6LinkLocal,
                            ip6StableIids, ip6MulticastPing, lwipIpv6Forward, lwipNd6NumRouters, lwipNd6NumPrefixes,
                            lwipNd6NumDestinations, maxRtrSolicitations),
                    tcp,
                    randomSeed);
        }
    }
}
