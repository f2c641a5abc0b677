package org.lwip4j.apps.iperf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.lwip4j.Stack;
import org.lwip4j.apps.InetService;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ErrException;
import org.lwip4j.tcp.TcpPcb;

/**
 * An iperf 2 TCP server (lwIP's {@code lwiperf_start_tcp_server}) on port 5001 by default,
 * on the any address of every family the stack has. Each client stream is received and
 * counted and reported when it ends ({@link IperfResult.Kind#SERVER_DONE}). A client that
 * asks for a test back in its header gets one, to the port it names: at once for a dual
 * test, after its own stream for a tradeoff test, as long as the client asked
 * ({@link IperfResult.Kind#CLIENT_DONE}).
 *
 * <p>iperf 2.1's reverse test ({@code iperf -c ADDR -R}) and full-duplex test
 * ({@code --full-duplex}) are answered on the client's own connection, as iperf 2.1's server
 * answers them (see {@link IperfHeader} for the header's bits): the server sends iperf's
 * pattern for the header's time or number of bytes, reported as
 * {@link IperfResult.Kind#CLIENT_DONE} once acknowledged, then sends its FIN and closes when
 * the client's FIN has come. A reverse test reports that stream alone; a full-duplex test
 * reports the client's stream too ({@link IperfResult.Kind#SERVER_DONE}). The client's close
 * ends a reverse stream early (the client reads no more).
 *
 * <pre>{@code
 * IperfServer server = stack.call(() -> IperfServer.start(stack, r -> System.out.println(r)));
 * // from the host: iperf -c <stack address> -t 5, also -d, -r, -R and --full-duplex
 * }</pre>
 */
public final class IperfServer implements AutoCloseable {
    /** iperf's port. */
    public static final int PORT = 5001;

    private final Stack stack;
    private final int port;
    private final Consumer<IperfResult> reports;
    private final List<TcpPcb> listeners = new ArrayList<>();
    private final List<IperfReceiver> receivers = new ArrayList<>();
    private final List<IperfSender> senders = new ArrayList<>();
    private boolean closed;

    private IperfServer(Stack stack, int port, Consumer<IperfResult> reports) {
        this.stack = stack;
        this.port = port;
        this.reports = reports;
    }

    /** A server on port 5001; on the loop. @throws ErrException when the port is taken */
    public static IperfServer start(Stack stack, Consumer<IperfResult> reports) {
        return start(stack, PORT, reports);
    }

    /**
     * A server on {@code port}; on the loop; {@code reports} gets every finished stream (on
     * the loop).
     *
     * @throws ErrException with {@link Err#USE} when the port is taken
     */
    public static IperfServer start(Stack stack, int port, Consumer<IperfResult> reports) {
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(reports, "reports");
        stack.loop().checkInEventLoop("iperf server started");
        IperfServer s = new IperfServer(stack, port, reports);
        s.listeners.addAll(InetService.listenAll(stack, port, 16, "iperf server", (listener, conn) -> s.accepted(conn)));
        return s;
    }

    private void accepted(TcpPcb conn) {
        receivers.removeIf(IperfReceiver::finished);
        receivers.add(new IperfReceiver(conn, stack.context()::now, r -> streamEnded(r, conn), this::headerSeen));
    }

    private void headerSeen(IperfReceiver r, IperfHeader h) {
        if (h.reverse()) {
            if (!closed) {
                r.sendBack(stack, h.amount(), reports);
            }
        } else if (h.answerNow()) {
            answer(r, h);
        }
    }

    private void streamEnded(IperfResult result, TcpPcb conn) {
        reports.accept(result);
        for (IperfReceiver r : receivers) {
            if (r.pcb() == conn && result.done() && r.header() != null && r.header().mode() == IperfMode.TRADEOFF) {
                answer(r, r.header());
            }
        }
    }

    /** The test back to the client (lwiperf: the server's own client), with a header that asks for nothing. */
    private void answer(IperfReceiver r, IperfHeader h) {
        if (closed || h.port() < 1 || h.port() > 0xffff) {
            return;
        }
        senders.removeIf(IperfSender::finished);
        IperfSender s = new IperfSender(stack, r.pcb().remoteAddr(), h.port(), IperfHeader.of(IperfMode.NORMAL, h.port(),
                h.amount()), h.amount(), reports);
        senders.add(s);
        s.start();
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** Stops listening and aborts the streams still running (each reported as aborted); on the loop; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (IperfReceiver r : List.copyOf(receivers)) {
            r.abort();
        }
        for (IperfSender s : List.copyOf(senders)) {
            s.abort();
        }
        for (TcpPcb l : listeners) {
            l.close();
        }
        listeners.clear();
    }
}
