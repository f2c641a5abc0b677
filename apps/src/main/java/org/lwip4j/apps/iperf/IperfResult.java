package org.lwip4j.apps.iperf;

import java.time.Duration;
import java.util.Locale;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.stack.Err;

/**
 * What one iperf stream moved (lwiperf's report): the stream's ends, the bytes carried
 * (received by a server, sent and acknowledged for a client), and how long it took (server:
 * from the accept to the client's FIN; client: from the connect to the acknowledgment of
 * its last byte).
 *
 * @param kind       which end, and how the stream ended
 * @param local      our address
 * @param localPort  our port
 * @param remote     the peer's address
 * @param remotePort the peer's port
 * @param bytes      bytes carried
 * @param duration   how long
 * @param error      for an aborted stream, why ({@link Err#RST}, {@link Err#ABRT}, ...), else {@link Err#OK}
 */
public record IperfResult(Kind kind, IpAddress local, int localPort, IpAddress remote, int remotePort, long bytes,
        Duration duration, Err error) {
    /** Which end, and how it ended (lwiperf's {@code enum lwiperf_report_type}). */
    public enum Kind {
        /** Our server received a whole stream. */
        SERVER_DONE,
        /** Our client sent a whole stream. */
        CLIENT_DONE,
        /** The stream was aborted here (a local error, or closed before its end). */
        ABORTED_LOCAL,
        /** The peer reset the stream. */
        ABORTED_REMOTE
    }

    /** The rate, bits per second (0 for a zero duration). */
    public double bitsPerSecond() {
        long ns = duration.toNanos();
        return ns <= 0 ? 0 : bytes * 8.0 * 1e9 / ns;
    }

    /** True for a stream that ran to its end. */
    public boolean done() {
        return kind == Kind.SERVER_DONE || kind == Kind.CLIENT_DONE;
    }

    /** One line: {@code iperf SERVER_DONE [10.0.0.1:5001 <- 10.0.0.2:40000] 0.0-10.0 sec 1179648000 bytes 943 Mbits/sec}. */
    @Override
    public String toString() {
        String dir = switch (kind) {
            case CLIENT_DONE -> " -> ";
            case SERVER_DONE -> " <- ";
            case ABORTED_LOCAL, ABORTED_REMOTE -> " -- "; // either direction
        };
        return String.format(Locale.ROOT, "iperf %s [%s:%d%s%s:%d] 0.0-%.1f sec %d bytes %s%s", kind, local, localPort,
                dir, remote, remotePort, duration.toNanos() / 1e9, bytes, rate(bitsPerSecond()),
                error == Err.OK ? "" : " (" + error + ")");
    }

    /** {@code 943 Mbits/sec}, in the largest unit that keeps at least 1. */
    public static String rate(double bps) {
        String[] units = {"bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec"};
        int u = 0;
        while (u < units.length - 1 && bps >= 1000) {
            bps /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.3g %s", bps, units[u]);
    }
}
