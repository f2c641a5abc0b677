package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;

/**
 * What an IPv4-over-Ethernet ARP packet says (RFC 826 "Packet format"), as a value: the
 * {@link ArpPacket} view's high-level counterpart.
 *
 * @param operation {@link ArpPacket#OP_REQUEST}, {@link ArpPacket#OP_REPLY} or another
 *                  16-bit opcode (RFC 5494 registry), kept as received
 * @param senderMac sender hardware address (low 48 bits)
 * @param senderIp  sender protocol address
 * @param targetMac target hardware address (low 48 bits; zero in a request)
 * @param targetIp  target protocol address
 */
public record ArpRepr(int operation, long senderMac, int senderIp, long targetMac, int targetIp) {
    /**
     * Checks the fields fit their wire widths.
     *
     * @throws IllegalArgumentException when the opcode is not 16 bits or a MAC not 48 bits
     */
    public ArpRepr {
        if ((operation & ~0xffff) != 0) {
            throw new IllegalArgumentException("ARP operation out of range: " + operation);
        }
        if ((senderMac & ~0xffff_ffff_ffffL) != 0 || (targetMac & ~0xffff_ffff_ffffL) != 0) {
            throw new IllegalArgumentException("a MAC address has 48 bits");
        }
    }

    /** A request asking who has {@code targetIp} (RFC 826; target hardware address zero). */
    public static ArpRepr request(long senderMac, int senderIp, int targetIp) {
        return new ArpRepr(ArpPacket.OP_REQUEST, senderMac, senderIp, 0, targetIp);
    }

    /** A reply telling {@code targetMac}/{@code targetIp} that {@code senderIp} is at {@code senderMac}. */
    public static ArpRepr reply(long senderMac, int senderIp, long targetMac, int targetIp) {
        return new ArpRepr(ArpPacket.OP_REPLY, senderMac, senderIp, targetMac, targetIp);
    }

    /**
     * Parses {@code len} bytes at {@code off} with the checks of {@link ArpPacket#check}: at
     * least 28 bytes ({@code TRUNCATED}; trailing Ethernet padding allowed), hardware type
     * Ethernet, protocol IPv4, address lengths 6 and 4 ({@code UNSUPPORTED}). Never throws for
     * any bytes within {@code [off, off+len)}.
     */
    public static ParseResult<ArpRepr> parse(MemorySegment s, long off, int len) {
        int r = ArpPacket.check(s, off, len);
        if (r < 0) {
            return ParseResult.error(Drop.ofCode(r));
        }
        return ParseResult.ok(new ArpRepr(ArpPacket.operation(s, off), ArpPacket.senderMac(s, off),
                ArpPacket.senderIp(s, off), ArpPacket.targetMac(s, off), ArpPacket.targetIp(s, off)));
    }

    /** Bytes of the packet: always 28. */
    public int bufferLen() {
        return ArpPacket.LEN;
    }

    /** Writes exactly {@link #bufferLen()} bytes at {@code off}. */
    public void emit(MemorySegment s, long off) {
        ArpPacket.emit(s, off, operation, senderMac, senderIp, targetMac, targetIp);
    }

    @Override
    public String toString() {
        return "ArpRepr[op=" + operation + ", sender=" + WireText.mac(senderMac) + "/" + WireText.ip4(senderIp)
                + ", target=" + WireText.mac(targetMac) + "/" + WireText.ip4(targetIp) + "]";
    }
}
