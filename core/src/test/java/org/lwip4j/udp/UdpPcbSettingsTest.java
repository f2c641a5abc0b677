package org.lwip4j.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.udp.UdpRig.ip;

import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.stack.Err;

/**
 * A UDP pcb's settings and their defaults (lwIP's {@code udp_pcb} fields and setters,
 * IP_MULTICAST_TTL/IF/LOOP, IPV6_V6ONLY, UDP-Lite coverage), their bounds, and the rule that
 * every method touching the pcb refuses a closed one.
 */
class UdpPcbSettingsTest {
    private final UdpRig rig = new UdpRig();

    @Test
    void theDefaultsAreLwipsAndTheGettersReadBackWhatWasSet() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        assertFalse(pcb.isLite());
        assertFalse(pcb.isV6Only());
        assertEquals(1, pcb.multicastTtl(), "IP_MULTICAST_TTL defaults to 1");
        assertTrue(pcb.multicastLoop(), "IP_MULTICAST_LOOP defaults to on");
        assertNull(pcb.multicastNetif());
        assertEquals(0, pcb.localPort());
        assertEquals("UDP " + pcb.localAddress() + ":0", pcb.toString());
        pcb.setV6Only(true);
        pcb.setMulticastTtl(255);
        pcb.setMulticastLoop(false);
        pcb.setMulticastNetif(rig.tun1);
        assertTrue(pcb.isV6Only());
        assertEquals(255, pcb.multicastTtl());
        assertFalse(pcb.multicastLoop());
        assertEquals(rig.tun1, pcb.multicastNetif());
        pcb.setMulticastTtl(1);
        assertEquals(1, pcb.multicastTtl(), "1 is in range");
        assertTrue(rig.stack.newUdpLitePcb().isLite());
    }

    @Test
    void theMulticastTtlAndTheLiteCoverageAreBounded() {
        UdpPcb pcb = rig.stack.newUdpPcb();
        assertThrows(IllegalArgumentException.class, () -> pcb.setMulticastTtl(0));
        assertThrows(IllegalArgumentException.class, () -> pcb.setMulticastTtl(256));
        UdpPcb lite = rig.stack.newUdpLitePcb();
        lite.setLiteCoverage(8, 8);
        lite.setLiteCoverage(0, 0xffff);
        assertThrows(IllegalArgumentException.class, () -> lite.setLiteCoverage(7, 8));
        assertThrows(IllegalArgumentException.class, () -> lite.setLiteCoverage(8, 7));
        assertThrows(IllegalArgumentException.class, () -> lite.setLiteCoverage(0x10000, 8));
    }

    @Test
    void connectBindsTheFamilyOfTheRemoteEndAndRefusesAnotherFamily() {
        UdpPcb v6 = rig.stack.newUdpPcb();
        assertEquals(Err.OK, v6.connect(Ip6Address.parse("fd00::9"), 53), "an unbound pcb binds the remote end's family");
        assertEquals(Ip6Address.ANY, v6.localAddress());
        assertTrue(v6.localPort() > 0);
        assertEquals("UDP " + v6.localAddress() + ":" + v6.localPort() + " -> fd00::9:53", v6.toString());

        UdpPcb bound4 = rig.stack.newUdpPcb();
        assertEquals(Err.OK, bound4.bind(ip("10.0.0.1"), 4000));
        assertEquals(Err.VAL, bound4.connect(Ip6Address.parse("fd00::9"), 53), "bound to an IPv4 address: no IPv6 remote end");
        assertFalse(bound4.isConnected());
        assertEquals(Err.OK, bound4.connect(ip("10.0.0.9"), 53));

        UdpPcb only6 = rig.stack.newUdpPcb();
        only6.setV6Only(true);
        assertEquals(Err.OK, only6.bind(Ip6Address.ANY, 4001));
        assertEquals(Err.VAL, only6.connect(ip("10.0.0.9"), 53), "IPV6_V6ONLY: no IPv4 remote end");
        assertFalse(only6.isConnected());

        UdpPcb any4 = rig.stack.newUdpPcb();
        assertEquals(Err.OK, any4.bind(Ip4Address.ANY, 4002));
        assertEquals(Err.VAL, any4.connect(Ip6Address.parse("fd00::9"), 53), "bound to 0.0.0.0, an IPv4 pcb");
    }

    /** Every method that changes the pcb refuses one that was closed: a clear exception, nothing changed. */
    @Test
    void everySetterRefusesAClosedPcb() {
        Map<String, Consumer<UdpPcb>> setters = Map.of(
                "connect", p -> p.connect(ip("10.0.0.9"), 53),
                "setV6Only", p -> p.setV6Only(true),
                "setMulticastTtl", p -> p.setMulticastTtl(2),
                "setMulticastNetif", p -> p.setMulticastNetif(rig.tun0),
                "setMulticastLoop", p -> p.setMulticastLoop(false),
                "setTtl", p -> p.setTtl(2),
                "setTos", p -> p.setTos(2),
                "setNoChecksum", p -> p.setNoChecksum(true));
        for (Map.Entry<String, Consumer<UdpPcb>> e : setters.entrySet()) {
            UdpPcb pcb = rig.stack.newUdpPcb();
            pcb.close();
            IllegalStateException x = assertThrows(IllegalStateException.class, () -> e.getValue().accept(pcb), e.getKey());
            assertTrue(x.getMessage().contains("after close"), e.getKey() + ": " + x.getMessage());
        }
        UdpPcb closed = rig.stack.newUdpPcb();
        closed.close();
        assertEquals(1, closed.multicastTtl(), "nothing changed");
        assertTrue(closed.multicastLoop());
    }
}
