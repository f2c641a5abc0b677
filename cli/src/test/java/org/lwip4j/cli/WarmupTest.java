package org.lwip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.Simulator;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.StackConfig;

/**
 * The warm-up and the hidden {@code train} command: every request of a session is answered
 * (so the paths the JIT and the AOT cache are to learn really ran), every TCP connection
 * carries its bytes and closes cleanly with no pcb left behind (and, as in every test here,
 * no pbuf), and the training run says what it did.
 */
class WarmupTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new FakePlatform(), new ManualStop(), new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void oneSessionAnswersEveryPingAndEveryEchoFragmentedOnesIncluded() {
        Warmup.Result r = Warmup.run(Duration.ZERO, 1);
        assertEquals(1, r.sessions());
        assertEquals(1000, r.pings(), r.toString());
        assertEquals(1000, r.udpEchoes(), r.toString());
        // Datagrams of 3000 bytes: 20 rounds of 1000 ask for one, 5 of them give way to a 1400-byte one.
        assertEquals(15, r.fragmentedEchoes(), r.toString());
        // The link-local address's DAD ran to its end, and its event line was formatted as the run prints it.
        String line = r.addressLine();
        assertTrue(line != null && line.startsWith("lwip4j: warm0 IPv6 fe80::")
                && line.endsWith("preferred (DAD done: no other node has it)"), line);
        // Then the device path, with no budget left: its least, 200 round trips, every 8th a UDP echo.
        assertEquals(175, r.devicePings(), r.toString());
        assertEquals(25, r.deviceUdpEchoes(), r.toString());
        // Then a TCP stream through the device to an iperf server, closed with FINs both ways.
        assertEquals(Warmup.DEVICE_TCP_BYTES, r.deviceTcpBytes(), r.toString());
        assertTrue(r.deviceTcpClosed(), r.toString());
        // Then one TCP session: iperf there and back, echo, discard, chargen; each closed cleanly.
        assertEquals(1, r.tcpSessions(), r.toString());
        assertEquals(5, r.tcpConnections(), r.toString());
        assertEquals(5, r.tcpClosedCleanly(), r.toString());
        assertEquals(Warmup.TCP_BULK_BYTES + TcpWarmup.ECHO_BYTES + TcpWarmup.DISCARD_BYTES, r.tcpBytesIn(), r.toString());
        assertTrue(r.tcpBytesOut() >= Warmup.TCP_BULK_BYTES + TcpWarmup.ECHO_BYTES + TcpWarmup.CHARGEN_BYTES, r.toString());
        assertTrue(r.answered());
    }

    @Test
    void aTcpSessionCarriesEveryByteBothWaysAndClosesEveryConnectionCleanly() {
        TcpWarmup.Result r = TcpWarmup.session(7, 100_000);
        assertEquals(1, r.sessions());
        // iperf's stream to the stack and its answering stream back, echo, discard, chargen.
        assertEquals(5, r.connections());
        // Clean: FINs both ways, no error, every byte there (the echo's checked byte for byte),
        // and neither stack holds a connection afterwards (TIME_WAIT over).
        assertEquals(5, r.closedCleanly(), r.toString());
        assertEquals(100_000 + TcpWarmup.ECHO_BYTES + TcpWarmup.DISCARD_BYTES, r.bytesIn());
        long chargen = r.bytesOut() - 100_000 - TcpWarmup.ECHO_BYTES;
        assertTrue(chargen >= TcpWarmup.CHARGEN_BYTES, "chargen sent until our FIN: " + r);
        assertTrue(r.clean());
    }

    @Test
    void aTcpStreamThroughTheDeviceOfAnOddLengthIsAcknowledgedWholeAndClosed() {
        // 10,001 bytes: six full segments and a short one, the last burst ending with the FIN.
        DeviceWarmup.Result r = DeviceWarmup.run(System.nanoTime(), 8, 8, 10_001);
        assertEquals(7, r.pings());
        assertEquals(1, r.udpEchoes());
        assertEquals(10_001, r.tcpBytes());
        assertTrue(r.tcpClosed(), "the iperf server reported every byte of a stream ended by FINs: " + r);
    }

    @Test
    void anInterruptedWarmUpRunsNothingAndLeavesNothingBehind() {
        Thread.currentThread().interrupt();
        Warmup.Result r;
        try {
            r = Warmup.run(Duration.ofHours(1), 1000);
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt status stays set");
        }
        assertEquals(0, r.sessions(), r.toString());
        assertEquals(0, r.devicePings(), r.toString());
        assertEquals(0, r.deviceTcpBytes(), r.toString());
        assertEquals(0, r.tcpSessions(), r.toString());
    }

    @Test
    void aWarmUpInterruptedOnItsWayEndsEarlyWithEveryStackClosed() throws InterruptedException {
        Warmup.Result[] r = new Warmup.Result[1];
        Thread t = Thread.ofPlatform().start(() -> r[0] = Warmup.run(Duration.ofHours(1), 1000));
        Thread.sleep(300);
        t.interrupt();
        t.join(60_000);
        assertFalse(t.isAlive(), "an hour's budget, ended by the interrupt");
        // Whatever part it was in, it stopped there: nowhere near 1000 sessions, and the leak
        // check after this test finds every pbuf of its stacks freed.
        assertTrue(r[0].sessions() + r[0].tcpSessions() < 1000, r[0].toString());
    }

    @Test
    void aTcpResultIsCleanOnlyWhenEveryConnectionClosedCleanly() {
        assertFalse(TcpWarmup.Result.NONE.clean(), "no session ran");
        assertTrue(new TcpWarmup.Result(1, 5, 5, 1, 1).clean());
        assertFalse(new TcpWarmup.Result(1, 5, 4, 1, 1).clean());
        TcpWarmup.Result two = new TcpWarmup.Result(1, 5, 5, 10, 20).plus(new TcpWarmup.Result(1, 5, 4, 1, 2));
        assertEquals(new TcpWarmup.Result(2, 10, 9, 11, 22), two);
        assertFalse(two.clean());
    }

    @Test
    void aWarmUpWithoutTcpBytesRunsNoTcpSessionAndDoesNotCountAsAnswered() {
        Warmup.Result r = Warmup.run(Duration.ZERO, 1, 0, 0);
        assertEquals(0, r.tcpSessions());
        assertEquals(0, r.deviceTcpBytes());
        assertFalse(r.deviceTcpClosed());
        assertEquals(1000, r.pings());
        assertFalse(r.answered(), "the TCP paths did not run: " + r);
        assertThrows(IllegalArgumentException.class, () -> Warmup.run(Duration.ZERO, 1, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> Warmup.run(Duration.ZERO, 1, 0, -1));
    }

    @Test
    void sessionsStopAtTheirLimitWhateverTheBudget() {
        Warmup.Result r = Warmup.run(Duration.ofHours(1), 2);
        assertEquals(2, r.sessions());
        assertEquals(2000, r.pings());
        assertEquals(2000, r.udpEchoes());
        assertEquals(2, r.tcpSessions());
        assertEquals(10, r.tcpClosedCleanly());
    }

    @Test
    void theRunsWarmUpTakesEverySimulatedPathOnceInOneShortSession() {
        Warmup.Result r = Warmup.run(Duration.ZERO, 1, Warmup.RUN_ROUNDS, 1, 0, 0, true);
        assertEquals(1, r.sessions(), r.toString());
        assertEquals(Warmup.RUN_ROUNDS, r.pings(), r.toString());
        assertEquals(Warmup.RUN_ROUNDS, r.udpEchoes(), r.toString());
        // Round 25 asks for a 3000-byte echo: fragments both ways, and the reassembly of each.
        assertEquals(1, r.fragmentedEchoes(), r.toString());
        assertTrue(r.addressLine() != null && r.addressLine().endsWith("preferred (DAD done: no other node has it)"), r.addressLine());
        // With TCP, the run's TCP session comes after a pause for its share of the budget
        // (70 % of 200 ms here), and still carries its bytes and closes cleanly.
        Warmup.Result tcp = Warmup.run(Duration.ofMillis(200), 1, Warmup.RUN_ROUNDS, 1, 64 << 10, 0, true);
        assertEquals(1, tcp.tcpSessions(), tcp.toString());
        assertEquals(5, tcp.tcpClosedCleanly(), tcp.toString());
        assertThrows(IllegalArgumentException.class, () -> Warmup.run(Duration.ZERO, 1, 0, 1, 0, 0, false));
        assertThrows(IllegalArgumentException.class, () -> Warmup.run(Duration.ZERO, 0, 1, 1, 0, 0, false));
    }

    /**
     * The warm-up's netifs are set up as the run's, frame tap included: none, as a run without
     * {@code --pcap}. A warm-up netif without the tap a run's netif had (the run once counted
     * unhandled frames with one) let the JIT compile the receive and send paths assuming no
     * tap, and the run's first frame threw that code away ("unstable_if" deoptimizations of
     * {@code Netif.inputOnLoop} and {@code linkOutput}): a fresh process answered its pings
     * 21–70 from the interpreter and C1's code, and only thousands of frames later from C2's.
     */
    @Test
    void theWarmUpsNetifsHaveTheFrameTapOfARunsNetif() throws Exception {
        FakePlatform platform = new FakePlatform();
        RunPlan plan = FakePlatform.oneDevice(InterfaceSpec.Kind.TAP, "tap9");
        StackRunner runner = new StackRunner(plan, platform, new PrintWriter(new StringWriter(), true));
        runner.start();
        try {
            Netif run = platform.drivers.getFirst().netif;
            assertNull(runner.stack().call(run::tap), "a run's netif without --pcap");
        } finally {
            runner.stop();
        }
        Simulator sim = new Simulator(1);
        VirtualLink link = new VirtualLink(sim, Impairments.NONE);
        Stack s = Warmup.stack(sim, StackConfig.defaults(), link.endpointA(), Ip4Interface.parse("10.99.0.2/24"));
        try {
            assertNull(s.netifs().byName("warm0").tap());
        } finally {
            s.close();
        }
        Stack d = Stack.create(StackConfig.defaults());
        try {
            Netif n = d.call(() -> DeviceWarmup.addNetif(d, new CaptureDriver()));
            assertNull(d.call(n::tap));
        } finally {
            d.close();
        }
    }

    @Test
    void aNegativeBudgetOrNoSessionIsMisuse() {
        assertThrows(IllegalArgumentException.class, () -> Warmup.run(Duration.ofMillis(-1), 1));
        assertThrows(IllegalArgumentException.class, () -> Warmup.run(Duration.ZERO, 0));
    }

    @Test
    void trainSaysWhatItDidAndExits0() {
        assertEquals(0, run("train", "--seconds", "0"));
        assertTrue(out.toString().startsWith("lwip4j train: 1 sessions, 1000 pings, 1000 UDP echoes (15 fragmented); through a device: 175 pings, 25 UDP echoes, TCP "
                + Warmup.DEVICE_TCP_BYTES + " bytes closed; "
                + "TCP: 1 sessions, 5 of 5 connections closed cleanly, " + (Warmup.TCP_BULK_BYTES + TcpWarmup.ECHO_BYTES + TcpWarmup.DISCARD_BYTES)
                + " bytes in, "), out.toString());
    }

    @Test
    void trainRejectsANegativeDuration() {
        assertEquals(2, run("train", "--seconds", "-1"));
        assertTrue(err.toString().startsWith("lwip4j: --seconds needs 0 to 600"), err.toString());
    }

    @Test
    void trainIsHiddenFromTheHelp() {
        assertEquals(0, run("--help"));
        assertFalse(out.toString().contains("train"), out.toString());
    }
}
