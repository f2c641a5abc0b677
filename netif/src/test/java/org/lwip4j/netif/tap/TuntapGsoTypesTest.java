package org.lwip4j.netif.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Pbuf;

/**
 * The TAP and TUN drivers advertise TCP segmentation offload ({@code gsoTypes()}, so TCP
 * sends 64 KiB super-segments for the kernel to cut) for exactly the families whose TSO
 * offload the options turn on; with the header alone, or without it, none.
 */
class TuntapGsoTypesTest {
    private static int gsoTypes(Tuntap.Mode mode, TuntapOptions options) throws TuntapException {
        try (FramePipe d = FramePipe.open("sp-gso", mode, options.vnetHeader())) {
            TuntapDriver driver = mode == Tuntap.Mode.TAP ? TapDriver.of(d.device(), options)
                    : TunDriver.of(d.device(), options);
            return driver.gsoTypes();
        }
    }

    @Test
    void tsoIsAdvertisedForTheFamiliesTheOptionsTurnOn() throws TuntapException {
        int v4 = 1 << Pbuf.GSO_TCPV4;
        int v6 = 1 << Pbuf.GSO_TCPV6;
        for (Tuntap.Mode mode : Tuntap.Mode.values()) {
            assertEquals(0, gsoTypes(mode, TuntapOptions.defaults()), mode + " plain");
            assertEquals(0, gsoTypes(mode, TuntapOptions.builder().vnetHeader(true).build()), mode + " header only");
            assertEquals(0, gsoTypes(mode, TuntapOptions.builder().vnetHeader(true)
                    .offloads(EnumSet.of(Offload.CSUM)).build()), mode + " checksums only");
            assertEquals(v4, gsoTypes(mode, TuntapOptions.builder().vnetHeader(true)
                    .offloads(EnumSet.of(Offload.CSUM, Offload.TSO4)).build()), mode + " TSO4");
            assertEquals(v4 | v6, gsoTypes(mode, TuntapOptions.builder().vnetHeader(true)
                    .offloads(EnumSet.of(Offload.CSUM, Offload.TSO4, Offload.TSO6)).build()), mode + " TSO4+TSO6");
        }
    }
}
