package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.netif.LinkType;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;
import org.lwip4j.testing.SimNet;

/** The ICMP error token bucket (RFC 1812 §4.3.2.8): a burst, then one error per 1/rate seconds, never more than the burst saved up. */
class IcmpErrorRateTest {
    private final VirtualClock clock = new VirtualClock(Long.MAX_VALUE - 50_000_000L);
    private CaptureDriver wire;
    private Stack stack;

    private void start(UnaryOperator<StackConfig.Builder> cfg) {
        stack = Stack.create(cfg.apply(StackConfig.builder().randomSeed(15)).build(), clock);
        wire = new CaptureDriver(LinkType.IP, 1500);
        SimNet.attach(stack, wire, "tun0", "10.0.0.1/24");
    }

    /** Sends {@code n} datagrams to a closed port; how many port unreachables came back. */
    private int errorsFor(int n) {
        for (int i = 0; i < n; i++) {
            wire.inject(Packets.ipv4(17, "10.0.0.9", "10.0.0.1", 64, 0, Packets.udp(1000 + i, 9, new byte[1])));
        }
        for (int i = 0; i < 4; i++) {
            stack.poll(clock.nanoTime());
        }
        return wire.drain().size();
    }

    @Test
    void aBurstThenOneErrorPerIntervalAcrossTheClockWrap() {
        start(b -> b.icmpErrorRate(10).icmpErrorBurst(3));
        assertEquals(3, errorsFor(5), "the burst");
        assertEquals(2, stack.stats().icmp.drop);
        clock.advance(99_999_999L);
        assertEquals(0, errorsFor(1), "a token takes 100 ms");
        clock.advance(1);
        assertEquals(1, errorsFor(2));
        clock.advance(250_000_000L);
        assertEquals(2, errorsFor(5), "two tokens in 250 ms");
        clock.advance(50_000_000L);
        assertEquals(1, errorsFor(5), "the 50 ms left over count towards the next token");
        clock.advance(10_000_000_000L);
        assertEquals(3, errorsFor(10), "never more than the burst saved up");
        stack.close();
    }

    @Test
    void aRateOfZeroIsUnlimited() {
        start(b -> b.icmpErrorRate(0).icmpErrorBurst(0));
        assertEquals(40, errorsFor(40));
        assertEquals(0, stack.stats().icmp.drop);
        stack.close();
    }
}
