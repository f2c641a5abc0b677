package org.lwip4j.ip;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifListener;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.stack.Err;

/**
 * The family-neutral IP layer of one stack: the registry of IP families (IPv4, IPv6) keyed
 * by version, the transports registered with all of them by protocol number, and the
 * {@link IpOutput} the transports send through. It keeps the stack's route generation: any
 * change that can move a route (a netif up, down, re-addressed or removed, a gateway, a
 * static route or the default netif changed) makes every {@link Route} made before it
 * {@link #stale}.
 *
 * <p>Transports register here once and hear from every family, present and future; a
 * family registered later gets the transports registered before it.
 */
public final class Ip implements IpOutput {
    private final NetworkProtocol[] families = new NetworkProtocol[7];
    private final List<Registration> transports = new ArrayList<>();
    private RawInput raw;
    private long generation;

    private record Registration(int protocol, TransportInput input, TransportErrorInput errors) {
    }

    /** The IP layer of a stack; it listens to the netifs to keep routes fresh. */
    Ip(NetifTable netifs) {
        netifs.addListener(new NetifListener() {
            @Override
            public void statusChanged(Netif netif) {
                Ip.this.routesChanged();
            }

            @Override
            public void linkChanged(Netif netif) {
                Ip.this.routesChanged();
            }

            @Override
            public void addressChanged(Netif netif, IpAddress oldAddr, IpAddress newAddr) {
                Ip.this.routesChanged();
            }

            @Override
            public void routesChanged(Netif netif) {
                Ip.this.routesChanged();
            }

            @Override
            public void removed(Netif netif) {
                Ip.this.routesChanged();
            }
        });
    }

    /**
     * Adds an IP family; the transports and raw hook registered so far are registered with
     * it too.
     *
     * @throws IllegalStateException when the stack has that family already
     */
    public void addFamily(NetworkProtocol family) {
        int v = family.version();
        if (v != 4 && v != 6) {
            throw new IllegalArgumentException("IP version must be 4 or 6, not " + v);
        }
        if (families[v] != null) {
            throw new IllegalStateException("the stack has IPv" + v + " already");
        }
        families[v] = family;
        for (Registration r : transports) {
            family.registerTransport(r.protocol, r.input, r.errors);
        }
        if (raw != null) {
            family.setRawInput(raw);
        }
    }

    /** The family of {@code version}, or {@code null} when the stack has none. */
    public NetworkProtocol family(int version) {
        return version == 4 || version == 6 ? families[version] : null;
    }

    /** The family of {@code addr}, or an {@link IllegalArgumentException} when the stack has none (a programming error). */
    public NetworkProtocol familyOf(IpAddress addr) {
        NetworkProtocol f = family(Objects.requireNonNull(addr, "address").version());
        if (f == null) {
            throw new IllegalArgumentException("this stack has no IPv" + addr.version() + " (" + addr + ")");
        }
        return f;
    }

    /**
     * Registers a transport for {@code protocol} with every family.
     *
     * @throws IllegalStateException when a family has a transport for that number already
     */
    public void registerTransport(int protocol, TransportInput input, TransportErrorInput errors) {
        for (NetworkProtocol f : families) {
            if (f != null) {
                f.registerTransport(protocol, input, errors);
            }
        }
        transports.add(new Registration(protocol, input, errors));
    }

    /** Installs the raw pcbs' hook with every family. */
    public void setRawInput(RawInput raw) {
        if (this.raw != null) {
            throw new IllegalStateException("the stack has a raw hook already");
        }
        this.raw = raw;
        for (NetworkProtocol f : families) {
            if (f != null) {
                f.setRawInput(raw);
            }
        }
    }

    /** Frees every packet the families hold: the stack is closing. */
    void release() {
        for (NetworkProtocol f : families) {
            if (f != null) {
                f.release();
            }
        }
    }

    /** Makes every route made so far stale: called on any change that can move a route. */
    public void routesChanged() {
        generation++;
    }

    /** The route generation now. */
    public long generation() {
        return generation;
    }

    @Override
    public Route route(IpAddress remote, IpAddress local, Netif netif) {
        NetworkProtocol f = family(remote.version());
        if (f == null) {
            return null;
        }
        if (local != null && !local.isAny() && local.version() != remote.version()) {
            return null;
        }
        return f.route(remote, local, netif, generation);
    }

    @Override
    public boolean stale(Route r) {
        return r.generation() != generation;
    }

    @Override
    public Err output(Pbuf p, Route r, int protocol, int ttl, int tos, int options) {
        return families[r.version()].output(p, r, protocol, ttl, tos, options);
    }

    @Override
    public void confirmReachable(Route r) {
        if (r.nextHop() != null) {
            r.netif().link().confirm(r.netif(), r.nextHop());
        }
    }

    @Override
    public void suspectUnreachable(Route r) {
        if (r.nextHop() != null) {
            r.netif().link().suspect(r.netif(), r.nextHop());
        }
    }

    @Override
    public long pseudoHeader(Route r, int protocol, int length) {
        return families[r.version()].pseudoHeader(r.local(), r.remote(), protocol, length);
    }

    /**
     * Sends a whole IP packet, header included, by the family its version nibble names
     * ({@code IP_HDRINCL}). {@link Err#VAL} for a packet of a family the stack lacks or a
     * malformed header. Does not take the caller's reference.
     */
    public Err outputPacket(Pbuf packet, Netif netif) {
        NetworkProtocol f = packet.length() < 1 ? null : family(Bytes.u8(packet.segment(), packet.offset()) >>> 4);
        return f == null ? Err.VAL : f.outputPacket(packet, netif);
    }

    /**
     * Joins the multicast {@code group} on {@code netif}, or, when it is {@code null}, on the
     * netif a packet to the group would leave by (lwIP's {@code igmp_joingroup},
     * {@code mld6_joingroup}); counted per call. {@link Err#RTE} when no netif leads there.
     *
     * @throws IllegalArgumentException when {@code group} is not multicast, or of a family the stack lacks
     */
    public Err joinGroup(IpAddress group, Netif netif) {
        NetworkProtocol f = familyOf(group);
        Netif n = groupNetif(f, group, netif);
        return n == null ? Err.RTE : f.joinGroup(n, group);
    }

    /** Leaves {@code group} once, as {@link #joinGroup} joined it; {@link Err#VAL} when not joined. */
    public Err leaveGroup(IpAddress group, Netif netif) {
        NetworkProtocol f = familyOf(group);
        Netif n = groupNetif(f, group, netif);
        return n == null ? Err.RTE : f.leaveGroup(n, group);
    }

    private Netif groupNetif(NetworkProtocol f, IpAddress group, Netif netif) {
        if (!group.isMulticast()) {
            throw new IllegalArgumentException("not a multicast group: " + group);
        }
        if (netif != null) {
            return netif;
        }
        Route r = f.route(group, null, null, generation);
        return r == null ? null : r.netif();
    }

    /** Sends "port unreachable" about the datagram {@code info} describes, through its family (see {@link NetworkProtocol#portUnreachable}). */
    public void portUnreachable(Pbuf p, IpInfo info) {
        families[info.version()].portUnreachable(p, info);
    }
}
