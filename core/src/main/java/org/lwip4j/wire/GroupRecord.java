package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;

/**
 * The header of a group record, the same in an IGMPv3 report (RFC 3376 §4.2.4) and an
 * MLDv2 report (RFC 3810 §5.2.4): type, auxiliary data length in 32-bit words, number of
 * sources, then the group and source addresses of the family's size. One reading of it
 * serves both {@link IgmpPacket} and {@link MldPacket}.
 */
public final class GroupRecord {
    private GroupRecord() {
    }

    /** Record type (MODE_IS_INCLUDE 1 .. BLOCK_OLD_SOURCES 6). */
    public static int type(MemorySegment s, long r) {
        return Bytes.u8(s, r);
    }

    /** Bytes of auxiliary data. */
    public static int auxLen(MemorySegment s, long r) {
        return Bytes.u8(s, r + 1) * 4;
    }

    /** Number of sources. */
    public static int numSources(MemorySegment s, long r) {
        return Bytes.u16(s, r + 2);
    }

    /** Bytes of the whole record, for addresses of {@code addrLen} bytes (4 or 16). */
    public static int length(MemorySegment s, long r, int addrLen) {
        return 4 + addrLen + addrLen * numSources(s, r) + auxLen(s, r);
    }
}
