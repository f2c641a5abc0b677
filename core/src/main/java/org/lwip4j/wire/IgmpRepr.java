package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;

/**
 * What an IGMP message header says (RFC 2236 §2, RFC 3376 §4), as a value: the
 * {@link IgmpPacket} view's high-level counterpart. The 32-bit word after the checksum is
 * kept whole: the group address of a query, v1/v2 report or leave; reserved bits and the
 * number of records of a v3 report. What follows the 8 bytes (v3 query fields and
 * sources, v3 records) stays in the packet and only its length is recorded.
 *
 * @param version         the version {@link IgmpPacket#check} told (0 for another type)
 * @param type            message type
 * @param maxResponseCode max response time or code
 * @param word            bytes 4..7 (group address)
 * @param dataLen         bytes after the 8-byte header
 */
public record IgmpRepr(int version, int type, int maxResponseCode, int word, int dataLen) {
    /**
     * Checks the fields fit their wire widths.
     *
     * @throws IllegalArgumentException when a field does not fit
     */
    public IgmpRepr {
        if ((type & ~0xff) != 0 || (maxResponseCode & ~0xff) != 0) {
            throw new IllegalArgumentException("IGMP type and max response code are bytes");
        }
        if (version < 0 || version > 3) {
            throw new IllegalArgumentException("IGMP version " + version);
        }
        if (dataLen < 0 || dataLen > 0xffff - Ipv4Packet.MAX_HEADER_LEN - IgmpPacket.HEADER_LEN) {
            throw new IllegalArgumentException("IGMP data length out of range: " + dataLen);
        }
    }

    /** An IGMPv2 membership report for {@code group} (RFC 2236 §2). */
    public static IgmpRepr v2Report(int group) {
        return new IgmpRepr(2, IgmpPacket.TYPE_V2_REPORT, 0, group, 0);
    }

    /** An IGMPv2 leave group for {@code group} (RFC 2236 §2), sent to 224.0.0.2. */
    public static IgmpRepr leave(int group) {
        return new IgmpRepr(2, IgmpPacket.TYPE_LEAVE, 0, group, 0);
    }

    /** An IGMPv1 membership report (RFC 1112 App. I, RFC 2236 §2.1 type 0x12). */
    public static IgmpRepr v1Report(int group) {
        return new IgmpRepr(1, IgmpPacket.TYPE_V1_REPORT, 0, group, 0);
    }

    /**
     * Parses an IGMP message of {@code len} bytes and verifies its checksum; refuses as
     * {@link IgmpPacket#check} does, then {@code BAD_CHECKSUM}. Never throws for any bytes
     * within {@code [off, off+len)}.
     */
    public static ParseResult<IgmpRepr> parse(MemorySegment s, long off, int len) {
        return parse(s, off, len, true);
    }

    /** As {@link #parse(MemorySegment, long, int)}; with {@code verifyChecksum} false the checksum is not looked at. */
    public static ParseResult<IgmpRepr> parse(MemorySegment s, long off, int len, boolean verifyChecksum) {
        int v = IgmpPacket.check(s, off, len);
        if (v < 0) {
            return ParseResult.error(Drop.ofCode(v));
        }
        if (verifyChecksum && !IgmpPacket.checksumOk(s, off, len)) {
            return ParseResult.error(Drop.BAD_CHECKSUM);
        }
        return ParseResult.ok(new IgmpRepr(v, IgmpPacket.type(s, off), IgmpPacket.maxResponseCode(s, off),
                IgmpPacket.group(s, off), len - IgmpPacket.HEADER_LEN));
    }

    /** The group address (the whole word). */
    public int group() {
        return word;
    }

    /** Number of records of a v3 report (low 16 bits of the word). */
    public int numRecords() {
        return word & 0xffff;
    }

    /** Header bytes {@link #emit} writes: always 8. */
    public int bufferLen() {
        return IgmpPacket.HEADER_LEN;
    }

    /** Message bytes: header plus data. */
    public int totalLen() {
        return IgmpPacket.HEADER_LEN + dataLen;
    }

    /**
     * Writes exactly {@link #bufferLen()} header bytes at {@code off}. With {@code checksum}
     * true it then computes the checksum over the header and the {@link #dataLen()} bytes
     * after it, which must already be in place; false leaves the field zero.
     */
    public void emit(MemorySegment s, long off, boolean checksum) {
        IgmpPacket.emit(s, off, type, maxResponseCode, word);
        if (checksum) {
            IgmpPacket.fillChecksum(s, off, totalLen());
        }
    }
}
