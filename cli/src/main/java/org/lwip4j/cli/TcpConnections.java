package org.lwip4j.cli;

import java.util.List;
import java.util.Locale;
import org.lwip4j.Stack;
import org.lwip4j.tcp.TcpInfo;
import org.lwip4j.tcp.TcpPcb;
import org.lwip4j.tcp.TcpState;

/**
 * What {@code --stats} shows of each TCP connection: its ends and state, then the fields of
 * its {@link TcpPcb#info()} (Linux's {@code TCP_INFO}) as {@code ss -ti} shows them. Listeners
 * are one short line each. Read on the loop.
 */
final class TcpConnections {
    private TcpConnections() {
    }

    /** One line per pcb, listeners too (indented, each ending in a newline); empty without TCP or pcbs. */
    static String lines(Stack stack) {
        return lines(stack, true);
    }

    /** One line per connection, and per listener when {@code listeners}; empty without TCP or pcbs. */
    static String lines(Stack stack, boolean listeners) {
        List<TcpPcb> pcbs;
        try {
            pcbs = stack.tcp().pcbs();
        } catch (IllegalStateException noTcp) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (TcpPcb p : pcbs) {
            if (!listeners && (p.state() == TcpState.LISTEN || p.remoteAddr() == null)) {
                continue;
            }
            sb.append("  ").append(line(p)).append('\n');
        }
        return sb.toString();
    }

    /** The table at exit: a heading, the lines, the challenge ACKs sent (RFC 5961). */
    static String table(Stack stack) {
        String lines = lines(stack);
        if (lines.isEmpty()) {
            return "";
        }
        return "TCP connections (TCP_INFO; times in ms, windows and cwnd in bytes):\n" + lines
                + "TCP challenge ACKs sent: " + stack.tcp().challengeAcks() + "\n";
    }

    /** {@code tcp 10.0.0.2:7 <- 10.0.0.1:40000 ESTABLISHED cwnd 14600 ...}. */
    static String line(TcpPcb p) {
        String local = endpoint(p.localAddr(), p.localPort());
        if (p.state() == TcpState.LISTEN || p.remoteAddr() == null) {
            return "tcp " + local + " " + p.state();
        }
        TcpInfo i = p.info();
        return String.format(Locale.ROOT, "tcp %s <-> %s %s cwnd %d ssthresh %d srtt %.3f rttvar %.3f rto %.0f retrans %d "
                + "dupacks %d mss %d wscale %d,%d%s%s snd_wnd %d rcv_wnd %d unacked %d sendq %d ooseq %d",
                local, endpoint(p.remoteAddr(), p.remotePort()), i.state(), i.cwnd(), i.ssthresh(), i.srtt() / 1e6,
                i.rttvar() / 1e6, i.rto() / 1e6, i.retransmits(), i.dupAcks(), i.mss(), i.sndScale(), i.rcvScale(),
                i.timestamps() ? " ts" : "", i.sack() ? " sack" : "", i.sndWnd(), i.rcvWnd(), i.sndNxt() - i.sndUna(),
                i.sendQueued(), i.ooseqBytes());
    }

    private static String endpoint(org.lwip4j.addr.IpAddress a, int port) {
        return a == null ? "*:" + port : a.version() == 6 ? "[" + a + "]:" + port : a + ":" + port;
    }
}
