package org.lwip4j.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.udp.UdpPcb;

/** Discard (RFC 863) and chargen (RFC 864) over TCP and UDP. */
class DiscardChargenTest {
    @Test
    void discardTakesEveryTcpByteAnswersNothingAndClosesAfterTheFin() {
        TwoStacks s = new TwoStacks(51);
        Discard d = Discard.start(s.server);
        TwoStacks.Conn c = s.connect(TwoStacks.SERVER6, Discard.PORT);
        byte[] data = new byte[300_000];
        c.send(data);
        s.await(() -> d.bytesDiscarded() == data.length, "all discarded: " + d.bytesDiscarded());
        c.pcb.shutdown(false, true);
        s.await(() -> c.fin, "FIN answered");
        assertEquals(0, c.received.size(), "discard sends nothing");
        assertEquals(0, d.openConnections());
        assertEquals(List.of(), c.errors);
        d.close();
    }

    @Test
    void discardOverUdpCountsAndAnswersNothing() {
        TwoStacks s = new TwoStacks(52);
        Discard d = Discard.start(s.server);
        UdpPcb u = s.client.newUdpPcb();
        int[] answers = {0};
        u.onReceive((pcb, p, src, port, netif) -> {
            answers[0]++;
            p.free();
        });
        Pbuf p = s.clientPbuf(new byte[100]);
        u.sendTo(p, TwoStacks.SERVER4, Discard.PORT);
        p.free();
        s.net.runFor(Duration.ofSeconds(1));
        assertEquals(100, d.bytesDiscarded());
        assertEquals(1, d.datagrams());
        assertEquals(0, answers[0]);
        u.close();
        d.close();
    }

    @Test
    void chargenSendsRfc864LinesUntilThePeerCloses() {
        TwoStacks s = new TwoStacks(53);
        Chargen g = Chargen.start(s.server);
        TwoStacks.Conn c = s.connect(TwoStacks.SERVER4, Chargen.PORT);
        s.await(() -> c.received.size() >= 3 * Chargen.LINES * Chargen.LINE_LEN, "three periods of the pattern");
        String text = c.text();
        // RFC 864's example: the first line starts with '!'... here with ' ' (the 95 printable
        // characters from 0x20), each next line one character further on.
        assertEquals(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n", text.substring(0, 74));
        assertEquals("!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n", text.substring(74, 148));
        String[] lines = text.split("\r\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            assertEquals(Chargen.LINE_CHARS, lines[i].length(), "line " + i);
            assertEquals((char) (' ' + i % 95), lines[i].charAt(0), "line " + i);
        }
        c.pcb.onRecv(null);
        c.pcb.close();
        s.await(() -> g.openConnections() == 0, "chargen closes when we do");
        g.close();
    }

    @Test
    void chargenAnswersEachDatagramWithAtMost512CharactersOfThePattern() {
        TwoStacks s = new TwoStacks(54);
        Chargen g = Chargen.start(s.server);
        UdpPcb u = s.client.newUdpPcb();
        assertEquals(Err.OK, u.bind(Ip6Address.ANY, 0));
        List<String> got = new ArrayList<>();
        u.onReceive((pcb, p, src, port, netif) -> {
            got.add(new String(p.toByteArray(), StandardCharsets.US_ASCII));
            p.free();
        });
        for (int i = 0; i < 20; i++) {
            Pbuf p = s.clientPbuf(new byte[1]);
            u.sendTo(p, TwoStacks.SERVER6, Chargen.PORT);
            p.free();
            s.net.runFor(Duration.ofMillis(50)); // one at a time: ND queues few packets while it resolves
        }
        s.await(() -> got.size() == 20, "20 answers");
        for (String a : got) {
            assertTrue(a.length() <= Chargen.MAX_DATAGRAM, "length " + a.length());
            for (int i = 0; i < a.length(); i++) {
                assertEquals(Chargen.patternByte(i), (byte) a.charAt(i));
            }
        }
        assertTrue(got.stream().mapToInt(String::length).distinct().count() > 5, "lengths vary: " + got.size());
        u.close();
        g.close();
    }
}
