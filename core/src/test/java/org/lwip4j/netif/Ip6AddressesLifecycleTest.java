package org.lwip4j.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.sim.CaptureDriver;

/**
 * An IPv6 address's life on a netif after it is removed or its lifetimes change (RFC 4862
 * §5.5.4): the old lifetimes' timers go with it, so an address added again, or given new
 * lifetimes, keeps what it was given; and every change is made on the stack's loop.
 */
class Ip6AddressesLifecycleTest {
    private static final Ip6Address A = Ip6Address.parse("fd00::1");

    private final VirtualClock clock = new VirtualClock();
    private final Stack stack = Stack.create(StackConfig.builder().randomSeed(3).build(), clock);
    private final Netif netif = stack.addNetif(new CaptureDriver(), "eth0");
    private final List<String> events = new ArrayList<>();

    Ip6AddressesLifecycleTest() {
        netif.setUp(true); // duplicate address detection runs: addresses become preferred a second in
        netif.ip6().addListener((n, e, ev) -> events.add(e.address() + " " + ev));
    }

    private void advance(Duration d) {
        for (long t = 0; t < d.toMillis(); t += 500) {
            clock.advance(Duration.ofMillis(500).toNanos());
            stack.poll(clock.nanoTime());
        }
    }

    @Test
    void aRemovedAddressIsGoneAndItsLifetimesDoNotReachTheOneAddedAgain() {
        Ip6Addresses a6 = netif.ip6();
        a6.add(A, 64, Duration.ofSeconds(10), Duration.ofSeconds(5));
        assertTrue(a6.hasAny(A.hi(), A.lo()));
        assertTrue(a6.remove(A));
        assertFalse(a6.remove(A), "not there any more");
        assertNull(a6.find(A));
        assertFalse(a6.has(A.hi(), A.lo()));
        assertFalse(a6.hasAny(A.hi(), A.lo()));
        a6.add(A, 64); // again, for ever
        events.clear();
        advance(Duration.ofSeconds(20));
        Ip6Addresses.Entry e = a6.find(A);
        assertNotNull(e, "the first address's valid lifetime did not remove the second: " + events);
        assertFalse(events.contains("fd00::1 DEPRECATED"), "nor did its preferred lifetime deprecate it: " + events);
        assertFalse(events.contains("fd00::1 REMOVED"), events.toString());
        assertEquals(-1, e.validUntil(), "infinite");
    }

    @Test
    void newLifetimesReplaceTheOldOnes() {
        Ip6Addresses a6 = netif.ip6();
        Ip6Addresses.Entry e = a6.add(A, 64, Duration.ofSeconds(10), Duration.ofSeconds(5));
        a6.setLifetimes(e, null, null); // infinite from now on
        events.clear();
        advance(Duration.ofSeconds(20));
        assertNotNull(a6.find(A), events.toString());
        assertEquals(List.of(), events.stream().filter(s -> s.endsWith("DEPRECATED") || s.endsWith("REMOVED")).toList());

        assertEquals(Ip6Addresses.State.PREFERRED, e.state(), "DAD done");
        a6.setLifetimes(e, Duration.ofSeconds(4), Duration.ofSeconds(2));
        advance(Duration.ofSeconds(3));
        assertEquals(Ip6Addresses.State.DEPRECATED, a6.find(A).state(), "the new preferred lifetime ran out");
        advance(Duration.ofSeconds(2));
        assertNull(a6.find(A), "and then the valid one: " + events);
        assertTrue(events.contains("fd00::1 REMOVED"));
    }

    /** Every method that changes a netif's IPv6 addresses refuses to run off the loop of a running stack. */
    @Test
    void everyChangeOffTheLoopThrows() {
        try (Stack running = Stack.create()) {
            Netif n = running.call(() -> running.addNetif(new CaptureDriver(), "eth0"));
            Ip6Addresses.Entry e = running.call(() -> n.ip6().add(A, 64));
            running.start();
            Ip6Addresses a6 = n.ip6();
            Ip6Addresses.Listener l = (x, y, z) -> { };
            Map<String, Runnable> changes = Map.of(
                    "setAutoconfig", () -> a6.setAutoconfig(false),
                    "setTemporaryAddresses", () -> a6.setTemporaryAddresses(true),
                    "addListener", () -> a6.addListener(l),
                    "removeListener", () -> a6.removeListener(l),
                    "setGateway", () -> a6.setGateway(Ip6Address.parse("fe80::1")),
                    "add", () -> a6.add(Ip6Address.parse("fd00::2"), 64),
                    "setLifetimes", () -> a6.setLifetimes(e, null, null),
                    "setState", () -> a6.setState(A, Ip6Addresses.State.DEPRECATED),
                    "remove", () -> a6.remove(A));
            for (Map.Entry<String, Runnable> c : changes.entrySet()) {
                assertThrows(IllegalStateException.class, c.getValue()::run, c.getKey());
            }
            assertNotNull(running.call(() -> a6.find(A)), "nothing changed");
            assertEquals(1, (int) running.call(a6::count));
        }
    }
}
