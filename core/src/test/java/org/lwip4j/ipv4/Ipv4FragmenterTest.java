package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.wire.Ipv4Packet;

/** RFC 791 §2.3/§3.2 fragmentation: CONFORMANCE 26, options, DF, re-fragmenting, memory. */
final class Ipv4FragmenterTest {
    static final int SRC = 0x0a000001;
    static final int DST = 0x0a000002;
    static final Ip4Address NEXT_HOP = Ip4Address.of(DST);

    /** A bare-IP driver that records every packet sent, optionally keeping a reference or failing. */
    static final class CaptureDriver implements NetifDriver {
        final int mtu;
        final List<byte[]> sent = new ArrayList<>();
        final List<Pbuf> kept = new ArrayList<>();
        boolean keep;
        int failAfter = Integer.MAX_VALUE;

        CaptureDriver(int mtu) {
            this.mtu = mtu;
        }

        @Override
        public LinkType linkType() {
            return LinkType.IP;
        }

        @Override
        public int mtu() {
            return mtu;
        }

        @Override
        public void attach(Netif netif) {
        }

        @Override
        public Err transmit(Pbuf frame) {
            if (sent.size() >= failAfter) {
                return Err.IF;
            }
            sent.add(frame.toByteArray());
            if (keep) {
                kept.add(frame.ref());
            }
            return Err.OK;
        }
    }

    /** One stack's context on a virtual clock with a capturing bare-IP netif. */
    static final class Net {
        final VirtualClock clock = new VirtualClock();
        final StackContext ctx;
        final CaptureDriver driver;
        final Netif netif;

        Net(StackConfig config, int mtu) {
            ctx = new StackContext(config, clock);
            NetifTable table = new NetifTable(ctx);
            driver = new CaptureDriver(mtu);
            netif = table.add(driver, "cap0", null);
            netif.setUp(true);
            assertEquals(LinkType.IP, netif.driver().linkType());
            assertTrue(netif.link() == table.ipLink());
        }

        Net(int mtu) {
            this(StackConfig.defaults(), mtu);
        }

        /** A pool pbuf holding a copy of {@code bytes} (one node when it fits). */
        Pbuf pbuf(byte[] bytes) {
            Pbuf p = ctx.pbufs().allocPool(Layer.RAW, bytes.length);
            p.copyFrom(0, bytes, 0, bytes.length);
            return p;
        }

        /** Fragments {@code packet} at {@code mtu}; returns the fragments sent. */
        List<byte[]> fragment(byte[] packet, int mtu) {
            Ipv4Fragmenter f = new Ipv4Fragmenter(ctx);
            Pbuf p = pbuf(packet);
            driver.sent.clear();
            assertEquals(Err.OK, f.fragment(p, netif, NEXT_HOP, mtu));
            p.free();
            return new ArrayList<>(driver.sent);
        }

        long poolUsed() {
            return ctx.pbufs().poolStats().used;
        }
    }

    /** An IPv4 packet with a valid header checksum. */
    static byte[] ipv4(int ident, int flagsFrag, int protocol, int src, int dst, byte[] options, byte[] payload) {
        int hl = 20 + options.length;
        if (hl % 4 != 0) {
            throw new IllegalArgumentException("options must be padded");
        }
        byte[] b = new byte[hl + payload.length];
        MemorySegment s = MemorySegment.ofArray(b);
        Ipv4Packet.emit(s, 0, 0, b.length, ident, flagsFrag, 64, protocol, src, dst, false);
        b[0] = (byte) (0x40 | hl / 4);
        System.arraycopy(options, 0, b, 20, options.length);
        System.arraycopy(payload, 0, b, hl, payload.length);
        Ipv4Packet.fillChecksum(s, 0, hl);
        return b;
    }

    static byte[] ipv4(int ident, int flagsFrag, byte[] payload) {
        return ipv4(ident, flagsFrag, Ipv4Packet.PROTO_UDP, SRC, DST, new byte[0], payload);
    }

    /** Deterministic, position-dependent payload bytes (no two 8-byte blocks alike). */
    static byte[] payload(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >>> 8) * 7 + seed * 13);
        }
        return b;
    }

    static MemorySegment seg(byte[] b) {
        return MemorySegment.ofArray(b);
    }

    static int hl(byte[] b) {
        return Ipv4Packet.headerLen(seg(b), 0);
    }

    static byte[] data(byte[] packet) {
        return java.util.Arrays.copyOfRange(packet, hl(packet), packet.length);
    }

    /** Checks each fragment's header and returns the data, placed by offset. */
    static byte[] assertWellFormed(List<byte[]> frags, byte[] original, int mtu) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int expectedOffset = Ipv4Packet.fragOffset(seg(original), 0);
        for (int i = 0; i < frags.size(); i++) {
            byte[] f = frags.get(i);
            MemorySegment s = seg(f);
            assertTrue(Ipv4Packet.check(s, 0, f.length) >= 20, "fragment " + i + " checks");
            assertTrue(f.length <= mtu, "fragment " + i + " fits the MTU");
            assertEquals(f.length, Ipv4Packet.totalLen(s, 0));
            assertTrue(Ipv4Packet.checksumOk(s, 0, hl(f)), "fragment " + i + " checksum");
            assertEquals(Ipv4Packet.ident(seg(original), 0), Ipv4Packet.ident(s, 0));
            assertEquals(Ipv4Packet.protocol(seg(original), 0), Ipv4Packet.protocol(s, 0));
            assertEquals(SRC, Ipv4Packet.src(s, 0));
            assertEquals(DST, Ipv4Packet.dst(s, 0));
            assertEquals(expectedOffset, Ipv4Packet.fragOffset(s, 0), "fragment " + i + " offset");
            boolean lastOne = i == frags.size() - 1;
            if (!lastOne) {
                assertTrue(Ipv4Packet.moreFragments(s, 0), "MF on fragment " + i);
                assertEquals(0, (f.length - hl(f)) % 8, "fragment " + i + " data is a multiple of 8");
            }
            out.writeBytes(data(f));
            expectedOffset += f.length - hl(f);
        }
        assertArrayEquals(data(original), out.toByteArray());
        return out.toByteArray();
    }

    @Test
    void conformance26EightThousandBytesAtMtu1500() {
        Net net = new Net(1500);
        byte[] packet = ipv4(0x1234, 0, payload(8000, 1));
        List<byte[]> frags = net.fragment(packet, 1500);

        assertEquals(6, frags.size());
        int[] units = {0, 185, 370, 555, 740, 925};
        for (int i = 0; i < 6; i++) {
            MemorySegment s = seg(frags.get(i));
            assertEquals(units[i], Ipv4Packet.flagsFrag(s, 0) & Ipv4Packet.OFFSET_MASK, "offset units of " + i);
            assertEquals(i < 5, Ipv4Packet.moreFragments(s, 0), "MF of " + i);
            assertEquals(i < 5 ? 1500 : 20 + 600, frags.get(i).length, "size of " + i);
            assertEquals(20, hl(frags.get(i)));
        }
        assertWellFormed(frags, packet, 1500);
        assertEquals(6, net.ctx.stats().ipfrag.xmit);
        assertEquals(0, net.poolUsed());
    }

    @Test
    void callerPacketIsNeitherConsumedNorChanged() {
        Net net = new Net(1500);
        byte[] packet = ipv4(7, 0, payload(4000, 2));
        Pbuf p = net.pbuf(packet);
        assertEquals(Err.OK, new Ipv4Fragmenter(net.ctx).fragment(p, net.netif, NEXT_HOP, 1500));
        assertEquals(1, p.refCount());
        assertArrayEquals(packet, p.toByteArray());
        p.free();
        assertEquals(0, net.poolUsed());
    }

    @Test
    void chainedInputWithHeaderSplitAcrossNodes() {
        Net net = new Net(1500);
        byte[] packet = ipv4(9, 0, payload(5003, 3));
        int[] cuts = {7, 30, 1001, 1002, 2999, packet.length};
        Pbuf chain = null;
        int from = 0;
        for (int cut : cuts) {
            Pbuf node = Pbuf.wrap(packet, from, cut - from);
            if (chain == null) {
                chain = node;
            } else {
                chain.concat(node);
            }
            from = cut;
        }
        assertEquals(Err.OK, new Ipv4Fragmenter(net.ctx).fragment(chain, net.netif, NEXT_HOP, 576));
        assertWellFormed(net.driver.sent, packet, 576);
        assertEquals(10, net.driver.sent.size());
        chain.free();
        assertEquals(0, net.poolUsed());
    }

    @Test
    void onlyCopiedOptionsFollowTheFirstFragment() {
        Net net = new Net(1500);
        byte[] options = {
            0x07, 7, 4, 0, 0, 0, 0,         // record route: copied flag clear
            (byte) 0x94, 4, 0, 0,           // router alert (RFC 2113): copied flag set
            0x01,                           // no-operation: not copied
            0x44, 4, 5, 0                   // timestamp: copied flag clear
        };
        byte[] packet = ipv4(11, 0, Ipv4Packet.PROTO_UDP, SRC, DST, options, payload(3000, 4));
        assertEquals(36, hl(packet));
        List<byte[]> frags = net.fragment(packet, 1000);

        assertEquals(4, frags.size());
        byte[] first = frags.get(0);
        assertEquals(36, hl(first));
        assertArrayEquals(options, java.util.Arrays.copyOfRange(first, 20, 36), "first fragment keeps all options");
        assertEquals(36 + 960, first.length);
        for (int i = 1; i < 4; i++) {
            byte[] f = frags.get(i);
            assertEquals(24, hl(f), "later fragments carry only the router alert");
            assertArrayEquals(new byte[] {(byte) 0x94, 4, 0, 0}, java.util.Arrays.copyOfRange(f, 20, 24));
        }
        assertEquals(1000, frags.get(1).length);
        assertEquals(1000, frags.get(2).length);
        assertEquals(24 + 3000 - 960 - 976 - 976, frags.get(3).length);
        assertWellFormed(frags, packet, 1000);
    }

    @Test
    void copiedOptionsArePaddedToFourBytes() {
        byte[] header = new byte[32];
        header[0] = 0x48;
        byte[] opts = {(byte) 0x83, 7, 4, 1, 2, 3, 4, 0x07, 3, 4, 0, 0};  // LSRR (copied, 7 bytes), RR (not)
        System.arraycopy(opts, 0, header, 20, opts.length);
        byte[] out = new byte[60];
        int n = Ipv4Fragmenter.copiedOptionsHeader(header, 32, out);
        assertEquals(28, n);
        assertEquals(0x47, out[0]);
        assertArrayEquals(new byte[] {(byte) 0x83, 7, 4, 1, 2, 3, 4, 0}, java.util.Arrays.copyOfRange(out, 20, 28));

        byte[] none = new byte[60];
        byte[] plain = {0x07, 3, 4, 0x01, 0x01, 0x00, 0, 0};
        System.arraycopy(plain, 0, header, 20, plain.length);
        assertEquals(20, Ipv4Fragmenter.copiedOptionsHeader(header, 28, none));
        assertEquals(0x45, none[0]);
    }

    @Test
    void dontFragmentIsRefusedWithoutSending() {
        Net net = new Net(1500);
        byte[] packet = ipv4(5, Ipv4Packet.FLAG_DF, payload(3000, 5));
        Pbuf p = net.pbuf(packet);
        assertEquals(Err.VAL, new Ipv4Fragmenter(net.ctx).fragment(p, net.netif, NEXT_HOP, 1500));
        assertTrue(net.driver.sent.isEmpty());
        assertEquals(0, net.ctx.stats().ipfrag.xmit);
        p.free();
        assertEquals(0, net.poolUsed());
    }

    @Test
    void aFragmentIsFragmentedAgainKeepingItsOffsetAndMf() {
        Net net = new Net(1500);
        byte[] middle = ipv4(6, Ipv4Packet.FLAG_MF | 100, payload(3000, 6));
        List<byte[]> frags = net.fragment(middle, 1500);
        assertEquals(3, frags.size());
        assertEquals(100, Ipv4Packet.flagsFrag(seg(frags.get(0)), 0) & Ipv4Packet.OFFSET_MASK);
        assertEquals(285, Ipv4Packet.flagsFrag(seg(frags.get(1)), 0) & Ipv4Packet.OFFSET_MASK);
        assertEquals(470, Ipv4Packet.flagsFrag(seg(frags.get(2)), 0) & Ipv4Packet.OFFSET_MASK);
        assertTrue(Ipv4Packet.moreFragments(seg(frags.get(2)), 0), "the last keeps the original MF");
        assertWellFormed(frags, middle, 1500);

        byte[] tail = ipv4(6, 100, payload(3000, 6));
        List<byte[]> tailFrags = net.fragment(tail, 1500);
        assertFalse(Ipv4Packet.moreFragments(seg(tailFrags.get(2)), 0));
        assertTrue(Ipv4Packet.moreFragments(seg(tailFrags.get(1)), 0));
    }

    @Test
    void packetThatFitsIsSentAsOneCopy() {
        Net net = new Net(1500);
        byte[] packet = ipv4(8, 0, payload(100, 7));
        List<byte[]> frags = net.fragment(packet, 1500);
        assertEquals(1, frags.size());
        assertArrayEquals(packet, frags.get(0));
    }

    @Test
    void checksumLeftZeroWhenOffloaded() {
        Net net = new Net(StackConfig.builder().checksumGenIp(false).build(), 1500);
        List<byte[]> frags = net.fragment(ipv4(3, 0, payload(3000, 8)), 1500);
        assertEquals(3, frags.size());
        for (byte[] f : frags) {
            assertEquals(0, Ipv4Packet.checksum(seg(f), 0));
        }
    }

    @Test
    void mtuTooSmallOrBadPacketIsRefused() {
        Net net = new Net(1500);
        Ipv4Fragmenter f = new Ipv4Fragmenter(net.ctx);
        Pbuf p = net.pbuf(ipv4(1, 0, payload(100, 9)));
        assertEquals(Err.ARG, f.fragment(p, net.netif, NEXT_HOP, 27));
        p.free();
        byte[] lying = ipv4(1, 0, payload(100, 9));
        Ipv4Packet.setTotalLen(seg(lying), 0, 400);
        Pbuf q = net.pbuf(lying);
        assertEquals(Err.ARG, f.fragment(q, net.netif, NEXT_HOP, 68));
        q.free();
        assertTrue(net.driver.sent.isEmpty());
        assertEquals(2, net.ctx.stats().ipfrag.err);
        assertEquals(0, net.poolUsed());
    }

    @Test
    void poolExhaustionMidwayReturnsMemAndLeaksNothing() {
        Net net = new Net(StackConfig.builder().pbufPoolSize(8).build(), 1500);
        List<Pbuf> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(net.ctx.pbufs().allocPool(Layer.RAW, 100));
        }
        net.driver.keep = true;                      // the driver holds what it sent
        Pbuf p = Pbuf.wrap(ipv4(4, 0, payload(8000, 10)));
        assertEquals(Err.MEM, new Ipv4Fragmenter(net.ctx).fragment(p, net.netif, NEXT_HOP, 1500));
        assertEquals(3, net.driver.sent.size());
        assertEquals(3, net.ctx.stats().ipfrag.xmit);
        assertEquals(1, net.ctx.stats().ipfrag.memerr);
        assertEquals(8, net.poolUsed());
        net.driver.kept.forEach(Pbuf::free);
        held.forEach(Pbuf::free);
        assertEquals(0, net.poolUsed());
    }

    @Test
    void netifErrorStopsAndIsReturned() {
        Net net = new Net(1500);
        net.driver.failAfter = 2;
        Pbuf p = Pbuf.wrap(ipv4(4, 0, payload(8000, 11)));
        assertEquals(Err.IF, new Ipv4Fragmenter(net.ctx).fragment(p, net.netif, NEXT_HOP, 1500));
        assertEquals(2, net.driver.sent.size());
        assertEquals(2, net.ctx.stats().ipfrag.xmit);
        assertEquals(1, net.ctx.stats().ipfrag.err);
        assertEquals(0, net.poolUsed());
    }
}
