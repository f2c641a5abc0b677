package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.lwip4j.stack.Err;
import org.lwip4j.wire.Icmpv4Packet;

/** ICMP echo between the Linux kernel and the stack, both ways, small and fragmented. */
@RealNetwork.Required
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelPingTest {
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    private TestStack net;
    private TapPeer peer;

    @BeforeAll
    void setUp() {
        net = new TestStack();
        NetNs ns = net.namespace();
        peer = net.link(ns, "10.71.0.2/24", "10.71.0.1/24");
        net.start();
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    /**
     * Sent and received counts from ping's summary line. Pings whose every reply counts carry
     * a deadline ({@code -w}): with {@code -W} alone, iputils waits only two RTTs of the
     * replies so far for the last ones, so a reply delayed on a loaded machine was counted
     * lost (seen in CliIpv6Test: 2 of 3 at load 18).
     */
    static int[] summary(Cmd.Result r) {
        Matcher m = SUMMARY.matcher(r.output());
        assertTrue(m.find(), "no ping summary in:\n" + r);
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    @Test
    void kernelPingsTheStack100Of100() {
        Cmd.Result r = peer.ns().run(Duration.ofSeconds(60), "ping", "-n", "-q", "-c", "100", "-i", "0.01", "-W", "2", "-w", "30",
                peer.stackIp());
        assertArrayEquals(new int[] {100, 100}, summary(r), r.toString());
        assertEquals(0, r.exit(), r.toString());
    }

    @Test
    void aFloodOfFragmentedPingsIsAnsweredWithoutLeakingAnything() {
        // ping -f: the next request as soon as a reply is in (or every 10 ms), 3000 bytes
        // each, so three fragments each way; every reply must come back, and the stack's
        // pools must be back where they were.
        long usedBefore = net.call(() -> net.stack().context().pbufs().poolStats().used);
        Cmd.Result r = peer.ns().run(Duration.ofSeconds(60), "ping", "-n", "-q", "-f", "-c", "2000", "-W", "2", "-w", "30",
                "-s", "3000", peer.stackIp());
        assertArrayEquals(new int[] {2000, 2000}, summary(r), r.toString());
        assertEquals(usedBefore, (long) net.call(() -> net.stack().context().pbufs().poolStats().used),
                "pool buffers in use (the driver's spares) are as before the flood");
        long pending = net.call(() -> (long) net.stack().ipv4().reassembly().pendingDatagrams());
        assertEquals(0, pending, "no datagram left half reassembled");
        long drops = net.call(() -> net.stack().stats().ip.drop + net.stack().stats().ipfrag.drop + net.stack().stats().link.drop);
        assertEquals(0, drops, "nothing dropped under the flood");
    }

    @Test
    void kernelPingsTheStackWith8000BytePingsThatFragment() {
        // 8000 bytes of data: an 8028-byte datagram, six fragments each way at MTU 1500.
        Cmd.Result r = peer.ns().run(Duration.ofSeconds(60), "ping", "-n", "-q", "-c", "10", "-i", "0.05", "-W", "2", "-w", "30",
                "-s", "8000", peer.stackIp());
        assertArrayEquals(new int[] {10, 10}, summary(r), r.toString());
        long reassembled = net.call(() -> net.stack().stats().ipfrag.recv);
        assertTrue(reassembled >= 60, "the stack received the fragments: ipfrag.recv=" + reassembled);
    }

    @Test
    void theStackPingsTheKernel() throws InterruptedException {
        try (StackPinger pinger = new StackPinger(net.stack())) {
            for (int seq = 1; seq <= 10; seq++) {
                int size = seq == 10 ? 4000 : 56; // the last one is fragmented by the stack and reassembled by the kernel
                assertEquals(Err.OK, pinger.ping(peer.hostIp(), 0x4a4a, seq, size));
                StackPinger.Reply reply = pinger.next(Duration.ofSeconds(5));
                assertNotNull(reply, "no echo reply from the kernel to request " + seq);
                assertEquals(Icmpv4Packet.TYPE_ECHO_REPLY, reply.type());
                assertEquals(peer.hostIp(), reply.from());
                assertEquals(0x4a4a, reply.ident());
                assertEquals(seq, reply.seq());
                assertArrayEquals(StackPinger.pattern(size, seq), reply.data(), "echoed data of request " + seq);
            }
        }
    }
}
