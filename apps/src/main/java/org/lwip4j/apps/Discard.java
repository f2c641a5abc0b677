package org.lwip4j.apps;

import org.lwip4j.Stack;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.tcp.TcpPcb;
import org.lwip4j.udp.UdpPcb;

/**
 * The discard service (RFC 863) on TCP and UDP port 9 by default: "simply throw away any
 * data received". Over TCP the window opens again at once; the peer's FIN is answered with
 * ours. {@link #bytesDiscarded()} counts what went.
 */
public final class Discard extends InetService {
    /** The discard port (RFC 863). */
    public static final int PORT = 9;

    private long bytes;

    private Discard(Stack stack, int port) {
        super(stack, "discard", port);
    }

    /** Discard on port 9; on the loop. @throws org.lwip4j.stack.ErrException when the port is taken */
    public static Discard start(Stack stack) {
        return start(stack, PORT);
    }

    /** Discard on {@code port}; on the loop. @throws org.lwip4j.stack.ErrException when the port is taken */
    public static Discard start(Stack stack, int port) {
        Discard d = new Discard(stack, port);
        d.bindAll();
        return d;
    }

    /** Bytes received and thrown away (TCP and UDP payload). */
    public long bytesDiscarded() {
        return bytes;
    }

    @Override
    protected Runnable accepted(TcpPcb conn) {
        conn.onRecv((pcb, p) -> {
            if (p == null) {
                closeConnection(pcb);
                return;
            }
            int n = p.totalLength();
            bytes += n;
            p.free();
            pcb.recved(n);
        });
        return null;
    }

    @Override
    protected void datagram(UdpPcb pcb, Pbuf p, IpAddress src, int srcPort) {
        bytes += p.totalLength();
    }
}
