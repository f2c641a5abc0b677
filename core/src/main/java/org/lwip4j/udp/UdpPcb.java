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
    /** IPV6_V6ONLY: bound to {@code ::}, this pcb takes IPv6 only. */
    boolean v6Only;
    boolean noChecksum;
    int ttl;
    /** True once {@link #setTtl} chose the TTL: until then IPv6 uses the link's hop limit (RFC 4861 §6.3.4). */
    boolean ttlSet;
    int tos;
    int liteCoverageTx;
    int liteCoverageRx;
    Netif boundNetif;
    /** TTL (hop limit) of multicast datagrams: 1 by default (RFC 1112 §6.1, RFC 3493 §5.2). */
    int mcastTtl = 1;
    /** IP_MULTICAST_IF: the netif multicast datagrams leave by, or {@code null} to route. */
    Netif mcastNetif;
    /** IP_MULTICAST_LOOP: our own members get a copy (on by default, RFC 1112 §6.1). */
    boolean mcastLoop = true;
    /** Groups this pcb joined, left again on close. */
    java.util.List<Membership> memberships;
    /** The route of the last datagram sent, reused while it is fresh and goes to the same place. */
    Route route;
    UdpReceiver receiver;
    Consumer<IcmpError> errorHandler;

    UdpPcb(Udp udp, boolean lite, int ttl) {
        this.udp = udp;
        this.lite = lite;
        this.ttl = ttl;
    }

    /** A group joined by a pcb, on the netif it was joined on. */
    record Membership(IpAddress group, Netif netif) {
    }

    /**
     * Binds to a local address (or {@code 0.0.0.0} for all of IPv4, {@code ::} -
     * {@link IpAddress#ANY_TYPE} - for all of both families) and port (0 picks a free
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
     * datagrams are received. Binds to an ephemeral port first if unbound, on the wildcard of
     * {@code addr}'s family; {@link Err#VAL} for a remote end of a family the pcb does not take
     * (see {@link #sendTo}).
     */
    public Err connect(IpAddress addr, int port) {
        udp.live(this);
        Objects.requireNonNull(addr, "addr");
        checkPort(port);
        Err e = udp.bindFor(this, addr);
        if (e != Err.OK) {
            return e;
        }
        udp.connect(this, addr, port, true);
        return Err.OK;
    }

    static IpAddress anyOf(IpAddress a) {
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

    /**
     * Sends {@code p} to {@code dst}:{@code port} ({@code udp_sendto}). A pcb never bound is
     * bound first, to an ephemeral port on the wildcard of {@code dst}'s family (as
     * {@link #connect}); one bound to an address or to {@code 0.0.0.0} sends to its own family
     * only ({@link Err#VAL}), one bound to {@code ::} to both unless IPV6_V6ONLY. Does not take
     * the caller's reference.
     */
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

    /**
     * {@code IPV6_V6ONLY}: when on, a pcb bound to {@code ::} ({@link IpAddress#ANY_TYPE})
     * takes IPv6 datagrams only (an IPv4 pcb on the same port gets every IPv4 one) and sends
     * to IPv6 only ({@link Err#VAL} for an IPv4 destination). Off by default, as Linux's
     * {@code net.ipv6.bindv6only=0}: the wildcard of both families. Set it before binding.
     *
     * @throws IllegalStateException when the pcb is already bound
     */
    public void setV6Only(boolean on) {
        udp.live(this);
        if (bound) {
            throw new IllegalStateException("IPV6_V6ONLY is set before bind");
        }
        this.v6Only = on;
    }

    /** Whether {@link #setV6Only(boolean)} is on. */
    public boolean isV6Only() {
        return v6Only;
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
        this.ttlSet = true;
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

    /**
     * Joins the multicast {@code group} on {@code netif} ({@code null}: the netif a datagram
     * to the group would leave by) for this pcb (IP_ADD_MEMBERSHIP, IPV6_JOIN_GROUP): the
     * netif's membership is counted, so it is reported when the first pcb joins and left
     * when the last one leaves or closes. A multicast datagram goes to every pcb bound to its
     * port with a matching address (the wildcard or the group). {@link Err#USE} when this pcb
     * has joined it there already, {@link Err#RTE} when no netif leads to it, {@link Err#MEM}
     * when the netif has as many groups as it may.
     *
     * @throws IllegalArgumentException when {@code group} is not multicast or of a family the stack lacks
     */
    public Err joinGroup(IpAddress group, Netif netif) {
        return udp.joinGroup(this, Objects.requireNonNull(group, "group"), netif);
    }

    /** Leaves a group this pcb joined (IP_DROP_MEMBERSHIP); {@code netif} {@code null} matches any. {@link Err#VAL} when not joined. */
    public Err leaveGroup(IpAddress group, Netif netif) {
        return udp.leaveGroup(this, Objects.requireNonNull(group, "group"), netif);
    }

    /** TTL (IPv4) or hop limit (IPv6) of multicast datagrams ({@code udp_set_multicast_ttl}, IP_MULTICAST_TTL): 1..255, 1 by default. */
    public void setMulticastTtl(int ttl) {
        udp.live(this);
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("multicast TTL must be 1..255, not " + ttl);
        }
        this.mcastTtl = ttl;
    }

    /** The TTL or hop limit of multicast datagrams. */
    public int multicastTtl() {
        return mcastTtl;
    }

    /** The netif multicast datagrams leave by ({@code udp_set_multicast_netif_index}, IP_MULTICAST_IF); {@code null} routes them. */
    public void setMulticastNetif(Netif netif) {
        udp.live(this);
        this.mcastNetif = netif;
        this.route = null;
    }

    /** The netif multicast datagrams leave by, or {@code null}. */
    public Netif multicastNetif() {
        return mcastNetif;
    }

    /**
     * Whether our own members of a group get a copy of what this pcb sends to it
     * ({@code UDP_FLAGS_MULTICAST_LOOP}, IP_MULTICAST_LOOP). On by default, as RFC 1112 §6.1
     * has it (lwIP's default is off).
     */
    public void setMulticastLoop(boolean on) {
        udp.live(this);
        this.mcastLoop = on;
    }

    /** True when sent multicast is looped back to our own members. */
    public boolean multicastLoop() {
        return mcastLoop;
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
