package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.SimNet;

/**
 * The first RTT sample of an active open is the SYN's round trip (RFC 6298 §2.2, RFC 9293
 * §3.8.1), measured from when the SYN left, whatever the clock read at start. (Found over
 * TAP against Linux: with the system clock the SYN-ACK's sample was the clock's whole
 * reading, SRTT became hours, the RTO its 60 s maximum, and a lost segment stalled the
 * connection for a minute.)
 */
class TcpActiveOpenRttTest {
    @Test
    void theSynAckSampleIsTheHandshakesRoundTripLongAfterTheClocksStart() {
        SimNet net = new SimNet(3);
        StackConfig cfg = StackConfig.builder().loopbackNetif(false).build();
        Stack a = net.stack(cfg);
        Stack b = net.stack(cfg);
        VirtualLink link = net.link(Impairments.builder().delay(Duration.ofMillis(10)).build());
        SimNet.attach(a, link.endpointA(), "eth0", "10.1.0.1/24");
        SimNet.attach(b, link.endpointB(), "eth0", "10.1.0.2/24");
        net.runFor(Duration.ofMinutes(30)); // the clock reads far from zero, as a system clock does
        TcpPcb l = b.newTcpPcb();
        l.bind(Ip4Address.ANY, 80);
        l.listen(1);
        TcpPcb c = a.newTcpPcb();
        boolean[] up = {false};
        assertEquals(Err.OK, c.connect(Ip4Address.parse("10.1.0.2"), 80, p -> up[0] = true));
        assertTrue(net.runUntil(() -> up[0], Duration.ofSeconds(5)));
        TcpInfo i = c.info();
        // 20 ms round trip, plus the ARP exchange before the SYN could leave.
        assertTrue(i.srtt() >= 20_000_000L && i.srtt() < 100_000_000L, "SRTT from the SYN's round trip: " + i);
        assertTrue(i.rto() < 2_000_000_000L, "RTO from that SRTT: " + i);
        c.abort();
        l.close();
    }
}
