package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;

/**
 * Multicast Listener Discovery message views over an ICMPv6 message: MLDv1 query, report
 * and done (RFC 2710 §3), MLDv2 query with sources (RFC 3810 §5.1) and MLDv2 report with
 * multicast address records (RFC 3810 §5.2). Offsets of report records are segment
 * offsets, from {@link #firstRecord} and {@link #nextRecord}.
 */
public final class MldPacket {
    /** Field offsets from the start of the ICMPv6 message. */
    public static final class Field {
        /** Query: maximum response code (MLDv1: delay in milliseconds). */
        public static final int MAX_RESPONSE = 4;
        /** Query, MLDv1 report and done: multicast address. */
        public static final int MULTICAST = 8;
        /** MLDv2 query: reserved (4 bits), S flag, QRV (3 bits). */
        public static final int FLAGS = 24;
        /** MLDv2 query: querier's query interval code. */
        public static final int QQIC = 25;
        /** MLDv2 query: number of sources. */
        public static final int NUM_SOURCES = 26;
        /** MLDv2 query: first source address. */
        public static final int SOURCES = 28;
        /** MLDv2 report: number of multicast address records. */
        public static final int NUM_RECORDS = 6;
        /** MLDv2 report: first record. */
        public static final int RECORDS = 8;

        private Field() {
        }
    }

    /** Bytes of an MLDv1 message (and of an MLDv1 query, RFC 3810 §8.1). */
    public static final int V1_LEN = 24;
    /** Bytes of an MLDv2 query without sources. */
    public static final int V2_QUERY_LEN = 28;
    /** Bytes of an MLDv2 report header. */
    public static final int V2_REPORT_LEN = 8;
    /** Bytes of a multicast address record without sources and auxiliary data. */
    public static final int RECORD_LEN = 20;
    /** MLDv2 query flag: suppress router-side processing (RFC 3810 §5.1.7). */
    public static final int FLAG_S = 0x08;

    /** Record type: MODE_IS_INCLUDE (RFC 3810 §5.2.12; the same values as IGMPv3). */
    public static final int MODE_IS_INCLUDE = 1;
    /** Record type: MODE_IS_EXCLUDE. */
    public static final int MODE_IS_EXCLUDE = 2;
    /** Record type: CHANGE_TO_INCLUDE_MODE. */
    public static final int CHANGE_TO_INCLUDE = 3;
    /** Record type: CHANGE_TO_EXCLUDE_MODE. */
    public static final int CHANGE_TO_EXCLUDE = 4;
    /** Record type: ALLOW_NEW_SOURCES. */
    public static final int ALLOW_NEW_SOURCES = 5;
    /** Record type: BLOCK_OLD_SOURCES. */
    public static final int BLOCK_OLD_SOURCES = 6;

    private MldPacket() {
    }

    /**
     * Checks a query of {@code len} bytes and tells its version (RFC 3810 §8.1): 1 for exactly
     * 24 bytes, 2 for 28 or more with all its sources present; else a negative {@link Drop}
     * code: fewer than 24 bytes ({@code TRUNCATED}), 25 to 27 ({@code UNSUPPORTED}: "MUST be
     * silently ignored"), sources past the end ({@code BAD_LENGTH}). Type and code are not
     * looked at.
     */
    public static int checkQuery(MemorySegment s, long off, int len) {
        if (len < V1_LEN) {
            return -Drop.TRUNCATED.code();
        }
        if (len == V1_LEN) {
            return 1;
        }
        if (len < V2_QUERY_LEN) {
            return -Drop.UNSUPPORTED.code();
        }
        if (V2_QUERY_LEN + 16L * numSources(s, off) > len) {
            return -Drop.BAD_LENGTH.code();
        }
        return 2;
    }

    /** Checks an MLDv1 report or done of {@code len} bytes (RFC 2710 §3): 0, or {@code -TRUNCATED} below 24 bytes. */
    public static int checkV1(MemorySegment s, long off, int len) {
        return len < V1_LEN ? -Drop.TRUNCATED.code() : 0;
    }

    /**
     * Checks an MLDv2 report of {@code len} bytes (RFC 3810 §5.2): every record, with its
     * sources and auxiliary data, within the bytes. Returns the bytes the header and records
     * cover, or a negative {@link Drop} code: fewer than 8 bytes or a record cut off
     * ({@code TRUNCATED}).
     */
    public static int checkReport(MemorySegment s, long off, int len) {
        if (len < V2_REPORT_LEN) {
            return -Drop.TRUNCATED.code();
        }
        int n = numRecords(s, off);
        long r = off + Field.RECORDS;
        long end = off + len;
        for (int i = 0; i < n; i++) {
            if (end - r < RECORD_LEN || recordLen(s, r) > end - r) {
                return -Drop.TRUNCATED.code();
            }
            r += recordLen(s, r);
        }
        return (int) (r - off);
    }

    /** Query: the maximum response code (RFC 3810 §5.1.3; MLDv1: the delay, RFC 2710 §3.4). */
    public static int maxResponseCode(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.MAX_RESPONSE);
    }

    /**
     * The maximum response delay in milliseconds of a 16-bit code (RFC 3810 §5.1.3): the
     * code itself below 32768, else {@code (mant | 0x1000) << (exp + 3)}.
     */
    public static int maxResponseDelay(int code) {
        if (code < 0x8000) {
            return code;
        }
        return ((code & 0xfff) | 0x1000) << (((code >>> 12) & 7) + 3);
    }

    /** The querier's query interval in seconds of an 8-bit QQIC (RFC 3810 §5.1.9; the same as IGMPv3's). */
    public static int queryInterval(int qqic) {
        return IgmpPacket.decodeCode(qqic);
    }

    /** First 64 bits of the multicast address (query, MLDv1 report and done). */
    public static long multicastHi(MemorySegment s, long off) {
        return s.get(Bytes.BE_LONG, off + Field.MULTICAST);
    }

    /** Last 64 bits of the multicast address. */
    public static long multicastLo(MemorySegment s, long off) {
        return s.get(Bytes.BE_LONG, off + Field.MULTICAST + 8);
    }

    /** MLDv2 query: the S flag. */
    public static boolean suppress(MemorySegment s, long off) {
        return (Bytes.u8(s, off + Field.FLAGS) & FLAG_S) != 0;
    }

    /** MLDv2 query: querier's robustness variable (0: unset). */
    public static int qrv(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.FLAGS) & 7;
    }

    /** MLDv2 query: querier's query interval code. */
    public static int qqic(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.QQIC);
    }

    /** MLDv2 query: number of sources. */
    public static int numSources(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.NUM_SOURCES);
    }

    /** MLDv2 query: first 64 bits of source {@code i}. */
    public static long sourceHi(MemorySegment s, long off, int i) {
        return s.get(Bytes.BE_LONG, off + Field.SOURCES + 16L * i);
    }

    /** MLDv2 query: last 64 bits of source {@code i}. */
    public static long sourceLo(MemorySegment s, long off, int i) {
        return s.get(Bytes.BE_LONG, off + Field.SOURCES + 8 + 16L * i);
    }

    /** MLDv2 report: number of records. */
    public static int numRecords(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.NUM_RECORDS);
    }

    /** MLDv2 report: segment offset of the first record. */
    public static long firstRecord(long off) {
        return off + Field.RECORDS;
    }

    /** Segment offset of the record after the one at {@code r}. */
    public static long nextRecord(MemorySegment s, long r) {
        return r + recordLen(s, r);
    }

    /** Record type ({@link #MODE_IS_INCLUDE}..{@link #BLOCK_OLD_SOURCES}). */
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
        return GroupRecord.length(s, r, 16);
    }

    /** Record: first 64 bits of the multicast address. */
    public static long recordMulticastHi(MemorySegment s, long r) {
        return s.get(Bytes.BE_LONG, r + 4);
    }

    /** Record: last 64 bits of the multicast address. */
    public static long recordMulticastLo(MemorySegment s, long r) {
        return s.get(Bytes.BE_LONG, r + 12);
    }

    /** Record: first 64 bits of source {@code i}. */
    public static long recordSourceHi(MemorySegment s, long r, int i) {
        return s.get(Bytes.BE_LONG, r + RECORD_LEN + 16L * i);
    }

    /** Record: last 64 bits of source {@code i}. */
    public static long recordSourceLo(MemorySegment s, long r, int i) {
        return s.get(Bytes.BE_LONG, r + RECORD_LEN + 8 + 16L * i);
    }

    /** Writes a 24-byte MLDv1 message (RFC 2710 §3) of {@code type}, checksum zero. */
    public static void emitV1(MemorySegment s, long off, int type, int maxDelay, long mcastHi, long mcastLo) {
        Icmpv6Packet.emit(s, off, type, 0, (maxDelay & 0xffff) << 16);
        s.set(Bytes.BE_LONG, off + Field.MULTICAST, mcastHi);
        s.set(Bytes.BE_LONG, off + Field.MULTICAST + 8, mcastLo);
    }

    /**
     * Writes the 28 bytes of an MLDv2 query (RFC 3810 §5.1) before its {@code numSources}
     * sources (set with {@link #setSource}), checksum zero; returns 28.
     */
    public static int emitQueryV2(MemorySegment s, long off, int maxResponseCode, long mcastHi, long mcastLo,
            boolean suppress, int qrv, int qqic, int numSources) {
        emitV1(s, off, Icmpv6Packet.TYPE_MLD_QUERY, maxResponseCode, mcastHi, mcastLo);
        Bytes.put32(s, off + Field.FLAGS, (suppress ? FLAG_S : 0) << 24 | (qrv & 7) << 24 | (qqic & 0xff) << 16
                | (numSources & 0xffff));
        return V2_QUERY_LEN;
    }

    /** Sets source {@code i} of an MLDv2 query. */
    public static void setSource(MemorySegment s, long off, int i, long hi, long lo) {
        s.set(Bytes.BE_LONG, off + Field.SOURCES + 16L * i, hi);
        s.set(Bytes.BE_LONG, off + Field.SOURCES + 8 + 16L * i, lo);
    }

    /** Writes the 8-byte header of an MLDv2 report (RFC 3810 §5.2), checksum zero; returns 8. */
    public static int emitReportV2(MemorySegment s, long off, int numRecords) {
        Icmpv6Packet.emit(s, off, Icmpv6Packet.TYPE_MLDV2_REPORT, 0, numRecords & 0xffff);
        return V2_REPORT_LEN;
    }

    /**
     * Writes the 20 bytes of a record at segment offset {@code r} before its
     * {@code numSources} sources (set with {@link #setRecordSource}), no auxiliary data;
     * returns the record's length.
     */
    public static int emitRecord(MemorySegment s, long r, int type, long mcastHi, long mcastLo, int numSources) {
        Bytes.put32(s, r, (type & 0xff) << 24 | (numSources & 0xffff));
        s.set(Bytes.BE_LONG, r + 4, mcastHi);
        s.set(Bytes.BE_LONG, r + 12, mcastLo);
        return RECORD_LEN + 16 * (numSources & 0xffff);
    }

    /** Sets source {@code i} of the record at {@code r}. */
    public static void setRecordSource(MemorySegment s, long r, int i, long hi, long lo) {
        s.set(Bytes.BE_LONG, r + RECORD_LEN + 16L * i, hi);
        s.set(Bytes.BE_LONG, r + RECORD_LEN + 8 + 16L * i, lo);
    }
}
