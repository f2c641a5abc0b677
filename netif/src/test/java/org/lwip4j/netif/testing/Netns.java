package org.lwip4j.netif.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A network namespace made for one test ({@code ip netns add l4jt...}) and deleted again by
 * {@link #close()}, together with root-namespace devices the test names for cleanup.
 */
public final class Netns implements AutoCloseable {
    public final String name;
    private final List<String> rootDevices = new ArrayList<>();

    public Netns() {
        name = Host.uniqueName("n");
        Host.run("ip", "netns", "add", name);
        Host.run("ip", "-n", name, "link", "set", "lo", "up");
    }

    /** Remembers a device that may be left in the root namespace, to delete on close. */
    public void cleanupRootDevice(String dev) {
        rootDevices.add(dev);
    }

    /** {@code ip -n NS args...}. */
    public String ip(String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "ip";
        cmd[1] = "-n";
        cmd[2] = name;
        System.arraycopy(args, 0, cmd, 3, args.length);
        return Host.run(cmd);
    }

    /** {@code ip netns exec NS cmd...}, checked. */
    public String exec(String... cmd) {
        return Host.run(prefixed(cmd));
    }

    /** {@code ip netns exec NS cmd...} in the background. */
    public Process start(String... cmd) {
        return Host.start(prefixed(cmd));
    }

    private String[] prefixed(String... cmd) {
        String[] c = new String[cmd.length + 4];
        c[0] = "ip";
        c[1] = "netns";
        c[2] = "exec";
        c[3] = name;
        System.arraycopy(cmd, 0, c, 4, cmd.length);
        return c;
    }

    /** True when the namespace has an interface {@code dev}. */
    public boolean hasLink(String dev) {
        return Host.runQuietly("ip", "-n", name, "link", "show", "dev", dev).code() == 0;
    }

    /**
     * Moves root-namespace device {@code dev} in, gives it {@code mac} and {@code cidr}, a
     * permanent neighbour entry for the stack's side, IPv6 off (no stray RS/MLD frames) and
     * brings it up.
     */
    public void adopt(String dev, String mac, String cidr, String peerIp, String peerMac) {
        Host.run("ip", "link", "set", dev, "netns", name);
        configure(dev, mac, cidr, peerIp, peerMac);
    }

    /** As {@link #adopt} for a device already inside. */
    public void configure(String dev, String mac, String cidr, String peerIp, String peerMac) {
        exec("sysctl", "-qw", "net.ipv6.conf." + dev + ".disable_ipv6=1");
        if (mac != null) {
            ip("link", "set", dev, "address", mac);
        }
        ip("addr", "add", cidr, "dev", dev);
        ip("link", "set", dev, "up");
        if (peerMac != null) {
            ip("neigh", "replace", peerIp, "lladdr", peerMac, "dev", dev, "nud", "permanent");
        }
    }

    @Override
    public void close() {
        Host.runQuietly("ip", "netns", "del", name);
        for (String d : rootDevices) {
            if (Host.runQuietly("ip", "link", "show", "dev", d).code() == 0) {
                Host.runQuietly("ip", "link", "del", d);
            }
        }
    }
}
