package org.lwip4j.stack;

import java.time.Duration;

/**
 * Everything {@code lwipopts.h} holds, as an immutable value (built with {@link #builder()}).
 * Each component names the lwIP option it stands for.
 *
 * <p>{@link #defaults()} suits a JVM host: large pools (created lazily, so an idle stack
 * stays small), Linux-like TTLs, reassembly that takes a full 64 KB datagram.
 * {@link #lwipDefaults()} gives {@code opt.h}'s values so lwIP's documented behaviour can be
 * reproduced.
 *
 * @param pbufPoolSize           {@code PBUF_POOL_SIZE}: pool buffers in use at once, at most
 * @param pbufPoolBufSize        {@code PBUF_POOL_BUFSIZE}: bytes per pool buffer, header room included
 * @param memSize                {@code MEM_SIZE}: bytes of RAM pbufs in use at once, at most
 * @param memNumUdpPcb           {@code MEMP_NUM_UDP_PCB}: UDP pcbs at once, at most
 * @param memNumRawPcb           {@code MEMP_NUM_RAW_PCB}: raw pcbs at once, at most
 * @param netifInputQueue        {@code TCPIP_MBOX_SIZE}: frames a driver thread may queue for the loop before drops
 * @param arpTableSize           {@code ARP_TABLE_SIZE}: ARP cache entries, at most (the oldest is evicted)
 * @param arpMaxAge              {@code ARP_MAXAGE}: lifetime of a stable ARP entry
 * @param arpMaxPending          {@code ARP_MAXPENDING}: how long an unanswered request is retried (once per {@link #arpRetryInterval})
 * @param arpRetryInterval       {@code ARP_TMR_INTERVAL}: interval between ARP requests for a pending entry
 * @param arpQueueLen            {@code ARP_QUEUE_LEN}: packets queued on one pending entry, at most
 * @param memNumArpQueue         {@code MEMP_NUM_ARP_QUEUE}: packets queued on all pending entries, at most
 * @param etharpSupportStaticEntries {@code ETHARP_SUPPORT_STATIC_ENTRIES}
 * @param etharpTrustIpMac       {@code ETHARP_TRUST_IP_MAC}: learn sender MACs from every IP packet
 * @param ipForward              {@code IP_FORWARD}: forward IPv4 packets between netifs
 * @param ipDefaultTtl           {@code IP_DEFAULT_TTL}: TTL of packets the stack originates
 * @param ipReassembly           {@code IP_REASSEMBLY}: reassemble fragmented datagrams
 * @param ipFrag                 {@code IP_FRAG}: fragment datagrams larger than the MTU
 * @param ipReassMaxAge          {@code IP_REASS_MAXAGE}: how long a partial datagram is kept
 * @param ipReassMaxPbufs        {@code IP_REASS_MAX_PBUFS}: fragments held for reassembly, at most
 * @param memNumReassData        {@code MEMP_NUM_REASSDATA}: datagrams under reassembly at once, at most
 * @param ipSofBroadcast         {@code IP_SOF_BROADCAST}: sending to a broadcast address needs the pcb's broadcast option
 * @param ipSofBroadcastRecv     {@code IP_SOF_BROADCAST_RECV}: receiving broadcasts needs the pcb's broadcast option
 * @param ipForwardAllowTxOnRxNetif {@code IP_FORWARD_ALLOW_TX_ON_RX_NETIF}
 * @param broadcastPing          {@code LWIP_BROADCAST_PING}: answer echo requests sent to a broadcast address
 * @param multicastPing          {@code LWIP_MULTICAST_PING}: answer echo requests sent to a multicast address
 * @param icmpTtl                {@code ICMP_TTL}: TTL of ICMP messages
 * @param icmpErrorRate          errors per second the stack may send (token bucket; RFC 1812 §4.3.2.8); 0 = unlimited (lwIP has no limit)
 * @param icmpErrorBurst         token bucket depth for {@link #icmpErrorRate}
 * @param udpTtl                 {@code UDP_TTL}
 * @param udpLite                {@code LWIP_UDPLITE}
 * @param checksumGenIp          {@code CHECKSUM_GEN_IP}
 * @param checksumGenUdp         {@code CHECKSUM_GEN_UDP}
 * @param checksumGenIcmp        {@code CHECKSUM_GEN_ICMP}
 * @param checksumCheckIp        {@code CHECKSUM_CHECK_IP}
 * @param checksumCheckUdp       {@code CHECKSUM_CHECK_UDP}
 * @param checksumCheckIcmp      {@code CHECKSUM_CHECK_ICMP}
 * @param loopbackNetif          {@code LWIP_HAVE_LOOPIF}: add a loopback netif ({@code lo}, 127.0.0.1/8)
 * @param loopbackMaxPbufs       {@code LWIP_LOOPBACK_MAX_PBUFS}: packets queued on a loopback path, at most
 * @param udpLocalPortStart      {@code UDP_LOCAL_PORT_RANGE_START}: first ephemeral port
 * @param udpLocalPortEnd        {@code UDP_LOCAL_PORT_RANGE_END}: last ephemeral port
 * @param randomSeed             {@code LWIP_RAND}'s seed; the same seed gives the same ports, ids, MACs and delays;
 *                               0 (the default) draws a fresh seed from the system's entropy per stack
 */
public record StackConfig(
        int pbufPoolSize,
        int pbufPoolBufSize,
        long memSize,
        int memNumUdpPcb,
        int memNumRawPcb,
        int netifInputQueue,
        int arpTableSize,
        Duration arpMaxAge,
        Duration arpMaxPending,
        Duration arpRetryInterval,
        int arpQueueLen,
        int memNumArpQueue,
        boolean etharpSupportStaticEntries,
        boolean etharpTrustIpMac,
        boolean ipForward,
        int ipDefaultTtl,
        boolean ipReassembly,
        boolean ipFrag,
        Duration ipReassMaxAge,
        int ipReassMaxPbufs,
        int memNumReassData,
        boolean ipSofBroadcast,
        boolean ipSofBroadcastRecv,
        boolean ipForwardAllowTxOnRxNetif,
        boolean broadcastPing,
        boolean multicastPing,
        int icmpTtl,
        int icmpErrorRate,
        int icmpErrorBurst,
        int udpTtl,
        boolean udpLite,
        boolean checksumGenIp,
        boolean checksumGenUdp,
        boolean checksumGenIcmp,
        boolean checksumCheckIp,
        boolean checksumCheckUdp,
        boolean checksumCheckIcmp,
        boolean loopbackNetif,
        int loopbackMaxPbufs,
        int udpLocalPortStart,
        int udpLocalPortEnd,
        long randomSeed) {

    /** Checks ranges; a bad value is an {@link IllegalArgumentException} naming the option. */
    public StackConfig {
        positive("PBUF_POOL_SIZE", pbufPoolSize);
        if (pbufPoolBufSize < 256) {
            throw new IllegalArgumentException("PBUF_POOL_BUFSIZE must be at least 256, not " + pbufPoolBufSize);
        }
        if (memSize < 0) {
            throw new IllegalArgumentException("MEM_SIZE must not be negative");
        }
        positive("MEMP_NUM_UDP_PCB", memNumUdpPcb);
        positive("MEMP_NUM_RAW_PCB", memNumRawPcb);
        positive("TCPIP_MBOX_SIZE", netifInputQueue);
        positive("ARP_TABLE_SIZE", arpTableSize);
        positive("ARP_QUEUE_LEN", arpQueueLen);
        positive("MEMP_NUM_ARP_QUEUE", memNumArpQueue);
        duration("ARP_MAXAGE", arpMaxAge);
        duration("ARP_MAXPENDING", arpMaxPending);
        duration("ARP_TMR_INTERVAL", arpRetryInterval);
        duration("IP_REASS_MAXAGE", ipReassMaxAge);
        ttl("IP_DEFAULT_TTL", ipDefaultTtl);
        ttl("ICMP_TTL", icmpTtl);
        ttl("UDP_TTL", udpTtl);
        positive("IP_REASS_MAX_PBUFS", ipReassMaxPbufs);
        positive("MEMP_NUM_REASSDATA", memNumReassData);
        if (icmpErrorRate < 0 || icmpErrorBurst < 0) {
            throw new IllegalArgumentException("ICMP error rate and burst must not be negative");
        }
        positive("LWIP_LOOPBACK_MAX_PBUFS", loopbackMaxPbufs);
        if (udpLocalPortStart < 1 || udpLocalPortEnd > 0xffff || udpLocalPortStart > udpLocalPortEnd) {
            throw new IllegalArgumentException("bad UDP local port range " + udpLocalPortStart + ".." + udpLocalPortEnd);
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

    private static void ttl(String name, int v) {
        if (v < 1 || v > 255) {
            throw new IllegalArgumentException(name + " must be 1..255, not " + v);
        }
    }

    /** Defaults for a JVM host. */
    public static StackConfig defaults() {
        return builder().build();
    }

    /** {@code opt.h}'s values, to reproduce lwIP's documented behaviour. */
    public static StackConfig lwipDefaults() {
        return builder()
                .pbufPoolSize(16)
                .pbufPoolBufSize(592)
                .memSize(1600)
                .memNumUdpPcb(4)
                .memNumRawPcb(4)
                .netifInputQueue(16)
                .arpTableSize(10)
                .arpQueueLen(3)
                .memNumArpQueue(30)
                .etharpTrustIpMac(false)
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

    /** A builder starting from the JVM-host defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link StackConfig}; each setter names the lwIP option it sets. */
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
        private boolean etharpTrustIpMac = false;
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
        private int udpTtl = 64;
        private boolean udpLite = true;
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

        Builder() {
        }

        Builder(StackConfig c) {
            pbufPoolSize = c.pbufPoolSize;
            pbufPoolBufSize = c.pbufPoolBufSize;
            memSize = c.memSize;
            memNumUdpPcb = c.memNumUdpPcb;
            memNumRawPcb = c.memNumRawPcb;
            netifInputQueue = c.netifInputQueue;
            arpTableSize = c.arpTableSize;
            arpMaxAge = c.arpMaxAge;
            arpMaxPending = c.arpMaxPending;
            arpRetryInterval = c.arpRetryInterval;
            arpQueueLen = c.arpQueueLen;
            memNumArpQueue = c.memNumArpQueue;
            etharpSupportStaticEntries = c.etharpSupportStaticEntries;
            etharpTrustIpMac = c.etharpTrustIpMac;
            ipForward = c.ipForward;
            ipDefaultTtl = c.ipDefaultTtl;
            ipReassembly = c.ipReassembly;
            ipFrag = c.ipFrag;
            ipReassMaxAge = c.ipReassMaxAge;
            ipReassMaxPbufs = c.ipReassMaxPbufs;
            memNumReassData = c.memNumReassData;
            ipSofBroadcast = c.ipSofBroadcast;
            ipSofBroadcastRecv = c.ipSofBroadcastRecv;
            ipForwardAllowTxOnRxNetif = c.ipForwardAllowTxOnRxNetif;
            broadcastPing = c.broadcastPing;
            multicastPing = c.multicastPing;
            icmpTtl = c.icmpTtl;
            icmpErrorRate = c.icmpErrorRate;
            icmpErrorBurst = c.icmpErrorBurst;
            udpTtl = c.udpTtl;
            udpLite = c.udpLite;
            checksumGenIp = c.checksumGenIp;
            checksumGenUdp = c.checksumGenUdp;
            checksumGenIcmp = c.checksumGenIcmp;
            checksumCheckIp = c.checksumCheckIp;
            checksumCheckUdp = c.checksumCheckUdp;
            checksumCheckIcmp = c.checksumCheckIcmp;
            loopbackNetif = c.loopbackNetif;
            loopbackMaxPbufs = c.loopbackMaxPbufs;
            udpLocalPortStart = c.udpLocalPortStart;
            udpLocalPortEnd = c.udpLocalPortEnd;
            randomSeed = c.randomSeed;
        }

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
        /** {@code ETHARP_TRUST_IP_MAC}. */
        public Builder etharpTrustIpMac(boolean v) { etharpTrustIpMac = v; return this; }
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
        /** {@code UDP_TTL}. */
        public Builder udpTtl(int v) { udpTtl = v; return this; }
        /** {@code LWIP_UDPLITE}. */
        public Builder udpLite(boolean v) { udpLite = v; return this; }
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
        /** {@code UDP_LOCAL_PORT_RANGE_START}/{@code _END}. */
        public Builder udpLocalPortRange(int start, int end) { udpLocalPortStart = start; udpLocalPortEnd = end; return this; }
        /** Seed of the stack's random source ({@code LWIP_RAND}). */
        public Builder randomSeed(long v) { randomSeed = v; return this; }

        /** The configuration; throws {@link IllegalArgumentException} on a bad value. */
        public StackConfig build() {
            return new StackConfig(pbufPoolSize, pbufPoolBufSize, memSize, memNumUdpPcb, memNumRawPcb,
                    netifInputQueue, arpTableSize, arpMaxAge, arpMaxPending, arpRetryInterval, arpQueueLen,
                    memNumArpQueue, etharpSupportStaticEntries, etharpTrustIpMac, ipForward, ipDefaultTtl,
                    ipReassembly, ipFrag, ipReassMaxAge, ipReassMaxPbufs, memNumReassData, ipSofBroadcast,
                    ipSofBroadcastRecv, ipForwardAllowTxOnRxNetif, broadcastPing, multicastPing, icmpTtl,
                    icmpErrorRate, icmpErrorBurst, udpTtl, udpLite, checksumGenIp, checksumGenUdp,
                    checksumGenIcmp, checksumCheckIp, checksumCheckUdp, checksumCheckIcmp, loopbackNetif,
                    loopbackMaxPbufs, udpLocalPortStart, udpLocalPortEnd, randomSeed);
        }
    }
}
