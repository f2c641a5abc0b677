package org.lwip4j.netif.tap;

import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.stack.Err;

/**
 * What the TAP and TUN drivers share: a Linux {@code /dev/net/tun} device driven over the
 * Foreign Function &amp; Memory API by a {@link FrameEngine}.
 *
 * <p>Receiving follows {@link TuntapOptions#receiveMode()}: by default the stack's loop reads
 * the device itself, a batch per turn, into pooled off-heap pbufs, and sleeps in
 * {@code epoll_wait} on it ({@link EpollWaiter}, installed on the loop when the netif is
 * added, also on a loop that already runs). Transmitting writes straight from the pbufs'
 * memory ({@code writev} for chains). With {@link TuntapOptions#vnetHeader()} every frame
 * carries its checksum and segmentation offload state in the pbuf's offload fields
 * ({@link VirtioNetHeader}), and the kernel completes partial checksums.
 *
 * <p>Closing the driver (or removing its netif) stops receiving and closes the device.
 */
public abstract sealed class TuntapDriver implements NetifDriver permits TapDriver, TunDriver {
    private final FrameEngine engine;
    private final LinkType linkType;

    TuntapDriver(FrameEngine engine, LinkType linkType) {
        this.engine = engine;
        this.linkType = linkType;
    }

    /** Opens device {@code name} in {@code mode} and makes its engine; the device is closed again on failure. */
    static FrameEngine openEngine(String name, Tuntap.Mode mode, TuntapOptions options, LinkType linkType) throws TuntapException {
        Tuntap dev = Tuntap.open(name, mode, options);
        try {
            return new FrameEngine(dev, options, linkType);
        } catch (TuntapException | RuntimeException e) {
            dev.close();
            throw e;
        }
    }

    /** The engine for a device opened already, after checking it is of {@code mode} and matches {@code options}. */
    static FrameEngine engineOf(Tuntap device, Tuntap.Mode mode, TuntapOptions options, LinkType linkType) throws TuntapException {
        if (device.mode() != mode) {
            throw new IllegalArgumentException(device.name() + " is a " + device.mode() + " device, not " + mode);
        }
        if ((device.vnetHeaderSize() > 0) != options.vnetHeader()) {
            throw new IllegalArgumentException(device.name() + (device.vnetHeaderSize() > 0 ? " has" : " has no")
                    + " virtio-net header, but options say vnetHeader=" + options.vnetHeader());
        }
        return new FrameEngine(device, options, linkType);
    }

    /** The device's name as the kernel reports it (e.g. {@code tap0}). */
    public String name() {
        return engine.device().name();
    }

    /** The device. */
    public Tuntap device() {
        return engine.device();
    }

    /** The options the driver was made with. */
    public TuntapOptions options() {
        return engine.options();
    }

    /** The driver's counters. */
    public DriverStats stats() {
        return engine.stats();
    }

    /**
     * How frames are received: {@code "loop-epoll"} (on the loop, which waits in epoll),
     * {@code "reader-thread"}, or {@code "detached"}/{@code "closed"}.
     */
    public String receivePath() {
        return engine.receivePath();
    }

    @Override
    public LinkType linkType() {
        return linkType;
    }

    @Override
    public int mtu() {
        return engine.mtu();
    }

    /** Starts receiving for {@code netif}; called by the netif table on the loop. */
    @Override
    public void attach(Netif netif) {
        engine.attach(netif);
    }

    /** With the virtio-net header the kernel completes partial checksums. */
    @Override
    public boolean completesChecksums() {
        return engine.completesChecksums();
    }

    /** Writes one whole frame; on the loop. {@link Err#MEM} when the device refuses it for now, {@link Err#IF} when it is down or gone. */
    @Override
    public Err transmit(Pbuf frame) {
        return engine.transmit(frame);
    }

    /** Stops receiving and closes the device (see the class comment); idempotent. */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + engine.device() + " " + engine.receivePath() + "]";
    }
}
