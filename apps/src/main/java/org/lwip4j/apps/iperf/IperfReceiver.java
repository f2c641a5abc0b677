package org.lwip4j.apps.iperf;

import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.tcp.TcpPcb;

/**
 * The receiving end of one iperf stream: counts the bytes, reads the client header from the
 * first {@link IperfHeader#LENGTH} of them (the bytes count as data, as in iperf), opens the
 * window again at once, and reports when the client's FIN arrives (then closes) or when the
 * stream is reset.
 */
final class IperfReceiver {
    private final TcpPcb pcb;
    private final long start;
    private final Clock clock;
    private final Consumer<IperfResult> report;
    private final BiConsumer<IperfReceiver, IperfHeader> headerSeen;
    private final byte[] header = new byte[IperfHeader.LENGTH];
    private IperfHeader parsed;
    private long bytes;
    private boolean finished;

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

    private void recv(TcpPcb c, Pbuf p) {
        if (p == null) {
            finish(IperfResult.Kind.SERVER_DONE, Err.OK);
            c.close();
            return;
        }
        int n = p.totalLength();
        if (bytes < IperfHeader.LENGTH) {
            int take = (int) Math.min(n, IperfHeader.LENGTH - bytes);
            p.copyTo(0, header, (int) bytes, take);
            if (bytes + take == IperfHeader.LENGTH) {
                parsed = IperfHeader.parse(header, 0);
            }
        }
        bytes += n;
        p.free();
        c.recved(n);
        if (parsed != null && bytes - n < IperfHeader.LENGTH) {
            headerSeen.accept(this, parsed);
        }
    }

    private void error(Err e) {
        finish(e == Err.RST ? IperfResult.Kind.ABORTED_REMOTE : IperfResult.Kind.ABORTED_LOCAL, e);
    }

    /** Ends the stream here (the owner closes): reported as aborted locally. */
    void abort() {
        if (!finished) {
            finish(IperfResult.Kind.ABORTED_LOCAL, Err.ABRT);
            pcb.onErr(null);
            pcb.abort();
        }
    }

    boolean finished() {
        return finished;
    }

    private void finish(IperfResult.Kind kind, Err e) {
        if (finished) {
            return;
        }
        finished = true;
        report.accept(new IperfResult(kind, pcb.localAddr(), pcb.localPort(), pcb.remoteAddr(), pcb.remotePort(), bytes,
                Duration.ofNanos(clock.now() - start), e));
    }
}
