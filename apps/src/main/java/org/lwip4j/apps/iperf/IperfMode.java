package org.lwip4j.apps.iperf;

/** Which iperf 2 test a client runs. */
public enum IperfMode {
    /** Client to server only. */
    NORMAL,
    /** Client to server, then server to client ({@code iperf -r}, a tradeoff test). */
    TRADEOFF,
    /** Both directions at once ({@code iperf -d}, a dual test). */
    DUAL
}
