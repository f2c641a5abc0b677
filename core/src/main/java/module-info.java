/**
 * lwip4j's stack: pbufs, netifs, ARP, IPv4, ICMP, IPv6 with ND and MLD, UDP, TCP, raw pcbs,
 * the simulator, and the wire formats. The exported packages are the API (docs/DESIGN.md
 * "API surface"); {@code org.lwip4j.internal} is not exported: it holds the writer of the
 * per-packet {@code IpInfo} ({@code IpInfoWriter}). The protocols' constructors are
 * package-private; {@code org.lwip4j.Stack} reaches them through private lookups within this
 * module ({@code org.lwip4j.Protocols}). No other lwip4j module needs anything unexported,
 * so there is no qualified export.
 */
module org.lwip4j.core {
    exports org.lwip4j;
    exports org.lwip4j.addr;
    exports org.lwip4j.buffer;
    exports org.lwip4j.ip;
    exports org.lwip4j.ipv4;
    exports org.lwip4j.ipv6;
    exports org.lwip4j.netif;
    exports org.lwip4j.raw;
    exports org.lwip4j.sim;
    exports org.lwip4j.stack;
    exports org.lwip4j.tcp;
    exports org.lwip4j.udp;
    exports org.lwip4j.wire;

    uses org.lwip4j.buffer.PbufTracker;
}
