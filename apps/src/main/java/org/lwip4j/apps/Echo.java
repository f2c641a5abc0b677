package org.lwip4j.apps;

import org.lwip4j.Stack;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.tcp.TcpPcb;
import org.lwip4j.udp.UdpPcb;

/**
 * The echo service (RFC 862) on TCP and UDP port 7 by default: "any data received is sent
 * back". Over TCP the bytes are echoed as the send buffer has room, and only what was echoed
 * is acknowledged to the window ({@link TcpPcb#recved}), so a peer that sends faster than it
 * reads is slowed by TCP's flow control, not by memory here; the peer's FIN is answered with
 * ours once everything is echoed. Over UDP each datagram goes back to its sender.
 *
 * <pre>{@code
 * Echo echo = stack.call(() -> Echo.start(stack));   // TCP and UDP port 7, every family
 * }</pre>
 */
public final class Echo extends InetService {
    /** The echo port (RFC 862). */
    public static final int PORT = 7;

    private final byte[] scratch = new byte[16384];

    private Echo(Stack stack, int port) {
        super(stack, "echo", port);
    }

    /** Echo on port 7; on the loop. @throws org.lwip4j.stack.ErrException when the port is taken */
    public static Echo start(Stack stack) {
        return start(stack, PORT);
    }

    /** Echo on {@code port}; on the loop. @throws org.lwip4j.stack.ErrException when the port is taken */
    public static Echo start(Stack stack, int port) {
        Echo e = new Echo(stack, port);
        e.bindAll();
        return e;
    }

    @Override
    protected Runnable accepted(TcpPcb conn) {
        Connection c = new Connection();
        conn.onRecv(c::recv);
        conn.onSent((pcb, len) -> c.flush(pcb));
        return c::release;
    }

    @Override
    protected void datagram(UdpPcb pcb, Pbuf p, IpAddress src, int srcPort) {
        pcb.sendTo(p, src, srcPort);
    }

    /** One TCP connection: what was received and not yet echoed. */
    private final class Connection {
        /** Received bytes not yet written back (a chain), or null. */
        private Pbuf pending;
        private int pendingOff;
        private boolean finReceived;

        void recv(TcpPcb pcb, Pbuf p) {
            if (p == null) {
                finReceived = true;
            } else if (pending == null) {
                pending = p;
                pendingOff = 0;
            } else {
                pending.concat(p);
            }
            flush(pcb);
        }

        /** Frees what was not echoed (the connection ended). */
        void release() {
            if (pending != null) {
                pending.free();
                pending = null;
            }
        }

        /** Writes back what the send buffer takes; closes once the peer's FIN came and all is echoed. */
        void flush(TcpPcb pcb) {
            while (pending != null) {
                int left = pending.totalLength() - pendingOff;
                int n = Math.min(Math.min(left, pcb.sndbuf()), scratch.length);
                if (n <= 0) {
                    break;
                }
                pending.copyTo(pendingOff, scratch, 0, n);
                if (pcb.write(scratch, 0, n, TcpPcb.WRITE_COPY) != Err.OK) {
                    break;
                }
                pendingOff += n;
                pcb.recved(n);
                if (pendingOff == pending.totalLength()) {
                    pending.free();
                    pending = null;
                }
            }
            if (pending == null && finReceived) {
                finReceived = false;
                closeConnection(pcb);
            }
        }
    }
}
