package org.lwip4j.netif.tap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the TAP/TUN drivers need, bound with the Foreign Function &amp; Memory
 * API (no JNI). Every call that can fail captures {@code errno} into a caller-supplied
 * state segment ({@link #newState(Arena)}); each thread that makes calls uses its own
 * state segment. Results follow the C convention: {@code -1} on error, then
 * {@link #errno(MemorySegment)} says why.
 *
 * <p>Linux only; the constants are those of x86-64 and aarch64, which agree for all of them.
 * This is the one class that makes restricted FFM calls (run with
 * {@code --enable-native-access=ALL-UNNAMED}, or the module's name).
 */
@SuppressWarnings("restricted")
final class Native {
    // open(2) / fcntl(2)
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;

    // errno values (asm-generic)
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int ENXIO = 6;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int ENOTTY = 25;
    static final int ENOBUFS = 105;
    static final int EBADFD = 77;

    // <linux/if_tun.h>
    static final long TUNSETIFF = 0x400454caL;
    static final long TUNSETPERSIST = 0x400454cbL;
    static final long TUNGETFEATURES = 0x800454cfL;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final long TUNGETIFF = 0x800454d2L;
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    static final int IFF_TUN = 0x0001;
    static final int IFF_TAP = 0x0002;
    static final int IFF_NO_PI = 0x1000;
    static final int IFF_VNET_HDR = 0x4000;
    static final int IFF_TUN_EXCL = 0x8000;

    // <linux/sockios.h>, <net/if.h>
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCGIFADDR = 0x8915;
    static final long SIOCSIFADDR = 0x8916;
    static final long SIOCSIFNETMASK = 0x891c;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCSIFMTU = 0x8922;
    static final long SIOCSIFHWADDR = 0x8924;
    static final long SIOCGIFHWADDR = 0x8927;
    static final long SIOCGIFINDEX = 0x8933;
    static final int IFF_UP = 0x1;
    static final int IFF_RUNNING = 0x40;
    static final int IFNAMSIZ = 16;
    /** {@code sizeof(struct ifreq)} on 64-bit Linux. */
    static final int IFREQ_SIZE = 40;
    /** Offset of the union in {@code struct ifreq}. */
    static final int IFR_DATA = 16;

    // sockets
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int ARPHRD_ETHER = 1;

    // eventfd / epoll / setns
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLLIN = 0x001;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;
    static final int EPOLLONESHOT = 1 << 30;
    static final int CLONE_NEWNET = 0x40000000;

    /** {@code sizeof(struct epoll_event)}: packed on x86-64, naturally aligned elsewhere. */
    static final int EPOLL_EVENT_SIZE;
    /** Offset of {@code epoll_event.data}. */
    static final int EPOLL_DATA_OFFSET;
    /** {@code sizeof(struct iovec)}. */
    static final int IOVEC_SIZE = 16;
    /** Most iovecs one {@code readv}/{@code writev} takes ({@code IOV_MAX}). */
    static final int IOV_MAX = 1024;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPT = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2), ERRNO_OPT);
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO_OPT);
    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO_OPT);
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO_OPT);
    /** {@code write} allowed to read a heap segment in place (short call, no safepoint during it). */
    private static final MethodHandle WRITE_HEAP = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
            Linker.Option.critical(true), ERRNO_OPT);
    /** {@code write} without errno capture, for signalling an eventfd from any thread. */
    private static final MethodHandle WRITE_PLAIN = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle READV = bind("readv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO_OPT);
    private static final MethodHandle WRITEV = bind("writev", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO_OPT);
    private static final MethodHandle IOCTL_PTR = bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2), ERRNO_OPT);
    private static final MethodHandle IOCTL_LONG = bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(2), ERRNO_OPT);
    private static final MethodHandle FCNTL = bind("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2), ERRNO_OPT);
    private static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO_OPT);
    private static final MethodHandle EPOLL_CREATE1 = bind("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO_OPT);
    private static final MethodHandle EPOLL_CTL = bind("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), ERRNO_OPT);
    private static final MethodHandle EPOLL_WAIT = bind("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO_OPT);
    /** {@code epoll_pwait2} (glibc 2.35, Linux 5.11): nanosecond timeouts; {@code null} when absent. */
    private static final MethodHandle EPOLL_PWAIT2 = bindOptional("epoll_pwait2",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS), ERRNO_OPT);
    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO_OPT);
    private static final MethodHandle SOCKETPAIR = bind("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS),
            ERRNO_OPT);
    private static final MethodHandle SETNS = bind("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO_OPT);
    private static final MethodHandle STRERROR = bind("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    static {
        boolean packed = "amd64".equals(System.getProperty("os.arch")) || "x86_64".equals(System.getProperty("os.arch"));
        EPOLL_EVENT_SIZE = packed ? 12 : 16;
        EPOLL_DATA_OFFSET = packed ? 4 : 8;
    }

    private Native() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment sym = LIBC.find(name).orElseThrow(() -> new UnsupportedOperationException(
                "libc has no " + name + "(): the TAP/TUN drivers need Linux with glibc or musl"));
        return LINKER.downcallHandle(sym, fd, options);
    }

    private static MethodHandle bindOptional(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LIBC.find(name).map(sym -> LINKER.downcallHandle(sym, fd, options)).orElse(null);
    }

    /** A fresh errno capture segment from {@code arena}, for one thread's calls. */
    static MemorySegment newState(Arena arena) {
        return arena.allocate(STATE);
    }

    /** The errno the last call made with {@code state} left behind. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** True when {@code epoll_pwait2} is available. */
    static boolean hasEpollPwait2() {
        return EPOLL_PWAIT2 != null;
    }

    private static AssertionError broken(Throwable t) {
        return new AssertionError("native call failed unexpectedly", t);
    }

    static int open(MemorySegment st, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(st, path, flags, 0);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int close(MemorySegment st, int fd) {
        try {
            return (int) CLOSE.invokeExact(st, fd);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static long read(MemorySegment st, int fd, MemorySegment buf, long n) {
        try {
            return (long) READ.invokeExact(st, fd, buf, n);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static long write(MemorySegment st, int fd, MemorySegment buf, long n) {
        try {
            return (long) WRITE.invokeExact(st, fd, buf, n);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    /** {@code write} from a heap segment without copying it (a critical call). */
    static long writeHeap(MemorySegment st, int fd, MemorySegment heapBuf, long n) {
        try {
            return (long) WRITE_HEAP.invokeExact(st, fd, heapBuf, n);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    /** Writes the 8-byte value at {@code value} to eventfd {@code fd}; the result is ignored. */
    static void signal(int fd, MemorySegment value) {
        try {
            long r = (long) WRITE_PLAIN.invokeExact(fd, value, 8L);
            assert r == 8 || r < 0;
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static long readv(MemorySegment st, int fd, MemorySegment iov, int count) {
        try {
            return (long) READV.invokeExact(st, fd, iov, count);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static long writev(MemorySegment st, int fd, MemorySegment iov, int count) {
        try {
            return (long) WRITEV.invokeExact(st, fd, iov, count);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int ioctl(MemorySegment st, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL_PTR.invokeExact(st, fd, request, arg);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int ioctl(MemorySegment st, int fd, long request, long arg) {
        try {
            return (int) IOCTL_LONG.invokeExact(st, fd, request, arg);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int fcntl(MemorySegment st, int fd, int cmd, int arg) {
        try {
            return (int) FCNTL.invokeExact(st, fd, cmd, arg);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int eventfd(MemorySegment st, int initval, int flags) {
        try {
            return (int) EVENTFD.invokeExact(st, initval, flags);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int epollCreate1(MemorySegment st, int flags) {
        try {
            return (int) EPOLL_CREATE1.invokeExact(st, flags);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int epollCtl(MemorySegment st, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) EPOLL_CTL.invokeExact(st, epfd, op, fd, event);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int epollWait(MemorySegment st, int epfd, MemorySegment events, int max, int timeoutMillis) {
        try {
            return (int) EPOLL_WAIT.invokeExact(st, epfd, events, max, timeoutMillis);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    /** {@code epoll_pwait2} with {@code timeout} a {@code struct timespec}, or NULL for no limit. */
    static int epollPwait2(MemorySegment st, int epfd, MemorySegment events, int max, MemorySegment timeout) {
        try {
            return (int) EPOLL_PWAIT2.invokeExact(st, epfd, events, max, timeout, MemorySegment.NULL);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int socket(MemorySegment st, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(st, domain, type, protocol);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    /** {@code socketpair(domain, type, protocol, sv)}: the two descriptors land in {@code sv} (two ints). */
    static int socketpair(MemorySegment st, int domain, int type, int protocol, MemorySegment sv) {
        try {
            return (int) SOCKETPAIR.invokeExact(st, domain, type, protocol, sv);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int setns(MemorySegment st, int fd, int nstype) {
        try {
            return (int) SETNS.invokeExact(st, fd, nstype);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    /** The C library's text for {@code errno}. */
    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.equals(MemorySegment.NULL) ? "errno " + errno : s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    /** Sets or clears {@code O_NONBLOCK} on {@code fd}; returns 0 or -errno. */
    static int setNonBlocking(MemorySegment st, int fd, boolean on) {
        int fl = fcntl(st, fd, F_GETFL, 0);
        if (fl < 0) {
            return -errno(st);
        }
        int nfl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
        if (nfl != fl && fcntl(st, fd, F_SETFL, nfl) < 0) {
            return -errno(st);
        }
        return 0;
    }

    /** Writes an interface name into the first {@link #IFNAMSIZ} bytes of {@code ifr}. */
    static void putIfName(MemorySegment ifr, String name) {
        byte[] b = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MemorySegment.copy(b, 0, ifr, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
        ifr.set(java.lang.foreign.ValueLayout.JAVA_BYTE, b.length, (byte) 0);
    }

    /** Reads the interface name from the first {@link #IFNAMSIZ} bytes of {@code ifr}. */
    static String getIfName(MemorySegment ifr) {
        return ifr.asSlice(0, IFNAMSIZ).getString(0);
    }

    /**
     * Checks a Linux interface name: 1..15 bytes of printable ASCII without {@code /},
     * {@code :} or white space (as the kernel's {@code dev_valid_name}); {@code %d} is allowed
     * for the kernel to fill in.
     */
    static String checkIfName(String name) {
        if (name == null || name.isEmpty() || name.length() >= IFNAMSIZ) {
            throw new IllegalArgumentException("an interface name has 1 to 15 characters, not \"" + name + "\"");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("\"" + name + "\" is not a valid interface name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '/' || c == ':') {
                throw new IllegalArgumentException("interface name \"" + name + "\" has a character Linux refuses: '" + c + "'");
            }
        }
        return name;
    }
}
