package org.lwip4j.apps.iperf;

/** Which iperf 2 test a client runs. */
public enum IperfMode {
    /** Client to server only. */
    NORMAL,
    /** Client to server, then server to client ({@code iperf -r}, a tradeoff test). */
    TRADEOFF,
    /** Both directions at once ({@code iperf -d}, a dual test). */
    DUAL,
    /** Server to client on the client's own connection (iperf 2.1's {@code -R}, a reverse test). */
    REVERSE,
    /** Both directions at once on the client's own connection (iperf 2.1's {@code --full-duplex}). */
    FULL_DUPLEX;

    /** True for the tests that run on the client's one connection, answered by iperf 2.1 servers. */
    boolean onOneConnection() {
        return this == REVERSE || this == FULL_DUPLEX;
    }
}
