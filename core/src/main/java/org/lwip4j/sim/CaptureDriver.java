package org.lwip4j.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.stack.EventLoop;
import org.lwip4j.stack.Err;

/**
 * The test netif (Netty's {@code EmbeddedChannel}, for a netif): it records every frame
 * the stack transmits, as a timestamped copy, and lets a test inject frames as if they had
 * been received, and switch the netif's admin and link state.
 *
 * <p>Works with or without a {@link Simulator}. Injection and state changes run on the
 * stack's loop: at once when called on it (or when the loop has no thread and is not being
 * polled elsewhere, the usual case in a test that polls the loop itself), else queued with
 * {@code execute}. The captured frames may be read from any thread.
 */
public final class CaptureDriver implements NetifDriver {
    private final LinkType linkType;
    private final int mtu;
    private final ConcurrentLinkedQueue<CapturedFrame> captured = new ConcurrentLinkedQueue<>();
    private volatile Netif netif;
    private volatile Err transmitResult = Err.OK;
    private long refused;
    private volatile int gsoTypes;
    private final java.util.Set<org.lwip4j.addr.MacAddress> filter = new java.util.LinkedHashSet<>();
    private final java.util.List<String> filterCalls = new java.util.ArrayList<>();

    /** An Ethernet test netif with MTU 1500. */
    public CaptureDriver() {
        this(LinkType.ETHERNET, 1500);
    }

    /** A test netif of {@code linkType} reporting {@code mtu}. */
    public CaptureDriver(LinkType linkType, int mtu) {
        this.linkType = Objects.requireNonNull(linkType, "linkType");
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("MTU must be 68..65535, not " + mtu);
        }
        this.mtu = mtu;
    }

    @Override
    public LinkType linkType() {
        return linkType;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    /** Binds the netif this driver serves. */
    @Override
    public void attach(Netif n) {
        if (netif != null) {
            throw new IllegalStateException("this driver is already attached to " + netif.name());
        }
        netif = n;
    }

    /** The netif, once attached. */
    public Netif netif() {
        return netif;
    }

    /**
     * Records a copy of the frame with the stack's clock and returns the configured result
     * ({@link Err#OK} by default); when that result is an error, the frame is not recorded.
     */
    @Override
    public Err transmit(Pbuf frame) {
        Err r = transmitResult;
        if (r != Err.OK) {
            refused++;
            return r;
        }
        Netif n = netif;
        long t = n != null ? n.context().clock().nanoTime() : 0;
        captured.add(new CapturedFrame(t, frame.toByteArray()));
        return Err.OK;
    }

    /** The multicast MACs the netif has asked this device to receive, in the order first asked. */
    public java.util.Set<org.lwip4j.addr.MacAddress> multicastFilter() {
        synchronized (filter) {
            return new java.util.LinkedHashSet<>(filter);
        }
    }

    /** Every filter call so far, as {@code +mac} (added) or {@code -mac} (removed). */
    public java.util.List<String> multicastFilterCalls() {
        synchronized (filter) {
            return java.util.List.copyOf(filterCalls);
        }
    }

    @Override
    public void setMulticastFilter(org.lwip4j.addr.MacAddress group, boolean add) {
        synchronized (filter) {
            if (add) {
                filter.add(group);
            } else {
                filter.remove(group);
            }
            filterCalls.add((add ? "+" : "-") + group);
        }
    }

    /** Declares the GSO super-frames this test device takes whole (bits {@code 1 << type}); none by default. */
    public void setGsoTypes(int types) {
        gsoTypes = types;
    }

    @Override
    public int gsoTypes() {
        return gsoTypes;
    }

    /** Makes later {@link #transmit} calls fail with {@code result} ({@link Err#OK} to succeed again). */
    public void setTransmitResult(Err result) {
        transmitResult = Objects.requireNonNull(result, "result");
    }

    /** Frames refused because of {@link #setTransmitResult(Err)}. */
    public long refused() {
        return refused;
    }

    /** Number of frames captured and not yet drained. */
    public int count() {
        return captured.size();
    }

    /** The captured frames, oldest first, left in place. */
    public List<CapturedFrame> frames() {
        return new ArrayList<>(captured);
    }

    /** Removes and returns the oldest captured frame, or {@code null}. */
    public CapturedFrame poll() {
        return captured.poll();
    }

    /** Removes and returns every captured frame, oldest first. */
    public List<CapturedFrame> drain() {
        List<CapturedFrame> out = new ArrayList<>(captured.size());
        CapturedFrame f;
        while ((f = captured.poll()) != null) {
            out.add(f);
        }
        return out;
    }

    /** Forgets every captured frame. */
    public void clear() {
        captured.clear();
    }

    /**
     * Hands a copy of {@code frame} to the netif as a received frame, in a pbuf of the
     * stack's pool. Returns {@link Err#MEM} (counted as the stack's {@code link.memerr})
     * when the pool is exhausted, {@link Err#IF} when no netif is attached.
     */
    public Err inject(byte[] frame) {
        return inject(frame, 0, frame.length);
    }

    /** As {@link #inject(byte[])} for {@code frame[off..off+len)}. */
    public Err inject(byte[] frame, int off, int len) {
        Objects.checkFromIndexSize(off, len, frame.length);
        Netif n = netif;
        if (n == null) {
            return Err.IF;
        }
        EventLoop loop = n.context().loop();
        if (loop.inEventLoop()) {
            return injectOnLoop(n, frame, off, len);
        }
        byte[] copy = Arrays.copyOfRange(frame, off, off + len);
        loop.execute(() -> injectOnLoop(n, copy, 0, copy.length));
        return Err.OK;
    }

    private static Err injectOnLoop(Netif n, byte[] frame, int off, int len) {
        Pbuf p = n.context().pbufs().allocPool(Layer.RAW, len);
        if (p == null) {
            n.context().stats().link.memerr++;
            n.context().stats().link.drop++;
            n.counters().inDiscards++;
            return Err.MEM;
        }
        p.copyFrom(0, frame, off, len);
        return n.input(p);
    }

    /** Brings the netif up or down ({@code netif_set_up}/{@code _down}). */
    public void setUp(boolean up) {
        onLoop(n -> n.setUp(up));
    }

    /** Reports the carrier up or down ({@code netif_set_link_up}/{@code _down}). */
    public void setLinkUp(boolean up) {
        onLoop(n -> n.setLinkUp(up));
    }

    private void onLoop(Consumer<Netif> action) {
        Netif n = netif;
        if (n == null) {
            throw new IllegalStateException("the capture driver is not attached to a netif");
        }
        EventLoop loop = n.context().loop();
        if (loop.inEventLoop()) {
            action.accept(n);
        } else {
            loop.execute(() -> action.accept(n));
        }
    }
}
