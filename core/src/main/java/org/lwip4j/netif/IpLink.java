package org.lwip4j.netif;

import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackContext;

/**
 * Link layer of netifs that carry bare IP packets (TUN, loopback): input is dispatched by
 * the IP version nibble, output goes straight to the driver.
 */
public final class IpLink implements LinkLayer {
    private final StackContext ctx;
    private NetworkInput ipv4;
    private NetworkInput ipv6;

    IpLink(StackContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Registers the handler for IP version 4 or 6.
     *
     * @throws IllegalStateException when the version has a handler already
     */
    public void register(int version, NetworkInput handler) {
        java.util.Objects.requireNonNull(handler, "handler");
        switch (version) {
            case 4 -> ipv4 = once(ipv4, handler, version);
            case 6 -> ipv6 = once(ipv6, handler, version);
            default -> throw new IllegalArgumentException("IP version must be 4 or 6, not " + version);
        }
    }

    private static NetworkInput once(NetworkInput old, NetworkInput handler, int version) {
        if (old != null) {
            throw new IllegalStateException("IPv" + version + " has a handler already");
        }
        return handler;
    }

    @Override
    public void input(Netif netif, Pbuf packet) {
        NetworkInput h = null;
        if (packet.length() >= 1) {
            int version = Bytes.u8(packet.segment(), packet.offset()) >>> 4;
            h = version == 4 ? ipv4 : version == 6 ? ipv6 : null;
        }
        if (h == null) {
            ctx.stats().link.proterr++;
            netif.counters().inUnknownProtos++;
            ctx.stats().link.drop++;
            netif.counters().inDiscards++;
            packet.free();
            return;
        }
        h.input(netif, packet, false);
    }

    @Override
    public Err output(Netif netif, Pbuf packet, IpAddress nextHop) {
        return netif.linkOutput(packet);
    }
}
