package org.lwip4j.apps.iperf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The iperf 2 client header, against the bytes Linux's iperf 2.1.8 sends. */
class IperfHeaderTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void readsTheHeadersOfIperf218NormalDualAndTradeoffTests() {
        // iperf -c ADDR -t 1 / -t 1 -d / -t 1 -r (captured from iperf 2.1.8): the first 24 bytes.
        IperfHeader normal = IperfHeader.parse(HEX.parseHex("40010078" + "00000001" + "00001389" + "00000000" + "00000000" + "ffffff9c"), 0);
        assertEquals(IperfMode.NORMAL, normal.mode());
        assertEquals(1, normal.threads());
        assertEquals(5001, normal.port());
        assertTrue(normal.timed());
        assertEquals(Duration.ofSeconds(1), normal.duration());
        IperfHeader dual = IperfHeader.parse(HEX.parseHex("c0010079" + "00000001" + "00001389" + "00000000" + "00000000" + "ffffff9c"), 0);
        assertEquals(IperfMode.DUAL, dual.mode());
        assertTrue(dual.answerNow());
        IperfHeader tradeoff = IperfHeader.parse(HEX.parseHex("c0010078" + "00000001" + "00001389" + "00000000" + "00000000" + "ffffff9c"), 0);
        assertEquals(IperfMode.TRADEOFF, tradeoff.mode());
        assertTrue(tradeoff.answerTest());
        assertFalse(tradeoff.answerNow());
        IperfHeader bytes = IperfHeader.parse(HEX.parseHex("40010078" + "00000001" + "00001389" + "00000000" + "00000000" + "000186a0"), 0);
        assertFalse(bytes.timed());
        assertEquals(100_000, bytes.amount());
    }

    @Test
    void readsTheExtensionsUpperFlagsOfIperf218ReverseAndFullDuplexHeaders() {
        // iperf -c ADDR -R -n 100000 / --full-duplex -n 100000 / -r -t 1 (captured from iperf 2.1.8): the first 34 bytes.
        String classic = "00000001" + "00001389" + "00000000" + "00000000" + "000186a0";
        byte[] reverse = HEX.parseHex("44010078" + classic + "00000000" + "00000000" + "0400");
        assertEquals(IperfHeader.EXTENDED_LENGTH, IperfHeader.lengthToRead(IperfHeader.word(reverse, 0)));
        IperfHeader r = IperfHeader.parse(reverse, 0, reverse.length);
        assertEquals(IperfHeader.UPPER_REVERSE, r.upperFlags());
        assertTrue(r.reverse());
        assertFalse(r.fullDuplex());
        assertFalse(r.answerTest(), "no test back to a port of the client");
        assertEquals(IperfMode.REVERSE, r.mode());
        assertEquals(100_000, r.amount());
        IperfHeader fd = IperfHeader.parse(HEX.parseHex("44010078" + classic + "00000000" + "00000000" + "0800"), 0, 34);
        assertTrue(fd.reverse());
        assertTrue(fd.fullDuplex());
        assertEquals(IperfMode.FULL_DUPLEX, fd.mode());
        IperfHeader tradeoff = IperfHeader.parse(HEX.parseHex("c0010078" + "00000001" + "00001389" + "00000000" + "00000000"
                + "ffffff9c" + "00000000" + "00000000" + "0000"), 0, 34);
        assertEquals(IperfMode.TRADEOFF, tradeoff.mode());
        assertFalse(tradeoff.reverse());
    }

    @Test
    void upperFlagsAreReadOnlyWhereTheHeaderSaysTheyAre() {
        String classic = "00000001" + "00001389" + "00000000" + "00000000" + "000186a0";
        // No extension flag: the bytes after the classic words are data, whatever they hold.
        byte[] noExtend = HEX.parseHex("04000000" + classic + "00000000" + "00000000" + "0400");
        assertEquals(IperfHeader.LENGTH, IperfHeader.lengthToRead(IperfHeader.word(noExtend, 0)));
        assertFalse(IperfHeader.parse(noExtend, 0, noExtend.length).reverse());
        // A stated length of 16 bytes: too short to hold the upper flags.
        byte[] shortLen = HEX.parseHex("44010020" + classic + "00000000" + "00000000" + "0400");
        assertEquals(IperfHeader.LENGTH, IperfHeader.lengthToRead(IperfHeader.word(shortLen, 0)));
        assertFalse(IperfHeader.parse(shortLen, 0, shortLen.length).reverse());
        // Extension without a length bit: iperf's 24 + 36 bytes.
        assertEquals(IperfHeader.EXTENDED_LENGTH, IperfHeader.lengthToRead(IperfHeader.FLAG_EXTEND));
        // Too few bytes given for the extension: the classic words only.
        byte[] reverse = HEX.parseHex("44010078" + classic + "00000000" + "00000000" + "0400");
        assertEquals(0, IperfHeader.parse(reverse, 0, IperfHeader.LENGTH).upperFlags());
        // The reverse bit without VERSION2 asks for nothing (iperf reads it only with HEADER_VERSION2).
        byte[] noV2 = HEX.parseHex("40010078" + classic + "00000000" + "00000000" + "0400");
        assertFalse(IperfHeader.parse(noV2, 0, noV2.length).reverse());
        // VERSION1 with VERSION2 is no dual or tradeoff test (iperf 2.1's listener).
        assertFalse(IperfHeader.parse(HEX.parseHex("c4010079" + classic), 0).answerTest());
    }

    @Test
    void writesWhatItReadsBigEndian() {
        IperfHeader h = IperfHeader.of(IperfMode.DUAL, 5002, IperfHeader.amountOf(Duration.ofSeconds(10)));
        byte[] b = new byte[IperfHeader.LENGTH];
        h.write(b, 0);
        assertArrayEquals(HEX.parseHex("80000001" + "00000001" + "0000138a" + "00000000" + "00000000" + "fffffc18"), b);
        assertEquals(h, IperfHeader.parse(b, 0));
        assertEquals(-1000, h.amount());
        assertEquals(0, IperfHeader.of(IperfMode.NORMAL, 5001, 1).flags());
        assertEquals(IperfHeader.FLAG_VERSION1, IperfHeader.of(IperfMode.TRADEOFF, 5001, 1).flags());
    }

    @Test
    void aResultPrintsItsEndsBytesAndRate() {
        IperfResult r = new IperfResult(IperfResult.Kind.SERVER_DONE, org.lwip4j.addr.Ip4Address.parse("10.0.0.1"), 5001,
                org.lwip4j.addr.Ip4Address.parse("10.0.0.2"), 40000, 1_250_000_000L, Duration.ofSeconds(10),
                org.lwip4j.stack.Err.OK);
        assertEquals(1e9, r.bitsPerSecond());
        assertEquals("iperf SERVER_DONE [10.0.0.1:5001 <- 10.0.0.2:40000] 0.0-10.0 sec 1250000000 bytes 1.00 Gbits/sec",
                r.toString());
        IperfResult refused = new IperfResult(IperfResult.Kind.ABORTED_REMOTE, org.lwip4j.addr.Ip4Address.parse("10.0.0.2"),
                40001, org.lwip4j.addr.Ip4Address.parse("10.0.0.1"), 5001, 0, Duration.ZERO, org.lwip4j.stack.Err.RST);
        assertEquals(0, refused.bitsPerSecond());
        assertEquals("iperf ABORTED_REMOTE [10.0.0.2:40001 -- 10.0.0.1:5001] 0.0-0.0 sec 0 bytes 0.00 bits/sec (RST)",
                refused.toString());
        assertEquals("943 Mbits/sec", IperfResult.rate(943e6));
    }
}
