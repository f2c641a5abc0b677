package org.lwip4j.tcp;

import org.lwip4j.stack.Timer;

/**
 * RACK-TLP (RFC 8985) for connections that negotiated SACK. RACK (§6) marks a segment lost
 * when a segment sent after it was delivered (cumulatively ACKed or SACKed) and more than
 * RACK.rtt + reo_wnd has passed since it was sent; reo_wnd is 0 until reordering has been
 * seen while in recovery or with DupThresh segments SACKed, else min_RTT / 4 times a
 * multiplier that D-SACKs raise (§6.2 step 4), at most SRTT. Segments not yet due arm the
 * reordering timer. The lost segments form a prefix of the first transmissions in flight,
 * so the result is an edge ({@code pcb.rackEdge}) that {@link LossRecovery} uses instead of
 * RFC 6675's DupThresh rule. A retransmission is judged by its own send time: one lost
 * again is marked in the log and resent first, without waiting for the RTO. TLP (§7): with data in flight and no recovery, a probe timeout
 * of 2 SRTT (plus the worst-case delayed ACK with one segment out, at most the RTO) sends
 * one new segment or resends the last one, so a lost tail gets an ACK with SACK blocks
 * instead of waiting for the RTO; a loss the probe repaired (no D-SACK for it) reduces the
 * window (§7.4). Per-segment times live in the pcb's {@link SentLog}.
 */
final class Rack {
    /** RFC 8985 §7.2 WCDelAckT: the worst-case delayed ACK of the peer. */
    static final long WC_DEL_ACK = 200_000_000L;
    /** Lowest PTO, so a 0 ns virtual RTT does not probe at once. */
    static final long MIN_PTO = 10_000_000L;

    private final Tcp tcp;

    Rack(Tcp tcp) {
        this.tcp = tcp;
    }

    /** True when RACK-TLP runs for {@code pcb}: SACK negotiated, the stack's switch on, the log whole. */
    boolean active(TcpPcb pcb) {
        return pcb.sentLog != null && pcb.sentLog.complete();
    }

    /** SACK was negotiated: the log and the timer shared by the reordering window and the probe. */
    void init(TcpPcb pcb) {
        if (!tcp.rackEnabled || pcb.sentLog != null) {
            return;
        }
        pcb.sentLog = new SentLog(Math.max(64, tcp.cfg.sndBuf() / 256));
        pcb.lossTimer = tcp.ctx.timers().create(() -> fire(pcb));
        pcb.rackMinRtt = pcb.rtt.srtt() > 0 ? pcb.rtt.srtt() : Long.MAX_VALUE; // the handshake's RTT
        pcb.rackReoWndMult = 1;
        pcb.rackEdge = pcb.sndUna;
        pcb.rackFack = pcb.sndUna; // nothing delivered yet: not 0, which half the sequence space lies below
        pcb.rackEndSeq = pcb.sndUna;
        pcb.rackXmitTs = tcp.ctx.now();
    }

    /** {@code [s, e)} left at {@code now}, new ({@code fresh}) or again. */
    void sent(TcpPcb pcb, int s, int e, boolean fresh, long now) {
        SentLog log = pcb.sentLog;
        if (log == null || !Seq.lt(s, e)) {
            return;
        }
        if (fresh) {
            log.sent(s, e, now);
        } else {
            log.resent(s, e, now);
        }
    }

    /**
     * An ACK arrived (the scoreboard already updated, SND.UNA moved): the segments it
     * delivered update RACK's state (§6.2 steps 1-3), then losses are detected (step 5) and
     * the TLP episode checked (§7.4).
     */
    void onAck(TcpPcb pcb, int dsacksBefore, long now) {
        SentLog log = pcb.sentLog;
        SackScoreboard sb = pcb.scoreboard;
        int high = sb.highestSacked(pcb.sndUna);
        boolean dsack = sb.dsacks != dsacksBefore;
        pcb.rackReordered = false;
        for (int i = 0; i < log.count(); i++) {
            int s = log.start(i);
            int e = log.end(i);
            if (Seq.ge(s, high) && Seq.gt(e, pcb.sndUna)) {
                break; // nothing delivered above the highest SACKed byte
            }
            if (log.has(i, SentLog.SACKED)) {
                continue;
            }
            boolean delivered = Seq.le(e, pcb.sndUna) || sb.isSacked(s) && sb.isSacked(e - 1);
            if (delivered) {
                log.markSacked(i);
                delivered(pcb, log, i, now);
            }
        }
        log.removeBelow(pcb.sndUna);
        if (pcb.rackReordered) {
            pcb.reordering++; // one per ACK that showed reordering
        }
        if (dsack && pcb.rackReoWndMult < 8) {
            pcb.rackReoWndMult++; // §6.2 step 4: a spurious retransmission widens the window
            pcb.rackDsackRecoveries = 0;
        }
        tlpAck(pcb, dsack);
        detectLoss(pcb, now);
    }

    /** §6.2 steps 2-3: RACK.rtt, RACK.xmit_ts/end_seq from the most recently sent segment delivered; reordering seen. */
    private void delivered(TcpPcb pcb, SentLog log, int i, long now) {
        long ts = log.ts(i);
        int e = log.end(i);
        long rtt = now - ts;
        boolean rexmit = log.has(i, SentLog.RETRANSMITTED);
        if (!rexmit && Seq.lt(e, pcb.rackFack)) {
            pcb.rackReorderingSeen = true; // delivered below what was delivered before, never resent
            pcb.rackReordered = true;
        }
        if (Seq.gt(e, pcb.rackFack)) {
            pcb.rackFack = e;
        }
        if (rexmit && rtt < pcb.rackMinRtt) {
            return; // may acknowledge the first transmission: no RTT from it (§6.2 step 2)
        }
        pcb.rackRtt = rtt;
        if (rtt < pcb.rackMinRtt) {
            pcb.rackMinRtt = rtt;
        }
        if (ts - pcb.rackXmitTs > 0 || ts == pcb.rackXmitTs && Seq.gt(e, pcb.rackEndSeq)) {
            pcb.rackXmitTs = ts;
            pcb.rackEndSeq = e;
        }
    }

    /** §6.2 step 4. */
    long reoWnd(TcpPcb pcb) {
        if (!pcb.rackReorderingSeen && (pcb.inRecovery
                || pcb.scoreboard.sackedBytes() >= SackScoreboard.DUP_THRESH * pcb.mss)) {
            return 0;
        }
        long min = pcb.rackMinRtt == Long.MAX_VALUE ? 0 : pcb.rackMinRtt;
        return Math.min(pcb.rackReoWndMult * min / 4, pcb.rtt.srtt());
    }

    /**
     * §6.2 step 5: the edge below which first transmissions are lost; retransmissions lost
     * again, each by its own retransmission's send time (a retransmission sent before the
     * most recently delivered segment and more than RACK.rtt + reo_wnd ago), marked in the
     * log for {@link LossRecovery} to send once more; the reordering timer for the rest.
     */
    void detectLoss(TcpPcb pcb, long now) {
        SentLog log = pcb.sentLog;
        long reo = reoWnd(pcb);
        long wait = 0;
        int edge = pcb.sndUna;
        for (int i = 0; i < log.count(); i++) {
            if (log.has(i, SentLog.SACKED) || log.has(i, SentLog.LOST)) {
                continue;
            }
            long ts = log.ts(i);
            int e = log.end(i);
            boolean rexmit = log.has(i, SentLog.RETRANSMITTED);
            if (!(ts - pcb.rackXmitTs < 0 || ts == pcb.rackXmitTs && Seq.lt(e, pcb.rackEndSeq))) {
                if (rexmit) {
                    continue; // resent after the most recent delivery; later segments may not be
                }
                break; // first sent after the most recent delivery, as is all that follows
            }
            long remaining = ts + pcb.rackRtt + reo - now;
            if (remaining > 0) {
                wait = Math.max(wait, remaining);
            } else if (rexmit) {
                log.markLost(i);
            } else {
                edge = e;
            }
        }
        pcb.rackEdge = Seq.max(edge, pcb.sndUna);
        if (wait > 0) {
            pcb.lossTimerProbe = false;
            pcb.lossTimer.schedule(wait);
        } else if (!pcb.lossTimerProbe) {
            pcb.lossTimer.cancel();
        }
    }

    /**
     * Bytes of retransmissions found lost again that RFC 6675's pipe counts as in flight
     * (below HighRxt, or at or above the edge of lost first transmissions): they are not.
     */
    int lostRetransmitted(TcpPcb pcb, int edge) {
        SentLog log = pcb.sentLog;
        int n = 0;
        for (int i = 0; log.lost() > 0 && i < log.count(); i++) {
            if (!log.has(i, SentLog.LOST)) {
                continue;
            }
            int s = Seq.max(log.start(i), pcb.sndUna);
            int e = log.end(i);
            if (Seq.lt(s, pcb.highRxt) || Seq.ge(s, edge)) {
                n += pcb.scoreboard.unsacked(s, e);
            }
        }
        return n;
    }

    /** §7.2: arms the probe timeout when data is in flight outside recovery and no probe is out. */
    void armProbe(TcpPcb pcb) {
        if (pcb.sentLog == null || pcb.inRecovery || pcb.tlpOut || pcb.sndUna == pcb.sndMax
                || pcb.lossTimer.isScheduled() && !pcb.lossTimerProbe || !pcb.state.synchronizedState()) {
            return;
        }
        long pto = pcb.rtt.srtt() > 0 || pcb.rtt.rttvar() > 0 ? 2 * pcb.rtt.srtt() : 1_000_000_000L;
        if (pcb.sndMax - pcb.sndUna <= pcb.mss) {
            pto += WC_DEL_ACK;
        }
        pto = Math.max(pto, MIN_PTO);
        if (pto >= pcb.rtt.rto()) {
            if (pcb.lossTimerProbe) {
                pcb.lossTimer.cancel();
            }
            return; // the RTO comes first
        }
        pcb.lossTimerProbe = true;
        pcb.lossTimer.schedule(pto);
    }

    private void fire(TcpPcb pcb) {
        if (pcb.freed || pcb.sentLog == null) {
            return;
        }
        long now = tcp.ctx.now();
        if (!pcb.lossTimerProbe) {
            // The reordering window passed (§6.3): what is due now is lost.
            detectLoss(pcb, now);
            if (!pcb.inRecovery && tcp.recovery().shouldEnter(pcb)) {
                tcp.recovery().enter(pcb, 0);
            }
            tcp.output().output(pcb);
            return;
        }
        pcb.lossTimerProbe = false;
        if (pcb.inRecovery || pcb.sndUna == pcb.sndMax) {
            return;
        }
        // §7.3: a new segment if the peer's window takes one, else the last segment again.
        int dataEnd = pcb.dataSeq + pcb.sendQueue.length();
        int before = pcb.sndMax;
        if (pcb.sndNxt == pcb.sndMax && Seq.lt(pcb.sndNxt, dataEnd)
                && Seq.le(pcb.sndNxt + Math.min(pcb.mss, dataEnd - pcb.sndNxt), pcb.sndUna + pcb.sndWnd)) {
            pcb.probeBudget = pcb.mss;
            tcp.output().output(pcb);
            pcb.probeBudget = 0;
        }
        if (pcb.sndMax == before) {
            // The last segment whole: a FIN sent after it rides along (sequence space MSS + 1).
            boolean finSent = pcb.finQueued && pcb.sndMax == dataEnd + 1;
            int len = Math.min(pcb.mss + (finSent ? 1 : 0), pcb.sndMax - pcb.sndUna);
            tcp.output().retransmit(pcb, pcb.sndMax - len, len);
            pcb.tlpRetrans = true;
        } else {
            pcb.tlpRetrans = false;
        }
        pcb.tlpOut = true;
        pcb.tlpEnd = pcb.sndMax;
        pcb.tlpProbes++;
        tcp.timers().armRto(pcb);
    }

    /** §7.4: the probe's ACK. A resent probe acknowledged without a D-SACK repaired a loss: the window comes down. */
    private void tlpAck(TcpPcb pcb, boolean dsack) {
        if (!pcb.tlpOut) {
            return;
        }
        if (dsack && pcb.tlpRetrans) {
            pcb.tlpOut = false; // the original arrived: nothing was lost
            return;
        }
        if (Seq.ge(pcb.sndUna, pcb.tlpEnd)) {
            pcb.tlpOut = false;
            if (pcb.tlpRetrans && !pcb.inRecovery) {
                pcb.cc.onCongestion(pcb.sndMax - pcb.sndUna, pcb.mss, tcp.ctx.now());
                pcb.cc.setCwnd(pcb.cc.ssthresh());
            }
        }
    }

    /** A retransmission timeout: RACK's episode state and the probe end; the log stays (its segments go again). */
    void timeout(TcpPcb pcb) {
        if (pcb.sentLog == null) {
            return;
        }
        pcb.tlpOut = false;
        pcb.lossTimerProbe = false;
        pcb.lossTimer.cancel();
        pcb.rackEdge = pcb.sndUna;
        pcb.sentLog.clearLost();
    }

    /** Counts recoveries for the multiplier's reset (§6.2 step 4: after 16 recoveries without D-SACK). */
    void recoveryStarted(TcpPcb pcb) {
        if (pcb.sentLog != null && ++pcb.rackDsackRecoveries >= 16) {
            pcb.rackReoWndMult = 1;
            pcb.rackDsackRecoveries = 0;
        }
    }
}
