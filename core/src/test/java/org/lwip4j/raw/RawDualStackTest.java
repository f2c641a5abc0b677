package org.lwip4j.raw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;

/**
 * Dual-stack raw pcbs (lwIP's {@code IPADDR_TYPE_ANY}): a pcb bound to
 * {@link IpAddress#ANY_TYPE} receives a protocol's packets of both families and sends to
 * either; {@code 0.0.0.0} stays IPv4 only; a bound IPv6 address sees only packets to it.
 * One TUN netif with an IPv4 and a global IPv6 address.
 */
class RawDualStackTest {
    private static final int PROTO = 253; // RFC 3692 experimentation: nothing else claims it
    private VirtualClock clock;
    private Stack stack;
    private CaptureDriver wire;
    private Netif tun;

    @BeforeEach
    void setUp() {
        clock = new VirtualClock();
        stack = Stack.create(StackConfig.builder().randomSeed(7).build(), clock);
        wire = new CaptureDriver(LinkType.IP, 1500);
        tun = stack.addNetif(wire, "tun0");
        tun.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        tun.ip6().add(Ip6Address.parse("2001:db8::1"), 64);
        tun.setUp(true);
        run();
        wire.clear();
    }

    private void run() {
        for (int i = 0; i < 5; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    /** A bare IPv6 packet with next header {@code nh} and {@code payload}. */
    private static byte[] ipv6(int nh, String src, String dst, byte[] payload) {
        byte[] p = new byte[40 + payload.length];
        p[0] = 0x60;
        p[4] = (byte) (payload.length >>> 8);
        p[5] = (byte) payload.length;
        p[6] = (byte) nh;
        p[7] = 64;
        System.arraycopy(Ip6Address.parse(src).toBytes(), 0, p, 8, 16);
        System.arraycopy(Ip6Address.parse(dst).toBytes(), 0, p, 24, 16);
        System.arraycopy(payload, 0, p, 40, payload.length);
        return p;
    }

    private RawPcb listening(List<String> seen, String name) {
        RawPcb pcb = stack.newRawPcb(PROTO);
        pcb.onReceive((pc, p, src) -> {
            seen.add(name + " " + src + " " + p.totalLength());
            return false;
        });
        return pcb;
    }

    private void injectBoth() {
        wire.inject(Packets.ipv4(PROTO, "10.0.0.9", "10.0.0.1", 64, 0, new byte[3]));
        wire.inject(ipv6(PROTO, "2001:db8::9", "2001:db8::1", new byte[5]));
        run();
    }

    @Test
    void aPcbBoundToAnyTypeReceivesBothFamilies() {
        List<String> seen = new ArrayList<>();
        assertEquals(Err.OK, listening(seen, "any").bind(IpAddress.ANY_TYPE));
        injectBoth();
        assertEquals(List.of("any 10.0.0.9 23", "any 2001:db8::9 45"), seen);
        assertEquals(2, stack.stats().raw.recv);
        assertEquals(0, wire.count(), "both were taken: no protocol unreachable for either");
    }

    @Test
    void theDefaultWildcardStaysIpv4Only() {
        List<String> seen = new ArrayList<>();
        RawPcb pcb = listening(seen, "v4");
        assertEquals(Ip4Address.ANY, pcb.localAddress());
        injectBoth();
        assertEquals(List.of("v4 10.0.0.9 23"), seen);
        assertEquals(1, wire.count(), "the IPv6 packet was nobody's: an ICMPv6 parameter problem (next header)");
        byte[] err = wire.poll().data();
        assertEquals(6, err[0] >>> 4);
        assertEquals(58, err[6], "ICMPv6");
        assertEquals(4, err[40], "parameter problem");
        assertEquals(1, err[41], "unrecognized next header");
    }

    @Test
    void aPcbBoundToAnIpv6AddressSeesOnlyPacketsToIt() {
        List<String> seen = new ArrayList<>();
        assertEquals(Err.OK, listening(seen, "g").bind(Ip6Address.parse("2001:db8::1")));
        injectBoth();
        assertEquals(List.of("g 2001:db8::9 45"), seen);
    }

    @Test
    void aConnectedAnyTypePcbSeesOnlyItsPeerOfEitherFamily() {
        List<String> seen = new ArrayList<>();
        RawPcb pcb = listening(seen, "c");
        assertEquals(Err.OK, pcb.bind(IpAddress.ANY_TYPE));
        assertEquals(Err.OK, pcb.connect(Ip6Address.parse("2001:db8::9")));
        injectBoth();
        assertEquals(List.of("c 2001:db8::9 45"), seen);
    }

    @Test
    void anAnyTypePcbSendsEachFamilyWithItsOwnHeaderAndSource() {
        RawPcb pcb = stack.newRawPcb(PROTO);
        assertEquals(Err.OK, pcb.bind(IpAddress.ANY_TYPE));
        Pbuf p = stack.pbuf(new byte[] {1, 2, 3});
        assertEquals(Err.OK, pcb.sendTo(p, Ip4Address.parse("10.0.0.9")));
        assertEquals(Err.OK, pcb.sendTo(p, Ip6Address.parse("2001:db8::9")));
        p.free();
        byte[] v4 = wire.poll().data();
        assertEquals(4, v4[0] >>> 4);
        assertEquals(PROTO, v4[9] & 0xff);
        assertArrayEquals(Ip4Address.parse("10.0.0.1").toBytes(), Arrays.copyOfRange(v4, 12, 16));
        assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOfRange(v4, 20, 23));
        byte[] v6 = wire.poll().data();
        assertEquals(6, (v6[0] & 0xff) >>> 4);
        assertEquals(PROTO, v6[6] & 0xff, "next header");
        assertArrayEquals(Ip6Address.parse("2001:db8::1").toBytes(), Arrays.copyOfRange(v6, 8, 24), "source chosen for the route");
        assertArrayEquals(Ip6Address.parse("2001:db8::9").toBytes(), Arrays.copyOfRange(v6, 24, 40));
        assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOfRange(v6, 40, 43));
        assertEquals(2, stack.stats().raw.xmit);
    }

    @Test
    void anIpv4BoundPcbRefusesAnIpv6DestinationAndTheReverse() {
        RawPcb v4 = stack.newRawPcb(PROTO);
        assertEquals(Err.OK, v4.bind(Ip4Address.parse("10.0.0.1")));
        RawPcb v6 = stack.newRawPcb(PROTO);
        assertEquals(Err.OK, v6.bind(Ip6Address.parse("2001:db8::1")));
        Pbuf p = stack.pbuf(new byte[1]);
        assertEquals(Err.VAL, v4.sendTo(p, Ip6Address.parse("2001:db8::9")));
        assertEquals(Err.VAL, v6.sendTo(p, Ip4Address.parse("10.0.0.9")));
        p.free();
        assertEquals(0, wire.count());
        assertEquals(2, stack.stats().raw.err);
    }

    @Test
    void aStackWithoutIpv6TakesAnyTypeAndDeliversIpv4() {
        Stack v4only = Stack.create(StackConfig.builder().randomSeed(7).lwipIpv6(false).build(), clock);
        try {
            CaptureDriver w = new CaptureDriver(LinkType.IP, 1500);
            List<String> seen = new ArrayList<>();
            Netif n = v4only.addNetif(w, "tun0");
            n.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
            n.setUp(true);
            RawPcb pcb = v4only.newRawPcb(PROTO);
            assertThrows(IllegalArgumentException.class, () -> pcb.bind(Ip6Address.parse("2001:db8::1")),
                    "an IPv6 address on a stack without IPv6 is a programming error");
            assertEquals(Err.OK, pcb.bind(IpAddress.ANY_TYPE));
            pcb.onReceive((pc, p, src) -> seen.add(src + " " + p.totalLength()) && false);
            w.inject(Packets.ipv4(PROTO, "10.0.0.9", "10.0.0.1", 64, 0, new byte[3]));
            for (int i = 0; i < 5; i++) {
                v4only.poll(clock.nanoTime());
            }
            assertEquals(List.of("10.0.0.9 23"), seen);
            assertEquals(0, w.count());
        } finally {
            v4only.close();
        }
    }
}
