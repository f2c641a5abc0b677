package org.lwip4j.netif.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.netif.testing.Frames;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.VirtualClock;

/** The capture tap on netifs of a stack with virtual time: deterministic files. */
class PcapTapTest {
    @TempDir
    Path dir;

    /** A driver that keeps what it is asked to send. */
    static final class SinkDriver implements NetifDriver {
        final LinkType type;
        final List<byte[]> sent = new ArrayList<>();

        SinkDriver(LinkType type) {
            this.type = type;
        }

        @Override
        public LinkType linkType() {
            return type;
        }

        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public void attach(Netif netif) {
        }

        @Override
        public Err transmit(Pbuf frame) {
            sent.add(frame.toByteArray());
            return Err.OK;
        }
    }

    @Test
    void recordsBothDirectionsOfSeveralNetifsWithStackTime() throws Exception {
        VirtualClock clock = new VirtualClock(5_000_000_000L);
        StackContext ctx = new StackContext(StackConfig.defaults(), clock);
        NetifTable netifs = new NetifTable(ctx);
        Netif eth = netifs.add(new SinkDriver(LinkType.ETHERNET), "eth0", MacAddress.parse("02:00:00:00:00:01"));
        Netif tun = netifs.add(new SinkDriver(LinkType.IP), "tun0", null);
        eth.setUp(true);
        tun.setUp(true);
        Path f = dir.resolve("cap.pcapng");
        PcapTap tap = new PcapTap(PcapWriter.pcapng(f), PcapTap.Timestamps.STACK);
        eth.setTap(tap);
        tun.setTap(tap);

        byte[] arp = Frames.arpRequest(0x020000000001L, 0x0a000001, 0x0a000002);
        byte[] ip = Frames.ipv4(0x0a000001, 0x0a000002, 1, Frames.icmpEcho(1, 1, new byte[8], false));
        assertEquals(Err.OK, eth.linkOutput(Pbuf.wrap(arp)));
        clock.advance(1_500);
        eth.input(Pbuf.copyOf(arp, 0));
        clock.advance(1_000_000_000L);
        assertEquals(Err.OK, tun.linkOutput(Pbuf.wrap(ip)));
        tap.close();

        PcapReader r = PcapReader.parse(Files.readAllBytes(f));
        assertEquals(List.of(new PcapReader.Iface(1, 262144, "eth0", 9), new PcapReader.Iface(101, 262144, "tun0", 9)), r.interfaces);
        assertEquals(3, r.records.size());
        assertEquals(3, tap.frames());
        var out = r.records.get(0);
        assertEquals(0, out.iface());
        assertEquals(5_000_000_000L, out.epochNanos());
        assertEquals(2, out.flags(), "outbound");
        assertArrayEquals(arp, out.data());
        var in = r.records.get(1);
        assertEquals(5_000_001_500L, in.epochNanos());
        assertEquals(1, in.flags(), "inbound");
        var raw = r.records.get(2);
        assertEquals(1, raw.iface());
        assertEquals(6_000_001_500L, raw.epochNanos());
        assertArrayEquals(ip, raw.data());
    }

    @Test
    void classicFileSkipsNetifsOfAnotherLinkType() throws Exception {
        StackContext ctx = new StackContext(StackConfig.defaults(), new VirtualClock());
        NetifTable netifs = new NetifTable(ctx);
        Netif eth = netifs.add(new SinkDriver(LinkType.ETHERNET), "eth0", null);
        Netif tun = netifs.add(new SinkDriver(LinkType.IP), "tun0", null);
        eth.setUp(true);
        tun.setUp(true);
        Path f = dir.resolve("cap.pcap");
        long before = System.currentTimeMillis() * 1_000_000L;
        PcapTap tap = new PcapTap(PcapWriter.pcap(f, PcapWriter.LINKTYPE_ETHERNET));
        eth.setTap(tap);
        tun.setTap(tap);
        eth.linkOutput(Pbuf.wrap(new byte[60]));
        tun.linkOutput(Pbuf.wrap(Frames.ipv4(1, 2, 17, new byte[8])));
        tap.close();
        assertEquals(1, tap.frames());
        assertEquals(1, tap.skipped());
        PcapReader r = PcapReader.parse(Files.readAllBytes(f));
        assertEquals(1, r.records.size());
        assertTrue(r.records.get(0).epochNanos() >= before - 1_000_000_000L, "wall-clock timestamp");
    }
}
