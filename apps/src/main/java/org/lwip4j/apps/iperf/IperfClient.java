package org.lwip4j.apps.iperf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.lwip4j.Stack;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.stack.Err;
import org.lwip4j.tcp.TcpPcb;

/**
 * An iperf 2 TCP client (lwIP's {@code lwiperf_start_tcp_client}): one stream to an iperf 2
 * server for a time or a number of bytes, starting with the iperf 2 client header. For a
 * dual or tradeoff test it first listens on {@link Options#listenPort()} for the stream the
 * server sends back. iperf 2.1's reverse ({@link IperfMode#REVERSE}, {@code iperf -c -R}) and
 * full-duplex ({@link IperfMode#FULL_DUPLEX}) tests run on the client's one connection: it
 * sends iperf 2.1's extended header (and, in full duplex, its stream after it, the header
 * counted in), and counts the server's stream until the server's FIN. {@link #results()}
 * completes with every stream's result once all have ended (one for a normal or reverse
 * test, two otherwise; a stream received is reported as {@link IperfResult.Kind#SERVER_DONE}).
 *
 * <pre>{@code
 * IperfClient c = stack.call(() -> IperfClient.start(stack, server, IperfClient.Options.timed(Duration.ofSeconds(5))));
 * List<IperfResult> r = c.results().get(30, TimeUnit.SECONDS);   // from another thread
 * }</pre>
 */
public final class IperfClient implements AutoCloseable {
    /**
     * What the test is.
     *
     * @param port       the server's port
     * @param mode       normal, tradeoff, dual, reverse or full duplex
     * @param duration   how long to send, or {@code null} when {@code bytes} says how much
     * @param bytes      how much to send when {@code duration} is null
     * @param listenPort where the answering stream of a dual or tradeoff test arrives
     */
    public record Options(int port, IperfMode mode, Duration duration, long bytes, int listenPort) {
        /** Checks the values. */
        public Options {
            Objects.requireNonNull(mode, "mode");
            if (port < 1 || port > 0xffff || listenPort < 1 || listenPort > 0xffff) {
                throw new IllegalArgumentException("ports must be 1..65535");
            }
            if (duration == null ? bytes < 1 || bytes > Integer.MAX_VALUE : duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("an iperf test needs a positive duration or 1..2^31-1 bytes");
            }
        }

        /** A normal test of {@code d} to port 5001. */
        public static Options timed(Duration d) {
            return new Options(IperfServer.PORT, IperfMode.NORMAL, d, 0, IperfServer.PORT);
        }

        /** A normal test of {@code n} bytes to port 5001. */
        public static Options bytes(long n) {
            return new Options(IperfServer.PORT, IperfMode.NORMAL, null, n, IperfServer.PORT);
        }

        /** The same test in {@code m} mode. */
        public Options withMode(IperfMode m) {
            return new Options(port, m, duration, bytes, listenPort);
        }

        /** The same test to server port {@code p}. */
        public Options withPort(int p) {
            return new Options(p, mode, duration, bytes, listenPort);
        }

        /** The same test, the answering stream arriving on port {@code p}. */
        public Options withListenPort(int p) {
            return new Options(port, mode, duration, bytes, p);
        }

        /** iperf's amount word: bytes, or negative hundredths of a second. */
        int amount() {
            return duration != null ? IperfHeader.amountOf(duration) : (int) bytes;
        }
    }

    private final Stack stack;
    private final Options options;
    private final Consumer<IperfResult> reports;
    private final List<IperfResult> done = new ArrayList<>();
    private final CompletableFuture<List<IperfResult>> results = new CompletableFuture<>();
    private final int expected;
    private IperfSender sender;
    private TcpPcb listener;
    private IperfReceiver answer;
    /** A reverse or full-duplex test's connection while it is being opened. */
    private TcpPcb connecting;

    private IperfClient(Stack stack, Options options, Consumer<IperfResult> reports) {
        this.stack = stack;
        this.options = options;
        this.reports = reports;
        this.expected = options.mode() == IperfMode.NORMAL || options.mode() == IperfMode.REVERSE ? 1 : 2;
    }

    /** Starts a test to {@code server}; on the loop. */
    public static IperfClient start(Stack stack, IpAddress server, Options options) {
        return start(stack, server, options, r -> { });
    }

    /**
     * Starts a test to {@code server}; on the loop; {@code reports} also gets each result as it
     * comes (on the loop). A dual or tradeoff test whose listen port is taken fails at once:
     * {@link #results()} then holds one {@link IperfResult.Kind#ABORTED_LOCAL} result with
     * {@link Err#USE}.
     */
    public static IperfClient start(Stack stack, IpAddress server, Options options, Consumer<IperfResult> reports) {
        Objects.requireNonNull(server, "server");
        stack.loop().checkInEventLoop("iperf client started");
        IperfClient c = new IperfClient(stack, Objects.requireNonNull(options, "options"), Objects.requireNonNull(reports));
        c.begin(server);
        return c;
    }

    private void begin(IpAddress server) {
        if (options.mode().onOneConnection()) {
            beginOnOneConnection(server);
            return;
        }
        if (options.mode() != IperfMode.NORMAL) {
            TcpPcb l = stack.newTcpPcb();
            Err e = l.bind(server.version() == 4 ? org.lwip4j.addr.Ip4Address.ANY : org.lwip4j.addr.Ip6Address.ANY,
                    options.listenPort());
            if (e == Err.OK) {
                e = l.listen(1);
            }
            if (e != Err.OK) {
                l.close();
                IperfResult r = new IperfResult(IperfResult.Kind.ABORTED_LOCAL, null, options.listenPort(), server,
                        options.port(), 0, Duration.ZERO, e);
                reports.accept(r);
                results.complete(List.of(r));
                return;
            }
            listener = l;
            l.onAccept((lst, conn) -> {
                if (answer != null) {
                    conn.abort(); // one answering stream per test
                    return;
                }
                answer = new IperfReceiver(conn, stack.context()::now, this::ended, (r, h) -> { });
                closeListener();
            });
        }
        sender = new IperfSender(stack, server, options.port(),
                IperfHeader.of(options.mode(), options.listenPort(), options.amount()), options.amount(), this::ended);
        sender.start();
    }

    /**
     * A reverse or full-duplex test: connect, write the extended header, count the server's
     * stream on the same connection; in full duplex send ours after the header. A failure to
     * connect is the one result.
     */
    private void beginOnOneConnection(IpAddress server) {
        TcpPcb pcb;
        try {
            pcb = stack.newTcpPcb();
        } catch (org.lwip4j.stack.ErrException e) {
            ended(new IperfResult(IperfResult.Kind.ABORTED_LOCAL, null, 0, server, options.port(), 0, Duration.ZERO, e.err()));
            return;
        }
        long t0 = stack.context().now();
        pcb.onErr(e -> {
            connecting = null; // the stack freed it
            ended(new IperfResult(e == Err.RST ? IperfResult.Kind.ABORTED_REMOTE : IperfResult.Kind.ABORTED_LOCAL, null, 0, server,
                    options.port(), 0, Duration.ofNanos(stack.context().now() - t0), e));
        });
        connecting = pcb;
        Err e = pcb.connect(server, options.port(), this::connectedOnOneConnection);
        if (e != Err.OK) {
            connecting = null;
            pcb.onErr(null);
            pcb.close();
            ended(new IperfResult(IperfResult.Kind.ABORTED_LOCAL, null, 0, server, options.port(), 0, Duration.ZERO, e));
        }
    }

    private void connectedOnOneConnection(TcpPcb c) {
        connecting = null;
        IperfHeader h = IperfHeader.of(options.mode(), options.listenPort(), options.amount());
        byte[] b = new byte[h.length()];
        h.write(b, 0);
        Err e = c.write(b, 0, b.length, TcpPcb.WRITE_COPY);
        if (e != Err.OK) { // a fresh connection's send buffer takes 60 bytes; anything else is a failure to report
            c.onErr(null);
            c.abort();
            ended(new IperfResult(IperfResult.Kind.ABORTED_LOCAL, c.localAddr(), c.localPort(), c.remoteAddr(), c.remotePort(), 0,
                    Duration.ZERO, e));
            return;
        }
        answer = IperfReceiver.onClient(c, stack.context()::now, this::ended);
        if (options.mode() == IperfMode.FULL_DUPLEX) {
            answer.sendBack(stack, options.amount(), b.length, this::ended);
        }
    }

    private void ended(IperfResult r) {
        reports.accept(r);
        done.add(r);
        if (done.size() >= expected || !r.done() && answer == null) {
            finish(); // all streams ended, or ours failed before an answering stream began
        }
    }

    private void finish() {
        closeListener();
        results.complete(List.copyOf(done));
    }

    private void closeListener() {
        if (listener != null) {
            listener.close();
            listener = null;
        }
    }

    /** Every stream's result, once all have ended (completed on the loop). */
    public CompletableFuture<List<IperfResult>> results() {
        return results;
    }

    /** The options. */
    public Options options() {
        return options;
    }

    /** Stops the test now: the streams still running are reported as aborted; on the loop; idempotent. */
    @Override
    public void close() {
        if (sender != null) {
            sender.abort();
        }
        if (connecting != null) {
            TcpPcb c = connecting;
            connecting = null;
            c.onErr(null);
            c.abort();
        }
        if (answer != null) {
            answer.abort();
        }
        closeListener();
        if (!results.isDone()) {
            results.complete(List.copyOf(done));
        }
    }
}
