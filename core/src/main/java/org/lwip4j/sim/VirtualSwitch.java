package org.lwip4j.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.wire.EthernetFrame;

/**
 * An Ethernet learning switch (IEEE 802.1D transparent bridging, without spanning tree):
 * it learns which port each unicast source MAC lives behind, forwards a unicast frame to
 * that port only, and floods broadcast, multicast and unknown-destination frames to every
 * port but the one they came in on. A frame for a station behind its own ingress port is
 * filtered. Learned entries age out after the ageing time (802.1D default 300 s).
 *
 * <p>Each port is a cable with two directions ({@link Port#toSwitch()},
 * {@link Port#fromSwitch()}), each with its own impairments; frames are switched when they
 * arrive at the switch, in virtual time.
 */
public final class VirtualSwitch {
    /** 802.1D's default ageing time. */
    public static final Duration DEFAULT_AGEING = Duration.ofSeconds(300);

    private final Simulator sim;
    private final int mtu;
    private final long ageingNanos;
    private final List<Port> ports = new ArrayList<>();
    private Port[] portArray = new Port[0];
    private final MacTable table = new MacTable();
    private long forwarded;
    private long flooded;
    private long filtered;
    private long errors;

    /** A switch with MTU 1500 and 802.1D's ageing time. */
    public VirtualSwitch(Simulator sim) {
        this(sim, 1500, DEFAULT_AGEING);
    }

    /** A switch whose ports carry IP packets of up to {@code mtu} bytes and forget a MAC after {@code ageing}. */
    public VirtualSwitch(Simulator sim, int mtu, Duration ageing) {
        this.sim = Objects.requireNonNull(sim, "sim");
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("MTU must be 68..65535, not " + mtu);
        }
        if (ageing.isNegative() || ageing.isZero()) {
            throw new IllegalArgumentException("ageing time must be positive: " + ageing);
        }
        this.mtu = mtu;
        this.ageingNanos = ageing.toNanos();
    }

    /** A new port with a perfect cable. */
    public Port newPort() {
        return newPort(Impairments.NONE, Impairments.NONE);
    }

    /**
     * A new port whose cable impairs frames on their way into the switch with
     * {@code toSwitch} and on their way out to the station with {@code fromSwitch}. The
     * to-switch direction takes its random source from the simulator first.
     */
    public Port newPort(Impairments toSwitch, Impairments fromSwitch) {
        int index = ports.size();
        Port p = new Port(this, index, toSwitch, fromSwitch);
        ports.add(p);
        portArray = ports.toArray(new Port[0]);
        return p;
    }

    /** The ports, in the order made (a port's index is its position). */
    public List<Port> ports() {
        return List.copyOf(ports);
    }

    /** The index of the port {@code mac} was last seen behind, or -1 when unknown or aged out. */
    public int portOf(MacAddress mac) {
        return table.lookup(mac.bits(), sim.now(), ageingNanos);
    }

    /** Forgets every learned MAC. */
    public void flush() {
        table.clear();
    }

    /** Unicast frames sent to exactly one (learned) port. */
    public long forwarded() {
        return forwarded;
    }

    /** Frames flooded (broadcast, multicast, or unknown destination). */
    public long flooded() {
        return flooded;
    }

    /** Frames dropped because their destination lives behind their own ingress port. */
    public long filtered() {
        return filtered;
    }

    /** Frames dropped as too short to be Ethernet. */
    public long errors() {
        return errors;
    }

    /** A frame from {@code in} has reached the switch. */
    private void switchFrame(Port in, Frame f) {
        if (f.len < EthernetFrame.HEADER_LEN) {
            errors++;
            sim.recycle(f);
            return;
        }
        long now = sim.now();
        long dst = EthernetFrame.destination(f.seg, 0);
        long src = EthernetFrame.source(f.seg, 0);
        if ((src & MacTable.GROUP_BIT) == 0 && src != 0) {
            table.learn(src, in.index, now);
        }
        int outIndex = (dst & MacTable.GROUP_BIT) != 0 ? -1 : table.lookup(dst, now, ageingNanos);
        if (outIndex == in.index) {
            filtered++;
            sim.recycle(f);
            return;
        }
        if (outIndex >= 0) {
            forwarded++;
            portArray[outIndex].down.send(f);
            return;
        }
        flooded++;
        Port last = null;
        for (Port p : portArray) {
            if (p == in) {
                continue;
            }
            if (last != null) {
                Frame copy = sim.obtain(f.len);
                System.arraycopy(f.data, 0, copy.data, 0, f.len);
                last.down.send(copy);
            }
            last = p;
        }
        if (last != null) {
            last.down.send(f);
        } else {
            sim.recycle(f);
        }
    }

    /** A port of a {@link VirtualSwitch}: the driver of one station's netif. */
    public static final class Port implements NetifDriver {
        private final VirtualSwitch sw;
        private final int index;
        private final Receiver receiver;
        private final LinkDirection up;
        private final LinkDirection down;
        private final MulticastFilter filter = new MulticastFilter();

        Port(VirtualSwitch sw, int index, Impairments toSwitch, Impairments fromSwitch) {
            this.sw = sw;
            this.index = index;
            this.receiver = new Receiver(sw.sim);
            FrameSink ingress = f -> {
                f.dir.countDelivered(f.len);
                sw.switchFrame(this, f);
            };
            this.up = new LinkDirection(sw.sim, "port" + index + ">switch", toSwitch, ingress);
            this.down = new LinkDirection(sw.sim, "switch>port" + index, fromSwitch, receiver);
        }

        /** The port's index on its switch. */
        public int index() {
            return index;
        }

        /** Frames from the station into the switch. */
        public LinkDirection toSwitch() {
            return up;
        }

        /** Frames from the switch out to the station. */
        public LinkDirection fromSwitch() {
            return down;
        }

        /** The switch. */
        public VirtualSwitch owner() {
            return sw;
        }

        /** The netif attached to this port, or {@code null}. */
        public Netif netif() {
            return receiver.netif();
        }

        /** The multicast MACs the station's netif asked to receive (its groups), in the order first asked. */
        public java.util.Set<org.lwip4j.addr.MacAddress> multicastFilter() {
            return filter.view();
        }

        /** Records the station's multicast filter (the port floods every group anyway; the Ethernet layer filters). */
        @Override
        public void setMulticastFilter(org.lwip4j.addr.MacAddress group, boolean add) {
            filter.set(group, add);
        }

        @Override
        public LinkType linkType() {
            return LinkType.ETHERNET;
        }

        @Override
        public int mtu() {
            return sw.mtu;
        }

        /** Binds the netif; its stack's loop joins the simulation. */
        @Override
        public void attach(Netif netif) {
            receiver.attach(netif);
        }

        /**
         * Copies the frame onto the cable to the switch; {@link Err#VAL} (counted as
         * {@link LinkCounters#oversize()}) when longer than the MTU allows.
         */
        @Override
        public Err transmit(Pbuf frame) {
            return VirtualLink.transmitOn(sw.sim, up, sw.mtu + EthernetFrame.TAGGED_HEADER_LEN, frame);
        }
    }

    /**
     * The filtering database: MAC to port, with the time each MAC was last seen. Open
     * addressing over primitive arrays, so a lookup allocates nothing; MAC 0 marks a free slot.
     */
    private static final class MacTable {
        static final long GROUP_BIT = 1L << 40;

        private long[] macs = new long[64];
        private int[] portIdx = new int[64];
        private long[] seen = new long[64];
        private int size;

        private int slot(long mac, long[] keys) {
            int mask = keys.length - 1;
            int i = (int) ((mac * 0x9E3779B97F4A7C15L) >>> 32) & mask;
            while (keys[i] != 0 && keys[i] != mac) {
                i = (i + 1) & mask;
            }
            return i;
        }

        void learn(long mac, int port, long now) {
            int i = slot(mac, macs);
            if (macs[i] == 0) {
                if ((size + 1) * 2 > macs.length) {
                    grow();
                    i = slot(mac, macs);
                }
                macs[i] = mac;
                size++;
            }
            portIdx[i] = port;
            seen[i] = now;
        }

        int lookup(long mac, long now, long ageing) {
            if (mac == 0) {
                return -1;
            }
            int i = slot(mac, macs);
            if (macs[i] == 0 || now - seen[i] >= ageing) {
                return -1;
            }
            return portIdx[i];
        }

        void clear() {
            macs = new long[64];
            portIdx = new int[64];
            seen = new long[64];
            size = 0;
        }

        private void grow() {
            long[] om = macs;
            int[] op = portIdx;
            long[] os = seen;
            macs = new long[om.length * 2];
            portIdx = new int[om.length * 2];
            seen = new long[om.length * 2];
            for (int j = 0; j < om.length; j++) {
                if (om[j] != 0) {
                    int i = slot(om[j], macs);
                    macs[i] = om[j];
                    portIdx[i] = op[j];
                    seen[i] = os[j];
                }
            }
        }
    }
}
