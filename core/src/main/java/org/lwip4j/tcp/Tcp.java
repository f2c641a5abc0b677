package org.lwip4j.tcp;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntSupplier;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PoolStats;
import org.lwip4j.internal.ip.PcbTable;
import org.lwip4j.ip.IcmpError;
import org.lwip4j.ip.Ip;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.ip.Route;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ErrException;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.wire.TcpOptions;
import org.lwip4j.wire.TcpPacket;

/**
 * TCP (RFC 9293) for one stack, over either IP family through the IP seam (lwIP's
 * {@code tcp.c} and {@code tcp_in.c}'s demultiplexing): the pcb pool and tables, local
 * ports, ISNs (RFC 6528), the checks every segment passes before a pcb sees it, demux by
 * 4-tuple (hashed, so lookups cost the same with many connections) then to listeners, and a
 * reset for segments nobody takes (RFC 9293 §3.10.7.1). The state machine is in
 * {@link TcpInput}, sending in {@link TcpOutput}, timers in {@link TcpTimers}, passive opens
 * in {@link TcpListener}.
 */
public final class Tcp {
    /** IP protocol number of TCP. */
    public static final int PROTO_TCP = 6;

    private static final System.Logger LOG = System.getLogger("org.lwip4j.tcp");

    final StackContext ctx;
    final StackConfig.TcpOptions cfg;
    final Ip ip;
    final ProtoStats stats;
    final PoolStats pcbPool;
    /** Every bound pcb (listeners included), by local port. */
    final PcbTable<TcpPcb> byPort = new PcbTable<>();
    /** Connections, by {@link #tupleKey}. */
    final PcbTable<TcpPcb> byTuple = new PcbTable<>();
    /**
     * Listeners only, by local port: a SYN's listener lookup walks these, not the connections
     * that share the port in {@link #byPort} (100,000 of them on a busy server).
     */
    final PcbTable<TcpPcb> listening = new PcbTable<>();
    /** Every pcb in use, oldest first (recycling under exhaustion, listings). */
    final List<TcpPcb> active = new ArrayList<>();
    /** Connections in TIME_WAIT, in the order they entered it (the cap recycles the head). */
    final ArrayDeque<TcpPcb> timeWaits = new ArrayDeque<>();
    private final IsnGenerator isnGenerator;
    private final TcpInput input;
    private final TcpOutput output;
    private final LossRecovery recovery;
    private final Rack rack;
    /** RACK-TLP (RFC 8985) for SACK connections made from now on; tests of RFC 6675's rules alone turn it off. */
    boolean rackEnabled = true;
    private final TcpTimers timers;
    private final TcpListener listeners;
    /** Tests force ISNs through this (RFC 6528's generator otherwise). */
    IntSupplier isnOverride;
    /** RFC 6056 Algorithm 3's counter ("next_ephemeral") and secret key. */
    private int nextEphemeral;
    private final SipHash portKey;
    private long challengeSecond = Long.MIN_VALUE;
    private int challengeCount;
    private int challengeBudget;
    /** Counters of the defences and the table. */
    final TcpCounters counters;
    /** Out-of-order bytes of all connections together (bounded by {@code ooseqStackMaxBytes}). */
    final ReceiveQueue.Budget ooseqBudget;
    /** Keys the per-connection timestamp offset (RFC 7323 §5.4, as Linux: a hash of the 4-tuple). */
    private final SipHash tsKey;

    // Header of the segment being processed: read once, allocation-free.
    private final MemorySegment hdrScratch = MemorySegment.ofArray(new byte[TcpPacket.MAX_HEADER_LEN]);
    final TcpOptions rxOptions = new TcpOptions();
    final TcpOptions txOptions = new TcpOptions();

    /** TCP for the stack: registers protocol 6 with every IP family. */
    Tcp(StackContext ctx, Ip ip) {
        this.ctx = ctx;
        this.cfg = ctx.config().tcp();
        this.ip = ip;
        this.stats = ctx.stats().tcp;
        this.pcbPool = new PoolStats("TCP_PCB", cfg.memNumPcb());
        ctx.stats().addPool(pcbPool);
        this.isnGenerator = new IsnGenerator(ctx.random());
        this.ooseqBudget = new ReceiveQueue.Budget(cfg.ooseqStackMaxBytes());
        this.counters = new TcpCounters(ooseqBudget);
        this.tsKey = new SipHash(ctx.random().nextLong(), ctx.random().nextLong());
        this.output = new TcpOutput(this);
        this.recovery = new LossRecovery(this);
        this.rack = new Rack(this);
        this.timers = new TcpTimers(this);
        this.input = new TcpInput(this);
        this.listeners = new TcpListener(this);
        this.portKey = new SipHash(ctx.random().nextLong(), ctx.random().nextLong());
        this.nextEphemeral = ctx.random().nextInt();
        ip.registerTransport(PROTO_TCP, this::input, this::icmpError);
    }

    StackContext ctx() {
        return ctx;
    }

    TcpInput input() {
        return input;
    }

    Rack rack() {
        return rack;
    }

    LossRecovery recovery() {
        return recovery;
    }

    TcpOutput output() {
        return output;
    }

    TcpTimers timers() {
        return timers;
    }

    /**
     * A new pcb ({@code tcp_new}). When {@code MEMP_NUM_TCP_PCB} are in use, the oldest pcb
     * in TIME_WAIT, then the longest idle in LAST_ACK, then in CLOSING is freed for it (lwIP's
     * {@code tcp_alloc}), else the longest idle connection of the lowest priority below the
     * new pcb's is aborted ({@code tcp_kill_prio}).
     *
     * @throws ErrException with {@link Err#MEM} when none can be had (counted in the
     *         {@code TCP_PCB} pool's {@code err})
     */
    public TcpPcb newPcb() {
        ctx.loop().checkInEventLoop("TCP pcb made");
        TcpPcb pcb = allocPcb(127);
        if (pcb == null) {
            throw new ErrException(Err.MEM, "MEMP_NUM_TCP_PCB (" + cfg.memNumPcb() + ") TCP pcbs are in use");
        }
        return pcb;
    }

    /** A pcb, recycling per lwIP when the pool is full; {@code null} (counted) when none. */
    TcpPcb allocPcb(int prio) {
        if (!pcbPool.fits(1)) {
            recycle(prio);
        }
        if (!pcbPool.fits(1)) {
            pcbPool.err++;
            return null;
        }
        pcbPool.take(1);
        TcpPcb pcb = new TcpPcb(this);
        pcb.prio = prio == 127 ? 64 : prio;
        pcb.keepIdle = cfg.keepIdle().toNanos();
        pcb.keepInterval = cfg.keepInterval().toNanos();
        pcb.keepCount = cfg.keepCount();
        pcb.lastActive = ctx.now();
        timers.create(pcb);
        active.add(pcb);
        return pcb;
    }

    private void recycle(int prio) {
        if (!timeWaits.isEmpty()) {
            counters.timeWaitRecycled++;
            free(timeWaits.peekFirst());
            return;
        }
        for (TcpState s : new TcpState[] {TcpState.LAST_ACK, TcpState.CLOSING}) {
            TcpPcb idlest = null;
            for (TcpPcb p : active) {
                if (p.state == s && (idlest == null || p.lastReceived - idlest.lastReceived < 0)) {
                    idlest = p;
                }
            }
            if (idlest != null) {
                abort(idlest, true, Err.ABRT);
                return;
            }
        }
        TcpPcb victim = null;
        for (TcpPcb p : active) {
            boolean connection = p.state != TcpState.CLOSED && p.state != TcpState.LISTEN;
            if (connection && p.prio < prio && (victim == null || p.prio < victim.prio
                    || (p.prio == victim.prio && p.lastReceived - victim.lastReceived < 0))) {
                victim = p;
            }
        }
        if (victim != null) {
            abort(victim, true, Err.ABRT);
        }
    }

    /**
     * A connection entered TIME_WAIT: counted against the cap, the oldest TIME_WAIT
     * connection freed when it is reached (Linux's {@code tcp_max_tw_buckets}; RFC 9293 §3.4.2
     * lets TIME_WAIT end early when timestamps guard the next incarnation, RFC 6191).
     */
    void timeWaitEntered(TcpPcb pcb) {
        pcb.timeWaitSince = ctx.now();
        timeWaits.remove(pcb);
        while (timeWaits.size() >= cfg.maxTimeWait()) {
            counters.timeWaitRecycled++;
            free(timeWaits.peekFirst());
        }
        timeWaits.addLast(pcb);
    }

    /**
     * May a SYN reopen a connection in TIME_WAIT? RFC 6191 §2: with timestamps on the old
     * connection and in the SYN, when the SYN's TSval is above TS.Recent; otherwise (RFC 1122
     * §4.2.2.13) when its sequence number is above the old connection's RCV.NXT.
     */
    boolean timeWaitReusable(TcpPcb pcb, Segment seg) {
        if (pcb.tsOk && rxOptions.hasTimestamps()) {
            return Seq.gt(rxOptions.tsVal(), pcb.tsRecent);
        }
        return Seq.gt(seg.seq, pcb.rcvNxt);
    }

    /** The pcbs in use, by local port then remote port (listings). */
    public List<TcpPcb> pcbs() {
        List<TcpPcb> all = new ArrayList<>(active);
        all.sort(Comparator.comparingInt(TcpPcb::localPort).thenComparingInt(TcpPcb::remotePort));
        return all;
    }

    /** Frees every pcb without a segment or callback (the stack is closing): their queued pbufs go back. */
    void release() {
        for (TcpPcb pcb : new ArrayList<>(active)) {
            free(pcb);
        }
    }

    /**
     * The pbuf pool ran dry: out-of-order data is the memory the stack can give back without
     * losing anything the peer believes delivered (lwIP's {@code tcp_free_ooseq}); it is
     * retransmitted later.
     */
    void memoryPressure() {
        for (TcpPcb pcb : active) {
            if (pcb.ooseq != null && !pcb.ooseq.isEmpty()) {
                pcb.ooseq.clear();
            }
        }
    }

    /** Challenge ACKs sent so far (RFC 5961). */
    public long challengeAcks() {
        return counters.challengeAcksSent;
    }

    /** The stack-wide counters of TCP's defences and table (a live view; read on the loop). */
    public TcpCounters counters() {
        return counters;
    }

    void live(TcpPcb pcb, String what) {
        ctx.loop().checkInEventLoop("TCP " + what);
        if (pcb.freed) {
            throw new IllegalStateException("TCP pcb used (" + what + ") after it was closed or aborted: " + pcb);
        }
    }

    IpAddress anyOfDefault() {
        return Ip4Address.ANY;
    }

    // ---------------------------------------------------------------- binding and tables

    /**
     * Binds {@code pcb} ({@code tcp_bind}). {@link IpAddress#ANY_TYPE} binds to the wildcard
     * of both families, and a stack without IPv6 takes it too. A port is shared only under
     * SO_REUSEADDR: with a connection in TIME_WAIT when this pcb has it set, or with pcbs
     * that all have it set when neither listens (the 4-tuple is then checked at connect).
     */
    Err bind(TcpPcb pcb, IpAddress addr, int port) {
        if (!IpAddress.isAnyType(addr) || ip.family(6) != null) {
            ip.familyOf(addr);
        }
        if (port == 0) {
            port = ephemeralPort(addr, null, 0);
            if (port == 0) {
                return Err.USE;
            }
        } else {
            for (Object o : byPort.bucket(port)) {
                TcpPcb other = (TcpPcb) o;
                if (other != pcb && overlaps(other.localAddr, other.v6Only, addr, pcb.v6Only) && !reusable(pcb, other)) {
                    return Err.USE;
                }
            }
        }
        pcb.localAddr = addr;
        pcb.localPort = port;
        pcb.bound = true;
        byPort.add(port, pcb);
        return Err.OK;
    }

    /** SO_REUSEADDR: may {@code pcb} share its port with {@code other}? */
    private static boolean reusable(TcpPcb pcb, TcpPcb other) {
        if (!pcb.reuseAddr) {
            return false;
        }
        return other.state == TcpState.TIME_WAIT
                || (other.reuseAddr && other.state != TcpState.LISTEN && pcb.state != TcpState.LISTEN);
    }

    /**
     * True when pcbs bound to {@code a} and to {@code b} could take the same segment; a
     * {@code v6Only} pcb on {@code ::} is the wildcard of IPv6 alone (IPV6_V6ONLY).
     */
    static boolean overlaps(IpAddress a, boolean aV6Only, IpAddress b, boolean bV6Only) {
        if (IpAddress.isAnyType(a) && !aV6Only || IpAddress.isAnyType(b) && !bV6Only) {
            return true; // the wildcard of both families overlaps every address
        }
        return a.version() == b.version() && (a.equals(b) || a.isAny() || b.isAny());
    }

    /**
     * An ephemeral port (RFC 6056 §3.3.3, Algorithm 3 "Simple Hash-Based"): the search starts
     * at an offset that is a keyed hash of the local address and the destination, plus a
     * counter that moves on with each port handed out; so ports to one destination do not
     * repeat soon and ports to others cannot be predicted from them. The first port no
     * overlapping pcb holds is taken, so two pcbs never collide; 0 when the range is full.
     */
    int ephemeralPort(IpAddress local, IpAddress remote, int remotePort) {
        int start = cfg.localPortStart();
        int range = cfg.localPortEnd() - start + 1;
        SipHash h = portKey.start().word(hi(local)).word(lo(local));
        if (remote != null) {
            h.word(hi(remote)).word(lo(remote)).word(remotePort);
        }
        int offset = (int) h.finish();
        for (int tries = 0; tries < range; tries++) {
            int port = start + Integer.remainderUnsigned(offset + nextEphemeral, range);
            nextEphemeral++;
            boolean used = false;
            for (Object o : byPort.bucket(port)) {
                TcpPcb other = (TcpPcb) o;
                used |= overlaps(other.localAddr, other.v6Only, local, false);
            }
            if (!used) {
                return port;
            }
        }
        return 0;
    }

    static long tupleKey(int localPort, int remotePort, int remoteHash) {
        return ((long) localPort << 48) | ((long) remotePort << 32) | (remoteHash & 0xffffffffL);
    }

    void indexConnection(TcpPcb pcb) {
        byTuple.add(tupleKey(pcb.localPort, pcb.remotePort, IpInfo.hash32(pcb.remoteAddr)), pcb);
        pcb.inTupleTable = true;
    }

    // ---------------------------------------------------------------- opening

    Err connect(TcpPcb pcb, IpAddress addr, int port) {
        ip.familyOf(addr);
        if (pcb.bound && !pcb.localAddr.isAny() && pcb.localAddr.version() != addr.version()
                || pcb.v6Only && addr.version() == 4) {
            return Err.VAL;
        }
        if (addr.isAny() || addr.isMulticast()) {
            return Err.VAL; // RFC 9293 §3.9.1.1 (MUST-46): no OPEN to a group
        }
        Route r = ip.route(addr, pcb.bound ? pcb.localAddr : null, pcb.boundNetif);
        if (r == null) {
            stats.rterr++;
            return Err.RTE;
        }
        if (r.broadcast()) {
            return Err.VAL; // nor to a broadcast address
        }
        if (!pcb.bound) {
            int localPort = ephemeralPort(r.local(), addr, port);
            if (localPort == 0) {
                return Err.USE;
            }
            pcb.localAddr = r.local();
            pcb.localPort = localPort;
            pcb.bound = true;
            byPort.add(localPort, pcb);
        }
        if (pcb.localAddr.isAny()) {
            byPort.remove(pcb.localPort, pcb);
            pcb.localAddr = r.local();
            byPort.add(pcb.localPort, pcb);
        }
        if (tupleTaken(pcb, addr, port)) {
            return Err.USE; // SO_REUSEADDR shared the port, but the 4-tuple is another connection's
        }
        pcb.remoteAddr = addr;
        pcb.remotePort = port;
        pcb.route = r;
        initConnection(pcb);
        pcb.iss = newIsn(pcb);
        pcb.sndUna = pcb.iss;
        pcb.sndNxt = pcb.iss + 1;
        pcb.sndMax = pcb.sndNxt;
        pcb.recover = pcb.iss; // RFC 6582 §3.2 step 1
        pcb.dataSeq = pcb.iss + 1;
        pcb.rcvScale = cfg.windowScaling() ? ourScale() : 0;
        pcb.state = TcpState.SYN_SENT;
        indexConnection(pcb);
        pcb.rttStart = ctx.now(); // the SYN-ACK's RTT sample is timed from here (RFC 6298 §2.2)
        output.sendSyn(pcb, false);
        timers.armRto(pcb);
        return Err.OK;
    }

    /** True when another connection has the 4-tuple {@code pcb} would have to {@code addr}:{@code port}. */
    private boolean tupleTaken(TcpPcb pcb, IpAddress addr, int port) {
        for (Object o : byTuple.bucket(tupleKey(pcb.localPort, port, IpInfo.hash32(addr)))) {
            TcpPcb c = (TcpPcb) o;
            if (c != pcb && c.remotePort == port && c.localPort == pcb.localPort && c.remoteAddr.equals(addr)
                    && c.localAddr.equals(pcb.localAddr)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Most pbuf nodes of zero-copy writes a connection holds (lwIP's {@code TCP_SND_QUEUELEN},
     * {@code 4 * TCP_SND_BUF / TCP_MSS}), at least 16: beyond it a write is {@link Err#MEM}.
     */
    int sndQueueLen() {
        return Math.max(16, (int) Math.min(Integer.MAX_VALUE, (4L * cfg.sndBuf() + cfg.mss() - 1) / cfg.mss()));
    }

    /** The state every connection starts with (buffers, estimators), before the handshake. */
    void initConnection(TcpPcb pcb) {
        pcb.sendQueue = new SendQueue(cfg.sndBuf(), sndQueueLen());
        pcb.ooseq = new ReceiveQueue(cfg.ooseqMaxBytes(), cfg.ooseqMaxPbufs(), ooseqBudget);
        pcb.rtt = new RetransmitTimer(cfg.initialRto().toNanos(), cfg.minRto().toNanos(), cfg.maxRto().toNanos());
        pcb.cc = CongestionControl.of(cfg.congestion());
        pcb.rcvWnd = cfg.wnd();
        pcb.rcvWndMax = cfg.wnd();
        pcb.tsOffset = tsOffset(pcb.localAddr, pcb.localPort, pcb.remoteAddr, pcb.remotePort);
        pcb.lastReceived = ctx.now();
    }

    /**
     * The offset of a connection's timestamp clock: a keyed hash of its 4-tuple (RFC 7323
     * §5.4's per-connection offset, as Linux), so the same connection has the same clock in
     * each incarnation (RFC 6191) and a SYN cookie's TSval is what the connection goes on
     * from.
     */
    int tsOffset(IpAddress local, int localPort, IpAddress remote, int remotePort) {
        return (int) tsKey.start().word(hi(local)).word(lo(local)).word(hi(remote)).word(lo(remote))
                .word(((long) (localPort & 0xffff) << 16) | (remotePort & 0xffff)).finish();
    }

    /** Our timestamp clock (milliseconds) for a connection, now. */
    int tsClock(IpAddress local, int localPort, IpAddress remote, int remotePort) {
        return (int) (ctx.now() / 1_000_000L) + tsOffset(local, localPort, remote, remotePort);
    }

    /** High 64 bits of an address as IPv6 (0 for IPv4, hashed in mapped form). */
    static long hi(IpAddress a) {
        return a instanceof Ip6Address a6 ? a6.hi() : 0;
    }

    /** Low 64 bits of an address as IPv6 (an IPv4 address mapped, {@code ::ffff:a.b.c.d}). */
    static long lo(IpAddress a) {
        return a instanceof Ip6Address a6 ? a6.lo() : IsnGenerator.mapped(((Ip4Address) a).bits());
    }

    /** The smallest shift that lets TCP_WND fit the 16-bit window field (RFC 7323 §2.2). */
    int ourScale() {
        int s = 0;
        while ((cfg.wnd() >> s) > 0xffff && s < TcpOptions.MAX_WINDOW_SCALE) {
            s++;
        }
        return s;
    }

    int newIsn(TcpPcb pcb) {
        if (isnOverride != null) {
            return isnOverride.getAsInt();
        }
        long now = ctx.now();
        if (pcb.localAddr instanceof Ip4Address l && pcb.remoteAddr instanceof Ip4Address r) {
            return isnGenerator.isn(now, l.bits(), pcb.localPort, r.bits(), pcb.remotePort);
        }
        Ip6Address l = (Ip6Address) pcb.localAddr;
        Ip6Address r = (Ip6Address) pcb.remoteAddr;
        return isnGenerator.isn(now, l.hi(), l.lo(), pcb.localPort, r.hi(), r.lo(), pcb.remotePort);
    }

    /** The pcb's route, routed again when stale; {@code null} (counted) when unreachable. */
    Route route(TcpPcb pcb) {
        Route r = pcb.route;
        if (r != null && !ip.stale(r)) {
            return r;
        }
        r = ip.route(pcb.remoteAddr, pcb.localAddr, pcb.boundNetif);
        pcb.route = r;
        if (r == null) {
            stats.rterr++;
        }
        return r;
    }

    /** MSS we announce on {@code r}: TCP_MSS clamped to the route's MTU less the IP and TCP headers. */
    int announcedMss(Route r) {
        int mtu = r == null ? 0 : r.mtu();
        int headers = (r != null && r.version() == 6 ? 40 : 20) + TcpPacket.HEADER_LEN;
        return mtu > headers ? Math.min(cfg.mss(), mtu - headers) : cfg.mss();
    }

    // ---------------------------------------------------------------- closing

    Err closeSend(TcpPcb pcb) {
        switch (pcb.state) {
            case SYN_RCVD, ESTABLISHED -> pcb.state = TcpState.FIN_WAIT_1;
            case CLOSE_WAIT -> pcb.state = TcpState.LAST_ACK;
            case SYN_SENT, CLOSED, LISTEN -> {
                return Err.CONN;
            }
            default -> {
                return Err.OK; // our FIN is queued already
            }
        }
        pcb.finQueued = true;
        output.output(pcb);
        return Err.OK;
    }

    Err close(TcpPcb pcb) {
        pcb.onRecv = null;
        pcb.onSent = null;
        pcb.onPoll = null;
        pcb.onAccept = null;
        pcb.onConnected = null;
        switch (pcb.state) {
            case CLOSED, LISTEN, SYN_SENT -> {
                pcb.appClosed = true;
                free(pcb);
                return Err.OK;
            }
            default -> {
            }
        }
        pcb.appClosed = true;
        timers.pollReset(pcb, 0);
        if (pcb.linger == 0 || (pcb.state == TcpState.ESTABLISHED || pcb.state == TcpState.CLOSE_WAIT) && pcb.rcvWnd != pcb.rcvWndMax) {
            // SO_LINGER zero, or RFC 1122 §4.2.2.13: closing with unread data resets the connection.
            abort(pcb, true, Err.ABRT);
            return Err.OK;
        }
        closeSend(pcb);
        if (pcb.state == TcpState.FIN_WAIT_2) {
            timers.armFinWait2(pcb);
        } else if (pcb.linger > 0) {
            timers.armLinger(pcb);
        }
        return Err.OK;
    }

    /**
     * Ends a connection at once: a RST when asked and synchronized, the pcb freed, then
     * {@code onErr(err)} unless the application had closed the pcb.
     */
    void abort(TcpPcb pcb, boolean sendRst, Err err) {
        if (pcb.freed) {
            return;
        }
        TcpPcb.ErrCallback cb = pcb.appClosed ? null : pcb.onErr;
        if (sendRst && pcb.state != TcpState.CLOSED && pcb.state != TcpState.LISTEN
                && pcb.state != TcpState.SYN_SENT && pcb.state != TcpState.TIME_WAIT) {
            output.sendRst(pcb);
        }
        boolean wasPassiveHalfOpen = pcb.listener != null;
        free(pcb);
        if (cb != null && !wasPassiveHalfOpen) {
            try {
                cb.error(err);
            } catch (RuntimeException e) {
                stats.err++;
                LOG.log(System.Logger.Level.WARNING, "TCP error callback failed", e);
            }
        }
    }

    /** Frees the pcb: out of the tables, timers off, queues released, back to the pool. */
    void free(TcpPcb pcb) {
        if (pcb.freed) {
            return;
        }
        timers.cancelAll(pcb);
        if (pcb.inTupleTable) {
            byTuple.remove(tupleKey(pcb.localPort, pcb.remotePort, IpInfo.hash32(pcb.remoteAddr)), pcb);
            pcb.inTupleTable = false;
        }
        if (pcb.bound) {
            byPort.remove(pcb.localPort, pcb);
            pcb.bound = false;
        }
        if (pcb.state == TcpState.LISTEN) {
            listening.remove(pcb.localPort, pcb);
        }
        if (pcb.ooseq != null) {
            pcb.ooseq.clear();
        }
        if (pcb.sendQueue != null) {
            pcb.sendQueue.clear(); // referenced pbufs of zero-copy writes go back
        }
        if (pcb.state == TcpState.TIME_WAIT) {
            timeWaits.remove(pcb);
        }
        if (pcb.listener != null) {
            pcb.listener.pending--;
            pcb.listener = null;
        }
        pcb.state = TcpState.CLOSED;
        pcb.freed = true;
        pcb.route = null;
        active.remove(pcb);
        pcbPool.give(1);
    }

    // ---------------------------------------------------------------- RFC 5961 rate limit

    /**
     * True when one more challenge ACK fits this second's budget (RFC 5961 §7). The budget
     * is the configured limit less a random part of up to half of it, drawn each second: a
     * fixed stack-wide count lets an off-path attacker learn through the limit whether a
     * guessed 4-tuple exists (CVE-2016-5696; Linux randomizes it the same way).
     */
    boolean challengeAckAllowed() {
        long second = Math.floorDiv(ctx.now(), 1_000_000_000L);
        if (second != challengeSecond) {
            challengeSecond = second;
            challengeCount = 0;
            int limit = cfg.challengeAckLimit();
            challengeBudget = limit - (limit >= 2 ? ctx.random().nextInt(limit / 2) : 0);
        }
        if (challengeCount >= challengeBudget) {
            counters.challengeAcksLimited++;
            return false;
        }
        challengeCount++;
        counters.challengeAcksSent++;
        return true;
    }

    // ---------------------------------------------------------------- input

    /** Where IP delivers TCP segments: checks, demux, then the state machine. */
    private void input(Pbuf p, IpInfo info) {
        stats.recv++;
        int total = p.totalLength();
        if (total < TcpPacket.HEADER_LEN) {
            drop(p, 1);
            return;
        }
        // RFC 1122 §4.2.3.10: segments to broadcast or multicast addresses are not for TCP.
        if (info.isBroadcast() || info.isMulticast()) {
            stats.proterr++;
            drop(p, 0);
            return;
        }
        int hl = (p.getByte(TcpPacket.Field.DATA_OFF) >>> 4) * 4;
        if (hl < TcpPacket.HEADER_LEN || hl > total) {
            drop(p, 1);
            return;
        }
        if (!p.checksumTrusted()
                && !Checksum.verifies(Checksum.pbuf(p, 0, total, info.pseudoHeader(PROTO_TCP, total)))) {
            stats.chkerr++;
            drop(p, 0);
            return;
        }
        MemorySegment s;
        long off;
        if (p.length() >= TcpPacket.HEADER_LEN) {
            s = p.segment();
            off = p.offset();
        } else {
            p.copyTo(0, hdrScratch, 0, TcpPacket.HEADER_LEN);
            s = hdrScratch;
            off = 0;
        }
        if (rxOptions.parse(p, TcpPacket.HEADER_LEN, hl - TcpPacket.HEADER_LEN) < 0) {
            stats.opterr++;
            drop(p, 0);
            return;
        }
        Segment seg = input.seg;
        seg.srcPort = TcpPacket.srcPort(s, off);
        seg.dstPort = TcpPacket.dstPort(s, off);
        seg.seq = TcpPacket.seq(s, off);
        seg.ack = TcpPacket.ack(s, off);
        seg.flags = TcpPacket.flags(s, off);
        seg.window = TcpPacket.window(s, off);
        seg.urgent = TcpPacket.urgent(s, off);
        seg.headerLen = hl;
        seg.len = total - hl;
        if (seg.srcPort == 0 || seg.dstPort == 0) {
            stats.proterr++;
            drop(p, 0);
            return;
        }
        TcpPcb pcb = lookupConnection(info, seg.srcPort, seg.dstPort);
        if (pcb != null && pcb.state == TcpState.TIME_WAIT && (seg.flags & (TcpPacket.SYN | TcpPacket.ACK
                | TcpPacket.RST)) == TcpPacket.SYN && timeWaitReusable(pcb, seg)) {
            // A new incarnation reopens the connection from TIME_WAIT; the listener (if any) takes it.
            counters.timeWaitReused++;
            free(pcb);
            pcb = null;
        }
        if (pcb != null) {
            input.segment(pcb, p, info);
            return;
        }
        TcpPcb listener = lookupListener(info, seg.dstPort);
        if (listener != null) {
            listeners.segment(listener, p, info, seg);
            return;
        }
        stats.proterr++;
        if ((seg.flags & TcpPacket.RST) == 0) {
            output.resetFor(info, seg);
        }
        drop(p, 0);
    }

    private void drop(Pbuf p, int lenErr) {
        stats.lenerr += lenErr;
        stats.drop++;
        p.free();
    }

    private TcpPcb lookupConnection(IpInfo info, int sport, int dport) {
        for (Object o : byTuple.bucket(tupleKey(dport, sport, info.srcHash32()))) {
            TcpPcb pcb = (TcpPcb) o;
            if (pcb.remotePort == sport && pcb.localPort == dport && info.srcIs(pcb.remoteAddr)
                    && info.dstIs(pcb.localAddr)) {
                return pcb;
            }
        }
        return null;
    }

    /**
     * The listener for a segment to {@code dport}: one bound to the destination address
     * first, then one bound to its family's wildcard, then one bound to the wildcard of both
     * families ({@link IpAddress#ANY_TYPE}) unless it is IPv6-only.
     */
    private TcpPcb lookupListener(IpInfo info, int dport) {
        TcpPcb any = null;
        TcpPcb anyType = null;
        for (Object o : listening.bucket(dport)) {
            TcpPcb pcb = (TcpPcb) o;
            if (pcb.state != TcpState.LISTEN || (pcb.boundNetif != null && pcb.boundNetif != info.netif())) {
                continue;
            }
            if (IpAddress.isAnyType(pcb.localAddr)) {
                if (pcb.v6Only && info.version() != 6) {
                    continue; // IPV6_V6ONLY
                }
                if (anyType == null) {
                    anyType = pcb;
                }
                if (info.version() == 6 && any == null) {
                    any = pcb;
                }
                continue;
            }
            if (pcb.localAddr.version() != info.version()) {
                continue;
            }
            if (info.dstIs(pcb.localAddr)) {
                return pcb;
            }
            if (pcb.localAddr.isAny() && any == null) {
                any = pcb;
            }
        }
        return any != null ? any : anyType;
    }

    /**
     * ICMP errors about our segments (RFC 1122 §4.2.3.9, family-neutral: ICMPv4 and ICMPv6
     * through the IP seam's {@link IcmpError}). An error must name a connection we have and
     * quote a sequence number in flight, SND.UNA ≤ SEG.SEQ &lt; SND.MAX (RFC 5927 §4.1),
     * else it is ignored: a blind attacker cannot guess one. Then: "fragmentation needed" /
     * "packet too big" lowers the MSS ({@link #pathMtu}); a hard error (protocol or port
     * unreachable) ends a connection that is still opening, with {@link Err#RST}, and is soft
     * once it is synchronized (RFC 5927 §4.2, as Linux); every other error is soft, recorded on
     * the connection ({@link TcpPcb#softError()}) and reported if the open then times out.
     * Source quench is ignored (RFC 6633).
     */
    void icmpError(IcmpError err) {
        TcpPcb pcb = null;
        for (Object o : byTuple.bucket(tupleKey(err.localPort(), err.remotePort(), IpInfo.hash32(err.remoteAddr())))) {
            TcpPcb c = (TcpPcb) o;
            if (c.remotePort == err.remotePort() && c.localPort == err.localPort()
                    && c.remoteAddr.equals(err.remoteAddr()) && c.localAddr.equals(err.localAddr())) {
                pcb = c;
                break;
            }
        }
        if (pcb == null || !err.hasSecondWord() || !Seq.ge(err.secondWord(), pcb.sndUna)
                || !Seq.lt(err.secondWord(), pcb.sndMax)) {
            counters.icmpIgnored++;
            return;
        }
        if (err.nextHopMtu() > 0 || isTooBig(err)) {
            pathMtu(pcb, err.nextHopMtu());
            return;
        }
        if (err.version() == 4 && err.type() == 4) {
            counters.icmpIgnored++; // source quench (RFC 6633)
            return;
        }
        if (isHard(err) && !pcb.state.synchronizedState()) {
            counters.icmpHardErrors++;
            pcb.softError = err;
            abort(pcb, false, Err.RST); // "connection refused"
            return;
        }
        counters.icmpSoftErrors++;
        pcb.softError = err;
    }

    private static boolean isTooBig(IcmpError err) {
        return err.version() == 4 ? err.type() == 3 && err.code() == 4 : err.type() == 2;
    }

    /**
     * RFC 1122 §4.2.3.9: protocol and port unreachable are hard (code 4, fragmentation
     * needed, is PMTU's); for ICMPv6 (RFC 4443 §3.1, §3.4) port unreachable and "unrecognized
     * next header".
     */
    private static boolean isHard(IcmpError err) {
        if (err.version() == 4) {
            return err.type() == 3 && (err.code() == 2 || err.code() == 3);
        }
        return (err.type() == 1 && err.code() == 4) || (err.type() == 4 && err.code() == 1);
    }

    /**
     * PMTU discovery (RFC 1191 §6.2 for IPv4's "fragmentation needed", RFC 8201 §4 for
     * IPv6's "packet too big"): a smaller MTU on the path lowers the connection's MSS, and
     * what is in flight goes again in segments that fit. An MTU no smaller than the one in
     * use, or below the family's minimum (RFC 791: 68; RFC 8200 §5: 1280), changes nothing.
     * Every TCP segment leaves with DF set ({@link org.lwip4j.ip.IpOutput#DONT_FRAGMENT}), so
     * routers report instead of fragmenting.
     */
    void pathMtu(TcpPcb pcb, int mtu) {
        int v6 = pcb.remoteAddr.version() == 6 ? 1 : 0;
        if (!pcb.state.synchronizedState() || mtu < (v6 == 1 ? 1280 : 68)) {
            counters.icmpIgnored++;
            return;
        }
        int headers = (v6 == 1 ? 40 : 20) + TcpPacket.HEADER_LEN + (pcb.tsOk ? TcpOutput.TS_OPTION_LEN : 0);
        int mss = mtu - headers;
        if (mss >= pcb.mss || mss < 8) {
            return;
        }
        counters.pmtuLowered++;
        pcb.mss = mss;
        if (pcb.sndMax != pcb.sndUna) {
            pcb.sndNxt = pcb.sndUna;
            pcb.rttTiming = false;
            output.output(pcb);
        }
    }

    /** The error an open that timed out reports: {@link Err#RTE} after an "unreachable", else {@link Err#ABRT}. */
    static Err timeoutErr(TcpPcb pcb) {
        IcmpError e = pcb.softError;
        boolean unreachable = e != null && (e.version() == 4 ? e.type() == 3 : e.type() == 1);
        return unreachable && !pcb.state.synchronizedState() ? Err.RTE : Err.ABRT;
    }

    /** Calls {@code r}, a callback, counting and logging what it throws. */
    void callback(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            callbackFailed(what, e);
        }
    }

    /** A callback threw: counted and logged; the stack goes on. */
    void callbackFailed(String what, RuntimeException e) {
        stats.err++;
        LOG.log(System.Logger.Level.WARNING, "TCP " + what + " callback failed", e);
    }

    /** The header fields of the segment being processed (one per stack, refilled each time). */
    static final class Segment {
        int srcPort;
        int dstPort;
        int seq;
        int ack;
        int flags;
        int window;
        int urgent;
        int headerLen;
        int len;

        boolean has(int flag) {
            return (flags & flag) != 0;
        }
    }
}
