package org.lwip4j.wire;

/**
 * IPv6 packets written out from the RFCs, as Linux, radvd and the kernel's MLD code send them.
 * Checksums were computed independently of lwip4j (RFC 1071 over the RFC 8200 §8.1
 * pseudo-header).
 */
final class Ipv6Vectors {
    private Ipv6Vectors() {
    }

    /**
     * Neighbor solicitation for 2001:db8::2 from 2001:db8::1 to its solicited-node address
     * ff02::1:ff00:2 (RFC 4861 §4.3, §7.2.2), hop limit 255, source link-layer address
     * option 52:54:00:12:34:56.
     */
    static final String NS = "60000000 0020 3a ff 20010db8000000000000000000000001 ff0200000000000000000001ff000002"
            + "|87 00 976b 00000000 20010db8000000000000000000000002 | 01 01 525400123456";

    /**
     * Router advertisement as radvd sends it (RFC 4861 §4.2): from fe80::5054:ff:feaa:bbcc to
     * ff02::1, cur hop limit 64, no flags, router lifetime 1800 s, reachable time and retrans
     * timer unspecified; prefix 2001:db8:1::/64 on-link and autonomous, valid 86400 s,
     * preferred 14400 s; MTU 1500; source link-layer address 52:54:00:aa:bb:cc.
     */
    static final String RA = "60000000 0040 3a ff fe80000000000000505400fffeaabbcc ff020000000000000000000000000001"
            + "|86 00 1344 40 00 0708 00000000 00000000"
            + "|03 04 40 c0 00015180 00003840 00000000 20010db8000100000000000000000000"
            + "|05 01 0000 000005dc"
            + "|01 01 525400aabbcc";

    /** Neighbor advertisement, solicited and override (RFC 4861 §4.4), target link-layer address option. */
    static final String NA = "60000000 0020 3a ff 20010db8000000000000000000000002 20010db8000000000000000000000001"
            + "|88 00 05b7 60000000 20010db8000000000000000000000002 | 02 01 525400123456";

    /**
     * MLDv2 report as Linux sends it when a socket joins ff02::fb (RFC 3810 §5.2): from
     * fe80::5054:ff:fe12:3456 to ff02::16, hop limit 1, hop-by-hop header with Router Alert
     * 0 and PadN (RFC 2711), one CHANGE_TO_EXCLUDE record without sources.
     */
    static final String MLDV2_REPORT = "60000000 0024 00 01 fe80000000000000505400fffe123456 ff020000000000000000000000000016"
            + "|3a 00 0502 0000 0100"
            + "|8f 00 eb53 0000 0001 | 04 00 0000 ff0200000000000000000000000000fb";

    /** ICMPv6 echo request 2001:db8::1 > 2001:db8::2, identifier 0x1234, sequence 1, data "abcdefgh". */
    static final String ECHO = "80 00 8075 1234 0001 6162636465666768";

    /** MLDv1 report for ff02::fb from fe80::5054:ff:fe12:3456 to ff02::fb (RFC 2710 §3). */
    static final String MLDV1_REPORT = "83 00 fa73 0000 0000 ff0200000000000000000000000000fb";

    /** IGMPv3 report as Linux sends it when joining 224.0.0.251 (RFC 3376 §4.2): one CHANGE_TO_EXCLUDE record. */
    static final String IGMPV3_REPORT = "22 00 f902 0000 0001 | 04 00 0000 e00000fb";

    /** IGMPv2 membership report for 224.0.0.251 (RFC 2236 §2). */
    static final String IGMPV2_REPORT = "16 00 0904 e00000fb";
}
