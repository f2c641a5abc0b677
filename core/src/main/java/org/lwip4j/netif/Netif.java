package org.lwip4j.netif;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.IoSource;
import org.lwip4j.stack.StackContext;

/**
 * A network interface of a stack (lwIP's {@code struct netif}): a driver, a name and
 * index, a MAC and MTU, flags, IPv4 addresses with a gateway, callbacks, and the input and
 * output paths between the driver and the protocols.
 *
 * <p>State changes and output happen on the stack's loop; {@link #input(Pbuf)} may be
 * called from any thread. Netifs are made by the stack ({@code Stack.addNetif}).
 */
public final class Netif {
    /** {@code NETIF_FLAG_UP}: administratively up. */
    public static final int FLAG_UP = 0x01;
    /** {@code NETIF_FLAG_BROADCAST}: the link can broadcast. */
    public static final int FLAG_BROADCAST = 0x02;
    /** {@code NETIF_FLAG_LINK_UP}: the link (carrier) is up. */
    public static final int FLAG_LINK_UP = 0x04;
    /** {@code NETIF_FLAG_ETHARP}: IPv4 next hops are resolved with ARP. */
    public static final int FLAG_ETHARP = 0x08;
    /** {@code NETIF_FLAG_ETHERNET}: frames are Ethernet. */
    public static final int FLAG_ETHERNET = 0x10;
    /** {@code NETIF_FLAG_IGMP}: IGMP is run on this netif. */
    public static final int FLAG_IGMP = 0x20;
    /** {@code NETIF_FLAG_MLD6}: MLD is run on this netif. */
    public static final int FLAG_MLD6 = 0x40;
    /** The loopback netif. */
    public static final int FLAG_LOOPBACK = 0x100;

    private static final System.Logger LOG = System.getLogger("org.lwip4j.netif");

    private final StackContext ctx;
    private final NetifDriver driver;
    private final String name;
    private final int index;
    private final LinkLayer link;
    private final LoopbackQueue loopback;
    private final List<NetifListener> listeners;
    private MacAddress mac;
    private int mtu;
    private int flags;
    private final Ip4Addresses ip4 = new Ip4Addresses(this);
    private final Ip6Addresses ip6 = new Ip6Addresses(this);
    private Consumer<Netif> statusCallback;
    private Consumer<Netif> linkCallback;
    private final ArrayBlockingQueue<Pbuf> inputQueue;
    /** Frames in {@link #inputQueue}: lets the loop skip the queue's lock on every idle turn. */
    private final AtomicInteger inputQueued = new AtomicInteger();
    private final IoSource inputDrain = this::drainInput;
    /** Per-netif counters (for the CLI and, later, SNMP's ifTable). */
    private final NetifCounters counters = new NetifCounters();
    private volatile boolean removed;
    private FrameTap tap;

    Netif(StackContext ctx, NetifDriver driver, String name, int index, MacAddress mac, int flags,
            LinkLayer link, LoopbackQueue loopback, List<NetifListener> listeners) {
        this.ctx = ctx;
        this.driver = driver;
        this.name = name;
        this.index = index;
        this.mac = mac;
        this.mtu = driver.mtu();
        this.flags = flags;
        this.link = link;
        this.loopback = loopback;
        this.listeners = listeners;
        this.inputQueue = new ArrayBlockingQueue<>(ctx.config().netifs().inputQueue());
    }

    /** The netif's name ({@code tap0}, {@code lo}, ...). */
    public String name() {
        return name;
    }

    /** The netif's index, unique in its stack and never 0 ({@code netif_get_index}). */
    public int index() {
        return index;
    }

    /** The driver under this netif. */
    public NetifDriver driver() {
        return driver;
    }

    /** The stack this netif belongs to. */
    public StackContext context() {
        return ctx;
    }

    /** The link layer that frames this netif's packets. */
    public LinkLayer link() {
        return link;
    }

    /** The netif's MAC ({@link MacAddress#ZERO} on links without one). */
    public MacAddress mac() {
        return mac;
    }

    /** Sets the MAC; on the loop. */
    public void setMac(MacAddress mac) {
        checkLoop();
        this.mac = Objects.requireNonNull(mac);
    }

    /** The MTU: largest IP packet the link carries. */
    public int mtu() {
        return mtu;
    }

    /** Sets the MTU (68..65535 for IPv4, RFC 791); on the loop. */
    public void setMtu(int mtu) {
        checkLoop();
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("MTU must be 68..65535, not " + mtu);
        }
        this.mtu = mtu;
    }

    /** The {@code FLAG_*} bits. */
    public int flags() {
        return flags;
    }

    /** True when {@code flag} is set. */
    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    /** Administratively up ({@code netif_is_up}). */
    public boolean isUp() {
        return (flags & FLAG_UP) != 0;
    }

    /** Link up ({@code netif_is_link_up}). */
    public boolean isLinkUp() {
        return (flags & FLAG_LINK_UP) != 0;
    }

    /** Up and link up: packets can flow. */
    public boolean isUsable() {
        return (flags & (FLAG_UP | FLAG_LINK_UP)) == (FLAG_UP | FLAG_LINK_UP);
    }

    /** Brings the netif up or down ({@code netif_set_up}/{@code netif_set_down}); on the loop. */
    public void setUp(boolean up) {
        checkLoop();
        if (up == isUp()) {
            return;
        }
        flags = up ? flags | FLAG_UP : flags & ~FLAG_UP;
        for (NetifListener l : listeners) {
            l.statusChanged(this);
        }
        fire(statusCallback);
    }

    /** Reports the link (carrier) up or down ({@code netif_set_link_up}/{@code _down}); on the loop. */
    public void setLinkUp(boolean up) {
        checkLoop();
        if (up == isLinkUp()) {
            return;
        }
        flags = up ? flags | FLAG_LINK_UP : flags & ~FLAG_LINK_UP;
        for (NetifListener l : listeners) {
            l.linkChanged(this);
        }
        fire(linkCallback);
    }

    /** Sets the flag bits given in {@code mask} to those of {@code value} (not UP or LINK_UP: use the setters). */
    public void setFlags(int mask, int value) {
        checkLoop();
        if ((mask & (FLAG_UP | FLAG_LINK_UP)) != 0) {
            throw new IllegalArgumentException("use setUp/setLinkUp for the UP and LINK_UP flags");
        }
        flags = (flags & ~mask) | (value & mask);
    }

    /** Called after {@link #setUp(boolean)} changes the state ({@code netif_set_status_callback}). */
    public void onStatusChange(Consumer<Netif> cb) {
        this.statusCallback = cb;
    }

    /** Called after {@link #setLinkUp(boolean)} changes the state ({@code netif_set_link_callback}). */
    public void onLinkChange(Consumer<Netif> cb) {
        this.linkCallback = cb;
    }

    private void fire(Consumer<Netif> cb) {
        if (cb != null) {
            try {
                cb.accept(this);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "netif callback of " + name + " failed", e);
            }
        }
    }

    /** The IPv4 addresses and gateway of this netif. */
    public Ip4Addresses ip4() {
        return ip4;
    }

    /** The IPv6 addresses (with their states and lifetimes) and default router of this netif. */
    public Ip6Addresses ip6() {
        return ip6;
    }

    void addressChanged(IpAddress old, IpAddress now) {
        for (NetifListener l : listeners) {
            l.addressChanged(this, old, now);
        }
    }

    void ip6AutoconfigChanged() {
        for (NetifListener l : listeners) {
            l.ip6AutoconfigChanged(this);
        }
    }

    void routesChanged() {
        for (NetifListener l : listeners) {
            l.routesChanged(this);
        }
    }

    /** Installs (or, with {@code null}, removes) a tap that sees every frame in and out; on the loop. */
    public void setTap(FrameTap tap) {
        checkLoop();
        this.tap = tap;
    }

    /** The installed tap, or {@code null}. */
    public FrameTap tap() {
        return tap;
    }

    /** Per-netif traffic counters. */
    public NetifCounters counters() {
        return counters;
    }

    /**
     * Hands a received frame to the stack ({@code netif->input}); takes over the caller's
     * reference. On the loop thread the frame is processed at once; from another thread it
     * is queued (bounded by {@code TCPIP_MBOX_SIZE}) and the loop woken; a full queue drops
     * the frame (counted) and returns {@link Err#MEM}. A frame for a removed netif is freed
     * on the loop and {@link Err#IF} returned.
     *
     * <p>Removal may happen on the loop while a driver thread is between its check of
     * {@code removed} and its enqueue. The enqueue is therefore followed by a second look at
     * the flag: the removal sets the flag before it empties the queue, so either that
     * emptying sees the frame, or this second look sees the flag and has the loop empty the
     * queue once more. No frame is left in the queue of a removed netif. A frame that was
     * queued is accepted ({@link Err#OK}) even when the removal came right after: it was
     * processed before the removal, or is discarded (counted) by it.
     */
    public Err input(Pbuf frame) {
        boolean onLoop = ctx.loop().inEventLoop();
        if (removed) {
            if (onLoop) {
                counters.inDiscards++;
                frame.free();
            } else {
                dropOffLoop(frame);
            }
            return Err.IF;
        }
        if (onLoop) {
            inputOnLoop(frame);
            return Err.OK;
        }
        if (!inputQueue.offer(frame)) {
            dropOffLoop(frame);
            return Err.MEM;
        }
        inputQueued.incrementAndGet();
        if (removed) {
            // Removed while we enqueued: the loop may have processed the frame before the
            // removal, or the removal's emptying may have missed it; either way it was
            // accepted, and what is still queued is freed (as a discard) on the loop.
            ctx.loop().execute(freeQueued);
        } else {
            ctx.loop().execute(NOTHING);
        }
        return Err.OK;
    }

    /**
     * A frame refused off the loop: counted with an atomic (the loop owns the other counters)
     * and freed on the loop, because pool memory is only ever touched there.
     */
    private void dropOffLoop(Pbuf frame) {
        counters.queueDrops.incrementAndGet();
        ctx.loop().execute(frame::free);
    }

    /** Frees every queued frame of a removed netif, counted as discarded; on the loop. */
    private final Runnable freeQueued = this::freeQueuedFrames;

    private void freeQueuedFrames() {
        Pbuf p;
        while ((p = inputQueue.poll()) != null) {
            inputQueued.decrementAndGet();
            counters.inDiscards++;
            p.free();
        }
    }

    private static final Runnable NOTHING = () -> { };

    /** Processes a received frame on the loop; takes over the reference. */
    void inputOnLoop(Pbuf frame) {
        if (!isUp()) {
            counters.inDiscards++;
            ctx.stats().link.drop++;
            frame.free();
            return;
        }
        counters.inPackets++;
        counters.inOctets += frame.totalLength();
        ctx.stats().link.recv++;
        FrameTap t = tap;
        if (t != null) {
            t.frame(this, frame, false);
        }
        link.input(this, frame);
    }

    IoSource inputDrain() {
        return inputDrain;
    }

    private int drainInput() {
        int n = 0;
        Pbuf p;
        if (inputQueued.get() == 0) {
            return 0;
        }
        while (n < 256 && (p = inputQueue.poll()) != null) {
            inputQueued.decrementAndGet();
            n++;
            inputOnLoop(p);
        }
        return n;
    }

    /**
     * Sends an IP packet of either family to the neighbour {@code nextHop} through the link
     * layer ({@code netif->output}, {@code netif->output_ip6}); does not take the caller's
     * reference. On the loop.
     */
    public Err output(Pbuf packet, IpAddress nextHop) {
        if (!isUsable()) {
            counters.outDiscards++;
            return Err.IF;
        }
        return link.output(this, packet, nextHop);
    }

    /** True when {@code a} is one of this netif's addresses, of either family (for IPv6 a valid one: not tentative or duplicate). */
    public boolean hasAddress(IpAddress a) {
        return switch (a) {
            case org.lwip4j.addr.Ip4Address a4 -> ip4.has(a4.bits());
            case org.lwip4j.addr.Ip6Address a6 -> ip6.has(a6.hi(), a6.lo());
        };
    }

    /**
     * Sends a complete frame through the driver ({@code netif->linkoutput}); does not take
     * the caller's reference. On the loop.
     */
    public Err linkOutput(Pbuf frame) {
        if (!isUsable()) {
            counters.outDiscards++;
            ctx.stats().link.drop++;
            return Err.IF;
        }
        if ((frame.offloadFlags() & Pbuf.OFFLOAD_NEEDS_CSUM) != 0 && !driver.completesChecksums()) {
            Checksum.completePartial(frame);
        }
        FrameTap t = tap;
        if (t != null) {
            t.frame(this, frame, true);
        }
        Err e = driver.transmit(frame);
        if (e == Err.OK) {
            counters.outPackets++;
            counters.outOctets += frame.totalLength();
            ctx.stats().link.xmit++;
        } else {
            counters.outDiscards++;
            ctx.stats().link.drop++;
        }
        return e;
    }

    /**
     * Sends an IP packet back into this netif's own input (lwIP's {@code netif_loop_output}):
     * copied and delivered on the next loop turn. Does not take the caller's reference.
     */
    public Err loopOutput(Pbuf packet) {
        Err e = loopback.enqueue(this, packet);
        if (e == Err.OK) {
            counters.outPackets++;
            counters.outOctets += packet.totalLength();
            ctx.stats().link.xmit++;
        }
        return e;
    }

    /**
     * Refuses input from now on and frees the queued frames (counted as discarded); on the
     * loop. The flag is set before the queue is emptied: see {@link #input(Pbuf)} for the
     * driver thread's side of this.
     */
    void markRemoved() {
        removed = true;
        ip6.stopTimers();
        freeQueuedFrames();
    }

    void checkLoop() {
        ctx.loop().checkInEventLoop("netif " + name + " changed");
    }

    @Override
    public String toString() {
        return name + "#" + index + ip4 + (ip6.count() == 0 ? "" : ip6.toString());
    }
}
