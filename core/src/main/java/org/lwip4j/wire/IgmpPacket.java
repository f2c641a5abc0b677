package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Checksum;

/**
 * IGMP message view: IGMPv1 and IGMPv2 (RFC 2236 §2), IGMPv3 query with sources and report
 * with group records (RFC 3376 §4). {@link #check} tells the version as RFC 3376 §7.1 does,
 * by type and length. The checksum covers the whole IGMP message (RFC 2236 §2.3,
 * RFC 3376 §4.1.2). Offsets of report records are segment offsets.
 */
public final class IgmpPacket {
    /** Field offsets. */
    public static final class Field {
        /** Type. */
        public static final int TYPE = 0;
        /** Max response time (v2) or code (v3); unused in v1. */
        public static final int MAX_RESPONSE = 1;
        /** Checksum. */
        public static final int CHECKSUM = 2;
        /** Group address (queries, v1/v2 reports, leave). */
        public static final int GROUP = 4;
        /** v3 query: reserved (4 bits), S flag, QRV (3 bits). */
        public static final int FLAGS = 8;
        /** v3 query: querier's query interval code. */
        public static final int QQIC = 9;
        /** v3 query: number of sources. */
        public static final int NUM_SOURCES = 10;
        /** v3 query: first source. */
        public static final int SOURCES = 12;
        /** v3 report: number of group records. */
        public static final int NUM_RECORDS = 6;
        /** v3 report: first group record. */
        public static final int RECORDS = 8;

        private Field() {
        }
    }

    /** Bytes of an IGMPv1/v2 message and of a v3 report header. */
    public static final int HEADER_LEN = 8;
    /** Bytes of an IGMPv3 query without sources. */
    public static final int V3_QUERY_LEN = 12;
    /** Bytes of a group record without sources and auxiliary data. */
    public static final int RECORD_LEN = 8;

    /** Membership query (all versions). */
    public static final int TYPE_QUERY = 0x11;
    /** IGMPv1 membership report. */
    public static final int TYPE_V1_REPORT = 0x12;
    /** IGMPv2 membership report. */
    public static final int TYPE_V2_REPORT = 0x16;
    /** IGMPv2 leave group. */
    public static final int TYPE_LEAVE = 0x17;
    /** IGMPv3 membership report. */
    public static final int TYPE_V3_REPORT = 0x22;
    /** v3 query flag: suppress router-side processing (RFC 3376 §4.1.5). */
    public static final int FLAG_S = 0x08;

    private IgmpPacket() {
    }

    /**
     * Checks {@code len} bytes as an IGMP message (the IPv4 payload) and tells its version:
     * a query of 8 bytes is v1 when its max response code is 0, else v2; of 12 bytes or more
     * v3 (RFC 3376 §7.1); a v1 report is 1, a v2 report or leave 2, a v3 report 3; any other
     * type 0. Or a negative {@link Drop} code: fewer than 8 bytes ({@code TRUNCATED}); a query
     * of 9 to 11 bytes ({@code UNSUPPORTED}: §7.1 "MUST be silently ignored"); v3 query
     * sources past the end ({@code BAD_LENGTH}); a v3 report record cut off
     * ({@code TRUNCATED}). The checksum is {@link #checksumOk}'s.
     */
    public static int check(MemorySegment s, long off, int len) {
        if (len < HEADER_LEN) {
            return -Drop.TRUNCATED.code();
        }
        return switch (type(s, off)) {
            case TYPE_QUERY -> checkQuery(s, off, len);
            case TYPE_V1_REPORT -> 1;
            case TYPE_V2_REPORT, TYPE_LEAVE -> 2;
            case TYPE_V3_REPORT -> checkReport(s, off, len);
            default -> 0;
        };
    }

    private static int checkQuery(MemorySegment s, long off, int len) {
        if (len == HEADER_LEN) {
            return maxResponseCode(s, off) == 0 ? 1 : 2;
        }
        if (len < V3_QUERY_LEN) {
            return -Drop.UNSUPPORTED.code();
        }
        if (V3_QUERY_LEN + 4L * numSources(s, off) > len) {
            return -Drop.BAD_LENGTH.code();
        }
        return 3;
    }

    private static int checkReport(MemorySegment s, long off, int len) {
        int n = numRecords(s, off);
        long r = off + Field.RECORDS;
        long end = off + len;
        for (int i = 0; i < n; i++) {
            if (end - r < RECORD_LEN || recordLen(s, r) > end - r) {
                return -Drop.TRUNCATED.code();
            }
            r += recordLen(s, r);
        }
        return 3;
    }

    /**
     * The value of an 8-bit max response code or QQIC (RFC 3376 §4.1.1, §4.1.7): the code
     * itself below 128, else {@code (mant | 0x10) << (exp + 3)}.
     */
    public static int decodeCode(int code) {
        if (code < 0x80) {
            return code;
        }
        return ((code & 0xf) | 0x10) << (((code >>> 4) & 7) + 3);
    }

    /** Type. */
    public static int type(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.TYPE);
    }

    /** Max response time (v2, tenths of a second) or code (v3, see {@link #decodeCode}). */
    public static int maxResponseCode(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.MAX_RESPONSE);
    }

    /** Checksum field. */
    public static int checksum(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.CHECKSUM);
    }

    /** Group address bits (queries, v1/v2 reports, leave). */
    public static int group(MemorySegment s, long off) {
        return Bytes.i32(s, off + Field.GROUP);
    }

    /** v3 query: the S flag. */
    public static boolean suppress(MemorySegment s, long off) {
        return (Bytes.u8(s, off + Field.FLAGS) & FLAG_S) != 0;
    }

    /** v3 query: querier's robustness variable. */
    public static int qrv(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.FLAGS) & 7;
    }

    /** v3 query: querier's query interval code. */
    public static int qqic(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.QQIC);
    }

    /** v3 query: number of sources. */
    public static int numSources(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.NUM_SOURCES);
    }

    /** v3 query: source {@code i}. */
    public static int source(MemorySegment s, long off, int i) {
        return Bytes.i32(s, off + Field.SOURCES + 4L * i);
    }

    /** v3 report: number of group records. */
    public static int numRecords(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.NUM_RECORDS);
    }

    /** v3 report: segment offset of the first record. */
    public static long firstRecord(long off) {
        return off + Field.RECORDS;
    }

    /** Segment offset of the record after the one at {@code r}. */
    public static long nextRecord(MemorySegment s, long r) {
        return r + recordLen(s, r);
    }

    /** Record type (RFC 3376 §4.2.12: the values of {@link MldPacket#MODE_IS_INCLUDE}..). */
    public static int recordType(MemorySegment s, long r) {
        return GroupRecord.type(s, r);
    }

    /** Record: bytes of auxiliary data. */
    public static int recordAuxLen(MemorySegment s, long r) {
        return GroupRecord.auxLen(s, r);
    }

    /** Record: number of sources. */
    public static int recordNumSources(MemorySegment s, long r) {
        return GroupRecord.numSources(s, r);
    }

    /** Record: bytes of the whole record. */
    public static int recordLen(MemorySegment s, long r) {
        return GroupRecord.length(s, r, 4);
    }

    /** Record: multicast address. */
    public static int recordGroup(MemorySegment s, long r) {
        return Bytes.i32(s, r + 4);
    }

    /** Record: source {@code i}. */
    public static int recordSource(MemorySegment s, long r, int i) {
        return Bytes.i32(s, r + RECORD_LEN + 4L * i);
    }

    /** True when the checksum of a message of {@code len} bytes verifies. */
    public static boolean checksumOk(MemorySegment s, long off, int len) {
        return Checksum.verifies(Checksum.partial(s, off, len, 0));
    }

    /** Computes and stores the checksum of a message of {@code len} bytes. */
    public static void fillChecksum(MemorySegment s, long off, int len) {
        Bytes.put16(s, off + Field.CHECKSUM, 0);
        Bytes.put16(s, off + Field.CHECKSUM, Checksum.of(s, off, len));
    }

    /** Writes the 8-byte header: type, max response code, zero checksum and the 32-bit word (group). */
    public static void emit(MemorySegment s, long off, int type, int maxResponseCode, int word) {
        Bytes.put16(s, off + Field.TYPE, (type & 0xff) << 8 | (maxResponseCode & 0xff));
        Bytes.put16(s, off + Field.CHECKSUM, 0);
        Bytes.put32(s, off + Field.GROUP, word);
    }

    /**
     * Writes the 12 bytes of a v3 query (RFC 3376 §4.1) before its {@code numSources}
     * sources (set with {@link #setSource}), checksum zero; returns 12.
     */
    public static int emitQueryV3(MemorySegment s, long off, int maxResponseCode, int group, boolean suppress,
            int qrv, int qqic, int numSources) {
        emit(s, off, TYPE_QUERY, maxResponseCode, group);
        Bytes.put32(s, off + Field.FLAGS, ((suppress ? FLAG_S : 0) | (qrv & 7)) << 24 | (qqic & 0xff) << 16
                | (numSources & 0xffff));
        return V3_QUERY_LEN;
    }

    /** Sets source {@code i} of a v3 query. */
    public static void setSource(MemorySegment s, long off, int i, int source) {
        Bytes.put32(s, off + Field.SOURCES + 4L * i, source);
    }

    /** Writes the 8-byte header of a v3 report (RFC 3376 §4.2), checksum zero; returns 8. */
    public static int emitReportV3(MemorySegment s, long off, int numRecords) {
        emit(s, off, TYPE_V3_REPORT, 0, numRecords & 0xffff);
        return HEADER_LEN;
    }

    /**
     * Writes the 8 bytes of a group record at segment offset {@code r} before its
     * {@code numSources} sources (set with {@link #setRecordSource}), no auxiliary data;
     * returns the record's length.
     */
    public static int emitRecord(MemorySegment s, long r, int type, int group, int numSources) {
        Bytes.put32(s, r, (type & 0xff) << 24 | (numSources & 0xffff));
        Bytes.put32(s, r + 4, group);
        return RECORD_LEN + 4 * (numSources & 0xffff);
    }

    /** Sets source {@code i} of the record at {@code r}. */
    public static void setRecordSource(MemorySegment s, long r, int i, int source) {
        Bytes.put32(s, r + RECORD_LEN + 4L * i, source);
    }
}
