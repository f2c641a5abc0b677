package org.lwip4j.netif.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lwip4j.netif.testing.Frames;
import org.lwip4j.netif.testing.Host;

/** Files we write are read by tshark without complaint (skips when tshark is not installed). */
class TsharkTest {
    static String tshark;

    @TempDir
    Path dir;

    @BeforeAll
    static void findTshark() {
        for (String p : new String[] {"/usr/bin/tshark", "/usr/local/bin/tshark", "/usr/sbin/tshark"}) {
            if (Files.isExecutable(Path.of(p))) {
                tshark = p;
            }
        }
        if (tshark == null && Host.ci()) {
            throw new AssertionError("CI=true but tshark is not installed (apt-get install -y tshark)");
        }
        if (tshark == null) {
            Host.skip(TsharkTest.class, "tshark is not installed (apt-get install -y tshark)");
        }
    }

    private static byte[] frames(int i) {
        return switch (i) {
            case 0 -> Frames.arpRequest(0x020000000001L, 0x0a000001, 0x0a000002);
            case 1 -> Frames.ping(0x020000000001L, 0x020000000002L, 0x0a000001, 0x0a000002, 1, 1, new byte[32], false);
            default -> throw new IllegalArgumentException();
        };
    }

    private static String read(Path f, String... extra) {
        String[] cmd = new String[4 + extra.length];
        cmd[0] = tshark;
        cmd[1] = "-n";
        cmd[2] = "-r";
        cmd[3] = f.toString();
        System.arraycopy(extra, 0, cmd, 4, extra.length);
        Host.Result r = Host.exec(cmd);
        assertEquals(0, r.code(), "tshark failed: " + r.output());
        // Drop tshark's own notice about running as root.
        return r.output().lines().filter(l -> !l.startsWith("Running as user")).collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    void classicEthernetPcapReadsCleanly() throws Exception {
        Path f = dir.resolve("eth.pcap");
        try (PcapWriter w = PcapWriter.pcap(f, PcapWriter.LINKTYPE_ETHERNET)) {
            w.write(0, 1_700_000_000_000_000_000L, frames(0), true);
            w.write(0, 1_700_000_000_000_100_000L, frames(1), false);
        }
        String out = read(f);
        assertFalse(out.contains("Malformed"), out);
        assertTrue(out.contains("ARP") && out.contains("Who has 10.0.0.2? Tell 10.0.0.1"), out);
        assertTrue(out.contains("ICMP") && out.contains("Echo (ping) request"), out);
        String detail = read(f, "-V");
        assertFalse(detail.contains("Malformed") || detail.contains("Expert Info (Error"), detail);
    }

    @Test
    void pcapngWithEthernetAndRawIpReadsCleanly() throws Exception {
        Path f = dir.resolve("mixed.pcapng");
        try (PcapWriter w = PcapWriter.pcapng(f)) {
            int eth = w.addInterface("tap0", PcapWriter.LINKTYPE_ETHERNET);
            int tun = w.addInterface("tun0", PcapWriter.LINKTYPE_RAW);
            w.write(eth, 1_700_000_000_000_000_001L, frames(0), true);
            w.write(tun, 1_700_000_000_000_000_002L, Frames.ipv4(0x0a000001, 0x0a000002, 1, Frames.icmpEcho(7, 1, new byte[16], false)),
                    false);
        }
        String out = read(f, "-T", "fields", "-e", "frame.interface_name", "-e", "frame.p2p_dir", "-e", "frame.time_epoch",
                "-e", "_ws.col.Protocol");
        assertFalse(out.contains("Malformed"), out);
        String[] lines = out.strip().split("\n");
        assertEquals(2, lines.length, out);
        // frame.p2p_dir: 0 sent, 1 received (from epb_flags).
        assertEquals("tap0\t0\t1700000000.000000001\tARP", lines[0]);
        assertEquals("tun0\t1\t1700000000.000000002\tICMP", lines[1]);
        String detail = read(f, "-V");
        assertFalse(detail.contains("Malformed"), detail);
        assertTrue(detail.contains("Direction: Outbound") || detail.contains("Outbound"), "epb_flags direction shown: " + detail);
    }
}
