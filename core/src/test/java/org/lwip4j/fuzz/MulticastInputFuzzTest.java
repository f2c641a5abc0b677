package org.lwip4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.internal.ip.GroupMembership;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;
import org.lwip4j.testing.SimNet;

/**
 * IGMP and MLD input through a whole stack: sequences of arbitrary messages (queries of
 * every version, reports, leaves, garbage), in valid IPv4 or IPv6 packets to all-systems,
 * all-nodes or a joined group, with time passing between them. Nothing may escape the loop,
 * the groups joined stay joined, what the stack sends stays bounded, and once time has
 * passed every pbuf is back in its pool.
 *
 * <p>Input layout: a flags byte (bit 0: fix the message's checksum so it gets past it; bit
 * 1: send to the joined group rather than to all-systems / all-nodes; bit 2: from a global
 * rather than a link-local IPv6 source), then messages, each a length byte, that many bytes
 * and a byte of wait (times 50 ms). Seeds in
 * {@code src/test/resources/org/lwip4j/fuzz/MulticastInputFuzzTestInputs/<method>/}.
 */
class MulticastInputFuzzTest {
    private static final Ip4Address G4 = Ip4Address.parse("239.1.2.3");
    private static final Ip6Address G6 = Ip6Address.parse("ff05::1:3");

    @BeforeAll
    static void regressionModeWithoutHooks() {
        RegressionMode.configure();
    }

    @FuzzTest(maxDuration = "10s")
    void igmpInput(byte[] data) {
        run(data, false);
    }

    @FuzzTest(maxDuration = "10s")
    void mldInput(byte[] data) {
        run(data, true);
    }

    /** Plain {@code mvn test} goes deep too: mutated valid queries of every version, deterministically. */
    @Test
    void mutatedQueriesOfEveryVersion() {
        Mutator m = new Mutator(77);
        byte[][] seeds = {seed(false), seed(true)};
        for (int i = 0; i < 200; i++) {
            boolean six = (i & 1) == 1;
            run(m.mutate(seeds[i & 1]), six);
        }
    }

    /** A flags byte with a fixed checksum, then a v2 query, a v3 group query and a v1 query (or MLD's). */
    static byte[] seed(boolean six) {
        String hex = six
                ? "01" + "18" + "8200000003e80000" + "00".repeat(16) + "05"
                  + "1c" + "8200000001f40000" + "ff050000000000000000000000010003" + "027d0000" + "05"
                : "01" + "08" + "1132000000000000" + "05" + "0c" + "110a0000ef010203027d0000" + "05"
                  + "08" + "1100000000000000" + "05";
        return HexFormat.of().parseHex(hex);
    }

    private static void run(byte[] data, boolean six) {
        if (data.length == 0) {
            return;
        }
        VirtualClock clock = new VirtualClock();
        Stack stack = Stack.create(StackConfig.builder().randomSeed(3).lwipIpv6DupDetectAttempts(0).pbufPoolSize(256)
                .build(), clock);
        try {
            CaptureDriver wire = new CaptureDriver();
            Netif n = stack.addNetif(wire, "eth0");
            n.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
            n.setUp(true);
            stack.ipv4().igmp().join(n, G4.bits());
            stack.ipv6().mld().join(n, G6);
            int flags = data[0] & 0xff;
            int pos = 1;
            int messages = 0;
            while (pos < data.length && messages++ < 16) {
                int len = data[pos++] & 0xff;
                int end = Math.min(data.length, pos + len);
                byte[] msg = java.util.Arrays.copyOfRange(data, pos, end);
                pos = end;
                int wait = pos < data.length ? data[pos++] & 0xff : 0;
                wire.inject(six ? mldFrame(msg, flags) : igmpFrame(msg, flags));
                stack.poll(clock.nanoTime());
                for (int k = 0; k < wait; k++) {
                    clock.advance(Duration.ofMillis(50).toNanos());
                    stack.poll(clock.nanoTime());
                }
                wire.clear();
            }
            for (int i = 0; i < 300; i++) {
                clock.advance(Duration.ofSeconds(1).toNanos());
                stack.poll(clock.nanoTime());
            }
            assertTrue(stack.ipv4().igmp().isMember(n, G4.bits()), "still joined");
            assertTrue(stack.ipv6().mld().isMember(n, G6.hi(), G6.lo()), "still joined");
            assertTrue(wire.count() <= 4 * GroupMembership.MAX_GROUPS, "bounded output");
            assertEquals(0, stack.loop().failedTasks());
            assertEquals(List.of(), SimNet.leakedPbufs(stack));
        } finally {
            stack.close();
        }
    }

    private static byte[] igmpFrame(byte[] msg, int flags) {
        if ((flags & 1) != 0 && msg.length >= 4) {
            msg[2] = 0;
            msg[3] = 0;
            int c = Checksum.of(msg, 0, msg.length);
            msg[2] = (byte) (c >>> 8);
            msg[3] = (byte) c;
        }
        String dst = (flags & 2) != 0 ? "239.1.2.3" : "224.0.0.1";
        long mac = 0x0100_5e00_0000L | (Ip4Address.parse(dst).bits() & 0x7f_ffff);
        return Packets.ethernet(mac, 0x0200_0000_0009L, 0x0800, Packets.ipv4(2, "10.0.0.9", dst, 1, 0, msg));
    }

    private static byte[] mldFrame(byte[] msg, int flags) {
        String src = (flags & 4) != 0 ? "2001:db8::9" : "fe80::9";
        String dst = (flags & 2) != 0 ? G6.toString() : "ff02::1";
        Ip6Address s = Ip6Address.parse(src);
        Ip6Address d = Ip6Address.parse(dst);
        if ((flags & 1) != 0 && msg.length >= 4) {
            msg[2] = 0;
            msg[3] = 0;
            long ph = Checksum.pseudoHeaderV6(s.hi(), s.lo(), d.hi(), d.lo(), 58, msg.length);
            int c = Checksum.finish(Checksum.partial(msg, 0, msg.length, ph));
            msg[2] = (byte) (c >>> 8);
            msg[3] = (byte) c;
        }
        byte[] p = new byte[40 + msg.length];
        p[0] = 0x60;
        p[4] = (byte) (msg.length >>> 8);
        p[5] = (byte) msg.length;
        p[6] = 58;
        p[7] = 1;
        System.arraycopy(s.toBytes(), 0, p, 8, 16);
        System.arraycopy(d.toBytes(), 0, p, 24, 16);
        System.arraycopy(msg, 0, p, 40, msg.length);
        return Packets.ethernet(d.multicastMac().bits(), 0x0200_0000_0009L, 0x86dd, p);
    }
}
