/** lwip4j's device drivers: TAP/TUN over the Foreign Function & Memory API, and pcap capture. */
module org.lwip4j.netif {
    requires transitive org.lwip4j.core;

    exports org.lwip4j.netif.pcap;
    exports org.lwip4j.netif.tap;
}
