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
 * @param quotedLen  bytes of the quoted transport header that came back, 4 to 8
 * @param quotedHeader the first {@code quotedLen} bytes of the quoted transport header, big-endian in the
 *                   high bytes of the long (a TCP segment's ports then sequence number), zero beyond
 */
public record IcmpError(int version, int type, int code, IpAddress reporter, IpAddress localAddr, int localPort,
        IpAddress remoteAddr, int remotePort, int nextHopMtu, int quotedLen, long quotedHeader) {

    /** An error of which only the ports of the quoted transport header are known. */
    public IcmpError(int version, int type, int code, IpAddress reporter, IpAddress localAddr, int localPort,
            IpAddress remoteAddr, int remotePort, int nextHopMtu) {
        this(version, type, code, reporter, localAddr, localPort, remoteAddr, remotePort, nextHopMtu, 4,
                ((long) (localPort & 0xffff) << 48) | ((long) (remotePort & 0xffff) << 32));
    }

    /**
     * The second 32-bit word of the quoted transport header (TCP's sequence number, RFC 5927
     * §4.1's check); meaningful when {@link #hasSecondWord()}.
     */
    public int secondWord() {
        return (int) quotedHeader;
    }

    /** True when the quote reached the transport header's second 32-bit word (RFC 792 quotes 8 bytes). */
    public boolean hasSecondWord() {
        return quotedLen >= 8;
    }

    /** True for "port unreachable" (ICMPv4 3/3, ICMPv6 1/4): the peer has no socket there. */
    public boolean isPortUnreachable() {
        return version == 4 ? type == 3 && code == 3 : type == 1 && code == 4;
    }
}
