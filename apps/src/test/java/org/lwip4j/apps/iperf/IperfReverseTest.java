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

    private TwoStacks stacks(long seed) {
        return new TwoStacks(seed, Impairments.builder().delay(Duration.ofMillis(1)).rate(100_000_000L).build());
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
        TwoStacks s = stacks(71);
        IperfServer srv = IperfServer.start(s.server, results::add);
        TwoStacks.Conn c = s.connect(TwoStacks.SERVER4, IperfServer.PORT);
        c.send(REVERSE_BYTES);
        s.await(() -> c.fin, "the server's FIN after its stream");
        assertEquals(100_000, c.received.size(), "the header's amount, no more");
        assertIperfPattern(c.received.toByteArray());
        s.await(() -> onlyListeners(s) && !results.isEmpty(), "the connection closed after the client's FIN");
        assertEquals(1, results.size(), "one stream, the one back; the header alone is none: " + results);
        IperfResult r = results.getFirst();
        assertEquals(IperfResult.Kind.CLIENT_DONE, r.kind());
        assertEquals(100_000, r.bytes());
        assertEquals(TwoStacks.CLIENT4, r.remote());
        assertEquals(c.pcb.localPort(), r.remotePort());
        assertEquals(IperfServer.PORT, r.localPort());
        assertTrue(c.errors.isEmpty(), "no reset: " + c.errors);
        srv.close();
    }

    @Test
    void timedReverseTestOverIpv6SendsForTheHeadersTime() {
        TwoStacks s = stacks(72);
        IperfServer srv = IperfServer.start(s.server, results::add);
        TwoStacks.Conn c = s.connect(TwoStacks.SERVER6, IperfServer.PORT);
        c.send(REVERSE_TIMED);
        s.await(() -> c.fin, "the server's FIN after 1 s");
        s.await(() -> onlyListeners(s) && !results.isEmpty(), "closed");
        IperfResult r = results.getFirst();
        assertEquals(IperfResult.Kind.CLIENT_DONE, r.kind(), r.toString());
        long ms = r.duration().toMillis();
        assertTrue(ms >= 1000 && ms < 1300, "sent for 1 s, then waited for the ACKs: " + r);
        assertEquals(r.bytes(), c.received.size(), "every byte reported arrived");
        assertTrue(r.bytes() > 5_000_000, "about 100 Mbit/s for a second: " + r);
        assertIperfPattern(c.received.toByteArray());
        assertEquals(TwoStacks.CLIENT6, r.remote());
        srv.close();
    }

    @Test
    void fullDuplexTestReceivesTheClientsStreamAndSendsOneBackOnTheSameConnection() {
        TwoStacks s = stacks(73);
        IperfServer srv = IperfServer.start(s.server, results::add);
        TwoStacks.Conn c = s.connect(TwoStacks.SERVER4, IperfServer.PORT);
        byte[] stream = new byte[100_000]; // as iperf: the header, then its buffer again, 100000 bytes in all
        System.arraycopy(FULL_DUPLEX_BYTES, 0, stream, 0, FULL_DUPLEX_BYTES.length);
        c.sendThenFin(stream);
        s.await(() -> c.fin && results.size() == 2 && onlyListeners(s), "both streams done, closed: " + results);
        IperfResult in = results.stream().filter(r -> r.kind() == IperfResult.Kind.SERVER_DONE).findFirst().orElseThrow();
        IperfResult out = results.stream().filter(r -> r.kind() == IperfResult.Kind.CLIENT_DONE).findFirst().orElseThrow();
        assertEquals(100_000, in.bytes(), "the client's stream, header included");
        assertEquals(100_000, out.bytes());
        assertEquals(in.remotePort(), out.remotePort(), "one connection");
        assertEquals(100_000, c.received.size());
        assertIperfPattern(c.received.toByteArray());
        assertTrue(c.errors.isEmpty(), c.errors.toString());
        srv.close();
    }

    @Test
    void aReverseClientThatClosesEarlyEndsTheStreamBackAndTheConnection() {
        TwoStacks s = stacks(74);
        IperfServer srv = IperfServer.start(s.server, results::add);
        TwoStacks.Conn c = s.connect(TwoStacks.SERVER4, IperfServer.PORT);
        byte[] tenSeconds = REVERSE_TIMED.clone();
        tenSeconds[20] = (byte) 0xff;
        tenSeconds[21] = (byte) 0xff;
        tenSeconds[22] = (byte) 0xfc;
        tenSeconds[23] = (byte) 0x18; // -1000: 10 s
        c.send(tenSeconds);
        s.net.runFor(Duration.ofMillis(300));
        assertTrue(c.received.size() > 0, "the stream back runs");
        assertTrue(results.isEmpty(), "still running: " + results);
        c.pcb.onRecv(null); // reads no more: what still comes is freed
        c.pcb.close();
        s.await(() -> !results.isEmpty() && onlyListeners(s), "the stream back ended with the client's close");
        assertEquals(1, results.size(), results.toString());
        IperfResult r = results.getFirst();
        assertTrue(r.kind() == IperfResult.Kind.CLIENT_DONE || r.kind() == IperfResult.Kind.ABORTED_REMOTE, r.toString());
        assertTrue(r.duration().toMillis() < 1000, "long before its 10 s: " + r);
        srv.close();
    }

    @Test
    void closingTheServerAbortsAReverseStreamAndTheClientHearsTheReset() {
        TwoStacks s = stacks(75);
        IperfServer srv = IperfServer.start(s.server, results::add);
        TwoStacks.Conn c = s.connect(TwoStacks.SERVER4, IperfServer.PORT);
        c.send(REVERSE_TIMED);
        s.net.runFor(Duration.ofMillis(300));
        srv.close();
        assertEquals(1, results.size(), results.toString());
        assertEquals(IperfResult.Kind.ABORTED_LOCAL, results.getFirst().kind());
        assertTrue(results.getFirst().bytes() > 0);
        s.await(() -> c.errors.contains(Err.RST), "the client hears the reset");
        assertTrue(onlyListeners(s) && s.server.tcp().pcbs().isEmpty(), "nothing left: " + s.server.tcp().pcbs());
    }

    @Test
    void aReverseHeaderCutShortIsAPlainStreamCountedAndClosed() {
        TwoStacks s = stacks(76);
        IperfServer srv = IperfServer.start(s.server, results::add);
        TwoStacks.Conn c = s.connect(TwoStacks.SERVER4, IperfServer.PORT);
        byte[] cut = java.util.Arrays.copyOf(REVERSE_BYTES, 30); // the upper flags (bytes 32, 33) never come
        c.send(cut);
        s.net.runFor(Duration.ofMillis(100));
        c.pcb.close();
        s.await(() -> !results.isEmpty() && onlyListeners(s), "reported and closed");
        assertEquals(IperfResult.Kind.SERVER_DONE, results.getFirst().kind());
        assertEquals(30, results.getFirst().bytes());
        assertEquals(0, c.received.size(), "nothing sent back");
        srv.close();
    }

    @Test
    void aStatedHeaderLengthTooShortForTheUpperFlagsReadsNoReverseBit() {
        TwoStacks s = stacks(77);
        IperfServer srv = IperfServer.start(s.server, results::add);
        TwoStacks.Conn c = s.connect(TwoStacks.SERVER4, IperfServer.PORT);
        byte[] shortLen = REVERSE_BYTES.clone();
        shortLen[3] = 0x20; // a header of 16 bytes: byte 32 on is data
        c.send(shortLen);
        s.net.runFor(Duration.ofMillis(100));
        c.pcb.close();
        s.await(() -> !results.isEmpty() && onlyListeners(s), "reported and closed");
        assertEquals(IperfResult.Kind.SERVER_DONE, results.getFirst().kind());
        assertEquals(60, results.getFirst().bytes());
        assertEquals(0, c.received.size(), "nothing sent back");
        srv.close();
    }
}
