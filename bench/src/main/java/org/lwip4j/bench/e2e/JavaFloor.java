package org.lwip4j.bench.e2e;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.netif.tap.Tuntap;
import org.lwip4j.netif.tap.TuntapException;
import org.lwip4j.netif.tap.TuntapOptions;

/**
 * The least a Java process can do to answer a ping over TAP, for {@link FirstMinute}: the
 * Java counterpart of {@code bench/src/main/c/tap_echo.c}. One thread blocked in
 * {@code read(2)} on the device (through lwip4j's FFM {@link Tuntap}), answering ARP
 * requests (RFC 826) and ICMP echo requests (RFC 792) for one IPv4 address by editing the
 * frame in place (the echo's checksum updated incrementally, RFC 1624), one {@code write(2)}
 * per answer. No stack, no event loop, no allocation per frame: beside {@code tap_echo} and
 * {@code lwip4j run} it tells what of a run's round-trip time is the JVM's own (its threads'
 * wake-ups and the FFM calls) and what is the stack's.
 *
 * <p>Takes the arguments FirstMinute gives {@code lwip4j run}, through {@code bench/java-floor}:
 * <pre>
 * bench/java-floor run --tap NAME --ip4 A.B.C.D/24 --netns NS
 * </pre>
 * creates the TAP device NAME in network namespace NS, gives the host side the subnet's
 * first address (as {@code lwip4j run} does, with {@code ip}), and answers until killed.
 * Linux only, root. Its first minute is a fresh JVM's (interpreted, then compiled): compare
 * it with FirstMinute's {@code --warmed} figures.
 */
public final class JavaFloor {
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final byte[] MAC = {0x02, 0x00, 0x00, (byte) 0xec, 0x40, 0x02};
    private static final int ETH = 14;

    private JavaFloor() {
    }

    /** {@code run --tap NAME --ip4 A.B.C.D/24 --netns NS}. */
    public static void main(String[] args) throws TuntapException, IOException {
        String tap = null;
        String ip = null;
        String ns = null;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--tap" -> tap = args[i + 1];
                case "--ip4" -> ip = args[i + 1];
                case "--netns" -> ns = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (args.length == 0 || !"run".equals(args[0]) || tap == null || ip == null || ns == null || ip.indexOf('/') < 0) {
            System.err.println("usage: java-floor run --tap NAME --ip4 A.B.C.D/24 --netns NS");
            System.exit(2);
        }
        int self = Ip4Address.parse(ip.substring(0, ip.indexOf('/'))).bits();
        int host = (self & 0xffff_ff00) | 1;
        Tuntap t = Tuntap.open(tap, Tuntap.Mode.TAP, TuntapOptions.builder().vnetHeader(false).namespace(ns).build());
        Shell.check("ip", "-n", ns, "addr", "add", Ip4Address.of(host) + "/24", "dev", t.name());
        Shell.check("ip", "-n", ns, "link", "set", t.name(), "up");
        t.setNonBlocking(false);
        System.out.println("java-floor: answering " + Ip4Address.of(self) + " on " + t.name());
        System.out.flush();
        MemorySegment f = Arena.global().allocate(2048);
        MemorySegment mac = Arena.global().allocate(6);
        MemorySegment.copy(MAC, 0, mac, ValueLayout.JAVA_BYTE, 0, 6);
        while (true) {
            int n = t.read(f);
            if (n >= ETH + 28 && answer(f, n, self, mac)) {
                t.write(f.asSlice(0, n));
            }
        }
    }

    /** Turns the request in {@code f} into its answer in place; false when it is not one we answer. */
    private static boolean answer(MemorySegment f, int n, int self, MemorySegment mac) {
        int type = f.get(BE_SHORT, 12) & 0xffff;
        if (type == 0x0806 && f.get(BE_SHORT, ETH + 6) == 1 && f.get(BE_INT, ETH + 24) == self) {
            // ARP request for us: the answer goes back to the sender, from us (RFC 826).
            MemorySegment.copy(f, ETH + 8, f, ETH + 18, 10);
            MemorySegment.copy(mac, 0, f, ETH + 8, 6);
            f.set(BE_INT, ETH + 14, self);
            f.set(BE_SHORT, ETH + 6, (short) 2);
        } else if (type == 0x0800 && f.get(ValueLayout.JAVA_BYTE, ETH + 9) == 1 && f.get(BE_INT, ETH + 16) == self) {
            int icmp = ETH + (f.get(ValueLayout.JAVA_BYTE, ETH) & 0xf) * 4;
            if (n < icmp + 8 || f.get(ValueLayout.JAVA_BYTE, icmp) != 8) {
                return false;
            }
            // Echo request for us: addresses swapped, type 8 -> 0, checksum updated (RFC 1624 eq. 3).
            int src = f.get(BE_INT, ETH + 12);
            f.set(BE_INT, ETH + 12, self);
            f.set(BE_INT, ETH + 16, src);
            f.set(ValueLayout.JAVA_BYTE, icmp, (byte) 0);
            int sum = (~f.get(BE_SHORT, icmp + 2) & 0xffff) + (~0x0800 & 0xffff);
            sum = (sum & 0xffff) + (sum >>> 16);
            sum = (sum & 0xffff) + (sum >>> 16);
            f.set(BE_SHORT, icmp + 2, (short) ~sum);
        } else {
            return false;
        }
        MemorySegment.copy(f, 6, f, 0, 6);
        MemorySegment.copy(mac, 0, f, 6, 6);
        return true;
    }
}
