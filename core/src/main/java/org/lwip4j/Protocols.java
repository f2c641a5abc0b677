package org.lwip4j;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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
 * How {@link Stack} reaches the protocols' constructors and teardown, which are
 * package-private because they are not API (docs/DESIGN.md "API surface"). A module's code
 * may take a private lookup into any package of its own module ({@link
 * MethodHandles#privateLookupIn}), so the handles are resolved once, here, and used for
 * assembly and teardown only: nothing here runs per packet. The protocols know nothing of
 * it (no registration, no import upward), so the floors keep importing downward only.
 *
 * <p>A protocol whose constructor changes shape fails here, when this class is first used,
 * naming the constructor: every test that makes a stack shows it.
 */
final class Protocols {
    private static final MethodHandle IP = constructor(Ip.class, NetifTable.class);
    private static final MethodHandle ARP = constructor(Arp.class, StackContext.class, NetifTable.class);
    private static final MethodHandle IPV4 = constructor(Ipv4.class, StackContext.class, NetifTable.class, Ip.class);
    private static final MethodHandle IPV6 = constructor(Ipv6.class, StackContext.class, NetifTable.class, Ip.class);
    private static final MethodHandle UDP = constructor(Udp.class, StackContext.class, Ip.class);
    private static final MethodHandle RAW = constructor(Raw.class, StackContext.class, Ip.class);
    private static final MethodHandle TCP = constructor(Tcp.class, StackContext.class, Ip.class);
    private static final MethodHandle IP_RELEASE = release(Ip.class);
    private static final MethodHandle TCP_RELEASE = release(Tcp.class);

    private Protocols() {}

    static Ip ip(NetifTable netifs) {
        try {
            return (Ip) IP.invokeExact(netifs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Arp arp(StackContext ctx, NetifTable netifs) {
        try {
            return (Arp) ARP.invokeExact(ctx, netifs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ipv4 ipv4(StackContext ctx, NetifTable netifs, Ip ip) {
        try {
            return (Ipv4) IPV4.invokeExact(ctx, netifs, ip);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ipv6 ipv6(StackContext ctx, NetifTable netifs, Ip ip) {
        try {
            return (Ipv6) IPV6.invokeExact(ctx, netifs, ip);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Udp udp(StackContext ctx, Ip ip) {
        try {
            return (Udp) UDP.invokeExact(ctx, ip);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Raw raw(StackContext ctx, Ip ip) {
        try {
            return (Raw) RAW.invokeExact(ctx, ip);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Tcp tcp(StackContext ctx, Ip ip) {
        try {
            return (Tcp) TCP.invokeExact(ctx, ip);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ip.release()}: frees what the families hold; the stack is closing. */
    static void release(Ip ip) {
        try {
            IP_RELEASE.invokeExact(ip);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code tcp.release()}: frees the pcbs' queued pbufs; the stack is closing. */
    static void release(Tcp tcp) {
        try {
            TCP_RELEASE.invokeExact(tcp);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static MethodHandle constructor(Class<?> type, Class<?>... parameters) {
        try {
            return MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                    .findConstructor(type, MethodType.methodType(void.class, parameters));
        } catch (ReflectiveOperationException e) {
            throw new LinkageError("no constructor " + type.getSimpleName() + MethodType.methodType(void.class, parameters)
                    + " for the stack's assembly", e);
        }
    }

    private static MethodHandle release(Class<?> type) {
        try {
            return MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                    .findVirtual(type, "release", MethodType.methodType(void.class));
        } catch (ReflectiveOperationException e) {
            throw new LinkageError("no " + type.getSimpleName() + ".release() for the stack's teardown", e);
        }
    }

    /** What a constructor threw, unchanged (they throw only unchecked exceptions). */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
