package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.stack.Err;

/**
 * ARP between the kernel and the stack (RFC 826, RFC 5227): the kernel resolves the stack;
 * the stack's announcement corrects a stale kernel entry; an ARP probe for the stack's
 * address is answered (so the kernel's duplicate address detection sees it taken); another
 * station claiming the stack's address is a conflict the stack counts and defends with one
 * announcement while keeping its address; and a gratuitous ARP from the kernel moves the
 * stack's cache entry to the new MAC. Raw ARP frames come from {@code arp_tool.py} (an
 * AF_PACKET socket in the namespace).
 */
@RealNetwork.Required
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArpTest {
    private static final String ZERO_MAC = "00:00:00:00:00:00";
    private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";

    private TestStack net;
    private TapPeer peer;
    @TempDir
    Path dir;

    @BeforeAll
    void setUp() {
        net = new TestStack();
        peer = net.link(net.namespace(), "10.74.0.2/24", "10.74.0.1/24");
        net.start();
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    /** Runs arp_tool.py in the namespace: listens {@code seconds}, maybe sends, stops at the first frame matching {@code until}. */
    private Cmd.Result arpTool(int seconds, List<String> send, Map<String, String> until) {
        List<String> args = new java.util.ArrayList<>(List.of(peer.device(), Integer.toString(seconds)));
        if (send != null) {
            args.add("--send");
            args.addAll(send);
        }
        until.forEach((k, v) -> {
            args.add("--until");
            args.add(k + "=" + v);
        });
        return peer.ns().python(Duration.ofSeconds(seconds + 20), Scripts.copy(dir, "arp_tool.py"), args.toArray(String[]::new));
    }

    /** Waits (bounded) until {@code value} gives {@code expected}; the kernel's tables have no event to wait on. */
    private static <T> T eventually(Supplier<T> value, T expected, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        T v = value.get();
        while (!expected.equals(v) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            v = value.get();
        }
        return v;
    }

    @Test
    @Order(1)
    void theKernelResolvesTheStack() {
        peer.ns().run("ping", "-n", "-c", "1", "-W", "2", peer.stackIp()).check();
        String entry = peer.neighbour(peer.stackIp());
        assertTrue(entry.contains("lladdr " + peer.stackMac()), "ip neigh: " + entry);
        assertTrue(entry.matches(".*\\b(REACHABLE|STALE|DELAY|PROBE)\\b.*"), "ip neigh: " + entry);
    }

    @Test
    @Order(2)
    void theStacksAnnouncementCorrectsAStaleKernelEntry() throws InterruptedException {
        peer.ns().run("ip", "neigh", "replace", peer.stackIp(), "lladdr", "02:00:00:00:00:99", "dev", peer.device(), "nud", "stale")
                .check();
        try (Cmd.Background listen = Cmd.start(peer.ns().inside("/usr/bin/python3", Scripts.copy(dir, "arp_tool.py").toString(),
                peer.device(), "10", "--until", "spa=" + peer.stackIp(), "--until", "tpa=" + peer.stackIp()))) {
            listen.awaitLine("ready"::equals, Duration.ofSeconds(10));
            assertEquals(Err.OK, net.call(() -> net.stack().arp().announce(peer.netif())));
            Cmd.Result r = listen.finish(Duration.ofSeconds(20));
            assertEquals(0, r.exit(), "no announcement seen:\n" + r);
            // RFC 5227 §3: an ARP request with sender and target IP ours, target MAC zero, broadcast.
            assertTrue(r.output().contains("op=1 sha=" + peer.stackMac() + " spa=" + peer.stackIp() + " tha=" + ZERO_MAC
                    + " tpa=" + peer.stackIp()), r.toString());
        }
        assertEquals(peer.stackMac(), eventually(() -> peer.neighbourMac(peer.stackIp()), peer.stackMac(), Duration.ofSeconds(5)),
                "the kernel took the stack's MAC from its gratuitous ARP");
    }

    @Test
    @Order(3)
    void anArpProbeForTheStacksAddressIsAnswered() {
        String hostMac = peer.hostMac().toString().toLowerCase(java.util.Locale.ROOT);
        // RFC 5227 §2.1.1: sender IP 0.0.0.0, target IP the address being probed; a reply means "in use".
        Cmd.Result r = arpTool(5, List.of("1", hostMac, "0.0.0.0", ZERO_MAC, peer.stackIp(), BROADCAST),
                Map.of("op", "2", "spa", peer.stackIp()));
        assertEquals(0, r.exit(), "the stack did not answer the probe:\n" + r);
        assertTrue(r.output().contains("op=2 sha=" + peer.stackMac() + " spa=" + peer.stackIp()), r.toString());
    }

    @Test
    @Order(4)
    void anotherStationClaimingTheStacksAddressIsDefendedAndTheAddressKept() throws InterruptedException {
        long before = net.call(() -> net.stack().arp().conflicts());
        String intruder = "02:00:00:00:00:77";
        Cmd.Result r = arpTool(5, List.of("1", intruder, peer.stackIp(), ZERO_MAC, peer.stackIp(), BROADCAST),
                Map.of("op", "1", "sha", peer.stackMac(), "spa", peer.stackIp(), "tpa", peer.stackIp()));
        assertEquals(0, r.exit(), "the stack did not defend its address (RFC 5227 §2.4 (b)):\n" + r);
        assertEquals(before + 1, (long) net.call(() -> net.stack().arp().conflicts()), "conflict counted");
        MacAddress own = net.call(() -> net.stack().arp().lookup(peer.netif(), Ip4Address.parse(peer.stackIp())));
        assertTrue(own == null || !own.toString().equalsIgnoreCase(intruder), "the intruder's MAC was not learned for our address");
        // The defence put the kernel's entry back; the stack still answers on its address.
        assertEquals(peer.stackMac(), eventually(() -> peer.neighbourMac(peer.stackIp()), peer.stackMac(), Duration.ofSeconds(5)));
        Cmd.Result ping = peer.ns().run("ping", "-n", "-c", "3", "-i", "0.05", "-W", "2", "-w", "30", peer.stackIp());
        assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(ping), ping.toString());
    }

    @Test
    @Order(5)
    void aGratuitousArpFromTheKernelMovesTheStacksEntry() throws InterruptedException {
        Ip4Address host = Ip4Address.parse(peer.hostIp());
        // The stack knows the host from the pings above.
        assertEquals(peer.hostMac(), net.call(() -> net.stack().arp().lookup(peer.netif(), host)));
        String moved = "02:00:00:00:00:55";
        peer.ns().run("ip", "link", "set", "dev", peer.device(), "address", moved).check();
        arpTool(1, List.of("1", moved, peer.hostIp(), ZERO_MAC, peer.hostIp(), BROADCAST), Map.of());
        MacAddress now = eventually(() -> net.call(() -> net.stack().arp().lookup(peer.netif(), host)), MacAddress.parse(moved),
                Duration.ofSeconds(5));
        assertEquals(MacAddress.parse(moved), now, "the stack's cache follows the gratuitous ARP");
        try (StackPinger pinger = new StackPinger(net.stack())) {
            assertEquals(Err.OK, pinger.ping(peer.hostIp(), 7, 1, 32));
            StackPinger.Reply reply = pinger.next(Duration.ofSeconds(5));
            assertNotNull(reply, "the host answers at its new MAC");
            assertEquals(peer.hostIp(), reply.from());
        }
    }
}
