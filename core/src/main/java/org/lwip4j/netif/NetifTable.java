package org.lwip4j.netif;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.stack.StackContext;

/**
 * The netifs of one stack (lwIP's {@code netif_list} and {@code netif_default}), the link
 * layers that frame their packets, and the loopback path. Changed on the loop.
 */
public final class NetifTable {
    private final StackContext ctx;
    private final EthernetLink ethernet;
    private final IpLink ipLink;
    private final LoopbackQueue loopback;
    private final List<Netif> netifs = new CopyOnWriteArrayList<>();
    private final List<NetifListener> listeners = new CopyOnWriteArrayList<>();
    private Netif defaultNetif;
    private Netif loopbackNetif;
    private final long macSalt;
    private int nextIndex = 1;

    /** The table of a new stack; registers the loopback queue on the stack's loop. */
    public NetifTable(StackContext ctx) {
        this.ctx = ctx;
        this.ethernet = new EthernetLink(ctx);
        this.ipLink = new IpLink(ctx);
        this.loopback = new LoopbackQueue(ctx, ipLink);
        this.macSalt = ctx.random().nextLong();
        ctx.loop().addSource(loopback);
    }

    /** Ethernet framing shared by all Ethernet netifs. */
    public EthernetLink ethernet() {
        return ethernet;
    }

    /** Framing of bare-IP netifs. */
    public IpLink ipLink() {
        return ipLink;
    }

    /** The loopback path. */
    LoopbackQueue loopbackQueue() {
        return loopback;
    }

    /** Adds a listener for netif events (on the loop). */
    public void addListener(NetifListener l) {
        listeners.add(l);
    }

    /**
     * Adds a netif over {@code driver} ({@code netif_add}), down, with no address; its link
     * is up from the start (drivers report carrier changes with {@code setLinkUp}). On the loop.
     *
     * @param name a name unique in this stack
     * @param mac  the MAC for an Ethernet driver ({@code null}: derived from the name and this stack's random seed,
     *             so two stacks' {@code eth0} differ)
     */
    public Netif add(NetifDriver driver, String name, MacAddress mac) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(name, "name");
        checkLoop();
        if (byName(name) != null) {
            throw new IllegalArgumentException("a netif named " + name + " exists already");
        }
        boolean eth = driver.linkType() == LinkType.ETHERNET;
        int flags = Netif.FLAG_LINK_UP | (eth ? Netif.FLAG_ETHERNET | Netif.FLAG_ETHARP | Netif.FLAG_BROADCAST | Netif.FLAG_IGMP
                | Netif.FLAG_MLD6 : 0);
        MacAddress m = eth ? (mac != null ? mac : MacAddress.derivedFrom(name, macSalt)) : MacAddress.ZERO;
        Netif n = new Netif(ctx, driver, name, nextIndex++, m, flags, eth ? ethernet : ipLink, loopback, listeners);
        netifs.add(n);
        ctx.loop().addSource(n.inputDrain());
        driver.attach(n);
        for (NetifListener l : listeners) {
            l.added(n);
        }
        return n;
    }

    /** Adds the loopback netif {@code lo} with 127.0.0.1/8 (and ::1/128 when the stack has IPv6), up. On the loop. */
    public Netif addLoopback() {
        if (loopbackNetif != null) {
            return loopbackNetif;
        }
        Netif n = add(new Loopback(loopback), "lo", null);
        n.setFlags(Netif.FLAG_LOOPBACK, Netif.FLAG_LOOPBACK);
        n.ip4().set(new Ip4Interface(Ip4Address.LOOPBACK, 8));
        if (ctx.config().ip6().enabled()) {
            n.ip6().add(org.lwip4j.addr.Ip6Address.LOOPBACK, 128);
        }
        n.setUp(true);
        loopbackNetif = n;
        return n;
    }

    /**
     * Adds an IEEE 802.1Q VLAN netif {@code name} for VLAN id {@code vid} on the Ethernet
     * netif {@code parent}, with the parent's MAC, down and without an address (as
     * {@link #add}). Frames tagged with {@code vid} arriving on the parent go to it; what it
     * sends leaves through the parent tagged. Removed with {@link #remove}, and with its
     * parent. On the loop.
     *
     * @throws IllegalArgumentException when {@code parent} is not an Ethernet netif of this
     *         stack, {@code vid} is not 1..4094, or the parent has a netif for that id already
     */
    public Netif addVlan(Netif parent, int vid, String name) {
        checkLoop();
        if (!netifs.contains(parent) || !parent.hasFlag(Netif.FLAG_ETHERNET)) {
            throw new IllegalArgumentException(parent.name() + " is not an Ethernet netif of this stack");
        }
        if (vid < 1 || vid > 4094) {
            throw new IllegalArgumentException("802.1Q VLAN id must be 1..4094, not " + vid);
        }
        for (Netif n : netifs) {
            if (n.driver() instanceof VlanDriver v && v.parent() == parent && v.vid() == vid) {
                throw new IllegalArgumentException(parent.name() + " has VLAN " + vid + " already: " + n.name());
            }
        }
        Netif vlan = add(new VlanDriver(ctx, parent, vid), name, parent.mac());
        ethernet.addVlan(parent, vid, vlan);
        return vlan;
    }

    /** The loopback netif, or {@code null}. */
    public Netif loopbackNetif() {
        return loopbackNetif;
    }

    /** Removes a netif ({@code netif_remove}): brought down, listeners told, driver closed. On the loop. */
    public void remove(Netif n) {
        checkLoop();
        if (!netifs.contains(n)) {
            return;
        }
        for (Netif child : netifs) {
            if (child.driver() instanceof VlanDriver v && v.parent() == n) {
                remove(child);
            }
        }
        if (n.driver() instanceof VlanDriver v) {
            ethernet.removeVlan(v.parent(), v.vid());
        }
        netifs.remove(n);
        n.setUp(false);
        for (NetifListener l : listeners) {
            l.removed(n);
        }
        n.markRemoved();
        loopback.dropFor(n);
        ctx.loop().removeSource(n.inputDrain());
        if (defaultNetif == n) {
            defaultNetif = null;
        }
        if (loopbackNetif == n) {
            loopbackNetif = null;
        }
        n.driver().close();
    }

    /** All netifs, in the order added. */
    public List<Netif> all() {
        return new ArrayList<>(netifs);
    }

    /** Live view used by the loop's hot paths (no copy). */
    public List<Netif> view() {
        return netifs;
    }

    /** The netif with this index, or {@code null} ({@code netif_get_by_index}). */
    public Netif byIndex(int index) {
        for (Netif n : netifs) {
            if (n.index() == index) {
                return n;
            }
        }
        return null;
    }

    /** The netif with this name, or {@code null} ({@code netif_find}). */
    public Netif byName(String name) {
        for (Netif n : netifs) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        return null;
    }

    /** The default netif, or {@code null} ({@code netif_default}). */
    public Netif defaultNetif() {
        return defaultNetif;
    }

    /** Sets the default netif ({@code netif_set_default}); {@code null} clears it. On the loop. */
    public void setDefault(Netif n) {
        checkLoop();
        if (n != null && !netifs.contains(n)) {
            throw new IllegalArgumentException(n.name() + " is not a netif of this stack");
        }
        if (defaultNetif != n) {
            defaultNetif = n;
            for (NetifListener l : listeners) {
                l.routesChanged(n);
            }
        }
    }

    private void checkLoop() {
        ctx.loop().checkInEventLoop("netifs changed");
    }
}
