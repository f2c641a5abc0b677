package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.ipv6.Packets6.cat;
import static org.lwip4j.ipv6.Packets6.ethernet;
import static org.lwip4j.ipv6.Packets6.hex;
import static org.lwip4j.ipv6.Packets6.icmpv6;
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
import org.lwip4j.buffer.Checksum;
import org.lwip4j.ip.IcmpError;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.udp.UdpPcb;

/**
 * ICMPv6 input (RFC 4443) message by message on a capturing netif: what is dropped is
 * counted under the right counter and answers nothing; echo replies are the request's
 * bytes with the type changed; errors about our datagrams reach the UDP pcb with every field,
 * Packet Too Big with the path MTU it taught; the error rate limit.
 */
class Icmpv6InputTest {
    private static final String US = "2001:db8::1";
    private static final String PEER = "2001:db8::9";
    private static final long PEER_MAC = 0x0200_0000_0009L;

    private final VirtualClock clock = new VirtualClock();
    private Stack stack;
    private CaptureDriver wire;
    private Netif netif;
    private ProtoStats icmp;

    private void setUp(Consumer<StackConfig.Builder> tweak) {
        QuietIpv6Stack q = QuietIpv6Stack.create(clock, US, tweak);
        stack = q.stack();
        wire = q.wire();
        netif = q.netif();
        icmp = stack.stats().icmp6;
        // The peer's MAC is known (its NS with a source link-layer option): answers go out at once.
        inject(ipv6(58, PEER, "ff02::1:ff00:1", 255, icmpv6(135, 0, 0,
                cat(Ip6Address.parse(US).toBytes(), hex("0101020000000009")), PEER, "ff02::1:ff00:1")));
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

    private void inject(byte[] packet) {
        wire.inject(ethernet(netif.mac().bits(), PEER_MAC, packet));
        for (int i = 0; i < 5; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    private long[] counters() {
        return new long[] {icmp.recv, icmp.xmit, icmp.drop, icmp.lenerr, icmp.chkerr, icmp.proterr, icmp.err};
    }

    /** Asserts the ICMPv6 counters moved by exactly recv, xmit, drop, lenerr, chkerr, proterr (err unchanged). */
    private void assertMoved(long[] before, int recv, int xmit, int drop, int lenerr, int chkerr, int proterr) {
        long[] now = counters();
        assertArrayEquals(new long[] {recv, xmit, drop, lenerr, chkerr, proterr, 0},
                new long[] {now[0] - before[0], now[1] - before[1], now[2] - before[2], now[3] - before[3], now[4] - before[4],
                        now[5] - before[5], now[6] - before[6]},
                "recv xmit drop lenerr chkerr proterr err");
    }

    @Test
    void aMessageShorterThanItsHeaderIsCountedAsALengthError() {
        setUp();
        long[] b = counters();
        inject(ipv6(58, PEER, US, 64, new byte[] {(byte) 128, 0, 0}));
        assertMoved(b, 1, 0, 1, 1, 0, 0);
        assertEquals(0, wire.count());
    }

    @Test
    void aBadChecksumIsCountedAndNotAnswered() {
        setUp();
        byte[] echo = icmpv6(128, 0, 0x0001_0001, new byte[8], PEER, US);
        echo[2] ^= 1;
        long[] b = counters();
        inject(ipv6(58, PEER, US, 64, echo));
        assertMoved(b, 1, 0, 1, 0, 1, 0);
        assertEquals(0, wire.count());
    }

    @Test
    void anEchoReplyIsTheRequestWithItsTypeChangedFromOurAddressWithAValidChecksum() {
        setUp();
        byte[] data = "0123456789abcdef".getBytes();
        long[] b = counters();
        inject(ipv6(58, PEER, US, 64, icmpv6(128, 0, 0x1234_0007, data, PEER, US)));
        assertMoved(b, 1, 1, 0, 0, 0, 0);
        byte[] f = wire.poll().data();
        byte[] p = Arrays.copyOfRange(f, 14, f.length);
        assertEquals(0, wire.count());
        assertEquals(40 + 8 + 16, p.length);
        assertEquals(Ip6Address.parse(US), Ip6Address.of(Arrays.copyOfRange(p, 8, 24), 0));
        assertEquals(Ip6Address.parse(PEER), Ip6Address.of(Arrays.copyOfRange(p, 24, 40), 0));
        assertEquals(129, p[40] & 0xff);
        assertEquals(0, p[41]);
        assertArrayEquals(new byte[] {0x12, 0x34, 0, 7}, Arrays.copyOfRange(p, 44, 48), "identifier and sequence");
        assertArrayEquals(data, Arrays.copyOfRange(p, 48, 64));
        long ph = Checksum.pseudoHeaderV6(Ip6Address.parse(US).hi(), Ip6Address.parse(US).lo(), Ip6Address.parse(PEER).hi(),
                Ip6Address.parse(PEER).lo(), 58, 24);
        assertTrue(Checksum.verifies(Checksum.partial(p, 40, 24, ph)));
    }

    @Test
    void echoRepliesAndUnknownInformationalMessagesAreDroppedWithoutAnswer() {
        setUp();
        long[] b = counters();
        inject(ipv6(58, PEER, US, 64, icmpv6(129, 0, 1, new byte[4], PEER, US)));
        inject(ipv6(58, PEER, US, 64, icmpv6(200, 0, 1, new byte[4], PEER, US)));
        assertMoved(b, 2, 0, 2, 0, 0, 0);
        assertEquals(0, wire.count());
    }

    @Test
    void anEchoRequestFromTheUnspecifiedAddressOrToAGroupWithMulticastPingOffIsDropped() {
        setUp(c -> c.ip6MulticastPing(false));
        long[] b = counters();
        inject(ipv6(58, "::", US, 64, icmpv6(128, 0, 1, new byte[4], "::", US)));
        wire.inject(ethernet(0x3333_0000_0001L, PEER_MAC, ipv6(58, PEER, "ff02::1", 64, icmpv6(128, 0, 1, new byte[4], PEER, "ff02::1"))));
        stack.poll(clock.nanoTime());
        assertMoved(b, 2, 0, 2, 0, 0, 0);
        assertEquals(0, wire.count());
    }

    /** A UDP pcb on :5000 collecting the ICMPv6 errors about its datagrams. */
    private List<IcmpError> udpErrors() {
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 5000);
        List<IcmpError> errors = new ArrayList<>();
        pcb.onError(errors::add);
        return errors;
    }

    @Test
    void errorsTooShortToQuoteAHeaderOrQuotingNoIpv6AreCounted() {
        setUp();
        List<IcmpError> errors = udpErrors();
        long[] b = counters();
        inject(ipv6(58, PEER, US, 64, icmpv6(1, 4, 0, new byte[39], PEER, US)));
        assertMoved(b, 1, 0, 1, 1, 0, 0);
        byte[] v4 = ipv6(17, US, PEER, 64, udp(5000, 7, new byte[4], US, PEER));
        v4[0] = 0x45;
        b = counters();
        inject(ipv6(58, PEER, US, 64, icmpv6(1, 4, 0, v4, PEER, US)));
        assertMoved(b, 1, 0, 1, 0, 0, 1);
        assertTrue(errors.isEmpty());
    }

    @Test
    void anErrorQuotingALaterFragmentOrNoPortsReachesNobody() {
        setUp();
        List<IcmpError> errors = udpErrors();
        // Our datagram's second fragment: no UDP header in it.
        byte[] frag = cat(new byte[] {17, 0, 0, 8 * 2, 0, 0, 0, 5}, new byte[16]);
        long[] b = counters();
        inject(ipv6(58, PEER, US, 64, icmpv6(1, 4, 0, ipv6(44, US, PEER, 64, frag), PEER, US)));
        assertMoved(b, 1, 0, 1, 0, 0, 0);
        // A quote cut two bytes into the UDP header: the ports are not there.
        byte[] cut = Arrays.copyOf(ipv6(17, US, PEER, 64, udp(5000, 7, new byte[4], US, PEER)), 42);
        b = counters();
        inject(ipv6(58, PEER, US, 64, icmpv6(1, 4, 0, cut, PEER, US)));
        assertMoved(b, 1, 0, 1, 0, 0, 0);
        assertTrue(errors.isEmpty());
    }

    @Test
    void everyFieldOfAnErrorReachesTheUdpPcbQuotedHeaderIncluded() {
        setUp();
        List<IcmpError> errors = udpErrors();
        byte[] ours = ipv6(17, US, PEER, 64, udp(5000, 7, new byte[] {9, 9}, US, PEER));
        inject(ipv6(58, PEER, US, 64, icmpv6(3, 0, 0, ours, PEER, US)));
        assertEquals(1, errors.size());
        IcmpError e = errors.get(0);
        assertEquals(6, e.version());
        assertEquals(3, e.type());
        assertEquals(0, e.code());
        assertEquals(Ip6Address.parse(PEER), e.reporter());
        assertEquals(Ip6Address.parse(US), e.localAddr());
        assertEquals(5000, e.localPort());
        assertEquals(Ip6Address.parse(PEER), e.remoteAddr());
        assertEquals(7, e.remotePort());
        assertEquals(0, e.nextHopMtu());
        assertEquals(8, e.quotedLen());
        long h = 0;
        for (int i = 40; i < 48; i++) {
            h = h << 8 | (ours[i] & 0xff);
        }
        assertEquals(h, e.quotedHeader());
    }

    @Test
    void packetTooBigAboutOurDatagramLowersThePathMtuAndOneAboutSomeoneElsesIsDropped() {
        setUp();
        List<IcmpError> errors = udpErrors();
        String far = "2001:db8:77::5";
        byte[] ours = ipv6(17, US, far, 64, udp(5000, 7, new byte[4], US, far));
        inject(ipv6(58, PEER, US, 64, icmpv6(2, 0, 1400, ours, PEER, US)));
        assertEquals(1, errors.size());
        assertEquals(1400, errors.get(0).nextHopMtu());
        assertEquals(2, errors.get(0).type());
        byte[] notOurs = ipv6(17, "2001:db8::55", far, 64, udp(5000, 7, new byte[4], "2001:db8::55", far));
        long[] b = counters();
        inject(ipv6(58, PEER, US, 64, icmpv6(2, 0, 1300, notOurs, PEER, US)));
        assertMoved(b, 1, 0, 1, 0, 0, 0);
        assertEquals(1, errors.size());
        // Below 1280 counts as 1280 (RFC 8201 §4).
        inject(ipv6(58, PEER, US, 64, icmpv6(2, 0, 600, ours, PEER, US)));
        assertEquals(1280, errors.get(1).nextHopMtu());
    }

    @Test
    void portUnreachableQuotesTheDatagramAndTheRateLimitHoldsBackTheRest() {
        setUp(c -> c.icmpErrorRate(1).icmpErrorBurst(2));
        long[] b = counters();
        byte[] dgram = ipv6(17, PEER, US, 64, udp(4000, 6000, new byte[] {1, 2, 3}, PEER, US));
        for (int i = 0; i < 3; i++) {
            inject(dgram);
        }
        assertEquals(2, wire.count(), "the burst");
        assertMoved(b, 0, 2, 1, 0, 0, 0);
        byte[] f = wire.poll().data();
        byte[] p = Arrays.copyOfRange(f, 14, f.length);
        assertEquals(1, p[40]);
        assertEquals(4, p[41]);
        assertEquals(Ip6Address.parse(PEER), Ip6Address.of(Arrays.copyOfRange(p, 24, 40), 0));
        assertArrayEquals(dgram, Arrays.copyOfRange(p, 48, p.length), "the whole datagram quoted");
        // To a group: no port unreachable (RFC 4443 §2.4 (e.3)).
        wire.clear();
        clock.advance(java.time.Duration.ofSeconds(2)); // tokens again, and before NUD probes the peer (5 s)
        wire.inject(ethernet(0x3333_0000_0001L, PEER_MAC, ipv6(17, PEER, "ff02::1", 64, udp(4000, 6000, new byte[1], PEER, "ff02::1"))));
        stack.poll(clock.nanoTime());
        assertEquals(0, wire.count(), () -> java.util.HexFormat.of().formatHex(wire.poll().data()));
    }

    @Test
    void aFourByteMessageIsLongEnoughAndAnEchoRequestToALinkLocalAddressIsAnsweredFromIt() {
        setUp(c -> c.ip6LinkLocal(true));
        long[] b = counters();
        inject(ipv6(58, PEER, US, 64, icmpv6(200, 0, 0, new byte[0], PEER, US).clone()));
        assertMoved(b, 1, 0, 1, 0, 0, 0);
        // fe80::9 -> our link-local address: the reply leaves from it, by the netif it came in on.
        String ll = netif.ip6().linkLocal().address().withZone(0).toString();
        clock.advance(java.time.Duration.ofSeconds(3)); // DAD of the link-local address done
        stack.poll(clock.nanoTime());
        inject(ipv6(58, "fe80::9", ll, 255, icmpv6(135, 0, 0, cat(Ip6Address.parse(ll).toBytes(), hex("0101020000000009")),
                "fe80::9", ll))); // the peer's link-local address and MAC become known
        wire.clear();
        inject(ipv6(58, "fe80::9", ll, 64, icmpv6(128, 0, 0x0009_0001, new byte[4], "fe80::9", ll)));
        byte[] f = icmpFrame(129);
        assertEquals(Ip6Address.parse(ll), Ip6Address.of(Arrays.copyOfRange(f, 14 + 8, 14 + 24), 0));
        assertEquals(Ip6Address.parse("fe80::9"), Ip6Address.of(Arrays.copyOfRange(f, 14 + 24, 14 + 40), 0));
    }

    /** The first ICMPv6 frame of {@code type} on the wire (neighbour discovery skipped). */
    private byte[] icmpFrame(int type) {
        for (org.lwip4j.sim.CapturedFrame fr : wire.drain()) {
            byte[] f = fr.data();
            if (f[14 + 6] == 58 && (f[14 + 40] & 0xff) == type) {
                return f;
            }
        }
        throw new AssertionError("no ICMPv6 type " + type + " sent");
    }

    @Test
    void sendErrorSaysWhyItSentNothing() {
        setUp(c -> c.icmpErrorRate(1).icmpErrorBurst(1));
        Icmpv6 i6 = stack.ipv6().icmp();
        org.lwip4j.buffer.Pbuf shortOne = stack.pbuf(new byte[39]);
        assertEquals(org.lwip4j.stack.Err.VAL, i6.sendError(shortOne, 1, 4, 0, false, netif), "shorter than a header");
        shortOne.free();
        for (String[] sd : new String[][] {{"::", US}, {"ff02::1", US}, {PEER, "ff02::1"}}) {
            org.lwip4j.buffer.Pbuf p = stack.pbuf(datagramFrom(sd[0], sd[1]));
            assertEquals(org.lwip4j.stack.Err.VAL, i6.sendError(p, 1, 4, 0, false, netif), sd[0] + " -> " + sd[1]);
            p.free();
        }
        org.lwip4j.buffer.Pbuf toGroup = stack.pbuf(datagramFrom(PEER, "ff02::1"));
        assertEquals(org.lwip4j.stack.Err.OK, i6.sendError(toGroup, 2, 0, 1280, false, netif), "Packet Too Big even to a group");
        assertEquals(org.lwip4j.stack.Err.WOULDBLOCK, i6.sendError(toGroup, 1, 4, 0, true, netif), "the bucket is empty");
        toGroup.free();
        org.lwip4j.buffer.Pbuf anError = stack.pbuf(ipv6(58, PEER, US, 64, icmpv6(1, 4, 0, new byte[48], PEER, US)));
        assertEquals(org.lwip4j.stack.Err.VAL, i6.sendError(anError, 1, 4, 0, false, netif), "never about an error");
        anError.free();
        byte[] f = icmpFrame(2);
        assertEquals(Ip6Address.parse(US), Ip6Address.of(Arrays.copyOfRange(f, 14 + 8, 14 + 24), 0),
                "about a packet to a group: from the address selection picks");
        assertEquals(1280, ((f[14 + 46] & 0xff) << 8) | (f[14 + 47] & 0xff));
    }

    private static byte[] datagramFrom(String src, String dst) {
        return ipv6(17, src, dst, 64, udp(4000, 7, new byte[4], src, dst));
    }

    @Test
    void aQuoteWithOnlyThePortsOrPartOfTheHeaderReachesThePcbZeroPadded() {
        setUp();
        List<IcmpError> errors = udpErrors();
        byte[] ours = ipv6(17, US, PEER, 64, udp(5000, 7, new byte[4], US, PEER));
        inject(ipv6(58, PEER, US, 64, icmpv6(1, 4, 0, Arrays.copyOf(ours, 44), PEER, US)));
        inject(ipv6(58, PEER, US, 64, icmpv6(1, 4, 0, Arrays.copyOf(ours, 46), PEER, US)));
        assertEquals(2, errors.size(), "four bytes of the UDP header are enough");
        assertEquals(4, errors.get(0).quotedLen());
        assertEquals(0x1388_0007_0000_0000L, errors.get(0).quotedHeader());
        assertEquals(6, errors.get(1).quotedLen());
        assertEquals(0x1388_0007_000cL << 16, errors.get(1).quotedHeader(), "the length field, then zeros");
        // Exactly a whole IPv6 header and nothing after it: no ports, nobody to tell, no length error.
        long[] b = counters();
        inject(ipv6(58, PEER, US, 64, icmpv6(1, 4, 0, Arrays.copyOf(ours, 40), PEER, US)));
        assertMoved(b, 1, 0, 1, 0, 0, 0);
    }

    @Test
    void aDatagramTooBigToSendUnfragmentedTellsItsOwnPcbThePathMtu() {
        setUp(c -> c.lwipIpv6Frag(false));
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(Ip6Address.ANY, 5001);
        List<IcmpError> errors = new ArrayList<>();
        pcb.onError(errors::add);
        org.lwip4j.buffer.Pbuf p = stack.pbuf(new byte[1500]);
        assertEquals(org.lwip4j.stack.Err.VAL, pcb.sendTo(p, Ip6Address.parse(PEER), 9));
        p.free();
        assertEquals(0, wire.count(), "nothing sent");
        assertEquals(1, errors.size());
        IcmpError e = errors.get(0);
        assertEquals(2, e.type());
        assertEquals(1500, e.nextHopMtu());
        assertEquals(Ip6Address.parse(US), e.reporter(), "reported by ourselves");
        assertEquals(5001, e.localPort());
        assertEquals(9, e.remotePort());
        assertEquals(8, e.quotedLen());
        assertEquals((5001L << 48) | (9L << 32) | ((8L + 1500) << 16), e.quotedHeader() & ~0xffffL, "ports and length");
    }
}
