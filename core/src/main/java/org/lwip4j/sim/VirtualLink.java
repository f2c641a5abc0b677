package org.lwip4j.sim;

import java.util.Objects;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.wire.EthernetFrame;

/**
 * A point-to-point cable between two netifs (gVisor's {@code link/pipe}), with
 * {@link Impairments} per direction. Each end is a {@link NetifDriver}: add
 * {@link #endpointA()} to one stack's netif table and {@link #endpointB()} to another's.
 *
 * <pre>{@code
 * var sim = new Simulator(42);
 * var link = new VirtualLink(sim);
 * var a = new StackContext(StackConfig.defaults(), sim.clock());
 * var b = new StackContext(StackConfig.defaults(), sim.clock());
 * Netif na = new NetifTable(a).add(link.endpointA(), "eth0", null);
 * Netif nb = new NetifTable(b).add(link.endpointB(), "eth0", null);
 * na.setUp(true); nb.setUp(true);
 * ... na.linkOutput(frame) ...
 * sim.runFor(Duration.ofMillis(10));
 * }</pre>
 */
public final class VirtualLink {
    private final LinkType linkType;
    private final int mtu;
    private final Endpoint a;
    private final Endpoint b;

    /** An Ethernet cable with MTU 1500 and no impairments. */
    public VirtualLink(Simulator sim) {
        this(sim, LinkType.ETHERNET, 1500, Impairments.NONE, Impairments.NONE);
    }

    /** An Ethernet cable with MTU 1500 and the same impairments both ways (each way draws its own randomness). */
    public VirtualLink(Simulator sim, Impairments both) {
        this(sim, LinkType.ETHERNET, 1500, both, both);
    }

    /**
     * A cable of {@code linkType} carrying IP packets of up to {@code mtu} bytes, with
     * {@code aToB} impairing what A sends and {@code bToA} what B sends. The A-to-B direction
     * takes its random source from the simulator first.
     */
    public VirtualLink(Simulator sim, LinkType linkType, int mtu, Impairments aToB, Impairments bToA) {
        Objects.requireNonNull(sim, "sim");
        this.linkType = Objects.requireNonNull(linkType, "linkType");
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("MTU must be 68..65535, not " + mtu);
        }
        this.mtu = mtu;
        Receiver ra = new Receiver(sim);
        Receiver rb = new Receiver(sim);
        LinkDirection ab = new LinkDirection(sim, "A>B", aToB, rb);
        LinkDirection ba = new LinkDirection(sim, "B>A", bToA, ra);
        this.a = new Endpoint(sim, this, ra, ab);
        this.b = new Endpoint(sim, this, rb, ba);
    }

    /** The A end: a driver whose frames go to B. */
    public Endpoint endpointA() {
        return a;
    }

    /** The B end: a driver whose frames go to A. */
    public Endpoint endpointB() {
        return b;
    }

    /** What A sends to B. */
    public LinkDirection aToB() {
        return a.out;
    }

    /** What B sends to A. */
    public LinkDirection bToA() {
        return b.out;
    }

    /** Sets the impairments of both directions. */
    public void setImpairments(Impairments aToB, Impairments bToA) {
        a.out.setImpairments(aToB);
        b.out.setImpairments(bToA);
    }

    /** The framing both ends use. */
    public LinkType linkType() {
        return linkType;
    }

    /** The MTU both ends report. */
    public int mtu() {
        return mtu;
    }

    /** True while the cable is plugged in. */
    public boolean isConnected() {
        return a.out.isConnected();
    }

    /**
     * Plugs the cable in or pulls it out: while out, every frame is lost; both netifs hear of
     * the carrier change ({@code setLinkUp}) on their loops. Frames already in flight still
     * arrive.
     */
    public void setConnected(boolean connected) {
        a.out.setConnected(connected);
        b.out.setConnected(connected);
        a.carrier(connected);
        b.carrier(connected);
    }

    /** Largest frame accepted for an IP packet of {@code mtu} bytes (room for an 802.1Q tag on Ethernet). */
    int maxFrame() {
        return linkType == LinkType.ETHERNET ? mtu + EthernetFrame.TAGGED_HEADER_LEN : mtu;
    }

    /** One end of a {@link VirtualLink}: the driver of one netif. */
    public static final class Endpoint implements NetifDriver {
        private final MulticastFilter filter = new MulticastFilter();
        private final Simulator sim;
        private final VirtualLink link;
        private final Receiver receiver;
        private final LinkDirection out;

        Endpoint(Simulator sim, VirtualLink link, Receiver receiver, LinkDirection out) {
            this.sim = sim;
            this.link = link;
            this.receiver = receiver;
            this.out = out;
        }

        @Override
        public LinkType linkType() {
            return link.linkType;
        }

        @Override
        public int mtu() {
            return link.mtu;
        }

        /** Binds the netif; its stack's loop joins the simulation. */
        @Override
        public void attach(Netif netif) {
            receiver.attach(netif);
        }

        /**
         * Copies the frame onto the cable; {@link Err#VAL} (counted as
         * {@link LinkCounters#oversize()}) when it is longer than the MTU allows. Frames the
         * cable loses or tail-drops still return {@link Err#OK}, as on a real network.
         */
        @Override
        public Err transmit(Pbuf frame) {
            return transmitOn(sim, out, link.maxFrame(), frame);
        }

        /** The multicast MACs the netif asked this end to receive (its groups), in the order first asked. */
        public java.util.Set<org.lwip4j.addr.MacAddress> multicastFilter() {
            return filter.view();
        }

        /** Records the netif's multicast filter (the cable carries every frame; the Ethernet layer filters). */
        @Override
        public void setMulticastFilter(org.lwip4j.addr.MacAddress group, boolean add) {
            filter.set(group, add);
        }

        /** The netif attached to this end, or {@code null}. */
        public Netif netif() {
            return receiver.netif();
        }

        /** The direction that carries what this end sends. */
        public LinkDirection outbound() {
            return out;
        }

        /** The cable this end belongs to. */
        public VirtualLink link() {
            return link;
        }

        void carrier(boolean up) {
            Netif n = receiver.netif();
            if (n == null) {
                return;
            }
            if (n.context().loop().inEventLoop()) {
                n.setLinkUp(up);
            } else {
                n.context().loop().execute(() -> n.setLinkUp(up));
            }
        }
    }

    /** Copies {@code frame} into a pooled frame and sends it along {@code out}. */
    static Err transmitOn(Simulator sim, LinkDirection out, int maxFrame, Pbuf frame) {
        int len = frame.totalLength();
        if (len > maxFrame) {
            out.countOversize();
            return Err.VAL;
        }
        Frame f = sim.obtain(len);
        frame.copyTo(0, f.seg, 0, len);
        out.send(f);
        return Err.OK;
    }
}
