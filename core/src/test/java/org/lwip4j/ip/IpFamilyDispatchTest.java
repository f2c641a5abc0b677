package org.lwip4j.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.internal.ip.TransportTable;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/**
 * {@link Ip} with two recording families of its own (not the stack's): what is registered
 * before or after a family arrives reaches it, and every call goes to the family of its
 * version.
 */
class IpFamilyDispatchTest {
    private Stack stack;
    private Ip ip;
    private Netif tun;
    private final List<String> calls = new ArrayList<>();

    /** A family that records what it was asked and answers with fixed values. */
    private final class Recording implements NetworkProtocol {
        final int version;
        final TransportTable transports = new TransportTable();
        RawInput raw;

        Recording(int version) {
            this.version = version;
        }

        @Override
        public int version() {
            return version;
        }

        @Override
        public void registerTransport(int protocol, TransportInput input, TransportErrorInput errors) {
            transports.register(protocol, input, errors);
        }

        @Override
        public void setRawInput(RawInput raw) {
            this.raw = raw;
        }

        @Override
        public Route route(IpAddress remote, IpAddress local, Netif netif, long generation) {
            calls.add("v" + version + " route " + remote + " from " + local + " gen " + generation);
            return new Route(tun, local, remote, remote, 1500, false, generation);
        }

        @Override
        public Err output(Pbuf p, Route r, int protocol, int ttl, int tos, int options) {
            calls.add("v" + version + " output " + protocol + " ttl " + ttl + " tos " + tos + " opt " + options);
            return version == 4 ? Err.OK : Err.BUF;
        }

        @Override
        public long pseudoHeader(IpAddress src, IpAddress dst, int protocol, int length) {
            return version * 1000L + protocol + length;
        }

        @Override
        public Err outputPacket(Pbuf packet, Netif netif) {
            calls.add("v" + version + " packet " + packet.totalLength());
            return Err.OK;
        }

        @Override
        public void portUnreachable(Pbuf p, IpInfo info) {
            calls.add("v" + version + " unreachable");
        }

        @Override
        public void release() {
            calls.add("v" + version + " release");
        }
    }

    @BeforeEach
    void setUp() {
        stack = Stack.create(StackConfig.builder().randomSeed(2).build(), new VirtualClock());
        tun = stack.addNetif(new CaptureDriver(LinkType.IP, 1500), "tun0");
        ip = new Ip(stack.netifs());
    }

    @AfterEach
    void tearDown() {
        stack.close();
    }

    @Test
    void onlyVersions4And6AreFamiliesAndEachOnce() {
        assertThrows(IllegalArgumentException.class, () -> ip.addFamily(new Recording(5)));
        assertThrows(IllegalArgumentException.class, () -> ip.addFamily(new Recording(0)));
        Recording v4 = new Recording(4);
        ip.addFamily(v4);
        assertThrows(IllegalStateException.class, () -> ip.addFamily(new Recording(4)));
        assertSame(v4, ip.family(4));
        assertNull(ip.family(6));
        assertNull(ip.family(5));
        assertNull(ip.family(-1));
        assertNull(ip.family(7));
        assertSame(v4, ip.familyOf(Ip4Address.parse("10.0.0.1")));
        assertThrows(IllegalArgumentException.class, () -> ip.familyOf(Ip6Address.parse("2001:db8::1")));
    }

    @Test
    void transportsAndTheRawHookReachFamiliesAddedBeforeAndAfter() {
        Recording v4 = new Recording(4);
        ip.addFamily(v4);
        TransportInput udp = (p, i) -> p.free();
        TransportErrorInput udpErrors = e -> { };
        ip.registerTransport(17, udp, udpErrors);
        RawInput raw = (p, i) -> RawInput.NONE;
        ip.setRawInput(raw);
        Recording v6 = new Recording(6);
        ip.addFamily(v6);
        for (Recording f : List.of(v4, v6)) {
            assertSame(udp, f.transports.input(17), "v" + f.version);
            assertSame(udpErrors, f.transports.errors(17), "v" + f.version);
            assertSame(raw, f.raw, "v" + f.version);
            assertNull(f.transports.input(6));
        }
        assertThrows(IllegalStateException.class, () -> ip.setRawInput(raw));
    }

    @Test
    void routesOutputAndPseudoHeadersGoToTheFamilyOfTheAddress() {
        ip.addFamily(new Recording(4));
        ip.addFamily(new Recording(6));
        ip.routesChanged();
        ip.routesChanged();
        assertEquals(2, ip.generation());
        Ip4Address a4 = Ip4Address.parse("10.0.0.9");
        Ip6Address a6 = Ip6Address.parse("2001:db8::9");
        Route r4 = ip.route(a4, Ip4Address.ANY, null);
        Route r6 = ip.route(a6, null, null);
        assertNull(ip.route(a6, Ip4Address.parse("10.0.0.1"), null), "a local address of the other family");
        assertNull(ip.route(a4, Ip6Address.parse("2001:db8::1"), null));
        assertEquals(List.of("v4 route 10.0.0.9 from 0.0.0.0 gen 2", "v6 route 2001:db8::9 from null gen 2"), calls);
        assertTrue(!ip.stale(r4));
        ip.routesChanged();
        assertTrue(ip.stale(r4));
        Pbuf p = stack.pbuf(new byte[3]);
        assertEquals(Err.OK, ip.output(p, r4, 17, 9, 8, 7));
        assertEquals(Err.BUF, ip.output(p, r6, 6, 1, 2, 3));
        p.free();
        assertEquals(List.of("v4 output 17 ttl 9 tos 8 opt 7", "v6 output 6 ttl 1 tos 2 opt 3"), calls.subList(2, 4));
        assertEquals(4000 + 17 + 20, ip.pseudoHeader(r4, 17, 20));
        assertEquals(6000 + 58 + 8, ip.pseudoHeader(r6, 58, 8));
    }

    @Test
    void aWholePacketGoesToTheFamilyOfItsVersionNibble() {
        ip.addFamily(new Recording(4));
        ip.addFamily(new Recording(6));
        Pbuf v4 = stack.pbuf(new byte[] {0x45, 0});
        Pbuf v6 = stack.pbuf(new byte[] {0x60, 0, 0});
        Pbuf v5 = stack.pbuf(new byte[] {0x55});
        Pbuf empty = stack.pbuf(new byte[0]);
        assertEquals(Err.OK, ip.outputPacket(v4, null));
        assertEquals(Err.OK, ip.outputPacket(v6, null));
        assertEquals(Err.VAL, ip.outputPacket(v5, null));
        assertEquals(Err.VAL, ip.outputPacket(empty, null));
        for (Pbuf p : List.of(v4, v6, v5, empty)) {
            p.free();
        }
        assertEquals(List.of("v4 packet 2", "v6 packet 3"), calls);
    }

    @Test
    void releaseReachesEveryFamily() {
        ip.addFamily(new Recording(6));
        ip.release();
        ip.addFamily(new Recording(4));
        ip.release();
        assertEquals(List.of("v6 release", "v4 release", "v6 release"), calls, "IPv4 first, then IPv6");
    }

    @Test
    void netifChangesMakeRoutesStale() {
        long g = ip.generation();
        tun.setUp(true);
        assertTrue(ip.generation() > g, "status");
        g = ip.generation();
        tun.setLinkUp(false);
        assertTrue(ip.generation() > g, "link");
        g = ip.generation();
        tun.ip4().set(org.lwip4j.netif.Ip4Interface.parse("10.0.0.1/24"));
        assertTrue(ip.generation() > g, "address");
        g = ip.generation();
        stack.netifs().setDefault(tun);
        assertTrue(ip.generation() > g, "default netif");
        g = ip.generation();
        stack.netifs().remove(tun);
        assertTrue(ip.generation() > g, "removed");
    }
}
