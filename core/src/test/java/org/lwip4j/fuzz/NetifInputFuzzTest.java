package org.lwip4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.List;
import org.lwip4j.Stack;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.SimNet;
import org.lwip4j.udp.UdpPcb;

/**
 * The whole receive path under arbitrary frames: Ethernet or bare-IP netif, ARP, IPv4
 * (options, fragments, forwarding), ICMP, UDP/UDP-Lite, raw. Nothing may escape the loop,
 * and once time has passed every pbuf must be back in its pool.
 */
class NetifInputFuzzTest {
    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:01");

    @FuzzTest(maxDuration = "10s")
    void anyFramesAreHandledWithoutThrowingOrLeaking(FuzzedDataProvider data) {
        VirtualClock clock = new VirtualClock();
        boolean ethernet = data.consumeBoolean();
        Stack stack = Stack.create(StackConfig.builder().ipForward(data.consumeBoolean())
                .broadcastPing(true).pbufPoolSize(256).build(), clock);
        CaptureDriver eth = new CaptureDriver(ethernet ? LinkType.ETHERNET : LinkType.IP, 1500);
        Netif n = stack.addNetif(eth, "eth0", MAC);
        n.ip4().set(Ip4Interface.parse("10.0.0.1/24"));
        n.setUp(true);
        CaptureDriver other = new CaptureDriver(LinkType.IP, 576);
        Netif o = stack.addNetif(other, "tun1");
        o.ip4().set(Ip4Interface.parse("10.1.0.1/16"));
        o.setUp(true);
        stack.netifs().setDefault(o);
        UdpPcb echo = stack.newUdpPcb();
        echo.bind(7);
        echo.onReceive((pcb, p, src, port, netif) -> {
            pcb.sendTo(p, src, port);
            p.free();
        });
        var raw = stack.newRawPcb(1);
        raw.onReceive((pcb, p, src) -> false);
        int frames = data.consumeInt(1, 8);
        for (int i = 0; i < frames && data.remainingBytes() > 0; i++) {
            byte[] f = data.consumeBytes(data.consumeInt(0, 2000));
            eth.inject(f);
            stack.poll(clock.nanoTime());
            clock.advance(Duration.ofMillis(data.consumeInt(0, 2000)).toNanos());
            stack.poll(clock.nanoTime());
        }
        // Let reassembly, ARP queues and loopback drain.
        for (int i = 0; i < 40; i++) {
            clock.advance(Duration.ofSeconds(1).toNanos());
            stack.poll(clock.nanoTime());
        }
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
        assertEquals(0, stack.loop().failedTasks());
    }
}
