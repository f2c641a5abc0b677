package org.lwip4j.bench.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.tap.NetNamespace;
import org.lwip4j.netif.tap.TapDriver;
import org.lwip4j.netif.tap.TuntapOptions;
import org.lwip4j.stack.Err;
import org.lwip4j.udp.UdpPcb;

/**
 * The two paths measured side by side, each in namespaces of its own so nothing touches the
 * machine's network:
 * <ul>
 * <li>stack: namespace {@code S} holds the host side of a TAP (10.201.0.1/24,
 *     fd00:201::1/64) whose other side is a netif of an lwip4j stack in this JVM
 *     (10.201.0.2/24, fd00:201::2/64), with UDP echo on port 7 of both families;
 * <li>kernel: namespaces {@code A} (10.202.0.1/24, fd00:202::1/64) and {@code B}
 *     (10.202.0.2/24, fd00:202::2/64) joined by a veth pair, with a UDP echo server per family
 *     in {@code B} on port 7: threads of this JVM with kernel sockets, so both echo servers are
 *     user-space code in the same JVM and the difference is the path (TAP plus lwip4j versus
 *     the kernel's own stack).
 * </ul>
 * Everything made is removed on {@link #close()} (and by a shutdown hook).
 */
final class Topology implements AutoCloseable {
    static final String STACK_IP = "10.201.0.2";
    static final String STACK_HOST_IP = "10.201.0.1";
    static final String VETH_A_IP = "10.202.0.1";
    static final String VETH_B_IP = "10.202.0.2";
    static final String STACK_IP6 = "fd00:201::2";
    static final String STACK_HOST_IP6 = "fd00:201::1";
    static final String VETH_A_IP6 = "fd00:202::1";
    static final String VETH_B_IP6 = "fd00:202::2";
    static final int ECHO_PORT = 7;

    private final String id = randomId();
    final String nsStack = "l4jb" + id + "s";
    final String nsA = "l4jb" + id + "a";
    final String nsB = "l4jb" + id + "b";
    private final Deque<String> namespaces = new ArrayDeque<>();
    private final Thread hook = Thread.ofPlatform().unstarted(this::removeNamespaces);
    private Stack stack;
    private TapDriver tap;
    private final java.util.List<DatagramChannel> kernelEchoes = new java.util.ArrayList<>();
    private final java.util.List<Thread> kernelEchoThreads = new java.util.ArrayList<>();

    private static String randomId() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            sb.append(Character.forDigit(ThreadLocalRandom.current().nextInt(36), 36));
        }
        return sb.toString();
    }

    /** Builds both paths. */
    void build() throws IOException {
        Runtime.getRuntime().addShutdownHook(hook);
        for (String ns : new String[] {nsStack, nsA, nsB}) {
            Shell.check("ip", "netns", "add", ns);
            namespaces.push(ns);
            Path etc = Path.of("/etc/netns", ns);
            Files.createDirectories(etc);
            Files.writeString(etc.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
            Shell.check("ip", "-n", ns, "link", "set", "lo", "up");
        }
        // Kernel path: veth A <-> B.
        String va = "l4jb" + id + "x";
        String vb = "l4jb" + id + "y";
        Shell.check("ip", "link", "add", va, "netns", nsA, "type", "veth", "peer", "name", vb, "netns", nsB);
        configure(nsA, va, VETH_A_IP + "/24", VETH_A_IP6 + "/64");
        configure(nsB, vb, VETH_B_IP + "/24", VETH_B_IP6 + "/64");
        for (String ip : new String[] {VETH_B_IP, VETH_B_IP6}) {
            DatagramChannel ch = open(nsB, new InetSocketAddress(InetAddress.getByName(ip), ECHO_PORT));
            kernelEchoes.add(ch);
            kernelEchoThreads.add(Thread.ofPlatform().daemon().name("kernel-echo " + ip).start(() -> kernelEchoLoop(ch)));
        }

        // Stack path: TAP made here, moved into S (its descriptor keeps working there).
        String t = "l4jb" + id + "t";
        tap = TapDriver.open(t, TuntapOptions.defaults());
        Shell.check("ip", "link", "set", "dev", t, "netns", nsStack);
        configure(nsStack, t, STACK_HOST_IP + "/24", STACK_HOST_IP6 + "/64");
        stack = Stack.create();
        stack.call(() -> {
            Netif n = stack.addNetif(tap, t);
            n.ip4().set(Ip4Interface.parse(STACK_IP + "/24"));
            n.ip6().add(Ip6Address.parse(STACK_IP6), 64);
            n.setUp(true);
            stack.netifs().setDefault(n);
            // Echo on both families: one pcb for IPv6 (dual-stack where UDP makes :: take both),
            // one for IPv4 unless the first took it already.
            for (IpAddress any : new IpAddress[] {IpAddress.ANY_TYPE, Ip4Address.ANY}) {
                UdpPcb echo = stack.newUdpPcb();
                Err e = echo.bind(any, ECHO_PORT);
                if (e != Err.OK) {
                    echo.close();
                    if (any == IpAddress.ANY_TYPE) {
                        throw new IllegalStateException("cannot bind the stack's echo port: " + e);
                    }
                    continue;
                }
                echo.onReceive((pcb, p, src, port, netif) -> {
                    pcb.sendTo(p, src, port);
                    p.free();
                });
            }
            return null;
        });
        stack.start();
        awaitStackIpv6(t);
    }

    /** Waits (at most 15 s) until duplicate address detection let the stack use its IPv6 addresses. */
    private void awaitStackIpv6(String dev) throws IOException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (stack.call(() -> {
            Netif n = stack.netifs().byName(dev);
            return n.ip6().linkLocal() == null || n.ip6().all().stream().anyMatch(e -> !e.state().isValid());
        })) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the stack's IPv6 addresses did not become usable");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    /** Addresses on {@code dev} in {@code ns}, without DAD on the kernel's side (usable at once), no RAs taken. */
    private static void configure(String ns, String dev, String cidr, String cidr6) throws IOException {
        Shell.check("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf." + dev + ".accept_dad=0");
        Shell.check("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf." + dev + ".accept_ra=0");
        Shell.check("ip", "-n", ns, "addr", "add", cidr, "dev", dev);
        Shell.check("ip", "-n", ns, "-6", "addr", "add", cidr6, "dev", dev, "nodad");
        Shell.check("ip", "-n", ns, "link", "set", "dev", dev, "up");
    }

    /** A UDP socket made inside namespace {@code ns}, bound to {@code local} (blocking). */
    static DatagramChannel open(String ns, InetSocketAddress local) throws IOException {
        try {
            return NetNamespace.call(ns, () -> {
                DatagramChannel ch = DatagramChannel.open();
                ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
                ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 1 << 20);
                ch.bind(local);
                return ch;
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static void kernelEchoLoop(DatagramChannel kernelEcho) {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        try {
            while (true) {
                buf.clear();
                var from = kernelEcho.receive(buf);
                buf.flip();
                kernelEcho.send(buf, from);
            }
        } catch (ClosedChannelException done) {
            // close() ends the server.
        } catch (IOException e) {
            System.err.println("kernel echo server stopped: " + e);
        }
    }

    /** The stack (for its stats). */
    Stack stack() {
        return stack;
    }

    @Override
    public void close() {
        if (stack != null) {
            stack.close();
        } else if (tap != null) {
            tap.close();
        }
        for (DatagramChannel ch : kernelEchoes) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Closing only.
            }
        }
        for (Thread th : kernelEchoThreads) {
            try {
                th.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        removeNamespaces();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
    }

    private synchronized void removeNamespaces() {
        while (!namespaces.isEmpty()) {
            String ns = namespaces.pop();
            try {
                Shell.run(10, java.util.List.of("ip", "netns", "del", ns));
                Path etc = Path.of("/etc/netns", ns);
                Files.deleteIfExists(etc.resolve("resolv.conf"));
                Files.deleteIfExists(etc);
            } catch (IOException e) {
                System.err.println("could not remove namespace " + ns + ": " + e.getMessage());
            }
        }
    }
}
