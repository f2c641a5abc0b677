package org.lwip4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.FrameTap;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.stack.Err;

/** A platform of in-memory devices: records what the run did, and lets a test inject and see frames. */
final class FakePlatform implements Platform {
    /** Fails every open with this message when set. */
    String failOpen;
    /** Only for this device, when set. */
    String failOpenOf;
    /** Whether devices count as created by the run. */
    boolean create = true;
    final List<FakeDriver> drivers = new ArrayList<>();
    final List<String> hostConfigured = new ArrayList<>();
    final List<FakeCapture> captures = new ArrayList<>();
    final CountDownLatch attached = new CountDownLatch(1);

    /**
     * A run of one device of {@code kind} named {@code name}: the stack 10.8.0.2/24, the host
     * side 10.8.0.1/24, the echo service only, stats every hour (never, in a test).
     */
    static RunPlan oneDevice(InterfaceSpec.Kind kind, String name) {
        return new RunPlan(List.of(new InterfaceSpec(kind, name, Ip4Interface.parse("10.8.0.2/24"), Ip4Interface.parse("10.8.0.1/24"),
                null, null, null, null)), null, false, Services.echoOnly(), Duration.ofHours(1), null);
    }

    @Override
    public synchronized OpenedDevice open(InterfaceSpec spec) throws DeviceException {
        if (failOpen != null && (failOpenOf == null || failOpenOf.equals(spec.name()))) {
            throw new DeviceException(failOpen);
        }
        FakeDriver d = new FakeDriver(spec.kind() == InterfaceSpec.Kind.TAP ? LinkType.ETHERNET : LinkType.IP, this);
        drivers.add(d);
        return new OpenedDevice(d, spec.name(), create, () -> "fake tx=" + d.sent.size());
    }

    @Override
    public synchronized void configureHost(InterfaceSpec spec, OpenedDevice device) {
        hostConfigured.add(device.name() + " " + spec.hostIp4() + (spec.hostIp6() != null ? " " + spec.hostIp6() : ""));
    }

    @Override
    public synchronized Capture openCapture(Path file, LinkType linkType, String interfaceName) {
        FakeCapture c = new FakeCapture();
        captures.add(c);
        return c;
    }

    /** A device in memory. */
    static final class FakeDriver implements NetifDriver {
        final LinkType type;
        final FakePlatform platform;
        final BlockingQueue<byte[]> sent = new LinkedBlockingQueue<>();
        final AtomicInteger closes = new AtomicInteger();
        volatile Netif netif;

        FakeDriver(LinkType type, FakePlatform platform) {
            this.type = type;
            this.platform = platform;
        }

        @Override
        public LinkType linkType() {
            return type;
        }

        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public void attach(Netif n) {
            netif = n;
            platform.attached.countDown();
        }

        @Override
        public Err transmit(Pbuf frame) {
            sent.add(frame.toByteArray());
            return Err.OK;
        }

        /** Hands a frame to the stack on its loop, as a driver polled by the loop does (so only once the loop runs). */
        void inject(byte[] frame) {
            Netif n = netif;
            n.context().loop().execute(() -> n.input(Pbuf.copyOf(frame, 64)));
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /** A capture that counts. */
    static final class FakeCapture implements Capture {
        final AtomicLong frames = new AtomicLong();
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public FrameTap tap() {
            return (netif, frame, outbound) -> frames.incrementAndGet();
        }

        @Override
        public long frames() {
            return frames.get();
        }

        @Override
        public void close() throws IOException {
            closes.incrementAndGet();
        }
    }
}
