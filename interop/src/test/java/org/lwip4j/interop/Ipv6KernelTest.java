package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.stack.Err;
import org.lwip4j.udp.UdpPcb;

/**
 * IPv6 between the Linux kernel and the stack over a TAP: the kernel pings the stack's
 * link-local address (formed by the stack with an RFC 7217 identifier, after DAD) and its
 * global one, also with 8000-byte pings both sides fragment (RFC 8200 §4.5), resolving
 * the stack's MAC by Neighbor Discovery (RFC 4861 §7.2); UDP echo over IPv6 from one byte to
 * 60000 (fragmented both ways) through a dual-stack pcb.
 */
@RealNetwork.Required
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Ipv6KernelTest {
    private TestStack net;
    private TapPeer peer;
    private String linkLocal;
    @TempDir
    Path dir;

    @BeforeAll
    void setUp() throws InterruptedException {
        net = new TestStack();
        peer = net.link6(net.namespace(), "10.81.0.2/24", "10.81.0.1/24", "fd00:81::2/64", "fd00:81::1/64", 1500);
        net.call(() -> {
            UdpPcb echo = net.stack().newUdpPcb();
            Err e = echo.bind(IpAddress.ANY_TYPE, 7);
            if (e != Err.OK) {
                throw new IllegalStateException("bind [::]:7: " + e);
            }
            echo.onReceive((pc, p, src, sport, netif) -> {
                pc.sendTo(p, src, sport);
                p.free();
            });
            return echo;
        });
        net.start();
        net.awaitIpv6Ready(Duration.ofSeconds(15));
        Ip6Address ll = net.call(() -> peer.netif().ip6().linkLocal().address());
        linkLocal = ll.withZone(0) + "%" + peer.device();
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    private Cmd.Result ping6(int count, int size, String addr) {
        return peer.ns().run(Duration.ofSeconds(60), "ping", "-6", "-n", "-q", "-c", Integer.toString(count), "-i", "0.02",
                "-W", "2", "-w", "30", "-s", Integer.toString(size), addr);
    }

    @Test
    void theLinkLocalAddressIsRfc7217StyleAndTheKernelPingsIt() {
        assertTrue(linkLocal.startsWith("fe80::"), linkLocal);
        // RFC 7217: an opaque identifier, not the modified EUI-64 of the MAC (which would hold ff:fe in the middle).
        long iid = net.call(() -> peer.netif().ip6().linkLocal().address().lo());
        assertTrue(((iid >>> 24) & 0xffff) != 0xfffe, "not EUI-64: " + linkLocal);
        Cmd.Result r = ping6(20, 56, linkLocal);
        assertArrayEquals(new int[] {20, 20}, KernelPingTest.summary(r), r.toString());
        String neigh = peer.ns().run("ip", "-6", "neigh", "show", linkLocal.substring(0, linkLocal.indexOf('%')), "dev",
                peer.device()).check().output();
        assertTrue(neigh.contains("lladdr " + peer.stackMac()), "the kernel resolved the stack's MAC by ND: " + neigh);
    }

    @Test
    void kernelPingsTheGlobalAddress100Of100() {
        Cmd.Result r = ping6(100, 56, "fd00:81::2");
        assertArrayEquals(new int[] {100, 100}, KernelPingTest.summary(r), r.toString());
        assertEquals(0, r.exit(), r.toString());
    }

    @Test
    void kernelPingsWith8000BytePingsThatFragmentBothWays() {
        long fragsIn = net.call(() -> net.stack().stats().ip6frag.recv);
        long fragsOut = net.call(() -> net.stack().stats().ip6frag.xmit);
        Cmd.Result r = ping6(10, 8000, "fd00:81::2");
        assertArrayEquals(new int[] {10, 10}, KernelPingTest.summary(r), r.toString());
        // 8048 bytes of ICMPv6 in 1448-byte fragment payloads: six fragments each way per ping.
        long in = net.call(() -> net.stack().stats().ip6frag.recv) - fragsIn;
        long out = net.call(() -> net.stack().stats().ip6frag.xmit) - fragsOut;
        assertTrue(in >= 60, "the stack reassembled the kernel's fragments: ip6frag.recv +" + in);
        assertTrue(out >= 60, "the stack fragmented its replies: ip6frag.xmit +" + out);
        Cmd.Result ll = ping6(3, 8000, linkLocal);
        assertArrayEquals(new int[] {3, 3}, KernelPingTest.summary(ll), ll.toString());
    }

    @Test
    void udpEchoOverIpv6IsByteExactFromOneByteTo60000() {
        // 1452 is the most one 1500-byte frame holds over IPv6; 1453 and up are fragmented both ways.
        Cmd.Result r = peer.ns().python(Duration.ofSeconds(60), Scripts.copy(dir, "udp_echo_client.py"), "fd00:81::2", "7",
                "1", "1452", "1453", "3000", "60000");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(5, r.output().lines().filter(l -> l.matches("size \\d+ ok from fd00:81::2:7")).count(), r.toString());
        Cmd.Result ll = peer.ns().python(Duration.ofSeconds(30), Scripts.copy(dir, "udp_echo_client.py"), linkLocal, "7",
                "100", "3000");
        assertEquals(0, ll.exit(), ll.toString());
    }
}
