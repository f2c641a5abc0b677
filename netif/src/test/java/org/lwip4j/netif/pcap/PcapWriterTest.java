package org.lwip4j.netif.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lwip4j.buffer.Pbuf;

class PcapWriterTest {
    static final long T1 = 1_700_000_000_123_456_789L;
    static final long T2 = 1_700_000_001_000_000_999L;

    @TempDir
    Path dir;

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    @Test
    void classicPcapIsByteExact() throws IOException {
        Path f = dir.resolve("a.pcap");
        byte[] a = bytes(60, 1);
        byte[] b = bytes(42, 100);
        try (PcapWriter w = PcapWriter.pcap(f, PcapWriter.LINKTYPE_ETHERNET)) {
            assertEquals(0, w.addInterface("ignored", PcapWriter.LINKTYPE_ETHERNET));
            w.write(0, T1, a, false);
            // A two-node chain is written as one frame.
            Pbuf chain = Pbuf.wrap(Arrays.copyOfRange(b, 0, 20));
            chain.concat(Pbuf.wrap(Arrays.copyOfRange(b, 20, 42)));
            w.write(0, T2, chain, true);
            assertEquals(2, w.records());
        }
        ByteBuffer e = ByteBuffer.allocate(24 + 16 + 60 + 16 + 42).order(ByteOrder.LITTLE_ENDIAN);
        e.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(1);
        e.putInt(1_700_000_000).putInt(123_456).putInt(60).putInt(60).put(a);
        e.putInt(1_700_000_001).putInt(0).putInt(42).putInt(42).put(b);
        assertArrayEquals(e.array(), Files.readAllBytes(f));
        // The first bytes as tcpdump writes them on a little-endian host.
        assertArrayEquals(new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0, 4, 0},
                Arrays.copyOf(Files.readAllBytes(f), 8));
    }

    @Test
    void nanosecondPcapKeepsNanosecondsAndCutsToSnaplen() throws IOException {
        Path f = dir.resolve("n.pcap");
        byte[] big = bytes(300, 7);
        try (PcapWriter w = PcapWriter.builder(PcapWriter.Format.PCAP_NANO).linkType(PcapWriter.LINKTYPE_RAW).snaplen(128)
                .flushEachRecord(false).open(f)) {
            w.write(0, T1, big, true);
            w.flush();
            assertEquals(24 + 16 + 128, Files.size(f), "flushed on request");
        }
        PcapReader r = PcapReader.parse(Files.readAllBytes(f));
        assertEquals(true, r.nanos);
        assertEquals(101, r.linkType);
        assertEquals(128, r.snaplen);
        assertEquals(1, r.records.size());
        PcapReader.Record rec = r.records.get(0);
        assertEquals(T1, rec.epochNanos());
        assertEquals(300, rec.origLen());
        assertArrayEquals(Arrays.copyOf(big, 128), rec.data());
    }

    @Test
    void everyRecordIsOnDiskAtOnceByDefault() throws IOException {
        Path f = dir.resolve("live.pcap");
        try (PcapWriter w = PcapWriter.pcap(f, PcapWriter.LINKTYPE_ETHERNET)) {
            assertEquals(24, Files.size(f), "header written on open");
            w.write(0, T1, bytes(60, 0), false);
            assertEquals(24 + 16 + 60, Files.size(f), "record readable while the writer is open");
        }
    }

    @Test
    void classicPcapHoldsOneLinkType() throws IOException {
        try (PcapWriter w = PcapWriter.pcap(dir.resolve("x.pcap"), PcapWriter.LINKTYPE_ETHERNET)) {
            assertThrows(IllegalArgumentException.class, () -> w.addInterface("tun0", PcapWriter.LINKTYPE_RAW));
            assertThrows(IllegalArgumentException.class, () -> w.write(1, T1, new byte[1], false));
        }
    }

    @Test
    void pcapngIsByteExact() throws IOException {
        Path f = dir.resolve("a.pcapng");
        byte[] a = bytes(61, 3);
        byte[] b = bytes(40, 9);
        try (PcapWriter w = PcapWriter.pcapng(f)) {
            assertEquals(0, w.addInterface("tap0", PcapWriter.LINKTYPE_ETHERNET));
            w.write(0, T1, a, false);
            assertEquals(1, w.addInterface("tun0", PcapWriter.LINKTYPE_RAW));
            w.write(1, T2, b, true);
        }
        ByteBuffer e = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        // SHB with shb_userappl "lwip4j" (6 bytes, padded to 8).
        e.putInt(0x0A0D0D0A).putInt(44).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1);
        e.putShort((short) 4).putShort((short) 6).put("lwip4j".getBytes()).put(new byte[2]).putInt(0).putInt(44);
        // IDB: Ethernet, snaplen, if_name "tap0", if_tsresol 9.
        e.putInt(1).putInt(40).putShort((short) 1).putShort((short) 0).putInt(262144);
        e.putShort((short) 2).putShort((short) 4).put("tap0".getBytes());
        e.putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3]).putInt(0).putInt(40);
        // EPB: 61 bytes padded to 64, epb_flags inbound.
        e.putInt(6).putInt(108).putInt(0).putInt((int) (T1 >>> 32)).putInt((int) T1).putInt(61).putInt(61).put(a).put(new byte[3]);
        e.putShort((short) 2).putShort((short) 4).putInt(1).putInt(0).putInt(108);
        // IDB: raw IP "tun0".
        e.putInt(1).putInt(40).putShort((short) 101).putShort((short) 0).putInt(262144);
        e.putShort((short) 2).putShort((short) 4).put("tun0".getBytes());
        e.putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3]).putInt(0).putInt(40);
        // EPB: 40 bytes, outbound.
        e.putInt(6).putInt(84).putInt(1).putInt((int) (T2 >>> 32)).putInt((int) T2).putInt(40).putInt(40).put(b);
        e.putShort((short) 2).putShort((short) 4).putInt(2).putInt(0).putInt(84);
        assertArrayEquals(Arrays.copyOf(e.array(), e.position()), Files.readAllBytes(f));

        PcapReader r = PcapReader.parse(Files.readAllBytes(f));
        assertEquals("lwip4j", r.application);
        assertEquals(2, r.interfaces.size());
        assertEquals(new PcapReader.Iface(1, 262144, "tap0", 9), r.interfaces.get(0));
        assertEquals(new PcapReader.Iface(101, 262144, "tun0", 9), r.interfaces.get(1));
        assertEquals(2, r.records.size());
        assertEquals(T1, r.records.get(0).epochNanos());
        assertEquals(1, r.records.get(0).flags());
        assertEquals(T2, r.records.get(1).epochNanos());
        assertEquals(2, r.records.get(1).flags());
        assertArrayEquals(b, r.records.get(1).data());
    }

    @Test
    void closedWriterRefusesAndCloseIsIdempotent() throws IOException {
        PcapWriter w = PcapWriter.pcapng(dir.resolve("c.pcapng"));
        w.close();
        w.close();
        assertThrows(IllegalStateException.class, () -> w.write(0, 0, new byte[1], false));
    }
}
