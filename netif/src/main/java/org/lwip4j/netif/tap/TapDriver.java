package org.lwip4j.netif.tap;

import org.lwip4j.netif.LinkType;

/**
 * A netif driver for Ethernet frames from a Linux TAP device (see {@link TuntapDriver}).
 *
 * <pre>{@code
 * TapDriver tap = TapDriver.open("tap0", TuntapOptions.defaults());
 * stack.execute(() -> {
 *     Netif n = stack.addNetif(tap, "tap0", MacAddress.parse("02:00:00:00:00:01"));
 *     n.ip4().set(Ip4Interface.parse("192.168.77.2/24"));
 *     n.setUp(true);
 * });
 * }</pre>
 */
public final class TapDriver extends TuntapDriver {
    private TapDriver(Opened opened) {
        super(opened, LinkType.ETHERNET);
    }

    /**
     * Opens (attaching to, or creating) TAP device {@code name} with default options; a
     * created device stays down, without a host address (see {@link TuntapOptions#hostIp4()}).
     */
    public static TapDriver open(String name) throws TuntapException {
        return open(name, TuntapOptions.defaults());
    }

    /**
     * Opens (attaching to, or creating) TAP device {@code name} ({@code null}: the kernel
     * numbers a new one) with {@code options}. A device that exists is attached to and left
     * as it is; one that does not is created with the options' MTU on its host side and,
     * given a host address ({@link TuntapOptions.Builder#hostIp4}), gets it and is brought up.
     *
     * @throws TuntapException when the device cannot be opened; the message says what is needed
     */
    public static TapDriver open(String name, TuntapOptions options) throws TuntapException {
        return new TapDriver(openEngine(name, Tuntap.Mode.TAP, options, LinkType.ETHERNET));
    }

    /**
     * Drives a TAP device opened already with {@link Tuntap#open}; {@code options} give the
     * MTU and receive settings (its header setting must match how the device was opened).
     * The driver owns the device from now on and closes it.
     */
    public static TapDriver of(Tuntap device, TuntapOptions options) throws TuntapException {
        return new TapDriver(engineOf(device, Tuntap.Mode.TAP, options, LinkType.ETHERNET));
    }
}
