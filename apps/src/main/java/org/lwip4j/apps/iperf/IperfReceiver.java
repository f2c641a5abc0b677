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
 * window again at once, and reports when the client's FIN arrives (then closes) or when the
 * stream is reset.
 *
 * <p>The connection may carry a stream back too ({@link #sendBack}: iperf 2.1's reverse and
 * full-duplex tests). It closes once both streams ended: the server's FIN goes when its stream
 * is acknowledged (iperf's {@code shutdown(SHUT_WR)}), the close when the client's FIN has come
 * as well. The client's FIN of a reverse test ends the stream back (the client reads no more);
 * only full duplex reports the received stream, a reverse test's header alone is not reported.
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
    /** The client's stream ended (FIN, reset or abort) and was reported. */
    private boolean received;

    /** The stack's clock in nanoseconds. */
    @FunctionalInterface
    interface Clock {
        long now();
    }

    IperfReceiver(TcpPcb pcb, Clock clock, Consumer<IperfResult> report, BiConsumer<IperfReceiver, IperfHeader> headerSeen) {
        this.pcb = pcb;
        this.clock = clock;
        this.start = clock.now();
        this.report = report;
        this.headerSeen = headerSeen;
        pcb.onRecv(this::recv);
        pcb.onErr(this::error);
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
        if (back == null && !received) {
            back = IperfSender.onAccepted(stack, pcb, amount, report, this::backSent);
        }
    }

    private void recv(TcpPcb c, Pbuf p) {
        if (p == null) {
            clientFinished();
            return;
        }
        int n = p.totalLength();
        boolean complete = parsed == null && readHeader(p, n);
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

    /** The client's FIN: its stream ended; the connection closes once ours did too. */
    private void clientFinished() {
        if (parsed == null && bytes >= IperfHeader.LENGTH) {
            parsed = IperfHeader.parse(header, 0); // an extension cut short: the classic words hold
        }
        finish(IperfResult.Kind.SERVER_DONE, Err.OK);
        if (back != null && !back.finished()) {
            if (!parsed.fullDuplex()) {
                back.stopWriting(); // a reverse test's client that closed reads no more
            }
            return; // backSent closes
        }
        close();
    }

    /** Our stream back is acknowledged: our FIN now ({@code shutdown(SHUT_WR)}), the close once the client's FIN came. */
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

    /** Nothing runs on the connection any more: the client's stream ended, and the stream back if there is one. */
    boolean finished() {
        return received && (back == null || back.finished());
    }

    private void finish(IperfResult.Kind kind, Err e) {
        if (received) {
            return;
        }
        received = true;
        if (parsed != null && parsed.reverse() && !parsed.fullDuplex()) {
            return; // a reverse test's header is no stream of its own: the stream back reports
        }
        report.accept(new IperfResult(kind, pcb.localAddr(), pcb.localPort(), pcb.remoteAddr(), pcb.remotePort(), bytes,
                Duration.ofNanos(clock.now() - start), e));
    }
}
