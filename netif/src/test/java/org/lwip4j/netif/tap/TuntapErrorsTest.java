package org.lwip4j.netif.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Argument checks and error messages of {@link Tuntap}: needs no device or privileges. */
class TuntapErrorsTest {
    @Test
    void rejectsBadNames() {
        assertThrows(IllegalArgumentException.class, () -> Tuntap.open("a/b", Tuntap.Mode.TAP));
        assertThrows(IllegalArgumentException.class, () -> Tuntap.open("sixteen-chars-xx", Tuntap.Mode.TAP));
        assertThrows(IllegalArgumentException.class, () -> Tuntap.open("", Tuntap.Mode.TUN));
        assertThrows(IllegalArgumentException.class, () -> Tuntap.open("a b", Tuntap.Mode.TUN));
    }

    @Test
    void optionsCheckOffloadsNeedTheHeader() {
        assertThrows(IllegalArgumentException.class,
                () -> new TuntapOptions(1500, false, EnumSet.of(Offload.CSUM), ReceiveMode.LOOP, 64, 256, false, false, null));
        assertThrows(IllegalArgumentException.class, () -> TuntapOptions.builder().offloads(EnumSet.of(Offload.TSO4)).build());
        TuntapOptions o = TuntapOptions.builder().offloads(EnumSet.of(Offload.CSUM, Offload.TSO4)).build();
        assertTrue(o.vnetHeader());
        assertEquals(0x03, Offload.bits(o.offloads()));
    }

    @Test
    void explainsWhatIsMissing() {
        TuntapException noDev = Tuntap.openFailure(Native.ENOENT);
        assertEquals(Native.ENOENT, noDev.errno());
        assertTrue(noDev.getMessage().contains("mknod /dev/net/tun"), noDev.getMessage());
        assertTrue(Tuntap.openFailure(Native.EACCES).getMessage().contains("CAP_NET_ADMIN"));

        TuntapOptions d = TuntapOptions.defaults();
        String perm = Tuntap.setIffFailure("tap7", Tuntap.Mode.TAP, d, Native.EPERM).getMessage();
        assertTrue(perm.contains("root or CAP_NET_ADMIN") && perm.contains("ip tuntap add dev tap7 mode tap user"), perm);
        assertTrue(Tuntap.setIffFailure("tap7", Tuntap.Mode.TAP, d, Native.EBUSY).getMessage().contains("busy"));
        assertTrue(Tuntap.setIffFailure("tun7", Tuntap.Mode.TUN, d, Native.EINVAL).getMessage().contains("not a TUN device"));
    }

    @Test
    void missingNamespaceIsExplained() {
        TuntapException e = assertThrows(TuntapException.class,
                () -> Tuntap.open(null, Tuntap.Mode.TAP, TuntapOptions.builder().namespace("l4jt-no-such-ns").build()));
        assertTrue(e.getMessage().contains("ip netns add l4jt-no-such-ns"), e.getMessage());
    }
}
