package org.lwip4j.netif.tap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.MacAddress;

/**
 * The host (kernel) side of an interface, such as the TAP device a stack drives: bring it
 * up, set its MTU, MAC and addresses. Done with {@code ioctl}s on a datagram socket
 * ({@code SIOCSIFFLAGS}, {@code SIOCSIFMTU}, {@code SIOCSIFHWADDR}, {@code SIOCSIFADDR},
 * {@code SIOCSIFNETMASK}), not by running {@code ip}: no external tool, no process per call.
 *
 * <p>The socket is made in the given network namespace (or the JVM's own), so the handle
 * keeps acting there from any thread. Changes need {@code CAP_NET_ADMIN}. Thread-safe.
 */
public final class HostInterface implements AutoCloseable {
    private static final int EADDRNOTAVAIL = 99;
    private static final int IN6_IFREQ_SIZE = 24;

    private final String name;
    private final String namespace;
    private final int sock4;
    private final int sock6;
    private volatile boolean closed;

    private HostInterface(String name, String namespace, int sock4, int sock6) {
        this.name = name;
        this.namespace = namespace;
        this.sock4 = sock4;
        this.sock6 = sock6;
    }

    /** The interface {@code name} in the JVM's network namespace. */
    public static HostInterface open(String name) throws TuntapException {
        return open(name, null);
    }

    /**
     * The interface {@code name} in network namespace {@code namespace} ({@code null}: the
     * JVM's own). Fails when there is no such interface.
     */
    public static HostInterface open(String name, String namespace) throws TuntapException {
        Native.checkIfName(name);
        int[] socks;
        try {
            socks = NetNamespace.call(namespace, HostInterface::sockets);
        } catch (TuntapException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new TuntapException("cannot reach namespace " + namespace + ": " + e, 0);
        }
        HostInterface h = new HostInterface(name, namespace, socks[0], socks[1]);
        try {
            h.index();
        } catch (TuntapException e) {
            h.close();
            throw e;
        }
        return h;
    }

    private static int[] sockets() throws TuntapException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.newState(a);
            int s4 = Native.socket(st, Native.AF_INET, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0);
            if (s4 < 0) {
                throw TuntapException.of("socket(AF_INET)", Native.errno(st));
            }
            // IPv6 may be disabled; then only the IPv6 calls fail.
            int s6 = Native.socket(st, Native.AF_INET6, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0);
            return new int[] {s4, s6};
        }
    }

    /** The interface's name. */
    public String name() {
        return name;
    }

    /** The namespace it lives in, or {@code null} for the JVM's own. */
    public String namespace() {
        return namespace;
    }

    /** The interface index ({@code SIOCGIFINDEX}). */
    public int index() throws TuntapException {
        return getInt(Native.SIOCGIFINDEX, "SIOCGIFINDEX");
    }

    /** The {@code IFF_*} flags ({@code SIOCGIFFLAGS}). */
    public int flags() throws TuntapException {
        return getInt(Native.SIOCGIFFLAGS, "SIOCGIFFLAGS") & 0xffff;
    }

    /** True when administratively up ({@code IFF_UP}). */
    public boolean isUp() throws TuntapException {
        return (flags() & Native.IFF_UP) != 0;
    }

    /** True when up with carrier ({@code IFF_RUNNING}: for a TAP, someone has it open). */
    public boolean isRunning() throws TuntapException {
        return (flags() & Native.IFF_RUNNING) != 0;
    }

    /** Brings the interface up or down ({@code ip link set NAME up}). */
    public void setUp(boolean up) throws TuntapException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.newState(a);
            MemorySegment ifr = ifreq(a);
            ioctl(st, sock4, Native.SIOCGIFFLAGS, ifr, "SIOCGIFFLAGS");
            short f = ifr.get(JAVA_SHORT, Native.IFR_DATA);
            short nf = (short) (up ? f | Native.IFF_UP : f & ~Native.IFF_UP);
            if (nf != f) {
                ifr.set(JAVA_SHORT, Native.IFR_DATA, nf);
                ioctl(st, sock4, Native.SIOCSIFFLAGS, ifr, "SIOCSIFFLAGS");
            }
        }
    }

    /** The MTU ({@code SIOCGIFMTU}). */
    public int mtu() throws TuntapException {
        return getInt(Native.SIOCGIFMTU, "SIOCGIFMTU");
    }

    /** Sets the MTU ({@code ip link set NAME mtu N}). */
    public void setMtu(int mtu) throws TuntapException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(a);
            ifr.set(JAVA_INT, Native.IFR_DATA, mtu);
            ioctl(Native.newState(a), sock4, Native.SIOCSIFMTU, ifr, "SIOCSIFMTU " + mtu);
        }
    }

    /** The hardware address ({@code SIOCGIFHWADDR}). */
    public MacAddress mac() throws TuntapException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(a);
            ioctl(Native.newState(a), sock4, Native.SIOCGIFHWADDR, ifr, "SIOCGIFHWADDR");
            byte[] b = new byte[6];
            MemorySegment.copy(ifr, JAVA_BYTE, Native.IFR_DATA + 2, b, 0, 6);
            return MacAddress.of(b);
        }
    }

    /** Sets the hardware address ({@code ip link set NAME address MAC}). */
    public void setMac(MacAddress mac) throws TuntapException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(a);
            ifr.set(JAVA_SHORT, Native.IFR_DATA, (short) Native.ARPHRD_ETHER);
            byte[] b = mac.toBytes();
            MemorySegment.copy(b, 0, ifr, JAVA_BYTE, Native.IFR_DATA + 2, 6);
            ioctl(Native.newState(a), sock4, Native.SIOCSIFHWADDR, ifr, "SIOCSIFHWADDR " + mac);
        }
    }

    /** The primary IPv4 address, or {@link Ip4Address#ANY} when there is none ({@code SIOCGIFADDR}). */
    public Ip4Address address4() throws TuntapException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.newState(a);
            MemorySegment ifr = ifreq(a);
            if (Native.ioctl(st, sock4, Native.SIOCGIFADDR, ifr) < 0) {
                int e = Native.errno(st);
                if (e == EADDRNOTAVAIL) {
                    return Ip4Address.ANY;
                }
                throw failure("SIOCGIFADDR", e);
            }
            byte[] b = new byte[4];
            MemorySegment.copy(ifr, JAVA_BYTE, Native.IFR_DATA + 4, b, 0, 4);
            return Ip4Address.of(b);
        }
    }

    /**
     * Sets the primary IPv4 address and prefix ({@code SIOCSIFADDR} then
     * {@code SIOCSIFNETMASK}; the broadcast address follows): like
     * {@code ip addr add A/P dev NAME} on an interface that has no IPv4 address yet.
     */
    public void setAddress4(Ip4Address address, int prefixLength) throws TuntapException {
        Objects.requireNonNull(address, "address");
        Ip4Address mask = Ip4Address.netmask(prefixLength);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.newState(a);
            MemorySegment ifr = ifreq(a);
            putSockaddrIn(ifr, address);
            ioctl(st, sock4, Native.SIOCSIFADDR, ifr, "SIOCSIFADDR " + address);
            putSockaddrIn(ifr, mask);
            ioctl(st, sock4, Native.SIOCSIFNETMASK, ifr, "SIOCSIFNETMASK " + mask);
        }
    }

    /**
     * Adds an IPv6 address ({@code SIOCSIFADDR} with {@code struct in6_ifreq}); the kernel runs
     * duplicate address detection, so the address is tentative for about a second, and stays
     * so while the device has no carrier (nobody reading a TAP).
     */
    public void addAddress6(Ip6Address address, int prefixLength) throws TuntapException {
        if (sock6 < 0) {
            throw new TuntapException("IPv6 is not available in this namespace (socket(AF_INET6) failed)", 0);
        }
        if (prefixLength < 0 || prefixLength > 128) {
            throw new IllegalArgumentException("IPv6 prefix length out of range: " + prefixLength);
        }
        int index = index();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment req = a.allocate(IN6_IFREQ_SIZE, 8);
            MemorySegment.copy(address.toBytes(), 0, req, JAVA_BYTE, 0, 16);
            req.set(JAVA_INT, 16, prefixLength);
            req.set(JAVA_INT, 20, index);
            ioctl(Native.newState(a), sock6, Native.SIOCSIFADDR, req, "SIOCSIFADDR " + address + "/" + prefixLength);
        }
    }

    private static void putSockaddrIn(MemorySegment ifr, Ip4Address addr) {
        ifr.asSlice(Native.IFR_DATA, 16).fill((byte) 0);
        ifr.set(JAVA_SHORT, Native.IFR_DATA, (short) Native.AF_INET);
        MemorySegment.copy(addr.toBytes(), 0, ifr, JAVA_BYTE, Native.IFR_DATA + 4, 4);
    }

    private MemorySegment ifreq(Arena a) {
        if (closed) {
            throw new IllegalStateException("host interface handle for " + name + " is closed");
        }
        MemorySegment ifr = a.allocate(Native.IFREQ_SIZE, 8);
        Native.putIfName(ifr, name);
        return ifr;
    }

    private int getInt(long req, String what) throws TuntapException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(a);
            ioctl(Native.newState(a), sock4, req, ifr, what);
            return req == Native.SIOCGIFFLAGS ? ifr.get(JAVA_SHORT, Native.IFR_DATA) : ifr.get(JAVA_INT, Native.IFR_DATA);
        }
    }

    private void ioctl(MemorySegment st, int sock, long req, MemorySegment arg, String what) throws TuntapException {
        if (Native.ioctl(st, sock, req, arg) < 0) {
            throw failure(what, Native.errno(st));
        }
    }

    private TuntapException failure(String what, int errno) {
        String where = name + (namespace != null ? " in network namespace " + namespace : "");
        return switch (errno) {
            case Native.ENODEV, Native.ENXIO -> new TuntapException("no interface " + where, errno);
            case Native.EPERM, Native.EACCES -> new TuntapException(what + " on " + where
                    + " is not allowed: configuring the host side needs root or CAP_NET_ADMIN", errno);
            default -> TuntapException.of(what + " on " + where, errno);
        };
    }

    /** Closes the sockets; the interface is not changed. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.newState(a);
            Native.close(st, sock4);
            if (sock6 >= 0) {
                Native.close(st, sock6);
            }
        }
    }

    @Override
    public String toString() {
        return "HostInterface[" + name + (namespace != null ? " netns=" + namespace : "") + "]";
    }
}
