package org.lwip4j.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.VirtualClock;
import org.junit.jupiter.api.Test;

class CaptureDriverTest {
    private final VirtualClock clock = new VirtualClock();
    private final StackContext ctx = new StackContext(StackConfig.builder().pbufPoolSize(8).build(), clock);
    private final NetifTable table = new NetifTable(ctx);
    private final CaptureDriver dev = new CaptureDriver();
    private final Netif netif = table.add(dev, "test0", MacAddress.parse("02:00:00:00:00:01"));

    private Err send(byte[] frame) {
        Pbuf p = ctx.pbufs().allocPool(Layer.RAW, frame.length);
        p.copyFrom(0, frame, 0, frame.length);
        Err e = netif.linkOutput(p);
        p.free();
        return e;
    }

    @Test
    void recordsEveryTransmittedFrameWithItsTime() {
        assertSame(netif, dev.netif());
        dev.setUp(true);
        byte[] f1 = SimNode.frame(MacAddress.BROADCAST, netif.mac(), 1, 60);
        byte[] f2 = SimNode.frame(MacAddress.BROADCAST, netif.mac(), 2, 70);
        assertEquals(Err.OK, send(f1));
        clock.advance(5_000);
        assertEquals(Err.OK, send(f2));
        assertEquals(2, dev.count());
        List<CapturedFrame> frames = dev.frames();
        assertEquals(new CapturedFrame(0, f1), frames.get(0));
        assertEquals(new CapturedFrame(5_000, f2), frames.get(1));
        assertEquals(0x0800, frames.get(0).u16(12));
        assertEquals(2, dev.count(), "frames() leaves them in place");
        assertEquals(frames.get(0), dev.poll());
        assertEquals(List.of(frames.get(1)), dev.drain());
        assertNull(dev.poll());
        send(f1);
        dev.clear();
        assertEquals(0, dev.count());
        assertEquals(0, ctx.pbufs().poolStats().used);
    }

    @Test
    void injectedFramesReachTheStack() {
        dev.setUp(true);
        List<byte[]> got = new ArrayList<>();
        table.ethernet().register(0x0800, (n, p, bcast) -> {
            got.add(p.toByteArray());
            p.free();
        });
        byte[] f = SimNode.frame(netif.mac(), MacAddress.parse("02:00:00:00:00:02"), 9, 80);
        assertEquals(Err.OK, dev.inject(f));
        assertEquals(1, got.size());
        byte[] payload = new byte[f.length - 14];
        System.arraycopy(f, 14, payload, 0, payload.length);
        assertArrayEquals(payload, got.get(0));
        assertEquals(1, netif.counters().inPackets);
        assertEquals(0, ctx.pbufs().poolStats().used);
    }

    @Test
    void adminAndLinkStateToggle() {
        assertFalse(netif.isUp());
        assertEquals(Err.IF, send(SimNode.frame(MacAddress.BROADCAST, netif.mac(), 1, 60)));
        assertEquals(0, dev.count());
        dev.setUp(true);
        assertTrue(netif.isUsable());
        dev.setLinkUp(false);
        assertTrue(netif.isUp());
        assertFalse(netif.isLinkUp());
        assertEquals(Err.IF, send(SimNode.frame(MacAddress.BROADCAST, netif.mac(), 2, 60)));
        dev.setLinkUp(true);
        assertEquals(Err.OK, send(SimNode.frame(MacAddress.BROADCAST, netif.mac(), 3, 60)));
        assertEquals(1, dev.count());
        dev.setUp(false);
        assertFalse(netif.isUp());
        // Frames injected into a netif that is down are discarded and counted.
        dev.inject(SimNode.frame(netif.mac(), MacAddress.parse("02:00:00:00:00:02"), 4, 60));
        assertEquals(1, netif.counters().inDiscards);
        assertEquals(0, ctx.pbufs().poolStats().used);
    }

    @Test
    void aFailingDeviceIsCountedByTheNetif() {
        dev.setUp(true);
        dev.setTransmitResult(Err.MEM);
        assertEquals(Err.MEM, send(SimNode.frame(MacAddress.BROADCAST, netif.mac(), 1, 60)));
        assertEquals(1, dev.refused());
        assertEquals(0, dev.count());
        assertEquals(1, netif.counters().outDiscards);
        dev.setTransmitResult(Err.OK);
        assertEquals(Err.OK, send(SimNode.frame(MacAddress.BROADCAST, netif.mac(), 2, 60)));
    }

    @Test
    void injectionIntoAnExhaustedPoolIsCounted() {
        dev.setUp(true);
        List<Pbuf> held = new ArrayList<>();
        table.ethernet().register(0x0800, (n, p, bcast) -> held.add(p));
        byte[] f = SimNode.frame(netif.mac(), MacAddress.parse("02:00:00:00:00:02"), 1, 60);
        for (int i = 0; i < 8; i++) {
            assertEquals(Err.OK, dev.inject(f));
        }
        assertEquals(Err.MEM, dev.inject(f));
        assertEquals(1, ctx.stats().link.memerr);
        held.forEach(Pbuf::free);
        assertEquals(0, ctx.pbufs().poolStats().used);
    }

    @Test
    void ipLinkTypeAndMtuAreConfigurable() {
        CaptureDriver tun = new CaptureDriver(LinkType.IP, 1280);
        Netif n = table.add(tun, "tun0", null);
        assertEquals(1280, n.mtu());
        assertEquals(MacAddress.ZERO, n.mac());
        assertFalse(n.hasFlag(Netif.FLAG_ETHERNET));
    }
}
