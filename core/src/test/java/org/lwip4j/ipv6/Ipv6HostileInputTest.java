package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.ipv6.Packets6.cat;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.SimNet;
import org.lwip4j.udp.UdpPcb;

/**
 * Seeded random IPv6 packets with extension header chains (options with every action,
 * routing headers of any type, fragments of any offset and flag, ND messages with random
 * options), to our addresses and groups, from valid and invalid sources: nothing escapes the
 * loop, and once reassembly and neighbour timers have run every pbuf is back in its pool.
 */
class Ipv6HostileInputTest {
    private static final String[] SOURCES = {"2001:db8::9", "fe80::9", "::", "ff02::1", "::1", "2001:db8::1"};
    private static final String[] DESTINATIONS = {"2001:db8::1", "ff02::1", "ff02::1:ff00:1", "2001:db8::77", "::1", "::"};

    @Test
    void randomHeaderChainsNeitherThrowNorLeak() {
        SplittableRandom rnd = new SplittableRandom(2026);
        VirtualClock clock = new VirtualClock();
        Stack stack = Stack.create(StackConfig.builder().randomSeed(1).pbufPoolSize(512).icmpErrorRate(0).build(), clock);
        CaptureDriver wire = new CaptureDriver();
        Netif n = stack.addNetif(wire, "eth0");
        n.setUp(true);
        stack.netifs().setDefault(n);
        n.ip6().add(Ip6Address.parse("2001:db8::1"), 64);
        UdpPcb echo = stack.newUdpPcb();
        echo.bind(Ip6Address.ANY, 7);
        echo.onReceive((pcb, p, src, port, netif) -> {
            pcb.sendTo(p, src, port);
            p.free();
        });
        for (int i = 0; i < 3000; i++) {
            String src = SOURCES[rnd.nextInt(SOURCES.length)];
            String dst = DESTINATIONS[rnd.nextInt(DESTINATIONS.length)];
            byte[] chain = new byte[0];
            int first = 17;
            int headers = rnd.nextInt(4);
            int[] types = new int[headers];
            for (int h = 0; h < headers; h++) {
                types[h] = new int[] {0, 60, 43, 44}[rnd.nextInt(4)];
            }
            int upper = new int[] {17, 58, 59, 6, rnd.nextInt(256)}[rnd.nextInt(5)];
            for (int h = headers - 1; h >= 0; h--) {
                int next = h == headers - 1 ? upper : types[h + 1];
                chain = cat(header(rnd, types[h], next), chain);
            }
            if (headers > 0) {
                first = types[0];
            } else {
                first = upper;
            }
            // (Source ports other than 7: an echo server answering itself never stops.)
            byte[] body = upper == 17 ? Packets6.udp(rnd.nextInt(8, 20), 7, bytes(rnd, rnd.nextInt(0, 60)), src, dst)
                    : upper == 58 ? Packets6.icmpv6(new int[] {128, 135, 136, 1, 2, 4, 133}[rnd.nextInt(7)], 0,
                            rnd.nextInt(), bytes(rnd, rnd.nextInt(0, 48)), src, dst)
                    : bytes(rnd, rnd.nextInt(0, 40));
            byte[] pkt = Packets6.ipv6(first, src, dst, rnd.nextBoolean() ? 255 : rnd.nextInt(256), cat(chain, body));
            if (rnd.nextInt(8) == 0) {
                pkt[rnd.nextInt(pkt.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
            long dmac = dst.startsWith("ff") ? Ip6Address.multicastMacBits(Ip6Address.parse(dst).lo()) : n.mac().bits();
            wire.inject(Packets6.ethernet(dmac, 0x0200_0000_0009L, pkt));
            stack.poll(clock.nanoTime());
            clock.advance(Duration.ofMillis(rnd.nextInt(0, 300)));
            stack.poll(clock.nanoTime());
            wire.clear();
        }
        for (int i = 0; i < 90; i++) {
            clock.advance(Duration.ofSeconds(1));
            stack.poll(clock.nanoTime());
        }
        wire.clear();
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
        assertEquals(0, stack.loop().failedTasks());
        // The packets reached every part: reassembly, ICMPv6 errors and echo, ND, UDP.
        assertTrue(stack.stats().ip6frag.recv > 50, "fragments");
        assertTrue(stack.stats().ip6.err < stack.stats().ip6.recv, "each refusal counted once");
        assertTrue(stack.stats().icmp6.xmit > 100, "ICMPv6 sent");
        assertTrue(stack.stats().nd6.recv > 10, "ND received");
        assertTrue(stack.stats().ip6.opterr > 50, "options refused");
        assertTrue(stack.stats().udp.recv > 50, "UDP delivered");
        echo.close();
        stack.close();
    }

    private static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** One extension header of {@code type} naming {@code next}, with random contents. */
    private static byte[] header(SplittableRandom rnd, int type, int next) {
        return switch (type) {
            case 44 -> {
                byte[] f = new byte[8];
                f[0] = (byte) next;
                int w = (rnd.nextInt(4) * 8) | (rnd.nextBoolean() ? 1 : 0);
                f[2] = (byte) (w >>> 8);
                f[3] = (byte) w;
                f[7] = (byte) rnd.nextInt(3);
                yield f;
            }
            case 43 -> {
                byte[] r = new byte[24];
                r[0] = (byte) next;
                r[1] = 2;
                r[2] = (byte) rnd.nextInt(5);
                r[3] = (byte) rnd.nextInt(3);
                yield r;
            }
            default -> {
                byte[] o = new byte[8];
                o[0] = (byte) next;
                o[2] = (byte) (rnd.nextBoolean() ? 1 : rnd.nextInt(256));
                o[3] = (byte) rnd.nextInt(0, 7);
                yield o;
            }
        };
    }
}
