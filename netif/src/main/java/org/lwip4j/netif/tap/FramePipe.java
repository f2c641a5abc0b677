package org.lwip4j.netif.tap;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A TUN/TAP device stand-in: one end of an {@code AF_UNIX} datagram socket pair is the
 * device a {@link TapDriver} or {@link TunDriver} reads and writes, exactly as it would a
 * descriptor of {@code /dev/net/tun} (one datagram per frame, as the device keeps frame
 * boundaries); the caller holds the other end, the "kernel side", where it writes the frames
 * the device would deliver (each with its virtio-net header when the device has one) and
 * reads what the stack sent. No root, no {@code /dev/net/tun}, nothing on the host: the
 * driver's whole native path (readv, write, epoll) runs.
 *
 * <p>For tests of the drivers and of programs built on them, and for the warm-up of
 * {@code lwip4j run}, which sends pings through a pipe so that the JIT has compiled the
 * device path before the real device's first frame. The kernel side is not thread-safe: one
 * thread uses it.
 */
public final class FramePipe implements AutoCloseable {
    private final Tuntap device;
    private final int peer;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = Native.newState(arena);
    private final MemorySegment buf = arena.allocate(70_000, 64);
    private boolean closed;

    private FramePipe(Tuntap device, int peer) {
        this.device = device;
        this.peer = peer;
    }

    /**
     * A pair whose device end is a {@code mode} device, with a 10-byte virtio-net header when {@code vnet}.
     *
     * @throws IllegalStateException when the system refuses the socket pair (out of descriptors)
     */
    public static FramePipe open(String name, Tuntap.Mode mode, boolean vnet) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.newState(a);
            MemorySegment sv = a.allocate(8, 4);
            if (Native.socketpair(st, Native.AF_UNIX, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0, sv) < 0) {
                throw new IllegalStateException("socketpair: " + Native.strerror(Native.errno(st)));
            }
            int dev = sv.get(JAVA_INT, 0);
            int peer = sv.get(JAVA_INT, 4);
            Native.setNonBlocking(st, peer, true);
            return new FramePipe(Tuntap.overDescriptor(dev, name, mode, vnet ? VirtioNetHeader.SIZE : 0), peer);
        }
    }

    /** The device end, for {@link TapDriver#of} or {@link TunDriver#of}; the driver owns and closes it. */
    public Tuntap device() {
        return device;
    }

    /** Delivers one frame to the device (header included when it has one); false when its queue is full. */
    public boolean send(byte[] frame) {
        return send(frame, frame.length);
    }

    /**
     * Delivers the first {@code length} bytes of {@code frame} as one frame; false when the
     * device's queue is full.
     *
     * @throws IllegalStateException when the write fails otherwise (the device end was closed)
     */
    public boolean send(byte[] frame, int length) {
        java.util.Objects.checkFromIndexSize(0, length, frame.length);
        MemorySegment.copy(MemorySegment.ofArray(frame), 0, buf, 0, length);
        long r = Native.write(state, peer, buf, length);
        if (r < 0 && Native.errno(state) == Native.EAGAIN) {
            return false;
        }
        if (r != length) {
            throw new IllegalStateException("write to the device's peer: " + r + " " + Native.strerror(Native.errno(state)));
        }
        return true;
    }

    /** The next frame the stack wrote to the device (header included), or {@code null} when none is waiting. */
    public byte[] receive() {
        long r = Native.read(state, peer, buf, buf.byteSize());
        if (r < 0) {
            return null;
        }
        byte[] b = new byte[(int) r];
        MemorySegment.copy(buf, 0, MemorySegment.ofArray(b), 0, (int) r);
        return b;
    }

    /**
     * The next frame the stack wrote, copied into {@code into} (cut at its length): the frame's
     * length, or -1 when none is waiting.
     */
    public int receive(byte[] into) {
        long r = Native.read(state, peer, buf, buf.byteSize());
        if (r < 0) {
            return -1;
        }
        int n = (int) Math.min(r, into.length);
        MemorySegment.copy(buf, 0, MemorySegment.ofArray(into), 0, n);
        return (int) r;
    }

    /** Reads and drops everything the stack wrote; returns how many frames. */
    public int drain() {
        int n = 0;
        while (Native.read(state, peer, buf, buf.byteSize()) >= 0) {
            n++;
        }
        return n;
    }

    /** Closes the test's end (the driver closes the device's). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Native.close(state, peer);
            arena.close();
        }
    }
}
