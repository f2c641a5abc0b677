package org.lwip4j.apps;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
    /**
     * {@link #PATTERN} off-heap and read-only, made once and shared by every connection of every
     * stack: TCP writes reference it in place (zero-copy), and a driver that takes native memory
     * hands it to the device as it is.
     */
    private static final MemorySegment PATTERN_OFF_HEAP = Arena.global().allocateFrom(ValueLayout.JAVA_BYTE, PATTERN)
            .asReadOnly();

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
        Stream stream = new Stream(stack());
        conn.onRecv((pcb, p) -> {
            if (p == null) {
                closeConnection(pcb);
                return;
            }
            int n = p.totalLength();
            p.free();
            pcb.recved(n);
        });
        conn.onSent((pcb, len) -> stream.fill(pcb));
        stream.fill(conn);
        return stream::end;
    }

    /** One connection's place in the endless pattern, written by reference from its own reference to the pattern. */
    private static final class Stream {
        private final Stack stack;
        private Pbuf payload = Pbuf.wrap(PATTERN_OFF_HEAP);
        private long sent;

        Stream(Stack stack) {
            this.stack = stack;
        }

        /**
         * Writes the pattern until the send buffer, or its bound of referenced pbufs, is full;
         * each write is a view of the pattern from the stack's pool, which the connection keeps
         * until the bytes are acknowledged: nothing is copied or allocated per write. Nothing
         * once the connection has ended (a close still sends what is queued, and calls back).
         */
        void fill(TcpPcb pcb) {
            int period = LINES * LINE_LEN;
            while (payload != null) {
                int n = Math.min(pcb.sndbuf(), period);
                if (n <= 0) {
                    return;
                }
                Pbuf slice = stack.context().pbufs().view(payload, (int) (sent % period), n);
                Err e = pcb.write(slice, 0);
                slice.free();
                if (e != Err.OK) {
                    return;
                }
                sent += n;
            }
        }

        /** The connection ended: this reference to the pattern goes (the bytes still queued hold their own). */
        void end() {
            if (payload != null) {
                payload.free();
                payload = null;
            }
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
