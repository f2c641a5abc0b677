package org.lwip4j.netif;

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

    /** Registers the handler for IP version 4 or 6. */
    public void register(int version, NetworkInput handler) {
        switch (version) {
            case 4 -> ipv4 = handler;
            case 6 -> ipv6 = handler;
            default -> throw new IllegalArgumentException("IP version " + version);
        }
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
            ctx.stats().link.drop++;
            netif.counters().inDiscards++;
            packet.free();
            return;
        }
        h.input(netif, packet, false);
    }

    @Override
    public Err output4(Netif netif, Pbuf packet, int nextHop) {
        return netif.linkOutput(packet);
    }
}
