package org.lwip4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.BeforeAll;

/**
 * Jazzer fuzz tests for the IPv6, ICMPv6, ND, MLD and IGMP parsers, each asserting
 * {@link Ipv6WireInvariants} on the fuzzer's bytes laid out by {@link FuzzInput}. Seeds in
 * {@code src/test/resources/org/lwip4j/fuzz/Ipv6WireFuzzTestInputs/<method>/}; see
 * {@code package-info.java} for running one for real.
 */
class Ipv6WireFuzzTest {
    @BeforeAll
    static void regressionModeWithoutHooks() {
        RegressionMode.configure();
    }

    private static final long LL = 0xfe80_0000_0000_0000L;
    private static final long FF02 = 0xff02_0000_0000_0000L;

    @FuzzTest
    void ipv6(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        Ipv6WireInvariants.ipv6(in.seg(), in.off(), in.len());
    }

    @FuzzTest
    void icmpv6(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        Ipv6WireInvariants.icmpv6(in.seg(), in.off(), in.len(), LL, 1, FF02, 1);
    }

    @FuzzTest
    void ndOptions(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        Ipv6WireInvariants.options(in.seg(), in.off(), in.len());
    }

    @FuzzTest
    void igmp(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        Ipv6WireInvariants.igmp(in.seg(), in.off(), in.len());
    }

    /** A whole frame: IPv6 through its extension headers to ICMPv6 (ND, MLD), or IPv4 to IGMP. */
    @FuzzTest
    void frame6(byte[] data) {
        FuzzInput in = FuzzInput.of(data);
        Ipv6WireInvariants.frame(in.seg(), in.off(), in.len());
    }
}
