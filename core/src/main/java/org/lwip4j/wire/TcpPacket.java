package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Checksum;

/**
 * TCP header view (RFC 9293 §3.1): static accessors over the bytes at an offset of a
 * segment. {@link #check} validates untrusted bytes once (header present, data offset
 * sane); after it passed no accessor reads outside the header it promised. The options
 * between byte 20 and the data offset are walked by {@link TcpOptions}.
 */
public final class TcpPacket {
    /** Field offsets. */
    public static final class Field {
        /** Source port. */
        public static final int SRC = 0;
        /** Destination port. */
        public static final int DST = 2;
        /** Sequence number. */
        public static final int SEQ = 4;
        /** Acknowledgment number. */
        public static final int ACK = 8;
        /** Data offset (high nibble, in 32-bit words) and reserved bits (low nibble). */
        public static final int DATA_OFF = 12;
        /** Control bits (CWR ECE URG ACK PSH RST SYN FIN, high to low). */
        public static final int FLAGS = 13;
        /** Receive window. */
        public static final int WINDOW = 14;
        /** Checksum. */
        public static final int CHECKSUM = 16;
        /** Urgent pointer. */
        public static final int URGENT = 18;
        /** First option byte. */
        public static final int OPTIONS = 20;

        private Field() {
        }
    }

    /** No more data from sender (RFC 9293 §3.1). */
    public static final int FIN = 0x01;
    /** Synchronize sequence numbers. */
    public static final int SYN = 0x02;
    /** Reset the connection. */
    public static final int RST = 0x04;
    /** Push function. */
    public static final int PSH = 0x08;
    /** Acknowledgment field is significant. */
    public static final int ACK = 0x10;
    /** Urgent pointer field is significant. */
    public static final int URG = 0x20;
    /** ECN-Echo (RFC 3168 §6.1). */
    public static final int ECE = 0x40;
    /** Congestion Window Reduced (RFC 3168 §6.1). */
    public static final int CWR = 0x80;

    /** Header bytes without options. */
    public static final int HEADER_LEN = 20;
    /** Largest header: data offset 15 words. */
    public static final int MAX_HEADER_LEN = 60;
    /** Largest option area. */
    public static final int MAX_OPTIONS_LEN = MAX_HEADER_LEN - HEADER_LEN;

    private TcpPacket() {
    }

    /**
     * Checks a TCP segment carried in {@code avail} bytes (the IP payload): returns the
     * header length in bytes (20..60, from the data offset) or a negative {@link Drop} code:
     * {@code TRUNCATED} below 20 bytes, {@code MALFORMED} when the data offset is below 5
     * words or points past the segment (RFC 9293 §3.1; such a segment is discarded). The
     * options are not looked at: {@link TcpOptions#parse} does that.
     */
    public static int check(MemorySegment s, long off, int avail) {
        if (avail < HEADER_LEN) {
            return -Drop.TRUNCATED.code();
        }
        int hl = headerLen(s, off);
        if (hl < HEADER_LEN || hl > avail) {
            return -Drop.MALFORMED.code();
        }
        return hl;
    }

    /** Source port. */
    public static int srcPort(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.SRC);
    }

    /** Destination port. */
    public static int dstPort(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.DST);
    }

    /** Sequence number (compare modulo 2^32, RFC 9293 §3.4). */
    public static int seq(MemorySegment s, long off) {
        return Bytes.i32(s, off + Field.SEQ);
    }

    /** Acknowledgment number (meaningful with {@link #ACK} set). */
    public static int ack(MemorySegment s, long off) {
        return Bytes.i32(s, off + Field.ACK);
    }

    /** Header length in bytes: the data offset field times 4 (unchecked: 0..60). */
    public static int headerLen(MemorySegment s, long off) {
        return (Bytes.u8(s, off + Field.DATA_OFF) >>> 4) * 4;
    }

    /** The four reserved bits (low nibble of byte 12): sent as zero, ignored on receipt (RFC 9293 §3.1). */
    public static int reserved(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.DATA_OFF) & 0x0f;
    }

    /** The eight control bits ({@link #FIN} ... {@link #CWR}). */
    public static int flags(MemorySegment s, long off) {
        return Bytes.u8(s, off + Field.FLAGS);
    }

    /** True when every bit of {@code mask} is set in the control bits. */
    public static boolean hasFlags(MemorySegment s, long off, int mask) {
        return (flags(s, off) & mask) == mask;
    }

    /** Window field, unscaled. */
    public static int window(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.WINDOW);
    }

    /** Checksum field. */
    public static int checksum(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.CHECKSUM);
    }

    /** Urgent pointer field. */
    public static int urgent(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.URGENT);
    }

    /**
     * True when the checksum over the {@code len} bytes of the segment at {@code off} (header
     * and data) plus the pseudo-header whose sum is {@code pseudoSum} verifies (RFC 9293
     * §3.1: the pseudo-header's length is the TCP length, {@code len}).
     */
    public static boolean checksumOk(MemorySegment s, long off, int len, long pseudoSum) {
        return Checksum.verifies(Checksum.partial(s, off, len, pseudoSum));
    }

    /**
     * Computes the checksum over the pseudo-header whose sum is {@code pseudoSum} and the
     * {@code len} bytes of the segment at {@code off}, and stores it. Unlike UDP, TCP has no
     * "no checksum" value, so a computed 0 is stored as is.
     */
    public static void fillChecksum(MemorySegment s, long off, int len, long pseudoSum) {
        Bytes.put16(s, off + Field.CHECKSUM, 0);
        Bytes.put16(s, off + Field.CHECKSUM, Checksum.finish(Checksum.partial(s, off, len, pseudoSum)));
    }

    /** Sets the checksum field. */
    public static void setChecksum(MemorySegment s, long off, int sum) {
        Bytes.put16(s, off + Field.CHECKSUM, sum);
    }

    /**
     * Writes the 20 fixed header bytes with a zero checksum and zero reserved bits; the
     * options (if {@code headerLen > 20}) are written after it by {@link TcpOptions#emit}.
     *
     * @param headerLen header bytes including options: a multiple of 4 in 20..60
     * @throws IllegalArgumentException when {@code headerLen} is not a legal data offset
     */
    public static void emit(MemorySegment s, long off, int srcPort, int dstPort, int seq, int ack,
            int headerLen, int flags, int window, int urgent) {
        if (headerLen < HEADER_LEN || headerLen > MAX_HEADER_LEN || (headerLen & 3) != 0) {
            throw new IllegalArgumentException("TCP header length must be 20..60 in steps of 4: " + headerLen);
        }
        Bytes.put16(s, off + Field.SRC, srcPort);
        Bytes.put16(s, off + Field.DST, dstPort);
        Bytes.put32(s, off + Field.SEQ, seq);
        Bytes.put32(s, off + Field.ACK, ack);
        Bytes.put8(s, off + Field.DATA_OFF, (headerLen / 4) << 4);
        Bytes.put8(s, off + Field.FLAGS, flags);
        Bytes.put16(s, off + Field.WINDOW, window);
        Bytes.put16(s, off + Field.CHECKSUM, 0);
        Bytes.put16(s, off + Field.URGENT, urgent);
    }
}
