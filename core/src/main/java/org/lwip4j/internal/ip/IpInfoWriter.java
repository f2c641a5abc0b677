package org.lwip4j.internal.ip;

import org.lwip4j.buffer.Pbuf;
import org.lwip4j.ip.IpInfo;
import org.lwip4j.netif.Netif;

/**
 * The {@link IpInfo} an IP family fills for each packet it delivers: the setters, which are
 * not API (a transport or raw pcb only reads what it is handed). Final, so the families'
 * calls bind statically, as they did on {@code IpInfo} itself: nothing more per packet.
 */
public final class IpInfoWriter extends IpInfo {
    /** An empty description, one per family and stack. */
    public IpInfoWriter() {
    }

    /** {@inheritDoc} */
    @Override
    public void set4(Netif netif, Pbuf packet, int src, int dst, int headerLen, int protocol, int ttl, int tos,
            boolean broadcast, boolean multicast, boolean linkBroadcast, int headerOffset) {
        super.set4(netif, packet, src, dst, headerLen, protocol, ttl, tos, broadcast, multicast, linkBroadcast,
                headerOffset);
    }

    /** {@inheritDoc} */
    @Override
    public void set6(Netif netif, Pbuf packet, long srcHi, long srcLo, long dstHi, long dstLo, int headerLen,
            int nextHeader, int hopLimit, int trafficClass, boolean multicast, boolean linkBroadcast, int headerOffset) {
        super.set6(netif, packet, srcHi, srcLo, dstHi, dstLo, headerLen, nextHeader, hopLimit, trafficClass,
                multicast, linkBroadcast, headerOffset);
    }

    /** {@inheritDoc} */
    @Override
    public void clear() {
        super.clear();
    }
}
