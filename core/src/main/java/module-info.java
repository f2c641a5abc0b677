/**
 * lwip4j's stack: pbufs, netifs, ARP, IPv4, ICMP, UDP, raw pcbs, the simulator, and the wire
 * formats. The exported packages are the API; the protocols' constructors exist for the
 * stack's own assembly ({@code org.lwip4j.Stack}), and the registries they join refuse a
 * second instance on an assembled stack.
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
