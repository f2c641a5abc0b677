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
}
