package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lwip4j.netif.pcap.PcapTap;
import org.lwip4j.netif.pcap.PcapWriter;

/** A capture written while the kernel and the stack talk is read by tshark, every frame well formed. */
@RealNetwork.Required({"tshark"})
class PcapTest {
    @TempDir
    Path dir;

    /** tshark's output lines, without its warning about running as root. */
    static List<String> tshark(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("tshark", "-n", "-o", "ip.check_checksum:TRUE",
                "-o", "udp.check_checksum:TRUE"));
        cmd.addAll(List.of(args));
        Cmd.Result r = Cmd.run(Duration.ofSeconds(60), cmd).check();
        return r.output().lines().filter(l -> !l.startsWith("Running as user")).filter(l -> !l.isBlank()).toList();
    }

    /** Checks {@code file} with tshark: readable, no malformed frame or expert error, {@code frames} frames. */
    static List<String> checkCapture(Path file, long frames) {
        List<String> all = tshark("-r", file.toString());
        assertEquals(frames, all.size(), "frames in the file:\n" + String.join("\n", all));
        List<String> bad = tshark("-r", file.toString(), "-Y", "_ws.malformed || _ws.expert.severity == error");
        assertTrue(bad.isEmpty(), "malformed or erroneous frames:\n" + String.join("\n", bad));
        return tshark("-r", file.toString(), "-T", "fields", "-e", "frame.protocols");
    }

    @Test
    void tsharkReadsTheCaptureWithNoMalformedFrame() throws IOException {
        Path file = dir.resolve("stack.pcap");
        PcapTap tap = new PcapTap(PcapWriter.pcap(file, PcapWriter.LINKTYPE_ETHERNET));
        long frames;
        try (TestStack net = new TestStack()) {
            net.closeLater(tap); // closed after the stack, so every frame is in the file
            TapPeer peer = net.link(net.namespace(), "10.75.0.2/24", "10.75.0.1/24", 1500, tap);
            UdpEcho.start(net.stack(), 7);
            net.start();
            peer.ns().run("ping", "-n", "-c", "5", "-i", "0.05", "-W", "2", peer.stackIp()).check();
            peer.ns().run("ping", "-n", "-c", "2", "-i", "0.05", "-W", "2", "-s", "3000", peer.stackIp()).check();
            peer.ns().python(Duration.ofSeconds(30), Scripts.copy(dir, "udp_echo_client.py"), peer.stackIp(), "7", "1", "2000")
                    .check();
            peer.ns().python(Duration.ofSeconds(30), Scripts.copy(dir, "udp_refused.py"), peer.stackIp(), "9").check();
            frames = net.call(tap::frames);
        }
        List<String> protocols = checkCapture(file, tap.frames());
        assertTrue(tap.frames() >= frames && frames > 0, "frames captured: " + frames);
        assertTrue(protocols.stream().anyMatch(p -> p.equals("eth:ethertype:arp")), "ARP captured");
        assertTrue(protocols.stream().anyMatch(p -> p.equals("eth:ethertype:ip:icmp:data")), "pings captured");
        assertTrue(protocols.stream().anyMatch(p -> p.startsWith("eth:ethertype:ip:udp")), "UDP captured");
        assertTrue(protocols.stream().anyMatch(p -> p.contains("icmp:ip:udp")), "ICMP port unreachable captured");
    }
}
