package org.lwip4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.netif.Ip4Interface;

/** The banner tells how to reach the stack, and what is missing first when the host side has no address. */
class BannerTest {
    private static String banner(Ip4Interface hostIp4, boolean created) throws Exception {
        FakePlatform platform = new FakePlatform();
        platform.create = created;
        RunPlan plan = new RunPlan(List.of(new InterfaceSpec(InterfaceSpec.Kind.TAP, "tap5", Ip4Interface.parse("10.5.0.2/24"),
                hostIp4, null, null, null, null)), null, false, Services.echoOnly(), null, null);
        StackRunner runner = new StackRunner(plan, platform, new PrintWriter(new StringWriter()));
        runner.start();
        try {
            return runner.banner();
        } finally {
            runner.stop();
        }
    }

    @Test
    void aCreatedDeviceWithoutHostAddressSaysToGiveItOneBeforePing() throws Exception {
        String b = banner(null, true);
        assertTrue(b.contains("host side without address"), b);
        assertTrue(b.contains("  ip addr add ADDR/24 dev tap5    (the host side has no address yet; then:)\n  ping 10.5.0.2\n"), b);
    }

    @Test
    void withAHostAddressPingIsEnough() throws Exception {
        String b = banner(Ip4Interface.parse("10.5.0.1/24"), true);
        assertTrue(b.contains("host side 10.5.0.1/24"), b);
        assertTrue(b.contains("Reach it:\n  ping 10.5.0.2\n"), b);
        assertTrue(!b.contains("ip addr add"), b);
    }

    @Test
    void anAttachedDeviceIsLeftAsItWas() throws Exception {
        String b = banner(null, false);
        assertTrue(b.contains("host side left as it was"), b);
        assertTrue(b.contains("Reach it:\n  ping 10.5.0.2\n"), b);
    }
}
