package org.lwip4j.ip;

/** Where ICMP hands the errors about one transport protocol's packets; runs on the loop. */
@FunctionalInterface
public interface TransportErrorInput {
    /** Delivers an error to the pcb it concerns (or drops it when none does). */
    void icmpError(IcmpError error);
}
