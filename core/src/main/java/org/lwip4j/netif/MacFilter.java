package org.lwip4j.netif;

import java.util.Arrays;
import org.lwip4j.addr.MacAddress;

/**
 * The multicast MACs one netif receives (lwIP's {@code igmp_mac_filter} and
 * {@code mld_mac_filter} calls, counted): every group joined on the netif, of either family,
 * adds its MAC (IPv4 {@code 01:00:5e} plus 23 bits, RFC 1112 §6.4; IPv6 {@code 33:33} plus
 * 32 bits, RFC 2464 §7). Several groups can map to one MAC, so each MAC is counted: the
 * driver hears {@link NetifDriver#setMulticastFilter} when the first group of a MAC is joined
 * and when the last one is left. The Ethernet layer asks {@link #accepts} for each multicast
 * frame when the driver does not filter. Changed on the loop; {@link #accepts} reads plain
 * arrays.
 */
public final class MacFilter {
    private final Netif netif;
    private long[] macs = new long[4];
    private int[] counts = new int[4];
    private int size;

    MacFilter(Netif netif) {
        this.netif = netif;
    }

    /** Counts one more group on {@code mac}; the driver hears of the first. On the loop. */
    public void add(long mac) {
        netif.checkLoop();
        int i = indexOf(mac);
        if (i >= 0) {
            counts[i]++;
            return;
        }
        if (size == macs.length) {
            macs = Arrays.copyOf(macs, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
        }
        macs[size] = mac;
        counts[size] = 1;
        size++;
        netif.driver().setMulticastFilter(new MacAddress(mac), true);
    }

    /** Counts one group fewer on {@code mac}; the driver hears of the last. On the loop. */
    public void remove(long mac) {
        netif.checkLoop();
        int i = indexOf(mac);
        if (i < 0) {
            throw new IllegalStateException("multicast MAC " + new MacAddress(mac) + " was not added on " + netif.name());
        }
        if (--counts[i] > 0) {
            return;
        }
        size--;
        macs[i] = macs[size];
        counts[i] = counts[size];
        netif.driver().setMulticastFilter(new MacAddress(mac), false);
    }

    /** True when frames to {@code mac} are for this netif: a group on it maps there. */
    public boolean accepts(long mac) {
        return indexOf(mac) >= 0;
    }

    /** How many groups map to {@code mac} now (0: filtered out). */
    public int count(long mac) {
        int i = indexOf(mac);
        return i < 0 ? 0 : counts[i];
    }

    /** The number of distinct MACs in the filter. */
    public int size() {
        return size;
    }

    private int indexOf(long mac) {
        long[] m = macs;
        for (int i = 0, n = size; i < n; i++) {
            if (m[i] == mac) {
                return i;
            }
        }
        return -1;
    }
}
