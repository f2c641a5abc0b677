package org.lwip4j.ip;

import org.lwip4j.buffer.Pbuf;

/**
 * A transport protocol's entry from IP (UDP, UDP-Lite, TCP, ICMP as IPv4 delivers it):
 * {@code p}'s payload starts at the transport header; {@code info} describes the IP
 * packet. Takes over the caller's reference. Runs on the loop.
 */
@FunctionalInterface
public interface TransportInput {
    /** Handles one packet. */
    void input(Pbuf p, IpInfo info);
}
