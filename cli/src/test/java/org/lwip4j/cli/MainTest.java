package org.lwip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Exit codes and what the user reads, through picocli's execute. */
class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(FakePlatform platform, String... args) {
        return Main.execute(platform, new ManualStop(), new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void helpListsTheCommands() {
        assertEquals(0, run(new FakePlatform(), "--help"));
        assertTrue(out.toString().contains("Commands:"), out.toString());
        assertTrue(out.toString().lines().anyMatch(l -> l.strip().startsWith("run ")), out.toString());
    }

    @Test
    void runHelpShowsEveryOptionAndTheRouterExample() {
        assertEquals(0, run(new FakePlatform(), "run", "--help"));
        String h = out.toString();
        for (String o : new String[] {"--tap", "--tun", "--ip4", "--gw4", "--mtu", "--mac", "--host-ip4", "--pcap", "--[no-]echo",
            "--stats", "--if", "--forward", "--netns", "--max-sleep-us", "--ready-file"}) {
            assertTrue(h.contains(o), o + " missing from\n" + h);
        }
        assertTrue(h.contains("--if tap:red0,"), h);
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals(2, run(new FakePlatform()));
        assertTrue(err.toString().startsWith("lwip4j: missing command"), err.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "run --mtu 20                                   | MTU must be 68..65535",
        "run --mtu lots                                 | not a number",
        "run --ip4 300.1.1.1/24                         | not an IPv4 address",
        "run --ip4 10.0.0.1                             | ADDRESS/PREFIX-LENGTH",
        "run --ip4 10.0.0.1/33                          | above 32",
        "run --tap a --tun b                            | exclude each other",
        "run --gw4 10.9.9.9                             | in none of the interfaces' subnets",
        "run --gw4 192.168.7.2                          | gateway 192.168.7.2 is the stack's own address on lwip0",
        "run --mac 00:00:00:00:00:00                    | is the all-zero MAC",
        "run --host-ip4 10.9.9.1/24                     | host address 10.9.9.1/24 is outside the stack's subnet 192.168.7.0/24",
        "run --host-ip4 192.168.7.2/24                  | the host side and the stack cannot both have 192.168.7.2",
        "run --host-ip4 192.168.7.9/30                  | subnet 192.168.7.8/30 does not hold the stack's address 192.168.7.2",
        "run --if tap:a,ip4=10.1.0.1/24,host-ip4=10.2.0.1/24 | outside the stack's subnet 10.1.0.0/24",
        "run --ready-file /no-such-dir/r                | --ready-file /no-such-dir/r: directory /no-such-dir does not exist",
        "run --stats 0                                  | positive number of seconds",
        "run --max-sleep-us 0                           | 1 to 60000000 microseconds",
        "run --max-sleep-us soon                        | not a whole number of microseconds",
        "run --mac zz:00:00:00:00:01                    | not a MAC address",
        "run --forward                                  | at least two interfaces",
        "run --if tap:a,ip4=10.1.0.1/24 --pcap f.pcap   | belongs to the --tap/--tun interface",
        "run --if tap:a,ip4=10.1.0.1/24 --if tap:a,ip4=10.2.0.1/24 | given twice",
        "run --if tap:a,ip4=10.1.0.1/24 --if tap:b,ip4=10.1.0.9/16 | overlap",
        "run --bogus                                    | Unknown option",
        "run extra                                      | Unmatched argument",
    })
    void badArgumentsGiveAOneLineReasonTheUsageAndExitCode2(String args, String reason) {
        int code = run(new FakePlatform(), args.strip().split("\\s+"));
        String e = err.toString();
        assertEquals(2, code, e);
        String first = e.lines().findFirst().orElse("");
        assertTrue(first.startsWith("lwip4j: ") && first.contains(reason), "first line: " + first);
        assertTrue(e.contains("Usage: lwip4j run"), e);
        assertEquals("", out.toString());
    }

    @Test
    void aDeviceThatCannotBeOpenedSaysWhatIsNeededAndExits1() {
        FakePlatform p = new FakePlatform();
        p.failOpen = "not allowed to create or attach tap device lwip0: this needs root or CAP_NET_ADMIN";
        assertEquals(1, run(p, "run"));
        assertEquals("lwip4j: " + p.failOpen, err.toString().strip());
    }
}
