package org.lwip4j.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.lwip4j.netif.FrameTap;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.pcap.PcapTap;
import org.lwip4j.netif.pcap.PcapWriter;
import org.lwip4j.netif.tap.HostInterface;
import org.lwip4j.netif.tap.TapDriver;
import org.lwip4j.netif.tap.TunDriver;
import org.lwip4j.netif.tap.Tuntap;
import org.lwip4j.netif.tap.TuntapException;
import org.lwip4j.netif.tap.TuntapOptions;

/**
 * The real platform: TAP/TUN devices through the netif module's FFM drivers (receiving on
 * the stack's loop, which waits in {@code epoll}), the host side set up with
 * {@link HostInterface}, captures with {@link PcapTap} ({@code .pcapng} files in pcapng,
 * others in classic pcap).
 */
public final class TuntapPlatform implements Platform {
    /** {@code EBUSY}: with {@code IFF_TUN_EXCL}, the device exists already. */
    private static final int EBUSY = 16;

    @Override
    public OpenedDevice open(InterfaceSpec spec) throws DeviceException {
        TuntapOptions options = deviceOptions(spec.netns(), spec.mtu());
        Tuntap.Mode mode = spec.kind() == InterfaceSpec.Kind.TAP ? Tuntap.Mode.TAP : Tuntap.Mode.TUN;
        String kind = mode.name().toLowerCase(Locale.ROOT);
        Tuntap dev;
        boolean created;
        try {
            // Create it exclusively first: EBUSY then says it exists, and we attach without touching its host side.
            dev = Tuntap.open(spec.name(), mode, options.toBuilder().exclusive(true).build());
            created = true;
        } catch (TuntapException e) {
            if (e.errno() != EBUSY) {
                throw new DeviceException(e.getMessage(), e);
            }
            try {
                dev = Tuntap.open(spec.name(), mode, options);
                created = false;
            } catch (TuntapException again) {
                throw new DeviceException(again.getMessage(), again);
            }
        } catch (IllegalArgumentException e) {
            throw new DeviceException("cannot open " + kind + " device " + spec.name() + ": " + e.getMessage(), e);
        }
        try {
            if (mode == Tuntap.Mode.TAP) {
                TapDriver t = TapDriver.of(dev, options);
                return new OpenedDevice(t, dev.name(), created, () -> t.receivePath() + " " + t.stats());
            }
            TunDriver t = TunDriver.of(dev, options);
            return new OpenedDevice(t, dev.name(), created, () -> t.receivePath() + " " + t.stats());
        } catch (TuntapException | RuntimeException e) {
            dev.close();
            throw new DeviceException("cannot drive " + kind + " device " + spec.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The options a device is opened with: those of the interface spec ({@code netns} and
     * {@code mtu} may be null) over the defaults. The warm-up ({@link DeviceWarmup}) opens its
     * stand-in device with the same, so it warms the code the run will use.
     */
    static TuntapOptions deviceOptions(String netns, Integer mtu) {
        TuntapOptions.Builder b = TuntapOptions.builder().namespace(netns);
        if (mtu != null) {
            b.mtu(mtu);
        }
        return b.build();
    }

    @Override
    public void configureHost(InterfaceSpec spec, OpenedDevice device) throws DeviceException {
        try (HostInterface host = HostInterface.open(device.name(), spec.netns())) {
            if (spec.mtu() != null) {
                host.setMtu(spec.mtu());
            }
            if (spec.hostIp4() != null) {
                host.setAddress4(spec.hostIp4().address(), spec.hostIp4().prefixLength());
            }
            host.setUp(true);
            if (spec.hostIp6() != null) {
                // After up: the kernel takes IPv6 addresses only on a device with IPv6 running.
                host.addAddress6(spec.hostIp6().address(), spec.hostIp6().prefixLength());
            }
        } catch (TuntapException e) {
            throw new DeviceException("setting up the host side of " + device.name() + ": " + e.getMessage(), e);
        }
    }

    /** Why {@code file} could not be created, in words (the JDK's messages often repeat the path and nothing else). */
    static String reason(Path file, IOException e) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            return Files.exists(dir) ? dir + " is not a directory" : "directory " + dir + " does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied" + (dir != null && !Files.isWritable(dir) ? " (cannot write in " + dir + ")" : "");
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    @Override
    public Capture openCapture(Path file, LinkType linkType, String interfaceName) throws IOException {
        String n = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        PcapWriter w;
        try {
            w = n.endsWith(".pcapng")
                    ? PcapWriter.pcapng(file)
                    : PcapWriter.pcap(file, linkType == LinkType.ETHERNET ? PcapWriter.LINKTYPE_ETHERNET : PcapWriter.LINKTYPE_RAW);
        } catch (IOException e) {
            throw new IOException("cannot create capture file " + file + " for " + interfaceName + ": " + reason(file, e), e);
        }
        PcapTap tap = new PcapTap(w);
        return new Capture() {
            @Override
            public FrameTap tap() {
                return tap;
            }

            @Override
            public long frames() {
                return tap.frames();
            }

            @Override
            public void close() throws IOException {
                tap.close();
            }
        };
    }
}
