package org.lwip4j.sim;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import org.lwip4j.addr.MacAddress;

/**
 * The multicast MACs a simulated device was asked to receive
 * ({@link org.lwip4j.netif.NetifDriver#setMulticastFilter}), in the order first asked, for
 * tests to read. The simulated cables carry every frame anyway; the Ethernet layer filters.
 */
final class MulticastFilter {
    private final Set<MacAddress> macs = new LinkedHashSet<>();

    void set(MacAddress group, boolean add) {
        if (add) {
            macs.add(group);
        } else {
            macs.remove(group);
        }
    }

    Set<MacAddress> view() {
        return Collections.unmodifiableSet(macs);
    }
}
