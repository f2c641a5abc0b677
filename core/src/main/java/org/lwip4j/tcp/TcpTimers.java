package org.lwip4j.tcp;

import org.lwip4j.ip.Route;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.Timer;

/**
 * What happens when a connection's timers fire (lwIP's {@code tcp_slowtmr}/{@code
 * tcp_fasttmr}, gVisor's {@code timer.go}): retransmission (RFC 6298 §5, RFC 5681 §3.1's
 * loss window), the delayed ACK (RFC 1122 §4.2.3.2), the persist timer and its zero-window
 * probes (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17), keepalive (RFC 1122 §4.2.3.6), TIME_WAIT's
 * 2 MSL (RFC 9293 §3.4.2), the FIN_WAIT_2 timeout, the linger time (SO_LINGER), the user
 * timeout (RFC 9293 §3.8.3, RFC 5482) that bounds the first three, and the application's poll.
 * From the {@link #R1}-th retransmission of a segment (a SYN too) on, each timeout gives IP
 * negative advice about the connection's next hop (RFC 9293 §3.8.3 MUST-20, RFC 1122
 * §4.2.3.5), which re-checks its link address, and tells the application of the delivery
 * problem ({@link TcpPcb.DeliveryProblemCallback}, SHLD-9).
 *
 * <p>A pcb's timer fields start as one shared, never-armed {@link #unarmed} timer (so
 * {@code cancel()} and {@code isScheduled()} work on them anywhere); the first time a timer
 * is armed, here, the pcb gets its own {@link Timer} object, then re-arms it without
 * allocating. An idle connection thus holds only the timers it has used (the RTO timer of
 * its handshake), not six: heap per connection matters with 100,000 of them.
 */
final class TcpTimers {
    /**
     * Retransmissions of one segment after which IP gets negative advice (RFC 1122 §4.2.3.5:
     * R1 "SHOULD correspond to at least 3 retransmissions").
     */
    static final int R1 = 3;
    private final Tcp tcp;
    /** Stands for every timer a pcb has not armed yet; never armed itself. */
    private final Timer unarmed;

    TcpTimers(Tcp tcp) {
        this.tcp = tcp;
        this.unarmed = tcp.ctx.timers().create(() -> {
            throw new IllegalStateException("the shared unarmed TCP timer fired");
        });
    }

    void create(TcpPcb pcb) {
        pcb.rtoTimer = unarmed;
        pcb.delackTimer = unarmed;
        pcb.persistTimer = unarmed;
        pcb.keepaliveTimer = unarmed;
        pcb.stateTimer = unarmed;
        pcb.pollTimer = unarmed;
    }

    private Timer rto(TcpPcb pcb) {
        if (pcb.rtoTimer == unarmed) {
            pcb.rtoTimer = tcp.ctx.timers().create(() -> retransmitTimeout(pcb));
        }
        return pcb.rtoTimer;
    }

    private Timer delack(TcpPcb pcb) {
        if (pcb.delackTimer == unarmed) {
            pcb.delackTimer = tcp.ctx.timers().create(() -> delayedAck(pcb));
        }
        return pcb.delackTimer;
    }

    private Timer persist(TcpPcb pcb) {
        if (pcb.persistTimer == unarmed) {
            pcb.persistTimer = tcp.ctx.timers().create(() -> persistTimeout(pcb));
        }
        return pcb.persistTimer;
    }

    private Timer keepalive(TcpPcb pcb) {
        if (pcb.keepaliveTimer == unarmed) {
            pcb.keepaliveTimer = tcp.ctx.timers().create(() -> keepaliveTimeout(pcb));
        }
        return pcb.keepaliveTimer;
    }

    private Timer state(TcpPcb pcb) {
        if (pcb.stateTimer == unarmed) {
            pcb.stateTimer = tcp.ctx.timers().create(() -> stateTimeout(pcb));
        }
        return pcb.stateTimer;
    }

    private Timer poll(TcpPcb pcb) {
        if (pcb.pollTimer == unarmed) {
            pcb.pollTimer = tcp.ctx.timers().create(() -> pollTimeout(pcb));
        }
        return pcb.pollTimer;
    }

    void cancelAll(TcpPcb pcb) {
        pcb.rtoTimer.cancel();
        pcb.delackTimer.cancel();
        pcb.persistTimer.cancel();
        pcb.keepaliveTimer.cancel();
        pcb.stateTimer.cancel();
        pcb.pollTimer.cancel();
        if (pcb.lossTimer != null) {
            pcb.lossTimer.cancel();
        }
    }

    // ---------------------------------------------------------------- retransmission

    void armRto(TcpPcb pcb) {
        long d = pcb.rtt.rto();
        if (pcb.userTimeout > 0 && pcb.state.synchronizedState() && pcb.sndMax != pcb.sndUna) {
            d = Math.min(d, untilUserTimeout(pcb, pcb.unackedSince)); // fire at the user timeout, not after it
        }
        rto(pcb).schedule(d);
    }

    /** Nanoseconds left of the user timeout counted from {@code since}, at least 0. */
    private long untilUserTimeout(TcpPcb pcb, long since) {
        return Math.max(0, since + pcb.userTimeout - tcp.ctx.now());
    }

    /** The user timeout ran out counting from {@code since}: a RST, {@code onErr(ABRT)} (RFC 5482 §3, as Linux). */
    private boolean userTimedOut(TcpPcb pcb, long since) {
        if (pcb.userTimeout > 0 && tcp.ctx.now() - since >= pcb.userTimeout) {
            tcp.abort(pcb, true, Err.ABRT);
            return true;
        }
        return false;
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
        if (!syn && userTimedOut(pcb, pcb.unackedSince)) {
            return;
        }
        if ((syn || pcb.userTimeout == 0) && pcb.nrtx >= (syn ? tcp.cfg.synMaxRtx() : tcp.cfg.maxRtx())) {
            tcp.abort(pcb, false, Tcp.timeoutErr(pcb)); // no RST: the peer is unreachable (as lwIP and Linux)
            return;
        }
        pcb.nrtx++;
        if (pcb.nrtx >= R1) {
            Route r = tcp.route(pcb);
            if (r != null) {
                tcp.ip.suspectUnreachable(r); // MUST-20: negative advice, rate-limited below
            }
        }
        pcb.rtt.backOff();
        pcb.rttTiming = false; // Karn's algorithm: no sample from a retransmitted segment
        if (syn) {
            tcp.output().sendSyn(pcb, pcb.state == TcpState.SYN_RCVD);
            armRto(pcb);
            deliveryProblem(pcb);
            return;
        }
        int flight = pcb.sndMax - pcb.sndUna;
        pcb.cc.onRetransmitTimeout(flight, pcb.mss, tcp.ctx.now());
        tcp.recovery().timeout(pcb);
        tcp.rack().timeout(pcb);
        pcb.totalRetrans++;
        pcb.inRecovery = false;
        pcb.dupAcks = 0;
        pcb.recover = pcb.sndMax; // RFC 6582 §3.2 step 4
        pcb.sndNxt = pcb.sndUna;
        armRto(pcb);
        tcp.output().output(pcb);
        deliveryProblem(pcb);
    }

    /**
     * From the {@link #R1}-th retransmission of a segment on, the application hears of the
     * delivery problem at each (RFC 9293 §3.8.3 SHLD-9: "when R1 is reached and before R2").
     * A callback that throws is counted; the connection goes on.
     */
    private void deliveryProblem(TcpPcb pcb) {
        TcpPcb.DeliveryProblemCallback cb = pcb.onDeliveryProblem;
        if (cb != null && pcb.nrtx >= R1 && !pcb.freed && !pcb.appClosed) {
            try {
                cb.deliveryProblem(pcb, pcb.nrtx);
            } catch (RuntimeException e) {
                tcp.callbackFailed("delivery problem", e);
            }
        }
    }

    // ---------------------------------------------------------------- delayed ACK

    void armDelayedAck(TcpPcb pcb) {
        if (!pcb.delackTimer.isScheduled()) {
            delack(pcb).schedule(tcp.cfg.delayedAck().toNanos());
        }
    }

    private void delayedAck(TcpPcb pcb) {
        if (!pcb.freed && pcb.lastAckSent != pcb.rcvNxt) {
            tcp.output().sendAck(pcb);
        }
    }

    // ---------------------------------------------------------------- persist

    /**
     * Arms the persist timer (zero window, data waiting) unless armed; the retransmission
     * timer and a tail loss probe stop whether or not it was: nothing goes into a closed
     * window but the probes (RFC 9293 §3.8.6.1), and the ACK that closed it may have re-armed them.
     */
    void armPersist(TcpPcb pcb) {
        pcb.rtoTimer.cancel();
        if (pcb.lossTimerProbe) {
            pcb.lossTimer.cancel();
            pcb.lossTimerProbe = false;
        }
        if (!pcb.persistTimer.isScheduled()) {
            pcb.persistSince = tcp.ctx.now();
            persist(pcb).schedule(persistDelay(pcb));
        }
    }

    private long persistDelay(TcpPcb pcb) {
        long d = pcb.rtt.rto() << Math.min(pcb.persistBackoff, 16);
        d = Math.min(d, tcp.cfg.maxRto().toNanos());
        return pcb.userTimeout > 0 ? Math.min(d, untilUserTimeout(pcb, pcb.persistSince)) : d;
    }

    /** The window opened: no more probes. */
    void stopPersist(TcpPcb pcb) {
        pcb.persistTimer.cancel();
        pcb.persistBackoff = 0;
        pcb.persistProbes = 0;
    }

    private void persistTimeout(TcpPcb pcb) {
        if (pcb.freed) {
            return;
        }
        if (pcb.sndWnd != 0) {
            stopPersist(pcb);
            tcp.output().output(pcb);
            return;
        }
        if (userTimedOut(pcb, pcb.persistSince)) {
            return;
        }
        if (pcb.userTimeout == 0 && pcb.persistProbes >= tcp.cfg.maxRtx()) {
            tcp.abort(pcb, false, Err.ABRT);
            return;
        }
        pcb.persistProbes++;
        tcp.output().zeroWindowProbe(pcb);
        pcb.persistBackoff++;
        persist(pcb).schedule(persistDelay(pcb));
    }

    // ---------------------------------------------------------------- keepalive

    /** (Re)starts keepalive after the option changed. */
    void keepaliveReset(TcpPcb pcb) {
        pcb.keepProbes = 0;
        if (pcb.keepalive && pcb.state.synchronizedState()) {
            keepalive(pcb).schedule(pcb.keepIdle);
        } else {
            pcb.keepaliveTimer.cancel();
        }
    }

    /** A connection became established: keepalive starts if on. */
    void established(TcpPcb pcb) {
        keepaliveReset(pcb);
    }

    private void keepaliveTimeout(TcpPcb pcb) {
        if (pcb.freed || !pcb.keepalive) {
            return;
        }
        long idle = tcp.ctx.now() - pcb.lastReceived;
        if (pcb.keepProbes == 0 && idle < pcb.keepIdle) {
            keepalive(pcb).schedule(pcb.keepIdle - idle); // input reset the probe count
            return;
        }
        if (pcb.keepProbes > 0 && userTimedOut(pcb, pcb.lastReceived)) {
            return; // probes out and nothing heard for the user timeout: it replaces the count (as Linux)
        }
        if (pcb.userTimeout == 0 && pcb.keepProbes >= pcb.keepCount) {
            tcp.abort(pcb, true, Err.ABRT);
            return;
        }
        pcb.keepProbes++;
        tcp.output().keepaliveProbe(pcb);
        keepalive(pcb).schedule(pcb.keepInterval);
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
        state(pcb).schedule(2 * tcp.cfg.msl().toNanos());
    }

    /** FIN_WAIT_2 after the application closed: the peer has this long to send its FIN. */
    void armFinWait2(TcpPcb pcb) {
        if (pcb.appClosed && (pcb.lingerArmed || !pcb.stateTimer.isScheduled())) {
            pcb.lingerArmed = false; // our FIN is acknowledged: the linger time is met
            state(pcb).schedule(tcp.cfg.finWait2Timeout().toNanos());
        }
    }

    /** SO_LINGER after a graceful close: the close must finish (data and FIN acknowledged) by then. */
    void armLinger(TcpPcb pcb) {
        pcb.lingerArmed = true;
        state(pcb).schedule(pcb.linger);
    }

    private void stateTimeout(TcpPcb pcb) {
        if (pcb.freed) {
            return;
        }
        if (pcb.state == TcpState.TIME_WAIT || pcb.state == TcpState.FIN_WAIT_2) {
            tcp.free(pcb);
        } else if (pcb.lingerArmed) {
            tcp.abort(pcb, true, Err.ABRT); // the linger time ran out before our FIN was acknowledged
        }
    }

    // ---------------------------------------------------------------- poll

    void pollReset(TcpPcb pcb, long interval) {
        if (interval > 0) {
            poll(pcb).schedulePeriodic(interval);
        } else {
            pcb.pollTimer.cancel();
        }
    }

    private void pollTimeout(TcpPcb pcb) {
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
