package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.udp.UdpPcb;

/**
 * IPv4 multicast between a kernel socket (python3 in the namespace) and the stack over TAP:
 * the stack's IGMPv3 report goes out as it joins, it receives what the kernel sends to the
 * group only while joined, and the kernel, a member, receives what the stack sends there.
 */
@RealNetwork.Required
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MulticastTest {
    private static final String GROUP = "239.77.0.1";
    private TestStack net;
    private TapPeer peer;
    private final List<byte[]> igmpOut = new CopyOnWriteArrayList<>();
    @TempDir
    Path dir;

    @BeforeAll
    void setUp() {
        net = new TestStack();
        peer = net.link(net.namespace(), "10.74.0.2/24", "10.74.0.1/24", 1500, (n, f, out) -> {
            byte[] b = f.toByteArray();
            if (out && b.length >= 38 && b[12] == 8 && b[13] == 0 && b[23] == 2) {
                igmpOut.add(b);
            }
        });
        net.start();
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void theStackReceivesWhatTheKernelSendsToAGroupOnlyWhileJoined() {
        List<String> got = new CopyOnWriteArrayList<>();
        UdpPcb pcb = net.call(() -> {
            UdpPcb p = net.stack().newUdpPcb();
            p.bind(9100);
            p.onReceive((pc, d, src, port, n) -> {
                got.add(src + " " + new String(d.toByteArray()));
                d.free();
            });
            return p;
        });
        Path send = Scripts.copy(dir, "mcast_send.py");
        peer.ns().python(Duration.ofSeconds(10), send, GROUP, "9100", peer.hostIp(), "6e6f", "3").check(); // "no"
        assertEquals(Err.OK, net.call(() -> pcb.joinGroup(Ip4Address.parse(GROUP), peer.netif())));
        peer.ns().python(Duration.ofSeconds(10), send, GROUP, "9100", peer.hostIp(), "796573", "3").check(); // "yes"
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (got.size() < 3 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertEquals(List.of(peer.hostIp() + " yes", peer.hostIp() + " yes", peer.hostIp() + " yes"), got,
                "none of what came before the join");
        assertTrue(igmpOut.stream().anyMatch(f -> (f[38] & 0xff) == 0x22 && (f[33] & 0xff) == 0x16
                && (f[46] & 0xff) == 4 && (f[50] & 0xff) == 239 && (f[53] & 0xff) == 1),
                "an IGMPv3 report to 224.0.0.22 with CHANGE_TO_EXCLUDE for the group");
        net.call(() -> {
            pcb.close();
            return null;
        });
    }

    @Test
    void theKernelAsAMemberReceivesWhatTheStackSendsToTheGroup() {
        try (Cmd.Background rx = Cmd.start(peer.ns().inside("/usr/bin/python3", Scripts.copy(dir, "mcast_recv.py").toString(),
                "239.77.0.2", "9101", peer.hostIp(), "10"))) {
            rx.awaitLine("ready"::equals, Duration.ofSeconds(10));
            Err e = net.call(() -> {
                UdpPcb p = net.stack().newUdpPcb();
                p.bind(9101);
                // The stack has no default netif here: IP_MULTICAST_IF names the way out.
                p.setMulticastNetif(peer.netif());
                Pbuf d = net.stack().pbuf("hello group".getBytes());
                Err r = p.sendTo(d, Ip4Address.parse("239.77.0.2"), 9101);
                d.free();
                p.close();
                return r;
            });
            assertEquals(Err.OK, e);
            String line = rx.awaitLine(l -> l.startsWith("from=") || l.equals("timeout"), Duration.ofSeconds(15));
            assertEquals("from=" + peer.stackIp() + ":9101 data=" + java.util.HexFormat.of().formatHex("hello group".getBytes()),
                    line);
        }
    }

    @Test
    void theStackReceivesWhatTheKernelSendsToAnIpv6GroupOnlyWhileJoined() {
        // TestStack turns IPv6 off on the host side; this test turns it on, without DAD.
        peer.ns().run("sysctl", "-qw", "net.ipv6.conf." + peer.device() + ".accept_dad=0").check();
        peer.ns().run("sysctl", "-qw", "net.ipv6.conf." + peer.device() + ".disable_ipv6=0").check();
        List<String> got = new CopyOnWriteArrayList<>();
        UdpPcb pcb = net.call(() -> {
            UdpPcb p = net.stack().newUdpPcb();
            p.bind(org.lwip4j.addr.Ip6Address.ANY, 9102);
            p.onReceive((pc, d, src, port, n) -> {
                got.add(new String(d.toByteArray()));
                d.free();
            });
            return p;
        });
        Path send = Scripts.copy(dir, "mcast6_send.py");
        peer.ns().python(Duration.ofSeconds(10), send, "ff05::1:77", "9102", peer.device(), "6e6f", "3").check(); // "no"
        assertEquals(Err.OK, net.call(() -> pcb.joinGroup(org.lwip4j.addr.Ip6Address.parse("ff05::1:77"), peer.netif())));
        peer.ns().python(Duration.ofSeconds(10), send, "ff05::1:77", "9102", peer.device(), "796573", "3").check(); // "yes"
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (got.size() < 3 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertEquals(List.of("yes", "yes", "yes"), got, "none of what came before the join");
        assertTrue(net.call(() -> net.stack().stats().mld6.xmit) > 0, "the stack sent MLD reports");
        net.call(() -> {
            pcb.close();
            return null;
        });
    }
}
