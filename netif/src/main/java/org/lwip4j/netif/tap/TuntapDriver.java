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
    private final boolean created;

    TuntapDriver(Opened opened, LinkType linkType) {
        this.engine = opened.engine();
        this.linkType = linkType;
        this.created = opened.created();
    }

    /** An engine, and whether opening created its device. */
    record Opened(FrameEngine engine, boolean created) {
    }

    /**
     * Opens device {@code name} in {@code mode} and makes its engine; the device is closed
     * again on failure. A device that exists is attached to and left as it is; one that does
     * not is created with the options' MTU on its host side and, when the options give a host
     * address, gets that address and is brought up (so the host can reach the stack at once).
     * Without one it stays down, as {@link Tuntap#open} leaves it: a caller that moves it to
     * another namespace first sees no frames the host sent meanwhile.
     */
    static Opened openEngine(String name, Tuntap.Mode mode, TuntapOptions options, LinkType linkType) throws TuntapException {
        Tuntap dev;
        boolean created;
        if (options.exclusive() || name == null || name.contains("%")) {
            dev = Tuntap.open(name, mode, options); // always a new device
            created = true;
        } else {
            try {
                // Exclusive first: EBUSY then says the device exists, and we attach without touching its host side.
                dev = Tuntap.open(name, mode, options.toBuilder().exclusive(true).build());
                created = true;
            } catch (TuntapException e) {
                if (e.errno() != Native.EBUSY) {
                    throw e;
                }
                dev = Tuntap.open(name, mode, options);
                created = false;
            }
        }
        try {
            if (created) {
                setUpHost(dev, options);
            }
            return new Opened(new FrameEngine(dev, options, linkType), created);
        } catch (TuntapException | RuntimeException e) {
            dev.close();
            throw e;
        }
    }

    /** The host side of a device we created: MTU; with a host address, the address and up. */
    private static void setUpHost(Tuntap dev, TuntapOptions options) throws TuntapException {
        try (HostInterface host = HostInterface.open(dev.name(), options.namespace())) {
            if (options.mtu() != host.mtu()) {
                host.setMtu(options.mtu());
            }
            if (options.hostIp4() != null) {
                host.setAddress4(options.hostIp4(), options.hostPrefixLength());
                host.setUp(true);
            }
        }
    }

    /** The engine for a device opened already, after checking it is of {@code mode} and matches {@code options}. */
    static Opened engineOf(Tuntap device, Tuntap.Mode mode, TuntapOptions options, LinkType linkType) throws TuntapException {
        if (device.mode() != mode) {
            throw new IllegalArgumentException(device.name() + " is a " + device.mode() + " device, not " + mode);
        }
        if ((device.vnetHeaderSize() > 0) != options.vnetHeader()) {
            throw new IllegalArgumentException(device.name() + (device.vnetHeaderSize() > 0 ? " has" : " has no")
                    + " virtio-net header, but options say vnetHeader=" + options.vnetHeader());
        }
        return new Opened(new FrameEngine(device, options, linkType), false);
    }

    /**
     * True when {@code open} created the device (and set up its host side as
     * {@link TuntapOptions#hostIp4()} says); false when it attached to one that existed, or the
     * driver was made with {@code of} from a device opened already.
     */
    public boolean created() {
        return created;
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

    /**
     * TCP super-frames (TSO) for the families whose offload the options turn on
     * ({@link Offload#TSO4}, {@link Offload#TSO6}, which need the virtio-net header): the
     * kernel takes a frame of up to 64 KiB with a GSO request in its header and cuts it
     * itself, so the stack writes one frame where it would write up to 44. The same options
     * let the kernel hand such frames in; without them, none either way.
     */
    @Override
    public int gsoTypes() {
        var o = engine.options().offloads();
        return (o.contains(Offload.TSO4) ? 1 << Pbuf.GSO_TCPV4 : 0) | (o.contains(Offload.TSO6) ? 1 << Pbuf.GSO_TCPV6 : 0);
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
