package org.lwip4j.apps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
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

    /**
     * The any address of each family the stack has: {@code ::} first when the stack has IPv6,
     * then {@code 0.0.0.0}.
     */
    public static List<IpAddress> anyAddresses(Stack stack) {
        List<IpAddress> all = new ArrayList<>();
        if (stack.config().ip6().enabled()) {
            all.add(Ip6Address.ANY);
        }
        all.add(Ip4Address.ANY);
        return all;
    }

    /**
     * One pcb bound to {@code port} on each family's any address ({@link #anyAddresses}).
     * Where {@code ::} is dual-stack (it takes IPv4 as well: lwIP's {@code IPADDR_TYPE_ANY},
     * Linux's {@code ::} without {@code IPV6_V6ONLY}), {@code 0.0.0.0} is then in use by our
     * own {@code ::} pcb and is left out; to tell that from another pcb holding
     * {@code 0.0.0.0}, the IPv4 wildcard is tried (and released) first.
     *
     * @throws ErrException when the port is taken (nothing stays bound)
     */
    private static <P> List<P> bindEach(Stack stack, int port, String what, String proto, Supplier<P> make,
            BiFunction<P, IpAddress, Err> bind, Consumer<P> close) {
        List<IpAddress> anys = anyAddresses(stack);
        List<P> bound = new ArrayList<>();
        boolean ok = false;
        try {
            if (anys.size() > 1) {
                P probe = make.get();
                Err e = bind.apply(probe, Ip4Address.ANY);
                close.accept(probe);
                if (e != Err.OK) {
                    throw bindFailed(what, proto, port, Ip4Address.ANY, e);
                }
            }
            boolean ip6AnyBound = false;
            for (IpAddress any : anys) {
                P p = make.get();
                Err e = bind.apply(p, any);
                if (e != Err.OK) {
                    close.accept(p);
                    if (e == Err.USE && any.version() == 4 && ip6AnyBound) {
                        continue; // our dual-stack :: has IPv4 too
                    }
                    throw bindFailed(what, proto, port, any, e);
                }
                bound.add(p);
                ip6AnyBound |= any.version() == 6;
            }
            ok = true;
            return bound;
        } finally {
            if (!ok) {
                bound.forEach(close);
            }
        }
    }

    /**
     * TCP listeners on {@code port} of every family's any address ({@link #anyAddresses}),
     * with {@code backlog} and {@code accept}; on the loop.
     *
     * @throws ErrException with {@link Err#USE} when the port is taken (nothing stays bound)
     */
    public static List<TcpPcb> listenAll(Stack stack, int port, int backlog, String what, TcpPcb.AcceptCallback accept) {
        List<TcpPcb> listeners = bindEach(stack, port, what, "TCP", stack::newTcpPcb, (p, a) -> p.bind(a, port), TcpPcb::close);
        boolean ok = false;
        try {
            for (TcpPcb l : listeners) {
                Err e = l.listen(backlog);
                if (e != Err.OK) {
                    throw bindFailed(what, "TCP", port, l.localAddr(), e);
                }
                l.onAccept(accept);
            }
            ok = true;
            return listeners;
        } finally {
            if (!ok) {
                listeners.forEach(TcpPcb::close);
            }
        }
    }

    private static ErrException bindFailed(String what, String proto, int port, IpAddress any, Err e) {
        return new ErrException(e, "cannot bind the " + what + " to " + proto + " port " + port + " on " + any + ": " + e);
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
            listeners.addAll(listenAll(stack, port, 16, name + " service", (listener, conn) -> {
                accepted++;
                conn.onErr(err -> ended(conn));
                Runnable release = accepted(conn);
                connections.put(conn, release != null ? release : () -> { });
            }));
            for (UdpPcb u : bindEach(stack, port, name + " service", "UDP", stack::newUdpPcb, (p, a) -> p.bind(a, port), UdpPcb::close)) {
                udpPcbs.add(u);
                u.onReceive(this::onDatagram);
            }
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
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

    /** The local addresses the service's TCP listeners are bound to ({@code ::} and {@code 0.0.0.0}, or {@code ::} alone when it is dual-stack). */
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
