package org.lwip4j.internal;

import java.lang.invoke.MethodHandles;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.lwip4j.ip.Ip;
import org.lwip4j.ipv4.Arp;
import org.lwip4j.ipv4.Ipv4;
import org.lwip4j.ipv6.Ipv6;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.raw.Raw;
import org.lwip4j.stack.StackContext;
import org.lwip4j.tcp.Tcp;
import org.lwip4j.udp.Udp;

/**
 * How {@code org.lwip4j.Stack} reaches the protocols' package-private constructors and
 * lifecycle methods, which are not API (the JDK's {@code SharedSecrets} pattern). Each
 * protocol class hands its factory in from its static initializer; a getter initializes the
 * class first, so the factory is there when the stack asks. This package is not exported
 * by the module {@code org.lwip4j.core}: on the module path only lwip4j's own code reaches it.
 *
 * <p>For assembly and teardown only: nothing here is called per packet.
 */
public final class Assembly {
    /** Builds the family-neutral IP layer; {@link #release} frees what the families hold. */
    public interface IpFactory {
        /** {@code new Ip(netifs)}. */
        Ip create(NetifTable netifs);

        /** {@code ip.release()}: the stack is closing. */
        void release(Ip ip);
    }

    /** Builds ARP. */
    public interface ArpFactory {
        /** {@code new Arp(ctx, netifs)}. */
        Arp create(StackContext ctx, NetifTable netifs);
    }

    /** Builds a network protocol (one IP family). */
    public interface FamilyFactory<T> {
        /** {@code new Ipv4(ctx, netifs, ip)} or {@code new Ipv6(...)}. */
        T create(StackContext ctx, NetifTable netifs, Ip ip);
    }

    /** Builds a transport (UDP, raw). */
    public interface TransportFactory<T> {
        /** {@code new Udp(ctx, ip)} or {@code new Raw(ctx, ip)}. */
        T create(StackContext ctx, Ip ip);
    }

    /** Builds TCP; {@link #release} frees its pcbs' queued pbufs. */
    public interface TcpFactory extends TransportFactory<Tcp> {
        /** {@code tcp.release()}: the stack is closing. */
        void release(Tcp tcp);
    }

    // volatile: set by one thread's class initialization, read by any thread assembling a stack.
    private static volatile IpFactory ip;
    private static volatile ArpFactory arp;
    private static volatile FamilyFactory<Ipv4> ipv4;
    private static volatile FamilyFactory<Ipv6> ipv6;
    private static volatile TransportFactory<Udp> udp;
    private static volatile TransportFactory<Raw> raw;
    private static volatile TcpFactory tcp;

    private Assembly() {}

    /** From {@code Ip}'s static initializer: {@code Ip::new, Ip::release}. */
    public static void setIp(Function<NetifTable, Ip> create, Consumer<Ip> release) {
        Objects.requireNonNull(create, "create");
        Objects.requireNonNull(release, "release");
        ip = once(ip, new IpFactory() {
            @Override
            public Ip create(NetifTable netifs) {
                return create.apply(netifs);
            }

            @Override
            public void release(Ip i) {
                release.accept(i);
            }
        });
    }

    /** From {@code Arp}'s static initializer. */
    public static void setArp(ArpFactory f) {
        arp = once(arp, f);
    }

    /** From {@code Ipv4}'s static initializer. */
    public static void setIpv4(FamilyFactory<Ipv4> f) {
        ipv4 = once(ipv4, f);
    }

    /** From {@code Ipv6}'s static initializer. */
    public static void setIpv6(FamilyFactory<Ipv6> f) {
        ipv6 = once(ipv6, f);
    }

    /** From {@code Udp}'s static initializer. */
    public static void setUdp(TransportFactory<Udp> f) {
        udp = once(udp, f);
    }

    /** From {@code Raw}'s static initializer. */
    public static void setRaw(TransportFactory<Raw> f) {
        raw = once(raw, f);
    }

    /** From {@code Tcp}'s static initializer: {@code Tcp::new, Tcp::release}. */
    public static void setTcp(TransportFactory<Tcp> create, Consumer<Tcp> release) {
        Objects.requireNonNull(create, "create");
        Objects.requireNonNull(release, "release");
        tcp = once(tcp, new TcpFactory() {
            @Override
            public Tcp create(StackContext ctx, Ip ip) {
                return create.create(ctx, ip);
            }

            @Override
            public void release(Tcp t) {
                release.accept(t);
            }
        });
    }

    /** The IP layer's factory. */
    public static IpFactory ip() {
        if (ip == null) {
            initialize(Ip.class);
        }
        return ip;
    }

    /** ARP's factory. */
    public static ArpFactory arp() {
        if (arp == null) {
            initialize(Arp.class);
        }
        return arp;
    }

    /** IPv4's factory. */
    public static FamilyFactory<Ipv4> ipv4() {
        if (ipv4 == null) {
            initialize(Ipv4.class);
        }
        return ipv4;
    }

    /** IPv6's factory. */
    public static FamilyFactory<Ipv6> ipv6() {
        if (ipv6 == null) {
            initialize(Ipv6.class);
        }
        return ipv6;
    }

    /** UDP's factory. */
    public static TransportFactory<Udp> udp() {
        if (udp == null) {
            initialize(Udp.class);
        }
        return udp;
    }

    /** Raw pcbs' factory. */
    public static TransportFactory<Raw> raw() {
        if (raw == null) {
            initialize(Raw.class);
        }
        return raw;
    }

    /** TCP's factory. */
    public static TcpFactory tcp() {
        if (tcp == null) {
            initialize(Tcp.class);
        }
        return tcp;
    }

    private static <F> F once(F old, F f) {
        if (old != null) {
            throw new IllegalStateException("factory registered twice");
        }
        return Objects.requireNonNull(f, "factory");
    }

    /** Runs {@code owner}'s static initializer, which registers its factory. */
    private static void initialize(Class<?> owner) {
        try {
            MethodHandles.lookup().ensureInitialized(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
