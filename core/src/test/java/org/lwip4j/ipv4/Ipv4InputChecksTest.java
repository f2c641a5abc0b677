package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;
import org.lwip4j.testing.SimNet;

/** What IPv4 input takes in (RFC 1122 §3.2.1): checksums, padding, source addresses, the weak host model, reassembly off. */
class Ipv4InputChecksTest {
    private final VirtualClock clock = new VirtualClock();
    private final List<String> seen = new ArrayList<>();
    private Stack stack;
    private CaptureDriver wire0;
    private Netif tun0;
    private Netif tun1;

    private void start(UnaryOperator<StackConfig.Builder> cfg) {
        stack = Stack.create(cfg.apply(StackConfig.builder().randomSeed(16)).build(), clock);
        wire0 = new CaptureDriver(LinkType.IP, 1500);
        tun0 = SimNet.attach(stack, wire0, "tun0", "10.0.0.1/24");
        tun0.setFlags(Netif.FLAG_BROADCAST, Netif.FLAG_BROADCAST);
        tun1 = SimNet.attach(stack, new CaptureDriver(LinkType.IP, 1500), "tun1", "10.0.1.1/24");
        stack.newRawPcb(200).onReceive((pc, p, src) -> {
            seen.add(src + " " + p.totalLength());
            return false;
        });
    }

    @AfterEach
    void tearDown() {
        stack.close();
    }

    private void inject(byte[] packet) {
        wire0.inject(packet);
        for (int i = 0; i < 4; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    private static byte[] packet(String src, String dst) {
        return Packets.ipv4(200, src, dst, 64, 0, new byte[4]);
    }

    @Test
    void aBadHeaderChecksumIsDroppedUnlessCheckingIsOff() {
        byte[] bad = packet("10.0.0.9", "10.0.0.1");
        bad[10] ^= 1;
        start(b -> b);
        inject(bad);
        assertEquals(List.of(), seen);
        assertEquals(1, stack.stats().ip.chkerr);
        stack.close();
        start(b -> b.checksumCheckIp(false));
        inject(bad);
        assertEquals(List.of("10.0.0.9 24"), seen);
        assertEquals(0, stack.stats().ip.chkerr);
    }

    @Test
    void linkPaddingPastTheTotalLengthIsCutOff() {
        start(b -> b);
        byte[] p = packet("10.0.0.9", "10.0.0.1");
        byte[] padded = java.util.Arrays.copyOf(p, p.length + 6);
        inject(padded);
        assertEquals(List.of("10.0.0.9 24"), seen);
    }

    @Test
    void martianSourcesAreDropped() {
        start(b -> b);
        for (String src : List.of("127.0.0.1", "224.0.0.1", "239.1.1.1", "10.0.0.255", "255.255.255.255", "0.0.0.0",
                "0.1.2.3")) {
            inject(packet(src, "10.0.0.1"));
        }
        assertEquals(List.of(), seen);
        inject(packet("10.0.0.9", "127.0.0.1"));
        assertEquals(List.of(), seen, "127/8 never arrives on a network");
        inject(packet("0.0.0.0", "255.255.255.255"));
        inject(packet("0.1.2.3", "255.255.255.255"));
        inject(packet("223.255.255.255", "10.0.0.1"));
        inject(packet("240.0.0.1", "10.0.0.1"));
        assertEquals(List.of("0.0.0.0 24", "0.1.2.3 24", "223.255.255.255 24", "240.0.0.1 24"), seen,
                "a host learning its address; the edges of class D");
        assertEquals(12, stack.stats().ip.recv);
        assertEquals(8, stack.stats().ip.err);
        assertEquals(8, stack.stats().ip.drop);
    }

    @Test
    void anAddressOfAnotherNetifIsOursOnlyWhileThatNetifIsUp() {
        start(b -> b);
        inject(packet("10.0.0.9", "10.0.1.1"));
        tun1.setUp(false);
        inject(packet("10.0.0.9", "10.0.1.1"));
        assertEquals(List.of("10.0.0.9 24"), seen);
    }

    @Test
    void withoutReassemblyAFragmentIsDroppedAsAnOptionError() {
        start(b -> b.ipReassembly(false));
        inject(Packets.ipv4(200, "10.0.0.9", "10.0.0.1", 64, 0x2000, new byte[8]));
        assertEquals(List.of(), seen);
        assertEquals(1, stack.stats().ip.opterr);
        assertEquals(1, stack.stats().ip.drop);
    }

    /** A packet to us with the IPv4 options {@code opts} (a multiple of 4 bytes) and a correct checksum. */
    private static byte[] withOptions(byte[] opts) {
        byte[] plain = packet("10.0.0.9", "10.0.0.1");
        byte[] p = new byte[plain.length + opts.length];
        System.arraycopy(plain, 0, p, 0, 20);
        System.arraycopy(opts, 0, p, 20, opts.length);
        System.arraycopy(plain, 20, p, 20 + opts.length, plain.length - 20);
        p[0] = (byte) (0x45 + opts.length / 4);
        p[3] = (byte) p.length;
        p[10] = 0;
        p[11] = 0;
        int c = org.lwip4j.buffer.Checksum.of(p, 0, 20 + opts.length);
        p[10] = (byte) (c >>> 8);
        p[11] = (byte) c;
        return p;
    }

    @Test
    void sourceRoutedPacketsAreDroppedOtherOptionsAccepted() {
        start(b -> b);
        inject(withOptions(new byte[] {(byte) 0x83, 3, 4, 0}));
        inject(withOptions(new byte[] {(byte) 0x89, 3, 4, 0}));
        assertEquals(List.of(), seen);
        assertEquals(2, stack.stats().ip.opterr);
        assertEquals(2, stack.stats().ip.drop);
        inject(withOptions(new byte[] {1, 1, 1, 0}));
        assertEquals(List.of("10.0.0.9 28"), seen);
        assertEquals(3, stack.stats().ip.recv);
    }

    @Test
    void aProtocolNobodySpeaksIsCountedAndAnswered() {
        start(b -> b);
        inject(Packets.ipv4(201, "10.0.0.9", "10.0.0.1", 64, 0, new byte[4]));
        assertEquals(1, stack.stats().ip.proterr);
        assertEquals(1, stack.stats().ip.drop);
        assertEquals(2, wire0.poll().u8(21), "protocol unreachable");
    }
}
