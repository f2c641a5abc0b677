package org.lwip4j.netif.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
                () -> new TuntapOptions(1500, false, EnumSet.of(Offload.CSUM), ReceiveMode.LOOP, 64, 256, false, false, null, null, 0));
        assertThrows(IllegalArgumentException.class, () -> TuntapOptions.builder().offloads(EnumSet.of(Offload.TSO4)).build());
        TuntapOptions o = TuntapOptions.builder().offloads(EnumSet.of(Offload.CSUM, Offload.TSO4)).build();
        assertTrue(o.vnetHeader());
        assertEquals(0x03, Offload.bits(o.offloads()));
    }

    @Test
    void explainsWhatIsMissing() {
        TuntapException noDev = Tuntap.openFailure("tap7", Tuntap.Mode.TAP, Native.ENOENT);
        assertEquals(Native.ENOENT, noDev.errno());
        assertTrue(noDev.getMessage().contains("mknod /dev/net/tun"), noDev.getMessage());
        TuntapOptions d = TuntapOptions.defaults();
        String hint = "Run as root (sudo), or let root make a persistent device that you own, once: "
                + "'sudo ip tuntap add dev tap7 mode tap user $USER', give its host side an address and bring it up "
                + "('sudo ip addr add ADDR/LEN dev tap7; sudo ip link set tap7 up'), and make sure /dev/net/tun is mode 0666 "
                + "('sudo chmod 0666 /dev/net/tun', the usual default); then attach to tap7 as yourself.";
        assertEquals(hint, Tuntap.permissionHint("tap7", Tuntap.Mode.TAP));
        // One hint everywhere: opening /dev/net/tun and TUNSETIFF say the same, and never suggest setcap on java.
        String open = Tuntap.openFailure("tap7", Tuntap.Mode.TAP, Native.EACCES).getMessage();
        assertEquals("cannot open /dev/net/tun: permission denied. " + hint, open);
        String perm = Tuntap.setIffFailure("tap7", Tuntap.Mode.TAP, d, Native.EPERM).getMessage();
        assertTrue(perm.startsWith("not allowed to create or attach tap device tap7") && perm.endsWith(hint), perm);
        assertFalse(open.contains("setcap") || perm.contains("setcap"));
        assertTrue(Tuntap.permissionHint(null, Tuntap.Mode.TUN).contains("'sudo ip tuntap add dev tun0 mode tun user $USER'"));
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
