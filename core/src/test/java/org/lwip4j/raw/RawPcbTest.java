package org.lwip4j.raw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PoolStats;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.sim.CapturedFrame;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.ErrException;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;
import org.lwip4j.testing.SimNet;

/**
 * Raw pcbs (lwIP's raw.c) on two TUN netifs: the pcb pool, what a sent packet carries, and
 * which pcbs a received packet is offered to, with what becomes of it after.
 */
class RawPcbTest {
    private VirtualClock clock;
    private Stack stack;
    private CaptureDriver wire0;
    private CaptureDriver wire1;
    private Netif tun0;
    private Netif tun1;

    @BeforeEach
    void setUp() {
        clock = new VirtualClock();
        stack = Stack.create(StackConfig.builder().randomSeed(7).memNumRawPcb(3).build(), clock);
        wire0 = new CaptureDriver(LinkType.IP, 1500);
        wire1 = new CaptureDriver(LinkType.IP, 1500);
        tun0 = stack.addNetif(wire0, "tun0");
        tun0.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        tun0.setUp(true);
        tun1 = stack.addNetif(wire1, "tun1");
        tun1.ip4().set(Ip4Interface.parse("192.168.1.1/24"));
        tun1.setUp(true);
        // No default netif: only the two subnets are reachable.
    }

    private void run() {
        for (int i = 0; i < 5; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    private static Ip4Address ip(String s) {
        return Ip4Address.parse(s);
    }

    private RawPcb listening(int protocol, List<String> seen, String name, boolean eat) {
        RawPcb pcb = stack.newRawPcb(protocol);
        pcb.onReceive((pc, p, src) -> {
            seen.add(name + " " + src + " " + p.totalLength());
            if (eat) {
                p.free();
            }
            return eat;
        });
        return pcb;
    }

    @Test
    void protocolNumbersOutside1To255AreRefused() {
        assertThrows(IllegalArgumentException.class, () -> stack.newRawPcb(0));
        assertThrows(IllegalArgumentException.class, () -> stack.newRawPcb(256));
        assertEquals(0, stack.stats().pool("RAW_PCB").used, "a refused protocol takes no pcb");
        assertEquals(1, stack.newRawPcb(1).protocol());
        assertEquals(255, stack.newRawPcb(255).protocol());
        assertEquals(2, stack.stats().pool("RAW_PCB").used);
    }

    @Test
    void pcbPoolIsBoundedAndAPcbGoesBackOnceWhenClosed() {
        PoolStats pool = stack.stats().pool("RAW_PCB");
        RawPcb a = stack.newRawPcb(200);
        RawPcb b = stack.newRawPcb(200);
        RawPcb c = stack.newRawPcb(201);
        assertEquals(3, pool.used);
        assertEquals(List.of(a, b, c), stack.raw().pcbs());
        ErrException e = assertThrows(ErrException.class, () -> stack.newRawPcb(200));
        assertEquals(Err.MEM, e.err());
        assertEquals(1, pool.err);
        assertEquals(3, pool.used);
        b.close();
        b.close();
        assertEquals(2, pool.used, "a second close gives nothing back");
        assertEquals(List.of(a, c), stack.raw().pcbs());
        RawPcb d = stack.newRawPcb(202);
        assertEquals(List.of(a, c, d), stack.raw().pcbs());
        assertEquals(3, pool.used);
        assertEquals(1, pool.err);
    }

    @Test
    void aClosedPcbRefusesEveryUse() {
        RawPcb pcb = stack.newRawPcb(200);
        pcb.close();
        Pbuf p = stack.pbuf(new byte[4]);
        assertThrows(IllegalStateException.class, () -> pcb.sendTo(p, ip("10.0.0.9")));
        assertThrows(IllegalStateException.class, () -> pcb.bind(ip("10.0.0.1")));
        assertThrows(IllegalStateException.class, () -> pcb.connect(ip("10.0.0.9")));
        assertThrows(IllegalStateException.class, () -> pcb.setTtl(3));
        p.free();
        assertEquals(0, wire0.count());
        assertEquals(0, stack.stats().raw.xmit + stack.stats().raw.err);
    }

    @Test
    void aSentPacketCarriesTheProtocolTtlTosAndPayload() {
        RawPcb pcb = stack.newRawPcb(200);
        Pbuf p = stack.pbuf(new byte[] {1, 2, 3, 4, 5});
        assertEquals(Err.OK, pcb.sendTo(p, ip("10.0.0.9")));
        byte[] out = wire0.poll().data();
        assertEquals(25, out.length);
        assertEquals(200, out[9] & 0xff, "protocol");
        assertEquals(StackConfig.defaults().ip4().defaultTtl(), out[8] & 0xff, "the configured default TTL");
        assertEquals(0, out[1], "TOS");
        assertArrayEquals(ip("10.0.0.1").toBytes(), Arrays.copyOfRange(out, 12, 16));
        assertArrayEquals(ip("10.0.0.9").toBytes(), Arrays.copyOfRange(out, 16, 20));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, Arrays.copyOfRange(out, 20, 25));

        pcb.setTtl(7);
        pcb.setTos(0x1b8); // only the low 8 bits
        assertEquals(Err.OK, pcb.sendTo(p, ip("192.168.1.20")));
        p.free();
        byte[] out1 = wire1.poll().data();
        assertEquals(7, out1[8] & 0xff);
        assertEquals(0xb8, out1[1] & 0xff);
        assertArrayEquals(ip("192.168.1.1").toBytes(), Arrays.copyOfRange(out1, 12, 16), "source of the route's netif");
        assertEquals(2, stack.stats().raw.xmit);
        assertEquals(0, stack.stats().raw.err);
    }

    @Test
    void ttlMustBe1To255() {
        RawPcb pcb = stack.newRawPcb(200);
        assertThrows(IllegalArgumentException.class, () -> pcb.setTtl(0));
        assertThrows(IllegalArgumentException.class, () -> pcb.setTtl(256));
        Pbuf p = stack.pbuf(new byte[1]);
        pcb.setTtl(1);
        pcb.sendTo(p, ip("10.0.0.9"));
        pcb.setTtl(255);
        pcb.sendTo(p, ip("10.0.0.9"));
        p.free();
        assertEquals(List.of(1, 255), wire0.drain().stream().map(f -> f.u8(8)).toList());
    }

    @Test
    void sendNeedsAConnectAndGoesToThePeer() {
        RawPcb pcb = stack.newRawPcb(200);
        Pbuf p = stack.pbuf(new byte[2]);
        assertEquals(Err.CONN, pcb.send(p));
        assertEquals(0, wire0.count());
        assertEquals(0, stack.stats().raw.err, "not connected is the caller's error, not a failed send");
        assertEquals(Err.OK, pcb.connect(ip("10.0.0.9")));
        assertEquals(Err.OK, pcb.send(p));
        assertArrayEquals(ip("10.0.0.9").toBytes(), Arrays.copyOfRange(wire0.poll().data(), 16, 20));
        pcb.disconnect();
        assertEquals(Err.CONN, pcb.send(p));
        p.free();
        assertEquals(0, wire0.count());
        assertEquals(1, stack.stats().raw.xmit);
    }

    @Test
    void noRouteIsRteAndCountedAsAnError() {
        RawPcb pcb = stack.newRawPcb(200);
        Pbuf p = stack.pbuf(new byte[2]);
        assertEquals(Err.RTE, pcb.sendTo(p, ip("172.16.0.1")));
        p.free();
        assertEquals(0, wire0.count() + wire1.count());
        assertEquals(1, stack.stats().raw.err);
        assertEquals(0, stack.stats().raw.xmit);
    }

    @Test
    void aBoundNetifIsWhereThePcbSends() {
        RawPcb pcb = stack.newRawPcb(200);
        pcb.bindNetif(tun1);
        Pbuf p = stack.pbuf(new byte[2]);
        assertEquals(Err.OK, pcb.sendTo(p, ip("10.0.0.9")));
        p.free();
        assertEquals(0, wire0.count());
        assertEquals(1, wire1.count());
    }

    @Test
    void headerIncludedSendsThePacketAsGiven() {
        RawPcb pcb = stack.newRawPcb(200);
        pcb.setTtl(9); // ignored: the caller wrote the header
        pcb.setHeaderIncluded(true);
        byte[] packet = Packets.ipv4(201, "10.0.0.1", "10.0.0.9", 33, 0, new byte[] {7, 7, 7});
        Pbuf p = stack.pbuf(packet);
        assertEquals(Err.OK, pcb.sendTo(p, ip("10.0.0.9")));
        assertArrayEquals(packet, wire0.poll().data());
        pcb.bindNetif(tun1);
        assertEquals(Err.OK, pcb.sendTo(p, ip("10.0.0.9")), "to the bound netif, whatever the route");
        assertArrayEquals(packet, wire1.poll().data());
        pcb.setHeaderIncluded(false);
        assertEquals(Err.OK, pcb.sendTo(p, ip("10.0.0.9")));
        p.free();
        assertEquals(20 + packet.length, wire1.poll().data().length, "a header put before the payload again");
        Pbuf bad = stack.pbuf(new byte[] {0x45, 0, 0});
        pcb.setHeaderIncluded(true);
        assertEquals(Err.VAL, pcb.sendTo(bad, ip("10.0.0.9")));
        bad.free();
        assertEquals(3, stack.stats().raw.xmit);
        assertEquals(1, stack.stats().raw.err);
    }

    @Test
    void aPacketIsOfferedOnlyToPcbsOfItsProtocolWithAReceiver() {
        List<String> seen = new ArrayList<>();
        listening(200, seen, "p200", false);
        listening(201, seen, "p201", false);
        stack.newRawPcb(200); // no receiver: never offered anything
        wire0.inject(Packets.ipv4(200, "10.0.0.9", "10.0.0.1", 64, 0, new byte[4]));
        run();
        assertEquals(List.of("p200 10.0.0.9 24"), seen);
        assertEquals(1, stack.stats().raw.recv);
        assertEquals(0, wire0.count(), "seen by a raw pcb: no protocol unreachable");
        assertEquals(0, stack.stats().ip.proterr);
    }

    @Test
    void aPacketNoPcbTookIsProtocolUnreachable() {
        stack.newRawPcb(200); // no receiver
        wire0.inject(Packets.ipv4(200, "10.0.0.9", "10.0.0.1", 64, 0, new byte[4]));
        run();
        CapturedFrame icmp = wire0.poll();
        assertEquals(1, icmp.u8(9), "ICMP");
        assertEquals(3, icmp.u8(20), "destination unreachable");
        assertEquals(2, icmp.u8(21), "protocol");
        assertEquals(0, stack.stats().raw.recv);
        assertEquals(1, stack.stats().ip.proterr);
    }

    @Test
    void aPcbBoundToANetifSeesOnlyWhatArrivesThere() {
        List<String> seen = new ArrayList<>();
        listening(200, seen, "tun1", false).bindNetif(tun1);
        wire0.inject(Packets.ipv4(200, "10.0.0.9", "10.0.0.1", 64, 0, new byte[1]));
        wire1.inject(Packets.ipv4(200, "192.168.1.9", "192.168.1.1", 64, 0, new byte[1]));
        run();
        assertEquals(List.of("tun1 192.168.1.9 21"), seen);
        assertEquals(1, wire0.count(), "the one on tun0 was nobody's: protocol unreachable");
    }

    @Test
    void aPcbBoundToAnAddressSeesOnlyPacketsToIt() {
        List<String> seen = new ArrayList<>();
        assertEquals(Err.OK, listening(200, seen, "bound", false).bind(ip("10.0.0.1")));
        listening(200, seen, "any", false);
        wire0.inject(Packets.ipv4(200, "10.0.0.9", "192.168.1.1", 64, 0, new byte[1]));
        wire0.inject(Packets.ipv4(200, "10.0.0.9", "10.0.0.1", 64, 0, new byte[2]));
        run();
        assertEquals(List.of("any 10.0.0.9 21", "bound 10.0.0.9 22", "any 10.0.0.9 22"), seen);
        assertEquals(ip("10.0.0.1"), stack.raw().pcbs().get(0).localAddress());
    }

    @Test
    void aConnectedPcbSeesOnlyItsPeer() {
        List<String> seen = new ArrayList<>();
        RawPcb pcb = listening(200, seen, "conn", false);
        assertEquals(Err.OK, pcb.connect(ip("10.0.0.9")));
        wire0.inject(Packets.ipv4(200, "10.0.0.8", "10.0.0.1", 64, 0, new byte[1]));
        wire0.inject(Packets.ipv4(200, "10.0.0.9", "10.0.0.1", 64, 0, new byte[2]));
        run();
        pcb.disconnect();
        wire0.inject(Packets.ipv4(200, "10.0.0.8", "10.0.0.1", 64, 0, new byte[3]));
        run();
        assertEquals(List.of("conn 10.0.0.9 22", "conn 10.0.0.8 23"), seen);
    }

    @Test
    void aPcbThatEatsAPacketHidesItFromLaterPcbs() {
        List<String> seen = new ArrayList<>();
        listening(200, seen, "first", false);
        listening(200, seen, "eater", true);
        listening(200, seen, "last", false);
        wire0.inject(Packets.ipv4(200, "10.0.0.9", "10.0.0.1", 64, 0, new byte[1]));
        run();
        assertEquals(List.of("first 10.0.0.9 21", "eater 10.0.0.9 21"), seen);
        assertEquals(2, stack.stats().raw.recv);
        assertEquals(0, wire0.count());
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    @Test
    void aThrowingReceiverIsCountedAndThePacketGoesOn() {
        List<String> seen = new ArrayList<>();
        RawPcb thrower = stack.newRawPcb(200);
        thrower.onReceive((pc, p, src) -> {
            throw new IllegalStateException("application bug");
        });
        listening(200, seen, "next", false);
        wire0.inject(Packets.ipv4(200, "10.0.0.9", "10.0.0.1", 64, 0, new byte[1]));
        run();
        assertEquals(List.of("next 10.0.0.9 21"), seen);
        assertEquals(1, stack.stats().raw.err);
        assertEquals(2, stack.stats().raw.recv);
        assertEquals(0, wire0.count(), "seen by a raw pcb: no protocol unreachable");
        assertEquals(List.of(), SimNet.leakedPbufs(stack));

        // Alone, it has still seen the packet: no protocol unreachable either.
        stack.raw().pcbs().get(1).close();
        wire0.inject(Packets.ipv4(200, "10.0.0.9", "10.0.0.1", 64, 0, new byte[1]));
        run();
        assertEquals(0, wire0.count());
        assertEquals(2, stack.stats().raw.err);
    }

    @Test
    void aPcbClosedByAnEarlierCallbackIsNotOfferedThePacket() {
        List<String> seen = new ArrayList<>();
        RawPcb closer = stack.newRawPcb(200);
        RawPcb victim = listening(200, seen, "victim", false);
        closer.onReceive((pc, p, src) -> {
            seen.add("closer");
            victim.close();
            return false;
        });
        wire0.inject(Packets.ipv4(200, "10.0.0.9", "10.0.0.1", 64, 0, new byte[1]));
        run();
        assertEquals(List.of("closer"), seen);
        assertEquals(List.of(closer), stack.raw().pcbs());
    }

    @Test
    void aRawPcbSeesUdpBeforeTheTransport() {
        List<IpAddress> raw = new ArrayList<>();
        RawPcb pcb = stack.newRawPcb(17);
        pcb.onReceive((pc, p, src) -> {
            raw.add(src);
            assertEquals(0x45, p.getByte(0) & 0xff, "the payload starts at the IP header");
            return false;
        });
        int[] udp = {0};
        var u = stack.newUdpPcb();
        u.bind(9);
        u.onReceive((pc, p, src, port, nf) -> {
            udp[0]++;
            p.free();
        });
        wire0.inject(Packets.ipv4(17, "10.0.0.9", "10.0.0.1", 64, 0, Packets.udp(1, 9, new byte[3])));
        run();
        assertEquals(List.of(ip("10.0.0.9")), raw);
        assertEquals(1, udp[0]);
    }

    @Test
    void pcbsAreMadeClosedAndUsedOnlyOnTheLoop() throws Exception {
        run(); // polled by this thread: the loop is this thread's
        RawPcb pcb = stack.newRawPcb(200);
        Pbuf p = stack.pbuf(new byte[1]);
        List<Runnable> calls = List.of(() -> stack.newRawPcb(200), pcb::close, () -> pcb.sendTo(p, ip("10.0.0.9")),
                () -> pcb.bind(ip("10.0.0.1")), () -> pcb.connect(ip("10.0.0.9")));
        List<Integer> passed = new ArrayList<>();
        Thread t = new Thread(() -> {
            for (int i = 0; i < calls.size(); i++) {
                try {
                    calls.get(i).run();
                    passed.add(i);
                } catch (IllegalStateException expected) {
                    // the loop guard
                }
            }
        });
        t.start();
        t.join();
        p.free();
        assertEquals(List.of(), passed, "off-loop calls that were not refused");
        assertEquals(List.of(pcb), stack.raw().pcbs());
        assertEquals(1, stack.stats().pool("RAW_PCB").used);
        assertEquals(0, wire0.count());
    }
}
