package org.lwip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.Ip4Interface;
import picocli.CommandLine;

class RunPlanTest {
    static RunPlan plan(String... args) {
        CommandLine cl = Main.commandLine(new FakePlatform(), new ManualStop());
        String[] all = new String[args.length + 1];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        cl.parseArgs(all);
        RunCommand run = cl.getSubcommands().get("run").getCommand();
        return run.plan();
    }

    @Test
    void noOptionsGiveTapLwip0WithEchoAndTheHostOnDotOne() {
        RunPlan p = plan();
        assertEquals(1, p.interfaces().size());
        InterfaceSpec s = p.interfaces().getFirst();
        assertEquals(InterfaceSpec.Kind.TAP, s.kind());
        assertEquals("lwip0", s.name());
        assertEquals(Ip4Interface.parse("192.168.7.2/24"), s.ip4());
        assertEquals(Ip4Interface.parse("192.168.7.1/24"), s.hostIp4());
        assertNull(s.mtu());
        assertNull(s.mac());
        assertTrue(p.echo());
        assertFalse(p.forward());
        assertNull(p.statsInterval());
        assertNull(p.maxSleep());
        assertEquals(s, p.defaultInterface());
    }

    @Test
    void singleInterfaceOptions() {
        RunPlan p = plan("--tap", "tap7", "--ip4", "10.0.0.1/24", "--gw4", "10.0.0.254", "--mtu", "9000",
                "--mac", "02:00:00:00:00:07", "--pcap", "x.pcap", "--stats", "0.5", "--no-echo", "--netns", "red", "--max-sleep-us", "200");
        InterfaceSpec s = p.interfaces().getFirst();
        assertEquals("tap7", s.name());
        // The first address of the subnet is the stack's own: the host gets the next.
        assertEquals(Ip4Interface.parse("10.0.0.2/24"), s.hostIp4());
        assertEquals(9000, s.mtu());
        assertEquals(MacAddress.parse("02:00:00:00:00:07"), s.mac());
        assertEquals(Path.of("x.pcap"), s.pcap());
        assertEquals("red", s.netns());
        assertEquals(Ip4Address.parse("10.0.0.254"), p.gw4());
        assertEquals(Duration.ofMillis(500), p.statsInterval());
        assertEquals(Duration.ofNanos(200_000), p.maxSleep());
        assertFalse(p.echo());
    }

    @Test
    void tunWithoutHostAddress() {
        InterfaceSpec s = plan("--tun", "tun3", "--ip4", "10.8.0.2/30", "--host-ip4", "none").interfaces().getFirst();
        assertEquals(InterfaceSpec.Kind.TUN, s.kind());
        assertNull(s.hostIp4());
    }

    @Test
    void pointToPointSubnetsGiveTheOtherAddress() {
        assertEquals(Ip4Interface.parse("10.9.0.0/31"), InterfaceSpec.defaultHostAddress(Ip4Interface.parse("10.9.0.1/31")));
        assertNull(InterfaceSpec.defaultHostAddress(Ip4Interface.parse("10.9.0.1/32")));
    }

    @Test
    void routerWithTwoInterfacesHasNoDefaultNetif() {
        RunPlan p = plan("--forward",
                "--if", "tap:red0,ip4=10.1.0.1/24,host-ip4=10.1.0.2/24,netns=red,pcap=red.pcap",
                "--if", "tun:blue0,ip4=10.2.0.1/24,mtu=1400");
        assertTrue(p.forward());
        assertEquals(2, p.interfaces().size());
        InterfaceSpec red = p.interfaces().get(0);
        InterfaceSpec blue = p.interfaces().get(1);
        assertEquals("red", red.netns());
        assertEquals(Path.of("red.pcap"), red.pcap());
        assertEquals(InterfaceSpec.Kind.TUN, blue.kind());
        assertEquals(Ip4Interface.parse("10.2.0.2/24"), blue.hostIp4());
        assertEquals(1400, blue.mtu());
        assertNull(p.defaultInterface(), "a router without a gateway answers unknown nets with ICMP unreachable");
    }

    @Test
    void gatewayPicksTheDefaultNetif() {
        RunPlan p = plan("--forward", "--gw4", "10.2.0.9",
                "--if", "tap:a0,ip4=10.1.0.1/24", "--if", "tap:b0,ip4=10.2.0.1/24");
        assertEquals("b0", p.defaultInterface().name());
    }

    @Test
    void primaryAndFurtherInterfacesMix() {
        RunPlan p = plan("--tap", "x0", "--forward", "--if", "tap:y0,ip4=10.3.0.1/24");
        assertEquals("x0", p.interfaces().get(0).name());
        assertEquals("y0", p.interfaces().get(1).name());
    }

    @Test
    void badSpecsSayWhy() {
        assertThrows(UsageException.class, () -> InterfaceSpec.parse("tap:x"));
        assertThrows(UsageException.class, () -> InterfaceSpec.parse("eth:x,ip4=10.0.0.1/24"));
        assertThrows(UsageException.class, () -> InterfaceSpec.parse("tap:x,ip4=10.0.0.1/24,color=red"));
        assertThrows(UsageException.class, () -> InterfaceSpec.parse("tap:x,ip4=10.0.0.1/24,ip4=10.0.0.2/24"));
        assertThrows(UsageException.class, () -> InterfaceSpec.parse("tun:x,ip4=10.0.0.1/24,mac=02:00:00:00:00:01"));
        assertThrows(UsageException.class, () -> InterfaceSpec.parse("tap:x,ip4=10.0.0.1/24,mac=01:00:5e:00:00:01"));
        assertThrows(UsageException.class, () -> InterfaceSpec.parse("tap:x,ip4=10.0.0.0/24"));
        assertThrows(UsageException.class, () -> InterfaceSpec.parse("tap:x,ip4=10.0.0.255/24"));
        assertThrows(UsageException.class, () -> InterfaceSpec.parse("tap:x,ip4=10.0.0.1/24,host-ip4=10.0.0.1/24"));
        assertThrows(UsageException.class, () -> InterfaceSpec.parse("tap:this-name-is-too-long,ip4=10.0.0.1/24"));
        assertThrows(UsageException.class, () -> InterfaceSpec.parse("tap:a/b,ip4=10.0.0.1/24"));
    }
}
