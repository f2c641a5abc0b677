package org.lwip4j.apps.iperf;

import java.time.Duration;
import java.util.function.Consumer;
import org.lwip4j.Stack;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ErrException;
import org.lwip4j.tcp.TcpPcb;

/**
 * The sending end of one iperf stream: connects, writes the client header (when it has
 * one) and then iperf's payload, the digits {@code 0123456789} over and over, for a number of
 * bytes or a time, as fast as the send buffer takes it; once all of it is acknowledged it
 * reports and closes.
 *
 * <p>{@link #onAccepted} sends the same way on a connection the server accepted (iperf 2.1's
 * reverse and full-duplex tests, where the server writes on the client's connection with no
 * header of its own, from its first byte: iperf's {@code Client::Run} on the listener's
 * socket). There the connection belongs to its {@link IperfReceiver}: it gets the errors and
 * this sender hands the end of its stream back to it instead of closing.
 */
final class IperfSender {
    /** iperf's payload pattern, long enough that any write is one slice of it. */
    private static final byte[] PATTERN = new byte[65536 + 10];
    private static final Duration POLL = Duration.ofMillis(100);

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) ('0' + i % 10);
        }
    }

    private final Stack stack;
    private final IpAddress remote;
    private final int port;
    private final IperfHeader header;
    private final long amountBytes;
    private final long durationNanos;
    private final Consumer<IperfResult> report;
    /** For a sender on an accepted connection: what ends the connection once the stream is sent. */
    private Runnable sent;
    private TcpPcb pcb;
    private long start;
    private long written;
    private boolean writingDone;
    private boolean finished;

    /**
     * A stream to {@code remote}:{@code port} of {@code amount} (iperf's convention: bytes when
     * positive, hundredths of a second when negative), starting with {@code header} when not null.
     */
    IperfSender(Stack stack, IpAddress remote, int port, IperfHeader header, int amount, Consumer<IperfResult> report) {
        this.stack = stack;
        this.remote = remote;
        this.port = port;
        this.header = header;
        this.amountBytes = amount >= 0 ? amount : -1;
        this.durationNanos = amount < 0 ? -(long) amount * 10_000_000L : -1;
        this.report = report;
    }

    /**
     * A stream of {@code amount} (as in the constructor) on {@code conn}, a connection the
     * server accepted, starting now; {@code sent} runs once all of it is acknowledged (after the
     * report), for the connection's owner to end the connection. Errors reach this sender through
     * {@link #error}, called by the owner.
     */
    static IperfSender onAccepted(Stack stack, TcpPcb conn, int amount, Consumer<IperfResult> report, Runnable sent) {
        return onAccepted(stack, conn, amount, 0, report, sent);
    }

    /**
     * As {@link #onAccepted(Stack, TcpPcb, int, Consumer, Runnable)}, with {@code alreadyWritten}
     * bytes of the stream written on {@code conn} before (a client's header): they count
     * towards a byte amount and in the report, as iperf counts its header.
     */
    static IperfSender onAccepted(Stack stack, TcpPcb conn, int amount, int alreadyWritten, Consumer<IperfResult> report,
            Runnable sent) {
        IperfSender s = new IperfSender(stack, conn.remoteAddr(), conn.remotePort(), null, amount, report);
        s.pcb = conn;
        s.sent = sent;
        s.written = alreadyWritten;
        s.connected(conn);
        return s;
    }

    /** Opens the connection; a failure at once is reported as an aborted stream. */
    void start() {
        start = stack.context().now();
        try {
            pcb = stack.newTcpPcb();
        } catch (ErrException e) {
            failEarly(e.err());
            return;
        }
        pcb.onErr(this::error);
        Err e = pcb.connect(remote, port, this::connected);
        if (e != Err.OK) {
            TcpPcb p = pcb;
            pcb = null;
            p.close();
            failEarly(e);
        }
    }

    private void failEarly(Err e) {
        finished = true;
        report.accept(new IperfResult(IperfResult.Kind.ABORTED_LOCAL, null, 0, remote, port, 0, Duration.ZERO, e));
    }

    private void connected(TcpPcb c) {
        start = stack.context().now();
        c.onSent((p, len) -> pump());
        c.onPoll(p -> pump(), POLL);
        if (header != null) {
            byte[] headerBytes = new byte[header.length()];
            header.write(headerBytes, 0);
            if (c.write(headerBytes, 0, headerBytes.length, TcpPcb.WRITE_COPY | TcpPcb.WRITE_MORE) == Err.OK) {
                written += headerBytes.length;
            }
        }
        pump();
    }

    private void pump() {
        if (finished || pcb == null) {
            return;
        }
        long now = stack.context().now();
        if (!writingDone && durationNanos >= 0 && now - start >= durationNanos) {
            writingDone = true;
        }
        while (!writingDone) {
            long want = amountBytes >= 0 ? amountBytes - written : Long.MAX_VALUE;
            int n = (int) Math.min(Math.min(want, pcb.sndbuf()), 65536);
            if (want <= 0) {
                writingDone = true;
                break;
            }
            if (n <= 0) {
                break;
            }
            if (pcb.write(PATTERN, (int) (written % 10), n, TcpPcb.WRITE_COPY) != Err.OK) {
                break;
            }
            written += n;
        }
        if (writingDone && pcb.info().sendQueued() == 0) {
            finished = true;
            TcpPcb c = pcb;
            report.accept(new IperfResult(IperfResult.Kind.CLIENT_DONE, c.localAddr(), c.localPort(), remote, port, written,
                    Duration.ofNanos(now - start), Err.OK));
            c.onPoll(null, POLL);
            c.onSent(null);
            if (sent != null) {
                sent.run(); // the receiver owns the connection
                return;
            }
            c.onErr(null);
            if (c.close() != Err.OK) {
                c.abort();
            }
        }
    }

    /**
     * Writes no more: the stream is sent once what is written is acknowledged (a reverse
     * test's client closed its end, so it reads no more).
     */
    void stopWriting() {
        writingDone = true;
        pump();
    }

    /** The connection ended with {@code e}: reported as aborted, unless already reported. */
    void error(Err e) {
        if (finished) {
            return;
        }
        finished = true;
        TcpPcb c = pcb;
        report.accept(new IperfResult(e == Err.RST ? IperfResult.Kind.ABORTED_REMOTE : IperfResult.Kind.ABORTED_LOCAL,
                c.localAddr(), c.localPort(), remote, port, written, Duration.ofNanos(Math.max(0,
                        stack.context().now() - start)), e));
    }

    /** Stops the stream now (the owner closes): reported as aborted locally. */
    void abort() {
        if (sent != null) {
            error(Err.ABRT); // the receiver aborts the connection it owns
            return;
        }
        if (!finished && pcb != null) {
            error(Err.ABRT);
            pcb.onErr(null);
            pcb.abort();
        }
    }

    boolean finished() {
        return finished;
    }
}
