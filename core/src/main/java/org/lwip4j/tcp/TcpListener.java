package org.lwip4j.tcp;

import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.wire.TcpPacket;

/**
 * Passive opens (RFC 9293 §3.10.7.2, lwIP's {@code tcp_listen_input}, gVisor's
 * {@code accept.go}): a SYN to a listener makes a half-open connection in SYN_RCVD that
 * counts against the listener's backlog until it is established and handed to the
 * application (or dies); a RST is ignored, an ACK gets a RST, anything else is dropped.
 */
final class TcpListener {
    private final Tcp tcp;

    TcpListener(Tcp tcp) {
        this.tcp = tcp;
    }

    void segment(TcpPcb listener, Pbuf p, IpInfo info, Tcp.Segment seg) {
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
            if (listener.pending >= listener.backlog) {
                tcp.stats.drop++; // backlog full: the peer retransmits its SYN
                return;
            }
            TcpPcb pcb = tcp.allocPcb(listener.prio);
            if (pcb == null) {
                tcp.stats.memerr++;
                return;
            }
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
            pcb.listener = listener;
            listener.pending++;
            pcb.bound = true;
            tcp.byPort.add(pcb.localPort, pcb);
            tcp.initConnection(pcb);
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

    /** Peer MSS when the SYN has none: RFC 9293 §3.7.1 (536 over IPv4), RFC 8200 §8.3 (1220 over IPv6). */
    static int defaultMss(int version) {
        return version == 6 ? 1220 : 536;
    }
}
