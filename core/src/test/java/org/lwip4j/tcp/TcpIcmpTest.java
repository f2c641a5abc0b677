package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.stack.Err;
import org.lwip4j.testing.Packets;

/**
 * ICMP errors reaching connections (RFC 1122 §4.2.3.9), RFC 5927's checks against blind
 * ICMP attacks, and PMTU discovery (RFC 1191).
 */
class TcpIcmpTest {
    static final int D = 1001;
    static final int S = ISS + 1;

    /** An ICMPv4 error from a router quoting the first 8 bytes of a TCP segment of ours. */
    static byte[] icmp(int type, int code, int mtu, int sport, int dport, int seq) {
        byte[] tcp8 = {(byte) (sport >>> 8), (byte) sport, (byte) (dport >>> 8), (byte) dport, (byte) (seq >>> 24),
            (byte) (seq >>> 16), (byte) (seq >>> 8), (byte) seq};
        byte[] quote = Arrays.copyOf(Packets.ipv4(6, TcpScript.US, TcpScript.PEER, 64, 0x4000, tcp8), 28);
        byte[] m = new byte[8 + quote.length];
        m[0] = (byte) type;
        m[1] = (byte) code;
        m[6] = (byte) (mtu >>> 8);
        m[7] = (byte) mtu;
        System.arraycopy(quote, 0, m, 8, quote.length);
        int c = Checksum.of(m, 0, m.length);
        m[2] = (byte) (c >>> 8);
        m[3] = (byte) c;
        return Packets.ipv4(1, "10.0.0.254", TcpScript.US, 64, 0, m);
    }

    static byte[] icmp(int type, int code, int mtu, int seq) {
        return icmp(type, code, mtu, TcpScript.PORT, TcpScript.PEER_PORT, seq);
    }

    static TcpScript established() {
        TcpScript t = new TcpScript(b -> b.timestamps(false));
        t.established(1000, syn().mss(1000));
        return t;
    }

    @Test
    void fragNeededQuotingASequenceNumberNotInFlightIsIgnored() {
        try (TcpScript t = established()) {
            t.conn.write(new byte[2000]);
            t.drain();
            t.inject(icmp(3, 4, 576, S + 2000)); // SND.MAX: not in flight
            t.inject(icmp(3, 4, 576, S - 1)); // below SND.UNA
            t.expectNothing();
            assertEquals(1000, t.conn.mss());
            assertEquals(2, t.tcp.counters().icmpIgnored());
            t.inject(icmp(3, 4, 576, S + 1999)); // the last byte in flight: believed
            assertEquals(536, t.conn.mss());
            assertEquals(1, t.tcp.counters().pmtuLowered());
            t.expect(ack().seq(S).len(536));
        }
    }

    @Test
    void fragNeededBelowTheMinimumMtuOrNotLowerChangesNothing() {
        try (TcpScript t = established()) {
            t.conn.write(new byte[100]);
            t.drain();
            t.inject(icmp(3, 4, 67, S));
            assertEquals(1000, t.conn.mss());
            t.inject(icmp(3, 4, 1500, S));
            assertEquals(1000, t.conn.mss());
            t.inject(icmp(3, 4, 68, S));
            assertEquals(68 - 40, t.conn.mss());
        }
    }

    @Test
    void anErrorForNoConnectionIsIgnored() {
        try (TcpScript t = established()) {
            t.conn.write(new byte[100]);
            t.drain();
            t.inject(icmp(3, 3, 0, TcpScript.PORT, 4444, S));
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
            assertEquals(1, t.tcp.counters().icmpIgnored());
        }
    }

    @Test
    void portUnreachableWhileConnectingRefusesTheConnection() {
        try (TcpScript t = new TcpScript()) {
            t.connect();
            t.inject(icmp(3, 3, 0, ISS)); // quotes our SYN
            assertEquals(List.of(Err.RST), t.errors);
            assertEquals(TcpState.CLOSED, t.conn.state());
            assertEquals(1, t.tcp.counters().icmpHardErrors());
            t.after(ms(5000)).expectNothing();
        }
    }

    @Test
    void aBlindPortUnreachableWhileConnectingIsIgnored() {
        try (TcpScript t = new TcpScript()) {
            t.connect();
            t.inject(icmp(3, 3, 0, ISS + 1));
            assertEquals(TcpState.SYN_SENT, t.conn.state());
            assertEquals(List.of(), t.errors);
        }
    }

    @Test
    void hardErrorsOnAnEstablishedConnectionAreSoft() {
        try (TcpScript t = established()) {
            t.conn.write(new byte[100]);
            t.drain();
            t.inject(icmp(3, 3, 0, S));
            t.inject(icmp(3, 2, 0, S));
            assertEquals(TcpState.ESTABLISHED, t.conn.state());
            assertEquals(2, t.tcp.counters().icmpSoftErrors());
            assertEquals(2, t.conn.softError().code());
            assertEquals(List.of(), t.errors);
        }
    }

    @Test
    void hostUnreachableWhileConnectingIsSoftAndReportedWhenTheOpenTimesOut() {
        try (TcpScript t = new TcpScript(b -> b.synMaxRtx(2))) {
            t.connect();
            t.inject(icmp(3, 1, 0, ISS));
            assertEquals(TcpState.SYN_SENT, t.conn.state());
            assertEquals(1, t.conn.softError().code());
            t.after(ms(1000)).expect(syn().seq(ISS));
            t.after(ms(2000)).expect(syn().seq(ISS));
            t.after(ms(4000));
            assertEquals(List.of(Err.RTE), t.errors);
        }
    }

    @Test
    void anOpenThatTimesOutWithoutAnErrorIsAborted() {
        try (TcpScript t = new TcpScript(b -> b.synMaxRtx(1))) {
            t.connect();
            t.inject(icmp(11, 0, 0, ISS)); // time exceeded: soft, not "unreachable"
            t.after(ms(1000)).expect(syn().seq(ISS));
            t.after(ms(2000));
            assertEquals(List.of(Err.ABRT), t.errors);
        }
    }

    @Test
    void sourceQuenchIsIgnored() {
        try (TcpScript t = established()) {
            t.conn.write(new byte[100]);
            t.drain();
            t.inject(icmp(4, 0, 0, S));
            assertNull(t.conn.softError());
            assertEquals(1, t.tcp.counters().icmpIgnored());
        }
    }

    /**
     * IPv6's Packet Too Big reaches TCP through the same family-neutral hook
     * ({@link org.lwip4j.ip.IcmpError}, RFC 8201 §4): the MSS drops to the MTU less 60 bytes,
     * an MTU under IPv6's minimum of 1280 is ignored, and so is one quoting no byte in flight.
     */
    @Test
    void ipv6PacketTooBigLowersTheMssThroughTheSameHook() {
        org.lwip4j.testing.SimNet net = new org.lwip4j.testing.SimNet(9);
        org.lwip4j.stack.StackConfig cfg = org.lwip4j.stack.StackConfig.builder().loopbackNetif(false)
                .tcp(b -> b.timestamps(false)).build();
        org.lwip4j.Stack a = net.stack(cfg);
        org.lwip4j.Stack b = net.stack(cfg);
        org.lwip4j.sim.VirtualLink link = net.link(org.lwip4j.sim.Impairments.builder()
                .delay(java.time.Duration.ofMillis(10)).build());
        org.lwip4j.netif.Netif na = org.lwip4j.testing.SimNet.attach(a, link.endpointA(), "eth0", "10.1.0.1/24");
        org.lwip4j.netif.Netif nb = org.lwip4j.testing.SimNet.attach(b, link.endpointB(), "eth0", "10.1.0.2/24");
        org.lwip4j.addr.Ip6Address ga = org.lwip4j.addr.Ip6Address.parse("fd00:79::1");
        org.lwip4j.addr.Ip6Address gb = org.lwip4j.addr.Ip6Address.parse("fd00:79::2");
        na.ip6().add(ga, 64);
        nb.ip6().add(gb, 64);
        net.runUntil(() -> false, java.time.Duration.ofSeconds(5)); // DAD
        TcpPcb listener = b.newTcpPcb();
        assertEquals(Err.OK, listener.bind(org.lwip4j.addr.IpAddress.ANY_TYPE, 5001));
        listener.listen(1);
        TcpPcb client = a.newTcpPcb();
        int[] up = new int[1];
        assertEquals(Err.OK, client.connect(gb, 5001, p -> up[0]++));
        org.junit.jupiter.api.Assertions.assertTrue(net.runUntil(() -> up[0] == 1, java.time.Duration.ofSeconds(5)));
        assertEquals(1440, client.mss());
        client.write(new byte[3000]);
        int una = client.info().sndUna();
        long header = ((long) client.localPort() << 48) | (5001L << 32) | (una & 0xffffffffL);
        Tcp tcp = a.tcp();
        tcp.icmpError(new org.lwip4j.ip.IcmpError(6, 2, 0, gb, ga, client.localPort(), gb, 5001, 1279, 8, header));
        assertEquals(1440, client.mss(), "below IPv6's minimum MTU");
        long blind = (header & ~0xffffffffL) | ((una - 1) & 0xffffffffL);
        tcp.icmpError(new org.lwip4j.ip.IcmpError(6, 2, 0, gb, ga, client.localPort(), gb, 5001, 1300, 8, blind));
        assertEquals(1440, client.mss(), "nothing in flight at that sequence number");
        tcp.icmpError(new org.lwip4j.ip.IcmpError(6, 2, 0, gb, ga, client.localPort(), gb, 5001, 1300, 8, header));
        assertEquals(1300 - 60, client.mss());
        assertEquals(1, tcp.counters().pmtuLowered());
        a.close();
        b.close();
    }

    @Test
    void icmpv6PortUnreachableAndUnrecognizedNextHeaderAreHardAddressUnreachableIsSoft() {
        org.lwip4j.testing.SimNet net = new org.lwip4j.testing.SimNet(10);
        org.lwip4j.stack.StackConfig cfg = org.lwip4j.stack.StackConfig.builder().loopbackNetif(false).build();
        org.lwip4j.Stack a = net.stack(cfg);
        org.lwip4j.Stack b = net.stack(cfg);
        org.lwip4j.sim.VirtualLink link = net.link(org.lwip4j.sim.Impairments.builder()
                .delay(java.time.Duration.ofMillis(10)).build());
        org.lwip4j.netif.Netif na = org.lwip4j.testing.SimNet.attach(a, link.endpointA(), "eth0", "10.1.0.1/24");
        org.lwip4j.netif.Netif nb = org.lwip4j.testing.SimNet.attach(b, link.endpointB(), "eth0", "10.1.0.2/24");
        org.lwip4j.addr.Ip6Address ga = org.lwip4j.addr.Ip6Address.parse("fd00:7b::1");
        org.lwip4j.addr.Ip6Address gb = org.lwip4j.addr.Ip6Address.parse("fd00:7b::2");
        na.ip6().add(ga, 64);
        nb.ip6().add(gb, 64);
        net.runUntil(() -> false, java.time.Duration.ofSeconds(5)); // DAD
        Tcp tcp = a.tcp();
        int[][] codes = {{1, 4}, {4, 1}, {1, 3}};
        List<List<Err>> errs = new java.util.ArrayList<>();
        List<TcpPcb> clients = new java.util.ArrayList<>();
        for (int i = 0; i < codes.length; i++) {
            TcpPcb c = a.newTcpPcb();
            List<Err> e = new java.util.ArrayList<>();
            c.onErr(e::add);
            assertEquals(Err.OK, c.connect(gb, 6000 + i, p -> { }));
            errs.add(e);
            clients.add(c);
        }
        for (int i = 0; i < codes.length; i++) {
            TcpPcb c = clients.get(i);
            int una = c.info().sndUna();
            long header = ((long) c.localPort() << 48) | ((long) (6000 + i) << 32) | (una & 0xffffffffL);
            tcp.icmpError(new org.lwip4j.ip.IcmpError(6, codes[i][0], codes[i][1], gb, ga, c.localPort(), gb,
                    6000 + i, 0, 8, header));
        }
        assertEquals(List.of(Err.RST), errs.get(0), "RFC 4443 §3.1 code 4, port unreachable: hard while connecting");
        assertEquals(List.of(Err.RST), errs.get(1), "§3.4 code 1, unrecognized next header: hard");
        assertEquals(List.of(), errs.get(2), "code 3, address unreachable: soft");
        assertEquals(TcpState.SYN_SENT, clients.get(2).state());
        assertEquals(2, tcp.counters().icmpHardErrors());
        assertEquals(1, tcp.counters().icmpSoftErrors());
        a.close();
        b.close();
    }

    @Test
    void fragNeededWithTimestampsLeavesRoomForTheOption() {
        try (TcpScript t = new TcpScript()) {
            t.established(1000, syn().mss(1460).ts(500, 0));
            assertEquals(1448, t.conn.mss());
            t.conn.write(new byte[100]);
            t.drain();
            t.inject(icmp(3, 4, 1000, S));
            assertEquals(1000 - 20 - 20 - 12, t.conn.mss(), "IPv4 and TCP headers and the timestamps option");
            assertEquals(1, t.tcp.counters().pmtuLowered());
            t.inject(icmp(3, 4, 1000, S));
            assertEquals(1, t.tcp.counters().pmtuLowered(), "the same MTU again lowers nothing");
            t.drain();
        }
    }
}
