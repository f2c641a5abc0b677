package org.lwip4j.udp;

import java.util.Objects;
import java.util.function.Consumer;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.IcmpError;
import org.lwip4j.ip.Route;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;

/**
 * A UDP (RFC 768) or UDP-Lite (RFC 3828) endpoint with lwIP's raw API: bind, connect,
 * send, a receive callback. Made by {@code Stack.newUdpPcb()}; used on the stack's loop.
 * Call {@link #close()} to free it.
 */
public final class UdpPcb {
    final Udp udp;
    final boolean lite;
    IpAddress localAddr = Ip4Address.ANY;
    int localPort;
    IpAddress remoteAddr = Ip4Address.ANY;
    int remotePort;
    boolean connected;
    boolean bound;
    boolean closed;
    boolean broadcast;
    boolean reuseAddr;
    boolean noChecksum;
    int ttl;
    int tos;
    int liteCoverageTx;
    int liteCoverageRx;
    Netif boundNetif;
    /** The route of the last datagram sent, reused while it is fresh and goes to the same place. */
    Route route;
    UdpReceiver receiver;
    Consumer<IcmpError> errorHandler;

    UdpPcb(Udp udp, boolean lite, int ttl) {
        this.udp = udp;
        this.lite = lite;
        this.ttl = ttl;
    }

    /**
     * Binds to a local address (or {@code 0.0.0.0} for all) and port (0 picks a free
     * ephemeral port) ({@code udp_bind}). {@link Err#USE} when another pcb has the port on
     * the same or an overlapping address, unless both set {@link #setReuseAddress(boolean)}.
     */
    public Err bind(IpAddress addr, int port) {
        return udp.bind(this, Objects.requireNonNull(addr, "addr"), port);
    }

    /** Binds to all addresses on {@code port}. */
    public Err bind(int port) {
        return bind(Ip4Address.ANY, port);
    }

    /** Sends and receives only on this netif ({@code udp_bind_netif}); {@code null} for all. */
    public void bindNetif(Netif netif) {
        udp.live(this);
        this.boundNetif = netif;
        this.route = null;
    }

    /**
     * Sets the remote end ({@code udp_connect}): {@link #send(Pbuf)} goes there and only its
     * datagrams are received. Binds to an ephemeral port first if unbound.
     */
    public Err connect(IpAddress addr, int port) {
        udp.live(this);
        Objects.requireNonNull(addr, "addr");
        checkPort(port);
        if (!bound) {
            Err e = bind(localAddr.isAny() && localAddr.version() != addr.version() ? anyOf(addr) : localAddr, 0);
            if (e != Err.OK) {
                return e;
            }
        }
        if (!localAddr.isAny() && localAddr.version() != addr.version()) {
            return Err.VAL;
        }
        udp.connect(this, addr, port, true);
        return Err.OK;
    }

    private static IpAddress anyOf(IpAddress a) {
        return a.version() == 4 ? Ip4Address.ANY : org.lwip4j.addr.Ip6Address.ANY;
    }

    /** Forgets the remote end ({@code udp_disconnect}). */
    public void disconnect() {
        udp.live(this);
        udp.connect(this, anyOf(localAddr), 0, false);
    }

    /** Sets the receive callback ({@code udp_recv}). Datagrams arriving with none set are dropped and counted. */
    public void onReceive(UdpReceiver r) {
        udp.live(this);
        this.receiver = r;
    }

    /** Sets the handler of ICMP errors about this pcb's datagrams (port unreachable, ...). */
    public void onError(Consumer<IcmpError> handler) {
        udp.live(this);
        this.errorHandler = handler;
    }

    /** Sends to the connected remote end ({@code udp_send}); {@link Err#CONN} when not connected. Does not take the caller's reference. */
    public Err send(Pbuf p) {
        if (!connected) {
            return Err.CONN;
        }
        return sendTo(p, remoteAddr, remotePort);
    }

    /** Sends {@code p} to {@code dst}:{@code port} ({@code udp_sendto}). Does not take the caller's reference. */
    public Err sendTo(Pbuf p, IpAddress dst, int port) {
        return udp.send(this, p, dst, port, boundNetif);
    }

    /** Sends through a given netif ({@code udp_sendto_if}). Does not take the caller's reference. */
    public Err sendToIf(Pbuf p, IpAddress dst, int port, Netif netif) {
        return udp.send(this, p, dst, port, Objects.requireNonNull(netif, "netif"));
    }

    /** Allows sending to and receiving from broadcast addresses ({@code SOF_BROADCAST}). */
    public void setBroadcast(boolean on) {
        udp.live(this);
        this.broadcast = on;
    }

    /**
     * Lets several pcbs share a port and address ({@code SOF_REUSEADDR}, lwIP's
     * {@code SO_REUSE}): a bind succeeds only when every pcb on that port and an overlapping
     * address has set it. A broadcast or multicast datagram then goes to every unconnected
     * matching pcb that set it, each getting its own copy ({@code SO_REUSE_RXTOALL}); a
     * unicast datagram still goes to exactly one pcb, the best match. Without it, a
     * broadcast reaches exactly one pcb.
     */
    public void setReuseAddress(boolean on) {
        udp.live(this);
        this.reuseAddr = on;
    }

    /** Sends without a checksum (IPv4 only, RFC 768 allows it; {@code UDP_FLAGS_NOCHKSUM}). */
    public void setNoChecksum(boolean on) {
        udp.live(this);
        this.noChecksum = on;
    }

    /** TTL of sent datagrams. */
    public void setTtl(int ttl) {
        udp.live(this);
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("TTL must be 1..255, not " + ttl);
        }
        this.ttl = ttl;
    }

    /** TOS of sent datagrams. */
    public void setTos(int tos) {
        udp.live(this);
        this.tos = tos & 0xff;
    }

    /**
     * UDP-Lite checksum coverage of sent datagrams in bytes including the 8-byte header (0 =
     * whole datagram) and the least coverage accepted on receive (RFC 3828 §3.1, lwIP's
     * {@code chksum_len_tx/rx}).
     */
    public void setLiteCoverage(int tx, int rx) {
        udp.live(this);
        if (!lite) {
            throw new IllegalStateException("not a UDP-Lite pcb");
        }
        if (tx != 0 && tx < 8 || rx != 0 && rx < 8 || tx > 0xffff || rx > 0xffff) {
            throw new IllegalArgumentException("UDP-Lite coverage is 0 or 8..65535");
        }
        this.liteCoverageTx = tx;
        this.liteCoverageRx = rx;
    }

    /** The local address bound to. */
    public IpAddress localAddress() {
        return localAddr;
    }

    /** The local port (0 while unbound). */
    public int localPort() {
        return localPort;
    }

    /** The connected remote address, or {@code 0.0.0.0}. */
    public IpAddress remoteAddress() {
        return remoteAddr;
    }

    /** The connected remote port, or 0. */
    public int remotePort() {
        return remotePort;
    }

    /** True while connected. */
    public boolean isConnected() {
        return connected;
    }

    /** True for a UDP-Lite pcb. */
    public boolean isLite() {
        return lite;
    }

    /** Frees the pcb ({@code udp_remove}); later calls on it fail with {@link IllegalStateException}. */
    public void close() {
        udp.remove(this);
    }

    static void checkPort(int port) {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    @Override
    public String toString() {
        return (lite ? "UDP-Lite " : "UDP ") + localAddr + ":" + localPort + (connected ? " -> " + remoteAddr + ":" + remotePort : "");
    }
}
