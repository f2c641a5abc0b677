package org.lwip4j.testing;

import java.util.Objects;
import java.util.function.Consumer;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.stack.Err;

/**
 * A netif driver in front of another (a simulator endpoint, say) that shows every frame the
 * stack transmits to {@code tap} before passing it on unchanged: tests count or record what
 * went on the wire without a capture of their own. Everything else is the inner driver's.
 */
public final class TappedDriver implements NetifDriver {
    private final NetifDriver inner;
    private final Consumer<byte[]> tap;

    /** {@code tap} sees a copy of each transmitted frame's bytes. */
    public TappedDriver(NetifDriver inner, Consumer<byte[]> tap) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.tap = Objects.requireNonNull(tap, "tap");
    }

    @Override
    public LinkType linkType() {
        return inner.linkType();
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    @Override
    public void attach(Netif netif) {
        inner.attach(netif);
    }

    @Override
    public Err transmit(Pbuf frame) {
        tap.accept(frame.toByteArray());
        return inner.transmit(frame);
    }

    @Override
    public boolean completesChecksums() {
        return inner.completesChecksums();
    }

    @Override
    public int gsoTypes() {
        return inner.gsoTypes();
    }

    @Override
    public void setMulticastFilter(MacAddress group, boolean add) {
        inner.setMulticastFilter(group, add);
    }

    @Override
    public boolean filtersMulticast() {
        return inner.filtersMulticast();
    }

    @Override
    public void close() {
        inner.close();
    }
}
