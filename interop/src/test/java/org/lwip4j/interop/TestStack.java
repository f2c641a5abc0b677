package org.lwip4j.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.netif.FrameTap;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.tap.TapDriver;
import org.lwip4j.netif.tap.TuntapException;
import org.lwip4j.netif.tap.TuntapOptions;
import org.lwip4j.stack.StackConfig;

/**
 * A stack in this JVM wired to kernel namespaces by TAP devices, and everything made for it.
 * Each TAP is created in the JVM's namespace by the netif driver and then moved into the
 * test's namespace ({@code ip link set TAP netns NS}; INTEROP.md gotcha 1: the open
 * descriptor keeps working), where its host side gets its address. Add the links, then
 * {@link #start()} (so the loop waits in {@code epoll} on the devices); {@link #close()}
 * stops the stack (the TAPs disappear with their descriptors) and removes the namespaces
 * made through {@link #namespace()}, in reverse order, also when a test failed.
 */
final class TestStack implements AutoCloseable {
    private final Stack stack;
    private final List<TapPeer> peers = new ArrayList<>();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private boolean started;

    /** A stack with {@code config} (not yet started). */
    TestStack(StackConfig config) {
        this.stack = Stack.create(config);
    }

    /** A stack with the JVM-host defaults. */
    TestStack() {
        this(StackConfig.defaults());
    }

    /** The stack. */
    Stack stack() {
        return stack;
    }

    /** A new namespace, removed when this closes (after the stack). */
    NetNs namespace() {
        NetNs ns = NetNs.create();
        resources.push(ns);
        return ns;
    }

    /** Something else to close with the stack (before the namespaces made earlier). */
    <T extends AutoCloseable> T closeLater(T resource) {
        resources.push(resource);
        return resource;
    }

    /** A TAP of MTU 1500 between the stack ({@code stackCidr}) and {@code ns} ({@code hostCidr}). */
    TapPeer link(NetNs ns, String stackCidr, String hostCidr) {
        return link(ns, stackCidr, hostCidr, 1500, null);
    }

    /**
     * A TAP between the stack and namespace {@code ns}: the stack's netif gets
     * {@code stackCidr}, the host side {@code hostCidr}; both sides {@code mtu}. The netif
     * gets {@code tap} (a capture) before it comes up, when not null.
     */
    TapPeer link(NetNs ns, String stackCidr, String hostCidr, int mtu, FrameTap tap) {
        if (started) {
            throw new IllegalStateException("add links before start(), so the loop can wait on them in epoll");
        }
        String name = NetNs.uniqueName("t");
        TapDriver driver;
        try {
            driver = TapDriver.open(name, TuntapOptions.builder().mtu(mtu).build());
        } catch (TuntapException e) {
            throw new AssertionError("cannot create TAP " + name + ": " + e.getMessage(), e);
        }
        Ip4Interface stackIp = Ip4Interface.parse(stackCidr);
        Ip4Interface hostIp = Ip4Interface.parse(hostCidr);
        Netif netif;
        try {
            Cmd.check("ip", "link", "set", "dev", name, "netns", ns.name());
            ns.run("sysctl", "-qw", "net.ipv6.conf." + name + ".disable_ipv6=1").check();
            ns.run("ip", "link", "set", "dev", name, "mtu", Integer.toString(mtu)).check();
            ns.run("ip", "addr", "add", hostCidr, "dev", name).check();
            ns.run("ip", "link", "set", "dev", name, "up").check();
            netif = stack.call(() -> {
                Netif n = stack.addNetif(driver, name);
                n.setMtu(mtu);
                n.ip4().set(stackIp);
                if (tap != null) {
                    n.setTap(tap);
                }
                n.setUp(true);
                return n;
            });
        } catch (RuntimeException | AssertionError e) {
            driver.close();
            throw e;
        }
        TapPeer p = new TapPeer(ns, name, netif, stackIp, hostIp);
        peers.add(p);
        return p;
    }

    /**
     * A dual-stack TAP between the stack and {@code ns}: as {@link #link(NetNs, String, String,
     * int, FrameTap)}, and IPv6 on both sides: the stack's netif gets {@code stack6} (and forms
     * its link-local address), the host side {@code host6}. The host side neither runs DAD
     * ({@code accept_dad=0}: its addresses are usable at once, INTEROP.md gotcha 2) nor takes
     * router advertisements ({@code accept_ra=0}, gotcha 3).
     */
    TapPeer link6(NetNs ns, String stackCidr, String hostCidr, String stack6, String host6, int mtu) {
        if (started) {
            throw new IllegalStateException("add links before start(), so the loop can wait on them in epoll");
        }
        String name = NetNs.uniqueName("t");
        TapDriver driver;
        try {
            driver = TapDriver.open(name, TuntapOptions.builder().mtu(mtu).build());
        } catch (TuntapException e) {
            throw new AssertionError("cannot create TAP " + name + ": " + e.getMessage(), e);
        }
        Ip4Interface stackIp = Ip4Interface.parse(stackCidr);
        Ip4Interface hostIp = Ip4Interface.parse(hostCidr);
        int slash = stack6.indexOf('/');
        Ip6Address stackIp6 = Ip6Address.parse(stack6.substring(0, slash));
        int len6 = Integer.parseInt(stack6.substring(slash + 1));
        Netif netif;
        try {
            Cmd.check("ip", "link", "set", "dev", name, "netns", ns.name());
            ns.run("sysctl", "-qw", "net.ipv6.conf." + name + ".accept_dad=0").check();
            ns.run("sysctl", "-qw", "net.ipv6.conf." + name + ".accept_ra=0").check();
            ns.run("ip", "link", "set", "dev", name, "mtu", Integer.toString(mtu)).check();
            ns.run("ip", "addr", "add", hostCidr, "dev", name).check();
            ns.run("ip", "-6", "addr", "add", host6, "dev", name, "nodad").check();
            ns.run("ip", "link", "set", "dev", name, "up").check();
            netif = stack.call(() -> {
                Netif n = stack.addNetif(driver, name);
                n.setMtu(mtu);
                n.ip4().set(stackIp);
                n.ip6().add(stackIp6, len6);
                n.setUp(true);
                return n;
            });
        } catch (RuntimeException | AssertionError e) {
            driver.close();
            throw e;
        }
        TapPeer p = new TapPeer(ns, name, netif, stackIp, hostIp);
        peers.add(p);
        return p;
    }

    /**
     * Waits until every IPv6 address of the stack's netifs has left the tentative state
     * (duplicate address detection, RFC 4862 §5.4: about two seconds) and each netif has its
     * link-local address; fails after {@code limit}.
     */
    void awaitIpv6Ready(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            String pending = stack.call(() -> {
                StringBuilder sb = new StringBuilder();
                for (TapPeer p : peers) {
                    Ip6Addresses a = p.netif().ip6();
                    if (a.linkLocal() == null) {
                        sb.append(p.device()).append(" has no link-local address; ");
                    }
                    for (Ip6Addresses.Entry e : a.all()) {
                        if (e.state() == Ip6Addresses.State.TENTATIVE) {
                            sb.append(p.device()).append(' ').append(e).append("; ");
                        }
                    }
                }
                return sb.toString();
            });
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("IPv6 addresses still not ready after " + limit + ": " + pending);
            }
            Thread.sleep(50);
        }
    }

    /** Starts the stack's loop thread. */
    TestStack start() {
        stack.start();
        started = true;
        return this;
    }

    /** Runs {@code task} on the stack's loop and returns its result. */
    <T> T call(Callable<T> task) {
        return stack.call(task);
    }

    /** The links made so far. */
    List<TapPeer> peers() {
        return List.copyOf(peers);
    }

    @Override
    public void close() {
        Throwable first = null;
        try {
            stack.close();
        } catch (RuntimeException e) {
            first = e;
        }
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first != null) {
            throw new UncheckedIOException(new IOException("clean-up failed", first));
        }
    }
}
