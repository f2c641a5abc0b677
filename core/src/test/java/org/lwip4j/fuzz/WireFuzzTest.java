package org.lwip4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.BeforeAll;

/**
 * Jazzer fuzz tests, one per wire parser, each asserting {@link WireInvariants} on the
 * fuzzer's bytes laid out by {@link FuzzInput}. In a plain {@code mvn test} they run once
 * per seed in {@code src/test/resources/org/lwip4j/fuzz/WireFuzzTestInputs/<method>/}
 * (regression mode); with {@code JAZZER_FUZZ=1} one of them fuzzes for real (see
 * {@code package-info.java}).
 */
class WireFuzzTest {
    @BeforeAll
    static void regressionModeWithoutHooks() {
        RegressionMode.configure();
    }

    private static final int SRC = 0x0a090001;
    private static final int DST = 0x0a090002;

    @FuzzTest
    void ethernet(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        WireInvariants.ethernet(in.seg(), in.off(), in.len());
    }

    @FuzzTest
    void arp(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        WireInvariants.arp(in.seg(), in.off(), in.len());
    }

    @FuzzTest
    void ipv4(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        WireInvariants.ipv4(in.seg(), in.off(), in.len());
    }

    @FuzzTest
    void icmpv4(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        WireInvariants.icmpv4(in.seg(), in.off(), in.len());
    }

    @FuzzTest
    void udp(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        WireInvariants.udp(in.seg(), in.off(), in.len(), SRC, DST);
    }

    @FuzzTest
    void udpLite(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        WireInvariants.udpLite(in.seg(), in.off(), in.len(), SRC, DST);
    }

    @FuzzTest
    void tcp(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        WireInvariants.tcp(in.seg(), in.off(), in.len(), SRC, DST);
    }

    @FuzzTest
    void tcpOptions(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        WireInvariants.tcpOptions(in.seg(), in.off(), in.len());
    }

    /** A whole frame through every view it reaches: the deepest single target. */
    @FuzzTest
    void frame(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        WireInvariants.frame(in.seg(), in.off(), in.len());
    }
}
