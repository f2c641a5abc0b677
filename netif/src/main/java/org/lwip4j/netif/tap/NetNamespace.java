package org.lwip4j.netif.tap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;

/**
 * Runs code inside a named Linux network namespace (one made with {@code ip netns add},
 * bound at {@code /run/netns/NAME}) without moving the JVM: a fresh platform thread joins
 * the namespace with {@code setns(2)}, runs the task and ends. Descriptors the task opens
 * (a TAP device, a socket) stay in that namespace and work from every thread afterwards,
 * which is how a stack in the JVM's namespace drives a device in another.
 *
 * <p>Needs {@code CAP_SYS_ADMIN}. The task should not start threads of its own: they would
 * inherit the namespace.
 */
public final class NetNamespace {
    private static final String RUN_NETNS = "/run/netns/";

    private NetNamespace() {
    }

    /**
     * Runs {@code task} in namespace {@code name} and returns its result; {@code null} as the
     * name runs it on the calling thread, in the JVM's namespace.
     *
     * @throws TuntapException when the namespace does not exist or cannot be joined
     * @throws Exception       what the task throws
     */
    public static <T> T call(String name, Callable<T> task) throws Exception {
        if (name == null) {
            return task.call();
        }
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("bad network namespace name \"" + name + "\"");
        }
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofPlatform().name("lwip4j-netns-" + name).daemon(true).unstarted(() -> {
            try {
                enter(name);
                result[0] = task.call();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = failure[0];
        if (f instanceof Exception e) {
            throw e;
        }
        if (f instanceof Error e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }

    /** Moves the calling thread into namespace {@code name}. */
    private static void enter(String name) throws TuntapException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.newState(a);
            String path = RUN_NETNS + name;
            int fd = Native.open(st, a.allocateFrom(path), Native.O_RDONLY | Native.O_CLOEXEC);
            if (fd < 0) {
                int err = Native.errno(st);
                if (err == Native.ENOENT) {
                    throw new TuntapException("no network namespace \"" + name + "\" (" + path + " is missing; create it with: ip netns add " + name + ")", err);
                }
                throw TuntapException.of("cannot open network namespace " + path, err);
            }
            try {
                if (Native.setns(st, fd, Native.CLONE_NEWNET) < 0) {
                    int err = Native.errno(st);
                    if (err == Native.EPERM) {
                        throw new TuntapException("joining network namespace \"" + name + "\" needs CAP_SYS_ADMIN (run as root)", err);
                    }
                    throw TuntapException.of("setns into network namespace \"" + name + "\" failed", err);
                }
            } finally {
                Native.close(st, fd);
            }
        }
    }
}
