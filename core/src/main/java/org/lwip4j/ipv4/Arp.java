package org.lwip4j.ipv4;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PoolStats;
import org.lwip4j.netif.EthernetLink;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.AddressResolver;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifListener;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.netif.NetworkInput;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.Timer;
import org.lwip4j.wire.ArpPacket;
import org.lwip4j.wire.Drop;
import org.lwip4j.wire.EthernetFrame;

/**
 * ARP for IPv4 over Ethernet (RFC 826), with the host requirements of RFC 1122 §2.3.2 and
 * the conflict handling of RFC 5227: lwIP's {@code etharp.c}, written afresh.
 *
 * <h2>Sending ({@link #output})</h2>
 * The limited and directed broadcast addresses of the netif go to {@code ff:ff:ff:ff:ff:ff},
 * multicast groups to {@code 01:00:5e} plus the group's low 23 bits (RFC 1112 §6.4), and
 * other next hops to the address in the cache. An unknown next hop gets a
 * {@link ArpState#PENDING} entry and a broadcast request; the packet waits in the entry's
 * queue (a copy into pool pbufs, so the caller may reuse its pbuf at once). The request is
 * repeated once per {@code arpRetryInterval}, measured from the first request of that
 * entry, and the entry is given up at {@code arpMaxPending}; its packets are then freed and
 * counted as dropped. RFC 1122 §2.3.2.1 asks for at most one request per second per
 * destination; the retry interval is that bound.
 *
 * <h2>Queue policy</h2>
 * At most {@code arpQueueLen} packets per entry and {@code memNumArpQueue} over all
 * entries (pool {@code ARP_QUEUE}). When an entry's queue is full, its oldest packet is
 * dropped to make room: RFC 1122 §2.3.2.2 asks to keep "at least one (the latest)" packet,
 * and lwIP does the same. When all entries together hold {@code memNumArpQueue} packets, a
 * packet for an entry that already queues something replaces that entry's oldest (again
 * keeping the latest); a packet for an entry that queues nothing is refused with
 * {@link Err#MEM} ({@code etharp.memerr} and {@code etharp.drop} counted), as lwIP does
 * when {@code MEMP_ARP_QUEUE} is exhausted. Queued packets go out in order as soon as the
 * entry resolves.
 *
 * <h2>Cache</h2>
 * At most {@code arpTableSize} entries ({@link #tableStats()}), keyed by netif and
 * address. When full, a new entry evicts the stable entry confirmed longest ago, else the
 * oldest pending entry with an empty queue, else the oldest pending entry (its packets are
 * dropped and counted). Static entries are never evicted, aged or overwritten. A stable
 * entry lives {@code arpMaxAge} from its last confirmation; an entry that is used during the
 * last {@code min(30 s, arpMaxAge/2)} before that is re-requested by unicast to the known
 * address (RFC 1122 §2.3.2.1, "unicast poll"), switching to broadcast in the last half of
 * that window, at most once per retry interval, so an entry in use does not expire while
 * its owner answers (lwIP's {@code ARP_AGE_REREQUEST_USED_UNICAST/_BROADCAST}, which are
 * 30 s and 15 s before {@code ARP_MAXAGE}). An unused entry expires at {@code arpMaxAge}.
 *
 * <p>Every entry has its own {@link org.lwip4j.stack.Timer}, armed for the entry's next
 * event (retry, give-up or expiry), instead of lwIP's one-second {@code etharp_tmr} that
 * walks the whole table: timings are exact per entry rather than rounded to the tick, and
 * an idle stack has no timer waking it up at all (which matters with thousands of stacks
 * in one JVM).
 *
 * <h2>Receiving ({@link #input}), RFC 826 "Packet Reception"</h2>
 * Packets shorter than 28 bytes are dropped ({@code etharp.lenerr}), other hardware or
 * protocol types too ({@code etharp.proterr}). Our own packets reflected back (sender
 * hardware address ours and sender IP ours or 0.0.0.0) and packets whose sender hardware
 * address is a group address are ignored. If the sender's address
 * is in the cache, its entry is updated (merge); if the packet's target is one of the
 * netif's addresses, an entry is made if there was none; a request for one of the netif's
 * addresses is answered with a unicast reply from that address. An entry that becomes
 * resolved sends its queued packets. A gratuitous ARP from another station thus updates an
 * existing entry and makes none.
 *
 * <h2>Conflicts (RFC 5227 §2.4)</h2>
 * A packet from another station whose sender IP address is one of the netif's own is an
 * address conflict: it is not learned and not answered, it is counted ({@code etharp.err},
 * {@link #conflicts()}), logged, and reported to the {@link ArpConflictListener}s. The
 * address is defended with one announcement, at most once per {@link #DEFEND_INTERVAL}
 * per netif and address (§2.4 (b)/(c)). Whether to give the address up is the listeners'
 * decision (ACD, AutoIP, DHCP). lwIP without {@code LWIP_ACD} does not detect conflicts (it
 * even learns the other station's MAC for its own address); with ACD, {@code acd.c} defends
 * once per {@code DEFEND_INTERVAL} and otherwise gives the address up.
 *
 * <h2>Announcements (RFC 5227 §3)</h2>
 * When a netif gets an address, comes up or gets its link back, each of its addresses is
 * announced once with an ARP request whose sender and target IP are that address and whose
 * target hardware address is zero (lwIP's {@code etharp_gratuitous}); the repeated
 * announcements of RFC 5227 §2.3 belong to ACD.
 *
 * <h2>Netif events</h2>
 * When a netif goes down, or one of its addresses is removed or replaced, its dynamic
 * entries and their queues are dropped ({@link #flush}); static entries stay. When a netif
 * is removed, all its entries go. (lwIP's {@code etharp_cleanup_netif} also removes static
 * entries on netif down; we keep them, as static entries are configuration.)
 *
 * <p>All methods run on the stack's loop. Nothing on the send path to a resolved address
 * allocates.
 */
public final class Arp implements AddressResolver, NetworkInput {
    /** RFC 5227 §1.1 {@code DEFEND_INTERVAL}: at most one defending announcement per address in this time. */
    public static final Duration DEFEND_INTERVAL = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger("org.lwip4j.etharp");
    private static final long BROADCAST_MAC = 0xffff_ffff_ffffL;
    private static final long GROUP_BIT = 1L << 40;
    /** RFC 1112 §6.4: {@code 01:00:5e} followed by the low 23 bits of the group. */
    private static final long IP4_MULTICAST_MAC = 0x0100_5e00_0000L;
    /** Remembered defences (netif, address, time); a conflict that finds no slot free is not defended. */
    private static final int DEFENCE_SLOTS = 16;

    private final StackContext ctx;
    private final EthernetLink ethernet;
    private final ProtoStats stats;
    private final ArpCache cache;
    private final PoolStats queueStats;
    private final int queueLen;
    private final boolean staticEntries;
    private final long maxAge;
    private final long maxPending;
    private final long retryInterval;
    /** Age from which a used entry is re-requested by unicast. */
    private final long rerequestUnicastAge;
    /** Age from which a used entry is re-requested by broadcast. */
    private final long rerequestBroadcastAge;
    private final long defendInterval = DEFEND_INTERVAL.toNanos();

    private final List<ArpConflictListener> conflictListeners = new ArrayList<>(2);
    private final List<ArpObserver> observers = new ArrayList<>(2);
    private final Netif[] defenceNetif = new Netif[DEFENCE_SLOTS];
    private final int[] defenceIp = new int[DEFENCE_SLOTS];
    private final long[] defenceAt = new long[DEFENCE_SLOTS];
    /** ARP packets shorter than one node are copied here to be read in one piece. */
    private final MemorySegment scratch = MemorySegment.ofArray(new byte[ArpPacket.LEN]);
    private long conflicts;

    /**
     * ARP for the Ethernet netifs of {@code netifs}: registers itself as the handler of
     * EtherType 0x0806, as the IPv4 next-hop resolver and as a netif listener. On the loop.
     */
    Arp(StackContext ctx, NetifTable netifs) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        StackConfig c = ctx.config();
        this.ethernet = netifs.ethernet();
        this.stats = ctx.stats().etharp;
        this.cache = new ArpCache(c.arp().tableSize());
        this.queueStats = new PoolStats("ARP_QUEUE", c.arp().memNumQueue());
        this.queueLen = c.arp().queueLen();
        this.staticEntries = c.arp().supportStaticEntries();
        this.maxAge = c.arp().maxAge().toNanos();
        this.maxPending = c.arp().maxPending().toNanos();
        this.retryInterval = c.arp().retryInterval().toNanos();
        long lead = Math.min(Duration.ofSeconds(30).toNanos(), maxAge / 2);
        this.rerequestUnicastAge = maxAge - lead;
        this.rerequestBroadcastAge = maxAge - lead / 2;
        // Only the queue is memory that must drain; cache entries are live state, like pcbs.
        ctx.stats().addPool(queueStats);
        ethernet.register(EthernetFrame.TYPE_ARP, this);
        ethernet.registerResolver(4, this);
        // Not `implements NetifListener`: the events are wiring, not API.
        netifs.addListener(new NetifListener() {
            @Override
            public void statusChanged(Netif netif) {
                Arp.this.statusChanged(netif);
            }

            @Override
            public void linkChanged(Netif netif) {
                Arp.this.linkChanged(netif);
            }

            @Override
            public void addressChanged(Netif netif, IpAddress oldAddr, IpAddress newAddr) {
                Arp.this.addressChanged(netif, oldAddr, newAddr);
            }

            @Override
            public void removed(Netif netif) {
                Arp.this.removed(netif);
            }
        });
    }

    // ---------------------------------------------------------------------------------
    // Sending

    /**
     * Sends an IPv4 packet to {@code nextHop} on {@code netif} ({@code etharp_output}):
     * broadcast and multicast next hops are mapped, resolved ones sent at once, others
     * queued while a request goes out (see the class description). Does not take the
     * caller's reference: a queued packet is copied.
     *
     * @return {@link Err#OK} when sent or queued; {@link Err#MEM} when the packet could not
     *         be queued (no memory, queue bound, or a table full of static entries); the
     *         driver's error when sending failed
     */
    Err output(Netif netif, Pbuf packet, int ip) {
        assert ctx.loop().inEventLoop();
        if (netif.ip4().isBroadcast(ip)) {
            return ethernet.send(netif, packet, BROADCAST_MAC, EthernetFrame.TYPE_IPV4);
        }
        if ((ip & 0xf000_0000) == 0xe000_0000) {
            return ethernet.send(netif, packet, IP4_MULTICAST_MAC | (ip & 0x7f_ffff), EthernetFrame.TYPE_IPV4);
        }
        ArpSlot e = find(netif, ip);
        if (e != null && e.state.isResolved()) {
            stats.cachehit++;
            if (e.state != ArpState.STATIC) {
                rerequestIfAging(netif, e);
            }
            return ethernet.send(netif, packet, e.mac, EthernetFrame.TYPE_IPV4);
        }
        return query(netif, ip, e, packet);
    }

    /** As {@link #output(Netif, Pbuf, int)} for an IPv4 next hop. */
    @Override
    public Err output(Netif netif, Pbuf packet, IpAddress nextHop) {
        return output(netif, packet, ((Ip4Address) nextHop).bits());
    }

    /** The entry for {@code ip} on {@code netif}, or a static one for all netifs, or {@code null}. */
    private ArpSlot find(Netif netif, int ip) {
        ArpSlot e = cache.find(netif, ip);
        if (e == null && cache.hasWildcards()) {
            e = cache.find(null, ip);
        }
        return e;
    }

    /**
     * Positive advice (RFC 1122 §2.3.2.1 "higher-layer advice"): the upper layer made
     * progress through {@code nextHop}, so its entry counts as confirmed now: it neither ages
     * out nor is re-requested while a transfer keeps going. No timer work: the entry's
     * expiry timer reads {@code since} when it fires.
     */
    @Override
    public void confirm(Netif netif, IpAddress nextHop) {
        if (!(nextHop instanceof Ip4Address a)) {
            return;
        }
        ArpSlot e = cache.find(netif, a.bits());
        if (e != null && (e.state == ArpState.STABLE || e.state == ArpState.STABLE_REREQUESTING)) {
            e.state = ArpState.STABLE;
            e.since = ctx.now();
        }
    }

    /**
     * Negative advice (RFC 9293 MUST-20, RFC 1122 §2.3.2.1 and §3.3.1.4): the upper layer
     * made no progress through {@code nextHop}. A resolved entry is polled by unicast at once
     * and now lives only {@code arpMaxPending} more unless it is answered (or the upper layer
     * confirms it again); while it waits, every use re-requests it by broadcast once per
     * {@code arpRetryInterval}. An unanswered entry is forgotten, so the next packet resolves
     * the address afresh. Advice within {@code arpRetryInterval} of the last request sends
     * nothing; static and pending entries are left alone.
     */
    @Override
    public void suspect(Netif netif, IpAddress nextHop) {
        if (!(nextHop instanceof Ip4Address a)) {
            return;
        }
        ArpSlot e = cache.find(netif, a.bits());
        if (e == null || e.state != ArpState.STABLE && e.state != ArpState.STABLE_REREQUESTING) {
            return;
        }
        long now = ctx.now();
        if (e.state == ArpState.STABLE_REREQUESTING && now - e.lastRequestAt < retryInterval) {
            return;
        }
        long expireAt = now + maxPending;
        if (expireAt - (e.since + maxAge) < 0) {
            e.since = expireAt - maxAge; // "confirmed" just long enough ago to expire then
            timerOf(e).schedule(maxPending);
        }
        e.state = ArpState.STABLE_REREQUESTING;
        e.lastRequestAt = now;
        sendRequest(netif, e.mac, e.ip);
    }

    /** RFC 1122 §2.3.2.1 unicast poll of a used entry that is about to expire. */
    private void rerequestIfAging(Netif netif, ArpSlot e) {
        long now = ctx.now();
        long age = now - e.since;
        if (age < rerequestUnicastAge
                || e.state == ArpState.STABLE_REREQUESTING && now - e.lastRequestAt < retryInterval) {
            return;
        }
        long dst = age >= rerequestBroadcastAge ? BROADCAST_MAC : e.mac;
        e.state = ArpState.STABLE_REREQUESTING;
        e.lastRequestAt = now;
        sendRequest(netif, dst, e.ip);
    }

    /** The miss path of {@link #output}: queue on a pending entry, making it if needed ({@code etharp_query}). */
    private Err query(Netif netif, int ip, ArpSlot e, Pbuf packet) {
        boolean fresh = false;
        if (e == null) {
            e = newEntry(netif, ip, ArpState.PENDING);
            if (e == null) {
                stats.memerr++;
                stats.drop++;
                return Err.MEM;
            }
            long now = ctx.now();
            e.since = now;
            e.lastRequestAt = now;
            e.nextRequestAt = now + retryInterval;
            armPending(e, now);
            fresh = true;
        }
        int gen = e.generation;
        Err r = enqueue(e, packet);
        if (fresh) {
            // Queued first, so a reply that a synchronous driver delivers during this send
            // finds the packet and flushes it.
            sendRequest(netif, BROADCAST_MAC, ip);
            if (e.isSame(gen) && e.state.isResolved()) {
                sendQueued(e);
            }
        }
        return r;
    }

    private Err enqueue(ArpSlot e, Pbuf packet) {
        Pbuf copy = copyOf(packet);
        if (copy == null) {
            stats.memerr++;
            stats.drop++;
            return Err.MEM;
        }
        if (e.queued() >= queueLen || !queueStats.fits(1) && e.queued() > 0) {
            // RFC 1122 §2.3.2.2: keep the latest packet; the oldest of this entry makes room.
            dropQueued(e.poll());
            if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                LOG.log(System.Logger.Level.DEBUG, "queue for {0} full: oldest packet dropped", Ip4Address.of(e.ip));
            }
        } else if (!queueStats.fits(1)) {
            queueStats.err++;
            stats.memerr++;
            stats.drop++;
            copy.free();
            return Err.MEM;
        }
        e.offer(copy, queueLen);
        queueStats.take(1);
        return Err.OK;
    }

    private void dropQueued(Pbuf p) {
        p.free();
        queueStats.give(1);
        stats.drop++;
    }

    /** A copy of {@code p} in pool pbufs with link header room, offload marks kept; {@code null} when out of pbufs. */
    private Pbuf copyOf(Pbuf p) {
        int n = p.totalLength();
        Pbuf c = ctx.pbufs().allocPool(Layer.LINK, n);
        if (c == null) {
            return null;
        }
        c.copyFrom(0, p, 0, n);
        c.copyOffloadFrom(p, 0);
        return c;
    }

    /** Sends an entry's queued packets, oldest first, while the entry stays resolved. */
    private void sendQueued(ArpSlot e) {
        int gen = e.generation;
        while (e.isSame(gen) && e.state.isResolved() && e.queued() > 0) {
            Pbuf p = e.poll();
            queueStats.give(1);
            // A static entry for all netifs never queues; a queued entry has its netif.
            ethernet.send(e.netif, p, e.mac, EthernetFrame.TYPE_IPV4);
            p.free();
        }
    }

    /**
     * A new entry for ({@code netif}, {@code ip}), evicting one when the table is full (see
     * the class description); {@code null} when every entry is static.
     */
    private ArpSlot newEntry(Netif netif, int ip, ArpState state) {
        if (cache.isFull()) {
            ArpSlot victim = cache.victim(ctx.now());
            if (victim == null) {
                cache.stats.err++;
                LOG.log(System.Logger.Level.DEBUG, "ARP table full of static entries: no entry for {0}", Ip4Address.of(ip));
                return null;
            }
            LOG.log(System.Logger.Level.DEBUG, "ARP table full: evicting {0} ({1})", Ip4Address.of(victim.ip), victim.state);
            release(victim);
        }
        return cache.add(netif, ip, state);
    }

    /** Frees an entry: its queued packets are dropped (counted), its timer cancelled. */
    private void release(ArpSlot e) {
        Pbuf p;
        while ((p = e.poll()) != null) {
            dropQueued(p);
        }
        if (e.timer != null) {
            e.timer.cancel();
        }
        cache.remove(e);
    }

    // ---------------------------------------------------------------------------------
    // Timers

    private void armPending(ArpSlot e, long now) {
        long giveUpAt = e.since + maxPending;
        long at = e.nextRequestAt - giveUpAt < 0 ? e.nextRequestAt : giveUpAt;
        timerOf(e).schedule(at - now);
    }

    private Timer timerOf(ArpSlot e) {
        if (e.timer == null) {
            e.timer = ctx.timers().create(() -> onTimer(e));
        }
        return e.timer;
    }

    /** An entry's next event: a retry or the give-up of a pending entry, the expiry of a stable one. */
    private void onTimer(ArpSlot e) {
        if (e.state == null) {
            return;
        }
        long now = ctx.now();
        switch (e.state) {
            case PENDING -> {
                if (now - (e.since + maxPending) >= 0) {
                    giveUp(e);
                    return;
                }
                if (now - e.nextRequestAt >= 0) {
                    // Keep the cadence when handled a little late; restart it when more than an interval late.
                    e.nextRequestAt = now - e.nextRequestAt >= retryInterval ? now + retryInterval : e.nextRequestAt + retryInterval;
                    e.lastRequestAt = now;
                    armPending(e, now);
                    sendRequest(e.netif, BROADCAST_MAC, e.ip);
                } else {
                    armPending(e, now);
                }
            }
            case STABLE, STABLE_REREQUESTING -> {
                long expireAt = e.since + maxAge;
                if (now - expireAt >= 0) {
                    LOG.log(System.Logger.Level.DEBUG, "{0} on {1} expired", Ip4Address.of(e.ip), e.netif.name());
                    release(e);
                } else {
                    e.timer.schedule(expireAt - now);
                }
            }
            case STATIC -> { }
        }
    }

    private void giveUp(ArpSlot e) {
        stats.rterr++;
        LOG.log(System.Logger.Level.DEBUG, "no answer for {0} on {1}: {2} queued packets dropped",
                Ip4Address.of(e.ip), e.netif.name(), e.queued());
        release(e);
    }

    // ---------------------------------------------------------------------------------
    // Receiving

    /**
     * Handles an ARP packet received on {@code netif} (RFC 826 "Packet Reception"; lwIP's
     * {@code etharp_input}); takes over the caller's reference. See the class description.
     */
    @Override
    public void input(Netif netif, Pbuf packet, boolean linkBroadcast) {
        assert ctx.loop().inEventLoop();
        stats.recv++;
        int len = packet.totalLength();
        MemorySegment s;
        long off;
        if (len < ArpPacket.LEN) {
            s = null;
            off = 0;
        } else if (packet.isContiguous(0, ArpPacket.LEN)) {
            s = packet.segment();
            off = packet.offset();
        } else {
            packet.copyTo(0, scratch, 0, ArpPacket.LEN);
            s = scratch;
            off = 0;
        }
        int check = s == null ? -Drop.TRUNCATED.code() : ArpPacket.check(s, off, ArpPacket.LEN);
        if (check < 0) {
            if (check == -Drop.TRUNCATED.code()) {
                stats.lenerr++;
            } else {
                stats.proterr++;
            }
            stats.drop++;
            netif.counters().inDiscards++;
            packet.free();
            return;
        }
        int op = ArpPacket.operation(s, off);
        long sha = ArpPacket.senderMac(s, off);
        int spa = ArpPacket.senderIp(s, off);
        long tha = ArpPacket.targetMac(s, off);
        int tpa = ArpPacket.targetIp(s, off);
        packet.free();

        if (sha == netif.mac().bits() && (spa == 0 || netif.ip4().has(spa))) {
            // Our own packet, reflected by a hub, bridge or hairpin: everything we send has our
            // MAC and one of our addresses (or 0.0.0.0). A foreign sender address with our MAC
            // is another station misconfigured with our MAC; it is processed as any other.
            stats.drop++;
            return;
        }
        if ((sha & GROUP_BIT) != 0 || sha == 0) {
            // No station has a group or zero address (RFC 1812 §3.3.2 for routers; the same holds for hosts).
            stats.proterr++;
            stats.drop++;
            return;
        }
        for (int i = 0, n = observers.size(); i < n; i++) {
            try {
                observers.get(i).arp(netif, op, sha, spa, tha, tpa);
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "ARP observer failed", ex);
            }
        }
        if (spa != 0 && netif.ip4().has(spa)) {
            conflict(netif, spa, sha);
            return;
        }
        boolean forUs = tpa != 0 && netif.ip4().has(tpa);
        if (isUnicast(netif, spa)) {
            merge(netif, spa, sha, forUs);
        }
        if (op == ArpPacket.OP_REQUEST) {
            if (forUs) {
                // RFC 826: swap, put our addresses in as sender, answer on the same hardware.
                sendArp(netif, sha, ArpPacket.OP_REPLY, tpa, sha, spa);
            }
        } else if (op != ArpPacket.OP_REPLY) {
            stats.err++;
        }
    }

    private static boolean isUnicast(Netif netif, int ip) {
        return ip != 0 && !netif.ip4().isBroadcast(ip) && (ip & 0xf000_0000) != 0xe000_0000;
    }

    /**
     * RFC 826 merge: update the sender's entry if there is one; make one when the packet was
     * for us. A static entry is never changed.
     */
    private void merge(Netif netif, int ip, long mac, boolean create) {
        ArpSlot e = cache.find(netif, ip);
        if (e == null) {
            if (!create || cache.hasWildcards() && cache.find(null, ip) != null) {
                return;
            }
            e = newEntry(netif, ip, ArpState.STABLE);
            if (e == null) {
                return;
            }
        } else if (e.state == ArpState.STATIC) {
            return;
        } else if (e.state != ArpState.PENDING && e.mac != mac) {
            LOG.log(System.Logger.Level.DEBUG, "{0} on {1} moved from {2} to {3}",
                    Ip4Address.of(ip), netif.name(), new MacAddress(e.mac), new MacAddress(mac));
        }
        long now = ctx.now();
        e.state = ArpState.STABLE;
        e.mac = mac;
        e.since = now;
        timerOf(e).schedule(maxAge);
        sendQueued(e);
    }

    /** RFC 5227 §2.4: another station claims one of our addresses. */
    private void conflict(Netif netif, int ip, long mac) {
        conflicts++;
        stats.err++;
        boolean defended = defend(netif, ip);
        Ip4Address addr = Ip4Address.of(ip);
        MacAddress other = new MacAddress(mac);
        LOG.log(defended ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                "address conflict on {0}: {1} is also claimed by {2}{3}", netif.name(), addr, other,
                defended ? "; defended" : "");
        for (int i = 0, n = conflictListeners.size(); i < n; i++) {
            try {
                conflictListeners.get(i).conflict(netif, addr, other, defended);
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "ARP conflict listener failed", ex);
            }
        }
    }

    /** One announcement, unless this address was defended on this netif within {@link #DEFEND_INTERVAL}. */
    private boolean defend(Netif netif, int ip) {
        if (!netif.isUsable()) {
            return false;
        }
        long now = ctx.now();
        int slot = -1;
        for (int i = 0; i < DEFENCE_SLOTS; i++) {
            if (defenceNetif[i] == netif && defenceIp[i] == ip) {
                if (now - defenceAt[i] < defendInterval) {
                    return false;
                }
                slot = i;
                break;
            }
        }
        if (slot < 0) {
            for (int i = 0; i < DEFENCE_SLOTS && slot < 0; i++) {
                if (defenceNetif[i] == null || now - defenceAt[i] >= defendInterval) {
                    slot = i;
                }
            }
            if (slot < 0) {
                // Sixteen defences within ten seconds: a storm; stay quiet rather than forget one.
                return false;
            }
        }
        defenceNetif[slot] = netif;
        defenceIp[slot] = ip;
        defenceAt[slot] = now;
        sendArp(netif, BROADCAST_MAC, ArpPacket.OP_REQUEST, ip, 0, ip);
        return true;
    }

    private void forgetDefences(Netif netif) {
        for (int i = 0; i < DEFENCE_SLOTS; i++) {
            if (defenceNetif[i] == netif) {
                defenceNetif[i] = null;
            }
        }
    }

    // ---------------------------------------------------------------------------------
    // Packets out

    /** A broadcast or unicast request for {@code ip} from the netif's address on that subnet ({@code etharp_request_dst}). */
    private Err sendRequest(Netif netif, long dstMac, int ip) {
        return sendArp(netif, dstMac, ArpPacket.OP_REQUEST, sourceFor(netif, ip), 0, ip);
    }

    /** The netif's address on the subnet of {@code ip}, else its primary address, else 0.0.0.0. */
    private static int sourceFor(Netif netif, int ip) {
        for (int i = 0, n = netif.ip4().count(); i < n; i++) {
            Ip4Interface a = netif.ip4().at(i);
            if (a.contains(ip)) {
                return a.address().bits();
            }
        }
        return netif.ip4().address().bits();
    }

    /** Emits one ARP packet from the netif's MAC ({@code etharp_raw}). */
    private Err sendArp(Netif netif, long ethDst, int op, int spa, long tha, int tpa) {
        Pbuf p = ctx.pbufs().allocPool(Layer.LINK, ArpPacket.LEN);
        if (p == null) {
            stats.memerr++;
            stats.drop++;
            return Err.MEM;
        }
        ArpPacket.emit(p.segment(), p.offset(), op, netif.mac().bits(), spa, tha, tpa);
        Err e = ethernet.send(netif, p, ethDst, EthernetFrame.TYPE_ARP);
        p.free();
        if (e == Err.OK) {
            stats.xmit++;
        }
        // A failed send is counted by the netif and the link layer.
        return e;
    }

    // ---------------------------------------------------------------------------------
    // Netif events

    /** Announces the netif's addresses when it comes up with its link up; flushes its dynamic entries when it goes down. */
    void statusChanged(Netif netif) {
        if (!isArpNetif(netif)) {
            return;
        }
        if (netif.isUp()) {
            if (netif.isLinkUp()) {
                announce(netif);
            }
        } else {
            flush(netif);
        }
    }

    /** Announces the netif's addresses when the link comes up and the netif is up. */
    void linkChanged(Netif netif) {
        if (isArpNetif(netif) && netif.isUsable()) {
            announce(netif);
        }
    }

    /** Announces a new address; a removed or replaced address flushes the netif's dynamic entries. */
    void addressChanged(Netif netif, IpAddress oldAddr, IpAddress newAddr) {
        if (!isArpNetif(netif)) {
            return;
        }
        if (oldAddr instanceof Ip4Address) {
            flush(netif);
            forgetDefences(netif);
        }
        if (newAddr instanceof Ip4Address a && netif.isUsable()) {
            announce(netif, a);
        }
    }

    /** Drops all entries of the netif, static ones included. */
    void removed(Netif netif) {
        for (int i = 0; i < cache.slotCount(); i++) {
            ArpSlot e = cache.slot(i);
            if (e.state != null && e.netif == netif) {
                release(e);
            }
        }
        forgetDefences(netif);
    }

    private static boolean isArpNetif(Netif netif) {
        return netif.hasFlag(Netif.FLAG_ETHARP);
    }

    // ---------------------------------------------------------------------------------
    // API

    /**
     * Adds or replaces a static entry ({@code etharp_add_static_entry}): never aged, never
     * evicted, never changed by ARP packets. With {@code netif} {@code null} the entry
     * applies on every netif (lwIP instead picks the netif by routing the address once) and
     * replaces the dynamic entries for that address. A pending entry that becomes static
     * sends its queued packets. On the loop.
     *
     * @return {@link Err#OK}; {@link Err#ARG} for a non-unicast address;
     *         {@link Err#MEM} when the table is full of static entries;
     *         {@link Err#VAL} when {@code etharpSupportStaticEntries} is off
     */
    public Err addStatic(Netif netif, Ip4Address ip, MacAddress mac) {
        checkLoop();
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(mac, "mac");
        if (!staticEntries) {
            return Err.VAL;
        }
        int bits = ip.bits();
        if (bits == 0 || bits == -1 || ip.isMulticast() || mac.isMulticast() || mac.bits() == 0) {
            return Err.ARG;
        }
        if (netif == null) {
            // The static entry takes over from the dynamic ones; what they queue goes out now.
            for (int i = 0; i < cache.slotCount(); i++) {
                ArpSlot d = cache.slot(i);
                if (d.state != null && d.state != ArpState.STATIC && d.ip == bits) {
                    d.state = ArpState.STABLE;
                    d.mac = mac.bits();
                    int gen = d.generation;
                    sendQueued(d);
                    if (d.isSame(gen)) {
                        release(d);
                    }
                }
            }
        }
        ArpSlot e = cache.find(netif, bits);
        if (e == null) {
            e = newEntry(netif, bits, ArpState.STATIC);
            if (e == null) {
                return Err.MEM;
            }
        } else if (e.timer != null) {
            e.timer.cancel();
        }
        e.state = ArpState.STATIC;
        e.mac = mac.bits();
        e.since = ctx.now();
        sendQueued(e);
        return Err.OK;
    }

    /**
     * Removes a static entry ({@code etharp_remove_static_entry}); {@code netif} as given to
     * {@link #addStatic}. On the loop.
     *
     * @return {@link Err#OK}, or {@link Err#ARG} when there is no such static entry
     */
    public Err removeStatic(Netif netif, Ip4Address ip) {
        checkLoop();
        ArpSlot e = cache.find(netif, ip.bits());
        if (e == null || e.state != ArpState.STATIC) {
            return Err.ARG;
        }
        release(e);
        return Err.OK;
    }

    /**
     * The hardware address of {@code ip} on {@code netif} from a resolved entry (its own, or
     * a static one for all netifs), or {@code null} ({@code etharp_find_addr}). Sends nothing.
     */
    public MacAddress lookup(Netif netif, Ip4Address ip) {
        checkLoop();
        ArpSlot e = find(netif, ip.bits());
        return e != null && e.state.isResolved() ? new MacAddress(e.mac) : null;
    }

    /** A snapshot of all entries, in table order. On the loop. */
    public List<ArpEntry> entries() {
        checkLoop();
        long now = ctx.now();
        List<ArpEntry> out = new ArrayList<>(cache.size());
        for (int i = 0; i < cache.slotCount(); i++) {
            ArpSlot e = cache.slot(i);
            if (e.state != null) {
                out.add(new ArpEntry(e.state, Ip4Address.of(e.ip), e.state.isResolved() ? new MacAddress(e.mac) : null,
                        e.netif, Duration.ofNanos(now - e.since), e.queued()));
            }
        }
        return out;
    }

    /**
     * Broadcasts a request for {@code ip} on {@code netif} ({@code etharp_request}); the
     * reply, being for us, makes a cache entry. Does not touch the cache itself. On the loop.
     */
    public Err request(Netif netif, Ip4Address ip) {
        checkLoop();
        return sendRequest(netif, BROADCAST_MAC, ip.bits());
    }

    /**
     * Announces every IPv4 address of {@code netif} (RFC 5227 §3; lwIP's
     * {@code etharp_gratuitous}). On the loop.
     *
     * @return {@link Err#OK}, {@link Err#VAL} when the netif has no address, or the first
     *         send error
     */
    public Err announce(Netif netif) {
        checkLoop();
        int n = netif.ip4().count();
        if (n == 0) {
            return Err.VAL;
        }
        Err result = Err.OK;
        for (int i = 0; i < n; i++) {
            Err e = announce(netif, netif.ip4().at(i).address());
            if (result == Err.OK) {
                result = e;
            }
        }
        return result;
    }

    private Err announce(Netif netif, Ip4Address a) {
        return sendArp(netif, BROADCAST_MAC, ArpPacket.OP_REQUEST, a.bits(), 0, a.bits());
    }

    /**
     * Drops the dynamic entries of {@code netif} and their queued packets (counted as
     * dropped); static entries stay ({@code etharp_cleanup_netif}). On the loop.
     */
    public void flush(Netif netif) {
        checkLoop();
        for (int i = 0; i < cache.slotCount(); i++) {
            ArpSlot e = cache.slot(i);
            if (e.state != null && e.state != ArpState.STATIC && e.netif == netif) {
                release(e);
            }
        }
    }

    /** Adds a listener for address conflicts (RFC 5227 §2.4). On the loop. */
    public void onConflict(ArpConflictListener l) {
        checkLoop();
        conflictListeners.add(Objects.requireNonNull(l));
    }

    /** Removes a conflict listener. On the loop. */
    public void removeConflictListener(ArpConflictListener l) {
        checkLoop();
        conflictListeners.remove(l);
    }

    /** Adds an observer of every well-formed received ARP packet (for ACD). On the loop. */
    public void addObserver(ArpObserver o) {
        checkLoop();
        observers.add(Objects.requireNonNull(o));
    }

    /** Removes an observer. On the loop. */
    public void removeObserver(ArpObserver o) {
        checkLoop();
        observers.remove(o);
    }

    /**
     * Usage of the cache ({@code ARP_TABLE}: avail = {@code arpTableSize}, used = entries,
     * err = entries refused because every entry was static). Not among the stack's pools,
     * which list memory that drains when traffic stops; cache entries are state that stays.
     */
    public PoolStats tableStats() {
        return cache.stats;
    }

    /** Address conflicts seen (RFC 5227 §2.4). */
    public long conflicts() {
        return conflicts;
    }

    private void checkLoop() {
        ctx.loop().checkInEventLoop("ARP used");
    }
}
