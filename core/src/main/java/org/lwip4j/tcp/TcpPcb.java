package org.lwip4j.tcp;

import java.time.Duration;
import java.util.Objects;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.Route;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.Timer;

/**
 * One TCP endpoint (lwIP's {@code struct tcp_pcb} and its raw API, {@code tcp_*}): a
 * listener, or one connection with its send and receive state (RFC 9293 §3.3.1's TCB).
 *
 * <p>Everything runs on the stack's loop, callbacks included; a callback may re-enter
 * (write, close, abort, even on another pcb). After {@link #close()} or {@link #abort()}
 * the pcb belongs to the stack: using it again is an {@link IllegalStateException}.
 * Network results are {@link Err} values; misuse (bind twice, listen while connected,
 * a call off the loop) is an exception.
 *
 * <pre>{@code
 * TcpPcb l = stack.newTcpPcb();
 * l.bind(Ip4Address.ANY, 7);
 * l.listen(8);
 * l.onAccept((listener, conn) -> conn.onRecv((c, p) -> {
 *     if (p == null) { c.close(); return; }
 *     c.write(p, TcpPcb.WRITE_COPY); c.recved(p.totalLength()); p.free();
 * }));
 * }</pre>
 */
public final class TcpPcb {
    /**
     * {@link #write} flag: copy the data into the send buffer ({@code TCP_WRITE_FLAG_COPY}); the
     * caller may change or reuse its bytes at once. Without it the write is zero-copy: see
     * {@link #write(Pbuf, int)}.
     */
    public static final int WRITE_COPY = 1;
    /** {@link #write} flag: more data follows at once, so no PSH on this data ({@code TCP_WRITE_FLAG_MORE}). */
    public static final int WRITE_MORE = 2;
    /**
     * {@link #write} flag: this data is urgent (RFC 9293 §3.8.5, {@code MSG_OOB}). Segments
     * sent until the peer acknowledges it carry URG and the urgent pointer, which points to
     * the octet following the data's last byte (MUST-62; RFC 6093 §4). It goes in line: the
     * peer's application reads it in the stream like any other byte (RFC 6093 §5).
     */
    public static final int WRITE_URGENT = 4;

    /** Called with each connection a listener accepted ({@code tcp_accept}). */
    @FunctionalInterface
    public interface AcceptCallback {
        /** {@code conn} is ESTABLISHED; set its callbacks here. */
        void accept(TcpPcb listener, TcpPcb conn);
    }

    /** Called when an active open completed ({@code tcp_connect}'s callback). */
    @FunctionalInterface
    public interface ConnectedCallback {
        /** The connection is ESTABLISHED. */
        void connected(TcpPcb pcb);
    }

    /** Called with received data ({@code tcp_recv}). */
    @FunctionalInterface
    public interface RecvCallback {
        /**
         * {@code p} is the next data, which the callback owns (and frees); it calls
         * {@link TcpPcb#recved} once the bytes are consumed to open the window again.
         * {@code null} means the peer closed its side (FIN), reported once.
         */
        void recv(TcpPcb pcb, Pbuf p);
    }

    /** Called when the peer acknowledged data ({@code tcp_sent}). */
    @FunctionalInterface
    public interface SentCallback {
        /** {@code len} more bytes were acknowledged; that much send buffer is free again. */
        void sent(TcpPcb pcb, int len);
    }

    /** Called periodically ({@code tcp_poll}). */
    @FunctionalInterface
    public interface PollCallback {
        /** Another interval passed. */
        void poll(TcpPcb pcb);
    }

    /**
     * Called when the peer's urgent pointer arrives, with no urgent data pending before, or
     * advances (RFC 9293 §3.8.5, MUST-32; Linux's {@code SIGURG}). The urgent data stays in
     * line (RFC 6093 §5): it reaches {@link RecvCallback} with the rest of the stream.
     */
    @FunctionalInterface
    public interface UrgentCallback {
        /**
         * The urgent data ends before stream offset {@code urgentEnd}: the count of bytes of
         * the stream (from the connection's first) up to and including its last urgent byte.
         * It is called before the data of the segment that carried the pointer is delivered;
         * {@link TcpPcb#urgentRemaining()} tells how much of it is still to come.
         */
        void urgent(TcpPcb pcb, long urgentEnd);
    }

    /**
     * Called when the connection has trouble delivering (RFC 9293 §3.8.3 SHLD-9, RFC 1122
     * §4.2.3.5): a segment (or our SYN) went unacknowledged through R1 retransmissions, three,
     * where the stack also gives IP negative advice about the next hop. The stack keeps
     * retransmitting until the segment is acknowledged, or until R2 (the retransmission limit,
     * or the user timeout) aborts the connection with {@link ErrCallback} ({@link Err#ABRT});
     * the application may give up earlier ({@link TcpPcb#abort()}) or wait.
     */
    @FunctionalInterface
    public interface DeliveryProblemCallback {
        /**
         * The oldest unacknowledged segment went again for the {@code retransmissions}-th time,
         * 3 or more: called at each retransmission timeout from the third on, after the
         * segment left, until an acknowledgment of new data starts the count again.
         */
        void deliveryProblem(TcpPcb pcb, int retransmissions);
    }

    /** Called when the connection failed or was reset; the pcb is already freed ({@code tcp_err}). */
    @FunctionalInterface
    public interface ErrCallback {
        /** {@link Err#RST} (reset by the peer), {@link Err#ABRT} (aborted: timeouts, abort()), {@link Err#CLSD}. */
        void error(Err err);
    }

    final Tcp tcp;
    TcpState state = TcpState.CLOSED;
    /** Freed: closed by the application and gone, or aborted. Any API call then throws. */
    boolean freed;
    /** The application closed the pcb (it no longer receives callbacks but for the stack's own cleanup). */
    boolean appClosed;
    /** The application shut down the receive side: incoming data gets a RST. */
    boolean rxShut;

    IpAddress localAddr;
    int localPort;
    IpAddress remoteAddr;
    int remotePort;
    Netif boundNetif;
    Route route;
    boolean bound;
    /** Indexed in the tuple table (connected) or in the port table only. */
    boolean inTupleTable;
    boolean reuseAddr;
    /** IPV6_V6ONLY: bound to {@code ::}, this pcb takes IPv6 only. */
    boolean v6Only;
    int prio = 64;
    long lastActive;

    // Listener
    int backlog;
    /** Half-open connections in SYN_RCVD: the SYN queue, bounded by {@link #backlog}. */
    int pending;
    TcpPcb listener;
    /** The SYN queue overflowed (SYN cookies went out), last at {@link #lastOverflow}. */
    boolean overflowed;
    long lastOverflow;

    // Send sequence space (RFC 9293 §3.3.1)
    int iss;
    int sndUna;
    int sndNxt;
    /** Highest sequence number sent plus one (snd_max): ACKs above it acknowledge nothing sent. */
    int sndMax;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int maxSndWnd;
    /** Sequence number of the send queue's first byte. */
    int dataSeq;
    boolean finQueued;
    int mss = 536;
    int sndScale;
    SendQueue sendQueue;
    boolean nodelay;
    /** Data written with {@link #WRITE_MORE} last: no PSH on it. */
    boolean morePending;

    // Receive sequence space
    int irs;
    int rcvNxt;
    /**
     * Receive buffer free: TCP_WND less what the application holds (not yet recved). Negative
     * when the peer filled a window rounded up past the buffer by the window scale ({@code
     * TcpOutput#windowField}): by at most a sixteenth of {@link #rcvWndMax}.
     */
    int rcvWnd;
    /** The largest receive window: TCP_WND, or 65535 without window scaling. */
    int rcvWndMax;
    /** The receive window our last ACK carried (unscaled bytes), sent with {@link #lastAckSent}. */
    int rcvAnnounced;
    int rcvScale;
    boolean finReceived;
    ReceiveQueue ooseq;
    int lastAckSent;
    /**
     * The furthest right edge any of our ACKs announced (RFC 7323 §2.4's "actual maximum window
     * sequence number"): segments up to it are taken, even when a later ACK announced less.
     */
    int rcvEdgeMax;
    /** Full-size segments received since the last ACK (delayed ACK, RFC 1122 §4.2.3.2). */
    int unackedSegments;
    boolean ackNow;

    // Options negotiated
    boolean tsOk;
    int tsRecent;
    // TCP_INFO counters
    long bytesAcked;
    long bytesReceived;
    // Urgent data (RFC 9293 §3.8.5)
    /** SND.UP: the sequence number following our urgent data, while {@link #sndUrgent}. */
    int sndUp;
    /** Urgent data of ours is not yet acknowledged. */
    boolean sndUrgent;
    /** RCV.UP as a stream offset (bytes since the first): the end of the peer's urgent data; -1 none seen. */
    long rcvUp = -1;
    long segsIn;
    long segsOut;
    long dataSegsIn;
    long dataSegsOut;
    /** When {@link #tsRecent} was last set (RFC 7323 §5.5's 24-day validity). */
    long tsRecentTime;
    /** When the connection entered TIME_WAIT (the oldest is recycled first). */
    long timeWaitSince;
    long tsOffset;
    boolean sackOk;
    boolean wsOk;
    int peerMss;
    /** The last ICMP error about this connection (a soft error, RFC 1122 §4.2.3.9). */
    org.lwip4j.ip.IcmpError softError;

    // Timers and loss recovery
    RetransmitTimer rtt;
    CongestionControl cc;
    int nrtx;
    int dupAcks;
    boolean inRecovery;
    int recover;
    // SACK (RFC 2018, 2883) and SACK-based recovery (RFC 6675, RFC 6937); made when SACK is negotiated
    SackScoreboard scoreboard;
    SackReceiver rxSack;
    /** RFC 6675 HighRxt: one past the highest sequence number retransmitted in this recovery. */
    int highRxt;
    /**
     * RFC 6675 RescueRxt: the rescue retransmission of this recovery went (RescueRxt is set to
     * RecoveryPoint, which HighACK passes only when recovery ends: one per recovery).
     */
    boolean rescueRxt;
    /** RFC 6937 prr_delivered, prr_out, RecoverFS. */
    int prrDelivered;
    int prrOut;
    int recoverFs;
    // RACK-TLP (RFC 8985): made with the scoreboard
    SentLog sentLog;
    /** The reordering timer or, when {@link #lossTimerProbe}, the tail loss probe's timer. */
    Timer lossTimer;
    boolean lossTimerProbe;
    long rackXmitTs;
    int rackEndSeq;
    long rackRtt;
    long rackMinRtt;
    /** Highest end of a delivered segment (RACK.fack). */
    int rackFack;
    boolean rackReorderingSeen;
    /** This ACK delivered a segment out of order (counted once per ACK). */
    boolean rackReordered;
    int rackReoWndMult;
    int rackDsackRecoveries;
    /** RACK's verdict: unSACKed first transmissions below this are lost. */
    int rackEdge;
    /** A TLP is out (TLP.end_seq set), it was a retransmission, its end; probes sent. */
    boolean tlpOut;
    boolean tlpRetrans;
    int tlpEnd;
    int tlpProbes;
    /** Bytes a probe may send beyond cwnd (RFC 8985 §7.3). */
    int probeBudget;
    /** Counters for TCP_INFO: segments retransmitted, recoveries entered, reorderings seen. */
    int totalRetrans;
    int recoveries;
    int reordering;
    /** Sequence number being timed for an RTT sample, and when it was sent (Karn: cleared on any retransmission). */
    boolean rttTiming;
    int rttSeq;
    long rttStart;
    int persistBackoff;
    int persistProbes;
    boolean keepalive;
    long keepIdle;
    long keepInterval;
    int keepCount;
    int keepProbes;
    long lastReceived;
    long lastSent;
    /** TCP_USER_TIMEOUT in nanoseconds, 0 = off; since when SND.UNA has not moved with data out; since when probing a zero window. */
    long userTimeout;
    /** The TOS / traffic class byte of our segments (RFC 9293 §3.9.2 MUST-48; RFC 2474's DS field and RFC 3168's ECN bits). */
    int tos;
    /** The TTL / hop limit of our segments; -1: the stack's ({@code TcpOptions#ttl}, or the link's hop limit for IPv6). */
    int ttl = -1;
    long unackedSince;
    long persistSince;
    /** SO_LINGER in nanoseconds, -1 = off; the state timer holds the linger deadline (not FIN_WAIT_2's). */
    long linger = -1;
    boolean lingerArmed;

    // One shared never-armed stand-in until first armed; arm them only through TcpTimers,
    // which gives the pcb its own Timer then (cancel and isScheduled work anywhere).
    Timer rtoTimer;
    Timer delackTimer;
    Timer persistTimer;
    Timer keepaliveTimer;
    Timer stateTimer;
    Timer pollTimer;

    AcceptCallback onAccept;
    ConnectedCallback onConnected;
    RecvCallback onRecv;
    SentCallback onSent;
    PollCallback onPoll;
    ErrCallback onErr;
    UrgentCallback onUrgent;
    DeliveryProblemCallback onDeliveryProblem;

    TcpPcb(Tcp tcp) {
        this.tcp = tcp;
    }

    /**
     * Binds to a local address and port ({@code tcp_bind}); port 0 picks an ephemeral port
     * (RFC 6056). {@link IpAddress#ANY_TYPE} binds to the wildcard of both families: a
     * listener there accepts IPv4 and IPv6 connections.
     *
     * @return {@link Err#USE} when another pcb holds the address and port
     * @throws IllegalStateException when already bound or not CLOSED
     */
    public Err bind(IpAddress addr, int port) {
        tcp.live(this, "bind");
        Objects.requireNonNull(addr, "addr");
        if (bound) {
            throw new IllegalStateException("TCP pcb already bound to port " + localPort);
        }
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port must be 0..65535, not " + port);
        }
        return tcp.bind(this, addr, port);
    }

    /** Restricts the pcb to one netif ({@code tcp_bind_netif}); {@code null} for any. */
    public void bindNetif(Netif netif) {
        tcp.live(this, "bindNetif");
        boundNetif = netif;
        route = null;
    }

    /**
     * Listens for connections with at most {@code backlog} of them half-open at once
     * ({@code tcp_listen_with_backlog}); binds to an ephemeral port first when unbound.
     */
    public Err listen(int backlog) {
        tcp.live(this, "listen");
        if (state != TcpState.CLOSED) {
            throw new IllegalStateException("listen() in state " + state);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be positive, not " + backlog);
        }
        if (!bound) {
            Err e = tcp.bind(this, tcp.anyOfDefault(), 0);
            if (e != Err.OK) {
                return e;
            }
        }
        this.backlog = backlog;
        state = TcpState.LISTEN;
        tcp.listening.add(localPort, this);
        return Err.OK;
    }

    /**
     * Starts an active open to {@code addr}:{@code port} ({@code tcp_connect}): sends a SYN;
     * {@code connected} runs once ESTABLISHED, {@link #onErr} if it fails.
     *
     * @return {@link Err#RTE} without a route, {@link Err#USE} when no local port is free
     * @throws IllegalStateException when not CLOSED
     */
    public Err connect(IpAddress addr, int port, ConnectedCallback connected) {
        tcp.live(this, "connect");
        Objects.requireNonNull(addr, "addr");
        if (state != TcpState.CLOSED) {
            throw new IllegalStateException("connect() in state " + state);
        }
        if (port < 1 || port > 0xffff) {
            throw new IllegalArgumentException("port must be 1..65535, not " + port);
        }
        this.onConnected = connected;
        return tcp.connect(this, addr, port);
    }

    /** Writes {@code data} ({@code tcp_write} with copy). */
    public Err write(byte[] data) {
        return write(data, 0, data.length, WRITE_COPY);
    }

    /**
     * Queues {@code len} bytes of {@code data} for sending ({@code tcp_write}); they leave
     * on {@link #output()}, when the callback that wrote returns, or as ACKs arrive. With
     * {@link #WRITE_COPY} the bytes are copied; without it they are referenced in place, as
     * {@link #write(Pbuf, int)} does with a pbuf: the caller must not change
     * {@code data[off, off+len)} until the peer has acknowledged them ({@link #onSent}).
     *
     * @return {@link Err#MEM} when the send buffer has less room ({@link #sndbuf()}) or, without
     *         copy, the connection holds as many referenced pbufs as it may,
     *         {@link Err#CONN} when the connection cannot send (closed, or not connected)
     */
    public Err write(byte[] data, int off, int len, int flags) {
        tcp.live(this, "write");
        Objects.checkFromIndexSize(off, len, data.length);
        boolean copy = (flags & WRITE_COPY) != 0 || len == 0;
        Err e = tcp.output().canWrite(this, len, copy ? 0 : 1);
        if (e != Err.OK) {
            return e;
        }
        if (copy) {
            sendQueue.write(data, off, len);
        } else {
            sendQueue.writeRef(data, off, len, tcp.ctx().pbufs());
        }
        writeFlags(flags);
        tcp.output().written(this);
        return Err.OK;
    }

    /**
     * Queues the bytes of {@code p} for sending; flags as {@link #write(byte[], int, int, int)}.
     * With {@link #WRITE_COPY} they are copied and the caller keeps and frees {@code p} as
     * before. Without it the write is zero-copy (lwIP's {@code tcp_write} without
     * {@code TCP_WRITE_FLAG_COPY}): the stack takes a reference of its own to {@code p}
     * ({@link Pbuf#ref()}) and its segments carry views of {@code p}'s memory chained after
     * their headers. The caller may free its reference at once, but must not change the
     * bytes of {@code p}, nor its chain, until the peer has acknowledged all of them; the
     * stack drops its reference then, or when the connection ends (abort, reset, the close
     * completing, the stack closing). Each node of {@code p} counts against the connection's
     * referenced-pbuf bound (lwIP's {@code TCP_SND_QUEUELEN}: 4 × send buffer / MSS nodes,
     * at least 16), its bytes against {@link #sndbuf()}.
     *
     * <pre>{@code
     * Pbuf p = Pbuf.wrap(response);                 // no copy of the bytes
     * if (conn.write(p, 0) == Err.OK) { ... }       // zero-copy: the stack holds its own reference
     * p.free();                                     // ours; response stays untouched until onSent
     * }</pre>
     *
     * @return as {@link #write(byte[], int, int, int)}
     */
    public Err write(Pbuf p, int flags) {
        tcp.live(this, "write");
        int len = p.totalLength();
        boolean copy = (flags & WRITE_COPY) != 0 || len == 0;
        Err e = tcp.output().canWrite(this, len, copy ? 0 : p.chainLength());
        if (e != Err.OK) {
            return e;
        }
        if (copy) {
            sendQueue.write(p, 0, len);
        } else {
            sendQueue.writeRef(p.ref());
        }
        writeFlags(flags);
        tcp.output().written(this);
        return Err.OK;
    }

    /** What a write's flags say about the data just queued: PSH withheld, or urgent (SND.UP at its end). */
    private void writeFlags(int flags) {
        morePending = (flags & WRITE_MORE) != 0 && (flags & WRITE_URGENT) == 0;
        if ((flags & WRITE_URGENT) != 0) {
            sndUp = dataSeq + sendQueue.length(); // RFC 9293 §3.8.5: the octet following the urgent data
            sndUrgent = true;
        }
    }

    /** Sends what the windows allow now ({@code tcp_output}). */
    public Err output() {
        tcp.live(this, "output");
        return tcp.output().output(this);
    }

    /** The application consumed {@code len} received bytes: opens the window ({@code tcp_recved}). */
    public void recved(int len) {
        tcp.live(this, "recved");
        if (len < 0) {
            throw new IllegalArgumentException("negative length " + len);
        }
        tcp.input().recved(this, len);
    }

    /** Room in the send buffer ({@code tcp_sndbuf}). */
    public int sndbuf() {
        tcp.live(this, "sndbuf");
        return sendQueue == null ? 0 : sendQueue.space();
    }

    /** Turns Nagle's algorithm off (true) or on ({@code tcp_nagle_disable}; RFC 896, RFC 1122 §4.2.3.4). */
    public void setNoDelay(boolean on) {
        tcp.live(this, "setNoDelay");
        nodelay = on;
    }

    /** True when Nagle's algorithm is off. */
    public boolean noDelay() {
        return nodelay;
    }

    /**
     * {@code IPV6_V6ONLY}: when on, a pcb bound to {@code ::} ({@link IpAddress#ANY_TYPE})
     * takes IPv6 only: a listener accepts IPv6 connections alone, an IPv4 pcb may bind the
     * same port, and {@link #connect} to an IPv4 address is {@link Err#VAL}. Off by default,
     * as Linux's {@code net.ipv6.bindv6only=0}: the wildcard of both families. Set it before
     * binding.
     *
     * @throws IllegalStateException when the pcb is already bound
     */
    public void setV6Only(boolean on) {
        tcp.live(this, "setV6Only");
        if (bound) {
            throw new IllegalStateException("IPV6_V6ONLY is set before bind");
        }
        v6Only = on;
    }

    /** Whether {@link #setV6Only(boolean)} is on. */
    public boolean v6Only() {
        return v6Only;
    }

    /** Sets SO_REUSEADDR: bind may take a port a TIME_WAIT connection still holds. */
    public void setReuseAddr(boolean on) {
        tcp.live(this, "setReuseAddr");
        reuseAddr = on;
    }

    /** Priority for pcb recycling under exhaustion ({@code tcp_setprio}): lower goes first; 1..127. */
    public void setPriority(int prio) {
        tcp.live(this, "setPriority");
        if (prio < 1 || prio > 127) {
            throw new IllegalArgumentException("priority must be 1..127, not " + prio);
        }
        this.prio = prio;
    }

    /**
     * Turns keepalive on or off (SO_KEEPALIVE, RFC 1122 §4.2.3.6) with the stack's idle,
     * interval and count; {@link #setKeepalive(boolean, Duration, Duration, int)} sets them.
     */
    public void setKeepalive(boolean on) {
        setKeepalive(on, Duration.ofNanos(keepIdle), Duration.ofNanos(keepInterval), keepCount);
    }

    /** Keepalive with its own idle time, probe interval and probe count. */
    public void setKeepalive(boolean on, Duration idle, Duration interval, int count) {
        tcp.live(this, "setKeepalive");
        if (count < 1 || idle.isNegative() || idle.isZero() || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("keepalive needs positive idle, interval and count");
        }
        keepalive = on;
        keepIdle = idle.toNanos();
        keepInterval = interval.toNanos();
        keepCount = count;
        tcp.timers().keepaliveReset(this);
    }

    /**
     * The user timeout (RFC 9293 §3.8.3 USER TIMEOUT with RFC 5482's semantics as a local
     * option, as Linux's {@code TCP_USER_TIMEOUT}): when data we sent stays unacknowledged
     * this long (retransmissions) or a zero window is probed this long, the connection is
     * aborted with a RST and {@code onErr(ABRT)}; it then replaces the retransmission and
     * probe counts (R2). With keepalive on, a connection whose probes are unanswered and
     * that has heard nothing for this long is aborted too. {@link Duration#ZERO}, the
     * default, turns it off. Accepted connections inherit it from their listener.
     */
    public void setUserTimeout(Duration timeout) {
        tcp.live(this, "setUserTimeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("user timeout must not be negative: " + timeout);
        }
        userTimeout = timeout.toNanos();
    }

    /** The user timeout; {@link Duration#ZERO} when off. */
    public Duration userTimeout() {
        return Duration.ofNanos(userTimeout);
    }

    /**
     * The TOS byte (IPv4) or traffic class (IPv6) of this connection's segments
     * ({@code IP_TOS}/{@code IPV6_TCLASS}, lwIP's {@code ip_set_tos}): the Differentiated
     * Services code point in its upper six bits (RFC 2474), which the application layer must
     * be able to set (RFC 9293 §3.9.2, MUST-48). 0, the default, is best effort. Takes effect
     * from the next segment; accepted connections inherit it from their listener, whose
     * SYN-ACKs carry it too.
     *
     * @throws IllegalArgumentException when {@code tos} is not 0..255
     */
    public void setTos(int tos) {
        tcp.live(this, "setTos");
        if (tos < 0 || tos > 0xff) {
            throw new IllegalArgumentException("TOS must be 0..255, not " + tos);
        }
        this.tos = tos;
    }

    /** The right edge of the receive window we announced last: RCV.NXT + RCV.WND as the peer knows them. */
    int announcedEdge() {
        return lastAckSent + rcvAnnounced;
    }

    /** The peer's SYN took RCV.NXT to {@code rcvNxt}, and our SYN-ACK (or SYN) offered {@code window} bytes. */
    void firstAnnounced(int rcvNxt, int window) {
        rcvEdgeMax = rcvNxt;
        announced(rcvNxt, window);
    }

    /** An ACK of {@code ack} with a window of {@code window} bytes went out. */
    void announced(int ack, int window) {
        lastAckSent = ack;
        rcvAnnounced = window;
        if (Seq.gt(ack + window, rcvEdgeMax)) {
            rcvEdgeMax = ack + window;
        }
    }

    /** The TOS / traffic class byte of this connection's segments. */
    public int tos() {
        return tos;
    }

    /**
     * The TTL (IPv4) or hop limit (IPv6) of this connection's segments ({@code IP_TTL},
     * {@code IPV6_UNICAST_HOPS}; RFC 9293 MUST-49 makes it configurable). Without it the
     * stack's {@code TcpOptions#ttl} applies over IPv4 and the link's current hop limit
     * (RFC 4861 §6.3.4) over IPv6. Accepted connections inherit it from their listener.
     *
     * @throws IllegalArgumentException when {@code ttl} is not 1..255
     */
    public void setTtl(int ttl) {
        tcp.live(this, "setTtl");
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("TTL must be 1..255, not " + ttl);
        }
        this.ttl = ttl;
    }

    /** The TTL set with {@link #setTtl}, or -1 when the stack's default applies. */
    public int ttl() {
        return ttl;
    }

    /**
     * SO_LINGER for {@link #close()}: {@code null} (the default) is off, a graceful close in
     * the background. {@link Duration#ZERO} makes {@code close()} an abort, as Linux: a RST,
     * unsent data discarded, the pcb freed at once. A positive time keeps the close graceful
     * but aborts it with a RST when all data and our FIN are not acknowledged by then.
     * Accepted connections inherit it from their listener.
     */
    public void setLinger(Duration linger) {
        tcp.live(this, "setLinger");
        if (linger != null && linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative: " + linger);
        }
        this.linger = linger == null ? -1 : linger.toNanos();
    }

    /** The linger time, {@code null} when off. */
    public Duration linger() {
        return linger < 0 ? null : Duration.ofNanos(linger);
    }

    /**
     * Shuts down the receive side, the send side (a FIN after the queued data) or both
     * ({@code tcp_shutdown}); both is {@link #close()}.
     */
    public Err shutdown(boolean rx, boolean tx) {
        tcp.live(this, "shutdown");
        if (rx && tx) {
            return close();
        }
        if (state == TcpState.LISTEN) {
            return Err.CONN;
        }
        if (rx) {
            rxShut = true;
        }
        if (tx) {
            return tcp.closeSend(this);
        }
        return Err.OK;
    }

    /**
     * Closes the connection ({@code tcp_close}): a FIN after the queued data, then the
     * stack finishes the close and frees the pcb. Unread received data makes it a reset
     * instead (RFC 1122 §4.2.2.13). No callback follows. Closing a pcb whose connection the
     * stack already ended (reset, aborted, TIME_WAIT over) does nothing; closing twice throws.
     */
    public Err close() {
        if (freed && !appClosed) {
            tcp.ctx().loop().checkInEventLoop("TCP close");
            return Err.OK; // the connection ended (TIME_WAIT over, reset, aborted): nothing left to close
        }
        tcp.live(this, "close");
        return tcp.close(this);
    }

    /** Sends a RST (when connected) and frees the pcb at once ({@code tcp_abort}); {@code onErr(ABRT)} runs. */
    public void abort() {
        tcp.live(this, "abort");
        tcp.abort(this, true, Err.ABRT);
    }

    /** Sets the accept callback of a listener. */
    public void onAccept(AcceptCallback cb) {
        tcp.live(this, "onAccept");
        onAccept = cb;
    }

    /** Sets the receive callback; without one, data is freed and recved at once. */
    public void onRecv(RecvCallback cb) {
        tcp.live(this, "onRecv");
        onRecv = cb;
    }

    /** Sets the sent callback. */
    public void onSent(SentCallback cb) {
        tcp.live(this, "onSent");
        onSent = cb;
    }

    /**
     * Sets the urgent callback (RFC 9293 §3.8.5); without one, urgent data is ordinary data
     * (it always is delivered in line, RFC 6093 §5).
     */
    public void onUrgent(UrgentCallback cb) {
        tcp.live(this, "onUrgent");
        onUrgent = cb;
    }

    /**
     * Bytes of the stream up to the end of the peer's urgent data not yet delivered to
     * {@link #onRecv}; 0 when no urgent data is pending (RFC 9293 §3.8.5, MUST-33: the
     * application learns whether, and how much, urgent data remains to be read).
     */
    public long urgentRemaining() {
        tcp.live(this, "urgentRemaining");
        return Math.max(0, rcvUp - bytesReceived);
    }

    /** Sets the error callback. */
    public void onErr(ErrCallback cb) {
        tcp.live(this, "onErr");
        onErr = cb;
    }

    /**
     * Sets the delivery problem callback (RFC 9293 §3.8.3 SHLD-9); without one (the default)
     * the application is not told (SHLD-20), and learns of a failure only when R2 ends the
     * connection ({@link #onErr}).
     */
    public void onDeliveryProblem(DeliveryProblemCallback cb) {
        tcp.live(this, "onDeliveryProblem");
        onDeliveryProblem = cb;
    }

    /** Calls {@code cb} every {@code interval} ({@code tcp_poll}); {@code null} stops it. */
    public void onPoll(PollCallback cb, Duration interval) {
        tcp.live(this, "onPoll");
        onPoll = cb;
        tcp.timers().pollReset(this, cb == null ? 0 : interval.toNanos());
    }

    /** The state. */
    public TcpState state() {
        return state;
    }

    /** Local address (the wildcard before connecting if bound to it). */
    public IpAddress localAddr() {
        return localAddr;
    }

    /** Local port, 0 when unbound. */
    public int localPort() {
        return localPort;
    }

    /** Remote address, {@code null} before connecting. */
    public IpAddress remoteAddr() {
        return remoteAddr;
    }

    /** Remote port. */
    public int remotePort() {
        return remotePort;
    }

    /**
     * The last ICMP error about this connection that did not end it (RFC 1122 §4.2.3.9's
     * soft errors, as Linux's {@code SO_ERROR}), or {@code null}.
     */
    public org.lwip4j.ip.IcmpError softError() {
        return softError;
    }

    /** The MSS this side sends with (the peer's, clamped to the route). */
    public int mss() {
        return mss;
    }

    /** A snapshot of the connection's state (Linux's {@code TCP_INFO}, a first part). */
    public TcpInfo info() {
        return new TcpInfo(state, sndUna, sndNxt, rcvNxt, sndWnd, rcvWnd, mss,
                cc == null ? 0 : cc.cwnd(), cc == null ? 0 : cc.ssthresh(),
                rtt == null ? 0 : rtt.srtt(), rtt == null ? 0 : rtt.rttvar(), rtt == null ? 0 : rtt.rto(), nrtx,
                dupAcks, sndScale, rcvScale, tsOk, sackOk, ooseq == null ? 0 : ooseq.bytes(),
                sendQueue == null ? 0 : sendQueue.length(),
                totalRetrans, recoveries, scoreboard == null ? 0 : scoreboard.sackedBytes(),
                scoreboard == null ? 0 : scoreboard.unsacked(sndUna, scoreboard.lostEdge(sndUna, mss)), reordering,
                scoreboard == null ? 0 : scoreboard.dsacks, rxSack == null ? 0 : rxSack.dsacksSent, tlpProbes,
                wsOk, peerMss, bytesAcked, bytesReceived, segsIn, segsOut, dataSegsIn, dataSegsOut);
    }

    @Override
    public String toString() {
        return "TcpPcb[" + state + " " + localAddr + ":" + localPort + " -> " + remoteAddr + ":" + remotePort + "]";
    }
}
