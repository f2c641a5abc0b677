package org.lwip4j.raw;

import java.util.Objects;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;

/**
 * A raw IP endpoint for one protocol number (lwIP's {@code raw_pcb}): receives whole IP
 * packets of that protocol (before the transport does) and sends payloads in IP packets, or
 * whole packets with {@link #setHeaderIncluded(boolean)}. Made by
 * {@code Stack.newRawPcb(protocol)}; used on the loop.
 */
public final class RawPcb {
    final Raw raw;
    final int protocol;
    IpAddress localAddr = Ip4Address.ANY;
    IpAddress remoteAddr = Ip4Address.ANY;
    boolean connected;
    boolean headerIncluded;
    boolean closed;
    int ttl;
    int tos;
    Netif boundNetif;
    RawReceiver receiver;

    RawPcb(Raw raw, int protocol, int ttl) {
        this.raw = raw;
        this.protocol = protocol;
        this.ttl = ttl;
    }

    /** The IP protocol number. */
    public int protocol() {
        return protocol;
    }

    /**
     * Receives only packets to this local address ({@code raw_bind}): {@code 0.0.0.0} for
     * every IPv4 packet of the protocol (the default), {@link IpAddress#ANY_TYPE} ({@code ::})
     * for every one of both families (lwIP's {@code IPADDR_TYPE_ANY}).
     */
    public Err bind(IpAddress addr) {
        raw.live(this);
        raw.checkFamily(addr);
        localAddr = Objects.requireNonNull(addr);
        return Err.OK;
    }

    /** Receives and sends only on this netif ({@code raw_bind_netif}); {@code null} for all. */
    public void bindNetif(Netif netif) {
        raw.live(this);
        this.boundNetif = netif;
    }

    /** Receives only from, and {@link #send(Pbuf)} sends to, {@code addr} ({@code raw_connect}). */
    public Err connect(IpAddress addr) {
        raw.live(this);
        raw.checkFamily(addr);
        remoteAddr = Objects.requireNonNull(addr);
        connected = true;
        return Err.OK;
    }

    /** Forgets the remote address ({@code raw_disconnect}). */
    public void disconnect() {
        raw.live(this);
        remoteAddr = Ip4Address.ANY;
        connected = false;
    }

    /** Sets the receive callback ({@code raw_recv}). */
    public void onReceive(RawReceiver r) {
        raw.live(this);
        this.receiver = r;
    }

    /** Sent pbufs hold the whole IP packet, header included ({@code IP_HDRINCL}). */
    public void setHeaderIncluded(boolean on) {
        raw.live(this);
        this.headerIncluded = on;
    }

    /** TTL of sent packets. */
    public void setTtl(int ttl) {
        raw.live(this);
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("TTL must be 1..255, not " + ttl);
        }
        this.ttl = ttl;
    }

    /** TOS of sent packets. */
    public void setTos(int tos) {
        raw.live(this);
        this.tos = tos & 0xff;
    }

    /** Sends to the connected address ({@code raw_send}); {@link Err#CONN} when not connected. Does not take the caller's reference. */
    public Err send(Pbuf p) {
        if (!connected) {
            return Err.CONN;
        }
        return sendTo(p, remoteAddr);
    }

    /** Sends {@code p} to {@code dst} ({@code raw_sendto}). Does not take the caller's reference. */
    public Err sendTo(Pbuf p, IpAddress dst) {
        return raw.send(this, p, Objects.requireNonNull(dst));
    }

    /** The local address bound to. */
    public IpAddress localAddress() {
        return localAddr;
    }

    /** Frees the pcb ({@code raw_remove}). */
    public void close() {
        raw.remove(this);
    }

    @Override
    public String toString() {
        return "RAW proto " + protocol + " " + localAddr + (connected ? " -> " + remoteAddr : "");
    }
}
