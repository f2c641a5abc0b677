package org.lwip4j.apps.iperf;

import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.lwip4j.Stack;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.tcp.TcpPcb;

/**
 * The receiving end of one iperf stream: counts the bytes, reads the client header from the
 * first {@link IperfHeader#LENGTH} of them (with iperf 2.1's extension, up to
 * {@link IperfHeader#EXTENDED_LENGTH}; the bytes count as data, as in iperf), opens the
 * window again at once, and reports when the peer's FIN arrives (then closes) or when the
 * stream is reset.
 *
 * <p>The connection may carry a stream back too ({@link #sendBack}: iperf 2.1's reverse and
 * full-duplex tests). It closes once both streams ended: our FIN goes when our stream is
 * acknowledged (iperf's {@code shutdown(SHUT_WR)}), the close when the peer's FIN has come as
 * well. On a server ({@link #IperfReceiver}), the client's FIN of a reverse test ends the stream
 * back (the client reads no more); only full duplex reports the received stream, a reverse
 * test's header alone is not reported. On the client of such a test ({@link #onClient}) the
 * stream comes from the server's first byte, with no header, and the server's FIN ends only it.
 */
final class IperfReceiver {
    private final TcpPcb pcb;
    private final long start;
    private final Clock clock;
    private final Consumer<IperfResult> report;
    private final BiConsumer<IperfReceiver, IperfHeader> headerSeen;
    private final byte[] header = new byte[IperfHeader.EXTENDED_LENGTH];
    private int headerLength = IperfHeader.LENGTH;
    private IperfHeader parsed;
    private IperfSender back;
    private long bytes;
    /** The peer's stream ended (FIN, reset or abort) and was reported. */
    private boolean received;
    /** The server's end of a client's stream, which starts with the client's header; else the client's end of a stream back. */
    private final boolean server;

    /** The stack's clock in nanoseconds. */
    @FunctionalInterface
    interface Clock {
        long now();
    }

    /** A server's end of a client's stream: its header first, then {@code headerSeen} with it. */
    IperfReceiver(TcpPcb pcb, Clock clock, Consumer<IperfResult> report, BiConsumer<IperfReceiver, IperfHeader> headerSeen) {
        this(pcb, clock, report, headerSeen, true);
    }

    private IperfReceiver(TcpPcb pcb, Clock clock, Consumer<IperfResult> report, BiConsumer<IperfReceiver, IperfHeader> headerSeen,
            boolean server) {
        this.pcb = pcb;
        this.clock = clock;
        this.start = clock.now();
        this.report = report;
        this.headerSeen = headerSeen;
        this.server = server;
        pcb.onRecv(this::recv);
        pcb.onErr(this::error);
    }

    /**
     * A client's end of the stream a server sends back on the client's own connection (iperf
     * 2.1's reverse and full-duplex tests): no header, reported ({@link IperfResult.Kind#SERVER_DONE},
     * a stream received) when the server's FIN comes.
     */
    static IperfReceiver onClient(TcpPcb pcb, Clock clock, Consumer<IperfResult> report) {
        return new IperfReceiver(pcb, clock, report, (r, h) -> { }, false);
    }

    /** The header, once read; {@code null} before (or for a stream shorter than a header). */
    IperfHeader header() {
        return parsed;
    }

    /** The connection. */
    TcpPcb pcb() {
        return pcb;
    }

    /**
     * Sends {@code amount} (iperf's convention) back on this connection from now on, reported
     * to {@code report} ({@link IperfResult.Kind#CLIENT_DONE} once acknowledged); once, and
     * only while the client's stream runs.
     */
    void sendBack(Stack stack, int amount, Consumer<IperfResult> report) {
        sendBack(stack, amount, 0, report);
    }

    /**
     * As {@link #sendBack(Stack, int, Consumer)}, {@code alreadySent} bytes of the stream (a
     * client's header) written before: they count towards a byte amount and in the report.
     */
    void sendBack(Stack stack, int amount, int alreadySent, Consumer<IperfResult> report) {
        if (back == null && !received) {
            back = IperfSender.onAccepted(stack, pcb, amount, alreadySent, report, this::backSent);
        }
    }

    private void recv(TcpPcb c, Pbuf p) {
        if (p == null) {
            peerFinished();
            return;
        }
        int n = p.totalLength();
        boolean complete = server && parsed == null && readHeader(p, n);
        bytes += n;
        p.free();
        c.recved(n);
        if (complete) {
            headerSeen.accept(this, parsed);
        }
    }

    /**
     * Copies the header's bytes of {@code p}, which follows {@link #bytes} bytes of the stream;
     * its first word says how long the header is. True once the header is complete.
     */
    private boolean readHeader(Pbuf p, int n) {
        int at = 0;
        long have = bytes;
        while (at < n && have < headerLength) {
            int take = (int) Math.min(n - at, headerLength - have);
            p.copyTo(at, header, (int) have, take);
            at += take;
            have += take;
            if (have >= 4) {
                headerLength = IperfHeader.lengthToRead(IperfHeader.word(header, 0));
            }
        }
        if (have < headerLength) {
            return false;
        }
        parsed = IperfHeader.parse(header, 0, headerLength);
        return true;
    }

    /** The peer's FIN: its stream ended; the connection closes once ours did too. */
    private void peerFinished() {
        if (server && parsed == null && bytes >= IperfHeader.LENGTH) {
            parsed = IperfHeader.parse(header, 0); // an extension cut short: the classic words hold
        }
        finish(IperfResult.Kind.SERVER_DONE, Err.OK);
        if (back != null && !back.finished()) {
            if (server && !parsed.fullDuplex()) {
                back.stopWriting(); // a reverse test's client that closed reads no more
            }
            return; // backSent closes
        }
        close();
    }

    /** Our stream back is acknowledged: our FIN now ({@code shutdown(SHUT_WR)}), the close once the peer's FIN came. */
    private void backSent() {
        if (received) {
            close();
        } else if (pcb.shutdown(false, true) != Err.OK) {
            abort();
        }
    }

    private void close() {
        pcb.onErr(null);
        if (pcb.close() != Err.OK) {
            pcb.abort();
        }
    }

    private void error(Err e) {
        finish(e == Err.RST ? IperfResult.Kind.ABORTED_REMOTE : IperfResult.Kind.ABORTED_LOCAL, e);
        if (back != null) {
            back.error(e);
        }
    }

    /** Ends the connection here (the owner closes): what still runs on it is reported as aborted locally. */
    void abort() {
        if (finished()) {
            return;
        }
        finish(IperfResult.Kind.ABORTED_LOCAL, Err.ABRT);
        if (back != null) {
            back.error(Err.ABRT);
        }
        pcb.onErr(null);
        pcb.abort();
    }

    /** Nothing runs on the connection any more: the peer's stream ended, and the stream back if there is one. */
    boolean finished() {
        return received && (back == null || back.finished());
    }

    private void finish(IperfResult.Kind kind, Err e) {
        if (received) {
            return;
        }
        received = true;
        if (server && parsed != null && parsed.reverse() && !parsed.fullDuplex()) {
            return; // a reverse test's header is no stream of its own: the stream back reports
        }
        report.accept(new IperfResult(kind, pcb.localAddr(), pcb.localPort(), pcb.remoteAddr(), pcb.remotePort(), bytes,
                Duration.ofNanos(clock.now() - start), e));
    }
}
