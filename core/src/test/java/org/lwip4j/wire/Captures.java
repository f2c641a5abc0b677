package org.lwip4j.wire;

/**
 * Frames the Linux 6.x kernel put on a TAP device (read from {@code /dev/net/tun} with no
 * offloads, so every checksum is the kernel's own), and one derived from them. The TAP had
 * 10.9.0.1 and 52:54:00:12:34:01; the peer 10.9.0.2 was 52:54:00:12:34:02.
 */
public final class Captures {
    private Captures() {
    }

    /** Ethernet + ARP request: who has 10.9.0.2? tell 10.9.0.1 (42 bytes, no padding on TAP). */
    public static final String ARP_REQUEST = "ffffffffffff 525400123401 0806"
            + "| 0001 0800 06 04 0001 525400123401 0a090001 000000000000 0a090002";

    /** Ethernet + ARP reply: 10.9.0.1 is at 52:54:00:12:34:01 (answering a request from 10.9.0.2). */
    public static final String ARP_REPLY = "525400123402 525400123401 0806"
            + "| 0001 0800 06 04 0002 525400123401 0a090001 525400123402 0a090002";

    /**
     * Ethernet + IPv4 + ICMP echo request from iputils {@code ping -c1 10.9.0.2}: IP checksum
     * 0xc95f, ICMP checksum 0x5086, 56 data bytes (a timestamp, then 0x10..0x37).
     */
    public static final String PING = "525400123402 525400123401 0800"
            + "| 4500 0054 5d35 4000 4001 c95f 0a090001 0a090002"
            + "| 0800 5086 1e88 0001 985d076b00000000 1d550d0000000000"
            + "  101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637";

    /**
     * Ethernet + IPv4 with the record route option (RFC 791 §3.1, type 7) + ICMP echo, from
     * {@code ping -c1 -R 10.9.0.2}: IHL 15; options NOP, then RR of length 39, pointer 8,
     * the first slot filled with 10.9.0.1; IP checksum 0x8b80, ICMP checksum 0xdefc.
     */
    public static final String PING_RECORD_ROUTE = "525400123402 525400123401 0800"
            + "| 4f00 007c 5ed3 4000 4001 8b80 0a090001 0a090002"
            + "| 01 07 27 08 0a090001 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000"
            + "| 0800 defc 1e8c 0001 9a5d076b00000000 91da080000000000"
            + "  101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637";

    /**
     * Ethernet + IPv4 with the router alert option (RFC 2113, type 148) + IGMPv3 membership
     * report joining 239.1.2.3, sent by the kernel on {@code IP_ADD_MEMBERSHIP}: IHL 6, TOS
     * 0xc0, TTL 1, IP checksum 0xf9ef.
     */
    public static final String IGMP_ROUTER_ALERT = "01005e000016 525400123401 0800"
            + "| 46c0 0028 0000 4000 0102 f9ef 0a090001 e0000016 | 94040000"
            + "| 2200 e8f9 0000 0001 04000000 ef010203";

    /**
     * Ethernet + IPv4 + UDP DNS query for {@code example.com} A from glibc's resolver
     * ({@code getent ahostsv4 example.com}) to 10.9.0.2:53: IP checksum 0x55e9, UDP checksum
     * 0xc8a8, UDP length 37.
     */
    public static final String DNS_QUERY = "525400123402 525400123401 0800"
            + "| 4500 0039 d0b6 4000 4011 55e9 0a090001 0a090002"
            + "| e1fc 0035 0025 c8a8"
            + "| 7147 0100 0001 0000 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001";

    /**
     * {@link #ARP_REQUEST} with an IEEE 802.1Q tag inserted after the source MAC: TPID 0x8100,
     * TCI 0x6005 (priority 3, DEI 0, VLAN 5). Derived (this kernel has no 8021q), decoded by
     * tshark as "802.1Q Virtual LAN, PRI: 3, DEI: 0, ID: 5" then the same ARP request.
     */
    public static final String ARP_REQUEST_VLAN5 = "ffffffffffff 525400123401 8100 6005 0806"
            + "| 0001 0800 06 04 0001 525400123401 0a090001 000000000000 0a090002";
}
