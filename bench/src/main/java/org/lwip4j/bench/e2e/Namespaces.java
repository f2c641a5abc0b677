package org.lwip4j.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Network namespaces made for one measurement and removed on {@link #close()} (or by a
 * shutdown hook if the JVM is stopped first), with whatever devices are in them.
 */
final class Namespaces implements AutoCloseable {
    private final String prefix = "l4jf" + randomId();
    private final Deque<String> made = new ArrayDeque<>();
    private final Thread hook = Thread.ofPlatform().unstarted(this::removeAll);

    Namespaces() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** A name unique to this set, for a namespace or device: the prefix and {@code suffix} (at most 15 characters). */
    String name(String suffix) {
        return prefix + suffix;
    }

    /** Makes namespace {@code name(suffix)} with its loopback up; returns its name. */
    String add(String suffix) throws IOException {
        String ns = name(suffix);
        Shell.check("ip", "netns", "add", ns);
        synchronized (this) {
            made.push(ns);
        }
        Shell.check("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /**
     * A veth pair between namespaces {@code a} and {@code b}, addressed {@code cidrA} and
     * {@code cidrB}, up, without IPv6 (no router solicitations in the measurement).
     */
    void veth(String a, String cidrA, String b, String cidrB) throws IOException {
        String va = name("x");
        String vb = name("y");
        Shell.check("ip", "link", "add", va, "netns", a, "type", "veth", "peer", "name", vb, "netns", b);
        configure(a, va, cidrA);
        configure(b, vb, cidrB);
    }

    private static void configure(String ns, String dev, String cidr) throws IOException {
        Shell.check("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf." + dev + ".disable_ipv6=1");
        Shell.check("ip", "-n", ns, "addr", "add", cidr, "dev", dev);
        Shell.check("ip", "-n", ns, "link", "set", "dev", dev, "up");
    }

    @Override
    public void close() {
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
    }

    private synchronized void removeAll() {
        while (!made.isEmpty()) {
            String ns = made.pop();
            try {
                Shell.run(10, List.of("ip", "netns", "del", ns));
                Path etc = Path.of("/etc/netns", ns);
                Files.deleteIfExists(etc);
            } catch (IOException e) {
                System.err.println("could not remove namespace " + ns + ": " + e.getMessage());
            }
        }
    }

    private static String randomId() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            sb.append(Character.forDigit(ThreadLocalRandom.current().nextInt(36), 36));
        }
        return sb.toString();
    }
}
