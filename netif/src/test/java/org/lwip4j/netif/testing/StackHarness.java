package org.lwip4j.netif.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.stack.Clock;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;

/**
 * A bare stack core (context, netif table, loop on its own thread) with one netif whose
 * frame tap records every received frame, for driver tests.
 */
public final class StackHarness implements AutoCloseable {
    /** Generous bound for the kernel to answer; never a timing assertion. */
    public static final long WAIT_SECONDS = 10;

    /** One received frame and what the pbuf said about it. */
    public record Rx(byte[] data, int nodes, int offloadFlags, int gsoType, int gsoSize, int csumStart, int csumOffset, int headroom,
            boolean firstNodeNative) {
    }

    public final StackContext ctx;
    public final NetifTable netifs;
    public final LinkedBlockingQueue<Rx> received = new LinkedBlockingQueue<>();
    public Netif netif;

    public StackHarness(StackConfig config) {
        ctx = new StackContext(config, Clock.system());
        netifs = new NetifTable(ctx);
    }

    public StackHarness() {
        this(StackConfig.defaults());
    }

    private void recordTap(Netif n) {
        n.setTap((nf, f, out) -> {
            if (!out) {
                received.add(new Rx(f.toByteArray(), f.chainLength(), f.offloadFlags(), f.gsoType(), f.gsoSize(), f.checksumStart(),
                        f.checksumOffset(), f.headroom(), f.segment().isNative()));
            }
        });
    }

    /** Adds the netif before the loop starts (the caller's thread counts as the loop). */
    public Netif addBeforeStart(NetifDriver driver, String name, long mac) {
        netif = netifs.add(driver, name, new MacAddress(mac));
        netif.setUp(true);
        recordTap(netif);
        return netif;
    }

    /** Adds the netif on the running loop. */
    public Netif addOnLoop(NetifDriver driver, String name, long mac) {
        netif = onLoop(() -> {
            Netif n = netifs.add(driver, name, new MacAddress(mac));
            n.setUp(true);
            recordTap(n);
            return n;
        });
        return netif;
    }

    public void start() {
        ctx.loop().start("test-loop");
    }

    /** Runs {@code task} on the loop and waits for its result. */
    public <T> T onLoop(Supplier<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        ctx.loop().execute(() -> {
            try {
                f.complete(task.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("task on the loop failed", e);
        }
    }

    /** Sends the frame {@code build} makes (on the loop) through the netif, frees it, returns the result. */
    public Err send(Function<StackContext, Pbuf> build) {
        return onLoop(() -> {
            Pbuf p = build.apply(ctx);
            try {
                return netif.linkOutput(p);
            } finally {
                p.free();
            }
        });
    }

    /** Sends a heap copy of {@code frame}. */
    public Err send(byte[] frame) {
        return send(c -> Pbuf.wrap(frame.clone()));
    }

    /** The first received frame matching {@code match}, skipping others; fails after {@link #WAIT_SECONDS}. */
    public Rx expect(Predicate<byte[]> match, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("no " + what + " arrived within " + WAIT_SECONDS + " s");
            }
            Rx r;
            try {
                r = received.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (r != null && match.test(r.data())) {
                return r;
            }
        }
    }

    @Override
    public void close() {
        ctx.loop().stop();
        for (Netif n : netifs.all()) {
            netifs.remove(n);
        }
        // The loop does not close its waiter (an EpollWaiter holds two descriptors).
        ctx.loop().waiter().close();
    }
}
