package org.lwip4j.ip;

import org.lwip4j.addr.IpAddress;

/**
 * An ICMP error about a packet we sent, as delivered to the pcb it concerns (RFC 1122
 * §3.2.2.1, §4.1.3.3): who reported it, what it says, and the quoted packet's addresses and
 * ports.
 *
 * @param version    4 (ICMPv4) or 6 (ICMPv6)
 * @param type       ICMP type
 * @param code       ICMP code
 * @param reporter   the address that sent the error
 * @param localAddr  source address of the quoted (our) packet
 * @param localPort  source port of the quoted packet
 * @param remoteAddr destination address of the quoted packet
 * @param remotePort destination port of the quoted packet
 * @param nextHopMtu the MTU in a "fragmentation needed" / "packet too big" message, else 0
 */
public record IcmpError(int version, int type, int code, IpAddress reporter, IpAddress localAddr, int localPort,
        IpAddress remoteAddr, int remotePort, int nextHopMtu) {

    /** True for "port unreachable" (ICMPv4 3/3, ICMPv6 1/4): the peer has no socket there. */
    public boolean isPortUnreachable() {
        return version == 4 ? type == 3 && code == 3 : type == 1 && code == 4;
    }
}
