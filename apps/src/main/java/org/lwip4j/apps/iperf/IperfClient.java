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
 * server sends back. {@link #results()} completes with every stream's result once all have
 * ended (one for a normal test, two otherwise).
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
     * @param mode       normal, tradeoff or dual
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

    private IperfClient(Stack stack, Options options, Consumer<IperfResult> reports) {
        this.stack = stack;
        this.options = options;
        this.reports = reports;
        this.expected = options.mode() == IperfMode.NORMAL ? 1 : 2;
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
        if (answer != null) {
            answer.abort();
        }
        closeListener();
        if (!results.isDone()) {
            results.complete(List.copyOf(done));
        }
    }
}
