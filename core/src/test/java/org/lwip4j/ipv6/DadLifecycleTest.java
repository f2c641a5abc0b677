package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.sim.CapturedFrame;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/**
 * Duplicate address detection (RFC 4862 §5.4) as netifs and addresses come and go: a netif
 * going down stops its own DAD and no other's, and an address removed while tentative and
 * added again is probed afresh (RFC 4862 §5.4: DAD runs on every address assigned), not
 * finished by the probe of the address that was removed.
 */
class DadLifecycleTest {
    private final VirtualClock clock = new VirtualClock();
    private Stack stack;

    @AfterEach
    void close() {
        stack.close();
    }

    private void start(boolean linkLocal) {
        stack = Stack.create(StackConfig.builder().randomSeed(5).ip6LinkLocal(linkLocal).build(), clock);
    }

    private Netif netif(String name, String mac) {
        Netif n = stack.addNetif(new CaptureDriver(), name, MacAddress.parse(mac));
        n.setUp(true);
        return n;
    }

    /** Moves time on in steps of 10 ms until {@code until} has passed. */
    private void advance(Duration until) {
        for (long t = 0; t < until.toMillis(); t += 10) {
            clock.advance(Duration.ofMillis(10));
            stack.poll(clock.nanoTime());
        }
    }

    /** The DAD solicitations (ICMPv6 135 from ::) for {@code target} the netif's driver sent since the last call. */
    private static int dadProbes(Netif n, Ip6Address target) {
        int probes = 0;
        for (CapturedFrame f : ((CaptureDriver) n.driver()).drain()) {
            byte[] d = f.data();
            // Ethernet (14) + IPv6 (40): source at 22, next header at 20, ICMPv6 type at 54, NS target at 62.
            if (d.length >= 78 && (d[12] & 0xff) == 0x86 && (d[13] & 0xff) == 0xdd && d[20] == 58 && (d[54] & 0xff) == 135
                    && java.util.Arrays.equals(d, 22, 38, new byte[16], 0, 16)
                    && java.util.Arrays.equals(d, 62, 78, target.toBytes(), 0, 16)) {
                probes++;
            }
        }
        return probes;
    }

    @Test
    void aNetifGoingDownStopsItsOwnDadAndNoOther() {
        start(true);
        Netif eth0 = netif("eth0", "02:00:00:00:00:01");
        Netif eth1 = netif("eth1", "02:00:00:00:00:02");
        Ip6Addresses.Entry ll0 = eth0.ip6().linkLocal();
        Ip6Addresses.Entry ll1 = eth1.ip6().linkLocal();
        assertEquals(Ip6Addresses.State.TENTATIVE, ll0.state());
        assertEquals(Ip6Addresses.State.TENTATIVE, ll1.state());
        eth0.setUp(false);
        advance(Duration.ofSeconds(3)); // the random delay (at most 1 s), one probe, a second's wait
        assertEquals(Ip6Addresses.State.PREFERRED, ll1.state(), "eth1's DAD went on when eth0 went down");
        assertEquals(Ip6Addresses.State.TENTATIVE, ll0.state(), "no DAD on a netif that is down");
        eth0.setUp(true);
        advance(Duration.ofSeconds(3));
        assertEquals(Ip6Addresses.State.PREFERRED, ll0.state(), "DAD again once eth0 is up");
    }

    @Test
    void anAddressRemovedWhileTentativeAndAddedAgainIsProbedAfresh() {
        start(false);
        Netif eth0 = netif("eth0", "02:00:00:00:00:01");
        Ip6Address a = Ip6Address.parse("2001:db8::5");
        eth0.ip6().add(a, 64);
        int probes = 0;
        for (int i = 0; i < 200 && probes == 0; i++) {
            advance(Duration.ofMillis(10));
            probes = dadProbes(eth0, a);
        }
        assertEquals(1, probes, "DAD's one probe (DupAddrDetectTransmits 1)");
        assertEquals(Ip6Addresses.State.TENTATIVE, eth0.ip6().find(a).state());
        assertTrue(eth0.ip6().remove(a));
        eth0.ip6().add(a, 64);
        // A second after the first probe its DAD would be over; the address added again has had none.
        advance(Duration.ofMillis(1000));
        int again = dadProbes(eth0, a);
        assertEquals(1, again, "the address added again is probed once more");
        advance(Duration.ofSeconds(2));
        assertEquals(Ip6Addresses.State.PREFERRED, eth0.ip6().find(a).state());
    }
}
