package org.lwip4j.stack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.lwip4j.buffer.PoolStats;

/**
 * All counters of one stack (lwIP's {@code struct stats_}): one {@link ProtoStats} per
 * protocol and one {@link PoolStats} per memory pool. The CLI prints them; tests assert on
 * them.
 */
public final class Stats {
    /** Zeroed counters of a new stack. */
    Stats() {
    }

    /** Link layer (frames in and out of netifs). */
    public final ProtoStats link = new ProtoStats("LINK");
    /** ARP and Ethernet. */
    public final ProtoStats etharp = new ProtoStats("ETHARP");
    /** IPv4 fragmentation and reassembly. */
    public final ProtoStats ipfrag = new ProtoStats("IP_FRAG");
    /** IPv4. */
    public final ProtoStats ip = new ProtoStats("IP");
    /** ICMPv4. */
    public final ProtoStats icmp = new ProtoStats("ICMP");
    /** IGMP. */
    public final ProtoStats igmp = new ProtoStats("IGMP");
    /** UDP and UDP-Lite. */
    public final ProtoStats udp = new ProtoStats("UDP");
    /** TCP. */
    public final ProtoStats tcp = new ProtoStats("TCP");
    /** Raw pcbs. */
    public final ProtoStats raw = new ProtoStats("RAW");
    /** IPv6. */
    public final ProtoStats ip6 = new ProtoStats("IPv6");
    /** IPv6 fragmentation and reassembly. */
    public final ProtoStats ip6frag = new ProtoStats("IPv6_FRAG");
    /** ICMPv6. */
    public final ProtoStats icmp6 = new ProtoStats("ICMPv6");
    /** Neighbor discovery. */
    public final ProtoStats nd6 = new ProtoStats("ND6");
    /** MLD. */
    public final ProtoStats mld6 = new ProtoStats("MLDv1");

    private final List<PoolStats> pools = new ArrayList<>();

    /** Registers a pool's counters so they are listed with the stack's. */
    public void addPool(PoolStats p) {
        pools.add(p);
    }

    /** The pools' counters, in registration order. */
    public List<PoolStats> pools() {
        return Collections.unmodifiableList(pools);
    }

    /** The named pool's counters, or {@code null}. */
    public PoolStats pool(String name) {
        for (PoolStats p : pools) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** Every protocol's counters, in lwIP's order. */
    public List<ProtoStats> protocols() {
        return List.of(link, etharp, ipfrag, ip, icmp, igmp, udp, tcp, raw, ip6, ip6frag, icmp6, nd6, mld6);
    }

    /** A table of all non-zero protocol counters and every pool, one line each, for printing. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-10s", "proto"));
        for (String f : ProtoStats.FIELDS) {
            sb.append(String.format(" %9s", f));
        }
        sb.append('\n');
        for (ProtoStats p : protocols()) {
            long[] v = p.values();
            boolean any = false;
            for (long x : v) {
                any |= x != 0;
            }
            if (!any) {
                continue;
            }
            sb.append(String.format("%-10s", p.name));
            for (long x : v) {
                sb.append(String.format(" %9d", x));
            }
            sb.append('\n');
        }
        sb.append(String.format("%-16s %9s %9s %9s %9s %9s%n", "pool", "avail", "used", "max", "err", "illegal"));
        for (PoolStats p : pools) {
            sb.append(String.format("%-16s %9d %9d %9d %9d %9d%n", p.name, p.avail, p.used, p.max, p.err, p.illegal));
        }
        return sb.toString();
    }
}
