package org.lwip4j.netif.tap;

import org.lwip4j.netif.LinkType;

/**
 * A netif driver for IP packets from a Linux TUN device: no link header, a VPN or
 * tun2socks engine's interface (see {@link TuntapDriver}).
 *
 * <pre>{@code
 * TunDriver tun = TunDriver.open("tun0", TuntapOptions.defaults());
 * stack.execute(() -> {
 *     Netif n = stack.addNetif(tun, "tun0");
 *     n.ip4().set(Ip4Interface.parse("10.0.0.2/24"));
 *     n.setUp(true);
 * });
 * }</pre>
 */
public final class TunDriver extends TuntapDriver {
    private TunDriver(Opened opened) {
        super(opened, LinkType.IP);
    }

    /**
     * Opens (attaching to, or creating) TUN device {@code name} with default options; a
     * created device stays down, without a host address (see {@link TuntapOptions#hostIp4()}).
     */
    public static TunDriver open(String name) throws TuntapException {
        return open(name, TuntapOptions.defaults());
    }

    /**
     * Opens (attaching to, or creating) TUN device {@code name} ({@code null}: the kernel
     * numbers a new one) with {@code options}. A device that exists is attached to and left
     * as it is; one that does not is created with the options' MTU on its host side and,
     * given a host address ({@link TuntapOptions.Builder#hostIp4}), gets it and is brought up.
     *
     * @throws TuntapException when the device cannot be opened; the message says what is needed
     */
    public static TunDriver open(String name, TuntapOptions options) throws TuntapException {
        return new TunDriver(openEngine(name, Tuntap.Mode.TUN, options, LinkType.IP));
    }

    /**
     * Drives a TUN device opened already with {@link Tuntap#open}; {@code options} give the
     * MTU and receive settings (its header setting must match how the device was opened).
     * The driver owns the device from now on and closes it.
     */
    public static TunDriver of(Tuntap device, TuntapOptions options) throws TuntapException {
        return new TunDriver(engineOf(device, Tuntap.Mode.TUN, options, LinkType.IP));
    }
}
