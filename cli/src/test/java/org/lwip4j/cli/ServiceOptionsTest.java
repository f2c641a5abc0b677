package org.lwip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.apps.Echo;
import org.lwip4j.apps.iperf.IperfMode;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.tcp.TcpPcb;
import org.lwip4j.tcp.TcpState;
import org.lwip4j.testing.SimNet;

/** The service and iperf options of {@code run}, the services a run starts, and the TCP lines of {@code --stats}. */
class ServiceOptionsTest {
    private static RunPlan plan(String... args) {
        return RunPlanTest.plan(args);
    }

    @Test
    void echoIsOnByDefaultTheOthersOnRequest() {
        Services d = plan().services();
        assertEquals(Services.echoOnly(), d);
        Services all = plan("--discard", "--chargen", "--iperf").services();
        assertTrue(all.echo() && all.discard() && all.chargen() && all.iperf());
        assertNull(all.iperfServer());
        assertFalse(plan("--no-echo").services().echo());
    }

    @Test
    void theWarmUpExercisesTcpOnlyForARunThatMovesTcpInBulk() {
        assertFalse(plan().services().bulkTcp(), "echo only: the short warm-up of before");
        assertFalse(plan("--no-echo").services().bulkTcp());
        assertTrue(plan("--iperf").services().bulkTcp());
        assertTrue(plan("--discard").services().bulkTcp());
        assertTrue(plan("--chargen").services().bulkTcp());
        assertTrue(plan("-c", "192.168.7.1").services().bulkTcp(), "an iperf client test");
    }

    @Test
    void anIperfClientTestIsTimedTenSecondsByDefault() {
        Services s = plan("-c", "192.168.7.1").services();
        assertEquals(Ip4Address.parse("192.168.7.1"), s.iperfServer());
        assertEquals(Duration.ofSeconds(10), s.iperfOptions().duration());
        assertEquals(IperfMode.NORMAL, s.iperfOptions().mode());
        assertEquals(5001, s.iperfOptions().port());
        Services b = plan("--iperf-client", "fd00::1", "--iperf-bytes", "16M", "--iperf-mode", "dual", "--iperf-port", "5002")
                .services();
        assertEquals(Ip6Address.parse("fd00::1"), b.iperfServer());
        assertNull(b.iperfOptions().duration());
        assertEquals(16L << 20, b.iperfOptions().bytes());
        assertEquals(IperfMode.DUAL, b.iperfOptions().mode());
        assertEquals(5002, b.iperfOptions().port());
        assertEquals(Duration.ofMillis(2500), plan("-c", "10.0.0.1", "--iperf-time", "2.5").services().iperfOptions().duration());
    }

    @Test
    void iperf21sReverseAndFullDuplexTestsAreModesOfTheClient() {
        assertEquals(IperfMode.REVERSE, plan("-c", "10.0.0.1", "--iperf-mode", "reverse").services().iperfOptions().mode());
        assertEquals(IperfMode.FULL_DUPLEX, plan("-c", "10.0.0.1", "--iperf-mode", "full-duplex").services().iperfOptions().mode());
        assertEquals(IperfMode.FULL_DUPLEX, plan("-c", "10.0.0.1", "--iperf-mode", "FULL_DUPLEX").services().iperfOptions().mode());
    }

    @Test
    void badIperfOptionsAreUsageErrors() {
        for (String[] args : List.of(new String[] {"--iperf-time", "5"}, new String[] {"-c", "nonsense"},
                new String[] {"-c", "10.0.0.1", "--iperf-time", "5", "--iperf-bytes", "1K"},
                new String[] {"-c", "10.0.0.1", "--iperf-mode", "sideways"},
                new String[] {"-c", "10.0.0.1", "--iperf-bytes", "3G"},
                new String[] {"-c", "10.0.0.1", "--iperf-port", "70000"},
                new String[] {"-c", "10.0.0.1", "--iperf-time", "0"})) {
            assertThrows(UsageException.class, () -> plan(args), String.join(" ", args));
        }
    }

    @Test
    void aRunStartsTheAskedServicesOnTcpAndUdpOfBothFamilies() throws Exception {
        FakePlatform platform = new FakePlatform();
        RunPlan plan = new RunPlan(List.of(new InterfaceSpec(InterfaceSpec.Kind.TAP, "tap6", Ip4Interface.parse("10.6.0.2/24"),
                Ip4Interface.parse("10.6.0.1/24"), null, null, null, null)), null, false,
                new Services(true, true, true, true, null, null), null, null);
        StackRunner runner = new StackRunner(plan, platform, new PrintWriter(new StringWriter()));
        runner.start();
        try {
            Stack stack = runner.stack();
            Set<String> listening = stack.call(() -> {
                Set<String> all = new TreeSet<>();
                for (TcpPcb p : stack.tcp().pcbs()) {
                    assertEquals(TcpState.LISTEN, p.state());
                    all.add(p.localPort() + " v" + p.localAddr().version());
                }
                return all;
            });
            assertTrue(listening.containsAll(Set.of("7 v6", "9 v6", "19 v6", "5001 v6")), listening.toString());
            String banner = runner.banner();
            assertTrue(banner.contains("nc -u -w1 10.6.0.2 7"), banner);
            assertTrue(banner.contains("nc 10.6.0.2 19 | head"), banner);
            assertTrue(banner.contains("iperf -c 10.6.0.2 -t 5"), banner);
            String table = runner.report();
            assertTrue(table.contains("TCP connections (TCP_INFO"), table);
            assertTrue(table.contains("tcp 0.0.0.0:5001 LISTEN") || table.contains("tcp [::]:5001 LISTEN"), table);
        } finally {
            runner.stop();
        }
        assertFalse(runner.iperfFailed());
    }

    @Test
    void aConnectionLineShowsItsTcpInfo() {
        SimNet net = new SimNet(5);
        Stack a = net.stack(StackConfig.builder().loopbackNetif(false).build());
        Stack b = net.stack(StackConfig.builder().loopbackNetif(false).build());
        VirtualLink link = net.link(Impairments.builder().delay(Duration.ofMillis(10)).build());
        SimNet.attach(a, link.endpointA(), "eth0", "10.1.0.1/24");
        SimNet.attach(b, link.endpointB(), "eth0", "10.1.0.2/24");
        Echo echo = Echo.start(b);
        TcpPcb c = a.newTcpPcb();
        boolean[] up = {false};
        c.onRecv((p, data) -> {
            if (data != null) {
                p.recved(data.totalLength());
                data.free();
            }
        });
        assertEquals(Err.OK, c.connect(Ip4Address.parse("10.1.0.2"), 7, p -> up[0] = true));
        assertTrue(net.runUntil(() -> up[0], Duration.ofSeconds(5)));
        c.write(new byte[1000]);
        net.runFor(Duration.ofSeconds(1));
        String line = TcpConnections.line(c);
        assertTrue(line.startsWith("tcp 10.1.0.1:" + c.localPort() + " <-> 10.1.0.2:7 ESTABLISHED cwnd "), line);
        // 20 ms round trips: srtt near 20 ms; options as negotiated between two lwip4j stacks.
        assertTrue(line.matches(".* srtt 2\\d\\.\\d{3} .*"), line);
        assertTrue(line.contains(" ts sack "), line);
        assertTrue(line.contains(" unacked 0 sendq 0 ooseq 0"), line);
        String lines = TcpConnections.lines(b);
        assertTrue(lines.contains("tcp 10.1.0.2:7 <-> 10.1.0.1:" + c.localPort() + " ESTABLISHED"), lines);
        c.abort();
        echo.close();
    }
}
