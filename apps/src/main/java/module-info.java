/**
 * lwip4j's applications on the raw API (lwIP's {@code src/apps}): the echo, discard and
 * chargen services over TCP and UDP, and an iperf 2 compatible server and client (lwIP's
 * lwiperf).
 */
module org.lwip4j.apps {
    requires transitive org.lwip4j.core;

    exports org.lwip4j.apps;
    exports org.lwip4j.apps.iperf;
}
