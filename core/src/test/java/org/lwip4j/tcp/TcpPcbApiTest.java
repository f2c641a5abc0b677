package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.syn;
import static org.lwip4j.tcp.TcpScript.ISS;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.stack.Err;

/** The raw API's edges: ranges, results, and every call on a pcb the application closed. */
class TcpPcbApiTest {
    @Test
    void everyCallOnAClosedPcbIsAClearException() {
        try (TcpScript t = new TcpScript()) {
            TcpPcb p = t.stack.newTcpPcb();
            p.close();
            org.lwip4j.buffer.Pbuf one = t.pbuf(new byte[1]);
            List<Executable> calls = List.of(() -> p.bind(Ip4Address.ANY, 1), () -> p.bindNetif(null),
                    () -> p.listen(1), () -> p.connect(Ip4Address.parse(TcpScript.PEER), 1, c -> { }),
                    () -> p.write(new byte[1]), () -> p.write(one, 0), p::output, () -> p.recved(1),
                    p::sndbuf, () -> p.setNoDelay(true), () -> p.setReuseAddr(true), () -> p.setPriority(5),
                    () -> p.setKeepalive(true, Duration.ofSeconds(1), Duration.ofSeconds(1), 1),
                    () -> p.setUserTimeout(Duration.ofSeconds(1)), () -> p.setLinger(Duration.ZERO),
                    () -> p.shutdown(false, true), p::abort, () -> p.onAccept(null), () -> p.onRecv(null),
                    () -> p.onSent(null), () -> p.onErr(null), () -> p.onPoll(null, Duration.ofSeconds(1)),
                    () -> p.onDeliveryProblem(null), p::close);
            for (Executable call : calls) {
                assertThrows(IllegalStateException.class, call);
            }
            one.free();
            t.assertNoLeaks();
        }
    }

    @Test
    void rangesAreCheckedAtTheirEdges() {
        try (TcpScript t = new TcpScript()) {
            TcpPcb p = t.stack.newTcpPcb();
            assertThrows(IllegalArgumentException.class, () -> p.bind(Ip4Address.ANY, -1));
            assertThrows(IllegalArgumentException.class, () -> p.bind(Ip4Address.ANY, 0x10000));
            assertThrows(IllegalArgumentException.class, () -> p.setPriority(0));
            assertThrows(IllegalArgumentException.class, () -> p.setPriority(128));
            p.setPriority(1);
            p.setPriority(127);
            assertThrows(IllegalArgumentException.class, () -> p.recved(-1));
            assertThrows(IllegalArgumentException.class,
                    () -> p.setKeepalive(true, Duration.ofSeconds(1), Duration.ofSeconds(1), 0));
            p.setKeepalive(true, Duration.ofSeconds(1), Duration.ofSeconds(1), 1);
            Ip4Address peer = Ip4Address.parse(TcpScript.PEER);
            assertThrows(IllegalArgumentException.class, () -> p.connect(peer, 0, c -> { }));
            assertThrows(IllegalArgumentException.class, () -> p.connect(peer, 0x10000, c -> { }));
            assertEquals(Err.OK, p.bind(Ip4Address.ANY, 0xffff));
            assertEquals(0xffff, p.localPort());
            assertEquals(Err.OK, p.connect(peer, 0xffff, c -> { }));
            assertEquals(peer, p.remoteAddr());
            assertEquals(0xffff, p.remotePort());
            assertTrue(p.toString().contains(":65535"), p.toString());
            t.drain();
        }
    }

    @Test
    void aConnectionsResultsAndGetters() {
        try (TcpScript t = new TcpScript(b -> b.timestamps(false))) {
            t.established(1000, syn().mss(1000));
            TcpPcb c = t.conn;
            assertFalse(c.noDelay());
            c.setNoDelay(true);
            assertTrue(c.noDelay());
            org.lwip4j.buffer.Pbuf data = t.pbuf(new byte[] {1, 2, 3});
            assertEquals(Err.OK, c.write(data, 0));
            data.free();
            t.expect(Seg.psh().seq(ISS + 1).payload(new byte[] {1, 2, 3}));
            assertEquals(Err.OK, c.output());
            assertEquals(Err.OK, c.shutdown(true, false));
            assertEquals(Err.OK, c.shutdown(false, true));
            t.expect(Seg.fin().seq(ISS + 4));
            assertEquals(TcpState.FIN_WAIT_1, c.state());
            t.send(ack().seq(1001).ack(ISS + 5));
            assertEquals(TcpState.FIN_WAIT_2, c.state());
            assertEquals(Err.CONN, c.write(new byte[1]));
            TcpInfo i = c.info();
            assertTrue(i.cwnd() > 0 && i.rto() > 0 && i.srtt() >= 0);
            assertEquals(Err.CONN, t.listener.shutdown(false, true), "a listener has nothing to shut");
        }
    }

    @Test
    void listenWithoutBindTakesAnEphemeralPortAndAFreshPcbHasNoInfoToShow() {
        try (TcpScript t = new TcpScript()) {
            TcpPcb p = t.stack.newTcpPcb();
            TcpInfo fresh = p.info();
            assertEquals(0, fresh.cwnd());
            assertEquals(0, fresh.rto());
            assertEquals(0, fresh.ooseqBytes());
            assertEquals(Err.OK, p.listen(1));
            assertTrue(p.localPort() >= 0xc000);
            assertEquals(TcpState.LISTEN, p.state());
        }
    }
}
