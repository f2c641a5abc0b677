package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.netif.pcap.PcapTap;
import org.lwip4j.netif.pcap.PcapWriter;
import org.lwip4j.tcp.TcpInfo;
import org.lwip4j.tcp.TcpState;

/**
 * The SYN and SYN-ACK between the stack and Linux, read back from a capture with tshark:
 * both ends offer MSS, window scale, SACK-permitted and timestamps, and the stack's
 * connection uses what Linux offered (TCP_INFO), the stack as server and as client.
 */
@RealNetwork.Required({"tshark"})
class TcpHandshakeKernelTest {
    @TempDir
    Path dir;

    /** One SYN or SYN-ACK: who sent it and its options. */
    record Syn(String src, boolean ack, int mss, int wscale, Set<Integer> optionKinds) {
        static Syn parse(String line) {
            String[] f = line.split("\t", -1);
            Set<Integer> kinds = new TreeSet<>();
            for (String k : f[5].split(",")) {
                if (!k.isEmpty()) {
                    kinds.add(Integer.parseInt(k));
                }
            }
            return new Syn(f[0], f[1].equals("1") || f[1].equalsIgnoreCase("true"), Integer.parseInt(f[2]),
                    f[3].isEmpty() ? -1 : Integer.parseInt(f[3]), kinds);
        }

        /** MSS (2), SACK-permitted (4), timestamps (8) and window scale (3) all present. */
        boolean offersAll() {
            return optionKinds.containsAll(Set.of(2, 3, 4, 8));
        }
    }

    @Test
    void synAndSynAckNegotiateMssWindowScaleSackAndTimestampsWithLinuxBothWays() throws Exception {
        Path file = dir.resolve("handshake.pcap");
        PcapTap tap = new PcapTap(PcapWriter.pcap(file, PcapWriter.LINKTYPE_ETHERNET));
        TcpInfo asServer;
        TcpInfo asClient;
        String stackIp;
        String hostIp;
        try (TestStack net = new TestStack()) {
            net.closeLater(tap);
            TapPeer peer = net.link(net.namespace(), "10.74.0.2/24", "10.74.0.1/24", 1500, tap);
            stackIp = peer.stackIp();
            hostIp = peer.hostIp();
            CompletableFuture<TcpInfo> serverInfo = new CompletableFuture<>();
            TcpBulk.listen(net.stack(), 6010, c -> {
                serverInfo.complete(c.info());
                new TcpBulk.Sink(true).attach(c);
            });
            net.start();
            peer.ns().python(Duration.ofSeconds(30), Scripts.copy(dir, "tcp_bulk.py"), "send", stackIp, "6010", "1000").check();
            asServer = serverInfo.get(10, TimeUnit.SECONDS);

            try (Cmd.Background server = Cmd.start(peer.ns().inside("/usr/bin/python3", Scripts.copy(dir, "tcp_bulk.py").toString(),
                    "serve-recv", hostIp, "6011"))) {
                server.awaitLine("listening"::equals, Duration.ofSeconds(20));
                CompletableFuture<TcpInfo> clientInfo = new CompletableFuture<>();
                TcpBulk.Source source = new TcpBulk.Source(1000, 1);
                TcpBulk.connect(net.stack(), Ip4Address.parse(hostIp), 6011, c -> {
                    clientInfo.complete(c.info());
                    source.attach(c);
                }, source.done);
                asClient = clientInfo.get(10, TimeUnit.SECONDS);
                source.done.get(10, TimeUnit.SECONDS);
                server.finish(Duration.ofSeconds(20)).check();
            }
        }
        List<Syn> syns = new ArrayList<>();
        for (String l : PcapTest.tshark("-r", file.toString(), "-Y", "tcp.flags.syn == 1", "-T", "fields", "-e", "ip.src",
                "-e", "tcp.flags.ack", "-e", "tcp.options.mss_val", "-e", "tcp.options.wscale.shift", "-e", "tcp.dstport",
                "-e", "tcp.option_kind")) {
            syns.add(Syn.parse(l));
        }
        assertEquals(4, syns.size(), "two SYNs and two SYN-ACKs: " + syns);
        Syn kernelSyn = find(syns, hostIp, false);
        Syn stackSynAck = find(syns, stackIp, true);
        Syn stackSyn = find(syns, stackIp, false);
        Syn kernelSynAck = find(syns, hostIp, true);
        for (Syn s : List.of(kernelSyn, stackSynAck, stackSyn, kernelSynAck)) {
            assertTrue(s.offersAll(), "MSS, WS, SACK-permitted, TS in " + s);
            assertEquals(1460, s.mss(), "MSS for a 1500-byte link: " + s);
        }
        // The stack's connections use Linux's window scale and the options both offered.
        for (TcpInfo i : List.of(asServer, asClient)) {
            assertEquals(TcpState.ESTABLISHED, i.state());
            assertTrue(i.timestamps() && i.sack(), i.toString());
            assertEquals(kernelSyn.wscale(), i.sndScale(), "Linux's shift: " + i);
            assertEquals(stackSynAck.wscale(), i.rcvScale(), "our shift: " + i);
            assertEquals(1460 - 12, i.mss(), "MSS less the timestamp option: " + i);
        }
        assertEquals(kernelSynAck.wscale(), asClient.sndScale());
    }

    private static Syn find(List<Syn> syns, String src, boolean ack) {
        return syns.stream().filter(s -> s.src().equals(src) && s.ack() == ack).findFirst()
                .orElseThrow(() -> new AssertionError("no " + (ack ? "SYN-ACK" : "SYN") + " from " + src + " in " + syns));
    }
}
