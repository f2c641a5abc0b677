package org.lwip4j.apps.iperf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lwip4j.apps.TwoStacks;
import org.lwip4j.sim.Impairments;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ErrException;
import org.lwip4j.tcp.TcpPcb;

/** The iperf 2 server and client against each other on the simulated link, in virtual time. */
class IperfTest {
    @Test
    void aByteCountTestReportsTheSameBytesAtBothEndsAndARateFromVirtualTime() {
        TwoStacks s = new TwoStacks(61, Impairments.builder().delay(Duration.ofMillis(1)).rate(100_000_000L).build());
        List<IperfResult> server = new ArrayList<>();
        IperfServer srv = IperfServer.start(s.server, server::add);
        IperfClient c = IperfClient.start(s.client, TwoStacks.SERVER4, IperfClient.Options.bytes(4 << 20));
        s.await(() -> c.results().isDone() && server.size() == 1, "test done");
        IperfResult sent = c.results().join().getFirst();
        assertEquals(IperfResult.Kind.CLIENT_DONE, sent.kind());
        assertEquals(4 << 20, sent.bytes());
        IperfResult got = server.getFirst();
        assertEquals(IperfResult.Kind.SERVER_DONE, got.kind());
        assertEquals(4 << 20, got.bytes(), "the server counts every byte, header included");
        assertEquals(TwoStacks.CLIENT4, got.remote());
        assertEquals(sent.localPort(), got.remotePort());
        // 4 MiB over a 100 Mbit/s link: a bit under 100 Mbit/s, and not above it.
        assertTrue(sent.bitsPerSecond() > 50e6 && sent.bitsPerSecond() < 100e6, sent.toString());
        assertTrue(got.bitsPerSecond() > 50e6 && got.bitsPerSecond() < 101e6, got.toString());
        srv.close();
    }

    @Test
    void aTimedTestOverIpv6SendsForItsTime() {
        TwoStacks s = new TwoStacks(62, Impairments.builder().delay(Duration.ofMillis(1)).rate(20_000_000L).build());
        List<IperfResult> server = new ArrayList<>();
        IperfServer srv = IperfServer.start(s.server, server::add);
        IperfClient c = IperfClient.start(s.client, TwoStacks.SERVER6, IperfClient.Options.timed(Duration.ofSeconds(2)));
        s.await(() -> c.results().isDone() && server.size() == 1, "test done");
        IperfResult sent = c.results().join().getFirst();
        assertEquals(IperfResult.Kind.CLIENT_DONE, sent.kind());
        long ms = sent.duration().toMillis();
        assertTrue(ms >= 2000 && ms < 2600, "sent for 2 s, then waited for the ACKs: " + sent);
        assertEquals(sent.bytes(), server.getFirst().bytes());
        assertEquals(TwoStacks.CLIENT6, server.getFirst().remote());
        srv.close();
    }

    @ParameterizedTest
    @EnumSource(value = IperfMode.class, names = {"DUAL", "TRADEOFF"})
    void dualAndTradeoffTestsGetAStreamBackToTheClientsPort(IperfMode mode) {
        TwoStacks s = new TwoStacks(63, Impairments.builder().delay(Duration.ofMillis(1)).rate(100_000_000L).build());
        List<IperfResult> server = new ArrayList<>();
        List<Long> serverEvents = new ArrayList<>();
        IperfServer srv = IperfServer.start(s.server, r -> {
            server.add(r);
            serverEvents.add(s.server.context().now());
        });
        IperfClient c = IperfClient.start(s.client, TwoStacks.SERVER4, IperfClient.Options.bytes(1 << 20).withMode(mode)
                .withListenPort(5002));
        s.await(() -> c.results().isDone() && server.size() == 2, "both streams done: " + server);
        List<IperfResult> mine = c.results().join();
        assertEquals(2, mine.size(), mine.toString());
        IperfResult out = mine.stream().filter(r -> r.kind() == IperfResult.Kind.CLIENT_DONE).findFirst().orElseThrow();
        IperfResult back = mine.stream().filter(r -> r.kind() == IperfResult.Kind.SERVER_DONE).findFirst().orElseThrow();
        assertEquals(1 << 20, out.bytes());
        assertEquals(1 << 20, back.bytes(), "the answering stream has the amount of the header");
        assertEquals(5002, back.localPort());
        IperfResult srvIn = server.stream().filter(r -> r.kind() == IperfResult.Kind.SERVER_DONE).findFirst().orElseThrow();
        IperfResult srvOut = server.stream().filter(r -> r.kind() == IperfResult.Kind.CLIENT_DONE).findFirst().orElseThrow();
        assertEquals(1 << 20, srvIn.bytes());
        assertEquals(1 << 20, srvOut.bytes());
        if (mode == IperfMode.TRADEOFF) {
            assertEquals(srvIn, server.getFirst(), "tradeoff: the answer starts after the client's stream ended");
        } else {
            // dual: both at once, so the answering stream began before the client's ended.
            assertTrue(back.duration().toNanos() > 0 && out.duration().toNanos() > 0);
        }
        srv.close();
    }

    @Test
    void aClientToAClosedPortReportsTheReset() {
        TwoStacks s = new TwoStacks(64);
        IperfClient c = IperfClient.start(s.client, TwoStacks.SERVER4, IperfClient.Options.bytes(1000));
        s.await(() -> c.results().isDone(), "reset reported");
        IperfResult r = c.results().join().getFirst();
        assertEquals(IperfResult.Kind.ABORTED_REMOTE, r.kind());
        assertEquals(Err.RST, r.error());
        assertEquals(0, s.client.tcp().pcbs().size());
    }

    @Test
    void aTakenPortIsAnErrExceptionAndCloseAbortsRunningStreams() {
        TwoStacks s = new TwoStacks(65, Impairments.builder().delay(Duration.ofMillis(1)).rate(10_000_000L).build());
        TcpPcb squatter = s.server.newTcpPcb();
        squatter.bind(org.lwip4j.addr.Ip6Address.ANY, IperfServer.PORT);
        ErrException e = assertThrows(ErrException.class, () -> IperfServer.start(s.server, r -> { }));
        assertEquals(Err.USE, e.err());
        squatter.close();
        assertEquals(0, s.server.tcp().pcbs().size(), "nothing left bound");

        List<IperfResult> server = new ArrayList<>();
        IperfServer srv = IperfServer.start(s.server, server::add);
        IperfClient c = IperfClient.start(s.client, TwoStacks.SERVER4, IperfClient.Options.timed(Duration.ofSeconds(30)));
        s.net.runFor(Duration.ofSeconds(1));
        srv.close();
        assertEquals(1, server.size());
        assertEquals(IperfResult.Kind.ABORTED_LOCAL, server.getFirst().kind());
        assertTrue(server.getFirst().bytes() > 0);
        s.await(() -> c.results().isDone(), "the client hears the reset");
        assertEquals(IperfResult.Kind.ABORTED_REMOTE, c.results().join().getFirst().kind());
    }
}
