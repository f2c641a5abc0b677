package org.lwip4j.netif.tap;

import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.stack.Err;

/**
 * A netif driver for IP packets from a Linux TUN device (no link header; a VPN or tun2socks engine's interface), over the Foreign Function &amp; Memory API.
 *
 * <pre>{@code
 * TunDriver tun = TunDriver.open("tun0", TuntapOptions.defaults());
 * stack.execute(() -> {
 *     Netif n = netifs.add(tun, "tun0", null);
 *     n.setIp4(new Ip4Interface(Ip4Address.parse("10.0.0.2"), 24));
 *     n.setUp(true);
 * });
 * }</pre>
 *
 * Receiving follows {@link TuntapOptions#receiveMode()}: by default the stack's loop reads
 * the device itself, a batch per turn, into pooled off-heap pbufs, and sleeps in
 * {@code epoll_wait} on it ({@link EpollWaiter}, installed on the loop at attach if the loop
 * has not started yet). Transmitting writes straight from the pbufs' memory ({@code writev}
 * for chains). With {@link TuntapOptions#vnetHeader()} every frame carries its checksum and
 * segmentation offload state in the pbuf's offload fields ({@link VirtioNetHeader}).
 *
 * <p>Closing the driver (or removing its netif) stops receiving and closes the device.
 */
public final class TunDriver implements NetifDriver {
    private final FrameEngine engine;

    private TunDriver(FrameEngine engine) {
        this.engine = engine;
    }

    /** Opens (attaching to, or creating) TUN device {@code name} with default options. */
    public static TunDriver open(String name) throws TuntapException {
        return open(name, TuntapOptions.defaults());
    }

    /**
     * Opens (attaching to, or creating) TUN device {@code name} ({@code null}: the kernel
     * numbers a new one) with {@code options}.
     *
     * @throws TuntapException when the device cannot be opened; the message says what is needed
     */
    public static TunDriver open(String name, TuntapOptions options) throws TuntapException {
        Tuntap dev = Tuntap.open(name, Tuntap.Mode.TUN, options);
        try {
            return new TunDriver(new FrameEngine(dev, options, LinkType.IP));
        } catch (TuntapException | RuntimeException e) {
            dev.close();
            throw e;
        }
    }

    /**
     * Drives a device opened already with {@link Tuntap#open}; {@code options} give the MTU
     * and receive settings (its header setting must match how the device was opened). The
     * driver owns the device from now on and closes it.
     */
    public static TunDriver of(Tuntap device, TuntapOptions options) throws TuntapException {
        if (device.mode() != Tuntap.Mode.TUN) {
            throw new IllegalArgumentException(device.name() + " is a " + device.mode() + " device, not TUN");
        }
        if ((device.vnetHeaderSize() > 0) != options.vnetHeader()) {
            throw new IllegalArgumentException(device.name() + (device.vnetHeaderSize() > 0 ? " has" : " has no")
                    + " virtio-net header, but options say vnetHeader=" + options.vnetHeader());
        }
        return new TunDriver(new FrameEngine(device, options, LinkType.IP));
    }

    /** The device's name as the kernel reports it (e.g. {@code tun0}). */
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
     * {@code "reader-thread"},
     * or {@code "detached"}/{@code "closed"}.
     */
    public String receivePath() {
        return engine.receivePath();
    }

    @Override
    public LinkType linkType() {
        return LinkType.IP;
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

    /** Writes one whole frame; on the loop. {@link Err#MEM} when the device refuses it for now, {@link Err#IF} when it is down or gone. */
    /** With the virtio-net header the kernel completes partial checksums. */
    @Override
    public boolean completesChecksums() {
        return engine.completesChecksums();
    }

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
        return "TunDriver[" + engine.device() + " " + engine.receivePath() + "]";
    }
}
