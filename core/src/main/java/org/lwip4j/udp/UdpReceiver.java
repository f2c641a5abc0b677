package org.lwip4j.udp;

import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;

/**
 * Receives datagrams of a {@link UdpPcb} (lwIP's {@code udp_recv_fn}). Runs on the stack's
 * loop. The callee owns {@code p} and must free it (or keep it and free it later).
 */
@FunctionalInterface
public interface UdpReceiver {
    /**
     * One datagram: {@code p} holds the payload; {@code src}/{@code srcPort} the sender;
     * {@code netif} the netif it arrived on. {@code src} is valid only during the call
     * unless copied (it may be a reused instance).
     */
    void receive(UdpPcb pcb, Pbuf p, IpAddress src, int srcPort, Netif netif);
}
