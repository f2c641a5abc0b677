package org.lwip4j.ipv4;

/** Packet builders of {@link Ipv4CaptureTest} for tests in other packages. */
public final class Ipv4CaptureTestAccess {
    private Ipv4CaptureTestAccess() {
    }

    /** An IPv4/UDP packet with no UDP checksum. */
    public static byte[] udpPacket(String src, String dst, int sport, int dport, byte[] data) {
        return Ipv4CaptureTest.ipPacket(17, src, dst, 64, 0, Ipv4CaptureTest.udp(sport, dport, data));
    }
}
