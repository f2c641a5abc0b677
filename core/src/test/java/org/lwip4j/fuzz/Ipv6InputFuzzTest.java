package org.lwip4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.SimNet;
import org.lwip4j.udp.UdpPcb;

/**
 * The IPv6 receive path of a whole stack under structured hostile frames: an IPv6 header
 * with sources and destinations that matter (ours, link-local, multicast, solicited-node,
 * unspecified, others), hop limits 255/64/1, a chain of extension headers from the fuzzer
 * (hop-by-hop, routing, fragment, destination options, in any order), then ICMPv6 (every
 * error, echo, RS/RA/NS/NA/redirect with fuzzed ND options; checksum made right so ND and
 * SLAAC are reached), UDP or fuzz bytes. The stack has autoconfiguration on, and forwards
 * IPv6 or not. Nothing may escape the loop; every list stays within its bound; once time
 * has passed (lifetimes, reassembly, neighbour timers) every pbuf is back in its pool.
 */
class Ipv6InputFuzzTest {
    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:01");
    private static final String[] ADDRS = {"2001:db8::1", "2001:db8::9", "fe80::9", "fe80::1", "::", "ff02::1",
        "ff02::1:ff00:1", "ff02::2", "2001:db8:77::5", "::1", "ff05::1:3", "2001:db8:1::1"};
    private static final int[] NEXT = {0, 43, 44, 60, 58, 17, 59, 6};
    private static final int[] ICMP = {1, 2, 3, 4, 128, 129, 133, 134, 135, 136, 137, 130, 143, 200};

    @BeforeAll
    static void regressionModeWithoutHooks() {
        RegressionMode.configure();
    }

    @FuzzTest(maxDuration = "10s")
    void ipv6FramesWithExtensionHeadersIcmpv6AndNdOptions(FuzzedDataProvider data) {
        VirtualClock clock = new VirtualClock();
        StackConfig cfg = StackConfig.builder().lwipIpv6Forward(data.consumeBoolean()).pbufPoolSize(256)
                .lwipNd6NumRouters(3).lwipNd6NumPrefixes(4).lwipNd6NumDestinations(8).lwipNd6NumNeighbors(16)
                .lwipIpv6NumAddresses(6).build();
        Stack stack = Stack.create(cfg, clock);
        CaptureDriver eth = new CaptureDriver(LinkType.ETHERNET, 1500);
        Netif n = stack.addNetif(eth, "eth0", MAC);
        n.setUp(true);
        n.ip6().add(Ip6Address.parse("2001:db8::1"), 64);
        n.ip6().setAutoconfig(true);
        CaptureDriver tun = new CaptureDriver(LinkType.IP, 1280);
        Netif o = stack.addNetif(tun, "tun1");
        o.setUp(true);
        o.ip6().add(Ip6Address.parse("2001:db8:77::1"), 64);
        stack.netifs().setDefault(n);
        UdpPcb echo = stack.newUdpPcb();
        echo.bind(Ip6Address.ANY, 7);
        echo.onReceive((pcb, p, src, port, netif) -> {
            pcb.sendTo(p, src, port);
            p.free();
        });
        int frames = data.consumeInt(1, 10);
        for (int i = 0; i < frames && data.remainingBytes() > 0; i++) {
            byte[] pkt = packet(data);
            byte[] dstMac = (pkt[24] & 0xff) == 0xff
                    ? new byte[] {0x33, 0x33, pkt[36], pkt[37], pkt[38], pkt[39]} : new byte[] {2, 0, 0, 0, 0, 1};
            byte[] frame = new byte[14 + pkt.length];
            System.arraycopy(dstMac, 0, frame, 0, 6);
            frame[6] = 2;
            frame[11] = 9;
            frame[12] = (byte) 0x86;
            frame[13] = (byte) 0xdd;
            System.arraycopy(pkt, 0, frame, 14, pkt.length);
            eth.inject(frame);
            stack.poll(clock.nanoTime());
            clock.advance(Duration.ofMillis(data.consumeInt(0, 5000)).toNanos());
            stack.poll(clock.nanoTime());
            eth.drain();
            tun.drain();
        }
        var rd = stack.ipv6().nd().routers();
        assertTrue(rd.routers().all().size() <= 3);
        assertTrue(rd.prefixes().all().size() <= 4);
        assertTrue(rd.destinations().size() <= 8);
        assertTrue(stack.ipv6().nd().cache().size() <= 16);
        assertTrue(n.ip6().count() <= 6);
        // Let lifetimes, reassembly and neighbour timers run out.
        for (int i = 0; i < 90; i++) {
            clock.advance(Duration.ofSeconds(1).toNanos());
            stack.poll(clock.nanoTime());
        }
        eth.drain();
        tun.drain();
        echo.close();
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
        assertEquals(0, stack.loop().failedTasks());
        stack.close();
    }

    /** An IPv6 packet laid out from the fuzzer's choices. */
    private static byte[] packet(FuzzedDataProvider data) {
        Ip6Address src = Ip6Address.parse(data.pickValue(ADDRS));
        Ip6Address dst = Ip6Address.parse(data.pickValue(ADDRS));
        int hops = data.pickValue(new int[] {255, 64, 1});
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        int first = data.pickValue(NEXT);
        int nh = first;
        int headers = data.consumeInt(0, 3);
        for (int h = 0; h < headers && (nh == 0 || nh == 43 || nh == 44 || nh == 60); h++) {
            int next = data.pickValue(NEXT);
            if (nh == 44) {
                byte[] fh = new byte[8];
                fh[0] = (byte) next;
                int w = data.consumeInt(0, 0xffff);
                fh[2] = (byte) (w >>> 8);
                fh[3] = (byte) w;
                fh[7] = (byte) data.consumeInt(0, 3);
                body.writeBytes(fh);
            } else {
                int units = data.consumeInt(0, 2);
                byte[] eh = new byte[(units + 1) * 8];
                eh[0] = (byte) next;
                eh[1] = (byte) units;
                byte[] rest = data.consumeBytes(eh.length - 2);
                System.arraycopy(rest, 0, eh, 2, rest.length);
                body.writeBytes(eh);
            }
            nh = next;
        }
        int upperAt = body.size();
        if (nh == 58) {
            int type = data.pickValue(ICMP);
            byte[] rest = data.consumeBytes(data.consumeInt(4, 200));
            byte[] m = new byte[4 + rest.length];
            m[0] = (byte) type;
            m[1] = (byte) (data.consumeInt(0, 10) == 0 ? data.consumeInt(0, 255) : 0);
            System.arraycopy(rest, 0, m, 4, rest.length);
            body.writeBytes(m);
        } else {
            body.writeBytes(data.consumeBytes(data.consumeInt(0, 120)));
        }
        byte[] payload = body.toByteArray();
        if (nh == 58 && payload.length >= upperAt + 4) {
            payload[upperAt + 2] = 0;
            payload[upperAt + 3] = 0;
            int len = payload.length - upperAt;
            long ph = Checksum.pseudoHeaderV6(src.hi(), src.lo(), dst.hi(), dst.lo(), 58, len);
            int c = Checksum.finish(Checksum.partial(payload, upperAt, len, ph));
            payload[upperAt + 2] = (byte) (c >>> 8);
            payload[upperAt + 3] = (byte) c;
        }
        byte[] p = new byte[40 + payload.length];
        p[0] = 0x60;
        int plen = data.consumeInt(0, 20) == 0 ? data.consumeInt(0, 0xffff) : payload.length;
        p[4] = (byte) (plen >>> 8);
        p[5] = (byte) plen;
        p[6] = (byte) first;
        p[7] = (byte) hops;
        System.arraycopy(src.toBytes(), 0, p, 8, 16);
        System.arraycopy(dst.toBytes(), 0, p, 24, 16);
        System.arraycopy(payload, 0, p, 40, payload.length);
        return p;
    }
}
