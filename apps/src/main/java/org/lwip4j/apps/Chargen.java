package org.lwip4j.apps;

import java.nio.charset.StandardCharsets;
import org.lwip4j.Stack;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ErrException;
import org.lwip4j.tcp.TcpPcb;
import org.lwip4j.udp.UdpPcb;

/**
 * The character generator service (RFC 864) on TCP and UDP port 19 by default. Over TCP it
 * sends the RFC's pattern as fast as the peer takes it, until the peer closes: lines of 72
 * of the 95 printable ASCII characters, each line starting one character further on, ended
 * by CR LF; what the peer sends is thrown away. Over UDP each datagram is answered with one
 * datagram of 0 to 512 characters of the pattern (its length drawn from the stack's seeded
 * random source).
 */
public final class Chargen extends InetService {
    /** The chargen port (RFC 864). */
    public static final int PORT = 19;
    /** Characters per line before CR LF. */
    public static final int LINE_CHARS = 72;
    /** One line with its CR LF. */
    public static final int LINE_LEN = LINE_CHARS + 2;
    /** Lines before the pattern repeats: one per printable character. */
    public static final int LINES = 95;
    /** The largest UDP answer (RFC 864: "between 0 and 512"). */
    public static final int MAX_DATAGRAM = 512;

    /** The whole pattern, 95 lines, twice over so any window of it is contiguous. */
    private static final byte[] PATTERN = pattern();

    private Chargen(Stack stack, int port) {
        super(stack, "chargen", port);
    }

    /** Chargen on port 19; on the loop. @throws ErrException when the port is taken */
    public static Chargen start(Stack stack) {
        return start(stack, PORT);
    }

    /** Chargen on {@code port}; on the loop. @throws ErrException when the port is taken */
    public static Chargen start(Stack stack, int port) {
        Chargen c = new Chargen(stack, port);
        c.bindAll();
        return c;
    }

    /** Byte {@code i} of the endless TCP stream (and of every UDP answer). */
    public static byte patternByte(long i) {
        return PATTERN[(int) (i % (LINES * LINE_LEN))];
    }

    private static byte[] pattern() {
        StringBuilder sb = new StringBuilder();
        for (int line = 0; line < LINES; line++) {
            for (int k = 0; k < LINE_CHARS; k++) {
                sb.append((char) (' ' + (line + k) % 95));
            }
            sb.append("\r\n");
        }
        String once = sb.toString();
        return (once + once).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected Runnable accepted(TcpPcb conn) {
        long[] sent = new long[1];
        conn.onRecv((pcb, p) -> {
            if (p == null) {
                closeConnection(pcb);
                return;
            }
            int n = p.totalLength();
            p.free();
            pcb.recved(n);
        });
        conn.onSent((pcb, len) -> fill(pcb, sent));
        fill(conn, sent);
        return null;
    }

    /** Writes the pattern until the send buffer is full. */
    private static void fill(TcpPcb pcb, long[] sent) {
        int period = LINES * LINE_LEN;
        while (true) {
            int n = Math.min(pcb.sndbuf(), period);
            if (n <= 0) {
                return;
            }
            int off = (int) (sent[0] % period);
            if (pcb.write(PATTERN, off, n, TcpPcb.WRITE_COPY) != Err.OK) {
                return;
            }
            sent[0] += n;
        }
    }

    @Override
    protected void datagram(UdpPcb pcb, Pbuf p, IpAddress src, int srcPort) {
        int len = stack().context().random().nextInt(MAX_DATAGRAM + 1);
        Pbuf answer;
        try {
            answer = stack().pbuf(java.util.Arrays.copyOf(PATTERN, len));
        } catch (ErrException e) {
            return; // out of pbufs: counted by the pool; the sender may ask again
        }
        try {
            pcb.sendTo(answer, src, srcPort);
        } finally {
            answer.free();
        }
    }
}
