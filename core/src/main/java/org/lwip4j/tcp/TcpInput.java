package org.lwip4j.tcp;

import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.ip.Route;
import org.lwip4j.stack.Err;
import org.lwip4j.wire.TcpOptions;
import org.lwip4j.wire.TcpPacket;

/**
 * The receive side and the state machine (RFC 9293 §3.10.7 "SEGMENT ARRIVES"; lwIP's
 * {@code tcp_process}/{@code tcp_receive}, gVisor's {@code rcv.go}): SYN_SENT's handshake,
 * then for the other states the acceptability test and trimming, RST and SYN with RFC
 * 5961's checks, the ACK (new data acknowledged, RTT samples, congestion control, duplicate
 * ACKs and NewReno recovery, window updates), data in order or into the out-of-order queue,
 * FIN, and the ACK policy (delayed ACKs per RFC 1122 §4.2.3.2, immediate on out-of-order
 * data and holes filled). Callbacks may re-enter; after each one the pcb is checked.
 */
final class TcpInput {
    private final Tcp tcp;
    /** The header of the segment being processed. */
    final Tcp.Segment seg = new Tcp.Segment();
    /** The pcb whose segment is being processed: writes from its callbacks are sent at the end. */
    TcpPcb processing;

    TcpInput(Tcp tcp) {
        this.tcp = tcp;
    }

    /** Handles one segment for a connection; takes {@code p}. */
    void segment(TcpPcb pcb, Pbuf p, IpInfo info) {
        TcpPcb outer = processing;
        processing = pcb;
        try {
            p = process(pcb, p);
        } finally {
            processing = outer;
            if (p != null) {
                p.free();
            }
        }
        if (!pcb.freed) {
            tcp.output().output(pcb);
        }
    }

    /** The state machine; returns the part of {@code p} still owned (to free), or {@code null}. */
    private Pbuf process(TcpPcb pcb, Pbuf p) {
        Tcp.Segment s = seg;
        pcb.segsIn++;
        if (s.len > 0) {
            pcb.dataSegsIn++;
        }
        pcb.lastReceived = tcp.ctx.now();
        pcb.keepProbes = 0;
        if (pcb.state == TcpState.SYN_SENT) {
            synSent(pcb, s);
            return p;
        }
        boolean syn = s.has(TcpPacket.SYN);
        boolean fin = s.has(TcpPacket.FIN);
        boolean rst = s.has(TcpPacket.RST);
        int seq = s.seq;
        int len = s.len;
        int segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
        // A retransmitted SYN in SYN_RCVD: our SYN-ACK was lost (lwIP resends it).
        if (pcb.state == TcpState.SYN_RCVD && syn && !rst && seq == pcb.irs) {
            if (s.has(TcpPacket.ACK) && Seq.lt(pcb.sndUna, s.ack) && Seq.le(s.ack, pcb.sndMax)) {
                // Simultaneous open (RFC 9293 §3.5 figure 8): the peer's SYN-ACK acknowledges ours.
                if (established(pcb, s)) {
                    pcb.sndUna = s.ack;
                    pcb.sndNxt = Seq.max(pcb.sndNxt, s.ack);
                    pcb.rtoTimer.cancel();
                }
                return p;
            }
            tcp.output().sendSyn(pcb, true);
            return p;
        }
        if (pcb.tsOk && !rst && !paws(pcb)) {
            return p;
        }
        // First: the acceptability test (RFC 9293 §3.10.7.4 table), against the window as
        // offered: data beyond the right edge we announced (a zero-window probe while the
        // receiver SWS rule holds the edge) is refused, as Linux does, not slipped into the
        // free buffer a byte per probe.
        int wnd = offeredWindow(pcb);
        boolean acceptable;
        if (segLen == 0) {
            acceptable = wnd == 0 ? seq == pcb.rcvNxt : Seq.inWindow(seq, pcb.rcvNxt, wnd);
        } else {
            // A shut window takes no text, but "special allowance should be made to accept
            // valid ACKs, URGs, and RSTs" (§3.10.7.4, MUST-66): a segment at RCV.NXT goes on,
            // and the trimming below cuts its text (an ACK then says the window is still shut).
            acceptable = wnd == 0 ? seq == pcb.rcvNxt && !syn
                    : Seq.inWindow(seq, pcb.rcvNxt, wnd) || Seq.inWindow(seq + segLen - 1, pcb.rcvNxt, wnd);
        }
        if (!acceptable) {
            if (rst) {
                return p;
            }
            if (syn && pcb.state.synchronizedState()) {
                tcp.output().challengeAck(pcb); // RFC 5961 §4.2, whatever the sequence number
                return p;
            }
            if (pcb.state == TcpState.TIME_WAIT && fin) {
                tcp.timers().enterTimeWait(pcb); // a retransmitted FIN: ACK it, wait 2 MSL again
            }
            if (len > 0 && pcb.sackOk && Seq.lt(seq, pcb.rcvNxt)) {
                tcp.recovery().receiver(pcb).duplicate(seq, Seq.min(seq + len, pcb.rcvNxt)); // RFC 2883: data received twice
            }
            pcb.ackNow = true;
            return p;
        }
        // Second: RST (RFC 5961 §3.2: exactly RCV.NXT resets; elsewhere in the window, a challenge ACK).
        if (rst) {
            if (pcb.state == TcpState.TIME_WAIT) {
                return p; // RFC 1337
            }
            if (seq == pcb.rcvNxt) {
                tcp.abort(pcb, false, Err.RST);
            } else {
                tcp.output().challengeAck(pcb);
            }
            return p;
        }
        // Fourth: a SYN in a synchronized state (or a new one in SYN_RCVD) is never data (RFC 5961 §4.2).
        if (syn) {
            tcp.output().challengeAck(pcb);
            return p;
        }
        // Fifth: the ACK.
        if (!s.has(TcpPacket.ACK)) {
            return p;
        }
        // An acceptable ACK answers our zero-window probes: the peer is there, and a window may
        // stay closed as long as it answers (RFC 9293 §3.8.6.1, MUST-37); only unanswered probes count.
        pcb.persistProbes = 0;
        // RFC 7323 §4.3 (R3): remember the peer's timestamp from an acceptable segment at the left window edge.
        if (pcb.tsOk && tcp.rxOptions.hasTimestamps() && Seq.le(seq, pcb.lastAckSent)
                && Seq.ge(tcp.rxOptions.tsVal(), pcb.tsRecent)) {
            pcb.tsRecent = tcp.rxOptions.tsVal();
            pcb.tsRecentTime = tcp.ctx.now();
        }
        if (pcb.state == TcpState.SYN_RCVD) {
            if (Seq.lt(pcb.sndUna, s.ack) && Seq.le(s.ack, pcb.sndMax)) {
                if (!established(pcb, s)) {
                    return p;
                }
            } else {
                tcp.output().resetForAck(pcb, s.ack);
                return p;
            }
        }
        if (Seq.gt(s.ack, pcb.sndMax)) {
            pcb.ackNow = true; // acknowledges what we never sent (RFC 5961 §5.2)
            return p;
        }
        if (Seq.lt(s.ack, pcb.sndUna - Math.max(pcb.maxSndWnd, 1))) {
            tcp.output().challengeAck(pcb); // too old to be a real ACK (RFC 5961 §5.2)
            return p;
        }
        int unaBefore = pcb.sndUna;
        boolean finAcked = processAck(pcb, s, len, fin);
        countAcked(pcb, unaBefore, finAcked);
        if (pcb.freed) {
            return p;
        }
        switch (pcb.state) {
            case FIN_WAIT_1 -> {
                if (finAcked) {
                    pcb.state = TcpState.FIN_WAIT_2;
                    tcp.timers().armFinWait2(pcb);
                }
            }
            case CLOSING -> {
                if (finAcked) {
                    tcp.timers().enterTimeWait(pcb);
                }
            }
            case LAST_ACK -> {
                if (finAcked) {
                    tcp.free(pcb);
                    return p;
                }
            }
            default -> {
            }
        }
        if (s.has(TcpPacket.URG) && receives(pcb)) {
            urgent(pcb, seq + s.urgent);
            if (pcb.freed) {
                return p;
            }
        }
        // Trim what lies before RCV.NXT (already received) and after the window.
        int cut = pcb.rcvNxt - seq;
        int hl = s.headerLen;
        if (cut > 0) {
            int dataCut = Math.min(cut, len);
            if (dataCut > 0 && pcb.sackOk) {
                tcp.recovery().receiver(pcb).duplicate(seq, seq + dataCut); // RFC 2883 §4.1.1: the part received twice
            }
            hl += dataCut;
            len -= dataCut;
            seq += dataCut;
            if (cut > dataCut) {
                fin = false; // the FIN is old too
            }
        }
        if (Seq.gt(seq + len, pcb.rcvNxt + wnd)) {
            len = pcb.rcvNxt + wnd - seq;
            fin = false;
            pcb.ackNow = true; // the part beyond the window is refused: say where the window is
        }
        // Seventh: the segment text.
        if ((len > 0 || fin) && receives(pcb)) {
            if (pcb.appClosed || pcb.rxShut) {
                if (len > 0) {
                    // RFC 9293 §3.10.4: data for a closed receive side resets the connection.
                    tcp.counters.rstAfterClose++;
                    tcp.abort(pcb, true, Err.RST);
                    return p;
                }
            }
            Pbuf data = len > 0 ? p.dropHeader(hl) : null;
            if (data == null) {
                p.free();
            } else if (data.totalLength() > len) {
                data.truncate(len);
            }
            p = null;
            if (seq == pcb.rcvNxt) {
                inOrder(pcb, data, len, fin);
            } else {
                SackReceiver sack = pcb.sackOk ? tcp.recovery().receiver(pcb) : null;
                if (sack != null && pcb.ooseq.covers(seq, seq + len)) {
                    sack.duplicate(seq, seq + len); // RFC 2883 §4.2: a duplicate of queued data
                }
                pcb.ooseq.insert(seq, data, fin);
                if (sack != null) {
                    sack.outOfOrder(seq, seq + len, pcb.ooseq); // RFC 2018 §4: its block goes first
                }
                pcb.ackNow = true; // RFC 5681 §4.2: out-of-order data is acknowledged at once
            }
        }
        return p;
    }

    /**
     * PAWS (RFC 7323 §5.3 R1, §3.2) for a non-RST segment on a connection with timestamps:
     * one without the option is dropped (§3.2: SHOULD); one whose TSval is older than
     * TS.Recent is a duplicate from an earlier wrap of the sequence space and gets an ACK
     * instead of a hearing, unless TS.Recent is more than 24 days old (§5.5), when it is
     * taken as it is. Returns true when the segment may go on.
     */
    private boolean paws(TcpPcb pcb) {
        if (!tcp.rxOptions.hasTimestamps()) {
            tcp.counters.pawsDrops++;
            return false;
        }
        int tsVal = tcp.rxOptions.tsVal();
        if (pcb.tsRecent - tsVal <= PAWS_WINDOW || disorderedAck(pcb, tsVal)) {
            return true;
        }
        if (tcp.ctx.now() - pcb.tsRecentTime > PAWS_IDLE_NANOS) {
            pcb.tsRecent = tsVal; // §5.5: TS.Recent has gone stale; this segment's clock is the one now
            pcb.tsRecentTime = tcp.ctx.now();
            return true;
        }
        tcp.counters.pawsDrops++;
        pcb.ackNow = true; // §5.3 R1: "send an acknowledgment in reply"
        return false;
    }

    /**
     * Older timestamps by this much (one tick of our millisecond clock) still pass, as in
     * Linux ({@code TCP_PAWS_WINDOW}): segments sent in the same tick may arrive reordered.
     */
    static final int PAWS_WINDOW = 1;

    /**
     * A pure duplicate ACK overtaken on the way by a later segment (Linux's
     * {@code tcp_disordered_ack}): nothing but an ACK, at RCV.NXT, acknowledging SND.UNA with
     * the same window, and older than TS.Recent by less than an RTO. Dropping it loses the
     * duplicate-ACK count loss recovery needs and protects nothing: it cannot change state.
     */
    private boolean disorderedAck(TcpPcb pcb, int tsVal) {
        Tcp.Segment s = seg;
        return s.flags == TcpPacket.ACK && s.len == 0 && s.seq == pcb.rcvNxt && s.ack == pcb.sndUna
                && (s.window << pcb.sndScale) == pcb.sndWnd
                && (long) (pcb.tsRecent - tsVal) * 1_000_000L <= pcb.rtt.rto();
    }

    /** RFC 7323 §5.5: after 24 days of idleness TS.Recent is no longer valid. */
    static final long PAWS_IDLE_NANOS = 24L * 24 * 3600 * 1_000_000_000L;

    /** TCP_INFO's bytes acked: SND.UNA's advance, less our SYN and FIN when this ACK covered them. */
    private static void countAcked(TcpPcb pcb, int unaBefore, boolean finAcked) {
        int advanced = pcb.sndUna - unaBefore;
        if (advanced > 0) {
            pcb.bytesAcked += advanced - (finAcked ? 1 : 0) - (unaBefore == pcb.iss ? 1 : 0);
        }
    }

    /**
     * RFC 9293 §3.10.7.4 sixth, the URG bit (states that still receive: after the peer's FIN
     * it is ignored): RCV.UP = max(RCV.UP, SEG.SEQ + SEG.UP), the pointer taken as the
     * octet following the urgent data (RFC 6093 §4, MUST-62). The application hears of it
     * when it points past what it already received and past the last pointer (MUST-32);
     * the data stays in the stream (RFC 6093 §5). A pointer to data already delivered is a
     * replay and says nothing.
     */
    private void urgent(TcpPcb pcb, int up) {
        long end = pcb.bytesReceived + (up - pcb.rcvNxt);
        if (end <= pcb.bytesReceived || end <= pcb.rcvUp) {
            return;
        }
        pcb.rcvUp = end;
        tcp.counters.urgentReceived++;
        TcpPcb.UrgentCallback cb = pcb.onUrgent;
        if (cb != null && !pcb.appClosed) {
            try {
                cb.urgent(pcb, end);
            } catch (RuntimeException e) {
                tcp.callbackFailed("urgent", e);
            }
        }
    }

    /** States in which data and FIN from the peer are still taken (RFC 9293 §3.10.7.4 seventh/eighth). */
    private static boolean receives(TcpPcb pcb) {
        return switch (pcb.state) {
            case SYN_RCVD, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 -> !pcb.finReceived;
            default -> false;
        };
    }

    /** Data at RCV.NXT: delivered with whatever it lets out of the out-of-order queue, then the FIN if any. */
    private void inOrder(TcpPcb pcb, Pbuf data, int len, boolean fin) {
        pcb.rcvNxt += len;
        pcb.bytesReceived += len;
        boolean filled = !pcb.ooseq.isEmpty();
        if (filled && !fin) {
            Pbuf more = pcb.ooseq.takeContiguous(pcb.rcvNxt);
            if (more != null) {
                int n = more.totalLength();
                pcb.rcvNxt += n;
                pcb.bytesReceived += n;
                len += n;
                if (data == null) {
                    data = more;
                } else {
                    data.concat(more);
                }
            }
            fin = pcb.ooseq.tookFin();
        }
        pcb.rcvWnd -= len;
        if (filled) {
            pcb.ackNow = true; // a hole filled: ACK at once
        } else if (len > 0) {
            pcb.unackedSegments++;
            if (len >= pcb.mss && pcb.unackedSegments >= 2) {
                pcb.ackNow = true; // every second full-sized segment (RFC 1122 §4.2.3.2, RFC 5681 §4.2)
            } else {
                tcp.timers().armDelayedAck(pcb);
            }
        }
        if (fin) {
            pcb.rcvNxt += 1;
            pcb.finReceived = true;
            pcb.ackNow = true;
        }
        if (data != null) {
            deliver(pcb, data);
            if (pcb.freed) {
                return;
            }
        }
        if (fin) {
            finReceived(pcb);
        }
    }

    private void deliver(TcpPcb pcb, Pbuf data) {
        TcpPcb.RecvCallback cb = pcb.onRecv;
        if (cb == null || pcb.appClosed) {
            int n = data.totalLength();
            data.free();
            recved(pcb, n);
            return;
        }
        // The stack holds a reference of its own during the call, so a callback that throws
        // gives the data back (freed here) and one that frees it early cannot recycle it under us.
        data.ref();
        try {
            cb.recv(pcb, data); // no lambda: nothing allocated per segment
        } catch (RuntimeException e) {
            tcp.callbackFailed("recv", e);
            if (data.refCount() > 1) {
                data.free();
            }
        } finally {
            data.free();
        }
    }

    /** The peer's FIN is in sequence (RFC 9293 §3.10.7.4 eighth): state change, end-of-stream once. */
    private void finReceived(TcpPcb pcb) {
        switch (pcb.state) {
            case SYN_RCVD, ESTABLISHED -> pcb.state = TcpState.CLOSE_WAIT;
            // Our FIN is not acknowledged yet (an ACK of it moved FIN_WAIT_1 on before this): simultaneous close.
            case FIN_WAIT_1 -> pcb.state = TcpState.CLOSING;
            case FIN_WAIT_2 -> {
                pcb.stateTimer.cancel();
                tcp.timers().enterTimeWait(pcb);
            }
            default -> {
            }
        }
        if (pcb.appClosed) {
            return;
        }
        TcpPcb.RecvCallback cb = pcb.onRecv;
        if (cb == null) {
            tcp.output().sendAck(pcb);
            tcp.close(pcb); // lwIP's tcp_recv_null: no receiver, so close on the peer's FIN
            return;
        }
        tcp.callback("recv", () -> cb.recv(pcb, null));
    }

    /**
     * The ACK field (RFC 9293 §3.10.7.4 fifth, ESTABLISHED and after): new data acknowledged,
     * RTT sample (RFC 6298, or RFC 7323 §4 from the echoed timestamp), congestion control,
     * SACK blocks into the scoreboard (RFC 2018), loss recovery (RFC 6675 with PRR when SACK
     * is on, else NewReno, RFC 6582); duplicate ACKs; the window update; new data acknowledged
     * confirms the next hop to the IP layer (RFC 4861 §7.3.1). Returns true when
     * this ACK covers our FIN.
     */
    private boolean processAck(TcpPcb pcb, Tcp.Segment s, int len, boolean fin) {
        int ack = s.ack;
        int wnd = s.window << pcb.sndScale;
        int dataEnd = pcb.dataSeq + pcb.sendQueue.length();
        boolean finAcked = false;
        long now = tcp.ctx.now();
        if (pcb.sackOk && pcb.scoreboard == null && tcp.rxOptions.sackCount() > 0) {
            tcp.recovery().sender(pcb); // blocks for data sent before the scoreboard existed (a SYN cookie's pcb)
        }
        SackScoreboard sb = pcb.scoreboard;
        int sackedBefore = sb == null ? 0 : sb.sackedBytes();
        int dsacksBefore = sb == null ? 0 : sb.dsacks;
        int holesBefore = sb == null ? 0 : sb.count();
        int oldUna = pcb.sndUna;
        int flight = pcb.sndMax - pcb.sndUna;
        boolean advanced = Seq.lt(pcb.sndUna, ack);
        int acked = 0;
        int dataAcked = 0;
        if (advanced) {
            acked = ack - pcb.sndUna;
            dataAcked = Seq.gt(ack, pcb.dataSeq) ? Math.min(ack - pcb.dataSeq, pcb.sendQueue.length()) : 0;
            if (pcb.finQueued && Seq.gt(ack, dataEnd)) {
                finAcked = true;
            }
            pcb.sendQueue.consume(dataAcked);
            pcb.dataSeq += dataAcked;
            pcb.sndUna = ack;
            pcb.unackedSince = now; // progress: the user timeout starts again
            if (pcb.sndUrgent && Seq.ge(ack, pcb.sndUp)) {
                pcb.sndUrgent = false; // the urgent data arrived: urgent mode ends
            }
            if (Seq.lt(pcb.sndNxt, ack)) {
                pcb.sndNxt = ack;
            }
            pcb.nrtx = 0;
            rttSample(pcb, ack, flight, now);
            Route r = tcp.route(pcb);
            if (r != null) {
                tcp.ip.confirmReachable(r); // RFC 4861 §7.3.1: forward progress confirms the next hop
            }
        }
        int newlySacked = 0;
        int delivered = acked;
        if (sb != null) {
            newlySacked = sb.update(pcb.sndUna, pcb.sndMax, tcp.rxOptions);
            delivered += sb.sackedBytes() - sackedBefore;
            if (tcp.rack().active(pcb)) {
                tcp.rack().onAck(pcb, dsacksBefore, now);
            }
        }
        if (advanced) {
            if (holesBefore > 0 && !pcb.inRecovery && Seq.le(pcb.highRxt, oldUna) && pcb.sentLog == null) {
                pcb.reordering++; // a hole below SACKed data filled without a retransmission
            }
            if (pcb.inRecovery) {
                if (Seq.ge(ack, pcb.recover)) {
                    if (sb != null) {
                        tcp.recovery().exit(pcb);
                    } else {
                        pcb.inRecovery = false;
                        pcb.dupAcks = 0;
                        pcb.cc.onRecoveryEnd(pcb.sndMax - pcb.sndUna, pcb.mss);
                    }
                } else if (sb != null) {
                    tcp.recovery().ack(pcb, delivered); // RFC 6937 on a partial ACK
                } else {
                    // RFC 6582 §3.2 step 5: a partial ACK resends the next hole and deflates cwnd.
                    tcp.output().retransmitFirst(pcb);
                    int c = pcb.cc.cwnd() - acked + (acked >= pcb.mss ? pcb.mss : 0);
                    pcb.cc.setCwnd(Math.max(c, pcb.mss));
                }
            } else {
                pcb.dupAcks = 0;
                if (dataAcked > 0 && CongestionControl.cwndLimited(pcb.cc.cwnd(), pcb.cc.ssthresh(), flight, pcb.mss)) {
                    pcb.cc.onAck(dataAcked, flight, pcb.mss, now, pcb.rtt.srtt()); // data, not SYN or FIN
                }
                if (sb != null && tcp.recovery().shouldEnter(pcb)) {
                    tcp.recovery().enter(pcb, delivered); // SACK says SND.UNA is lost (RFC 6675 §5)
                }
            }
            if (pcb.sndUna == pcb.sndMax) {
                pcb.rtoTimer.cancel();
            } else {
                tcp.timers().armRto(pcb); // RFC 6298 §5.3
            }
            if (pcb.sentLog != null) {
                tcp.rack().armProbe(pcb); // RFC 8985 §7.2: on an ACK of new data
            }
            updateWindow(pcb, s, wnd);
            if (dataAcked > 0) {
                TcpPcb.SentCallback cb = pcb.onSent;
                if (cb != null && !pcb.appClosed) {
                    try {
                        cb.sent(pcb, dataAcked);
                    } catch (RuntimeException e) {
                        tcp.callbackFailed("sent", e);
                    }
                }
            }
            return finAcked;
        }
        // RFC 5681 §2: a duplicate ACK acknowledges nothing new, carries no data, SYN or FIN,
        // leaves the window as it was, and arrives while data is outstanding. RFC 6675 §2:
        // with SACK, an ACK at SND.UNA whose blocks SACK new data is one too.
        boolean outstanding = pcb.sndMax != pcb.sndUna && ack == pcb.sndUna;
        boolean classic = outstanding && len == 0 && !fin && wnd == pcb.sndWnd && !pcb.persistTimer.isScheduled();
        boolean duplicate = classic || outstanding && newlySacked > 0;
        if (duplicate) {
            pcb.dupAcks++;
            if (sb != null) {
                if (classic && tcp.rxOptions.sackCount() == 0) {
                    delivered += pcb.mss; // RFC 6937 §3: one SMSS per duplicate ACK without SACK
                }
                if (pcb.inRecovery) {
                    tcp.recovery().ack(pcb, delivered);
                } else if (tcp.recovery().shouldEnter(pcb)) {
                    tcp.recovery().enter(pcb, delivered);
                    tcp.timers().armRto(pcb);
                }
            } else if (pcb.dupAcks == 3 && !pcb.inRecovery && Seq.gt(ack - 1, pcb.recover - 1)) {
                // RFC 5681 §3.2 / RFC 6582 §3.2 steps 2-4: fast retransmit, enter recovery.
                pcb.inRecovery = true;
                pcb.recover = pcb.sndMax;
                pcb.recoveries++;
                pcb.cc.onCongestion(pcb.sndMax - pcb.sndUna, pcb.mss, now);
                pcb.cc.setCwnd(CongestionControl.clampAdd(pcb.cc.ssthresh(), 3 * pcb.mss));
                tcp.output().retransmitFirst(pcb);
                tcp.timers().armRto(pcb);
            } else if (pcb.dupAcks > 3 && pcb.inRecovery) {
                pcb.cc.setCwnd(CongestionControl.clampAdd(pcb.cc.cwnd(), pcb.mss)); // RFC 5681 §3.2 step 4: inflate
            }
        } else if (wnd != pcb.sndWnd) {
            pcb.dupAcks = 0;
        }
        updateWindow(pcb, s, wnd);
        return false;
    }

    /**
     * An RTT sample from an ACK of new data: from the echoed timestamp when timestamps are on
     * (RFC 7323 §4.1, ExpectedSamples per §4.2; retransmissions need no Karn then), else from
     * the timed segment (RFC 6298 §3, Karn's algorithm).
     */
    private void rttSample(TcpPcb pcb, int ack, int flight, long now) {
        if (pcb.tsOk && tcp.rxOptions.hasTimestamps() && tcp.rxOptions.tsEcr() != 0) {
            int nowTs = (int) (now / 1_000_000L) + (int) pcb.tsOffset;
            int ms = nowTs - tcp.rxOptions.tsEcr();
            if (ms >= 0) {
                int expected = Math.max(1, (flight + 2 * pcb.mss - 1) / (2 * pcb.mss));
                pcb.rtt.sample(ms * 1_000_000L, expected);
                pcb.rttTiming = false;
                return;
            }
        }
        if (pcb.rttTiming && Seq.gt(ack, pcb.rttSeq)) {
            pcb.rtt.sample(now - pcb.rttStart);
            pcb.rttTiming = false;
        }
    }

    /** RFC 9293 §3.10.7.4: take the window from the newest segment (SND.WL1, SND.WL2). */
    private void updateWindow(TcpPcb pcb, Tcp.Segment s, int wnd) {
        if (Seq.lt(pcb.sndWl1, s.seq) || (pcb.sndWl1 == s.seq && Seq.le(pcb.sndWl2, s.ack))) {
            pcb.sndWnd = wnd;
            pcb.sndWl1 = s.seq;
            pcb.sndWl2 = s.ack;
            if (wnd > pcb.maxSndWnd) {
                pcb.maxSndWnd = wnd;
            }
            if (wnd > 0 && pcb.persistTimer.isScheduled()) {
                tcp.timers().stopPersist(pcb);
                pcb.sndNxt = pcb.sndUna; // the probe byte goes again as data
                if (pcb.sndMax != pcb.sndUna) {
                    tcp.timers().armRto(pcb);
                }
            }
        }
    }

    /** SYN_RCVD's ACK arrived: ESTABLISHED, handed to the listener's accept callback (or connected). */
    private boolean established(TcpPcb pcb, Tcp.Segment s) {
        pcb.state = TcpState.ESTABLISHED;
        pcb.sndWnd = s.window << pcb.sndScale;
        pcb.maxSndWnd = pcb.sndWnd;
        pcb.sndWl1 = s.seq;
        pcb.sndWl2 = s.ack;
        pcb.cc.start(pcb.mss);
        if (pcb.rttTiming || pcb.nrtx == 0) {
            pcb.rtt.sample(tcp.ctx.now() - pcb.rttStart);
        }
        pcb.rttTiming = false;
        pcb.nrtx = 0;
        tcp.timers().established(pcb);
        TcpPcb l = pcb.listener;
        if (l != null) {
            l.pending--;
            pcb.listener = null;
            TcpPcb.AcceptCallback cb = l.onAccept;
            if (l.freed || l.state != TcpState.LISTEN || cb == null) {
                tcp.abort(pcb, true, Err.ABRT);
                return false;
            }
            tcp.callback("accept", () -> cb.accept(l, pcb));
        } else {
            TcpPcb.ConnectedCallback cb = pcb.onConnected;
            if (cb != null) {
                tcp.callback("connected", () -> cb.connected(pcb));
            }
        }
        return !pcb.freed;
    }

    /** RFC 9293 §3.10.7.3: SYN_SENT. */
    private void synSent(TcpPcb pcb, Tcp.Segment s) {
        boolean ack = s.has(TcpPacket.ACK);
        if (ack && (Seq.le(s.ack, pcb.iss) || Seq.gt(s.ack, pcb.sndMax))) {
            if (!s.has(TcpPacket.RST)) {
                tcp.output().resetForAck(pcb, s.ack); // RFC 9293 §3.10.7.3 first
            }
            return;
        }
        if (s.has(TcpPacket.RST)) {
            if (ack) {
                tcp.abort(pcb, false, Err.RST); // "error: connection reset"
            }
            return;
        }
        if (!s.has(TcpPacket.SYN)) {
            return;
        }
        acceptSyn(pcb, s, tcp.rxOptions, pcb.remoteAddr.version());
        if (ack) {
            pcb.sndUna = s.ack;
            pcb.sndWnd = s.window; // a SYN's window is never scaled (RFC 7323 §2.2)
            pcb.maxSndWnd = pcb.sndWnd;
            pcb.sndWl2 = s.ack;
            pcb.state = TcpState.ESTABLISHED;
            pcb.cc.start(pcb.mss);
            if (pcb.nrtx == 0) {
                pcb.rtt.sample(tcp.ctx.now() - pcb.rttStart);
            }
            pcb.nrtx = 0;
            pcb.rtoTimer.cancel();
            pcb.ackNow = true;
            tcp.timers().established(pcb);
            TcpPcb.ConnectedCallback cb = pcb.onConnected;
            if (cb != null) {
                tcp.callback("connected", () -> cb.connected(pcb));
            }
        } else {
            // Simultaneous open (RFC 9293 §3.5, figure 7): SYN_RCVD, our SYN again with an ACK.
            pcb.state = TcpState.SYN_RCVD;
            tcp.output().sendSyn(pcb, true);
        }
    }

    /**
     * Takes what the peer's SYN says (RFC 9293 §3.10.7.2-3): IRS, RCV.NXT, the send window,
     * and the options negotiated: MSS clamped to the route (RFC 9293 §3.7.1, RFC 6691),
     * window scale only when both SYNs carry it, timestamps (RFC 7323), SACK-permitted.
     */
    void acceptSyn(TcpPcb pcb, Tcp.Segment s, TcpOptions o, int version) {
        pcb.irs = s.seq;
        pcb.rcvNxt = s.seq + 1;
        pcb.firstAnnounced(pcb.rcvNxt, Math.min(pcb.rcvWnd, 0xffff)); // our SYN's window (never scaled), until our next ACK
        pcb.sndWnd = s.window;
        pcb.maxSndWnd = s.window;
        pcb.sndWl1 = s.seq;
        boolean passive = pcb.state != TcpState.SYN_SENT;
        pcb.wsOk = tcp.cfg.windowScaling() && o.windowScale() != TcpOptions.ABSENT;
        pcb.sndScale = pcb.wsOk ? Math.min(o.windowScale(), TcpOptions.MAX_WINDOW_SCALE) : 0;
        pcb.rcvScale = pcb.wsOk ? tcp.ourScale() : 0;
        pcb.tsOk = tcp.cfg.timestamps() && o.hasTimestamps();
        if (pcb.tsOk) {
            pcb.tsRecent = o.tsVal();
            pcb.tsRecentTime = tcp.ctx.now();
        }
        pcb.sackOk = tcp.cfg.sack() && o.sackPermitted();
        pcb.peerMss = o.mss() > 0 ? o.mss() : TcpListener.defaultMss(version);
        Route r = tcp.route(pcb);
        int m = Math.min(pcb.peerMss, tcp.announcedMss(r));
        pcb.mss = Math.max(m - (pcb.tsOk ? TcpOutput.TS_OPTION_LEN : 0), 1);
        if (!pcb.wsOk && pcb.rcvWnd > 0xffff) {
            pcb.rcvWnd = 0xffff; // without scaling we can offer no more
            pcb.rcvWndMax = 0xffff;
        }
        if (passive) {
            pcb.rttStart = tcp.ctx.now();
        }
    }

    /**
     * RCV.WND as the peer knows it: up to the furthest right edge our ACKs announced. Receiver
     * SWS avoidance may hold that edge left of the free buffer ({@code TcpOutput#receiveWindow});
     * rounding by the window scale may put it past the free buffer, and a segment in the window
     * of any ACK we sent is honoured all the same (RFC 7323 §2.4, receiver rule 1: MUST).
     */
    static int offeredWindow(TcpPcb pcb) {
        int offered = pcb.rcvEdgeMax - pcb.rcvNxt;
        return Math.max(offered, 0);
    }

    /** The application consumed {@code len} bytes: the window opens; an update goes when it grew enough (RFC 1122 §4.2.3.3). */
    void recved(TcpPcb pcb, int len) {
        int max = pcb.rcvWndMax;
        pcb.rcvWnd = Math.min(pcb.rcvWnd + len, max);
        if (pcb.freed || !pcb.state.synchronizedState() && pcb.state != TcpState.SYN_RCVD) {
            return;
        }
        int threshold = Math.min(max / 4, 2 * pcb.mss);
        if (pcb.rcvWnd - pcb.rcvAnnounced >= threshold && processing != pcb) {
            tcp.output().sendAck(pcb);
        } else if (pcb.rcvWnd - pcb.rcvAnnounced >= threshold) {
            pcb.ackNow = true;
        }
    }
}
