package org.lwip4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.lwip4j.netif.LinkType;

/** The real platform: TAP/TUN devices through the netif module's drivers. */
public final class TuntapPlatform implements Platform {
    @Override
    public OpenedDevice open(InterfaceSpec spec) throws DeviceException {
        throw new DeviceException("the TAP/TUN driver is not built into this version");
    }

    @Override
    public void configureHost(InterfaceSpec spec, OpenedDevice device) throws DeviceException {
        HostSide.configure(spec, device.name());
    }

    @Override
    public Capture openCapture(Path file, LinkType linkType, String interfaceName) throws IOException {
        throw new IOException("pcap capture is not built into this version");
    }
}
