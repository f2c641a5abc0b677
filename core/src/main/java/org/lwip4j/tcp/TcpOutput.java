package org.lwip4j.tcp;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.ip.IpOutput;
import org.lwip4j.ip.Route;
import org.lwip4j.stack.Err;
import org.lwip4j.wire.TcpOptions;
import org.lwip4j.wire.TcpPacket;

/**
 * The send side (lwIP's {@code tcp_out.c}, gVisor's {@code snd.go}): cuts segments from the
 * send queue as the peer's window and the congestion window allow (RFC 9293 §3.8.6,
 * RFC 5681), holds small segments while data is unacknowledged (Nagle, RFC 896 / RFC 1122
 * §4.2.3.4), sends window-sized segments into a window smaller than a segment, and builds
 * every segment the stack sends: SYN and SYN-ACK with their options, data, ACKs, RSTs and
 * probes. Segments are built in one pool pbuf each with the header in front; nothing else is
 * allocated. Bytes of a zero-copy write are not copied: they follow the header as views of
 * the application's pbuf ({@link SendQueue}); the device's copy is the only one.
 */
final class TcpOutput {
    /** Bytes the timestamps option takes in every segment once negotiated (RFC 7323 §3). */
    static final int TS_OPTION_LEN = 12;

    private final Tcp tcp;

    TcpOutput(Tcp tcp) {
        this.tcp = tcp;
    }

    /** Whether {@code len} more bytes, {@code refNodes} of whose pbuf nodes are referenced (not copied), may be queued. */
    Err canWrite(TcpPcb pcb, int len, int refNodes) {
        switch (pcb.state) {
            case SYN_SENT, SYN_RCVD, ESTABLISHED, CLOSE_WAIT -> {
            }
            default -> {
                return Err.CONN;
            }
        }
        if (pcb.finQueued) {
            return Err.CONN;
        }
        if (len > pcb.sendQueue.space() || refNodes > 0 && !pcb.sendQueue.refFits(refNodes)) {
            return Err.MEM;
        }
        return Err.OK;
    }

    /** Data was written: send now unless a segment of this pcb is being processed (sent at its end). */
    void written(TcpPcb pcb) {
        if (tcp.input().processing != pcb) {
            output(pcb);
        }
    }

    /**
     * Sends what may go now: new data and a queued FIN within min(cwnd, SND.WND), then an
     * ACK if one is due and nothing carried it ({@code tcp_output}).
     */
    Err output(TcpPcb pcb) {
        switch (pcb.state) {
            case ESTABLISHED, FIN_WAIT_1, CLOSE_WAIT, CLOSING, LAST_ACK -> sendData(pcb);
            default -> {
            }
        }
        if (pcb.ackNow && !pcb.freed) {
            sendAck(pcb);
        }
        return Err.OK;
    }

    private void sendData(TcpPcb pcb) {
        long now = tcp.ctx.now();
        if (pcb.sndMax == pcb.sndUna && pcb.cc != null && Seq.gt(pcb.sndMax, pcb.iss + 1)
                && now - pcb.lastSent > pcb.rtt.rto()) {
            pcb.cc.onIdleRestart(pcb.mss, now); // RFC 5681 §4.1
        }
        if (pcb.sndWnd == 0 && Seq.lt(pcb.sndUna, pcb.dataSeq + pcb.sendQueue.length())) {
            zeroWindow(pcb);
        }
        while (true) {
            boolean sackRecovery = pcb.inRecovery && pcb.scoreboard != null;
            int room = 0;
            if (sackRecovery) {
                // RFC 6675 §5 (C): while cwnd - pipe allows, NextSeg rule 1 first (lost segments).
                room = pcb.cc.cwnd() - tcp.recovery().pipe(pcb);
                if (room > 0 && tcp.recovery().retransmitNext(pcb, room, false) > 0) {
                    continue;
                }
            }
            int dataEnd = pcb.dataSeq + pcb.sendQueue.length();
            if (pcb.finQueued && pcb.sndNxt == dataEnd + 1) {
                if (sackRecovery && room > 0) {
                    tcp.recovery().retransmitNext(pcb, room, true);
                }
                break; // everything, FIN included, is out
            }
            int avail = dataEnd - pcb.sndNxt;
            int flight = pcb.sndNxt - pcb.sndUna;
            int cwnd = pcb.cc.cwnd();
            cwnd = CongestionControl.clampAdd(cwnd, pcb.probeBudget); // a tail loss probe (RFC 8985 §7.3)
            if (!pcb.inRecovery && pcb.dupAcks > 0 && pcb.dupAcks < 3) {
                // RFC 3042 limited transmit: a new segment for each of the first two duplicate ACKs.
                cwnd = CongestionControl.clampAdd(cwnd, pcb.dupAcks * pcb.mss);
            }
            int wnd = Math.min(pcb.sndWnd, cwnd);
            int allowed = pcb.sndUna + wnd - pcb.sndNxt;
            if (sackRecovery) {
                allowed = Math.min(pcb.sndUna + pcb.sndWnd - pcb.sndNxt, room); // rule 2: new data within cwnd - pipe
            }
            int len = Math.min(avail, pcb.mss);
            boolean fin = false;
            if (avail > 0) {
                len = Math.min(avail, maxSegment(pcb)); // more than the MSS where the device cuts (TSO)
                if (len > allowed && allowed >= pcb.mss) {
                    len = allowed - allowed % pcb.mss; // a super-segment: the whole segments that fit
                } else if (len > allowed) {
                    // RFC 9293 §3.8.6.2.1 / RFC 1122 §4.2.3.4: into a window smaller than a
                    // segment goes a window-sized segment, once nothing else is in flight.
                    if (allowed > 0 && flight == 0 && pcb.sndWnd <= pcb.cc.cwnd()) {
                        len = allowed;
                    } else {
                        if (sackRecovery && room > 0 && tcp.recovery().retransmitNext(pcb, room, true) > 0) {
                            continue; // rule 3
                        }
                        break;
                    }
                }
                boolean last = len == avail;
                // Nagle (RFC 896, RFC 1122 §4.2.3.4): a small segment waits while data is unacknowledged.
                boolean urgent = pcb.sndUrgent && Seq.gt(pcb.sndUp, pcb.sndNxt); // RFC 9293 §3.8.5: sent at once
                if (len < pcb.mss && flight > 0 && !pcb.nodelay && !(last && pcb.finQueued) && !urgent) {
                    break;
                }
                fin = last && pcb.finQueued;
            } else if (pcb.finQueued && pcb.sndNxt == dataEnd) {
                fin = true;
                len = 0;
            } else {
                if (sackRecovery && room > 0 && tcp.recovery().retransmitNext(pcb, room, true) > 0) {
                    continue; // rule 3
                }
                break;
            }
            int flags = TcpPacket.ACK;
            if (len > 0 && pcb.sndNxt + len == dataEnd && !pcb.morePending) {
                flags |= TcpPacket.PSH;
            }
            if (fin) {
                flags |= TcpPacket.FIN;
            }
            boolean fresh = pcb.sndNxt == pcb.sndMax;
            if (pcb.sackOk && pcb.scoreboard == null) {
                tcp.recovery().sender(pcb); // the first data: RACK dates it from here
            }
            if (pcb.sndMax == pcb.sndUna) {
                pcb.unackedSince = now; // the user timeout counts from here
            }
            Err e = emit(pcb, pcb.sndNxt, flags, len, false);
            if (e == Err.MEM) {
                tcp.timers().armRto(pcb);
                break;
            }
            if (fresh && !pcb.rttTiming) {
                pcb.rttTiming = true;
                pcb.rttSeq = pcb.sndNxt;
                pcb.rttStart = now;
            }
            tcp.rack().sent(pcb, pcb.sndNxt, pcb.sndNxt + len + (fin ? 1 : 0), fresh, now);
            pcb.sndNxt += len + (fin ? 1 : 0);
            pcb.probeBudget = 0;
            if (pcb.inRecovery) {
                pcb.prrOut += len + (fin ? 1 : 0); // RFC 6937: every byte sent in recovery
            }
            if (Seq.gt(pcb.sndNxt, pcb.sndMax)) {
                pcb.sndMax = pcb.sndNxt;
            }
            pcb.lastSent = now;
            if (!pcb.rtoTimer.isScheduled()) {
                tcp.timers().armRto(pcb);
            }
            tcp.rack().armProbe(pcb);
        }
    }

    /**
     * The peer's window is zero: the persist timer probes it (RFC 9293 §3.8.6.1, MUST-35). When
     * data was already sent beyond it, the peer shrank its window (§3.8.6.2.1, MUST-34): that
     * data goes again from SND.UNA once the window opens, and meanwhile it is neither
     * retransmitted into the closed window nor counted toward a timeout (SHLD-16, SHLD-17);
     * the probes are its first byte, at SND.UNA.
     */
    private void zeroWindow(TcpPcb pcb) {
        if (pcb.sndNxt != pcb.sndUna) {
            pcb.sndNxt = pcb.sndUna;
            pcb.rttTiming = false; // Karn: what is timed will have gone twice
        }
        tcp.timers().armPersist(pcb);
    }

    /**
     * Payload bytes one segment of {@code pcb} may carry: the MSS, or, when the outgoing
     * netif's driver cuts TCP super-segments itself (TSO, {@code NetifDriver.gsoTypes()}),
     * as many whole MSS as fit an IP packet of 64 KiB. The device cuts them into MSS-sized
     * segments with the same headers (sequence numbers advanced, FIN and PSH on the last).
     */
    private int maxSegment(TcpPcb pcb) {
        Route r = tcp.route(pcb);
        if (r == null || pcb.sndUrgent || (r.netif().driver().gsoTypes() & (1 << gsoType(r))) == 0) {
            return pcb.mss; // a super-segment's URG and pointer would be copied to every cut
        }
        return Math.max(pcb.mss, MAX_SUPER_PAYLOAD - MAX_SUPER_PAYLOAD % pcb.mss);
    }

    /** Largest payload of a super-segment: a 64 KiB IP packet less the largest IPv4 and TCP headers. */
    static final int MAX_SUPER_PAYLOAD = 0xffff - 60 - TcpPacket.MAX_HEADER_LEN;

    private static int gsoType(Route r) {
        return r.version() == 6 ? Pbuf.GSO_TCPV6 : Pbuf.GSO_TCPV4;
    }

    /** Resends the oldest unacknowledged segment (fast retransmit, NewReno partial ACK; RFC 5681 §3.2, RFC 6582). */
    void retransmitFirst(TcpPcb pcb) {
        pcb.rttTiming = false; // Karn
        if (pcb.state == TcpState.SYN_SENT || pcb.state == TcpState.SYN_RCVD) {
            sendSyn(pcb, pcb.state == TcpState.SYN_RCVD);
            return;
        }
        retransmit(pcb, pcb.sndUna, pcb.mss + 1); // a FIN right after a full segment goes with it
    }

    /**
     * Resends at most {@code max} bytes of sequence space from {@code seq} (data, then our
     * FIN if it falls inside); returns the sequence space sent, 0 when nothing was.
     */
    int retransmit(TcpPcb pcb, int seq, int max) {
        int dataEnd = pcb.dataSeq + pcb.sendQueue.length();
        int len = Math.min(Math.min(max, pcb.mss), Math.max(0, Math.min(dataEnd, pcb.sndMax) - seq));
        boolean fin = pcb.finQueued && seq + len == dataEnd && Seq.gt(pcb.sndMax, dataEnd) && len < max;
        if (len == 0 && !fin) {
            return 0;
        }
        if (Seq.le(seq, pcb.rttSeq)) {
            pcb.rttTiming = false; // Karn: no sample from what was sent twice
        }
        pcb.totalRetrans++;
        int psh = len > 0 && seq + len == dataEnd ? TcpPacket.PSH : 0; // as when it first went
        emit(pcb, seq, TcpPacket.ACK | psh | (fin ? TcpPacket.FIN : 0), len, false);
        tcp.rack().sent(pcb, seq, seq + len + (fin ? 1 : 0), false, tcp.ctx.now());
        return len + (fin ? 1 : 0);
    }

    /** Sends our SYN (active open) or SYN-ACK (passive or simultaneous open) at ISS with our options. */
    void sendSyn(TcpPcb pcb, boolean withAck) {
        emit(pcb, pcb.iss, TcpPacket.SYN | (withAck ? TcpPacket.ACK : 0), 0, true);
    }

    /**
     * Sends a bare ACK now, at the highest sequence number sent (SND.MAX; Linux's
     * {@code snd_nxt}, which a retransmission never moves back): after a timeout rewound
     * SND.NXT the peer's RCV.NXT may lie beyond it, and an ACK below RCV.NXT is
     * unacceptable there (RFC 9293 §3.10.7.4), so two sides both retransmitting would
     * discard each other's ACKs forever. While a zero-window probe is out, SND.NXT.
     */
    void sendAck(TcpPcb pcb) {
        int seq = pcb.persistTimer != null && pcb.persistTimer.isScheduled() ? pcb.sndNxt
                : Seq.max(pcb.sndNxt, pcb.sndMax);
        emit(pcb, seq, TcpPacket.ACK, 0, false);
    }

    /** A challenge ACK (RFC 5961 §3.2, §4.2, §5.2), within the stack-wide rate limit. */
    void challengeAck(TcpPcb pcb) {
        if (tcp.challengeAckAllowed()) {
            sendAck(pcb);
        }
    }

    /** RST for an established connection we abort: {@code <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>}. */
    void sendRst(TcpPcb pcb) {
        emit(pcb, pcb.sndNxt, TcpPacket.RST | TcpPacket.ACK, 0, false);
    }

    /** A zero-window probe: one byte of new data at SND.NXT, which stays where it is (RFC 9293 §3.8.6.1). */
    void zeroWindowProbe(TcpPcb pcb) {
        int dataEnd = pcb.dataSeq + pcb.sendQueue.length();
        if (Seq.lt(pcb.sndNxt, dataEnd)) {
            if (pcb.sndMax == pcb.sndUna) {
                pcb.unackedSince = tcp.ctx.now(); // the probe byte is data out: the user timeout counts from here
            }
            emit(pcb, pcb.sndNxt, TcpPacket.ACK, 1, false);
            if (Seq.gt(pcb.sndNxt + 1, pcb.sndMax)) {
                pcb.sndMax = pcb.sndNxt + 1;
            }
        } else {
            sendAck(pcb);
        }
    }

    /** A keepalive probe: SEG.SEQ = SND.NXT - 1, no data (RFC 1122 §4.2.3.6). */
    void keepaliveProbe(TcpPcb pcb) {
        emit(pcb, pcb.sndNxt - 1, TcpPacket.ACK, 0, false);
    }

    /**
     * The reset for a segment no pcb takes (RFC 9293 §3.10.7.1): {@code <SEQ=SEG.ACK><CTL=RST>}
     * when it carried an ACK, else {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>}.
     */
    void resetFor(IpInfo info, Tcp.Segment seg) {
        Route r = tcp.ip.route(info.src(), info.dst(), null);
        if (r == null) {
            tcp.stats.rterr++;
            return;
        }
        if (seg.has(TcpPacket.ACK)) {
            emitControl(r, seg.dstPort, seg.srcPort, seg.ack, 0, TcpPacket.RST);
        } else {
            int segLen = seg.len + (seg.has(TcpPacket.SYN) ? 1 : 0) + (seg.has(TcpPacket.FIN) ? 1 : 0);
            emitControl(r, seg.dstPort, seg.srcPort, 0, seg.seq + segLen, TcpPacket.RST | TcpPacket.ACK);
        }
    }

    /** The RST answering an unacceptable ACK on a pcb: {@code <SEQ=SEG.ACK><CTL=RST>}. */
    void resetForAck(TcpPcb pcb, int segAck) {
        Route r = tcp.route(pcb);
        if (r != null) {
            emitControl(r, pcb.localPort, pcb.remotePort, segAck, 0, TcpPacket.RST);
        }
    }

    /**
     * A SYN-ACK that keeps no state: the SYN cookie {@code cookie} as its sequence number
     * (RFC 4987 §3.6), our MSS for the route, and the window scale, SACK-permitted and
     * timestamps as the listener decided ({@link TcpListener}), with the listener's TOS and TTL.
     */
    void cookieSynAck(TcpPcb listener, Route r, int sport, int dport, int cookie, int ack, boolean ws, boolean sack, boolean ts,
            int tsVal, int tsEcr) {
        TcpOptions o = tcp.txOptions;
        o.clear();
        o.setMss(tcp.announcedMss(r));
        if (ws) {
            o.setWindowScale(tcp.ourScale());
        }
        if (sack) {
            o.setSackPermitted(true);
        }
        if (ts) {
            o.setTimestamps(tsVal, tsEcr);
        }
        int hl = TcpPacket.HEADER_LEN + o.emitLen();
        Pbuf q = tcp.ctx.pbufs().allocPool(Layer.IP, hl);
        if (q == null) {
            tcp.stats.memerr++;
            return;
        }
        MemorySegment s = q.segment();
        TcpPacket.emit(s, q.offset(), sport, dport, cookie, ack, hl, TcpPacket.SYN | TcpPacket.ACK,
                Math.min(tcp.cfg.wnd(), 0xffff), 0);
        o.emit(s, q.offset() + TcpPacket.HEADER_LEN);
        finish(q, r, hl);
        Err e = send(q, r, listener);
        q.free();
        count(e);
    }

    /**
     * Hands a segment of {@code pcb}'s to IP with the connection's TOS and TTL (MUST-48,
     * MUST-49): unless the application set a TTL, the stack's over IPv4 and the link's hop
     * limit over IPv6. Never fragmented (DF: RFC 1191 path MTU discovery).
     */
    private Err send(Pbuf q, Route r, TcpPcb pcb) {
        if (pcb.ttl > 0) {
            return tcp.ip.output(q, r, Tcp.PROTO_TCP, pcb.ttl, pcb.tos, IpOutput.DONT_FRAGMENT);
        }
        return tcp.ip.output(q, r, Tcp.PROTO_TCP, tcp.cfg.ttl(), pcb.tos, IpOutput.DONT_FRAGMENT | IpOutput.DEFAULT_HOP_LIMIT);
    }

    private void emitControl(Route r, int sport, int dport, int seq, int ack, int flags) {
        Pbuf q = tcp.ctx.pbufs().allocPool(Layer.IP, TcpPacket.HEADER_LEN);
        if (q == null) {
            tcp.stats.memerr++;
            return;
        }
        MemorySegment s = q.segment();
        TcpPacket.emit(s, q.offset(), sport, dport, seq, ack, TcpPacket.HEADER_LEN, flags, 0, 0);
        finish(q, r, TcpPacket.HEADER_LEN);
        Err e = tcp.ip.output(q, r, Tcp.PROTO_TCP, tcp.cfg.ttl(), 0, IpOutput.DONT_FRAGMENT | IpOutput.DEFAULT_HOP_LIMIT);
        q.free();
        count(e);
    }

    /**
     * Builds and sends one segment of {@code pcb}: {@code flags}, sequence number {@code seq},
     * {@code len} bytes of the send queue from {@code seq}, the ACK and window of now, and
     * the options (SYN options when {@code syn}, else timestamps when negotiated).
     */
    Err emit(TcpPcb pcb, int seq, int flags, int len, boolean syn) {
        Route r = tcp.route(pcb);
        if (r == null) {
            return Err.RTE;
        }
        TcpOptions o = tcp.txOptions;
        o.clear();
        if (syn) {
            o.setMss(tcp.announcedMss(r));
            boolean synAck = (flags & TcpPacket.ACK) != 0;
            if (synAck ? pcb.wsOk : tcp.cfg.windowScaling()) {
                o.setWindowScale(synAck ? pcb.rcvScale : tcp.ourScale());
            }
            if (synAck ? pcb.sackOk : tcp.cfg.sack()) {
                o.setSackPermitted(true);
            }
            if (synAck ? pcb.tsOk : tcp.cfg.timestamps()) {
                o.setTimestamps(tsVal(pcb), synAck ? pcb.tsRecent : 0);
            }
        } else if (pcb.tsOk) {
            o.setTimestamps(tsVal(pcb), pcb.tsRecent);
        }
        if (!syn && pcb.rxSack != null && (flags & ~TcpPacket.PSH) == TcpPacket.ACK) {
            // RFC 2018 §3: the blocks that fit beside the timestamps and, on data, inside the MSS.
            int max = pcb.tsOk ? 3 : 4;
            if (len > 0) {
                max = Math.min(max, (pcb.mss - len - 4) / TcpOptions.SACK_BLOCK_LEN);
            }
            pcb.rxSack.fill(o, pcb.rcvNxt, pcb.ooseq, max);
        }
        int hl = TcpPacket.HEADER_LEN + o.emitLen();
        int total = hl + len;
        int at = seq - pcb.dataSeq;
        // Copied bytes go right behind the header; referenced ones (zero-copy writes) follow
        // as views of the application's pbuf (SendQueue#chainTo).
        int lead = len > 0 ? pcb.sendQueue.copiedPrefix(at, len) : 0;
        Pbuf q = tcp.ctx.pbufs().allocPool(Layer.IP, hl + lead);
        if (q == null) {
            tcp.stats.memerr++;
            tcp.memoryPressure();
            return Err.MEM;
        }
        int window;
        if (syn) {
            window = Math.min(pcb.rcvWnd, 0xffff); // RFC 7323 §2.2: a SYN's window is never scaled
        } else {
            window = windowField(pcb);
        }
        boolean ack = (flags & TcpPacket.ACK) != 0;
        int up = 0;
        if (pcb.sndUrgent && ack && !syn && (flags & TcpPacket.RST) == 0 && pcb.sndUp - seq > 0
                && pcb.sndUp - seq <= 0xffff) {
            // RFC 9293 §3.8.5: urgent data not yet acknowledged; SEG.UP = SND.UP - SEG.SEQ
            // (the octet after it), on every segment from which the pointer can reach it.
            flags |= TcpPacket.URG;
            up = pcb.sndUp - seq;
        }
        MemorySegment s = q.segment();
        TcpPacket.emit(s, q.offset(), pcb.localPort, pcb.remotePort, seq, ack ? pcb.rcvNxt : 0, hl, flags, window, up);
        o.emit(s, q.offset() + TcpPacket.HEADER_LEN);
        if (len > 0) {
            pcb.sendQueue.copyTo(at, q, hl, lead);
            if (lead < len && !pcb.sendQueue.chainTo(at + lead, len - lead, q, tcp.ctx.pbufs())) {
                q.free();
                tcp.stats.memerr++;
                tcp.memoryPressure();
                return Err.MEM;
            }
        }
        if (len > pcb.mss) {
            // TSO: the device cuts it and completes each segment's checksum from the
            // pseudo-header sum left in the field (Linux's CHECKSUM_PARTIAL).
            q.setGso(gsoType(r), pcb.mss);
            q.setChecksumPartial(0, TcpPacket.Field.CHECKSUM);
            long pseudo = tcp.ip.pseudoHeader(r, Tcp.PROTO_TCP, total);
            TcpPacket.setChecksum(s, q.offset(), Checksum.fold(pseudo));
        } else {
            finish(q, r, total);
        }
        Err e = send(q, r, pcb);
        q.free();
        count(e);
        pcb.segsOut++;
        if (len > 0) {
            pcb.dataSegsOut++;
        }
        if (ack) {
            pcb.announced(pcb.rcvNxt, window << (syn ? 0 : pcb.rcvScale));
            pcb.ackNow = false;
            pcb.unackedSegments = 0;
            if (pcb.delackTimer != null) {
                pcb.delackTimer.cancel();
            }
        }
        return e;
    }

    /**
     * The receive window to announce: the free buffer, except that the right edge announced
     * last (RCV.NXT + RCV.WND when it went out) moves right only by at least
     * min(RCV.BUFF / 2, Eff.snd.MSS) at a time — receiver silly window syndrome avoidance
     * (RFC 9293 §3.8.6.2.2, MUST-39; RFC 1122 §4.2.3.3), whatever the segment carrying it.
     * {@link #windowField} scales it without moving the edge left (SHLD-14).
     */
    private static int receiveWindow(TcpPcb pcb) {
        int wnd = Math.max(pcb.rcvWnd, 0); // below 0: the peer filled a window rounded up past the buffer
        int announcedEdge = pcb.announcedEdge();
        int grow = pcb.rcvNxt + wnd - announcedEdge;
        if (grow > 0 && grow < Math.min(pcb.rcvWndMax / 2, pcb.mss) && Seq.ge(announcedEdge, pcb.rcvNxt)) {
            wnd = announcedEdge - pcb.rcvNxt;
        }
        return wnd;
    }

    /**
     * The window field of a segment other than a SYN: {@link #receiveWindow} in units of
     * 2^Rcv.Wind.Shift (RFC 7323 §2.3), rounded down as the scale's granularity would have it,
     * unless that moves the right edge, RCV.NXT + (SEG.WND << Rcv.Wind.Shift), left of the one
     * announced last: then up, so the edge stays or moves right (RFC 9293 §3.8.6.2.2 SHLD-14,
     * RFC 7323 §2.4; as Linux's {@code tcp_select_window}), even past the free buffer, whose
     * bytes the receive side then takes ({@code TcpInput#offeredWindow}). Data arriving in
     * pieces smaller than the scale unit while the application reads nothing would keep such a
     * window open for ever, so the edge runs at most {@link #overcommit} past the free buffer;
     * there it goes back by less than one unit (the peer's data up to where it was is still taken).
     */
    private static int windowField(TcpPcb pcb) {
        int shift = pcb.rcvScale;
        int units = receiveWindow(pcb) >>> shift;
        int keep = pcb.announcedEdge() - pcb.rcvNxt; // the window that holds the last right edge
        if (keep > units << shift) {
            long up = ((long) keep + (1 << shift) - 1) >>> shift;
            units = (up << shift) - pcb.rcvWnd <= overcommit(pcb) ? (int) up : keep >>> shift;
        }
        return Math.min(units, 0xffff);
    }

    /** How far a rounded-up right edge may run past the free buffer: a sixteenth of the largest window. */
    private static int overcommit(TcpPcb pcb) {
        return pcb.rcvWndMax >> 4;
    }

    private int tsVal(TcpPcb pcb) {
        return (int) (tcp.ctx.now() / 1_000_000L) + (int) pcb.tsOffset;
    }

    private void finish(Pbuf q, Route r, int total) {
        long sum = Checksum.pbuf(q, 0, total, tcp.ip.pseudoHeader(r, Tcp.PROTO_TCP, total));
        TcpPacket.setChecksum(q.segment(), q.offset(), Checksum.finish(sum));
    }

    private void count(Err e) {
        if (e == Err.OK) {
            tcp.stats.xmit++;
        } else {
            tcp.stats.err++;
        }
    }
}
