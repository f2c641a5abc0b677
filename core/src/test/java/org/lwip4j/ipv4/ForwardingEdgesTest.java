package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.netif.LinkType;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.sim.CapturedFrame;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;
import org.lwip4j.testing.SimNet;

/** Edges of forwarding (RFC 1812 §5.2, §5.3): the last hop's TTL, no route, the arrival netif, fragmentation off. */
class ForwardingEdgesTest {
    private final VirtualClock clock = new VirtualClock();
    private Stack stack;
    private CaptureDriver in;
    private CaptureDriver out;

    private void start(UnaryOperator<StackConfig.Builder> cfg) {
        stack = Stack.create(cfg.apply(StackConfig.builder().randomSeed(17).ipForward(true)).build(), clock);
        in = new CaptureDriver(LinkType.IP, 1500);
        out = new CaptureDriver(LinkType.IP, 576);
        SimNet.attach(stack, in, "tun0", "10.0.0.1/24");
        SimNet.attach(stack, out, "tun1", "10.0.1.1/24");
        stack.netifs().setDefault(null);
    }

    @AfterEach
    void tearDown() {
        stack.close();
    }

    private void inject(byte[] p) {
        in.inject(p);
        for (int i = 0; i < 4; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    @Test
    void aTtlOf2IsForwardedWith1AndOf1IsTimeExceeded() {
        start(b -> b);
        inject(Packets.ipv4(200, "10.0.0.9", "10.0.1.9", 2, 0, new byte[8]));
        CapturedFrame f = out.poll();
        assertEquals(1, f.u8(8));
        assertEquals(true, Checksum.verifies(Checksum.partial(f.data(), 0, 20, 0)), "checksum updated");
        inject(Packets.ipv4(200, "10.0.0.9", "10.0.1.9", 1, 0, new byte[8]));
        assertEquals(0, out.count());
        CapturedFrame icmp = in.poll();
        assertEquals(11, icmp.u8(20), "time exceeded");
        assertEquals(1, stack.stats().ip.fw);
        assertEquals(2, stack.stats().ip.xmit, "the forwarded packet and the ICMP error");
        assertEquals(1, stack.stats().ip.drop);
    }

    @Test
    void noRouteIsNetUnreachable() {
        start(b -> b);
        inject(Packets.ipv4(200, "10.0.0.9", "192.0.2.1", 64, 0, new byte[8]));
        CapturedFrame icmp = in.poll();
        assertEquals(3, icmp.u8(20));
        assertEquals(0, icmp.u8(21), "net unreachable");
        assertEquals(1, stack.stats().ip.rterr);
        assertEquals(1, stack.stats().ip.drop);
        assertEquals(0, out.count());
        inject(Packets.ipv4(200, "10.0.0.9", "169.254.1.1", 64, 0, new byte[8]));
        inject(Packets.ipv4(200, "10.0.0.9", "10.0.1.0", 64, 0, new byte[8]));
        assertEquals(3, stack.stats().ip.drop, "link-local and the zero form of a subnet are never forwarded");
        assertEquals(0, out.count());
    }

    @Test
    void backOutOfTheArrivalNetifOnlyWhenAllowed() {
        start(b -> b);
        inject(Packets.ipv4(200, "10.0.0.9", "10.0.0.8", 64, 0, new byte[8]));
        assertEquals(0, in.count() + out.count());
        assertEquals(1, stack.stats().ip.drop);
        stack.close();
        start(b -> b.ipForwardAllowTxOnRxNetif(true));
        inject(Packets.ipv4(200, "10.0.0.9", "10.0.0.8", 64, 0, new byte[8]));
        assertEquals(63, in.poll().u8(8));
    }

    @Test
    void withoutFragmentationABigPacketIsFragmentationNeeded() {
        start(b -> b.ipFrag(false));
        inject(Packets.ipv4(200, "10.0.0.9", "10.0.1.9", 64, 0, new byte[577 - 20]));
        assertEquals(0, out.count());
        CapturedFrame icmp = in.poll();
        assertEquals(3, icmp.u8(20));
        assertEquals(4, icmp.u8(21), "fragmentation needed");
        assertEquals(576, icmp.u16(26), "the next hop's MTU");
        inject(Packets.ipv4(200, "10.0.0.9", "10.0.1.9", 64, 0, new byte[576 - 20]));
        assertEquals(576, out.poll().length(), "exactly the MTU passes");
    }

    @Test
    void onAPointToPointSlash31BothAddressesAreHostsAndForwarded() {
        start(b -> b);
        CaptureDriver p2p = new CaptureDriver(LinkType.IP, 1500);
        SimNet.attach(stack, p2p, "p2p", "10.0.2.1/31");
        inject(Packets.ipv4(200, "10.0.0.9", "10.0.2.0", 64, 0, new byte[8]));
        assertEquals(63, p2p.poll().u8(8), "RFC 3021: no network address on a /31");
        inject(Packets.ipv4(200, "10.0.0.9", "10.0.1.0", 64, 0, new byte[8]));
        assertEquals(0, out.count(), "on a /24 it is the network address");
    }
}
