package org.lwip4j.wire;

/**
 * TCP segments written out by hand, byte by byte, as Linux 6.x sends them (defaults of
 * {@code net.ipv4.tcp_sack}, {@code tcp_timestamps}, {@code tcp_window_scaling} on, MSS
 * 1460 on a 1500-byte link, initial window 64240 = 44 × 1460, window shift 7). Fields are
 * from RFC 9293 §3.1; the option layout is Linux's (MSS, SACK-Permitted + Timestamps,
 * NOP + Window Scale: RFC 9293 §3.2, RFC 2018 §2, RFC 7323 §2.2 and §3.2). The checksums
 * were computed with the IPv4 pseudo-header of the addresses below by a separate script
 * and are checked again by {@link RefChecksum} in the tests.
 */
final class TcpVectors {
    private TcpVectors() {
    }

    /** The client: 10.9.0.2, port 40000. */
    static final int CLIENT_IP = 0x0a090002;
    /** The server: 10.9.0.1, port 80. */
    static final int SERVER_IP = 0x0a090001;

    /**
     * Client SYN: ports 40000 → 80, seq 0x12345678, ack 0, data offset 10 words, SYN,
     * window 64240, checksum 0x517c, urgent 0; MSS 1460, SACK-Permitted, TSval 123456 TSecr
     * 0, NOP, Window Scale 7.
     */
    static final String LINUX_SYN = "9c40 0050 12345678 00000000 a0 02 faf0 517c 0000"
            + "| 020405b4 | 0402 080a 0001e240 00000000 | 01 030307";

    /**
     * Server SYN-ACK: ports 80 → 40000, seq 0x9abcdef0, ack 0x12345679, data offset 10,
     * SYN+ACK, window 65160 (Linux's SYN-ACK window for MSS 1460), checksum 0x32fe; MSS 1460,
     * SACK-Permitted, TSval 500000 TSecr 123456, NOP, Window Scale 7.
     */
    static final String LINUX_SYN_ACK = "0050 9c40 9abcdef0 12345679 a0 12 fe88 32fe 0000"
            + "| 020405b4 | 0402 080a 0007a120 0001e240 | 01 030307";
}
