package org.lwip4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.lwip4j.netif.LinkType;

/**
 * What a {@code run} needs from the machine: TAP/TUN devices, their host side, and capture
 * files. {@link TuntapPlatform} is the real one; tests supply a fake.
 */
public interface Platform {
    /**
     * Opens the device of {@code spec}: attaches to it when it exists, else creates it.
     *
     * @throws DeviceException when it cannot be opened; the message says what is needed
     */
    OpenedDevice open(InterfaceSpec spec) throws DeviceException;

    /**
     * Sets up the host side of a device this run created: MTU, address
     * ({@code spec.hostIp4()}, when not {@code null}), up.
     */
    void configureHost(InterfaceSpec spec, OpenedDevice device) throws DeviceException;

    /**
     * Creates a capture file for the frames of one interface ({@code linkType} picks the
     * pcap link type: Ethernet, or raw IP for TUN).
     */
    Capture openCapture(Path file, LinkType linkType, String interfaceName) throws IOException;
}
