package org.lwip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import picocli.CommandLine;

/**
 * The IPv6 options of {@code run}: {@code --ip6}, {@code --host-ip6}, {@code --gw6},
 * {@code --slaac}, the {@code ip6=}/{@code host-ip6=} keys of {@code --if}, each refused with
 * its reason; and what a run does with them: addresses on the netifs, the router, the host
 * side, banner and stats with every address and its state, a line per address change.
 */
class Ip6OptionsTest {
    private static RunPlan plan(String... args) {
        CommandLine cl = Main.commandLine(new FakePlatform(), new ManualStop());
        String[] all = new String[args.length + 1];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        cl.parseArgs(all);
        RunCommand run = cl.getSubcommands().get("run").getCommand();
        return run.plan();
    }

    private static String refused(String... args) {
        return assertThrows(UsageException.class, () -> plan(args)).getMessage();
    }

    private static Ip6Cidr c(String s) {
        return Ip6Cidr.parse(s, "test");
    }

    @Test
    void withoutIp6OptionsAnInterfaceHasNoIpv6AddressOfItsOwnAndNoHostSideOne() {
        InterfaceSpec s = plan().interfaces().getFirst();
        assertEquals(List.of(), s.ip6());
        assertNull(s.hostIp6());
        assertNull(plan().gw6());
        assertFalse(plan().slaac());
    }

    @Test
    void ip6IsRepeatableAndTheHostSideTakesTheFirstOtherAddressOfTheFirstPrefix() {
        RunPlan p = plan("--ip6", "fd00:7::2/64", "--ip6", "2001:db8:7::2/64", "--gw6", "fe80::1", "--slaac");
        InterfaceSpec s = p.interfaces().getFirst();
        assertEquals(List.of(c("fd00:7::2/64"), c("2001:db8:7::2/64")), s.ip6());
        assertEquals(c("fd00:7::1/64"), s.hostIp6());
        assertEquals(new RunPlan.Gateway6(Ip6Address.parse("fe80::1"), "lwip0"), p.gw6(), "the only interface");
        assertEquals(s, p.gateway6Interface());
        assertTrue(p.slaac());
        // The stack at ::1: the host gets ::2; /127: the other one; /128: none; or as given; or none.
        assertEquals(c("fd00:7::2/64"), plan("--ip6", "fd00:7::1/64").interfaces().getFirst().hostIp6());
        assertEquals(c("fd00:7::4/127"), plan("--ip6", "fd00:7::5/127").interfaces().getFirst().hostIp6());
        assertNull(plan("--ip6", "fd00:7::5/128").interfaces().getFirst().hostIp6());
        assertEquals(c("fd00:7::99/64"),
                plan("--ip6", "fd00:7::2/64", "--host-ip6", "fd00:7::99/64").interfaces().getFirst().hostIp6());
        assertNull(plan("--ip6", "fd00:7::2/64", "--host-ip6", "none").interfaces().getFirst().hostIp6());
    }

    @Test
    void ifSpecsTakeIp6AndHostIp6AndAGlobalGatewayFindsItsInterface() {
        RunPlan p = plan("--forward", "--gw6", "2001:db8:2::fe",
                "--if", "tap:red0,ip4=10.1.0.1/24,ip6=2001:db8:1::1/64,host-ip6=2001:db8:1::2/64",
                "--if", "tap:blue0,ip4=10.2.0.1/24,ip6=2001:db8:2::1/64,ip6=fd00:2::1/64");
        InterfaceSpec red = p.interfaces().get(0);
        InterfaceSpec blue = p.interfaces().get(1);
        assertEquals(List.of(c("2001:db8:1::1/64")), red.ip6());
        assertEquals(c("2001:db8:1::2/64"), red.hostIp6());
        assertEquals(List.of(c("2001:db8:2::1/64"), c("fd00:2::1/64")), blue.ip6());
        assertEquals(c("2001:db8:2::2/64"), blue.hostIp6());
        assertEquals(blue, p.gateway6Interface());
        assertEquals(new RunPlan.Gateway6(Ip6Address.parse("fe80::9"), "blue0"), plan("--gw6", "fe80::9%blue0",
                "--if", "tap:red0,ip4=10.1.0.1/24", "--if", "tap:blue0,ip4=10.2.0.1/24").gw6());
    }

    @Test
    void badIp6ValuesAreRefusedWithTheirReason() {
        assertTrue(refused("--ip6", "fd00:7::2").contains("expected ADDRESS/PREFIX-LENGTH"));
        assertTrue(refused("--ip6", "fd00:7::g/64").contains("not an IPv6 address"));
        assertTrue(refused("--ip6", "10.0.0.1/24").contains("not an IPv6 address"));
        assertTrue(refused("--ip6", "fd00:7::2/129").contains("outside 1..128"));
        assertTrue(refused("--ip6", "fd00:7::2/0").contains("outside 1..128"));
        assertTrue(refused("--ip6", "ff02::1/64").contains("multicast"));
        assertTrue(refused("--ip6", "::/64").contains("unspecified"));
        assertTrue(refused("--ip6", "::1/128").contains("loopback"));
        assertTrue(refused("--ip6", "::ffff:10.0.0.1/96").contains("IPv4-mapped"));
        assertTrue(refused("--ip6", "fe80::2/64").contains("forms its own link-local address"));
        assertTrue(refused("--ip6", "fd00:7::2%3/64").contains("no %zone"));
        assertTrue(refused("--ip6", "fd00:7::2/64", "--ip6", "fd00:7::2/64").contains("given twice"));
        assertTrue(refused("--ip6", "fd00:1::1/64", "--ip6", "fd00:2::1/64", "--ip6", "fd00:3::1/64", "--ip6",
                "fd00:4::1/64", "--ip6", "fd00:5::1/64").contains("at most 4"));
    }

    @Test
    void aBadHostSideIsRefusedWithItsReason() {
        assertTrue(refused("--host-ip6", "fd00:7::1/64").contains("needs an IPv6 address of the stack"));
        assertTrue(refused("--ip6", "fd00:7::2/64", "--host-ip6", "fd00:7::2/64").contains("cannot both have"));
        assertTrue(refused("--ip6", "fd00:7::2/64", "--host-ip6", "fd00:8::1/64").contains("outside the stack's IPv6 prefixes"));
        assertTrue(refused("--ip6", "fd00:7::2/64", "--host-ip6", "fd00:7::1/127").contains("does not hold the stack's"));
        assertTrue(refused("--ip6", "fd00:7::2/64", "--host-ip6", "fe80::1/64").contains("link-local"));
        assertTrue(refused("--if", "tap:a0,ip4=10.1.0.1/24,ip6=fd00:1::1/64,host-ip6=fd00:9::1/64")
                .contains("outside the stack's IPv6 prefixes"));
        assertTrue(refused("--if", "tap:a0,ip4=10.1.0.1/24,ip7=fd00:1::1/64").contains("known: ip4, host-ip4, ip6, host-ip6"));
    }

    @Test
    void badGatewaysAndCombinationsAreRefusedWithTheirReason() {
        assertTrue(refused("--ip6", "fd00:7::2/64", "--gw6", "fd00:7::2").contains("the stack's own address"));
        assertTrue(refused("--ip6", "fd00:7::2/64", "--gw6", "fd00:8::1").contains("in none of the interfaces' IPv6 prefixes"));
        assertTrue(refused("--gw6", "ff02::2").contains("multicast"));
        assertTrue(refused("--gw6", "fe80::1%nosuch0").contains("there is no interface nosuch0"));
        assertTrue(refused("--gw6", "fe80::1", "--if", "tap:a0,ip4=10.1.0.1/24", "--if", "tap:b0,ip4=10.2.0.1/24")
                .contains("say on which one"));
        assertTrue(refused("--gw6", "fd00:9::1%a0", "--if", "tap:a0,ip4=10.1.0.1/24,ip6=fd00:1::1/64",
                "--if", "tap:b0,ip4=10.2.0.1/24").contains("in none of a0's prefixes"));
        assertTrue(refused("--forward", "--if", "tap:a0,ip4=10.1.0.1/24,ip6=fd00:1::1/48",
                "--if", "tap:b0,ip4=10.2.0.1/24,ip6=fd00:1:0:5::1/64").contains("IPv6 prefixes of a0"));
        assertTrue(refused("--forward", "--slaac", "--if", "tap:a0,ip4=10.1.0.1/24", "--if", "tap:b0,ip4=10.2.0.1/24")
                .contains("exclude each other"));
    }

    @Test
    void aRunPutsTheAddressesAndRouterOnTheNetifAndShowsEveryAddressWithItsState() throws Exception {
        FakePlatform platform = new FakePlatform();
        platform.create = true;
        StringWriter text = new StringWriter();
        RunPlan plan = plan("--tap", "tap6", "--ip6", "fd00:6::2/64", "--gw6", "fd00:6::fe", "--no-echo");
        StackRunner runner = new StackRunner(plan, platform, new PrintWriter(text, true));
        runner.start();
        try {
            Netif n = runner.stack().call(() -> runner.stack().netifs().byName("tap6"));
            List<Ip6Addresses.Entry> all = runner.stack().call(() -> n.ip6().all());
            assertEquals(2, all.size(), all.toString());
            Ip6Addresses.Entry global = runner.stack().call(() -> n.ip6().find(Ip6Address.parse("fd00:6::2")));
            assertEquals(64, global.prefixLength());
            Ip6Addresses.Entry ll = runner.stack().call(() -> n.ip6().linkLocal());
            assertEquals(Ip6Address.parse("fd00:6::fe"), runner.stack().call(() -> n.ip6().gateway()));
            assertTrue(platform.hostConfigured.contains("tap6 192.168.7.1/24 fd00:6::1/64"), platform.hostConfigured.toString());
            String b = runner.banner();
            assertTrue(b.contains("           IPv6 fd00:6::2/64 tentative\n"), b);
            String lla = ll.address().withZone(0) + "%tap6";
            assertTrue(b.contains("           IPv6 " + lla + "/64 tentative\n"), b);
            assertTrue(b.contains("host side IPv6 fd00:6::1/64"), b);
            assertTrue(b.contains("IPv6 default router fd00:6::fe"), b);
            assertTrue(b.contains("  ping fd00:6::2\n"), b);
            assertTrue(b.contains("  ping " + lla + "\n"), b);
            // No one answers the DAD probes of the in-memory device: both become preferred, one line each.
            awaitText(text, "lwip4j: tap6 IPv6 fd00:6::2/64 preferred (DAD done: no other node has it)\n");
            awaitText(text, "lwip4j: tap6 IPv6 " + lla + "/64 preferred (DAD done: no other node has it)\n");
            assertTrue(runner.report().contains("addresses:\n  tap6\n    IPv4 192.168.7.2/24\n"), runner.report());
            assertTrue(runner.report().contains("    IPv6 fd00:6::2/64 preferred\n"), runner.report());
            // Later changes, one line each as they happen.
            runner.stack().call(() -> {
                n.ip6().add(Ip6Address.parse("fd00:6::9"), 64);
                n.ip6().setLifetimes(n.ip6().find(Ip6Address.parse("fd00:6::2")), null, java.time.Duration.ZERO);
                n.ip6().remove(Ip6Address.parse("fd00:6::9"));
                return null;
            });
            // The lines come from the console's thread (the loop never waits for the terminal), in order.
            awaitText(text, "lwip4j: tap6 IPv6 fd00:6::9/64 added, tentative (duplicate address detection "
                    + "running)\nlwip4j: tap6 IPv6 fd00:6::2/64 deprecated (preferred lifetime over: kept for existing traffic, "
                    + "not used for new)\nlwip4j: tap6 IPv6 fd00:6::9/64 removed\n");
        } finally {
            runner.stop();
        }
    }

    @Test
    void anInterfaceMayHaveIpv6OnlyAndSaysSo() throws Exception {
        RunPlan p = plan("--ip4", "none", "--ip6", "fd00:5::2/64");
        InterfaceSpec s = p.interfaces().getFirst();
        assertNull(s.ip4());
        assertNull(s.hostIp4(), "no IPv4 on the stack: none on the host side either");
        assertEquals(c("fd00:5::1/64"), s.hostIp6());
        RunPlan two = plan("--forward", "--if", "tap:a0,ip4=none,ip6=fd00:1::1/64", "--if", "tap:b0,ip4=10.2.0.1/24,ip6=fd00:2::1/64");
        assertNull(two.interfaces().getFirst().ip4());
        assertTrue(refused("--ip4", "none", "--host-ip4", "10.0.0.1/24").contains("needs an IPv4 address of the stack"));
        assertTrue(refused("--if", "tap:a0,ip6=fd00:1::1/64").contains("ip4=none for an interface with IPv6 only"));

        FakePlatform platform = new FakePlatform();
        platform.create = true;
        StackRunner runner = new StackRunner(two, platform, new PrintWriter(new StringWriter(), true));
        runner.start();
        try {
            String b = runner.banner();
            assertTrue(b.contains("a0       TAP created  stack no IPv4"), b);
            assertFalse(b.contains("ip route add 10.2.0.0/24"), "no IPv4 route on a side without IPv4: " + b);
            assertTrue(b.contains("  ip -6 route add fd00:2::/64 via fd00:1::1\n"), b);
            assertTrue(b.contains("  ip -6 route add fd00:1::/64 via fd00:2::1\n"), b);
            assertTrue(b.contains("  ping fd00:1::1\n"), b);
            Netif a0 = runner.stack().call(() -> runner.stack().netifs().byName("a0"));
            assertEquals(0, (int) runner.stack().call(() -> a0.ip4().count()), "no IPv4 address on a0");
        } finally {
            runner.stop();
        }
    }

    /** Waits (at most 20 s) until {@code text} holds {@code expected}; fails with what it holds. */
    private static void awaitText(StringWriter text, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!text.toString().contains(expected)) {
            assertTrue(System.nanoTime() < deadline, "no \"" + expected + "\" in:\n" + text);
            Thread.sleep(20);
        }
    }
}
