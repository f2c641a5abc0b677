package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.raw.RawPcb;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.SimNet;
import org.lwip4j.udp.UdpPcb;

/** IPv6 end to end between two stacks on a virtual Ethernet link, in virtual time. */
class Ipv6SimTest {
    private final SimNet net = new SimNet(42);
    private Stack a;
    private Stack b;
    private Netif na;
    private Netif nb;

    private void twoStacks(StackConfig cfg) {
        a = net.stack(cfg);
        b = net.stack(cfg);
        VirtualLink link = net.link(Impairments.NONE);
        na = a.addNetif(link.endpointA(), "eth0");
        nb = b.addNetif(link.endpointB(), "eth0");
        na.setUp(true);
        nb.setUp(true);
        a.netifs().setDefault(na);
        b.netifs().setDefault(nb);
    }

    private void twoStacks() {
        twoStacks(StackConfig.defaults());
    }

    @AfterEach
    void close() {
        for (Stack s : net.stacks()) {
            s.close();
        }
    }

    private static boolean preferred(Netif n, Ip6Address a) {
        Ip6Addresses.Entry e = n.ip6().find(a);
        return e != null && e.state() == Ip6Addresses.State.PREFERRED;
    }

    private void untilLinkLocalsPreferred() {
        assertTrue(net.runUntil(() -> na.ip6().linkLocal() != null && nb.ip6().linkLocal() != null
                && na.ip6().linkLocal().state() == Ip6Addresses.State.PREFERRED
                && nb.ip6().linkLocal().state() == Ip6Addresses.State.PREFERRED, Duration.ofSeconds(5)));
    }

    /** An ICMPv6 echo request from {@code from} on {@code stack}, sent as a whole packet. */
    private static Err ping(Stack stack, Netif out, Ip6Address from, Ip6Address to, int seq, byte[] data) {
        byte[] icmp = Packets6.icmpv6(128, 0, 0x1234 << 16 | seq, data, from.toString().replaceAll("%.*", ""),
                to.toString().replaceAll("%.*", ""));
        byte[] pkt = Packets6.ipv6(58, from.toString().replaceAll("%.*", ""), to.toString().replaceAll("%.*", ""), 64, icmp);
        Pbuf p = stack.pbuf(pkt);
        Err e = stack.ip().outputPacket(p, out);
        p.free();
        return e;
    }

    /** A raw ICMPv6 pcb recording echo replies as "seq:data-length". */
    private static List<String> replies(Stack stack) {
        List<String> got = new ArrayList<>();
        RawPcb pcb = stack.newRawPcb(58);
        pcb.bind(Ip6Address.ANY);
        pcb.onReceive((pc, p, src) -> {
            byte[] all = p.toByteArray();
            if ((all[40] & 0xff) != 129) {
                return false;
            }
            got.add(src + " " + ((all[46] & 0xff) << 8 | (all[47] & 0xff)) + ":" + (all.length - 48));
            p.free();
            return true;
        });
        return got;
    }

    @Test
    void linkLocalAddressesAreFormedAndPassDad() {
        twoStacks(StackConfig.builder().maxRtrSolicitations(0).build());
        Ip6Addresses.Entry la = na.ip6().linkLocal();
        assertNotNull(la, "formed when the netif came up");
        assertEquals(Ip6Addresses.State.TENTATIVE, la.state());
        assertTrue(la.address().isLinkLocal());
        assertEquals(na.index(), la.address().zone());
        untilLinkLocalsPreferred();
        // DAD NS from :: (one each) and nothing else until then.
        assertEquals(1, a.stats().nd6.xmit);
        assertEquals(1, b.stats().nd6.xmit);
    }

    @Test
    void ping6OverLinkLocalAddresses() {
        twoStacks();
        untilLinkLocalsPreferred();
        List<String> got = replies(a);
        Ip6Address from = na.ip6().linkLocal().address();
        Ip6Address to = nb.ip6().linkLocal().address();
        assertEquals(Err.OK, ping(a, na, from, to, 1, "hello".getBytes()));
        assertTrue(net.runUntil(() -> got.size() == 1, Duration.ofSeconds(2)));
        assertEquals(to.withZone(na.index()) + " 1:5", got.get(0));
        // Resolved both ways: A asked for B, B learned A from the NS.
        assertEquals(NeighborState.REACHABLE, a.ipv6().nd().cache().find(na, to).state());
        assertNotNull(b.ipv6().nd().cache().find(nb, from));
        assertEquals(Err.OK, ping(a, na, from, to, 2, new byte[100]));
        assertTrue(net.runUntil(() -> got.size() == 2, Duration.ofSeconds(2)));
        assertEquals(to.withZone(na.index()) + " 2:100", got.get(1));
    }

    @Test
    void ping6OverGlobalAddresses() {
        twoStacks();
        na.ip6().add(Ip6Address.parse("2001:db8::1"), 64);
        nb.ip6().add(Ip6Address.parse("2001:db8::2"), 64);
        assertTrue(net.runUntil(() -> preferred(na, Ip6Address.parse("2001:db8::1"))
                && preferred(nb, Ip6Address.parse("2001:db8::2")), Duration.ofSeconds(5)));
        List<String> got = replies(a);
        assertEquals(Err.OK, ping(a, na, Ip6Address.parse("2001:db8::1"), Ip6Address.parse("2001:db8::2"), 7, new byte[56]));
        assertTrue(net.runUntil(() -> got.size() == 1, Duration.ofSeconds(2)));
        assertEquals("2001:db8::2 7:56", got.get(0));
    }

    /** Two stacks, 2001:db8::1 on A and ::2 on B, both preferred; a UDP echo on B's port 7 over IPv6. */
    private UdpPcb udpEchoOnB() {
        twoStacks();
        na.ip6().add(Ip6Address.parse("2001:db8::1"), 64);
        nb.ip6().add(Ip6Address.parse("2001:db8::2"), 64);
        assertTrue(net.runUntil(() -> preferred(na, Ip6Address.parse("2001:db8::1"))
                && preferred(nb, Ip6Address.parse("2001:db8::2")), Duration.ofSeconds(5)));
        UdpPcb echo = b.newUdpPcb();
        assertEquals(Err.OK, echo.bind(Ip6Address.ANY, 7));
        echo.onReceive((pcb, p, src, port, netif) -> {
            pcb.sendTo(p, src, port);
            p.free();
        });
        return echo;
    }

    @Test
    void udpEchoOverIpv6() {
        UdpPcb echo = udpEchoOnB();
        UdpPcb client = a.newUdpPcb();
        // An unbound pcb is IPv4's "any" (lwIP's IPADDR_TYPE_ANY dual-stack pcbs come later).
        assertEquals(Err.OK, client.bind(Ip6Address.ANY, 0));
        List<byte[]> back = new ArrayList<>();
        List<IpAddress> from = new ArrayList<>();
        client.onReceive((pcb, p, src, port, netif) -> {
            back.add(p.toByteArray());
            from.add(src);
            p.free();
        });
        byte[] msg = "over IPv6, and back".getBytes();
        Pbuf p = a.pbuf(msg);
        assertEquals(Err.OK, client.sendTo(p, Ip6Address.parse("2001:db8::2"), 7));
        p.free();
        assertTrue(net.runUntil(() -> back.size() == 1, Duration.ofSeconds(2)));
        assertArrayEquals(msg, back.get(0));
        assertEquals(Ip6Address.parse("2001:db8::2"), from.get(0));
        client.close();
        echo.close();
    }

    /**
     * A pcb never bound that sends to an IPv6 address is bound to the IPv6 wildcard (as
     * {@code connect} binds it), so the answer to its port finds it; before, it was bound to
     * 0.0.0.0, sent over IPv6 all the same, and the answer met a port no IPv6 pcb held.
     */
    @Test
    void anUnboundPcbSendingToAnIpv6AddressGetsTheAnswer() {
        UdpPcb echo = udpEchoOnB();
        UdpPcb client = a.newUdpPcb();
        List<byte[]> back = new ArrayList<>();
        client.onReceive((pcb, p, src, port, netif) -> {
            back.add(p.toByteArray());
            p.free();
        });
        Pbuf p = a.pbuf("unbound".getBytes());
        assertEquals(Err.OK, client.sendTo(p, Ip6Address.parse("2001:db8::2"), 7));
        p.free();
        assertEquals(Ip6Address.ANY, client.localAddress(), "bound to the wildcard of the family it sent to");
        assertTrue(net.runUntil(() -> back.size() == 1, Duration.ofSeconds(2)), "the answer came back");
        assertEquals(0, a.stats().udp.proterr, "no datagram to a port nobody held");

        // A pcb bound to 0.0.0.0 is an IPv4 pcb: no IPv6 datagram leaves it (lwIP: ERR_VAL).
        UdpPcb v4 = a.newUdpPcb();
        assertEquals(Err.OK, v4.bind(org.lwip4j.addr.Ip4Address.ANY, 4000));
        Pbuf q = a.pbuf(new byte[1]);
        assertEquals(Err.VAL, v4.sendTo(q, Ip6Address.parse("2001:db8::2"), 7));
        q.free();
        assertEquals(Err.VAL, v4.connect(Ip6Address.parse("2001:db8::2"), 7));
        client.close();
        echo.close();
        v4.close();
    }

    @Test
    void fourThousandByteDatagramIsFragmentedAtMtu1280AndReassembledOutOfOrder() {
        fragmentedEcho(StackConfig.defaults());
    }

    @Test
    void theSameWithLwipsSmallPoolBuffersWhereEveryPacketIsAChain() {
        // 592-byte pool buffers: every 1280-byte fragment arrives as a chain of nodes.
        fragmentedEcho(StackConfig.builder().pbufPoolBufSize(592).pbufPoolSize(256).build());
    }

    private void fragmentedEcho(StackConfig cfg) {
        a = net.stack(cfg);
        b = net.stack(cfg);
        // Reordering on the way to B: fragments overtake each other.
        VirtualLink link = new VirtualLink(net.sim, org.lwip4j.netif.LinkType.ETHERNET, 1280,
                Impairments.builder().reorder(0.5, Duration.ofMillis(5)).build(), Impairments.NONE);
        na = a.addNetif(link.endpointA(), "eth0");
        nb = b.addNetif(link.endpointB(), "eth0");
        na.setUp(true);
        nb.setUp(true);
        na.ip6().add(Ip6Address.parse("2001:db8::1"), 64);
        nb.ip6().add(Ip6Address.parse("2001:db8::2"), 64);
        assertTrue(net.runUntil(() -> preferred(na, Ip6Address.parse("2001:db8::1"))
                && preferred(nb, Ip6Address.parse("2001:db8::2")), Duration.ofSeconds(5)));
        UdpPcb sink = b.newUdpPcb();
        sink.bind(Ip6Address.ANY, 9);
        List<byte[]> got = new ArrayList<>();
        sink.onReceive((pcb, p, src, port, netif) -> {
            got.add(p.toByteArray());
            p.free();
        });
        byte[] data = new byte[4000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + 3);
        }
        UdpPcb client = a.newUdpPcb();
        long before = a.stats().ip6frag.xmit;
        Pbuf p = a.pbuf(data);
        assertEquals(Err.OK, client.sendTo(p, Ip6Address.parse("2001:db8::2"), 9));
        p.free();
        assertTrue(net.runUntil(() -> got.size() == 1, Duration.ofSeconds(3)));
        assertArrayEquals(data, got.get(0));
        // 4008 UDP bytes; 1280 - 40 - 8 = 1232 per fragment: four fragments.
        assertEquals(4, a.stats().ip6frag.xmit - before);
        assertEquals(1, b.ipv6().reassembly().reassembled());
        assertEquals(0, b.ipv6().reassembly().pendingDatagrams());
        client.close();
        sink.close();
    }

    @Test
    void dadConflictBetweenTwoStacksWithTheSameAddress() {
        twoStacks();
        Ip6Address same = Ip6Address.parse("2001:db8::99");
        na.ip6().add(same, 64);
        assertTrue(net.runUntil(() -> preferred(na, same), Duration.ofSeconds(5)));
        nb.ip6().add(same, 64);
        assertEquals(Ip6Addresses.State.TENTATIVE, nb.ip6().find(same).state());
        assertTrue(net.runUntil(() -> nb.ip6().find(same).state() == Ip6Addresses.State.DUPLICATE, Duration.ofSeconds(5)));
        net.runFor(Duration.ofSeconds(3));
        // The first owner keeps it; the newcomer never uses it.
        assertEquals(Ip6Addresses.State.PREFERRED, na.ip6().find(same).state());
        assertEquals(Ip6Addresses.State.DUPLICATE, nb.ip6().find(same).state());
        assertEquals(1, b.ipv6().nd().conflicts());
        assertNull(b.ip().route(Ip6Address.parse("2001:db8::1"), same, null), "a duplicate address is no source");
    }

    @Test
    void dadSuccessMakesTheAddressPreferredAfterOneRetransTimer() {
        twoStacks(StackConfig.builder().maxRtrSolicitations(0).build());
        untilLinkLocalsPreferred();
        Ip6Address addr = Ip6Address.parse("2001:db8::7");
        long nsBefore = a.stats().nd6.xmit;
        na.ip6().add(addr, 64);
        net.runFor(Duration.ofMillis(900));
        assertEquals(Ip6Addresses.State.TENTATIVE, na.ip6().find(addr).state());
        assertTrue(net.runUntil(() -> preferred(na, addr), Duration.ofSeconds(3)));
        assertEquals(1, a.stats().nd6.xmit - nsBefore, "DupAddrDetectTransmits = 1");
    }
}
