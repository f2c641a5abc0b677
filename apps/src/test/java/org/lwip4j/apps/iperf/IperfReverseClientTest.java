package org.lwip4j.apps.iperf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.apps.TwoStacks;
import org.lwip4j.sim.Impairments;
import org.lwip4j.stack.Err;
import org.lwip4j.tcp.TcpPcb;
import org.lwip4j.tcp.TcpState;

/**
 * The stack's iperf client running iperf 2.1's reverse ({@code -R}) and full-duplex tests on
 * its one connection, against the stack's server on the simulated link in virtual time (the
 * interop tests run it against the kernel's {@code iperf -s}).
 */
class IperfReverseClientTest {
    private final List<IperfResult> server = new ArrayList<>();

    private static TwoStacks stacks(long seed) {
        return new TwoStacks(seed, Impairments.builder().delay(Duration.ofMillis(1)).rate(100_000_000L).build());
    }

    /**
     * Runs {@code o} from the client stack to the server stack's iperf server at {@code to}
     * until the client has its results, the server {@code serverStreams} of its own, and no
     * connection is left; returns the client's.
     */
    private List<IperfResult> againstOwnServer(long seed, org.lwip4j.addr.IpAddress to, IperfClient.Options o, int serverStreams) {
        TwoStacks s = stacks(seed);
        IperfServer srv = IperfServer.start(s.server, server::add);
        IperfClient c = IperfClient.start(s.client, to, o);
        s.await(() -> c.results().isDone() && server.size() == serverStreams && noConnections(s), "test done, closed: " + server);
        srv.close();
        return c.results().join();
    }

    /** The one result of {@code kind} in {@code results}. */
    private static IperfResult one(List<IperfResult> results, IperfResult.Kind kind) {
        return results.stream().filter(r -> r.kind() == kind).findFirst().orElseThrow(() -> new AssertionError(kind + ": " + results));
    }

    private static boolean noConnections(TwoStacks s) {
        return s.client.tcp().pcbs().isEmpty() && s.server.tcp().pcbs().stream().allMatch(p -> p.state() == TcpState.LISTEN);
    }

    @Test
    void theHeadersAreTheBytesIperf218Writes() {
        byte[] reverse = new byte[IperfHeader.V1_AND_EXTENSION];
        IperfHeader.of(IperfMode.REVERSE, IperfServer.PORT, 100_000).write(reverse, 0);
        assertArrayEquals(IperfReverseTest.REVERSE_BYTES, reverse);
        byte[] timed = new byte[IperfHeader.V1_AND_EXTENSION];
        IperfHeader.of(IperfMode.REVERSE, IperfServer.PORT, IperfHeader.amountOf(Duration.ofSeconds(1))).write(timed, 0);
        assertArrayEquals(IperfReverseTest.REVERSE_TIMED, timed);
        byte[] fullDuplex = new byte[IperfHeader.V1_AND_EXTENSION];
        IperfHeader.of(IperfMode.FULL_DUPLEX, IperfServer.PORT, 100_000).write(fullDuplex, 0);
        assertArrayEquals(IperfReverseTest.FULL_DUPLEX_BYTES, fullDuplex);
        for (IperfMode m : IperfMode.values()) {
            IperfHeader h = IperfHeader.of(m, 5001, 1000);
            byte[] b = new byte[h.length()];
            h.write(b, 0);
            assertEquals(m, IperfHeader.parse(b, 0, b.length).mode(), "read back");
            assertEquals(m == IperfMode.REVERSE || m == IperfMode.FULL_DUPLEX ? 60 : 24, b.length, m.toString());
        }
    }

    @Test
    void aReverseTestReceivesTheServersStreamOnItsOwnConnection() {
        List<IperfResult> mine = againstOwnServer(81, TwoStacks.SERVER4, IperfClient.Options.bytes(100_000).withMode(IperfMode.REVERSE), 1);
        assertEquals(1, mine.size(), "the stream received; the header alone is none: " + mine);
        IperfResult got = one(mine, IperfResult.Kind.SERVER_DONE);
        assertEquals(100_000, got.bytes(), "the header's amount");
        assertEquals(TwoStacks.SERVER4, got.remote());
        assertEquals(IperfServer.PORT, got.remotePort());
        IperfResult sent = server.getFirst();
        assertEquals(IperfResult.Kind.CLIENT_DONE, sent.kind(), "the server ran a reverse test: " + sent);
        assertEquals(100_000, sent.bytes());
        assertEquals(got.localPort(), sent.remotePort(), "on the client's connection, not one back");
    }

    @Test
    void aTimedReverseTestOverIpv6RunsForItsTime() {
        IperfResult got = one(againstOwnServer(82, TwoStacks.SERVER6,
                IperfClient.Options.timed(Duration.ofSeconds(1)).withMode(IperfMode.REVERSE), 1), IperfResult.Kind.SERVER_DONE);
        assertEquals(server.getFirst().bytes(), got.bytes(), "every byte the server sent arrived");
        assertTrue(got.bytes() > 5_000_000, "about 100 Mbit/s for a second: " + got);
        long ms = got.duration().toMillis();
        assertTrue(ms >= 1000 && ms < 1300, "the server's second: " + got);
        assertEquals(TwoStacks.SERVER6, got.remote());
    }

    @Test
    void aFullDuplexTestSendsAndReceivesOnOneConnectionTheHeaderCountedIn() {
        List<IperfResult> mine = againstOwnServer(83, TwoStacks.SERVER4,
                IperfClient.Options.bytes(100_000).withMode(IperfMode.FULL_DUPLEX), 2);
        assertEquals(2, mine.size(), mine.toString());
        IperfResult out = one(mine, IperfResult.Kind.CLIENT_DONE);
        IperfResult in = one(mine, IperfResult.Kind.SERVER_DONE);
        assertEquals(100_000, out.bytes(), "the header, then the pattern: 100000 bytes in all, as iperf");
        assertEquals(100_000, in.bytes());
        assertEquals(out.localPort(), in.localPort(), "one connection");
        assertEquals(100_000, one(server, IperfResult.Kind.SERVER_DONE).bytes(), "the server read the client's whole stream");
        assertEquals(100_000, one(server, IperfResult.Kind.CLIENT_DONE).bytes());
    }

    @Test
    void aFullDuplexClientKeepsSendingAfterTheServersStreamEnded() {
        // A server whose stream back (1,000 bytes, then its FIN) ends long before the client's
        // 1 MiB: the FIN ends only that stream; the client's runs on to its end, then its FIN.
        TwoStacks s = stacks(84);
        long[] read = new long[1];
        boolean[] clientFin = new boolean[1];
        TcpPcb listener = s.server.newTcpPcb();
        assertEquals(Err.OK, listener.bind(org.lwip4j.addr.Ip4Address.ANY, IperfServer.PORT));
        assertEquals(Err.OK, listener.listen(1));
        listener.onAccept((l, conn) -> {
            conn.onRecv((pcb, p) -> {
                if (p == null) {
                    clientFin[0] = true;
                    pcb.close();
                    return;
                }
                read[0] += p.totalLength();
                pcb.recved(p.totalLength());
                p.free();
            });
            byte[] back = new byte[1000];
            for (int i = 0; i < back.length; i++) {
                back[i] = (byte) ('0' + i % 10);
            }
            conn.write(back, 0, back.length, TcpPcb.WRITE_COPY);
            conn.shutdown(false, true);
        });
        IperfClient c = IperfClient.start(s.client, TwoStacks.SERVER4,
                IperfClient.Options.bytes(1 << 20).withMode(IperfMode.FULL_DUPLEX));
        s.await(() -> c.results().isDone() && clientFin[0], "both streams done");
        List<IperfResult> mine = c.results().join();
        IperfResult in = one(mine, IperfResult.Kind.SERVER_DONE);
        IperfResult out = one(mine, IperfResult.Kind.CLIENT_DONE);
        assertEquals(1000, in.bytes());
        assertEquals(1 << 20, out.bytes(), "the client's whole stream, after the server's had ended");
        assertEquals(1 << 20, read[0], "and the server read all of it, header included");
        assertTrue(in.duration().compareTo(out.duration()) < 0, "the stream back ended first: " + mine);
        s.await(() -> s.client.tcp().pcbs().isEmpty(), "the client's connection closed");
        listener.close();
    }

    @Test
    void aReverseTestToAClosedPortReportsTheReset() {
        TwoStacks s = stacks(85);
        IperfClient c = IperfClient.start(s.client, TwoStacks.SERVER4, IperfClient.Options.bytes(1000).withMode(IperfMode.REVERSE));
        s.await(() -> c.results().isDone(), "reset reported");
        List<IperfResult> r = c.results().join();
        assertEquals(1, r.size(), r.toString());
        assertEquals(IperfResult.Kind.ABORTED_REMOTE, r.getFirst().kind());
        assertEquals(Err.RST, r.getFirst().error());
        assertEquals(0, s.client.tcp().pcbs().size());
        c.close(); // the refused connection is gone: closing the test after it touches nothing
        assertEquals(r, c.results().join());
    }

    @Test
    void closingTheClientAbortsARunningReverseTestAndTheServerHearsTheReset() {
        TwoStacks s = stacks(86);
        IperfServer srv = IperfServer.start(s.server, server::add);
        IperfClient c = IperfClient.start(s.client, TwoStacks.SERVER4,
                IperfClient.Options.timed(Duration.ofSeconds(30)).withMode(IperfMode.REVERSE));
        s.net.runFor(Duration.ofMillis(500));
        assertTrue(server.isEmpty(), "still running");
        c.close();
        List<IperfResult> mine = c.results().join();
        assertEquals(1, mine.size(), mine.toString());
        assertEquals(IperfResult.Kind.ABORTED_LOCAL, mine.getFirst().kind());
        assertTrue(mine.getFirst().bytes() > 0, "it had received: " + mine);
        s.await(() -> server.size() == 1 && noConnections(s), "the server hears the reset");
        assertEquals(IperfResult.Kind.ABORTED_REMOTE, server.getFirst().kind());
        srv.close();
    }

    @Test
    void closingTheClientWhileItConnectsLeavesNothing() {
        TwoStacks s = new TwoStacks(87, Impairments.builder().delay(Duration.ofMillis(50)).build());
        IperfClient c = IperfClient.start(s.client, TwoStacks.SERVER4, IperfClient.Options.bytes(1000).withMode(IperfMode.REVERSE));
        c.close();
        assertTrue(c.results().isDone());
        assertTrue(c.results().join().isEmpty(), "no stream ran: " + c.results().join());
        s.net.runFor(Duration.ofSeconds(1));
        assertEquals(List.<TcpPcb>of(), s.client.tcp().pcbs());
    }
}
