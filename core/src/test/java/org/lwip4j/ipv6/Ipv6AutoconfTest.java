package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.ipv6.Packets6.cat;
import static org.lwip4j.ipv6.Packets6.icmpv6;
import static org.lwip4j.ipv6.Packets6.ipv6;

import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/** The link-local address (RFC 4862 §5.3, RFC 7217, EUI-64) and DAD conflicts seen from one stack. */
class Ipv6AutoconfTest {
    private final VirtualClock clock = new VirtualClock();
    private Stack stack;
    private CaptureDriver wire;
    private Netif netif;

    private void setUp(Consumer<StackConfig.Builder> tweak) {
        StackConfig.Builder b = StackConfig.builder().randomSeed(21);
        tweak.accept(b);
        stack = Stack.create(b.build(), clock);
        wire = new CaptureDriver();
        netif = stack.addNetif(wire, "eth0", MacAddress.parse("02:00:00:aa:bb:cc"));
        netif.setUp(true);
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private void run() {
        for (int i = 0; i < 10; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    private void inject(long dstMac, byte[] packet) {
        wire.inject(Packets6.ethernet(dstMac, 0x0200_0000_0009L, packet));
        run();
    }

    @Test
    void eui64IdentifierWhenStableIdentifiersAreOff() {
        setUp(b -> b.ip6StableIids(false));
        assertEquals(Ip6Address.parse("fe80::ff:feaa:bbcc"), netif.ip6().linkLocal().address().withZone(0));
    }

    @Test
    void stableIdentifierIsOpaqueAndNotTheMac() {
        setUp(b -> { });
        Ip6Address ll = netif.ip6().linkLocal().address();
        assertTrue(ll.isLinkLocal());
        assertNotEquals(Ip6Address.eui64(netif.mac()), ll.lo());
        assertEquals(Ip6Address.stableIid(0xfe80_0000_0000_0000L, "eth0", new byte[0], 0, secret()), ll.lo());
    }

    /** The stack's RFC 7217 secret key, read back (it is private, drawn from the stack's random source). */
    private byte[] secret() {
        try {
            var f = NeighborDiscovery.class.getDeclaredField("secretKey");
            f.setAccessible(true);
            return (byte[]) f.get(stack.ipv6().nd());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anAdvertisementForOurTentativeLinkLocalMakesItDuplicateAndANewIdentifierIsTried() {
        setUp(b -> { });
        Ip6Addresses.Entry first = netif.ip6().linkLocal();
        Ip6Address a = first.address().withZone(0);
        inject(0x3333_0000_0001L, ipv6(58, "fe80::9", "ff02::1", 255, icmpv6(136, 0, 0x20 << 24,
                cat(a.toBytes(), Packets6.hex("0201020000000009")), "fe80::9", "ff02::1")));
        assertEquals(Ip6Addresses.State.DUPLICATE, first.state());
        Ip6Addresses.Entry second = netif.ip6().linkLocal();
        assertNotEquals(a, second.address().withZone(0), "RFC 7217 §6: the next DAD counter");
        assertEquals(1, second.dadCounter());
        assertEquals(Ip6Addresses.State.TENTATIVE, second.state());
        assertEquals(Ip6Address.stableIid(0xfe80_0000_0000_0000L, "eth0", new byte[0], 1, secret()), second.address().lo());
        for (int i = 0; i < 30; i++) {
            clock.advance(Duration.ofMillis(100));
            run();
        }
        assertEquals(Ip6Addresses.State.PREFERRED, second.state());
    }

    @Test
    void anotherNodesDadSolicitationForOurTentativeAddressMakesItDuplicate() {
        setUp(b -> b.ip6LinkLocal(false));
        Ip6Address a = Ip6Address.parse("2001:db8::5");
        netif.ip6().add(a, 64);
        String sn = a.solicitedNode().toString();
        inject(a.solicitedNode().multicastMac().bits(), ipv6(58, "::", sn, 255,
                icmpv6(135, 0, 0, a.toBytes(), "::", sn)));
        assertEquals(Ip6Addresses.State.DUPLICATE, netif.ip6().find(a).state());
        assertEquals(1, stack.ipv6().nd().conflicts());
        // A solicitation from a unicast source for a tentative address is ignored (RFC 4862 §5.4.3).
        Ip6Address b = Ip6Address.parse("2001:db8::6");
        netif.ip6().add(b, 64);
        String sn6 = b.solicitedNode().toString();
        inject(b.solicitedNode().multicastMac().bits(), ipv6(58, "2001:db8::9", sn6, 255,
                icmpv6(135, 0, 0, cat(b.toBytes(), Packets6.hex("0101020000000009")), "2001:db8::9", sn6)));
        assertEquals(Ip6Addresses.State.TENTATIVE, netif.ip6().find(b).state());
    }

    @Test
    void addressCountIsBounded() {
        setUp(b -> b.ip6LinkLocal(false).lwipIpv6NumAddresses(2));
        netif.ip6().add(Ip6Address.parse("2001:db8::1"), 64);
        netif.ip6().add(Ip6Address.parse("2001:db8::2"), 64);
        assertThrows(IllegalArgumentException.class, () -> netif.ip6().add(Ip6Address.parse("2001:db8::3"), 64));
        assertThrows(IllegalArgumentException.class, () -> netif.ip6().add(Ip6Address.parse("2001:db8::1"), 64));
        assertThrows(IllegalArgumentException.class, () -> netif.ip6().add(Ip6Address.parse("ff02::1"), 64));
    }
}
