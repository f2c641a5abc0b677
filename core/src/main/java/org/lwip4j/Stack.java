package org.lwip4j;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.Ip;
import org.lwip4j.ipv4.Arp;
import org.lwip4j.ipv4.Ipv4;
import org.lwip4j.ipv6.Ipv6;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.raw.Raw;
import org.lwip4j.raw.RawPcb;
import org.lwip4j.stack.Clock;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ErrException;
import org.lwip4j.stack.EventLoop;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.Stats;
import org.lwip4j.tcp.Tcp;
import org.lwip4j.tcp.TcpPcb;
import org.lwip4j.udp.Udp;
import org.lwip4j.udp.UdpPcb;

/**
 * One TCP/IP stack: netifs, ARP, IPv4, ICMP, IPv6 with ICMPv6 and ND, UDP and raw pcbs, on one event loop (lwIP's
 * {@code tcpip_init} plus everything it sets up). Nothing is shared between stacks, so a
 * JVM can run thousands.
 *
 * <p>Threading: everything of a stack runs on its loop. Either give it a thread with
 * {@link #start()}, then enter from other threads with {@link #execute(Runnable)} or
 * {@link #call(Callable)}; or drive it yourself with {@link #poll(long)} (tests, the
 * simulator), in which case the polling thread is the loop.
 *
 * <pre>{@code
 * Stack stack = Stack.create();
 * Netif tap = stack.addNetif(driver, "tap0");
 * tap.ip4().set(Ip4Interface.parse("192.168.7.2/24"));
 * tap.setUp(true);
 * stack.netifs().setDefault(tap);
 * stack.start();
 * }</pre>
 */
public final class Stack implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final int id = IDS.incrementAndGet();
    private final StackContext ctx;
    private final NetifTable netifs;
    private final Ip ip;
    private final Arp arp;
    private final Ipv4 ipv4;
    private final Ipv6 ipv6;
    private final Udp udp;
    private final Raw raw;
    private final Tcp tcp;
    private volatile boolean closed;

    private Stack(StackConfig config, Clock clock) {
        this.ctx = new StackContext(config, clock);
        this.netifs = new NetifTable(ctx);
        // The floors, bottom up; which protocols a stack has is its configuration.
        // Through Protocols: the protocols' constructors are not API (docs/DESIGN.md "API surface").
        this.ip = Protocols.ip(netifs);
        this.arp = Protocols.arp(ctx, netifs);
        this.ipv4 = Protocols.ipv4(ctx, netifs, ip);
        this.ipv6 = config.ip6().enabled() ? Protocols.ipv6(ctx, netifs, ip) : null;
        this.udp = config.udp().enabled() ? Protocols.udp(ctx, ip) : null;
        this.raw = config.raw().enabled() ? Protocols.raw(ctx, ip) : null;
        this.tcp = config.tcp().enabled() ? Protocols.tcp(ctx, ip) : null;
        if (config.netifs().loopback()) {
            netifs.addLoopback();
        }
    }

    /** A stack with the JVM-host defaults on the system clock. */
    public static Stack create() {
        return create(StackConfig.defaults(), Clock.system());
    }

    /** A stack with {@code config} on the system clock. */
    public static Stack create(StackConfig config) {
        return create(config, Clock.system());
    }

    /** A stack with {@code config} on {@code clock} (a {@code VirtualClock} for deterministic tests). */
    public static Stack create(StackConfig config, Clock clock) {
        return new Stack(Objects.requireNonNull(config, "config"), Objects.requireNonNull(clock, "clock"));
    }

    /** What all layers share: config, clock, timers, loop, stats, pbuf pools, random source. */
    public StackContext context() {
        return ctx;
    }

    /** The configuration. */
    public StackConfig config() {
        return ctx.config();
    }

    /** The counters. */
    public Stats stats() {
        return ctx.stats();
    }

    /** The event loop. */
    public EventLoop loop() {
        return ctx.loop();
    }

    /** The netifs. */
    public NetifTable netifs() {
        return netifs;
    }

    /** The family-neutral IP layer: families, transports, routes. */
    public Ip ip() {
        return ip;
    }

    /** ARP. */
    public Arp arp() {
        return arp;
    }

    /** IPv4 (routing, ICMP, reassembly). */
    public Ipv4 ipv4() {
        return ipv4;
    }

    /** IPv6 (routing, ICMPv6, Neighbor Discovery, reassembly); an {@link IllegalStateException} when the configuration left it out. */
    public Ipv6 ipv6() {
        if (ipv6 == null) {
            throw new IllegalStateException("this stack has no IPv6 (StackConfig lwipIpv6(false))");
        }
        return ipv6;
    }

    /** UDP; an {@link IllegalStateException} when the configuration left it out. */
    public Udp udp() {
        if (udp == null) {
            throw new IllegalStateException("this stack has no UDP (StackConfig udpEnabled(false))");
        }
        return udp;
    }

    /** Raw pcbs; an {@link IllegalStateException} when the configuration left them out. */
    public Raw raw() {
        if (raw == null) {
            throw new IllegalStateException("this stack has no raw pcbs (StackConfig rawEnabled(false))");
        }
        return raw;
    }

    /** TCP; an {@link IllegalStateException} when the configuration left it out. */
    public Tcp tcp() {
        if (tcp == null) {
            throw new IllegalStateException("this stack has no TCP (StackConfig tcp(t -> t.enabled(false)))");
        }
        return tcp;
    }

    /**
     * A new TCP pcb ({@code tcp_new}); on the loop.
     *
     * @throws ErrException with {@link Err#MEM} when {@code MEMP_NUM_TCP_PCB} pcbs are in use
     */
    public TcpPcb newTcpPcb() {
        return tcp().newPcb();
    }

    /** Adds a netif over {@code driver}, MAC derived from the name; on the loop. */
    public Netif addNetif(NetifDriver driver, String name) {
        return netifs.add(driver, name, null);
    }

    /** Adds a netif over {@code driver} with {@code mac}; on the loop. */
    public Netif addNetif(NetifDriver driver, String name, MacAddress mac) {
        return netifs.add(driver, name, mac);
    }

    /**
     * A pbuf holding a copy of {@code data}, from the stack's pool with header room for every
     * layer: what an application sends. On the loop.
     *
     * @throws ErrException with {@link Err#MEM} when the pool has no room (counted in its {@code err})
     */
    public Pbuf pbuf(byte[] data) {
        ctx.loop().checkInEventLoop("pbuf allocated");
        Pbuf p = ctx.pbufs().allocPool(Layer.TRANSPORT, data.length);
        if (p == null) {
            throw new ErrException(Err.MEM, "the pbuf pool has no room for " + data.length + " bytes");
        }
        p.copyFrom(0, data, 0, data.length);
        return p;
    }

    /** Adds an IEEE 802.1Q VLAN netif on {@code parent} for VLAN {@code vid} ({@link NetifTable#addVlan}); on the loop. */
    public Netif addVlan(Netif parent, int vid, String name) {
        return netifs.addVlan(parent, vid, name);
    }

    /**
     * A new UDP pcb ({@code udp_new}); on the loop.
     *
     * @throws ErrException with {@link Err#MEM} when {@code MEMP_NUM_UDP_PCB} pcbs are in use
     */
    public UdpPcb newUdpPcb() {
        return udp().newPcb(false);
    }

    /**
     * A new UDP-Lite pcb; on the loop.
     *
     * @throws ErrException with {@link Err#MEM} when {@code MEMP_NUM_UDP_PCB} pcbs are in use
     */
    public UdpPcb newUdpLitePcb() {
        return udp().newPcb(true);
    }

    /**
     * A new raw pcb for an IP protocol ({@code raw_new}); on the loop.
     *
     * @throws ErrException with {@link Err#MEM} when {@code MEMP_NUM_RAW_PCB} pcbs are in use
     */
    public RawPcb newRawPcb(int protocol) {
        return raw().newPcb(protocol);
    }

    /** Runs {@code task} on the loop ({@code tcpip_callback}); from any thread. */
    public void execute(Runnable task) {
        ctx.loop().execute(task);
    }

    /**
     * Runs {@code task} on the loop and waits for its result (at most 10 s): for threads that
     * are not the loop. On the loop itself it runs at once.
     */
    public <T> T call(Callable<T> task) {
        if (ctx.loop().inEventLoop()) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        execute(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the stack's loop", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the stack's loop did not run the task within 10 s (is it started?)", e);
        }
    }

    /** One turn of the loop at {@code now} (clock nanoseconds): tasks, drivers, timers. Returns the work done. */
    public int poll(long now) {
        return ctx.loop().poll(now);
    }

    /** One turn of the loop at the clock's time. */
    public int poll() {
        return ctx.loop().poll();
    }

    /** Gives the stack a loop thread of its own. */
    public void start() {
        ctx.loop().start("lwip4j-" + id);
    }

    /** Stops the loop thread (if any) and closes every netif's driver; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean running = ctx.loop().isRunning();
        if (running) {
            try {
                call(() -> {
                    removeAllNetifs();
                    return null;
                });
            } catch (IllegalStateException e) {
                // The loop is stuck; stop it and close drivers from here.
            }
            ctx.loop().stop();
        } else {
            removeAllNetifs();
            ctx.loop().stop();
        }
    }

    private void removeAllNetifs() {
        for (Netif n : netifs.all()) {
            netifs.remove(n);
        }
        if (tcp != null) {
            Protocols.release(tcp);
        }
        Protocols.release(ip);
    }

    @Override
    public String toString() {
        return "Stack#" + id + netifs.all();
    }
}
