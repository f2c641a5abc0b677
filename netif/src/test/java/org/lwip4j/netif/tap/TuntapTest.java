package org.lwip4j.netif.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.testing.Frames;
import org.lwip4j.netif.testing.Host;
import org.lwip4j.netif.testing.Netns;

/** {@link Tuntap} and {@link HostInterface} against the kernel, inside a namespace of the test's own. */
class TuntapTest {
    Netns ns;
    Tuntap a;
    Tuntap b;
    HostInterface host;

    @BeforeAll
    static void needsRoot() {
        Host.requireRootAndTun(TuntapTest.class);
    }

    @BeforeEach
    void setUp() {
        ns = new Netns();
    }

    TuntapOptions inNs() {
        return TuntapOptions.builder().namespace(ns.name).build();
    }

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void opensInANamespaceWithAKernelChosenName() throws Exception {
        a = Tuntap.open(null, Tuntap.Mode.TAP, inNs());
        assertTrue(a.name().startsWith("tap"), a.name());
        assertEquals(ns.name, a.namespace());
        assertTrue(ns.hasLink(a.name()));
        assertTrue((a.features() & Native.IFF_VNET_HDR) != 0, "kernel supports the virtio-net header");
        String name = a.name();
        a.close();
        a.close();
        assertFalse(ns.hasLink(name), "gone with its descriptor");
    }

    @Test
    void busyExclusiveAndWrongModeAreExplained() throws Exception {
        String name = Host.uniqueName("t");
        a = Tuntap.open(name, Tuntap.Mode.TAP, inNs());

        TuntapException busy = assertThrows(TuntapException.class, () -> Tuntap.open(name, Tuntap.Mode.TAP, inNs()));
        assertEquals(Native.EBUSY, busy.errno());
        assertTrue(busy.getMessage().contains("is busy"), busy.getMessage());

        TuntapException excl = assertThrows(TuntapException.class,
                () -> Tuntap.open(name, Tuntap.Mode.TAP, inNs().toBuilder().exclusive(true).build()));
        assertEquals(Native.EBUSY, excl.errno());
        assertTrue(excl.getMessage().contains("exists already"), excl.getMessage());

        TuntapException mode = assertThrows(TuntapException.class, () -> Tuntap.open(name, Tuntap.Mode.TUN, inNs()));
        assertEquals(Native.EINVAL, mode.errno());
        assertTrue(mode.getMessage().contains("not a TUN device"), mode.getMessage());
    }

    @Test
    void persistentDeviceOutlivesItsDescriptor() throws Exception {
        String name = Host.uniqueName("p");
        a = Tuntap.open(name, Tuntap.Mode.TUN, inNs().toBuilder().persistent(true).build());
        a.close();
        assertTrue(ns.hasLink(name), "persistent");
        b = Tuntap.open(name, Tuntap.Mode.TUN, inNs());
        b.setPersistent(false);
        b.close();
        assertFalse(ns.hasLink(name));
    }

    @Test
    void hostSideIsConfiguredWithIoctls() throws Exception {
        a = Tuntap.open(Host.uniqueName("t"), Tuntap.Mode.TAP, inNs());
        host = a.host();
        assertFalse(host.isUp());
        host.setMac(MacAddress.parse("02:00:00:00:0a:0b"));
        host.setMtu(1400);
        host.setAddress4(Ip4Address.parse("10.203.0.1"), 24);
        host.setUp(true);
        host.addAddress6(Ip6Address.parse("fd00:203::1"), 64);

        assertTrue(host.isUp());
        assertTrue(host.isRunning(), "a TAP with an open descriptor has carrier");
        assertEquals(1400, host.mtu());
        assertEquals(MacAddress.parse("02:00:00:00:0a:0b"), host.mac());
        assertEquals(Ip4Address.parse("10.203.0.1"), host.address4());
        String ip = ns.ip("-o", "addr", "show", "dev", a.name());
        assertTrue(ip.contains("inet 10.203.0.1/24 brd 10.203.0.255"), ip);
        assertTrue(ip.contains("inet6 fd00:203::1/64"), ip);
        String link = ns.ip("-o", "link", "show", "dev", a.name());
        assertTrue(link.contains("mtu 1400") && link.contains("02:00:00:00:0a:0b") && link.contains(",UP"), link);

        host.setUp(false);
        assertFalse(host.isUp());
        assertThrows(TuntapException.class, () -> HostInterface.open("l4jtnosuchdev", ns.name));
    }

    @Test
    void readinessOfTheDeviceWakesTheEpollWaiter() throws Exception {
        a = Tuntap.open(Host.uniqueName("t"), Tuntap.Mode.TAP, inNs());
        a.setNonBlocking(true);
        ns.configure(a.name(), "02:00:00:00:01:01", "10.204.0.1/24", "10.204.0.2", "02:00:00:00:02:02");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(2048);
            while (a.read(buf) > 0) {
                // whatever the kernel sent when the link came up
            }
            EpollWaiter w = EpollWaiter.create();
            try {
                w.register(a.fd());
                // The kernel pings the stack's address: the frame makes the TAP readable.
                Process ping = ns.start("ping", "-c", "5", "-i", "0.5", "-W", "1", "10.204.0.2");
                try {
                    byte[] f = null;
                    // Bounded: five echo requests over about 2.5 s; a lost one is not a hang.
                    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
                    while (f == null) {
                        assertTrue(System.nanoTime() < deadline, "no echo request read from the TAP within 20 s");
                        w.await(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500));
                        int n = a.read(buf);
                        if (n > 0) {
                            byte[] got = buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                            if (Frames.u16(got, 12) == 0x0800 && got[23] == 1 && got[34] == 8) {
                                f = got;
                            }
                        }
                    }
                    assertEquals(0x0ac80002 + 0x00040000, Frames.u32(f, 30), "echo request to 10.204.0.2");
                    assertTrue(w.fdWakeups() >= 1);
                } finally {
                    ping.destroy();
                    ping.waitFor();
                }
            } finally {
                w.close();
            }
        }
    }
}
