/** The {@code lwip4j} command: a stack on TAP/TUN devices from the command line (picocli). */
module org.lwip4j.cli {
    requires org.lwip4j.core;
    requires org.lwip4j.netif;
    requires org.lwip4j.apps;
    requires info.picocli;
    requires java.logging;
    requires jdk.unsupported;

    opens org.lwip4j.cli to info.picocli;
}
