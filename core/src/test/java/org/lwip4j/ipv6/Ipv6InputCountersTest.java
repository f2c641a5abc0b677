package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.ipv6.Packets6.cat;
import static org.lwip4j.ipv6.Packets6.ethernet;
import static org.lwip4j.ipv6.Packets6.ipv6;
import static org.lwip4j.ipv6.Packets6.udp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.udp.UdpPcb;

/**
 * IPv6 input (RFC 8200 §3, §4; RFC 4291) packet by packet: each reason to drop counted under
 * its own counter and nothing delivered; padding after the payload cut off; which
 * destinations a netif accepts (its own addresses, a global address of another netif, the
 * groups it listens to) and which it does not; an unknown next header answered with a
 * Parameter Problem pointing at the field that names it.
 */
class Ipv6InputCountersTest {
    private static final String US = "2001:db8::1";
    private static final String PEER = "2001:db8::9";
    private static final long PEER_MAC = 0x0200_0000_0009L;

    private final VirtualClock clock = new VirtualClock();
    private Stack stack;
    private CaptureDriver wire;
    private Netif netif;
    private ProtoStats ip6;
    private final List<byte[]> received = new ArrayList<>();

    private void setUp(Consumer<StackConfig.Builder> tweak) {
        QuietIpv6Stack q = QuietIpv6Stack.create(clock, US, tweak);
        stack = q.stack();
        wire = q.wire();
        netif = q.netif();
        ip6 = stack.stats().ip6;
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 7);
        pcb.onReceive((pc, p, src, port, nf) -> {
            received.add(p.toByteArray());
            p.free();
        });
        // The peer's MAC is known: answers go out at once.
        inject(ipv6(58, PEER, "ff02::1:ff00:1", 255, Packets6.icmpv6(135, 0, 0,
                cat(Ip6Address.parse(US).toBytes(), Packets6.hex("0101020000000009")), PEER, "ff02::1:ff00:1")));
        wire.clear();
    }

    private void setUp() {
        setUp(b -> { });
    }

    @AfterEach
    void close() {
        if (stack != null) {
            stack.close();
        }
    }

    private void inject(long dstMac, byte[] packet) {
        wire.inject(ethernet(dstMac, PEER_MAC, packet));
        for (int i = 0; i < 5; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    private void inject(byte[] packet) {
        inject(netif.mac().bits(), packet);
    }

    private long[] counters() {
        return new long[] {ip6.recv, ip6.drop, ip6.lenerr, ip6.proterr, ip6.err, ip6.opterr, ip6.chkerr};
    }

    private void assertMoved(long[] before, int recv, int drop, int lenerr, int proterr, int err) {
        long[] now = counters();
        long[] d = new long[now.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = now[i] - before[i];
        }
        assertArrayEquals(new long[] {recv, drop, lenerr, proterr, err, 0, 0}, d, "recv drop lenerr proterr err opterr chkerr");
    }

    private static byte[] datagram(String src, String dst) {
        return ipv6(17, src, dst, 64, udp(4000, 7, new byte[] {1, 2, 3, 4}, src, dst));
    }

    @Test
    void shortTruncatedAndForeignVersionPacketsAreCountedAsTheirErrors() {
        setUp();
        long[] b = counters();
        inject(Arrays.copyOf(datagram(PEER, US), 39));
        assertMoved(b, 1, 1, 1, 0, 0);
        byte[] longer = datagram(PEER, US);
        longer[5] += 8; // payload length beyond the bytes present
        b = counters();
        inject(longer);
        assertMoved(b, 1, 1, 1, 0, 0);
        byte[] v4 = datagram(PEER, US);
        v4[0] = 0x45;
        b = counters();
        inject(v4);
        assertMoved(b, 1, 1, 0, 1, 0);
        assertTrue(received.isEmpty());
        assertEquals(0, wire.count());
    }

    @Test
    void paddingAfterThePayloadIsCutOff() {
        setUp();
        inject(cat(datagram(PEER, US), new byte[12]));
        assertEquals(1, received.size());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, received.get(0));
    }

    @Test
    void forbiddenAddressesAreMalformed() {
        setUp();
        for (String[] sd : new String[][] {{"ff02::1", US}, {PEER, "::"}, {"::1", US}, {PEER, "::1"}}) {
            long[] b = counters();
            inject(datagram(sd[0], sd[1]));
            assertMoved(b, 1, 1, 0, 0, 1);
        }
        // The unspecified source is for DAD's solicitations only.
        long[] b = counters();
        inject(datagram("::", US));
        assertMoved(b, 1, 1, 0, 0, 1);
        assertTrue(received.isEmpty());
    }

    @Test
    void packetsForOthersAndGroupsNotListenedToAreDroppedWithoutError() {
        setUp();
        long[] b = counters();
        inject(datagram(PEER, "2001:db8::77"));
        // Sent to our MAC, so that IP decides (the link layer's multicast filter would drop them first).
        inject(datagram(PEER, "ff02::2")); // all-routers: hosts do not listen
        inject(datagram(PEER, "ff02::99"));
        inject(datagram(PEER, "ff01::1")); // interface-local all-nodes: loopback only
        assertMoved(b, 4, 4, 0, 0, 0);
        netif.ip6().add(Ip6Address.parse("2001:db8::2"), 64, null, null); // no DAD configured: preferred
        inject(0x3333_0000_0001L, datagram(PEER, "ff02::1"));
        inject(0x3333_ff00_0002L, datagram(PEER, "ff02::1:ff00:2")); // our solicited-node group
        inject(datagram(PEER, "2001:db8::2"));
        assertEquals(3, received.size());
    }

    @Test
    void aRouterListensToAllRouters() {
        setUp(c -> c.lwipIpv6Forward(true));
        inject(datagram(PEER, "ff02::2"));
        assertEquals(1, received.size());
    }

    @Test
    void anotherNetifsGlobalAddressIsOursButNotItsLinkLocalOne() {
        setUp();
        CaptureDriver other = new CaptureDriver();
        Netif n2 = stack.addNetif(other, "eth1");
        n2.setFlags(Netif.FLAG_MLD6, 0);
        n2.setUp(true);
        n2.ip6().add(Ip6Address.parse("2001:db8:2::1"), 64);
        n2.ip6().add(Ip6Address.parse("fe80::2:1"), 64);
        inject(datagram(PEER, "2001:db8:2::1"));
        assertEquals(1, received.size(), "the weak host model for global addresses (RFC 1122 §3.3.4.2)");
        long[] b = counters();
        inject(datagram("fe80::9", "fe80::2:1"));
        assertMoved(b, 1, 1, 0, 0, 0);
        n2.setUp(false);
        inject(datagram(PEER, "2001:db8:2::1"));
        assertEquals(1, received.size(), "not while that netif is down");
    }

    @Test
    void anUnknownNextHeaderGetsAParameterProblemPointingAtTheFieldThatNamesIt() {
        setUp();
        long[] b = counters();
        inject(ipv6(253, PEER, US, 64, new byte[8]));
        assertMoved(b, 1, 1, 0, 1, 0);
        byte[] f = icmp(4);
        assertEquals(1, f[14 + 41], "code 1: unrecognized next header");
        assertEquals(6, f[14 + 47], "pointer: the IPv6 header's next header field");
        // Behind a destination options header (8 bytes of padding): the pointer names that header's field.
        byte[] dest = cat(new byte[] {(byte) 253, 0, 1, 4, 0, 0, 0, 0}, new byte[8]);
        inject(ipv6(60, PEER, US, 64, dest));
        f = icmp(4);
        assertEquals(40, f[14 + 47], "pointer: the destination options header's next header field");
        // No next header (59): nothing follows, nothing to count.
        b = counters();
        inject(ipv6(59, PEER, US, 64, new byte[0]));
        assertMoved(b, 1, 0, 0, 0, 0);
        assertTrue(wire.drain().stream().noneMatch(fr -> fr.data()[14 + 6] == 58 && fr.data()[14 + 40] == 4));
    }

    /** The first ICMPv6 message of {@code type} on the wire (others, such as NUD's solicitations, skipped). */
    private byte[] icmp(int type) {
        for (org.lwip4j.sim.CapturedFrame fr : wire.drain()) {
            byte[] f = fr.data();
            if (f[14 + 6] == 58 && (f[14 + 40] & 0xff) == type) {
                return f;
            }
        }
        throw new AssertionError("no ICMPv6 type " + type + " sent");
    }
}
