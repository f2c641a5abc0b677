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
