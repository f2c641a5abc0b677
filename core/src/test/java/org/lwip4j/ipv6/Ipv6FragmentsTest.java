package org.lwip4j.ipv6;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.ipv6.Packets6.cat;
import static org.lwip4j.ipv6.Packets6.ipv6;
import static org.lwip4j.ipv6.Packets6.udp;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.internal.ip.FragmentInfo;

/**
 * How IPv6 fragments read for the shared reassembler (RFC 8200 §4.5), byte for byte: the
 * unfragmentable headers walked to the Fragment header, its offset, M flag and
 * identification, the data length; what is not a readable fragment; and the datagram rebuilt
 * from fragment 0's headers without the Fragment header.
 */
class Ipv6FragmentsTest {
    private static final String SRC = "2001:db8::9";
    private static final String DST = "2001:db8::1";
    private final Ipv6Fragments format = new Ipv6Fragments();

    private static FragmentInfo info() {
        try {
            var c = FragmentInfo.class.getDeclaredConstructor();
            c.setAccessible(true);
            return c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** A fragment: hop-by-hop (8 bytes) then the Fragment header naming UDP, offset {@code off}, M, ident 0x01020304. */
    private static byte[] fragment(int off, boolean more, byte[] data) {
        byte[] hbh = {44, 0, 1, 4, 0, 0, 0, 0};
        byte[] frag = {17, 0, (byte) (off >> 8), (byte) ((off & 0xf8) | (more ? 1 : 0)), 1, 2, 3, 4};
        return ipv6(0, SRC, DST, 64, cat(hbh, frag, data));
    }

    @Test
    void aFragmentBehindAHopByHopHeaderIsRead() {
        byte[] data = new byte[24];
        Pbuf p = Pbuf.copyOf(fragment(1232, true, data), 0);
        FragmentInfo in = info();
        assertTrue(format.read(p, in));
        assertEquals(40 + 8 + 8, in.headerLen);
        assertEquals(1232, in.offset);
        assertTrue(in.more);
        assertEquals(24, in.dataLen);
        assertEquals(8, in.lengthOverhead, "the hop-by-hop header counts in the payload length");
        FragmentInfo expected = info();
        org.lwip4j.addr.Ip6Address s = org.lwip4j.addr.Ip6Address.parse(SRC);
        org.lwip4j.addr.Ip6Address d = org.lwip4j.addr.Ip6Address.parse(DST);
        expected.key.setIpv6(s.hi(), s.lo(), d.hi(), d.lo(), 0x01020304);
        assertEquals(expected.key.toString(), in.key.toString(), "source, destination, identification");
        Pbuf last = Pbuf.copyOf(fragment(8, false, new byte[3]), 0);
        assertTrue(format.read(last, in));
        assertFalse(in.more);
        assertEquals(8, in.offset);
        assertEquals(3, in.dataLen);
        p.free();
        last.free();
    }

    @Test
    void whatIsNotAReadableFragmentIsRefused() {
        FragmentInfo in = info();
        byte[] ok = fragment(0, true, new byte[8]);
        byte[][] bad = {
            Arrays.copyOf(ok, 47),                                   // shorter than header + Fragment header
            with(ok, 0, 0x45),                                       // version 4
            ipv6(17, SRC, DST, 64, new byte[16]),                    // UDP, no Fragment header in the chain
            Arrays.copyOf(with(ok, 41, 9), ok.length),               // the hop-by-hop length runs past the bytes
            with(with(ok, 4, 0), 5, 8),                              // a payload length shorter than the headers
        };
        for (byte[] b : bad) {
            Pbuf p = Pbuf.copyOf(b, 0);
            assertFalse(format.read(p, in), java.util.HexFormat.of().formatHex(b, 0, Math.min(b.length, 56)));
            p.free();
        }
    }

    private static byte[] with(byte[] b, int at, int v) {
        byte[] c = b.clone();
        c[at] = (byte) v;
        return c;
    }

    @Test
    void theDatagramIsRebuiltFromFragmentZerosHeadersWithoutTheFragmentHeader() {
        byte[] dgram = udp(4000, 7, new byte[] {1, 2, 3, 4, 5}, SRC, DST);
        byte[] whole = fragment(0, false, dgram);
        Pbuf p = Pbuf.copyOf(whole, 0);
        Pbuf d = format.rebuild(p, 56, dgram.length);
        byte[] out = d.toByteArray();
        assertEquals(40 + 8 + dgram.length, out.length);
        assertEquals(0, out[6], "the IPv6 header still names the hop-by-hop header");
        assertEquals(17, out[40], "which names UDP now");
        assertEquals(8 + dgram.length, ((out[4] & 0xff) << 8) | (out[5] & 0xff), "payload length: hop-by-hop and data");
        assertArrayEquals(Arrays.copyOfRange(whole, 8, 40), Arrays.copyOfRange(out, 8, 40), "addresses kept");
        assertArrayEquals(dgram, Arrays.copyOfRange(out, 48, out.length));
        d.free();
    }
}
