package org.lwip4j.cli;

import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.FrameTap;
import org.lwip4j.netif.Netif;

/**
 * A frame tap that counts the received frames of kinds the stack does not speak, so the
 * stats can name them instead of leaving them as unexplained {@code in-drop} and
 * {@code LINK proterr}: IPv6 (the host's router solicitations and MLD reports reach every
 * new device) and other EtherTypes. Passes every frame on to a further tap (a capture),
 * if any. Counts only; on the loop, without allocating.
 */
final class UnhandledFrames implements FrameTap {
    private static final int TYPE_IPV4 = 0x0800;
    private static final int TYPE_ARP = 0x0806;
    private static final int TYPE_VLAN = 0x8100;
    private static final int TYPE_IPV6 = 0x86dd;

    private final boolean ethernet;
    private final FrameTap next;
    private long ip6;
    private long other;

    /** Counts for a netif carrying Ethernet frames ({@code ethernet}) or bare IP packets; then calls {@code next} (may be null). */
    UnhandledFrames(boolean ethernet, FrameTap next) {
        this.ethernet = ethernet;
        this.next = next;
    }

    /**
     * Installs a new counter as {@code netif}'s frame tap, passing frames on to {@code next}
     * (may be null); on the loop. Every netif of a run has one, and so has every netif of the
     * warm-up ({@link Warmup}, {@link DeviceWarmup}): code compiled on a warm-up netif without
     * a tap assumes none, and the run's first frame then throws that code away (an
     * "unstable if" deoptimization of the receive and send paths), leaving them in the
     * interpreter until thousands of frames have recompiled them.
     */
    static UnhandledFrames watch(Netif netif, boolean ethernet, FrameTap next) {
        UnhandledFrames u = new UnhandledFrames(ethernet, next);
        netif.setTap(u);
        return u;
    }

    /** As {@link #watch(Netif, boolean, FrameTap)} with no further tap. */
    static UnhandledFrames watch(Netif netif, boolean ethernet) {
        return watch(netif, ethernet, null);
    }

    @Override
    public void frame(Netif netif, Pbuf frame, boolean outbound) {
        if (!outbound) {
            count(frame);
        }
        if (next != null) {
            next.frame(netif, frame, outbound);
        }
    }

    private void count(Pbuf frame) {
        int len = frame.totalLength();
        if (ethernet) {
            if (len < 14) {
                return; // too short: the link layer counts it as a length error
            }
            int type = frame.getU16(12);
            if (type == TYPE_VLAN && len >= 18) {
                type = frame.getU16(16);
            }
            if (type == TYPE_IPV6) {
                ip6++;
            } else if (type != TYPE_IPV4 && type != TYPE_ARP && type >= 0x0600) {
                other++;
            }
        } else if (len >= 1) {
            int version = frame.getByte(0) >>> 4;
            if (version == 6) {
                ip6++;
            } else if (version != 4) {
                other++;
            }
        }
    }

    /** IPv6 frames received. */
    long ip6() {
        return ip6;
    }

    /** Frames of an EtherType (or IP version) the stack has no handler for at all. */
    long other() {
        return other;
    }
}
