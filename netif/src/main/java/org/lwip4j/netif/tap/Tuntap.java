package org.lwip4j.netif.tap;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Set;

/**
 * A Linux TAP or TUN device opened through {@code /dev/net/tun} with the Foreign Function
 * &amp; Memory API: {@code open}, {@code ioctl(TUNSETIFF)} with {@code IFF_NO_PI}, optionally
 * {@code IFF_VNET_HDR} with {@code TUNSETVNETHDRSZ} and {@code TUNSETOFFLOAD}; then
 * {@code read}/{@code readv}/{@code write}/{@code writev} of whole frames.
 *
 * <p>Opening attaches to an existing device of that name (persistent, or made with
 * {@code ip tuntap add}) or creates one, which disappears again when closed unless
 * persistent. A name containing {@code %d} lets the kernel number it ({@code tap%d}).
 * The device starts down; bring the host side up with {@link HostInterface}.
 *
 * <p>The I/O methods work from any thread; use one thread for reading and one for
 * writing at a time (each direction has its own errno buffer). They return the number of
 * bytes moved, or {@link #WOULD_BLOCK} when the descriptor is non-blocking and nothing is
 * ready; other failures throw {@link TuntapException}.
 */
public final class Tuntap implements AutoCloseable {
    /** What the device carries. */
    public enum Mode {
        /** Ethernet frames ({@code IFF_TAP}). */
        TAP,
        /** Bare IP packets ({@code IFF_TUN}). */
        TUN
    }

    /** Returned by the I/O methods when a non-blocking descriptor has nothing ready. */
    public static final int WOULD_BLOCK = -1;

    private static final System.Logger LOG = System.getLogger("org.lwip4j.netif.tap");
    private static final String DEV = "/dev/net/tun";

    private final int fd;
    private final String name;
    private final Mode mode;
    private final int vnetHeaderSize;
    private final String namespace;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment rxState;
    private final MemorySegment txState;
    private volatile boolean closed;

    private Tuntap(int fd, String name, Mode mode, int vnetHeaderSize, String namespace) {
        this.fd = fd;
        this.name = name;
        this.mode = mode;
        this.vnetHeaderSize = vnetHeaderSize;
        this.namespace = namespace;
        this.rxState = Native.newState(arena);
        this.txState = Native.newState(arena);
    }

    /** Opens (attaching to or creating) device {@code name} with default options. */
    public static Tuntap open(String name, Mode mode) throws TuntapException {
        return open(name, mode, TuntapOptions.defaults());
    }

    /**
     * Opens device {@code name} ({@code null}: the kernel picks {@code tapN}/{@code tunN}) in
     * {@code mode}, with the header, offload, exclusivity, persistence and namespace settings
     * of {@code options} (its receive settings are for the drivers).
     *
     * @throws TuntapException with a message saying what is missing: {@code /dev/net/tun},
     *                         {@code CAP_NET_ADMIN}, or a device that is busy or of another kind
     */
    public static Tuntap open(String name, Mode mode, TuntapOptions options) throws TuntapException {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(options, "options");
        String req = name == null ? (mode == Mode.TAP ? "tap%d" : "tun%d") : Native.checkIfName(name);
        try {
            return NetNamespace.call(options.namespace(), () -> doOpen(req, mode, options));
        } catch (TuntapException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new TuntapException("opening " + req + " failed: " + e, 0);
        }
    }

    private static Tuntap doOpen(String req, Mode mode, TuntapOptions options) throws TuntapException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.newState(a);
            int fd = Native.open(st, a.allocateFrom(DEV), Native.O_RDWR | Native.O_CLOEXEC);
            if (fd < 0) {
                throw openFailure(req, mode, Native.errno(st));
            }
            boolean ok = false;
            try {
                MemorySegment ifr = a.allocate(Native.IFREQ_SIZE);
                Native.putIfName(ifr, req);
                int flags = (mode == Mode.TAP ? Native.IFF_TAP : Native.IFF_TUN) | Native.IFF_NO_PI;
                if (options.vnetHeader()) {
                    flags |= Native.IFF_VNET_HDR;
                }
                if (options.exclusive()) {
                    flags |= Native.IFF_TUN_EXCL;
                }
                ifr.set(JAVA_SHORT, Native.IFR_DATA, (short) flags);
                if (Native.ioctl(st, fd, Native.TUNSETIFF, ifr) < 0) {
                    throw setIffFailure(req, mode, options, Native.errno(st));
                }
                String actual = Native.getIfName(ifr);
                int hdr = 0;
                if (options.vnetHeader()) {
                    MemorySegment sz = a.allocate(JAVA_INT);
                    sz.set(JAVA_INT, 0, VirtioNetHeader.SIZE);
                    if (Native.ioctl(st, fd, Native.TUNSETVNETHDRSZ, sz) < 0) {
                        throw TuntapException.of("TUNSETVNETHDRSZ on " + actual + " failed", Native.errno(st));
                    }
                    hdr = VirtioNetHeader.SIZE;
                    int bits = Offload.bits(options.offloads());
                    if (Native.ioctl(st, fd, Native.TUNSETOFFLOAD, bits) < 0) {
                        throw TuntapException.of("TUNSETOFFLOAD " + options.offloads() + " on " + actual
                                + " failed (this kernel may not support all of them)", Native.errno(st));
                    }
                }
                if (options.persistent() && Native.ioctl(st, fd, Native.TUNSETPERSIST, 1L) < 0) {
                    throw TuntapException.of("TUNSETPERSIST on " + actual + " failed", Native.errno(st));
                }
                LOG.log(System.Logger.Level.DEBUG, () -> "opened " + mode + " " + actual + " fd " + fd
                        + (options.namespace() != null ? " in netns " + options.namespace() : ""));
                Tuntap t = new Tuntap(fd, actual, mode, hdr, options.namespace());
                ok = true;
                return t;
            } finally {
                if (!ok) {
                    Native.close(st, fd);
                }
            }
        }
    }

    /**
     * A device over descriptor {@code fd} that is not {@code /dev/net/tun}: one end of a
     * datagram socket pair, which keeps frame boundaries as a TUN/TAP device does, so tests
     * and fuzzers drive the real receive and transmit paths (readv into pool buffers, epoll,
     * the virtio-net header) without a kernel device or root. Takes over {@code fd}.
     *
     * @param vnetHeaderSize 0, or 10 when every frame carries a virtio-net header
     */
    static Tuntap overDescriptor(int fd, String name, Mode mode, int vnetHeaderSize) {
        return new Tuntap(fd, name, mode, vnetHeaderSize, null);
    }

    /** Explains a failed {@code open("/dev/net/tun")} for device {@code name} (may be a {@code %d} pattern). */
    static TuntapException openFailure(String name, Mode mode, int errno) {
        return switch (errno) {
            case Native.ENOENT, Native.ENODEV, Native.ENXIO -> new TuntapException(
                    "cannot open " + DEV + ": " + Native.strerror(errno) + ". The kernel needs TUN/TAP support (CONFIG_TUN, "
                            + "'modprobe tun') and the device node (mknod /dev/net/tun c 10 200; chmod 0666 /dev/net/tun).",
                    errno);
            case Native.EACCES, Native.EPERM -> new TuntapException(
                    "cannot open " + DEV + ": permission denied. " + permissionHint(name, mode), errno);
            default -> TuntapException.of("cannot open " + DEV, errno);
        };
    }

    /**
     * The one way to use a device without root, for every "not allowed" message: root makes
     * a persistent device owned by the user once ({@code ip tuntap add ... user}), sets up its
     * host side, and opens {@code /dev/net/tun} to everyone (mode 0666, the usual default: the
     * kernel still checks each device's owner); the program then attaches to that device.
     * (Giving {@code java} file capabilities does not help with a 0600 {@code /dev/net/tun}
     * and breaks the JDK's launcher, so it is not suggested.)
     */
    public static String permissionHint(String name, Mode mode) {
        String kind = mode == Mode.TAP ? "tap" : "tun";
        String n = name == null || name.contains("%") ? kind + "0" : name;
        return "Run as root (sudo), or let root make a persistent device that you own, once: "
                + "'sudo ip tuntap add dev " + n + " mode " + kind + " user $USER', give its host side an address and "
                + "bring it up ('sudo ip addr add ADDR/LEN dev " + n + "; sudo ip link set " + n + " up'), and make sure "
                + DEV + " is mode 0666 ('sudo chmod 0666 " + DEV + "', the usual default); then attach to " + n
                + " as yourself.";
    }

    /** Explains a failed {@code TUNSETIFF}. */
    static TuntapException setIffFailure(String name, Mode mode, TuntapOptions options, int errno) {
        String kind = mode == Mode.TAP ? "tap" : "tun";
        return switch (errno) {
            case Native.EPERM, Native.EACCES -> new TuntapException(
                    "not allowed to create or attach " + kind + " device " + name + " (" + Native.strerror(errno) + "): "
                            + "creating one needs root (CAP_NET_ADMIN), attaching one needs to own it. "
                            + permissionHint(name, mode),
                    errno);
            case Native.EBUSY -> new TuntapException(
                    options.exclusive()
                            ? kind + " device " + name + " exists already and exclusive() was asked for: pick another name "
                                    + "or drop exclusive to attach to it."
                            : kind + " device " + name + " is busy: another process (or descriptor) has it open. Close that "
                                    + "one, or choose another name.",
                    errno);
            case Native.EINVAL -> new TuntapException(
                    "cannot use " + name + " as a " + kind + " device (" + Native.strerror(errno) + "): an interface of that "
                            + "name exists and is not a " + kind.toUpperCase(java.util.Locale.ROOT) + " device, or its "
                            + "flags (multi-queue, mode) differ. Delete it or choose another name.",
                    errno);
            default -> TuntapException.of("TUNSETIFF " + kind + " " + name + " failed", errno);
        };
    }

    /** The device's name as the kernel reports it. */
    public String name() {
        return name;
    }

    /** TAP or TUN. */
    public Mode mode() {
        return mode;
    }

    /** The file descriptor, valid until {@link #close()} (for example for {@link EpollWaiter#register(int)}). */
    public int fd() {
        return fd;
    }

    /** Bytes of virtio-net header in front of every frame read or written (0 or {@link VirtioNetHeader#SIZE}). */
    public int vnetHeaderSize() {
        return vnetHeaderSize;
    }

    /** The network namespace the device was opened in, or {@code null} for the JVM's own. */
    public String namespace() {
        return namespace;
    }

    /** True once {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }

    /** A handle for configuring the host side of this device (in the namespace it was opened in). */
    public HostInterface host() throws TuntapException {
        return HostInterface.open(name, namespace);
    }

    /** Makes reads and writes non-blocking ({@code O_NONBLOCK}) or blocking. */
    public void setNonBlocking(boolean on) throws TuntapException {
        try (Arena a = Arena.ofConfined()) {
            int r = Native.setNonBlocking(Native.newState(a), fd, on);
            if (r < 0) {
                throw TuntapException.of("fcntl O_NONBLOCK on " + name, -r);
            }
        }
    }

    /** Changes what the kernel may hand us ({@code TUNSETOFFLOAD}); needs the virtio-net header. */
    public void setOffloads(Set<Offload> offloads) throws TuntapException {
        if (vnetHeaderSize == 0 && !offloads.isEmpty()) {
            throw new IllegalStateException(name + " was opened without the virtio-net header; offloads need it");
        }
        ioctl("TUNSETOFFLOAD", Native.TUNSETOFFLOAD, Offload.bits(offloads));
    }

    /** Makes the device outlive this descriptor, or not ({@code TUNSETPERSIST}). */
    public void setPersistent(boolean on) throws TuntapException {
        ioctl("TUNSETPERSIST", Native.TUNSETPERSIST, on ? 1 : 0);
    }

    /** The {@code IFF_*} flags this kernel's TUN driver supports ({@code TUNGETFEATURES}). */
    public int features() throws TuntapException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.newState(a);
            MemorySegment v = a.allocate(JAVA_INT);
            if (Native.ioctl(st, fd, Native.TUNGETFEATURES, v) < 0) {
                throw TuntapException.of("TUNGETFEATURES on " + name, Native.errno(st));
            }
            return v.get(JAVA_INT, 0);
        }
    }

    private void ioctl(String what, long req, long arg) throws TuntapException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.newState(a);
            if (Native.ioctl(st, fd, req, arg) < 0) {
                throw TuntapException.of(what + " on " + name, Native.errno(st));
            }
        }
    }

    /** Reads one frame (with its virtio-net header, if any) into {@code dst}; bytes read, or {@link #WOULD_BLOCK}. */
    public int read(MemorySegment dst) throws TuntapException {
        return (int) check(readRaw(dst, dst.byteSize()), "read");
    }

    /** Reads one frame scattered over {@code count} {@code struct iovec}s at {@code iov}; bytes read, or {@link #WOULD_BLOCK}. */
    public long readv(MemorySegment iov, int count) throws TuntapException {
        return check(readvRaw(iov, count), "readv");
    }

    /** Writes one frame (header included, if any) from {@code src}, off-heap or heap; bytes written, or {@link #WOULD_BLOCK}. */
    public int write(MemorySegment src) throws TuntapException {
        long r = src.isNative() ? writeRaw(src, src.byteSize()) : writeHeapRaw(src, src.byteSize());
        return (int) check(r, "write");
    }

    /** Writes one frame gathered from {@code count} {@code struct iovec}s at {@code iov}; bytes written, or {@link #WOULD_BLOCK}. */
    public long writev(MemorySegment iov, int count) throws TuntapException {
        return check(writevRaw(iov, count), "writev");
    }

    private long check(long r, String op) throws TuntapException {
        if (r >= 0) {
            return r;
        }
        if (r == -Native.EAGAIN) {
            return WOULD_BLOCK;
        }
        throw TuntapException.of(op + " on " + name, (int) -r);
    }

    // Raw I/O for the drivers' hot paths: bytes, or -errno; EINTR is retried; no exceptions.

    long readRaw(MemorySegment dst, long n) {
        while (true) {
            long r = Native.read(rxState, fd, dst, n);
            if (r >= 0) {
                return r;
            }
            int e = Native.errno(rxState);
            if (e != Native.EINTR) {
                return -e;
            }
        }
    }

    long readvRaw(MemorySegment iov, int count) {
        while (true) {
            long r = Native.readv(rxState, fd, iov, count);
            if (r >= 0) {
                return r;
            }
            int e = Native.errno(rxState);
            if (e != Native.EINTR) {
                return -e;
            }
        }
    }

    long writeRaw(MemorySegment src, long n) {
        while (true) {
            long r = Native.write(txState, fd, src, n);
            if (r >= 0) {
                return r;
            }
            int e = Native.errno(txState);
            if (e != Native.EINTR) {
                return -e;
            }
        }
    }

    long writeHeapRaw(MemorySegment src, long n) {
        while (true) {
            long r = Native.writeHeap(txState, fd, src, n);
            if (r >= 0) {
                return r;
            }
            int e = Native.errno(txState);
            if (e != Native.EINTR) {
                return -e;
            }
        }
    }

    long writevRaw(MemorySegment iov, int count) {
        while (true) {
            long r = Native.writev(txState, fd, iov, count);
            if (r >= 0) {
                return r;
            }
            int e = Native.errno(txState);
            if (e != Native.EINTR) {
                return -e;
            }
        }
    }

    /**
     * Closes the descriptor; a non-persistent device disappears. Idempotent. No other thread
     * may be inside a read or write of this device when it is called.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.newState(a);
            if (Native.close(st, fd) < 0) {
                LOG.log(System.Logger.Level.WARNING, "close of " + name + " failed: " + Native.strerror(Native.errno(st)));
            }
        }
        arena.close();
    }

    @Override
    public String toString() {
        return mode + "[" + name + " fd=" + fd + (vnetHeaderSize > 0 ? " vnet" : "") + (namespace != null ? " netns=" + namespace : "") + "]";
    }
}
