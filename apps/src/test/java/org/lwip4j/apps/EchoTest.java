package org.lwip4j.apps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.sim.Impairments;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ErrException;
import org.lwip4j.tcp.TcpState;
import org.lwip4j.udp.UdpPcb;

/** The echo service (RFC 862): TCP and UDP, both families, through loss; flow control; port taken. */
class EchoTest {
    private static IpAddress server(int family) {
        return family == 4 ? TwoStacks.SERVER4 : TwoStacks.SERVER6;
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void tcpEchoReturnsEveryByteThroughLossThenClosesAfterThePeersFin(int family) {
        TwoStacks s = new TwoStacks(7 + family, Impairments.builder().delay(Duration.ofMillis(2)).loss(0.02)
                .rate(1_000_000_000L).build());
        Echo echo = Echo.start(s.server);
        assertEquals(org.lwip4j.addr.Ip6Address.ANY, echo.boundAddresses().getFirst(), "bound to :: (and 0.0.0.0 unless :: is dual-stack)");
        TwoStacks.Conn c = s.connect(server(family), Echo.PORT);
        byte[] data = new byte[1 << 20];
        new SplittableRandom(family).nextBytes(data);
        c.send(data);
        s.await(() -> c.received.size() == data.length || !c.errors.isEmpty(), "all echoed: " + c.received.size());
        assertArrayEquals(data, c.received.toByteArray());
        assertEquals(1, echo.openConnections());
        assertEquals(Err.OK, c.pcb.shutdown(false, true));
        s.await(() -> c.fin, "the echo service answers our FIN with its own");
        assertEquals(0, echo.openConnections());
        assertEquals(List.of(), c.errors);
        assertEquals(1, echo.accepted());
        echo.close();
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void udpEchoSendsEachDatagramBackToItsSender(int family) {
        TwoStacks s = new TwoStacks(20 + family);
        Echo echo = Echo.start(s.server);
        UdpPcb u = s.client.newUdpPcb();
        assertEquals(Err.OK, u.bind(family == 4 ? org.lwip4j.addr.Ip4Address.ANY : org.lwip4j.addr.Ip6Address.ANY, 0));
        List<String> got = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        u.onReceive((pcb, p, src, port, netif) -> {
            got.add(new String(p.toByteArray(), java.nio.charset.StandardCharsets.US_ASCII) + " from " + src);
            ports.add(port);
            p.free();
        });
        Pbuf p = s.clientPbuf("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(Err.OK, u.sendTo(p, server(family), Echo.PORT));
        p.free();
        s.await(() -> !got.isEmpty(), "echoed");
        assertEquals(List.of("hello from " + server(family)), got);
        assertEquals(List.of(Echo.PORT), ports);
        assertEquals(1, echo.datagrams());
        u.close();
        echo.close();
    }

    @Test
    void aPeerThatDoesNotReadIsHeldBackByTheWindowNotByMemory() {
        TwoStacks s = new TwoStacks(31);
        Echo echo = Echo.start(s.server);
        TwoStacks.Conn c = s.connect(TwoStacks.SERVER4, Echo.PORT);
        // The client never reads: it takes data but does not open its window.
        c.pcb.onRecv((p, data) -> {
            if (data != null) {
                c.received.writeBytes(data.toByteArray());
                data.free();
            }
        });
        byte[] chunk = new byte[8192];
        long[] sent = {0};
        Runnable pump = () -> {
            while (c.pcb.sndbuf() > 0 && sent[0] < (64L << 20)) {
                int n = Math.min(c.pcb.sndbuf(), chunk.length);
                if (c.pcb.write(chunk, 0, n, 1) != Err.OK) {
                    return;
                }
                sent[0] += n;
            }
        };
        c.pcb.onSent((p, n) -> pump.run());
        pump.run();
        s.net.runFor(Duration.ofSeconds(20));
        long stalledAt = sent[0];
        s.net.runFor(Duration.ofSeconds(20));
        assertEquals(stalledAt, sent[0], "the sender is stopped by the windows");
        assertTrue(stalledAt < (64L << 20), "and well before the end: " + stalledAt);
        int window = s.client.config().tcp().wnd();
        assertTrue(c.received.size() <= window, "echoed no more than the client's window: " + c.received.size());
        c.pcb.abort();
        s.net.runFor(Duration.ofSeconds(1));
        assertEquals(0, echo.openConnections(), "the reset connection is forgotten");
        echo.close();
    }

    @Test
    void aTakenPortIsAnErrExceptionAndNothingStaysBound() {
        TwoStacks s = new TwoStacks(41);
        UdpPcb squatter = s.server.newUdpPcb();
        assertEquals(Err.OK, squatter.bind(Echo.PORT));
        ErrException e = assertThrows(ErrException.class, () -> Echo.start(s.server));
        assertEquals(Err.USE, e.err());
        assertTrue(e.getMessage().contains("UDP port 7"), e.getMessage());
        squatter.close();
        Echo echo = Echo.start(s.server); // the TCP listener of the failed start was released
        assertEquals(TcpState.LISTEN, s.server.tcp().pcbs().getFirst().state());
        echo.close();
        assertEquals(List.of(), s.server.tcp().pcbs());
    }
}
