package org.lwip4j.netif;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.lwip4j.addr.Ip4Address;
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
    private final List<Ip4Interface> ip4 = new ArrayList<>(2);
    /** Each address's bits, in the order of {@link #ip4}: what the per-packet checks read. */
    private int[] ip4Bits = new int[0];
    /** Each subnet's directed broadcast, or -1 for a /31 or /32 (never looked up: -1 is answered first). */
    private int[] ip4Broadcasts = new int[0];
    private Ip4Address gateway4 = Ip4Address.ANY;
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
        this.inputQueue = new ArrayBlockingQueue<>(ctx.config().netifInputQueue());
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

    /** The IPv4 addresses, primary first. */
    public List<Ip4Interface> ip4Addresses() {
        return List.copyOf(ip4);
    }

    /** Number of IPv4 addresses. */
    public int ip4Count() {
        return ip4.size();
    }

    /** IPv4 address {@code i} (0 is primary). */
    public Ip4Interface ip4At(int i) {
        return ip4.get(i);
    }

    /** The primary IPv4 address, or {@link Ip4Address#ANY} when there is none ({@code netif_ip4_addr}). */
    public Ip4Address ip4() {
        return ip4.isEmpty() ? Ip4Address.ANY : ip4.get(0).address();
    }

    /** The primary IPv4 subnet, or {@code null}. */
    public Ip4Interface ip4Primary() {
        return ip4.isEmpty() ? null : ip4.get(0);
    }

    /** The IPv4 gateway, or {@link Ip4Address#ANY} ({@code netif_ip4_gw}). */
    public Ip4Address gateway4() {
        return gateway4;
    }

    /** Sets the IPv4 gateway ({@code netif_set_gw}); on the loop. */
    public void setGateway4(Ip4Address gw) {
        checkLoop();
        this.gateway4 = Objects.requireNonNull(gw);
    }

    /**
     * Sets the primary IPv4 address, replacing the previous one ({@code netif_set_addr}); a
     * {@code null} removes it. Listeners hear of the change (ARP announces it). On the loop.
     */
    public void setIp4(Ip4Interface addr) {
        checkLoop();
        Ip4Address old = ip4.isEmpty() ? null : ip4.get(0).address();
        if (addr == null) {
            if (!ip4.isEmpty()) {
                ip4.remove(0);
            }
        } else if (ip4.isEmpty()) {
            ip4.add(addr);
        } else {
            ip4.set(0, addr);
        }
        indexIp4();
        Ip4Address now = addr == null ? null : addr.address();
        if (!Objects.equals(old, now)) {
            for (NetifListener l : listeners) {
                l.addressChanged(this, old, now);
            }
        }
    }

    /** Adds a further IPv4 address; throws if the netif already has it. On the loop. */
    public void addIp4(Ip4Interface addr) {
        checkLoop();
        for (Ip4Interface a : ip4) {
            if (a.address().equals(addr.address())) {
                throw new IllegalArgumentException(name + " already has " + addr.address());
            }
        }
        ip4.add(addr);
        indexIp4();
        for (NetifListener l : listeners) {
            l.addressChanged(this, null, addr.address());
        }
    }

    /** Removes an IPv4 address; returns false if the netif did not have it. On the loop. */
    public boolean removeIp4(Ip4Address addr) {
        checkLoop();
        for (int i = 0; i < ip4.size(); i++) {
            if (ip4.get(i).address().equals(addr)) {
                ip4.remove(i);
                indexIp4();
                for (NetifListener l : listeners) {
                    l.addressChanged(this, addr, null);
                }
                return true;
            }
        }
        return false;
    }

    /** Rebuilds {@link #ip4Bits} and {@link #ip4Broadcasts} after {@link #ip4} changed. */
    private void indexIp4() {
        int n = ip4.size();
        int[] bits = new int[n];
        int[] broadcasts = new int[n];
        for (int i = 0; i < n; i++) {
            Ip4Interface a = ip4.get(i);
            bits[i] = a.address().bits();
            broadcasts[i] = a.prefixLength() < 31 ? a.address().bits() | ~a.mask() : -1;
        }
        ip4Bits = bits;
        ip4Broadcasts = broadcasts;
    }

    /** True when {@code bits} is one of this netif's IPv4 addresses. */
    public boolean hasIp4(int bits) {
        for (int b : ip4Bits) {
            if (b == bits) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code bits} is a broadcast address on this netif: the limited broadcast, or
     * the directed broadcast of one of its subnets ({@code ip4_addr_isbroadcast}); and
     * {@code 0.0.0.0} (the old broadcast form), as lwIP does.
     */
    public boolean isBroadcast4(int bits) {
        if (bits == -1 || bits == 0) {
            return true;
        }
        if ((flags & FLAG_BROADCAST) == 0) {
            return false;
        }
        for (int b : ip4Broadcasts) {
            if (b == bits) {
                return true;
            }
        }
        return false;
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
     * queue once more. No frame is left in the queue of a removed netif.
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
            // Removed while we enqueued: the frame will not be processed; free what is queued on the loop.
            ctx.loop().execute(freeQueued);
            return Err.IF;
        }
        ctx.loop().execute(NOTHING);
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
     * Sends an IPv4 packet to {@code nextHop} through the link layer ({@code netif->output});
     * does not take the caller's reference. On the loop.
     */
    public Err output4(Pbuf packet, Ip4Address nextHop) {
        return output4(packet, nextHop.bits());
    }

    /** As {@link #output4(Pbuf, Ip4Address)} with the next hop's address bits: the allocation-free form IPv4 uses. */
    public Err output4(Pbuf packet, int nextHop) {
        if (!isUsable()) {
            counters.outDiscards++;
            return Err.IF;
        }
        return link.output4(this, packet, nextHop);
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
        freeQueuedFrames();
    }

    private void checkLoop() {
        ctx.loop().checkInEventLoop("netif " + name + " changed");
    }

    @Override
    public String toString() {
        return name + "#" + index + ip4;
    }
}
