package org.lwip4j.apps.iperf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.apps.TwoStacks;
import org.lwip4j.sim.Impairments;
import org.lwip4j.stack.Err;
import org.lwip4j.tcp.TcpState;

/**
 * iperf 2.1's reverse ({@code -R}) and full-duplex ({@code --full-duplex}) tests against the
 * stack's server, on the simulated link in virtual time: the client is a plain connection
 * writing the very bytes Linux's iperf 2.1.8 writes (captured over a veth pair from
 * {@code iperf -c ADDR -R -n 100000}, {@code -R -t 1} and {@code --full-duplex -n 100000}).
 */
class IperfReverseTest {
    private static final HexFormat HEX = HexFormat.of();
    /** The classic words of iperf 2.1.8's header, then its extension: type, length, upper flags (at byte 32), ... */
    private static final String CLASSIC = "00000001" + "00001389" + "00000000" + "00000000";
    private static final String EXTENSION_AFTER_FLAGS = "0000" + "00020001" + "00080003" + "00000000" + "00000000"
            + "00000000" + "00000000";
    /** {@code iperf -c ADDR -R -n 100000}. */
    static final byte[] REVERSE_BYTES = HEX.parseHex("44010078" + CLASSIC + "000186a0" + "00000000" + "00000000" + "0400"
            + EXTENSION_AFTER_FLAGS);
    /** {@code iperf -c ADDR -R -t 1}. */
    static final byte[] REVERSE_TIMED = HEX.parseHex("44010078" + CLASSIC + "ffffff9c" + "00000000" + "00000000" + "0400"
            + EXTENSION_AFTER_FLAGS);
    /** {@code iperf -c ADDR --full-duplex -n 100000}. */
    static final byte[] FULL_DUPLEX_BYTES = HEX.parseHex("44010078" + CLASSIC + "000186a0" + "00000000" + "00000000"
            + "0800" + EXTENSION_AFTER_FLAGS);

    private final List<IperfResult> results = new ArrayList<>();

    /** Two stacks on a 100 Mbit/s link of 1 ms, the server's iperf server, and a client's connection to it. */
    private static final class Session {
        final TwoStacks s;
        final IperfServer srv;
        final TwoStacks.Conn c;

        Session(long seed, org.lwip4j.addr.IpAddress server, List<IperfResult> results) {
            s = new TwoStacks(seed, Impairments.builder().delay(Duration.ofMillis(1)).rate(100_000_000L).build());
            srv = IperfServer.start(s.server, results::add);
            c = s.connect(server, IperfServer.PORT);
        }
    }

    /**
     * Sends {@code stream} and closes: the server reads it as a plain stream (no test back),
     * counts it whole, closes, and sends nothing back.
     */
    private void assertPlainStream(Session t, byte[] stream) {
        t.c.send(stream);
        t.s.net.runFor(Duration.ofMillis(100));
        t.c.pcb.close();
        t.s.await(() -> !results.isEmpty() && onlyListeners(t.s), "reported and closed");
        assertEquals(IperfResult.Kind.SERVER_DONE, results.getFirst().kind());
        assertEquals(stream.length, results.getFirst().bytes());
        assertEquals(0, t.c.received.size(), "nothing sent back");
        t.srv.close();
    }

    /** True when every TCP pcb of the server is a listener: the test's connection is gone. */
    private static boolean onlyListeners(TwoStacks s) {
        return s.server.tcp().pcbs().stream().allMatch(p -> p.state() == TcpState.LISTEN);
    }

    private static void assertIperfPattern(byte[] got) {
        for (int i = 0; i < got.length; i++) {
            if (got[i] != '0' + i % 10) {
                throw new AssertionError("byte " + i + " is " + got[i] + ", not iperf's digit " + i % 10);
            }
        }
    }

    @Test
    void headerCapturedFromIperf218IsTheSixtyBytesOfAReverseTest() {
        assertEquals(60, REVERSE_BYTES.length);
        IperfHeader h = IperfHeader.parse(REVERSE_BYTES, 0, IperfHeader.lengthToRead(IperfHeader.word(REVERSE_BYTES, 0)));
        assertTrue(h.reverse());
        assertFalse(h.fullDuplex());
        assertFalse(h.answerTest(), "no test back to a port of the client");
        assertEquals(100_000, h.amount());
    }

    @Test
    void reverseTestOfABytesAmountSendsExactlyThePatternsBytesThenTheServersFinFirst() {
        Session t = new Session(71, TwoStacks.SERVER4, results);
        t.c.send(REVERSE_BYTES);
        t.s.await(() -> t.c.fin, "the server's FIN after its stream");
        assertEquals(100_000, t.c.received.size(), "the header's amount, no more");
        assertIperfPattern(t.c.received.toByteArray());
        t.s.await(() -> onlyListeners(t.s) && !results.isEmpty(), "the connection closed after the client's FIN");
        assertEquals(1, results.size(), "one stream, the one back; the header alone is none: " + results);
        IperfResult r = results.getFirst();
        assertEquals(IperfResult.Kind.CLIENT_DONE, r.kind());
        assertEquals(100_000, r.bytes());
        assertEquals(TwoStacks.CLIENT4, r.remote());
        assertEquals(t.c.pcb.localPort(), r.remotePort());
        assertEquals(IperfServer.PORT, r.localPort());
        assertTrue(t.c.errors.isEmpty(), "no reset: " + t.c.errors);
        t.srv.close();
    }

    @Test
    void timedReverseTestOverIpv6SendsForTheHeadersTime() {
        Session t = new Session(72, TwoStacks.SERVER6, results);
        t.c.send(REVERSE_TIMED);
        t.s.await(() -> t.c.fin, "the server's FIN after 1 s");
        t.s.await(() -> onlyListeners(t.s) && !results.isEmpty(), "closed");
        IperfResult r = results.getFirst();
        assertEquals(IperfResult.Kind.CLIENT_DONE, r.kind(), r.toString());
        long ms = r.duration().toMillis();
        assertTrue(ms >= 1000 && ms < 1300, "sent for 1 s, then waited for the ACKs: " + r);
        assertEquals(r.bytes(), t.c.received.size(), "every byte reported arrived");
        assertTrue(r.bytes() > 5_000_000, "about 100 Mbit/s for a second: " + r);
        assertIperfPattern(t.c.received.toByteArray());
        assertEquals(TwoStacks.CLIENT6, r.remote());
        t.srv.close();
    }

    @Test
    void fullDuplexTestReceivesTheClientsStreamAndSendsOneBackOnTheSameConnection() {
        Session t = new Session(73, TwoStacks.SERVER4, results);
        byte[] stream = new byte[100_000]; // as iperf: the header, then its buffer again, 100000 bytes in all
        System.arraycopy(FULL_DUPLEX_BYTES, 0, stream, 0, FULL_DUPLEX_BYTES.length);
        t.c.sendThenFin(stream);
        t.s.await(() -> t.c.fin && results.size() == 2 && onlyListeners(t.s), "both streams done, closed: " + results);
        IperfResult in = results.stream().filter(r -> r.kind() == IperfResult.Kind.SERVER_DONE).findFirst().orElseThrow();
        IperfResult out = results.stream().filter(r -> r.kind() == IperfResult.Kind.CLIENT_DONE).findFirst().orElseThrow();
        assertEquals(100_000, in.bytes(), "the client's stream, header included");
        assertEquals(100_000, out.bytes());
        assertEquals(in.remotePort(), out.remotePort(), "one connection");
        assertEquals(100_000, t.c.received.size());
        assertIperfPattern(t.c.received.toByteArray());
        assertTrue(t.c.errors.isEmpty(), t.c.errors.toString());
        t.srv.close();
    }

    @Test
    void aReverseClientThatClosesEarlyEndsTheStreamBackAndTheConnection() {
        Session t = new Session(74, TwoStacks.SERVER4, results);
        byte[] tenSeconds = REVERSE_TIMED.clone();
        tenSeconds[20] = (byte) 0xff;
        tenSeconds[21] = (byte) 0xff;
        tenSeconds[22] = (byte) 0xfc;
        tenSeconds[23] = (byte) 0x18; // -1000: 10 s
        t.c.send(tenSeconds);
        t.s.net.runFor(Duration.ofMillis(300));
        assertTrue(t.c.received.size() > 0, "the stream back runs");
        assertTrue(results.isEmpty(), "still running: " + results);
        t.c.pcb.onRecv(null); // reads no more: what still comes is freed
        t.c.pcb.close();
        t.s.await(() -> !results.isEmpty() && onlyListeners(t.s), "the stream back ended with the client's close");
        assertEquals(1, results.size(), results.toString());
        IperfResult r = results.getFirst();
        assertTrue(r.kind() == IperfResult.Kind.CLIENT_DONE || r.kind() == IperfResult.Kind.ABORTED_REMOTE, r.toString());
        assertTrue(r.duration().toMillis() < 1000, "long before its 10 s: " + r);
        t.srv.close();
    }

    @Test
    void closingTheServerAbortsAReverseStreamAndTheClientHearsTheReset() {
        Session t = new Session(75, TwoStacks.SERVER4, results);
        t.c.send(REVERSE_TIMED);
        t.s.net.runFor(Duration.ofMillis(300));
        t.srv.close();
        assertEquals(1, results.size(), results.toString());
        assertEquals(IperfResult.Kind.ABORTED_LOCAL, results.getFirst().kind());
        assertTrue(results.getFirst().bytes() > 0);
        t.s.await(() -> t.c.errors.contains(Err.RST), "the client hears the reset");
        assertTrue(onlyListeners(t.s) && t.s.server.tcp().pcbs().isEmpty(), "nothing left: " + t.s.server.tcp().pcbs());
    }

    @Test
    void aReverseHeaderCutShortIsAPlainStreamCountedAndClosed() {
        Session t = new Session(76, TwoStacks.SERVER4, results);
        byte[] cut = java.util.Arrays.copyOf(REVERSE_BYTES, 30); // the upper flags (bytes 32, 33) never come
        assertPlainStream(t, cut);
    }

    @Test
    void aStatedHeaderLengthTooShortForTheUpperFlagsReadsNoReverseBit() {
        Session t = new Session(77, TwoStacks.SERVER4, results);
        byte[] shortLen = REVERSE_BYTES.clone();
        shortLen[3] = 0x20; // a header of 16 bytes: byte 32 on is data
        assertPlainStream(t, shortLen);
    }
}
