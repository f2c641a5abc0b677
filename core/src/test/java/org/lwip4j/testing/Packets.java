package org.lwip4j.testing;

import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Checksum;

/** Hand-built packets for tests: IPv4, UDP, ICMP echo and Ethernet frames, with correct checksums. */
public final class Packets {
    private Packets() {
    }

    /** An IPv4 packet with a correct header checksum. */
    public static byte[] ipv4(int proto, String src, String dst, int ttl, int flagsFrag, byte[] payload) {
        byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        p[4] = 0x12;
        p[5] = 0x34;
        p[6] = (byte) (flagsFrag >>> 8);
        p[7] = (byte) flagsFrag;
        p[8] = (byte) ttl;
        p[9] = (byte) proto;
        System.arraycopy(Ip4Address.parse(src).toBytes(), 0, p, 12, 4);
        System.arraycopy(Ip4Address.parse(dst).toBytes(), 0, p, 16, 4);
        int c = Checksum.of(p, 0, 20);
        p[10] = (byte) (c >>> 8);
        p[11] = (byte) c;
        System.arraycopy(payload, 0, p, 20, payload.length);
        return p;
    }

    /** A UDP datagram without a checksum (0: none, RFC 768, IPv4 only). */
    public static byte[] udp(int sport, int dport, byte[] data) {
        byte[] u = new byte[8 + data.length];
        u[0] = (byte) (sport >>> 8);
        u[1] = (byte) sport;
        u[2] = (byte) (dport >>> 8);
        u[3] = (byte) dport;
        u[4] = (byte) (u.length >>> 8);
        u[5] = (byte) u.length;
        System.arraycopy(data, 0, u, 8, data.length);
        return u;
    }

    /** An ICMP echo request (RFC 792) with a correct checksum. */
    public static byte[] echoRequest(int id, int seq, byte[] data) {
        return icmp(8, 0, (id << 16) | (seq & 0xffff), data);
    }

    /** An ICMP message of {@code type}/{@code code} with the 4 bytes after the checksum {@code rest} and {@code body}, checksummed. */
    public static byte[] icmp(int type, int code, int rest, byte[] body) {
        byte[] m = new byte[8 + body.length];
        m[0] = (byte) type;
        m[1] = (byte) code;
        m[4] = (byte) (rest >>> 24);
        m[5] = (byte) (rest >>> 16);
        m[6] = (byte) (rest >>> 8);
        m[7] = (byte) rest;
        System.arraycopy(body, 0, m, 8, body.length);
        int c = Checksum.of(m, 0, m.length);
        m[2] = (byte) (c >>> 8);
        m[3] = (byte) c;
        return m;
    }

    /** An Ethernet II frame of {@code etherType} from {@code src} to {@code dst} (48-bit MACs). */
    public static byte[] ethernet(long dst, long src, int etherType, byte[] payload) {
        byte[] f = new byte[14 + payload.length];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) (dst >>> (40 - 8 * i));
            f[6 + i] = (byte) (src >>> (40 - 8 * i));
        }
        f[12] = (byte) (etherType >>> 8);
        f[13] = (byte) etherType;
        System.arraycopy(payload, 0, f, 14, payload.length);
        return f;
    }

    /** The parts one after another. */
    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
