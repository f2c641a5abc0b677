package org.lwip4j.udp;

import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/** A stack on virtual time with two broadcast-capable TUN netifs: tun0 10.0.0.1/24 (default) and tun1 192.168.1.1/24. */
final class UdpRig {
    final VirtualClock clock = new VirtualClock();
    final Stack stack;
    final CaptureDriver wire0 = new CaptureDriver(LinkType.IP, 1500);
    final CaptureDriver wire1 = new CaptureDriver(LinkType.IP, 1500);
    final Netif tun0;
    final Netif tun1;

    UdpRig(StackConfig.Builder cfg) {
        stack = Stack.create(cfg.randomSeed(11).build(), clock);
        tun0 = add(wire0, "tun0", "10.0.0.1/24");
        tun1 = add(wire1, "tun1", "192.168.1.1/24");
        stack.netifs().setDefault(tun0);
    }

    UdpRig() {
        this(StackConfig.builder());
    }

    private Netif add(CaptureDriver d, String name, String cidr) {
        Netif n = stack.addNetif(d, name);
        n.ip4().set(Ip4Interface.parse(cidr));
        n.setFlags(Netif.FLAG_BROADCAST, Netif.FLAG_BROADCAST);
        n.setUp(true);
        return n;
    }

    void run() {
        for (int i = 0; i < 5; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    static Ip4Address ip(String s) {
        return Ip4Address.parse(s);
    }

    static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | b[i + 1] & 0xff;
    }
}
