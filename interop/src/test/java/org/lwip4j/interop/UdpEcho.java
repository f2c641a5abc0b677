package org.lwip4j.interop;

import org.lwip4j.Stack;
import org.lwip4j.stack.Err;
import org.lwip4j.udp.UdpPcb;

/** The UDP echo service (RFC 862) on a stack, as {@code lwip4j run} runs it. */
final class UdpEcho {
    private UdpEcho() {
    }

    /** Binds an echo pcb to {@code port} on all addresses (on the loop). */
    static UdpPcb start(Stack stack, int port) {
        return stack.call(() -> {
            UdpPcb pcb = stack.newUdpPcb();
            Err e = pcb.bind(port);
            if (e != Err.OK) {
                throw new IllegalStateException("bind " + port + ": " + e);
            }
            pcb.onReceive((pc, p, src, sport, netif) -> {
                pc.sendTo(p, src, sport);
                p.free();
            });
            return pcb;
        });
    }
}
