package org.lwip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** What the run prints about its counters: one line of changes per interval, the table at exit, unhandled frames named. */
class StatsReportTest {
    private static final int HOST = 0x0a080001; // 10.8.0.1
    private static final int STACK = 0x0a080002; // 10.8.0.2

    /** An IPv6 router solicitation's header (bare IP, as on a TUN device): what a new device's host side sends. */
    private static byte[] ipv6RouterSolicitation() {
        byte[] p = new byte[48];
        p[0] = 0x60;
        p[5] = 8; // payload length
        p[6] = 58; // ICMPv6
        p[7] = (byte) 255;
        p[24] = (byte) 0xff; // ff02::2, all routers
        p[25] = 0x02;
        p[39] = 0x02;
        p[40] = (byte) 133; // router solicitation
        return p;
    }

    @Test
    void periodicLinesShowOnlyWhatChangedAndIpv6GoesToTheIpv6Layer() throws Exception {
        FakePlatform platform = new FakePlatform();
        RunPlan plan = FakePlatform.oneDevice(InterfaceSpec.Kind.TUN, "tun9");
        StringWriter out = new StringWriter();
        StackRunner runner = new StackRunner(plan, platform, new PrintWriter(out, true));
        runner.start();
        try {
            FakePlatform.FakeDriver d = platform.drivers.getFirst();
            d.inject(ipv6RouterSolicitation());
            d.inject(Packets.udp4(HOST, STACK, 40000, StackRunner.ECHO_PORT, "hi".getBytes()));
            assertNotNull(d.sent.poll(10, TimeUnit.SECONDS), "no echo reply");

            String first = runner.periodicReport();
            assertTrue(first.startsWith("lwip4j: stats, last ") && first.endsWith("\n") && first.lines().count() == 1, first);
            // Since the stack speaks IPv6 the router solicitation is IPv6's (received, and
            // dropped by ND on a link without link-layer addresses), not an unhandled frame.
            assertTrue(first.contains("tun9 in +2 in-bytes +78 out +1 out-bytes +30;"), first);
            assertTrue(first.contains("; IPv6 recv +1 drop +1;"), first);
            assertTrue(!first.contains("not handled"), first);
            assertTrue(first.contains("; UDP xmit +1 recv +1;"), first);
            assertEquals("", runner.periodicReport(), "nothing changed: nothing printed");

            d.inject(Packets.udp4(HOST, STACK, 40000, StackRunner.ECHO_PORT, "again".getBytes()));
            assertNotNull(d.sent.poll(10, TimeUnit.SECONDS), "no echo reply");
            String second = runner.periodicReport();
            assertTrue(second.contains("tun9 in +1 in-bytes +33 out +1 out-bytes +33;"), second);
            assertTrue(!second.contains("IPv6"), second);

            String table = runner.report();
            assertTrue(!table.contains("not handled"), table);
        } finally {
            runner.stop();
        }
        assertTrue(!out.toString().contains("not handled"), "nor the table at exit");
    }

    /** An Ethernet frame from the host's MAC to {@code dst} carrying {@code payload} as {@code etherType}. */
    private static byte[] ethernet(byte[] dst, int etherType, byte[] payload) {
        byte[] f = new byte[14 + payload.length];
        System.arraycopy(dst, 0, f, 0, 6);
        byte[] src = {0x02, 0, 0, 0, 0x55, 0x01};
        System.arraycopy(src, 0, f, 6, 6);
        f[12] = (byte) (etherType >>> 8);
        f[13] = (byte) etherType;
        System.arraycopy(payload, 0, f, 14, payload.length);
        return f;
    }

    /**
     * On a TAP device the host's first IPv6 frames go to groups the stack has not joined (its
     * router solicitations to ff02::2, 33:33:00:00:00:02): the link's filter drops them, and
     * the table says so. It used to call them unhandled IPv6, "IPv6 support is not built yet",
     * whenever no IPv6 packet had passed the filter yet, though the stack speaks IPv6. Frames
     * of a protocol the stack lacks are named apart.
     */
    @Test
    void theTableNamesFramesTheFilterKeptOutAndFramesOfProtocolsTheStackLacks() throws Exception {
        FakePlatform platform = new FakePlatform();
        RunPlan plan = FakePlatform.oneDevice(InterfaceSpec.Kind.TAP, "tap9");
        StackRunner runner = new StackRunner(plan, platform, new PrintWriter(new StringWriter(), true));
        runner.start();
        try {
            FakePlatform.FakeDriver d = platform.drivers.getFirst();
            d.inject(ethernet(new byte[] {0x33, 0x33, 0, 0, 0, 0x02}, 0x86dd, ipv6RouterSolicitation()));
            d.inject(ethernet(new byte[] {-1, -1, -1, -1, -1, -1}, 0x88b5, new byte[46])); // an EtherType for local experiments
            d.inject(ethernet(new byte[] {-1, -1, -1, -1, -1, -1}, 0x88b5, new byte[46]));
            runner.stack().call(() -> null); // after the frames, on the loop: they are in
            String line = runner.periodicReport();
            assertTrue(line.contains("tap9 in +3 in-bytes +182 in-drop +3 ") && line.contains(" filtered +1 not-handled +2;"), line);
            String table = runner.report();
            assertTrue(table.contains("filtered on tap9: 1 frames for another station or a multicast group not joined "
                    + "(what a NIC's filter keeps out; counted in in-drop and LINK drop)\n"), table);
            assertTrue(table.contains("not handled on tap9: 2 frames of protocols this stack does not speak "
                    + "(counted in in-drop and LINK proterr/drop)\n"), table);
            assertTrue(!table.contains("not built"), table);
        } finally {
            runner.stop();
        }
    }

    @Test
    void snapshotsCompareFieldByField() {
        StatsSnapshot a = new StatsSnapshot().put("eth0", "in", 5).put("eth0", "out", 2).put("UDP", "recv", 1);
        StatsSnapshot b = new StatsSnapshot().put("eth0", "in", 7).put("eth0", "out", 2).put("UDP", "recv", 4);
        assertEquals("eth0 in +2; UDP recv +3", b.changesSince(a));
        assertEquals("eth0 in +7 out +2; UDP recv +4", b.changesSince(null));
        assertEquals("", b.changesSince(b));
    }

    @Test
    void logRecordsAreOneLwip4jLine() {
        LogRecord r = new LogRecord(Level.WARNING, "reading {0} failed: {1}");
        r.setParameters(new Object[] {"tap0", "No such device"});
        assertEquals("lwip4j: WARNING reading tap0 failed: No such device" + System.lineSeparator(), new OneLineLogFormat().format(r));
        r.setThrown(new IllegalStateException("boom"));
        assertEquals("lwip4j: WARNING reading tap0 failed: No such device (java.lang.IllegalStateException: boom)"
                + System.lineSeparator(), new OneLineLogFormat().format(r));
    }
}
