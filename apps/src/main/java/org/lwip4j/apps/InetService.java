package org.lwip4j.apps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ErrException;
import org.lwip4j.tcp.TcpPcb;
import org.lwip4j.udp.UdpPcb;

/**
 * A service on one port over TCP and UDP, on the any address of every IP family the stack
 * has (IPv4, and IPv6 when the configuration has it): a listener and a UDP pcb per family.
 * A subclass says what a connection and a datagram get. Made and closed on the stack's loop.
 */
public abstract class InetService implements AutoCloseable {
    private final Stack stack;
    private final int port;
    private final String name;
    private final List<TcpPcb> listeners = new ArrayList<>();
    private final List<UdpPcb> udpPcbs = new ArrayList<>();
    /** Open connections, each with what to release when it ends. */
    private final Map<TcpPcb, Runnable> connections = new LinkedHashMap<>();
    private long accepted;
    private long datagrams;
    private boolean closed;

    /** A service called {@code name} for {@code stack}, not yet bound; see {@link #bindAll()}. */
    protected InetService(Stack stack, String name, int port) {
        this.stack = Objects.requireNonNull(stack, "stack");
        this.name = Objects.requireNonNull(name, "name");
        if (port < 1 || port > 0xffff) {
            throw new IllegalArgumentException("port must be 1..65535, not " + port);
        }
        this.port = port;
    }

    /** The any address of each family the stack has, IPv4 first. */
    public static List<IpAddress> anyAddresses(Stack stack) {
        List<IpAddress> all = new ArrayList<>();
        all.add(Ip4Address.ANY);
        if (stack.config().ip6().enabled()) {
            all.add(Ip6Address.ANY);
        }
        return all;
    }

    /**
     * Binds the TCP listeners and UDP pcbs; on failure whatever was bound is released again.
     *
     * @throws ErrException with {@link Err#USE} when the port is taken in a family (or
     *         {@link Err#MEM} when no pcb is left)
     */
    protected final void bindAll() {
        stack.loop().checkInEventLoop(name + " started");
        boolean ok = false;
        try {
            for (IpAddress any : anyAddresses(stack)) {
                TcpPcb l = stack.newTcpPcb();
                listeners.add(l);
                check(l.bind(any, port), "TCP", any);
                check(l.listen(16), "TCP", any);
                l.onAccept((listener, conn) -> {
                    accepted++;
                    conn.onErr(err -> ended(conn));
                    Runnable release = accepted(conn);
                    connections.put(conn, release != null ? release : () -> { });
                });
                UdpPcb u = stack.newUdpPcb();
                udpPcbs.add(u);
                check(u.bind(any, port), "UDP", any);
                u.onReceive(this::onDatagram);
            }
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    private void check(Err e, String proto, IpAddress any) {
        if (e != Err.OK) {
            throw new ErrException(e, "cannot bind the " + name + " service to " + proto + " port " + port + " on " + any
                    + ": " + e);
        }
    }

    private void onDatagram(UdpPcb pcb, Pbuf p, IpAddress src, int srcPort, Netif netif) {
        datagrams++;
        try {
            datagram(pcb, p, src, srcPort);
        } finally {
            p.free();
        }
    }

    /**
     * A connection was accepted (ESTABLISHED): set its receive and sent callbacks (not its
     * error callback, which is the service's). Returns what to release when the connection
     * ends in any way (reset, aborted, closed), or null.
     */
    protected abstract Runnable accepted(TcpPcb conn);

    private void ended(TcpPcb conn) {
        Runnable release = connections.remove(conn);
        if (release != null) {
            release.run();
        }
    }

    /** A datagram arrived; {@code p} is freed after this returns. */
    protected abstract void datagram(UdpPcb pcb, Pbuf p, IpAddress src, int srcPort);

    /** Closes {@code conn} (a FIN after what is queued) and forgets it. */
    protected final void closeConnection(TcpPcb conn) {
        ended(conn);
        if (conn.close() != Err.OK) {
            conn.abort();
        }
    }

    /** The port. */
    public final int port() {
        return port;
    }

    /** The stack. */
    protected final Stack stack() {
        return stack;
    }

    /** Connections accepted so far. */
    public final long accepted() {
        return accepted;
    }

    /** Datagrams received so far. */
    public final long datagrams() {
        return datagrams;
    }

    /** Connections open now. */
    public final int openConnections() {
        return connections.size();
    }

    /** The local addresses the service is bound to (one per family). */
    public final List<IpAddress> boundAddresses() {
        List<IpAddress> all = new ArrayList<>();
        for (TcpPcb l : listeners) {
            all.add(l.localAddr());
        }
        return all;
    }

    /** Stops listening, aborts the open connections and releases the UDP pcbs; on the loop; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (TcpPcb c : List.copyOf(connections.keySet())) {
            ended(c);
            c.onErr(null);
            c.abort();
        }
        for (TcpPcb l : listeners) {
            l.close();
        }
        for (UdpPcb u : udpPcbs) {
            u.close();
        }
        listeners.clear();
        udpPcbs.clear();
    }

    @Override
    public String toString() {
        return name + " on port " + port + " (TCP and UDP, " + anyAddresses(stack) + ")";
    }
}
