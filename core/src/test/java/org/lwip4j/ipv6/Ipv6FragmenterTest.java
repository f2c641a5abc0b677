package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lwip4j.ipv6.Packets6.cat;
import static org.lwip4j.ipv6.Packets6.ethernet;
import static org.lwip4j.ipv6.Packets6.hex;
import static org.lwip4j.ipv6.Packets6.icmpv6;
import static org.lwip4j.ipv6.Packets6.ipv6;
import static org.lwip4j.ipv6.Packets6.udp;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.sim.CapturedFrame;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;

/**
 * Fragmentation at the source (RFC 8200 §4.5) on a 1280-byte link, byte for byte: the
 * unfragmentable part (a hop-by-hop header) repeated in every fragment with its next header
 * changed to 44, 8-byte aligned offsets, M set on all but the last, one identification, the
 * fragmentable part intact; a packet whose unfragmentable part leaves no room is refused.
 */
class Ipv6FragmenterTest {
    private static final String US = "2001:db8::1";
    private static final String PEER = "2001:db8::9";

    private final VirtualClock clock = new VirtualClock();
    private Stack stack;
    private CaptureDriver wire;
    private Netif netif;

    @BeforeEach
    void setUp() {
        stack = Stack.create(StackConfig.builder().randomSeed(3).ip6LinkLocal(false).lwipIpv6DupDetectAttempts(0)
                .maxRtrSolicitations(0).build(), clock);
        wire = new CaptureDriver(LinkType.ETHERNET, 1280);
        netif = stack.addNetif(wire, "eth0");
        netif.setFlags(Netif.FLAG_MLD6, 0);
        netif.setMtu(1280);
        netif.setUp(true);
        netif.ip6().add(Ip6Address.parse(US), 64);
        stack.netifs().setDefault(netif);
        wire.inject(ethernet(netif.mac().bits(), 0x0200_0000_0009L, ipv6(58, PEER, US, 255,
                icmpv6(135, 0, 0, cat(Ip6Address.parse(US).toBytes(), hex("0101020000000009")), PEER, US))));
        for (int i = 0; i < 5; i++) {
            stack.poll(clock.nanoTime());
        }
        wire.clear();
    }

    @AfterEach
    void close() {
        stack.close();
    }

    /** A hop-by-hop header (8 bytes: PadN) naming {@code next}. */
    private static byte[] hopByHop(int next) {
        return new byte[] {(byte) next, 0, 1, 4, 0, 0, 0, 0};
    }

    @Test
    void theHopByHopHeaderIsRepeatedInEveryFragmentAndThePayloadSplitOnEightByteBoundaries() {
        byte[] data = new byte[3000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 13);
        }
        byte[] dgram = udp(5000, 7, data, US, PEER);
        byte[] packet = ipv6(0, US, PEER, 64, cat(hopByHop(17), dgram));
        long xmit = stack.stats().ip6frag.xmit;
        Pbuf p = stack.pbuf(packet);
        assertEquals(Err.OK, stack.ip().outputPacket(p, netif));
        p.free();
        List<CapturedFrame> frames = wire.drain();
        assertEquals(3, frames.size(), "3008 bytes in 1280 - 40 - 8 - 8 = 1224-byte pieces: 1224 + 1224 + 560");
        assertEquals(xmit + 3, stack.stats().ip6frag.xmit);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        int ident = -1;
        for (int k = 0; k < 3; k++) {
            byte[] f = Arrays.copyOfRange(frames.get(k).data(), 14, frames.get(k).data().length);
            assertEquals(0, f[6], "the IPv6 header still names the hop-by-hop header");
            assertEquals(44, f[40], "which now names the fragment header");
            assertArrayEquals(Arrays.copyOfRange(hopByHop(0), 1, 8), Arrays.copyOfRange(f, 41, 48), "the rest of it unchanged");
            assertEquals(17, f[48], "the fragment header names UDP");
            int offAndM = ((f[50] & 0xff) << 8) | (f[51] & 0xff);
            assertEquals(k * 1224, offAndM & ~7, "offset");
            assertEquals(k < 2 ? 1 : 0, offAndM & 1, "M flag");
            int id = ((f[52] & 0xff) << 24) | ((f[53] & 0xff) << 16) | ((f[54] & 0xff) << 8) | (f[55] & 0xff);
            if (k == 0) {
                ident = id;
            }
            assertEquals(ident, id, "one identification");
            assertEquals(f.length - 40, ((f[4] & 0xff) << 8) | (f[5] & 0xff), "payload length of the fragment");
            assertEquals(k < 2 ? 1280 : 40 + 8 + 8 + 560, f.length);
            joined.write(f, 56, f.length - 56);
        }
        assertArrayEquals(dgram, joined.toByteArray(), "the fragmentable part, intact");
    }

    @Test
    void anUnfragmentablePartThatLeavesNoRoomIsRefused() {
        // A hop-by-hop header of 1232 bytes: 1280 - 40 - 1232 - 8 leaves no 8 bytes for data.
        byte[] hbh = new byte[1232];
        hbh[0] = 17;
        hbh[1] = (byte) (1232 / 8 - 1);
        hbh[2] = 1;
        hbh[3] = (byte) (1232 - 4);
        byte[] packet = ipv6(0, US, PEER, 64, cat(hbh, udp(5000, 7, new byte[100], US, PEER)));
        long err = stack.stats().ip6frag.err;
        Pbuf p = stack.pbuf(packet);
        assertEquals(Err.ARG, stack.ip().outputPacket(p, netif));
        p.free();
        assertEquals(err + 1, stack.stats().ip6frag.err);
        assertEquals(0, wire.count());
    }
}
