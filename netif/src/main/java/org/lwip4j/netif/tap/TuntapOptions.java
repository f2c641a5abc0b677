package org.lwip4j.netif.tap;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.lwip4j.addr.Ip4Address;

/**
 * How a TAP or TUN device is opened and driven. Immutable; made with {@link #builder()}
 * or taken as {@link #defaults()}.
 *
 * @param mtu            the MTU the netif reports (IP bytes per frame, without link header);
 *                       a device that {@code TapDriver.open}/{@code TunDriver.open} creates
 *                       gets it on its host side too; for an attached one the host side's MTU
 *                       is set separately ({@link HostInterface#setMtu(int)})
 * @param vnetHeader     open with {@code IFF_VNET_HDR}: every frame carries a virtio-net
 *                       header ({@link VirtioNetHeader}) with its checksum and GSO state
 * @param offloads       {@code TUNSETOFFLOAD}: what the kernel may hand us (needs the header)
 * @param receiveMode    on the loop with no hand-off, or through a reader thread
 * @param rxBatch        most frames read per loop turn (or per hand-off, with a reader thread)
 * @param queueCapacity  frames the reader thread may queue for the loop (rounded up to a power of two)
 * @param exclusive      {@code IFF_TUN_EXCL}: fail if the device exists rather than attach to it
 * @param persistent     {@code TUNSETPERSIST}: the device outlives the descriptor
 * @param namespace      name of a network namespace ({@code ip netns}) to open the device in,
 *                       or {@code null} for the JVM's own; the descriptor works from any thread
 * @param hostIp4        the IPv4 address the host side gets when {@code TapDriver.open} or
 *                       {@code TunDriver.open} creates the device, which they then bring up;
 *                       {@code null}: a created device stays down without an address (set it
 *                       up with {@link HostInterface}). A device that exists is left as it is
 * @param hostPrefixLength the prefix length of {@code hostIp4} (0 without one)
 */
public record TuntapOptions(
        int mtu,
        boolean vnetHeader,
        Set<Offload> offloads,
        ReceiveMode receiveMode,
        int rxBatch,
        int queueCapacity,
        boolean exclusive,
        boolean persistent,
        String namespace,
        Ip4Address hostIp4,
        int hostPrefixLength) {

    /** Checks the values. */
    public TuntapOptions {
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("MTU must be 68..65535, not " + mtu);
        }
        offloads = offloads.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(offloads));
        if (!offloads.isEmpty() && !vnetHeader) {
            throw new IllegalArgumentException("offloads " + offloads + " need the virtio-net header (vnetHeader(true))");
        }
        if (!offloads.isEmpty() && !offloads.contains(Offload.CSUM)) {
            throw new IllegalArgumentException("offloads " + offloads + " need Offload.CSUM as well (the kernel refuses TSO without it)");
        }
        Objects.requireNonNull(receiveMode, "receiveMode");
        if (rxBatch < 1 || rxBatch > 4096) {
            throw new IllegalArgumentException("rxBatch must be 1..4096, not " + rxBatch);
        }
        if (queueCapacity < 1 || queueCapacity > 1 << 16) {
            throw new IllegalArgumentException("queueCapacity must be 1..65536, not " + queueCapacity);
        }
        if (namespace != null && (namespace.isEmpty() || namespace.contains("/") || namespace.equals(".") || namespace.equals(".."))) {
            throw new IllegalArgumentException("bad network namespace name \"" + namespace + "\"");
        }
        if (hostIp4 == null ? hostPrefixLength != 0 : hostPrefixLength < 1 || hostPrefixLength > 32) {
            throw new IllegalArgumentException("host prefix length must be 1..32 with a host address (0 without), not "
                    + hostPrefixLength);
        }
    }

    /**
     * MTU 1500, no virtio-net header, loop receive, batches of 64, queue of 256, attach or
     * create (a created device stays down, without a host address).
     */
    public static TuntapOptions defaults() {
        return builder().build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link TuntapOptions}. */
    public static final class Builder {
        private int mtu = 1500;
        private boolean vnetHeader;
        private Set<Offload> offloads = Set.of();
        private ReceiveMode receiveMode = ReceiveMode.LOOP;
        private int rxBatch = 64;
        private int queueCapacity = 256;
        private boolean exclusive;
        private boolean persistent;
        private String namespace;
        private Ip4Address hostIp4;
        private int hostPrefixLength;

        private Builder() {
        }

        private Builder(TuntapOptions o) {
            mtu = o.mtu;
            vnetHeader = o.vnetHeader;
            offloads = o.offloads;
            receiveMode = o.receiveMode;
            rxBatch = o.rxBatch;
            queueCapacity = o.queueCapacity;
            exclusive = o.exclusive;
            persistent = o.persistent;
            namespace = o.namespace;
            hostIp4 = o.hostIp4;
            hostPrefixLength = o.hostPrefixLength;
        }

        /** See {@link TuntapOptions#mtu()}. */
        public Builder mtu(int v) { mtu = v; return this; }

        /** See {@link TuntapOptions#vnetHeader()}. */
        public Builder vnetHeader(boolean v) { vnetHeader = v; return this; }

        /** See {@link TuntapOptions#offloads()}; turns the virtio-net header on when not empty. */
        public Builder offloads(Set<Offload> v) {
            offloads = Objects.requireNonNull(v);
            if (!v.isEmpty()) {
                vnetHeader = true;
            }
            return this;
        }

        /** See {@link TuntapOptions#receiveMode()}. */
        public Builder receiveMode(ReceiveMode v) { receiveMode = v; return this; }

        /** See {@link TuntapOptions#rxBatch()}. */
        public Builder rxBatch(int v) { rxBatch = v; return this; }

        /** See {@link TuntapOptions#queueCapacity()}. */
        public Builder queueCapacity(int v) { queueCapacity = v; return this; }

        /** See {@link TuntapOptions#exclusive()}. */
        public Builder exclusive(boolean v) { exclusive = v; return this; }

        /** See {@link TuntapOptions#persistent()}. */
        public Builder persistent(boolean v) { persistent = v; return this; }

        /** See {@link TuntapOptions#namespace()}. */
        public Builder namespace(String v) { namespace = v; return this; }

        /**
         * The host side's address when the device is created (see {@link TuntapOptions#hostIp4()}),
         * e.g. {@code hostIp4(Ip4Address.parse("192.168.7.1"), 24)}.
         */
        public Builder hostIp4(Ip4Address address, int prefixLength) {
            hostIp4 = Objects.requireNonNull(address, "address");
            hostPrefixLength = prefixLength;
            return this;
        }

        /** The options. */
        public TuntapOptions build() {
            return new TuntapOptions(mtu, vnetHeader, offloads, receiveMode, rxBatch, queueCapacity, exclusive, persistent, namespace, hostIp4,
                    hostPrefixLength);
        }
    }
}
