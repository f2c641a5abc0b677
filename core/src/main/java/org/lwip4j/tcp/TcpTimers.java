package org.lwip4j.tcp;

import org.lwip4j.stack.Err;
import org.lwip4j.stack.Timers;

/**
 * What happens when a connection's timers fire (lwIP's {@code tcp_slowtmr}/{@code
 * tcp_fasttmr}, gVisor's {@code timer.go}): retransmission (RFC 6298 §5, RFC 5681 §3.1's
 * loss window), the delayed ACK (RFC 1122 §4.2.3.2), the persist timer and its zero-window
 * probes (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17), keepalive (RFC 1122 §4.2.3.6), TIME_WAIT's
 * 2 MSL (RFC 9293 §3.4.2), the FIN_WAIT_2 timeout, and the application's poll. Each pcb has
 * one {@link org.lwip4j.stack.Timer} object per timer, armed and re-armed without allocating.
 */
final class TcpTimers {
    private final Tcp tcp;

    TcpTimers(Tcp tcp) {
        this.tcp = tcp;
    }

    void create(TcpPcb pcb) {
        Timers t = tcp.ctx.timers();
        pcb.rtoTimer = t.create(() -> retransmitTimeout(pcb));
        pcb.delackTimer = t.create(() -> delayedAck(pcb));
        pcb.persistTimer = t.create(() -> persist(pcb));
        pcb.keepaliveTimer = t.create(() -> keepalive(pcb));
        pcb.stateTimer = t.create(() -> stateTimeout(pcb));
        pcb.pollTimer = t.create(() -> poll(pcb));
    }

    void cancelAll(TcpPcb pcb) {
        pcb.rtoTimer.cancel();
        pcb.delackTimer.cancel();
        pcb.persistTimer.cancel();
        pcb.keepaliveTimer.cancel();
        pcb.stateTimer.cancel();
        pcb.pollTimer.cancel();
    }

    // ---------------------------------------------------------------- retransmission

    void armRto(TcpPcb pcb) {
        pcb.rtoTimer.schedule(pcb.rtt.rto());
    }

    /**
     * RFC 6298 §5.4-5.6: resend the earliest unacknowledged segment, back the timer off; RFC
     * 5681 §3.1: ssthresh = max(FlightSize / 2, 2 SMSS), cwnd = 1 SMSS, so only that segment
     * goes until ACKs come back. Too many retransmissions abort the connection.
     */
    private void retransmitTimeout(TcpPcb pcb) {
        if (pcb.freed) {
            return;
        }
        boolean syn = pcb.state == TcpState.SYN_SENT || pcb.state == TcpState.SYN_RCVD;
        if (!syn && pcb.sndMax == pcb.sndUna) {
            return;
        }
        if (pcb.nrtx >= (syn ? tcp.cfg.synMaxRtx() : tcp.cfg.maxRtx())) {
            tcp.abort(pcb, false, Tcp.timeoutErr(pcb)); // no RST: the peer is unreachable (as lwIP and Linux)
            return;
        }
        pcb.nrtx++;
        pcb.rtt.backOff();
        pcb.rttTiming = false; // Karn's algorithm: no sample from a retransmitted segment
        if (syn) {
            tcp.output().sendSyn(pcb, pcb.state == TcpState.SYN_RCVD);
            armRto(pcb);
            return;
        }
        int flight = pcb.sndMax - pcb.sndUna;
        pcb.cc.onRetransmitTimeout(flight, pcb.mss);
        pcb.inRecovery = false;
        pcb.dupAcks = 0;
        pcb.recover = pcb.sndMax; // RFC 6582 §3.2 step 4
        pcb.sndNxt = pcb.sndUna;
        armRto(pcb);
        tcp.output().output(pcb);
    }

    // ---------------------------------------------------------------- delayed ACK

    void armDelayedAck(TcpPcb pcb) {
        if (!pcb.delackTimer.isScheduled()) {
            pcb.delackTimer.schedule(tcp.cfg.delayedAck().toNanos());
        }
    }

    private void delayedAck(TcpPcb pcb) {
        if (!pcb.freed && pcb.lastAckSent != pcb.rcvNxt) {
            tcp.output().sendAck(pcb);
        }
    }

    // ---------------------------------------------------------------- persist

    /** Arms the persist timer (zero window, data waiting, nothing in flight) unless armed. */
    void armPersist(TcpPcb pcb) {
        if (!pcb.persistTimer.isScheduled()) {
            pcb.rtoTimer.cancel();
            pcb.persistTimer.schedule(persistDelay(pcb));
        }
    }

    private long persistDelay(TcpPcb pcb) {
        long d = pcb.rtt.rto() << Math.min(pcb.persistBackoff, 16);
        return Math.min(d, tcp.cfg.maxRto().toNanos());
    }

    /** The window opened: no more probes. */
    void stopPersist(TcpPcb pcb) {
        pcb.persistTimer.cancel();
        pcb.persistBackoff = 0;
        pcb.persistProbes = 0;
    }

    private void persist(TcpPcb pcb) {
        if (pcb.freed) {
            return;
        }
        if (pcb.sndWnd != 0) {
            stopPersist(pcb);
            tcp.output().output(pcb);
            return;
        }
        if (pcb.persistProbes >= tcp.cfg.maxRtx()) {
            tcp.abort(pcb, false, Err.ABRT);
            return;
        }
        pcb.persistProbes++;
        tcp.output().zeroWindowProbe(pcb);
        pcb.persistBackoff++;
        pcb.persistTimer.schedule(persistDelay(pcb));
    }

    // ---------------------------------------------------------------- keepalive

    /** (Re)starts keepalive after the option changed. */
    void keepaliveReset(TcpPcb pcb) {
        pcb.keepProbes = 0;
        if (pcb.keepalive && pcb.state.synchronizedState()) {
            pcb.keepaliveTimer.schedule(pcb.keepIdle);
        } else {
            pcb.keepaliveTimer.cancel();
        }
    }

    /** A connection became established: keepalive starts if on. */
    void established(TcpPcb pcb) {
        keepaliveReset(pcb);
    }

    private void keepalive(TcpPcb pcb) {
        if (pcb.freed || !pcb.keepalive) {
            return;
        }
        long idle = tcp.ctx.now() - pcb.lastReceived;
        if (pcb.keepProbes == 0 && idle < pcb.keepIdle) {
            pcb.keepaliveTimer.schedule(pcb.keepIdle - idle); // input reset the probe count
            return;
        }
        if (pcb.keepProbes >= pcb.keepCount) {
            tcp.abort(pcb, true, Err.ABRT);
            return;
        }
        pcb.keepProbes++;
        tcp.output().keepaliveProbe(pcb);
        pcb.keepaliveTimer.schedule(pcb.keepInterval);
    }

    // ---------------------------------------------------------------- TIME_WAIT, FIN_WAIT_2

    /** Enters TIME_WAIT for 2 MSL (RFC 9293 §3.4.2); other timers stop. */
    void enterTimeWait(TcpPcb pcb) {
        if (pcb.state != TcpState.TIME_WAIT) {
            tcp.timeWaitEntered(pcb);
        }
        pcb.state = TcpState.TIME_WAIT;
        pcb.rtoTimer.cancel();
        pcb.persistTimer.cancel();
        pcb.keepaliveTimer.cancel();
        pcb.pollTimer.cancel();
        pcb.stateTimer.schedule(2 * tcp.cfg.msl().toNanos());
    }

    /** FIN_WAIT_2 after the application closed: the peer has this long to send its FIN. */
    void armFinWait2(TcpPcb pcb) {
        if (pcb.appClosed && !pcb.stateTimer.isScheduled()) {
            pcb.stateTimer.schedule(tcp.cfg.finWait2Timeout().toNanos());
        }
    }

    private void stateTimeout(TcpPcb pcb) {
        if (pcb.freed) {
            return;
        }
        if (pcb.state == TcpState.TIME_WAIT || pcb.state == TcpState.FIN_WAIT_2) {
            tcp.free(pcb);
        }
    }

    // ---------------------------------------------------------------- poll

    void pollReset(TcpPcb pcb, long interval) {
        if (interval > 0) {
            pcb.pollTimer.schedulePeriodic(interval);
        } else {
            pcb.pollTimer.cancel();
        }
    }

    private void poll(TcpPcb pcb) {
        if (pcb.freed) {
            pcb.pollTimer.cancel();
            return;
        }
        TcpPcb.PollCallback cb = pcb.onPoll;
        if (cb != null) {
            tcp.callback("poll", () -> cb.poll(pcb));
        }
        if (!pcb.freed) {
            tcp.output().output(pcb);
        }
    }
}
