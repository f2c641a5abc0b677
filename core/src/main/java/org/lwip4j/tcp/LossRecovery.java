package org.lwip4j.tcp;

/**
 * SACK-based loss recovery (RFC 6675) with Proportional Rate Reduction (RFC 6937), for
 * connections that negotiated SACK. Recovery starts on the third duplicate ACK or when
 * IsLost(SND.UNA) holds (§5 step 4), at most once per window (RecoveryPoint = SND.MAX);
 * the first segment presumed lost is resent at once (§5 step 4.3). On every ACK during
 * recovery PRR sets {@code cwnd = pipe + sndcnt} (RFC 6937 §3.1: proportional while pipe
 * exceeds ssthresh, slow-start reduction bound below it); the sender then fills
 * {@code cwnd - pipe} with NextSeg's choices (§4): lost segments above HighRxt (rule 1),
 * new data (rule 2), unSACKed segments below the highest SACKed one (rule 3), and once per
 * recovery the segment at the highest unSACKed byte (rule 4, the rescue). Without any
 * SACK block from the peer, a partial ACK marks the segment at SND.UNA lost, as NewReno
 * (RFC 6582) would. Retransmissions RACK finds lost again (RFC 8985) go first and leave
 * pipe. Recovery ends at a cumulative ACK of RecoveryPoint with
 * {@code cwnd = ssthresh}. The state lives in the pcb; nothing is allocated.
 */
final class LossRecovery {
    private final Tcp tcp;

    LossRecovery(Tcp tcp) {
        this.tcp = tcp;
    }

    /**
     * The sender's SACK state of a SACK connection (scoreboard, RACK's log and timer), made
     * when it first sends data or first hears a SACK block, so idle connections hold none.
     */
    SackScoreboard sender(TcpPcb pcb) {
        if (pcb.scoreboard == null) {
            pcb.scoreboard = new SackScoreboard();
            tcp.rack().init(pcb);
        }
        return pcb.scoreboard;
    }

    /** The receiver's SACK blocks of a SACK connection, made when first needed (out-of-order or duplicate data). */
    SackReceiver receiver(TcpPcb pcb) {
        if (pcb.rxSack == null) {
            pcb.rxSack = new SackReceiver();
        }
        return pcb.rxSack;
    }

    /** RFC 6675 IsLost as an edge: unSACKed sequence numbers below it are lost. */
    int lostEdge(TcpPcb pcb) {
        SackScoreboard sb = pcb.scoreboard;
        if (sb.count() == 0) {
            // No SACK information: in recovery, the hole at SND.UNA after a partial ACK (RFC 6582).
            return pcb.inRecovery && Seq.le(pcb.highRxt, pcb.sndUna) ? pcb.sndUna + 1 : pcb.sndUna;
        }
        if (tcp.rack().active(pcb)) {
            return Seq.max(pcb.rackEdge, pcb.sndUna); // RFC 8985: time, not DupThresh, says what is lost
        }
        return sb.lostEdge(pcb.sndUna, pcb.mss);
    }

    /** RFC 6675 §4 SetPipe: unSACKed bytes not lost, plus bytes retransmitted (below HighRxt). */
    int pipe(TcpPcb pcb) {
        SackScoreboard sb = pcb.scoreboard;
        int una = pcb.sndUna;
        int high = pcb.sndMax;
        int edge = Seq.max(lostEdge(pcb), una);
        int p = sb.unsacked(edge, high);
        if (Seq.gt(pcb.highRxt, una)) {
            p += sb.unsacked(una, Seq.min(pcb.highRxt, high));
        }
        if (pcb.sentLog != null && pcb.sentLog.lost() > 0) {
            p -= tcp.rack().lostRetransmitted(pcb, edge); // RFC 8985: a retransmission lost again left the network
        }
        return p;
    }

    /** Whether this ACK starts recovery (RFC 6675 §5 steps 3-4): DupThresh duplicates or IsLost(SND.UNA). */
    boolean shouldEnter(TcpPcb pcb) {
        if (pcb.inRecovery || pcb.sndUna == pcb.sndMax || Seq.lt(pcb.sndUna, pcb.recover)) {
            return false;
        }
        if (pcb.scoreboard.count() > 0 && tcp.rack().active(pcb)) {
            // RFC 8985 §7: RACK, not three duplicates
            return Seq.gt(lostEdge(pcb), pcb.sndUna) || pcb.sentLog.lost() > 0;
        }
        return pcb.dupAcks >= SackScoreboard.DUP_THRESH || Seq.gt(lostEdge(pcb), pcb.sndUna);
    }

    /** Enters recovery: ssthresh from the congestion control, PRR's state, the first lost segment resent. */
    void enter(TcpPcb pcb, int delivered) {
        int flight = pcb.sndMax - pcb.sndUna;
        pcb.inRecovery = true;
        pcb.recover = pcb.sndMax;
        pcb.recoveries++;
        tcp.rack().recoveryStarted(pcb);
        pcb.cc.onCongestion(flight, pcb.mss, tcp.ctx.now());
        pcb.prrDelivered = 0;
        pcb.prrOut = 0;
        pcb.recoverFs = Math.max(flight, 1);
        pcb.highRxt = pcb.sndUna;
        pcb.rescueRxt = false; // §5 step 4.1: RescueRxt = None
        int len = segmentAt(pcb, pcb.sndUna);
        int sent = tcp.output().retransmit(pcb, pcb.sndUna, len);
        pcb.highRxt = pcb.sndUna + Math.max(len, 1);
        pcb.prrOut += sent;
        ack(pcb, delivered);
    }

    /** RFC 6937 §3.1: an ACK during recovery delivered {@code delivered} bytes; sets cwnd = pipe + sndcnt. */
    void ack(TcpPcb pcb, int delivered) {
        pcb.prrDelivered += delivered;
        int pipe = pipe(pcb);
        int ssthresh = pcb.cc.ssthresh();
        long sndcnt;
        if (pipe > ssthresh) {
            // Proportional: ceil(prr_delivered * ssthresh / RecoverFS) - prr_out.
            sndcnt = ((long) pcb.prrDelivered * ssthresh + pcb.recoverFs - 1) / pcb.recoverFs - pcb.prrOut;
        } else {
            // Slow-start reduction bound (PRR-SSRB).
            long limit = Math.max((long) pcb.prrDelivered - pcb.prrOut, delivered) + pcb.mss;
            sndcnt = Math.min((long) ssthresh - pipe, limit);
        }
        sndcnt = Math.max(sndcnt, 0);
        pcb.cc.setCwnd((int) Math.min(pipe + sndcnt, Integer.MAX_VALUE));
    }

    /** A cumulative ACK of RecoveryPoint ends recovery (RFC 6937 §3.1: cwnd = ssthresh). */
    void exit(TcpPcb pcb) {
        pcb.inRecovery = false;
        pcb.dupAcks = 0;
        pcb.highRxt = pcb.sndUna;
        pcb.cc.setCwnd(pcb.cc.ssthresh());
    }

    /** A retransmission timeout ends recovery and forgets the scoreboard (RFC 2018 §8, RFC 6675 §5.1). */
    void timeout(TcpPcb pcb) {
        if (pcb.scoreboard != null) {
            pcb.scoreboard.clear();
        }
        pcb.highRxt = pcb.sndUna;
    }

    /**
     * NextSeg's retransmissions (RFC 6675 §4 rules 1 and, with {@code rule3}, 3): resends one
     * segment when {@code room} bytes of cwnd allow; returns the bytes sent, 0 when none.
     */
    int retransmitNext(TcpPcb pcb, int room, boolean rule3) {
        SackScoreboard sb = pcb.scoreboard;
        SentLog log = pcb.sentLog;
        if (log != null && log.lost() > 0) {
            return resendLost(pcb, log, room);
        }
        int from = Seq.max(pcb.highRxt, pcb.sndUna);
        int s = sb.firstUnsacked(from);
        if (!Seq.lt(s, pcb.sndMax)) {
            return 0;
        }
        int limit = rule3 ? sb.highestSacked(pcb.sndUna) : lostEdge(pcb);
        if (!Seq.lt(s, limit)) {
            return rule3 ? rescue(pcb, room) : 0;
        }
        int len = segmentAt(pcb, s);
        if (len > room) {
            return 0;
        }
        int sent = tcp.output().retransmit(pcb, s, len);
        pcb.highRxt = s + Math.max(len, 1);
        pcb.prrOut += sent;
        return Math.max(sent, 1);
    }

    /**
     * RFC 6675 §4 NextSeg rule 4, the rescue retransmission: when rules 1 to 3 find nothing
     * (no lost segment, no new data, no hole below the highest SACKed byte) but unSACKed
     * data is outstanding above the last SACK block (a lost tail), once per recovery the
     * segment ending at the highest unSACKed byte goes again. HighRxt stays (its bytes are
     * still counted in pipe as first sent), and RescueRxt is set.
     */
    private int rescue(TcpPcb pcb, int room) {
        if (pcb.rescueRxt) {
            return 0;
        }
        SackScoreboard sb = pcb.scoreboard;
        int top = sb.highestUnsacked(pcb.sndUna, pcb.sndMax);
        int start = Seq.max(Seq.max(top - pcb.mss, pcb.sndUna), Seq.max(sb.highestSacked(pcb.sndUna), pcb.highRxt));
        if (!Seq.lt(start, top) || top - start > room) {
            return 0;
        }
        int sent = tcp.output().retransmit(pcb, start, top - start);
        pcb.rescueRxt = true;
        pcb.prrOut += sent;
        return Math.max(sent, 1);
    }

    /**
     * RFC 8985 §6.2 step 5: a retransmission RACK found lost again goes once more, before
     * anything RFC 6675's NextSeg would choose (its rules never look below HighRxt).
     */
    private int resendLost(TcpPcb pcb, SentLog log, int room) {
        int i = log.firstLost();
        int s = Seq.max(log.start(i), pcb.sndUna);
        int len = Math.min(segmentAt(pcb, s), log.end(i) - s);
        if (len > room) {
            return 0;
        }
        int sent = tcp.output().retransmit(pcb, s, len);
        if (sent == 0) {
            log.markSacked(i); // nothing left of it to send (acknowledged meanwhile)
        }
        pcb.prrOut += sent;
        return Math.max(sent, 1);
    }

    /** The length of the segment to resend at {@code s}: up to an MSS, to the next SACKed range, to SND.MAX. */
    private static int segmentAt(TcpPcb pcb, int s) {
        int end = pcb.scoreboard.nextSacked(s, pcb.sndMax);
        return Math.min(pcb.mss, end - s);
    }
}
