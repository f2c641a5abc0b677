package org.lwip4j.tcp;

import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.ip.Route;
import org.lwip4j.wire.TcpOptions;
import org.lwip4j.wire.TcpPacket;

/**
 * Passive opens (RFC 9293 §3.10.7.2, lwIP's {@code tcp_listen_input}, gVisor's
 * {@code accept.go}): a SYN to a listener makes a half-open connection in SYN_RCVD that
 * counts against the listener's SYN queue (its backlog) until it is established and handed
 * to the application (or dies); a RST is ignored, an ACK gets a RST, anything else is
 * dropped.
 *
 * <p>When the SYN queue is full (or no pcb is free) the listener answers with a SYN cookie
 * (RFC 4987 §3.6, {@link SynCookies}) and keeps nothing: the ISN of its SYN-ACK encodes the
 * MSS, and when the SYN carried timestamps the low bits of its TSval carry the window scale
 * and SACK-permitted, as Linux does. An ACK that returns a valid cookie (for a listener that
 * overflowed in the last two counter periods) makes the connection at once. So a SYN flood
 * costs a bounded number of pcbs and no memory beyond, and real clients still connect.
 */
final class TcpListener {
    private final Tcp tcp;
    private final SynCookies cookies4;
    private final SynCookies cookies6;

    TcpListener(Tcp tcp) {
        this.tcp = tcp;
        this.cookies4 = new SynCookies(tcp.ctx.random(), SynCookies.defaultMssTableV4());
        this.cookies6 = new SynCookies(tcp.ctx.random(), SynCookies.defaultMssTableV6());
    }

    /** Handles a segment for {@code listener}; takes {@code p}. */
    void segment(TcpPcb listener, Pbuf p, IpInfo info, Tcp.Segment seg) {
        if (!seg.has(TcpPacket.RST) && seg.has(TcpPacket.ACK) && !seg.has(TcpPacket.SYN)
                && cookieAck(listener, p, info, seg)) {
            return; // p went on with the new connection
        }
        try {
            if (seg.has(TcpPacket.RST)) {
                return;
            }
            if (seg.has(TcpPacket.ACK)) {
                tcp.stats.proterr++;
                tcp.output().resetFor(info, seg);
                return;
            }
            if (!seg.has(TcpPacket.SYN) || seg.has(TcpPacket.FIN)) {
                tcp.stats.drop++;
                return;
            }
            IpAddress src = info.src();
            if (src.isAny() || src.isMulticast() || (src instanceof org.lwip4j.addr.Ip4Address a4 && a4.bits() == -1)) {
                tcp.stats.proterr++; // RFC 9293 §3.10.7.2 (MUST-63): no connection from a group or nobody
                tcp.stats.drop++;
                return;
            }
            if (listener.pending >= listener.backlog) {
                overflow(listener, info, seg); // the SYN queue is full
                return;
            }
            TcpPcb pcb = tcp.allocPcb(listener.prio);
            if (pcb == null) {
                tcp.stats.memerr++;
                overflow(listener, info, seg);
                return;
            }
            halfOpen(listener, pcb, info, seg);
            tcp.input().acceptSyn(pcb, seg, tcp.rxOptions, info.version());
            pcb.iss = tcp.newIsn(pcb);
            pcb.sndUna = pcb.iss;
            pcb.sndNxt = pcb.iss + 1;
            pcb.sndMax = pcb.sndNxt;
            pcb.recover = pcb.iss; // RFC 6582 §3.2 step 1
            pcb.dataSeq = pcb.iss + 1;
            pcb.state = TcpState.SYN_RCVD;
            tcp.indexConnection(pcb);
            tcp.output().sendSyn(pcb, true);
            tcp.timers().armRto(pcb);
        } finally {
            p.free();
        }
    }

    /** A pcb for a connection to {@code listener} from the segment's source, bound, with the listener's settings. */
    private void halfOpen(TcpPcb listener, TcpPcb pcb, IpInfo info, Tcp.Segment seg) {
        pcb.localAddr = info.dst();
        pcb.localPort = seg.dstPort;
        pcb.remoteAddr = info.src();
        pcb.remotePort = seg.srcPort;
        pcb.boundNetif = listener.boundNetif;
        pcb.nodelay = listener.nodelay;
        pcb.keepalive = listener.keepalive;
        pcb.keepIdle = listener.keepIdle;
        pcb.keepInterval = listener.keepInterval;
        pcb.keepCount = listener.keepCount;
        pcb.userTimeout = listener.userTimeout;
        pcb.linger = listener.linger;
        pcb.tos = listener.tos;
        pcb.ttl = listener.ttl;
        pcb.listener = listener;
        listener.pending++;
        pcb.bound = true;
        tcp.byPort.add(pcb.localPort, pcb);
        tcp.initConnection(pcb);
    }

    /** No room for another half-open connection: a SYN cookie when enabled, else the SYN is dropped (the peer retries). */
    private void overflow(TcpPcb listener, IpInfo info, Tcp.Segment seg) {
        if (!tcp.cfg.synCookies()) {
            tcp.counters.synQueueDrops++;
            tcp.stats.drop++;
            return;
        }
        listener.lastOverflow = tcp.ctx.now();
        listener.overflowed = true;
        IpAddress local = info.dst();
        IpAddress remote = info.src();
        Route r = tcp.ip.route(remote, local, null);
        if (r == null) {
            tcp.stats.rterr++;
            return;
        }
        TcpOptions o = tcp.rxOptions;
        int peerMss = o.mss() > 0 ? o.mss() : defaultMss(info.version());
        int cookie = cookies(info.version()).encode(SynCookies.counter(tcp.ctx.now()), Tcp.hi(local), Tcp.lo(local),
                seg.dstPort, Tcp.hi(remote), Tcp.lo(remote), seg.srcPort, seg.seq, peerMss);
        boolean ws = tcp.cfg.windowScaling() && o.windowScale() != TcpOptions.ABSENT;
        boolean ts = tcp.cfg.timestamps() && o.hasTimestamps();
        boolean sack = tcp.cfg.sack() && o.sackPermitted();
        int tsVal = 0;
        if (ts) {
            int now = tcp.tsClock(local, seg.dstPort, remote, seg.srcPort);
            tsVal = SynCookies.tsEncode(now, ws ? Math.min(o.windowScale(), TcpOptions.MAX_WINDOW_SCALE) : -1, sack,
                    false);
        }
        // Without timestamps nothing but the MSS survives (as Linux): no window scale, no SACK.
        tcp.output().cookieSynAck(listener, r, seg.dstPort, seg.srcPort, cookie, seg.seq + 1, ws && ts, sack && ts, ts, tsVal,
                o.tsVal());
        tcp.counters.synCookiesSent++;
    }

    /**
     * An ACK to a listener: when it returns a SYN cookie we issued (RFC 4987 §3.6), the
     * connection is made from what the cookie and the echoed timestamp carry and the segment
     * goes on to it, as the ACK of its SYN-ACK. Returns false (leaving {@code p}) otherwise.
     */
    private boolean cookieAck(TcpPcb listener, Pbuf p, IpInfo info, Tcp.Segment seg) {
        if (!listener.overflowed || tcp.ctx.now() - listener.lastOverflow >= SynCookies.MAX_AGE * SynCookies.COUNTER_NANOS) {
            return false; // no cookie went out lately: an ACK here is stray
        }
        IpAddress local = info.dst();
        IpAddress remote = info.src();
        int mss = cookies(info.version()).check(SynCookies.counter(tcp.ctx.now()), Tcp.hi(local), Tcp.lo(local),
                seg.dstPort, Tcp.hi(remote), Tcp.lo(remote), seg.srcPort, seg.seq - 1, seg.ack - 1);
        if (mss < 0) {
            tcp.counters.synCookiesRejected++;
            return false;
        }
        TcpOptions o = tcp.rxOptions;
        boolean ts = tcp.cfg.timestamps() && o.hasTimestamps();
        int tsNow = ts ? tcp.tsClock(local, seg.dstPort, remote, seg.srcPort) : 0;
        if (ts && Seq.gt(o.tsEcr(), tsNow)) {
            tcp.counters.synCookiesRejected++; // an echo of a TSval we have not sent yet
            return false;
        }
        TcpPcb pcb = tcp.allocPcb(listener.prio);
        if (pcb == null) {
            tcp.stats.memerr++;
            return false;
        }
        tcp.counters.synCookiesAccepted++;
        halfOpen(listener, pcb, info, seg);
        pcb.irs = seg.seq - 1;
        pcb.rcvNxt = seg.seq;
        pcb.firstAnnounced(pcb.rcvNxt, Math.min(tcp.cfg.wnd(), 0xffff)); // what the stateless SYN-ACK offered
        pcb.sndWl1 = pcb.irs;
        pcb.iss = seg.ack - 1;
        pcb.sndUna = pcb.iss;
        pcb.sndNxt = seg.ack;
        pcb.sndMax = seg.ack;
        pcb.recover = pcb.iss;
        pcb.dataSeq = seg.ack;
        int ws = ts ? SynCookies.tsWindowScale(o.tsEcr()) : -1;
        pcb.wsOk = tcp.cfg.windowScaling() && ws >= 0;
        pcb.sndScale = pcb.wsOk ? ws : 0;
        pcb.rcvScale = pcb.wsOk ? tcp.ourScale() : 0;
        pcb.tsOk = ts;
        pcb.tsRecent = ts ? o.tsVal() : 0;
        pcb.tsRecentTime = tcp.ctx.now();
        pcb.sackOk = ts && tcp.cfg.sack() && SynCookies.tsSackPermitted(o.tsEcr());
        pcb.peerMss = mss;
        int m = Math.min(mss, tcp.announcedMss(tcp.route(pcb)));
        pcb.mss = Math.max(m - (pcb.tsOk ? TcpOutput.TS_OPTION_LEN : 0), 1);
        if (!pcb.wsOk && pcb.rcvWnd > 0xffff) {
            pcb.rcvWnd = 0xffff;
            pcb.rcvWndMax = 0xffff;
        }
        pcb.nrtx = 1; // no RTT sample: when the SYN-ACK left is known only to 64 ms (the TSval's low bits)
        pcb.state = TcpState.SYN_RCVD;
        tcp.indexConnection(pcb);
        tcp.input().segment(pcb, p, info); // the ACK completes the handshake; its data, if any, follows
        return true;
    }

    private SynCookies cookies(int version) {
        return version == 6 ? cookies6 : cookies4;
    }

    /** Peer MSS when the SYN has none: RFC 9293 §3.7.1 (536 over IPv4), RFC 8200 §8.3 (1220 over IPv6). */
    static int defaultMss(int version) {
        return version == 6 ? 1220 : 536;
    }
}
