/**
 * lwip4j's stack: pbufs, netifs, ARP, IPv4, ICMP, IPv6 with ND and MLD, UDP, TCP, raw pcbs,
 * the simulator, and the wire formats. The exported packages are the API (docs/DESIGN.md
 * "API surface"): what a user of the raw API, a driver writer, a test writer on the
 * simulator, someone plugging a transport in by protocol number, or someone reading stats
 * and state needs. {@code org.lwip4j.internal.ip} is not exported: the {@code ip} floor's
 * machinery the families and transports share (the per-packet {@code IpInfo} writer,
 * fragment reassembly, multicast membership, the transport and pcb tables, the ICMP rate
 * limiter). What one package alone uses is package-private. The protocols' constructors are
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
