package org.lwip4j.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace of its own for a test ({@code ip netns add l4jXXXXX}), with loopback
 * up and its own {@code resolv.conf} (INTEROP.md, gotcha 4). Programs run inside with
 * {@link #run}. {@link #close()} deletes it; a JVM shutdown hook does so too if the test
 * never gets that far.
 */
final class NetNs implements AutoCloseable {
    private static final Path ETC_NETNS = Path.of("/etc/netns");

    private final String name;
    private final Thread hook;
    private volatile boolean closed;

    private NetNs(String name) {
        this.name = name;
        this.hook = Thread.ofPlatform().unstarted(this::remove);
    }

    /** Creates a namespace with a unique name. */
    static NetNs create() {
        NetNs ns = new NetNs(uniqueName(""));
        Runtime.getRuntime().addShutdownHook(ns.hook);
        boolean ok = false;
        try {
            Cmd.check("ip", "netns", "add", ns.name);
            Path etc = ETC_NETNS.resolve(ns.name);
            Files.createDirectories(etc);
            Files.writeString(etc.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
            ns.run("ip", "link", "set", "lo", "up").check();
            ok = true;
            return ns;
        } catch (IOException e) {
            throw new AssertionError("cannot set up namespace " + ns.name, e);
        } finally {
            if (!ok) {
                ns.close();
            }
        }
    }

    /**
     * A name unlikely to collide with anything on the machine (other test runs included):
     * {@code l4j}, five random characters, then {@code suffix}; at most 15 characters, so it
     * also serves as an interface name.
     */
    static String uniqueName(String suffix) {
        StringBuilder sb = new StringBuilder("l4j");
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 5; i++) {
            sb.append(Character.forDigit(r.nextInt(36), 36));
        }
        sb.append(suffix);
        if (sb.length() > 15) {
            throw new IllegalArgumentException("name too long: " + sb);
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    /** The namespace's name. */
    String name() {
        return name;
    }

    /** Runs a program inside the namespace (30 s at most). */
    Cmd.Result run(String... command) {
        return run(Duration.ofSeconds(30), command);
    }

    /** Runs a program inside the namespace, at most {@code limit}. */
    Cmd.Result run(Duration limit, String... command) {
        return Cmd.run(limit, inside(command));
    }

    /** {@code ip netns exec NAME command...}. */
    List<String> inside(String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
        c.addAll(List.of(command));
        return c;
    }

    /** Runs {@code /usr/bin/python3 SCRIPT args} inside (the python3 that has only the standard library is enough). */
    Cmd.Result python(Duration limit, Path script, String... args) {
        List<String> c = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        c.addAll(List.of(args));
        return run(limit, c.toArray(String[]::new));
    }

    @Override
    public void close() {
        remove();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
    }

    private synchronized void remove() {
        if (closed) {
            return;
        }
        closed = true;
        Cmd.run(Duration.ofSeconds(10), List.of("ip", "netns", "del", name));
        Path etc = ETC_NETNS.resolve(name);
        try {
            Files.deleteIfExists(etc.resolve("resolv.conf"));
            Files.deleteIfExists(etc);
        } catch (IOException ignored) {
            // Best effort; the directory is tiny and uniquely named.
        }
    }

    @Override
    public String toString() {
        return "netns " + name;
    }
}
